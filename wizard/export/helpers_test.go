package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/bbconnect/bbconnect/wizard"
)

// schemaDir finds shared/reference/harness-schema beside the work tree, or
// skips the test.
func schemaDir(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "reference", "harness-schema")
		if _, err := os.Stat(filepath.Join(p, "connector.account.json")); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	tb.Skip("harness schema not found (../shared/reference/harness-schema beside the work tree): schema validation skipped")
	return ""
}

var (
	schemaMu sync.Mutex
	schemas  = map[wizard.Scope]*jsonschema.Schema{}
)

// schemaFor compiles connector.<scope>.json once.
func schemaFor(tb testing.TB, scope wizard.Scope) *jsonschema.Schema {
	tb.Helper()
	dir := schemaDir(tb)
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemas[scope]; ok {
		return s
	}
	path := filepath.Join(dir, "connector."+string(scope)+".json")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	url := "file:///connector." + string(scope) + ".json"
	if err := c.AddResource(url, doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatalf("compile %s: %v", path, err)
	}
	schemas[scope] = s
	return s
}

// yamlToJSON turns YAML into a JSON value the validator takes.
func yamlToJSON(tb testing.TB, y []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		tb.Fatalf("yaml does not parse: %v\n%s", err, y)
	}
	j, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("yaml to json: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		tb.Fatal(err)
	}
	return inst
}

// validate checks YAML against the schema of scope.
func validate(tb testing.TB, scope wizard.Scope, y []byte) error {
	tb.Helper()
	return schemaFor(tb, scope).Validate(yamlToJSON(tb, y))
}

// decodeYAML reads exported YAML into plain maps.
func decodeYAML(tb testing.TB, y []byte) map[string]any {
	tb.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(y, &doc); err != nil {
		tb.Fatalf("yaml does not parse: %v\n%s", err, y)
	}
	c, ok := doc["connector"].(map[string]any)
	if !ok || len(doc) != 1 {
		tb.Fatalf("no single connector key:\n%s", y)
	}
	return c
}

// get walks a path of map keys.
func get(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// getS is get for a string ("" when absent).
func getS(m map[string]any, path ...string) string {
	s, _ := get(m, path...).(string)
	return s
}

// hclBody is a parsed HCL body: attributes as strings or string lists,
// blocks by type (each type at most once here).
// tagSets are the tag variants the combination tests cycle through.
var tagSets = [][]wizard.Tag{
	nil,
	{{Key: "team", Value: "platform"}, {Key: "cloud"}},
	{{Key: "url", Value: "https://x.example.com:8443/a"}, {Key: "time", Value: "12:30"}, {Key: "flag", Value: "yes"}, {Key: "on"}, {Key: "n", Value: "1:20"}},
}

// combo is one point in the space of settings.
type combo struct {
	edition  wizard.Edition
	urlType  wizard.URLType
	conn     wizard.Connection
	pwKind   wizard.PasswordKind
	api      wizard.APIAccessKind
	same     bool
	connect  wizard.Connectivity
	scope    wizard.Scope
	tagIndex int
}

func (c combo) String() string {
	return fmt.Sprintf("%s/%s/%s/%s/%s/same=%v/%s/%s/tags%d", c.edition, c.urlType, c.conn, c.pwKind, c.api, c.same, c.connect, c.scope, c.tagIndex)
}

// combos lists every edition x url type x connection x password kind x api
// access x same-token x connectivity x scope, cycling the tag variants.
func combos() []combo {
	var out []combo
	i := 0
	for _, e := range wizard.Editions {
		for _, u := range wizard.URLTypes {
			for _, cn := range wizard.Connections {
				kinds := wizard.PasswordKinds
				if cn == wizard.SSH {
					kinds = []wizard.PasswordKind{""}
				}
				for _, k := range kinds {
					for _, a := range wizard.APIAccessKinds {
						sames := []bool{false}
						if cn == wizard.HTTP && a != wizard.APINone {
							sames = []bool{false, true}
						}
						for _, same := range sames {
							for _, cv := range wizard.Connectivities {
								for _, s := range wizard.Scopes {
									out = append(out, combo{e, u, cn, k, a, same, cv, s, i % len(tagSets)})
									i++
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// connector builds the connector of a combination with every field it needs.
func (c combo) connector() wizard.Connector {
	x := wizard.NewConnector()
	x.Name = "Bitbucket " + string(c.edition)
	x.ID = "bb_" + string(c.edition)
	x.Description = "exported: " + c.String()
	x.Tags = tagSets[c.tagIndex]
	x.Edition, x.URLType, x.Connection = c.edition, c.urlType, c.conn
	switch {
	case c.edition == wizard.Cloud && c.conn == wizard.HTTP && c.urlType == wizard.Account:
		x.URL, x.TestRepo = "https://bitbucket.org/my-workspace", "my-repo.git"
	case c.edition == wizard.Cloud && c.conn == wizard.HTTP:
		x.URL = "https://bitbucket.org/my-workspace/my-repo.git"
	case c.edition == wizard.Cloud && c.urlType == wizard.Account:
		x.URL, x.TestRepo = "git@bitbucket.org:my-workspace/", "my-repo.git"
	case c.edition == wizard.Cloud:
		x.URL = "git@bitbucket.org:my-workspace/my-repo.git"
	case c.conn == wizard.HTTP && c.urlType == wizard.Account:
		x.URL, x.TestRepo = "https://bitbucket.example.com/scm/", "PROJ/my-repo.git"
	case c.conn == wizard.HTTP:
		x.URL = "https://bitbucket.example.com/scm/PROJ/my-repo.git"
	case c.urlType == wizard.Account:
		x.URL, x.TestRepo = "ssh://git@bitbucket.example.com:7999/", "PROJ/my-repo.git"
	default:
		x.URL = "ssh://git@bitbucket.example.com:7999/PROJ/my-repo.git"
	}
	if c.conn == wizard.HTTP {
		x.Username, x.PasswordKind = "my-bb-user", c.pwKind
	} else {
		x.SSHKeyPath = "/home/me/.ssh/bb_rsa"
	}
	x.APIAccess, x.APITokenSameAsPassword = c.api, c.same
	x.APIEmail, x.APIUsername = "me@example.com", "my-api-user"
	x.Connectivity = c.connect
	if c.connect == wizard.ViaDelegate {
		x.DelegateSelectors = []string{"onprem-delegate", "k8s"}
	}
	x.Scope, x.Org, x.Project = c.scope, "default", "my_project"
	return x
}
