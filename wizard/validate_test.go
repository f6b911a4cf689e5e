package wizard

import (
	"strings"
	"testing"
	"time"
)

func cloudHTTP() Connector {
	c := NewConnector()
	c.Name = "Bitbucket Cloud"
	c.URL = "https://bitbucket.org/acme"
	c.TestRepo = "app.git"
	c.Username = "jdoe"
	return c
}

// wantProblem asserts that ps has a problem on field whose message contains msg.
func wantProblem(t *testing.T, ps Problems, field Field, msg string) {
	t.Helper()
	for _, p := range ps {
		if p.Field == field && strings.Contains(p.Msg, msg) {
			if p.Msg != "" && strings.ToLower(p.Msg[:1]) != p.Msg[:1] {
				t.Errorf("message %q should start lowercase", p.Msg)
			}
			return
		}
	}
	t.Errorf("want a problem on %s containing %q; got %v", field, msg, ps)
}

func TestValidateAPIAccess(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Connector)
		now   time.Time
		field Field
		msg   string
	}{
		{"email on dc", func(c *Connector) {
			c.Edition, c.PasswordKind, c.APIAccess, c.APIEmail = DataCenter, HTTPAccessToken, APIEmailAPIToken, "a@b.co"
		}, today, "api-access", `cloud only; on data center choose "Access Token"`},
		{"email missing", func(c *Connector) { c.APIAccess = APIEmailAPIToken }, today, "api-email", "email is empty"},
		{"email is username", func(c *Connector) { c.APIAccess, c.APIEmail = APIEmailAPIToken, "jdoe" }, today, "api-email", "not an email address"},
		{"same token but password is access token", func(c *Connector) {
			c.PasswordKind, c.Username = AccessToken, ""
			c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = APIEmailAPIToken, "a@b.co", true
		}, today, "api-token-same-as-password", "not an api token"},
		{"same token for access token api with api token password", func(c *Connector) {
			c.APIAccess, c.APITokenSameAsPassword = APIAccessToken, true
		}, today, "api-token-same-as-password", "not an access token"},
		{"app password removed", func(c *Connector) { c.APIAccess, c.APIUsername = APIUsernameAppPassword, "jdoe" }, today, "api-access", "removed on 2026-07-28"},
		{"app password username", func(c *Connector) { c.APIAccess = APIUsernameAppPassword }, beforeCutoff, "api-username", "username is empty"},
		{"same with ssh", func(c *Connector) {
			c.Connection, c.URL, c.SSHKeyPath = SSH, "git@bitbucket.org:acme/", "/k"
			c.APIAccess, c.APITokenSameAsPassword = APIAccessToken, true
		}, today, "api-token-same-as-password", "no http password to reuse"},
		{"same with api off", func(c *Connector) { c.APITokenSameAsPassword = true }, today, "api-token-same-as-password", "api access is off"},
		{"unknown kind", func(c *Connector) { c.APIAccess = "oauth" }, today, "api-access", `"oauth" is not one of`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cloudHTTP()
			tc.edit(&c)
			wantProblem(t, c.ValidateStep(StepAPIAccess, tc.now), tc.field, tc.msg)
		})
	}
	ok := cloudHTTP()
	ok.APIAccess, ok.APIEmail, ok.APITokenSameAsPassword = APIEmailAPIToken, "jane@example.com", true
	if ps := ok.ValidateStep(StepAPIAccess, today); len(ps) != 0 {
		t.Errorf("valid api access: %v", ps)
	}
}

func TestValidateConnectivityAndScope(t *testing.T) {
	c := cloudHTTP()
	c.DelegateSelectors = []string{"x"}
	wantProblem(t, c.ValidateStep(StepConnectivity, today), "delegate-selector", "need --connectivity delegate")
	c.Connectivity, c.DelegateSelectors = ViaDelegate, []string{"a", " ", "a"}
	ps := c.ValidateStep(StepConnectivity, today)
	wantProblem(t, ps, "delegate-selector", "is empty")
	wantProblem(t, ps, "delegate-selector", "given twice")
	c.Connectivity, c.DelegateSelectors = ViaDelegate, nil
	if ps := c.ValidateStep(StepConnectivity, today); len(ps) != 0 {
		t.Errorf("any delegate: %v", ps)
	}
	c.Connectivity = "vpn"
	wantProblem(t, c.ValidateStep(StepConnectivity, today), "connectivity", "not one of platform, delegate")

	s := cloudHTTP()
	s.Scope = ScopeProject
	ps = s.ValidateStep(StepConnectivity, today)
	wantProblem(t, ps, "org", "project scope needs the org identifier")
	wantProblem(t, ps, "project", "needs the project identifier")
	s.Org, s.Project = "default", "my-proj"
	wantProblem(t, s.ValidateStep(StepConnectivity, today), "project", "no hyphens")
	s.Scope, s.Project = ScopeOrg, "p"
	wantProblem(t, s.ValidateStep(StepConnectivity, today), "project", "org scope takes no project")
	s.Scope = ScopeAccount
	wantProblem(t, s.ValidateStep(StepConnectivity, today), "scope", "account scope takes no org or project")
}

func TestValidateCredentialsStep(t *testing.T) {
	c := cloudHTTP()
	c.PasswordKind = AppPassword
	ps := c.ValidateStep(StepCredentials, today)
	wantProblem(t, ps, "password-kind", "removed on 2026-07-28")
	if p, _ := ps.Field("password-kind"); p.Fix != string(APIToken) {
		t.Errorf("fix = %q, want api-token", p.Fix)
	}
	c = cloudHTTP()
	c.Username = "jane@example.com"
	wantProblem(t, c.ValidateStep(StepCredentials, today), "username", "email address")
	c = cloudHTTP()
	c.SSHKeyPath = "/k"
	wantProblem(t, c.ValidateStep(StepCredentials, today), "ssh-key", "only used with --connection ssh")
	c = cloudHTTP()
	c.Connection = SSH
	wantProblem(t, c.ValidateStep(StepCredentials, today), "ssh-key", "pem rsa private key")
	c = cloudHTTP()
	c.PasswordKind, c.Username = AccessToken, "jdoe"
	ps = c.ValidateStep(StepCredentials, today)
	if p, _ := ps.Field("username"); p.Fix != AccessTokenUsername {
		t.Errorf("access-token username fix = %v", ps)
	}
}

func TestValidateWholeConnector(t *testing.T) {
	var empty Connector
	ps := empty.Validate(today)
	wantProblem(t, ps, "name", "name is empty")
	if err := ps.Err(); err == nil || !strings.Contains(err.Error(), "name: name is empty") {
		t.Errorf("Err() = %v", err)
	}
	if (Problems{}).Err() != nil {
		t.Error("empty problems must be a nil error")
	}
	c := cloudHTTP().WithDefaults()
	if c.ID != "Bitbucket_Cloud" {
		t.Errorf("WithDefaults ID = %q", c.ID)
	}
	c.ID = "bad-id"
	wantProblem(t, c.Validate(today), "id", "no hyphens")
	for _, f := range []Field{FieldName, FieldURL, FieldUsername, FieldAPIEmail, FieldDelegateSelector, FieldOrg} {
		if StepOf(f) == StepReview {
			t.Errorf("StepOf(%q) not mapped", f)
		}
	}
}

func TestWarnings(t *testing.T) {
	c := cloudHTTP()
	c.PasswordKind = AppPassword
	ws := strings.Join(c.Warnings(inBrownout), "\n")
	for _, want := range []string{"brownouts", "27 days left", "api access is off"} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings %q lack %q", ws, want)
		}
	}
	c = cloudHTTP()
	c.APIAccess = APIEmailAPIToken
	if ws := strings.Join(c.Warnings(today), "\n"); !strings.Contains(ws, "26.02.88600") {
		t.Errorf("warnings %q lack the delegate version", ws)
	}
}

func TestAppPasswordTimeline(t *testing.T) {
	cases := []struct {
		now   time.Time
		phase AppPasswordPhase
		msg   string
	}{
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), AppPasswordsWorking, "stop working after 2026-06-09"},
		{time.Date(2025, 9, 9, 0, 0, 0, 0, time.UTC), AppPasswordsNoNew, "can no longer be created"},
		{time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC), AppPasswordsNoNew, "(1 days left)"},
		{time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC), AppPasswordsBrownout, "removed on 2026-07-28 (49 days left)"},
		{time.Date(2026, 7, 27, 23, 59, 0, 0, time.UTC), AppPasswordsBrownout, "(1 days left)"},
		{time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC), AppPasswordsGone, "were removed on 2026-07-28"},
		{today, AppPasswordsGone, "no longer work"},
	}
	for _, c := range cases {
		if got := AppPasswordPhaseAt(c.now); got != c.phase {
			t.Errorf("phase at %s = %d, want %d", c.now, got, c.phase)
		}
		if got := AppPasswordStatus(c.now); !strings.Contains(got, c.msg) {
			t.Errorf("status at %s = %q, want %q", c.now, got, c.msg)
		}
	}
	if DaysUntil(today, today.Add(-48*time.Hour)) != -2 {
		t.Error("DaysUntil for a past date should be negative")
	}
}

func TestOptions(t *testing.T) {
	opts := PasswordKindOptions(Cloud, today)
	if len(opts) != 3 || !opts[0].Recommended || opts[0].Value != APIToken {
		t.Fatalf("cloud options %+v", opts)
	}
	if ap := opts[2]; !ap.Disabled || !strings.Contains(ap.Note, "2026-07-28") {
		t.Errorf("app password option %+v should be disabled with the date", ap)
	}
	if ap := PasswordKindOptions(Cloud, beforeCutoff)[2]; ap.Disabled || !strings.Contains(ap.Note, "days left") {
		t.Errorf("app password before cutoff %+v", ap)
	}
	if dc := PasswordKindOptions(DataCenter, today); len(dc) != 1 || dc[0].Value != HTTPAccessToken {
		t.Errorf("dc options %+v", dc)
	}
	api := APIAccessOptions(Cloud, today)
	if len(api) != 4 || !api[3].Disabled {
		t.Errorf("cloud api options %+v", api)
	}
	if dc := APIAccessOptions(DataCenter, today); len(dc) != 2 || dc[1].Value != APIAccessToken || !dc[1].Recommended {
		t.Errorf("dc api options %+v", dc)
	}
}

func TestParseEnums(t *testing.T) {
	if e, err := ParseEdition(" DC "); err != nil || e != DataCenter {
		t.Errorf("ParseEdition(DC) = %v, %v", e, err)
	}
	if _, err := ParseEdition("gitlab"); err == nil || !strings.Contains(err.Error(), `"gitlab" is not one of cloud, datacenter`) {
		t.Errorf("ParseEdition(gitlab) = %v", err)
	}
	if u, _ := ParseURLType("repo"); u != Repository {
		t.Error("repo alias")
	}
	if c, _ := ParseConnection("HTTPS"); c != HTTP {
		t.Error("https alias")
	}
	if k, _ := ParseAPIAccessKind("off"); k != APINone {
		t.Error("off alias")
	}
	if _, err := ParseScope(""); err == nil || !strings.Contains(err.Error(), "choose one of account, org, project") {
		t.Errorf("ParseScope empty = %v", err)
	}
	if _, err := ParsePasswordKind("api-token"); err != nil {
		t.Error(err)
	}
	if _, err := ParseConnectivity("delegate"); err != nil {
		t.Error(err)
	}
}

func TestSecretSlots(t *testing.T) {
	c := cloudHTTP()
	if s := c.SecretSlots(); len(s) != 1 || s[0] != SlotPassword {
		t.Errorf("http no api: %v", s)
	}
	c.APIAccess, c.APITokenSameAsPassword = APIEmailAPIToken, true
	if s := c.SecretSlots(); len(s) != 1 {
		t.Errorf("same token: %v", s)
	}
	c.APITokenSameAsPassword = false
	if s := c.SecretSlots(); len(s) != 2 || s[1] != SlotAPIToken {
		t.Errorf("separate token: %v", s)
	}
	c.Connection = SSH
	if s := c.SecretSlots(); len(s) != 1 || s[0] != SlotAPIToken {
		t.Errorf("ssh with api: %v", s)
	}
	if (Connector{Edition: Cloud, PasswordKind: AccessToken, Username: "x"}).EffectiveUsername() != AccessTokenUsername {
		t.Error("access token username")
	}
}

func TestMissingScopes(t *testing.T) {
	granted := RequiredScopeNames()[2:]
	m := MissingScopes(granted)
	if len(m) != 2 || m[0].Name != "read:issue:bitbucket" || m[1].Name != "read:me" {
		t.Errorf("missing = %v", m)
	}
	if len(MissingScopes(RequiredScopeNames())) != 0 {
		t.Error("all granted should miss none")
	}
}

// TestProblemText: one rendering of a Problem, the fix named once.
func TestProblemText(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Msg: "the url is wrong"}, "the url is wrong"},
		{Problem{Msg: "the url is wrong", Fix: "https://bitbucket.org/ws"}, "the url is wrong (fix: https://bitbucket.org/ws)"},
		{Problem{Msg: "add the project key: PROJ/r.git", Fix: "PROJ/r.git"}, "add the project key: PROJ/r.git"},
	}
	for _, tt := range tests {
		if got := tt.p.Text(); got != tt.want {
			t.Errorf("Text() = %q, want %q", got, tt.want)
		}
	}
}
