package export

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestHarnessYAMLCombinationsValidate exports every combination and checks
// it against the Harness schema of its scope and against our own rules.
func TestHarnessYAMLCombinationsValidate(t *testing.T) {
	schemaDir(t)
	all := combos()
	if len(all) < 500 {
		t.Fatalf("only %d combinations", len(all))
	}
	for _, cb := range all {
		c := cb.connector()
		y, err := HarnessYAML(c)
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		if err := validate(t, c.Scope, y); err != nil {
			t.Fatalf("%s: schema says: %v\n%s", cb, err, y)
		}
		if err := ownRules(c, y); err != nil {
			t.Fatalf("%s: %v\n%s", cb, err, y)
		}
	}
}

// TestHarnessYAMLCombinationsContent checks, for every combination, that the
// YAML says what the connector says.
func TestHarnessYAMLCombinationsContent(t *testing.T) {
	for _, cb := range combos() {
		c := cb.connector()
		y, err := HarnessYAML(c)
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		m := decodeYAML(t, y)
		want := map[string]string{
			"name": c.Name, "identifier": c.ID, "description": c.Description, "type": "Bitbucket",
			"spec.url": c.URL, "spec.type": map[wizard.URLType]string{wizard.Account: "Account", wizard.Repository: "Repo"}[c.URLType],
		}
		if c.URLType == wizard.Account {
			want["spec.validationRepo"] = c.TestRepo
		}
		if c.Connection == wizard.HTTP {
			want["spec.authentication.type"] = "Http"
			want["spec.authentication.spec.type"] = "UsernamePassword"
			want["spec.authentication.spec.spec.username"] = c.Username
			if c.Edition == wizard.Cloud && c.PasswordKind == wizard.AccessToken {
				want["spec.authentication.spec.spec.username"] = "x-token-auth"
			}
			want["spec.authentication.spec.spec.passwordRef"] = SecretRef(c, wizard.SlotPassword)
		} else {
			want["spec.authentication.type"] = "Ssh"
			want["spec.authentication.spec.sshKeyRef"] = SecretRef(c, wizard.SlotSSHKey)
		}
		for path, w := range want {
			if got := getS(m, strings.Split(path, ".")...); got != w {
				t.Fatalf("%s: %s = %q, want %q\n%s", cb, path, got, w, y)
			}
		}
		if got := get(m, "spec", "executeOnDelegate"); got != (c.Connectivity == wizard.ViaDelegate) {
			t.Fatalf("%s: executeOnDelegate = %v", cb, got)
		}
		checkAPIAccess(t, cb, c, m, y)
		checkTags(t, cb, c, m)
		sel, _ := get(m, "spec", "delegateSelectors").([]any)
		if c.Connectivity == wizard.ViaDelegate && len(sel) != 2 || c.Connectivity == wizard.ViaPlatform && sel != nil {
			t.Fatalf("%s: delegateSelectors %v", cb, sel)
		}
	}
}

func checkAPIAccess(t *testing.T, cb combo, c wizard.Connector, m map[string]any, y []byte) {
	t.Helper()
	api, _ := get(m, "spec", "apiAccess").(map[string]any)
	if c.APIAccess == wizard.APINone {
		if api != nil {
			t.Fatalf("%s: api access exported while off", cb)
		}
		return
	}
	wantType := map[wizard.APIAccessKind]string{
		wizard.APIEmailAPIToken: "EmailAndApiToken", wizard.APIAccessToken: "AccessToken", wizard.APIUsernameAppPassword: "UsernameToken",
	}[c.APIAccess]
	if got := getS(api, "type"); got != wantType {
		t.Fatalf("%s: apiAccess.type %q, want %q", cb, got, wantType)
	}
	tokenRef := getS(api, "spec", "tokenRef")
	passRef := getS(m, "spec", "authentication", "spec", "spec", "passwordRef")
	if c.Connection == wizard.HTTP && c.APITokenSameAsPassword {
		if tokenRef != passRef {
			t.Fatalf("%s: same token: tokenRef %q, passwordRef %q", cb, tokenRef, passRef)
		}
	} else if tokenRef != SecretRef(c, wizard.SlotAPIToken) || tokenRef == passRef {
		t.Fatalf("%s: tokenRef %q\n%s", cb, tokenRef, y)
	}
	spec, _ := get(api, "spec").(map[string]any)
	var keys []string
	for k := range spec {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := map[string][]string{
		"EmailAndApiToken": {"email", "tokenRef"}, "AccessToken": {"tokenRef"}, "UsernameToken": {"tokenRef", "username"},
	}[wantType]
	if !slices.Equal(keys, wantKeys) {
		t.Fatalf("%s: apiAccess.spec keys %v, want %v", cb, keys, wantKeys)
	}
	if wantType == "EmailAndApiToken" && getS(spec, "email") != c.APIEmail || wantType == "UsernameToken" && getS(spec, "username") != c.APIUsername {
		t.Fatalf("%s: apiAccess.spec %v", cb, spec)
	}
}

func checkTags(t *testing.T, cb combo, c wizard.Connector, m map[string]any) {
	t.Helper()
	raw, present := m["tags"]
	if len(c.Tags) == 0 {
		if present {
			t.Fatalf("%s: tags exported without tags", cb)
		}
		return
	}
	tm, ok := raw.(map[string]any)
	if !ok || len(tm) != len(c.Tags) {
		t.Fatalf("%s: tags %#v", cb, raw)
	}
	for _, tag := range c.Tags {
		v, ok := tm[tag.Key].(string)
		if !ok || v != tag.Value {
			t.Fatalf("%s: tag %q = %#v, want %q", cb, tag.Key, tm[tag.Key], tag.Value)
		}
	}
}

var refRE = regexp.MustCompile(`Ref$`)

// ownRules checks what the schema does not: identifiers, the secret-ref
// scope rule (an entity may refer to its own scope or a parent's) and the
// scope identifiers.
func ownRules(c wizard.Connector, y []byte) error {
	var doc map[string]any
	if err := yaml.Unmarshal(y, &doc); err != nil {
		return err
	}
	m, _ := doc["connector"].(map[string]any)
	if !ValidIdentifier(getS(m, "identifier")) {
		return errors.New("identifier does not match the harness pattern")
	}
	_, hasOrg := m["orgIdentifier"]
	_, hasProject := m["projectIdentifier"]
	switch c.Scope {
	case wizard.ScopeAccount:
		if hasOrg || hasProject {
			return errors.New("account scope exports org or project identifiers")
		}
	case wizard.ScopeOrg:
		if !hasOrg || hasProject {
			return errors.New("org scope needs orgIdentifier only")
		}
	case wizard.ScopeProject:
		if !hasOrg || !hasProject {
			return errors.New("project scope needs orgIdentifier and projectIdentifier")
		}
	}
	allowed := map[wizard.Scope][]string{
		wizard.ScopeAccount: {"account."},
		wizard.ScopeOrg:     {"org.", "account."},
		wizard.ScopeProject: {"org.", "account.", ""},
	}[c.Scope]
	var refs []string
	collectRefs(m, &refs)
	if len(refs) == 0 {
		return errors.New("no secret reference exported")
	}
	for _, ref := range refs {
		prefix, id := "", ref
		if p, rest, ok := strings.Cut(ref, "."); ok {
			prefix, id = p+".", rest
		}
		if !slices.Contains(allowed, prefix) {
			return errors.New("secret reference " + ref + " is outside what scope " + string(c.Scope) + " may use")
		}
		if !ValidIdentifier(id) {
			return errors.New("secret reference " + ref + " is not a valid identifier")
		}
		if !strings.HasPrefix(id, c.ID+"_") {
			return errors.New("secret reference " + ref + " is not named after the connector")
		}
	}
	return nil
}

func collectRefs(v any, refs *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			if s, ok := vv.(string); ok && refRE.MatchString(k) {
				*refs = append(*refs, s)
				continue
			}
			collectRefs(vv, refs)
		}
	case []any:
		for _, vv := range x {
			collectRefs(vv, refs)
		}
	}
}

// TestOwnRulesCatchBadRefs proves ownRules is not toothless.
func TestOwnRulesCatchBadRefs(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, false, wizard.ViaDelegate, wizard.ScopeAccount, 1}.connector()
	y, err := HarnessYAML(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := ownRules(c, y); err != nil {
		t.Fatalf("good export refused: %v", err)
	}
	bad := []struct{ name, from, to string }{
		{"org ref at account scope", "passwordRef: account.", "passwordRef: org."},
		{"project ref at account scope", "tokenRef: account.", "tokenRef: "},
		{"ref with hyphen", "bb_cloud_password", "bb-cloud-password"},
		{"ref not named after connector", "account.bb_cloud_api_token", "account.other_api_token"},
		{"identifier with hyphen", "identifier: bb_cloud", "identifier: bb-cloud"},
		{"org identifier at account scope", "  type: Bitbucket", "  orgIdentifier: default\n  type: Bitbucket"},
	}
	for _, b := range bad {
		mut := []byte(strings.Replace(string(y), b.from, b.to, 1))
		if bytes.Equal(mut, y) {
			t.Fatalf("%s: mutation did not apply", b.name)
		}
		if err := ownRules(c, mut); err == nil {
			t.Errorf("%s: not caught\n%s", b.name, mut)
		}
	}
}

// TestSchemaCatchesBadOutput proves the validator rejects broken connectors,
// so a green combination test means something.
func TestSchemaCatchesBadOutput(t *testing.T) {
	schemaDir(t)
	http := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, false, wizard.ViaDelegate, wizard.ScopeProject, 1}.connector()
	y, err := HarnessYAML(http)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, wizard.ScopeProject, y); err != nil {
		t.Fatalf("good export refused: %v", err)
	}
	tests := []struct {
		name   string
		scope  wizard.Scope
		mutate func(m map[string]any)
	}{
		{"spec type Repository", wizard.ScopeProject, func(m map[string]any) { spec(m)["type"] = "Repository" }},
		{"authentication type SSH", wizard.ScopeProject, func(m map[string]any) { sub(spec(m), "authentication")["type"] = "SSH" }},
		{"missing passwordRef", wizard.ScopeProject, func(m map[string]any) {
			delete(sub(sub(sub(spec(m), "authentication"), "spec"), "spec"), "passwordRef")
		}},
		{"http spec type UsernameToken", wizard.ScopeProject, func(m map[string]any) {
			sub(sub(spec(m), "authentication"), "spec")["type"] = "UsernameToken"
		}},
		{"email and emailRef", wizard.ScopeProject, func(m map[string]any) { sub(sub(spec(m), "apiAccess"), "spec")["emailRef"] = "x" }},
		{"api access type unknown", wizard.ScopeProject, func(m map[string]any) { sub(spec(m), "apiAccess")["type"] = "EmailAndAPIToken" }},
		{"identifier with hyphen", wizard.ScopeProject, func(m map[string]any) { m["identifier"] = "bb-cloud" }},
		{"identifier starting with a digit", wizard.ScopeProject, func(m map[string]any) { m["identifier"] = "1bb" }},
		{"null tag value", wizard.ScopeProject, func(m map[string]any) { sub(m, "tags")["cloud"] = nil }},
		{"connector type missing", wizard.ScopeProject, func(m map[string]any) { delete(m, "type") }},
		{"url missing", wizard.ScopeProject, func(m map[string]any) { delete(spec(m), "url") }},
		{"executeOnDelegate as string", wizard.ScopeProject, func(m map[string]any) { spec(m)["executeOnDelegate"] = "true" }},
		{"duplicate delegate selectors", wizard.ScopeProject, func(m map[string]any) { spec(m)["delegateSelectors"] = []any{"a", "a"} }},
		{"project scope without projectIdentifier", wizard.ScopeProject, func(m map[string]any) { delete(m, "projectIdentifier") }},
		{"org scope without orgIdentifier", wizard.ScopeOrg, func(m map[string]any) { delete(m, "orgIdentifier") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := yaml.Unmarshal(y, &doc); err != nil {
				t.Fatal(err)
			}
			tt.mutate(doc["connector"].(map[string]any))
			mut, err := yaml.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(t, tt.scope, mut); err == nil {
				t.Fatalf("schema accepted:\n%s", mut)
			}
		})
	}
}

func spec(m map[string]any) map[string]any { return sub(m, "spec") }

func sub(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	if v == nil {
		v = map[string]any{}
		m[k] = v
	}
	return v
}

func TestHarnessYAMLShape(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 0}.connector()
	c.Description = ""
	y, err := HarnessYAML(c)
	if err != nil {
		t.Fatal(err)
	}
	s := string(y)
	for _, absent := range []string{"description", "tags", "apiAccess", "delegateSelectors", "orgIdentifier", "projectIdentifier", "null", "\t"} {
		if strings.Contains(s, absent) {
			t.Errorf("yaml holds %q:\n%s", absent, s)
		}
	}
	if !strings.HasPrefix(s, "connector:\n  name: ") || !strings.Contains(s, "\n    executeOnDelegate: false\n") {
		t.Errorf("not 2-space indented with executeOnDelegate false:\n%s", s)
	}
	order := []string{"name:", "identifier:", "type: Bitbucket", "spec:", "url:", "validationRepo:", "authentication:", "executeOnDelegate:", "type: Account"}
	last := -1
	for _, k := range order {
		i := strings.Index(s, k)
		if i <= last {
			t.Fatalf("key %q out of order:\n%s", k, s)
		}
		last = i
	}
	again, err := HarnessYAML(c)
	if err != nil || !bytes.Equal(again, y) {
		t.Fatal("export is not stable")
	}
}

// TestHarnessYAMLQuotesYAML11 checks strings a YAML 1.1 reader (Harness's
// SnakeYAML) would take for booleans or numbers are quoted.
func TestHarnessYAMLQuotesYAML11(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 0}.connector()
	words := []string{"yes", "No", "ON", "off", "y", "N", "true", "null", "~", "1:20", "0777", "0x1F", "1_000", ".5", "-.inf", ".NaN", "2001-12-14", "<<", "=", "+1", ""}
	for _, w := range words {
		c.Tags = append(c.Tags, wizard.Tag{Key: "k" + w, Value: w})
	}
	c.Tags = append(c.Tags, wizard.Tag{Key: "yes", Value: "ok"}, wizard.Tag{Key: "1:20", Value: "ok"})
	c.Name = "0777"
	c.Username = "on"
	y, err := HarnessYAML(c)
	if err != nil {
		t.Fatal(err)
	}
	if bad := plainYAML11NonStrings(t, y); len(bad) > 0 {
		t.Fatalf("unquoted yaml 1.1 non-strings %q in\n%s", bad, y)
	}
	checkTags(t, combo{}, c, decodeYAML(t, y))
}

// YAML 1.1 implicit types (yaml.org/type): a plain scalar matching one of
// these is not read as a string.
var yaml11Implicit = regexp.MustCompile(`^(?:` +
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` + // bool
	`|~|null|Null|NULL|` + // null (and empty)
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` + // int
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` + // float
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?.*` + // timestamp
	`|<<|=)$`)

// plainYAML11NonStrings lists the plain string scalars of y that YAML 1.1
// would read as something else.
func plainYAML11NonStrings(tb testing.TB, y []byte) []string {
	tb.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal(y, &root); err != nil {
		tb.Fatal(err)
	}
	var bad []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Style == 0 && n.Tag == "!!str" && yaml11Implicit.MatchString(n.Value) {
			bad = append(bad, n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return bad
}
