package conntest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// warnDays is how close to expiry a token starts to warn.
const warnDays = 30

// checkAge: App Passwords against the dated timeline, tokens against their
// expiry date.
func (e *env) checkAge(_ context.Context) finding {
	c, now := e.c, e.cfg.Now()
	if e.restIsAppPassword() || (c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword) {
		fix := "create an api token with the required scopes, then " + rotateHint(c)
		if wizard.AppPasswordPhaseAt(now) == wizard.AppPasswordsGone {
			return failf(fix, "app password removed: %s", strings.ToLower(wizard.AppPasswordStatus(now)))
		}
		return warnf(fix, "%s", strings.ToLower(wizard.AppPasswordStatus(now)))
	}
	var parts []string
	worst := Pass
	fix := ""
	add := func(what string, exp time.Time) {
		if exp.IsZero() {
			return
		}
		days := wizard.DaysUntil(now, exp)
		date := exp.Format("2006-01-02")
		switch {
		case !now.Before(exp):
			parts = append(parts, fmt.Sprintf("%s expired on %s", what, date))
			worst, fix = Fail, "create a new token, then "+rotateHint(c)
		case days <= warnDays:
			parts = append(parts, fmt.Sprintf("%s expires in %d days (%s)", what, days, date))
			if worst == Pass {
				worst, fix = Warn, "create a new token before then, then "+rotateHint(c)
			}
		default:
			parts = append(parts, fmt.Sprintf("%s expires in %d days (%s)", what, days, date))
		}
	}
	if c.Connection == wizard.HTTP {
		add(strings.ToLower(c.PasswordKind.Label()), e.cfg.TokenExpires)
	}
	if c.NeedsSeparateAPIToken() {
		add("api access token", e.cfg.APITokenExpires)
	} else if c.Connection == wizard.SSH {
		if c.APIAccess == "" || c.APIAccess == wizard.APINone {
			return skip("ssh keys do not expire")
		}
	}
	if len(parts) == 0 {
		if c.Connection == wizard.HTTP && c.PasswordKind == wizard.APIToken {
			return skip("the token's expiry date is not recorded (api tokens expire within a year)")
		}
		return skip("no expiry date recorded for this credential")
	}
	return finding{status: worst, diag: strings.Join(parts, "; "), fix: fix}
}
