package rotate

import (
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestMigrateFromAppPassword(t *testing.T) {
	sshAPI := legacyConnector("s")
	sshAPI.Connection, sshAPI.PasswordKind, sshAPI.Username = wizard.SSH, "", ""
	httpOnly := legacyConnector("h")
	httpOnly.APIAccess, httpOnly.APIUsername = wizard.APINone, ""
	accessHTTP := legacyConnector("a")
	accessHTTP.PasswordKind, accessHTTP.Username = wizard.AccessToken, wizard.AccessTokenUsername
	tests := []struct {
		name            string
		in              wizard.Connector
		kind            wizard.PasswordKind
		api             wizard.APIAccessKind
		email, username string
		same            bool
		slots           string
	}{
		{"http and api", legacyConnector("l"), wizard.APIToken, wizard.APIEmailAPIToken, "me@example.com", "alice", true, "password"},
		{"ssh with api", sshAPI, "", wizard.APIEmailAPIToken, "me@example.com", "", false, "api-token"},
		{"http only", httpOnly, wizard.APIToken, wizard.APINone, "", "alice", false, "password"},
		{"access token http, app password api", accessHTTP, wizard.AccessToken, wizard.APIEmailAPIToken, "me@example.com", wizard.AccessTokenUsername, false, "password,api-token"},
		{"already migrated", cloudConnector("c"), wizard.APIToken, wizard.APIEmailAPIToken, "alice@example.com", "alice", true, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := MigrateFromAppPassword(tt.in, " me@example.com ")
			if out.PasswordKind != tt.kind || out.APIAccess != tt.api || out.APIEmail != tt.email || out.Username != tt.username ||
				out.APITokenSameAsPassword != tt.same || out.APIUsername != "" && tt.api != wizard.APINone {
				t.Fatalf("got %+v", out)
			}
			var slots []string
			for _, s := range out.SecretSlots() {
				slots = append(slots, string(s))
			}
			if strings.Join(slots, ",") != tt.slots {
				t.Fatalf("slots %v, want %s", slots, tt.slots)
			}
			if NeedsMigration(out) {
				t.Fatal("still needs migration")
			}
			if ps := append(out.ValidateStep(wizard.StepCredentials, rotated), out.ValidateStep(wizard.StepAPIAccess, rotated)...); len(ps) != 0 && tt.in.Connection == wizard.HTTP {
				t.Fatalf("migrated settings invalid: %v", ps)
			}
		})
	}
}

func TestMigrationPlan(t *testing.T) {
	now := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	if needs, steps := MigrationPlan(cloudConnector("c"), now); needs || steps != nil {
		t.Fatalf("plan for an api-token connector: %v %v", needs, steps)
	}
	needs, steps := MigrationPlan(legacyConnector("l"), now)
	text := planText(steps)
	if !needs {
		t.Fatal("legacy connector not flagged")
	}
	for _, want := range []string{
		wizard.AppPasswordStatus(now),
		"create an api token",
		"read:repository:bitbucket",
		"by default 2027-06-20",
		"the username stays your bitbucket username (alice)",
		"give the email of your atlassian account",
		"same api token as the http password",
		"from UsernameToken to EmailAndApiToken",
		"tested live before",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	var scopes []string
	for _, s := range steps {
		if s.Kind == MigrateScopes {
			scopes = s.Scopes
		}
	}
	if strings.Join(scopes, ",") != strings.Join(wizard.RequiredScopeNames(), ",") {
		t.Errorf("scopes step = %v, want the required scopes", scopes)
	}
	ssh := legacyConnector("s")
	ssh.Connection, ssh.PasswordKind = wizard.SSH, ""
	_, steps = MigrationPlan(ssh, now)
	text = planText(steps)
	if strings.Contains(text, "http password becomes") || !strings.Contains(text, "give the api token for api access") {
		t.Fatalf("ssh plan:\n%s", text)
	}
}

// planText is the plan as the CLI prints it, one step a line.
func planText(steps []MigrationStep) string {
	lines := make([]string, len(steps))
	for i, s := range steps {
		lines[i] = s.Text()
	}
	return strings.Join(lines, "\n")
}
