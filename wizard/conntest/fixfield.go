package conntest

import (
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// FixField names the setting of c (as its flag, e.g. "username"; see
// wizard.StepOf for its step) that a failing or warning check of c points
// at, so that "back to fix" lands on the step that needs changing. It is ""
// when the check passed or was skipped, and when no setting fixes it (a
// timeout, a rate limit, a server error, a broken known_hosts line): the
// caller then picks a step by the check's name.
//
// The mapping: reach checks to the url, or the ca file when the server's
// certificate is not trusted; git read access to the username, the password,
// the ssh key or the repository (test repository for account urls, else the
// url); api access to the api email or the token the api uses; scopes to
// that token; visibility to the repository or that token; credential age
// to the token that expires.
func FixField(c wizard.Connector, ch Check) wizard.Field {
	if ch.Status != Fail && ch.Status != Warn {
		return ""
	}
	text := strings.ToLower(ch.Diagnosis + " | " + ch.Fix)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(text, w) {
				return true
			}
		}
		return false
	}
	if f, ok := transportField(has); ok {
		return f
	}
	switch ch.Name {
	case CheckReachGit, CheckReachAPI:
		return wizard.FieldURL
	case CheckGit:
		return gitField(c, has)
	case CheckAPI:
		switch {
		case has("app password") && c.APIAccess == wizard.APIUsernameAppPassword:
			return wizard.FieldAPIAccess
		case has("email used where the bitbucket username belongs", "not the token owner's bitbucket username"):
			return wizard.FieldUsername
		case has("atlassian email", "api email"):
			return wizard.FieldAPIEmail
		case has("repository not found"):
			return repoField(c)
		}
		return restTokenField(c)
	case CheckScopes:
		if has("app password") && c.APIAccess == wizard.APIUsernameAppPassword {
			return wizard.FieldAPIAccess
		}
		return restTokenField(c)
	case CheckVisibility:
		if has("token", "app password", "anonymous", "scope") {
			return restTokenField(c)
		}
		return repoField(c)
	case CheckAge:
		return ageField(c, has)
	}
	return ""
}

// transportField routes what any check can meet on the way to the server:
// certificates, host names, ports, schemes. ok is false when the text is
// about something else.
func transportField(has func(...string) bool) (wizard.Field, bool) {
	switch {
	case has("ca file", "ca bundle", "is not trusted"):
		return wizard.FieldCAFile, true
	case has("certificate renewed", "timed out", "closed the connection", "rate limited", "server error", "line of known_hosts",
		"internal error", "update bbconnect", "cancelled"):
		return "", true
	case has("fix the url", "check the url", "host not found", "dns lookup", "connection refused", "hostname mismatch",
		"does not speak tls", "is not host:port", "check the port", "redirects", "over plain http", "ssh host key",
		"not a git repository url", "did not answer like git", "could not talk to", "api url"):
		return wizard.FieldURL, true
	}
	return "", false
}

func gitField(c wizard.Connector, has func(...string) bool) wizard.Field {
	switch {
	case has("no ssh key", "openssh-format key", "ssh key not accepted", "pem rsa", "private key", "passphrase"):
		return wizard.FieldSSHKey
	case has("email used where the bitbucket username belongs", "clear the username"):
		return wizard.FieldUsername
	case has("repository not found", "repository not visible", "repository is empty", "git refused", "repository path"):
		return repoField(c)
	case c.Connection == wizard.SSH:
		return wizard.FieldSSHKey
	}
	return wizard.FieldPassword
}

func ageField(c wizard.Connector, has func(...string) bool) wizard.Field {
	switch {
	case has("api access token"):
		return wizard.FieldAPIToken
	case c.Connection == wizard.HTTP && (c.PasswordKind == wizard.AppPassword || !has("app password")):
		return wizard.FieldPassword
	case c.APIAccess == wizard.APIUsernameAppPassword:
		return wizard.FieldAPIAccess
	}
	return restTokenField(c)
}

// repoField is where the repository a test reads is set: the test
// repository of an account url, else the url itself.
func repoField(c wizard.Connector) wizard.Field {
	if c.URLType == wizard.Account {
		return wizard.FieldTestRepo
	}
	return wizard.FieldURL
}

// restTokenField is the field holding the token the REST checks use: the
// api token when api access has its own, else the http password.
func restTokenField(c wizard.Connector) wizard.Field {
	if c.NeedsSeparateAPIToken() {
		return wizard.FieldAPIToken
	}
	if c.Connection == wizard.SSH {
		return wizard.FieldAPIAccess
	}
	return wizard.FieldPassword
}
