package wizard

import (
	"fmt"
	"strings"
	"time"
)

func validateAPIAccess(c Connector, now time.Time) Problems {
	var ps Problems
	add := func(field Field, msg, fix string) { ps = append(ps, Problem{Field: field, Msg: msg, Fix: fix}) }
	switch c.APIAccess {
	case APINone, "":
		if c.APITokenSameAsPassword {
			add(FieldAPITokenSameAsPassword, "api access is off; turn it on with --api-access or drop this flag", "")
		}
		return ps
	case APIEmailAPIToken:
		if c.Edition != Cloud {
			add(FieldAPIAccess, fmt.Sprintf("email and api token is for bitbucket cloud only; on data center choose %q", APIAccessToken.Label()), string(APIAccessToken))
		}
		if err := ValidateEmail(c.APIEmail); err != nil {
			add(FieldAPIEmail, err.Error(), "")
		}
		if c.APITokenSameAsPassword && c.Connection == HTTP && c.PasswordKind != APIToken {
			add(FieldAPITokenSameAsPassword, fmt.Sprintf("the http password is %s, not an api token; give the api token on its own", WithArticle(strings.ToLower(c.PasswordKind.Label()))), "")
		}
	case APIAccessToken:
		if c.APITokenSameAsPassword && c.Connection == HTTP && c.PasswordKind != AccessToken && c.PasswordKind != HTTPAccessToken {
			add(FieldAPITokenSameAsPassword, fmt.Sprintf("the http password is %s, not an access token; give the access token on its own", WithArticle(strings.ToLower(c.PasswordKind.Label()))), "")
		}
	case APIUsernameAppPassword:
		if c.Edition != Cloud {
			add(FieldAPIAccess, fmt.Sprintf("app passwords never existed on data center; choose %q", APIAccessToken.Label()), string(APIAccessToken))
		} else if !AppPasswordAllowedForNew(now) {
			add(FieldAPIAccess, fmt.Sprintf("app passwords were removed on %s; choose %q with an api token", day(AppPasswordRemoved), APIEmailAPIToken.Label()), string(APIEmailAPIToken))
		}
		if err := ValidateUsername(Cloud, AppPassword, c.APIUsername); err != nil {
			add(FieldAPIUsername, err.Error(), "")
		}
	default:
		add(FieldAPIAccess, oneOf(string(c.APIAccess), APIAccessKinds).Error(), "")
	}
	if c.APITokenSameAsPassword && c.Connection == SSH {
		add(FieldAPITokenSameAsPassword, "an ssh connector has no http password to reuse; give the api token on its own", "")
	}
	return ps
}

func validateConnectivity(c Connector) Problems {
	var ps Problems
	switch c.Connectivity {
	case ViaPlatform, "":
		if len(c.DelegateSelectors) > 0 {
			ps = append(ps, Problem{Field: FieldDelegateSelector, Msg: "delegate selectors need --connectivity delegate; drop them or switch to delegate"})
		}
	case ViaDelegate:
		seen := map[string]bool{}
		for _, s := range c.DelegateSelectors {
			t := strings.TrimSpace(s)
			switch {
			case t == "":
				ps = append(ps, Problem{Field: FieldDelegateSelector, Msg: "a delegate selector is empty; give the delegate's tag"})
			case seen[t]:
				ps = append(ps, Problem{Field: FieldDelegateSelector, Msg: fmt.Sprintf("delegate selector %q is given twice; list each tag once", t)})
			}
			seen[t] = true
		}
	default:
		ps = append(ps, Problem{Field: FieldConnectivity, Msg: oneOf(string(c.Connectivity), Connectivities).Error()})
	}
	return ps
}

func validateScope(c Connector) Problems {
	var ps Problems
	checkID := func(field Field, what, v string) {
		if v == "" {
			ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf("%s scope needs the %s identifier; give --%s", c.Scope, what, field)})
			return
		}
		if err := ValidateID(v); err != nil {
			ps = append(ps, Problem{Field: field, Msg: what + " " + err.Error()})
		}
	}
	switch c.Scope {
	case ScopeAccount:
		if c.Org != "" || c.Project != "" {
			ps = append(ps, Problem{Field: FieldScope, Msg: "account scope takes no org or project; drop them or use --scope org or project"})
		}
	case ScopeOrg:
		checkID(FieldOrg, "org", c.Org)
		if c.Project != "" {
			ps = append(ps, Problem{Field: FieldProject, Msg: "org scope takes no project; drop it or use --scope project"})
		}
	case ScopeProject, "":
		checkID(FieldOrg, "org", c.Org)
		checkID(FieldProject, "project", c.Project)
	default:
		ps = append(ps, Problem{Field: FieldScope, Msg: oneOf(string(c.Scope), Scopes).Error()})
	}
	return ps
}
