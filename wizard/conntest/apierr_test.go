package conntest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestParseScopeError(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		granted  []string
		required []string
		ok       bool
	}{
		{
			name:     "backstage verbatim",
			body:     `{"type":"error","error":{"message":"Your credentials lack one or more required privilege scopes.","detail":{"granted":["read:repository:bitbucket","read:me"],"required":["read:user:bitbucket"]}}}`,
			granted:  []string{"read:me", "read:repository:bitbucket"},
			required: []string{"read:user:bitbucket"},
			ok:       true,
		},
		{name: "only required", body: `{"error":{"detail":{"required":["webhook"]}}}`, granted: nil, required: []string{"webhook"}, ok: true},
		{name: "detail is a string", body: `{"type":"error","error":{"message":"x","detail":"Please read the changelog"}}`},
		{name: "no detail", body: `{"type":"error","error":{"message":"Forbidden"}}`},
		{name: "plain text", body: "Rate limit for this resource has been exceeded"},
		{name: "empty", body: ""},
		{name: "dc body", body: `{"errors":[{"message":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, r, ok := ParseScopeError([]byte(tt.body))
			if ok != tt.ok || !reflect.DeepEqual(g, tt.granted) || !reflect.DeepEqual(r, tt.required) {
				t.Fatalf("got %v %v %v, want %v %v %v", g, r, ok, tt.granted, tt.required, tt.ok)
			}
		})
	}
}

func TestParseAPIError(t *testing.T) {
	tests := []struct {
		body, msg, exc string
	}{
		{`{"type":"error","error":{"message":"Repository dev/null not found"}}`, "Repository dev/null not found", ""},
		{
			`{"errors":[{"context":null,"message":"Authentication failed.","exceptionName":"com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"}]}`,
			"Authentication failed.", "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException",
		},
		{`{"message":"Basic Authentication has been disabled on this instance."}`, "Basic Authentication has been disabled on this instance.", ""},
		{"Login failed due to incorrect login credentials\nor method.", "Login failed due to incorrect login credentials or method.", ""},
	}
	for _, tt := range tests {
		ae := parseAPIError([]byte(tt.body))
		if ae.Message != tt.msg || ae.Exception != tt.exc {
			t.Errorf("parseAPIError(%q) = %+v, want %q %q", tt.body, ae, tt.msg, tt.exc)
		}
	}
}

func TestParseScopeHeader(t *testing.T) {
	got := parseScopeHeader(" repository:write, webhook,,pullrequest  webhook")
	want := []string{"pullrequest", "repository:write", "webhook"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func FuzzParseScopeError(f *testing.F) {
	f.Add([]byte(`{"type":"error","error":{"message":"Your credentials lack one or more required privilege scopes.","detail":{"granted":["a"],"required":["b"]}}}`))
	f.Add([]byte(`{"error":{"detail":"x"}}`))
	f.Add([]byte(`{"error":{"detail":{"granted":null}}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		g, r, ok := ParseScopeError(body)
		_ = parseAPIError(body)
		if !ok {
			return
		}
		// Round trip: a body built from what was parsed parses the same.
		detail := map[string]any{"granted": nonNil(g), "required": nonNil(r)}
		again, err := json.Marshal(map[string]any{"type": "error", "error": map[string]any{"message": "m", "detail": detail}})
		if err != nil {
			t.Fatal(err)
		}
		g2, r2, ok2 := ParseScopeError(again)
		if !ok2 || !reflect.DeepEqual(nonNil(g), nonNil(g2)) || !reflect.DeepEqual(nonNil(r), nonNil(r2)) {
			t.Fatalf("round trip: %v %v -> %v %v", g, r, g2, r2)
		}
		for _, s := range append(g, r...) {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("untidy scope %q", s)
			}
		}
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The API root as Bitbucket's docs print it (https://api.bitbucket.org/2.0)
// is accepted without doubling /2.0, and a 404 on /2.0/user or the
// workspace listing names the API URL, not a repository.
func TestCloudAPIURLWith20AndWrongURL(t *testing.T) {
	s := server(t)
	d := s.Demo
	c := withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true)
	sec := Secrets{Password: d.APIToken}
	for _, suffix := range []string{"/2.0", "/2.0/"} {
		cfg := cfgFor(s)
		cfg.CloudAPIURL = s.CloudAPIURL + suffix
		s.ResetRequests()
		r := run(t, c, sec, cfg)
		want(t, r, CheckAPI, Pass)
		want(t, r, CheckVisibility, Pass)
		for _, rq := range s.Requests() {
			if strings.Contains(rq.Path, "/2.0/2.0") {
				t.Fatalf("%s: doubled path %s", suffix, rq.Path)
			}
		}
	}

	cfg := cfgFor(s)
	cfg.CloudAPIURL = s.CloudAPIURL + "/wrong"
	r := run(t, c, sec, cfg)
	ch := want(t, r, CheckAPI, Fail, "cloud api url looks wrong", "/wrong/2.0/user", "api.bitbucket.org")
	if strings.Contains(ch.Diagnosis, "repository not found") {
		t.Fatalf("diagnosed as a repository: %q", ch.Diagnosis)
	}
	ca := cloudAccount(s, "")
	ca.URL = "https://bitbucket.org"
	_, err := ListRepos(context.Background(), withEmailAPI(ca, d.Email, true), sec, cfg)
	if err == nil || !strings.Contains(err.Error(), "cloud api url looks wrong") {
		t.Fatalf("listing workspaces: %v", err)
	}
}
