package wizard

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// LooksLikeEmail reports whether s is shaped like an email address.
func LooksLikeEmail(s string) bool {
	if !strings.Contains(s, "@") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == strings.TrimSpace(s)
}

// tokenPrefixes start the tokens Atlassian issues: API tokens (ATATT),
// access tokens (ATCTT), App Passwords (ATBB) and Data Center HTTP access
// tokens (BBDC-).
var tokenPrefixes = []string{"ATATT", "ATCTT", "ATBB", "BBDC-"}

// LooksLikeToken reports whether s is shaped like a Bitbucket token or
// password rather than a name: a token prefix, or a long unbroken string
// no name or address has. A message about such a value must not repeat it.
func LooksLikeToken(s string) bool {
	s = strings.TrimSpace(s)
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p)+8 {
			return true
		}
	}
	return len(s) >= 60 && !strings.ContainsAny(s, " @")
}

// errTokenInField is the answer to a token pasted where a name belongs,
// without the token.
func errTokenInField(what, fix string) error {
	return fmt.Errorf("that looks like a token, not %s; %s (the token goes in its own field, which hides it)", what, fix)
}

// ValidateUsername checks the HTTP username for the edition and password
// kind. On Cloud an email address is refused: git needs the Bitbucket
// username. On Data Center, where directories may use email-shaped user
// names, it is allowed (Warnings mentions it).
func ValidateUsername(e Edition, kind PasswordKind, username string) error {
	u := strings.TrimSpace(username)
	if e == Cloud && kind == AccessToken {
		if u != "" && u != AccessTokenUsername {
			return fmt.Errorf("access tokens use the username %s; leave username empty or set it to %s", AccessTokenUsername, AccessTokenUsername)
		}
		return nil
	}
	switch {
	case LooksLikeToken(u):
		return errTokenInField("a username", "type your bitbucket username here")
	case u == "":
		if e == Cloud {
			return fmt.Errorf("username is empty: give your bitbucket username (bitbucket.org/account/settings)")
		}
		return fmt.Errorf("username is empty: give your bitbucket data center user name")
	case e == Cloud && LooksLikeEmail(u):
		return fmt.Errorf("%q is an email address; bitbucket needs your username (bitbucket.org/account/settings), not your email", u)
	case e == Cloud && u != APITokenGitUsername && !validUsername(u):
		return fmt.Errorf("%q is not a bitbucket username; use letters, digits, - and _ as shown at bitbucket.org/account/settings", u)
	case strings.ContainsAny(u, " \t:/"):
		return fmt.Errorf("username cannot contain spaces, : or /")
	}
	return nil
}

// ValidateEmail checks the Atlassian account email used for Email and API Token access.
func ValidateEmail(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return fmt.Errorf("email is empty: give the email of your atlassian account")
	}
	if LooksLikeToken(s) {
		return errTokenInField("an email address", "type the email of your atlassian account here")
	}
	if !LooksLikeEmail(s) {
		return fmt.Errorf("%q is not an email address; give the email of your atlassian account, e.g. you@example.com", s)
	}
	return nil
}

// ValidatePasswordKind checks that the password kind fits the edition and,
// for App Passwords, the date: after AppPasswordRemoved they are refused.
func ValidatePasswordKind(e Edition, k PasswordKind, now time.Time) error {
	switch {
	case e == DataCenter && k != HTTPAccessToken:
		return fmt.Errorf("data center takes http access tokens only; choose %q", HTTPAccessToken.Label())
	case e == Cloud && k == HTTPAccessToken:
		return fmt.Errorf("http access tokens are for data center; on cloud choose %q (recommended) or %q", APIToken.Label(), AccessToken.Label())
	case k == AppPassword && !AppPasswordAllowedForNew(now):
		return fmt.Errorf("app passwords were removed on %s; create an api token with the required scopes and choose %q", day(AppPasswordRemoved), APIToken.Label())
	case k == "":
		return fmt.Errorf("choose a password kind: %s", strings.Join(kindNames(e), ", "))
	}
	for _, v := range PasswordKinds {
		if v == k {
			return nil
		}
	}
	return oneOf(string(k), PasswordKinds)
}

func kindNames(e Edition) []string {
	if e == DataCenter {
		return []string{fmt.Sprintf("%q", HTTPAccessToken.Label())}
	}
	return []string{fmt.Sprintf("%q", APIToken.Label()), fmt.Sprintf("%q", AccessToken.Label())}
}

func validateCredentials(c Connector, now time.Time) Problems {
	var ps Problems
	switch c.Connection {
	case HTTP:
		if c.SSHKeyPath != "" {
			ps = append(ps, Problem{Field: FieldSSHKey, Msg: "an ssh key is only used with --connection ssh; drop it or switch to ssh"})
		}
		if err := ValidatePasswordKind(c.Edition, c.PasswordKind, now); err != nil {
			ps = append(ps, Problem{Field: FieldPasswordKind, Msg: err.Error(), Fix: string(Recommended(PasswordKindOptions(c.Edition, now)))})
			return ps
		}
		if err := ValidateUsername(c.Edition, c.PasswordKind, c.Username); err != nil {
			p := Problem{Field: FieldUsername, Msg: err.Error()}
			if c.Edition == Cloud && c.PasswordKind == AccessToken {
				p.Fix = AccessTokenUsername
			}
			ps = append(ps, p)
		}
	case SSH:
		if strings.TrimSpace(c.SSHKeyPath) == "" {
			ps = append(ps, Problem{Field: FieldSSHKey, Msg: "ssh needs a pem rsa private key: give its path, or create one with ssh-keygen -t rsa -b 4096 -m PEM"})
		}
	}
	return ps
}
