package wizard

import (
	"strings"
	"testing"
	"time"
)

var (
	beforeCutoff = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	inBrownout   = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	today        = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
)

func TestValidateUsername(t *testing.T) {
	cases := []struct {
		e    Edition
		k    PasswordKind
		u    string
		want string // "" = ok
	}{
		{Cloud, APIToken, "jdoe", ""},
		{Cloud, APIToken, APITokenGitUsername, ""},
		{Cloud, APIToken, "", "username is empty"},
		{Cloud, APIToken, "jane@example.com", "is an email address; bitbucket needs your username"},
		{Cloud, APIToken, "jane doe", "is not a bitbucket username"},
		{Cloud, AccessToken, "", ""},
		{Cloud, AccessToken, "x-token-auth", ""},
		{Cloud, AccessToken, "jdoe", "access tokens use the username x-token-auth"},
		{DataCenter, HTTPAccessToken, "jdoe", ""},
		{DataCenter, HTTPAccessToken, "jane@example.com", ""},
		{DataCenter, HTTPAccessToken, "", "data center user name"},
		{DataCenter, HTTPAccessToken, "a:b", "cannot contain"},
		// A token pasted into the username field is named, never repeated.
		{Cloud, APIToken, "ATATT3xFfGF0mzAQJ4sA_OXLkcP03YEM=94F91D86", "looks like a token, not a username"},
		{DataCenter, HTTPAccessToken, "BBDC-YJ1kpgDI4p7FXaIZXpcFYa", "looks like a token, not a username"},
		{Cloud, APIToken, strings.Repeat("x9", 40), "looks like a token"},
	}
	for _, c := range cases {
		err := ValidateUsername(c.e, c.k, c.u)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("ValidateUsername(%s,%s,%q) = %v, want %q", c.e, c.k, c.u, err, c.want)
		}
		if err != nil && LooksLikeToken(c.u) && strings.Contains(err.Error(), c.u) {
			t.Errorf("the message repeats the value: %v", err)
		}
	}
	if err := ValidateEmail("ATATT3xFfGF0mzAQJ4sA_OXLkcP03YEM"); err == nil || strings.Contains(err.Error(), "ATATT") {
		t.Errorf("ValidateEmail(token) = %v", err)
	}
}

func TestValidatePasswordKind(t *testing.T) {
	cases := []struct {
		e    Edition
		k    PasswordKind
		now  time.Time
		want string
	}{
		{Cloud, APIToken, today, ""},
		{Cloud, AccessToken, today, ""},
		{Cloud, AppPassword, beforeCutoff, ""},
		{Cloud, AppPassword, inBrownout, ""},
		{Cloud, AppPassword, today, "app passwords were removed on 2026-07-28"},
		{Cloud, HTTPAccessToken, today, "http access tokens are for data center"},
		{DataCenter, APIToken, today, "data center takes http access tokens only"},
		{DataCenter, HTTPAccessToken, today, ""},
		{Cloud, "", today, "choose a password kind"},
		{Cloud, "pat", today, `"pat" is not one of`},
	}
	for _, c := range cases {
		err := ValidatePasswordKind(c.e, c.k, c.now)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("ValidatePasswordKind(%s,%q,%s) = %v, want %q", c.e, c.k, c.now.Format("2006-01-02"), err, c.want)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	if err := ValidateEmail("me@example.com"); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"": "email is empty", "jdoe": "not an email address", "a@": "not an email"} {
		if err := ValidateEmail(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateEmail(%q) = %v, want %q", in, err, want)
		}
	}
}

// TestRecommended: the wizard's defaults and the fix for a refused kind
// are the options marked recommended.
func TestRecommended(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if k := Recommended(PasswordKindOptions(Cloud, now)); k != APIToken {
		t.Errorf("cloud kind = %q", k)
	}
	if k := Recommended(PasswordKindOptions(DataCenter, now)); k != HTTPAccessToken {
		t.Errorf("data center kind = %q", k)
	}
	if k := Recommended(APIAccessOptions(Cloud, now)); k != APIEmailAPIToken {
		t.Errorf("cloud api access = %q", k)
	}
	if k := Recommended(APIAccessOptions(DataCenter, now)); k != APIAccessToken {
		t.Errorf("data center api access = %q", k)
	}
}
