package harness

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// The reference's two error bodies (harness-api.md §2).
const (
	failureBody = `{"status":"FAILURE","code":"INVALID_REQUEST","message":"Invalid request, scope in payload and params do not match.","correlationId":"abc-123","errors":[{"fieldId":"name","error":"must not be blank"}]}`
	errorBody   = `{"status":"ERROR","code":"DUPLICATE_FIELD","message":null,"correlationId":"def-456","detailedMessage":null,
 "responseMessages":[{"code":"DUPLICATE_FIELD","level":"ERROR","message":"Connector [bb] already exists"}],"metadata":null}`
)

func TestDecodeErrorEnvelopes(t *testing.T) {
	tests := []struct {
		name, body          string
		status              int
		code, summary, corr string
		notFound, dup, html bool
		messages, fields    int
	}{
		{"failure", failureBody, 400, "INVALID_REQUEST", "Invalid request, scope in payload and params do not match.", "abc-123", false, false, false, 0, 1},
		{"error", errorBody, 400, "DUPLICATE_FIELD", "Connector [bb] already exists", "def-456", false, true, false, 1, 0},
		{"fields only", `{"status":"FAILURE","code":"INVALID_REQUEST","errors":[{"fieldId":"identifier","error":"bad"}]}`, 400, "INVALID_REQUEST", "identifier: bad", "", false, false, false, 0, 1},
		{"code only", `{"status":"ERROR","code":"UNKNOWN_ERROR"}`, 500, "UNKNOWN_ERROR", "UNKNOWN_ERROR", "", false, false, false, 0, 0},
		{"not found 400", `{"status":"ERROR","code":"RESOURCE_NOT_FOUND_EXCEPTION","message":"Connector not found","correlationId":"x"}`, 400, "RESOURCE_NOT_FOUND_EXCEPTION", "Connector not found", "x", true, false, false, 0, 0},
		{"not found entity", `{"status":"ERROR","code":"ENTITY_NOT_FOUND","message":"gone"}`, 400, "ENTITY_NOT_FOUND", "gone", "", true, false, false, 0, 0},
		{"not found 404", `{"status":"ERROR","code":"RESOURCE_NOT_FOUND","message":"gone"}`, 404, "RESOURCE_NOT_FOUND", "gone", "", true, false, false, 0, 0},
		{"duplicate as invalid request", `{"status":"FAILURE","code":"INVALID_REQUEST","message":"Connector: bb has been given an identifier: bb that already exists. Please enter a unique ID."}`, 400, "INVALID_REQUEST", "Connector: bb has been given an identifier: bb that already exists. Please enter a unique ID.", "", false, true, false, 0, 0},
		{"html", "<!DOCTYPE html><html><body>Bad gateway</body></html>", 502, "", "an html page answered, not harness: wrong base url or a proxy answered", "", false, false, true, 0, 0},
		{"not json", "rate limited", 429, "", "too many requests", "", false, false, false, 0, 0},
		{"empty", "", 403, "", "forbidden", "", false, false, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeError("GET /ng/api/connectors/bb", tt.status, []byte(tt.body), nil)
			if e.Code != tt.code || e.Summary() != tt.summary || e.CorrelationID != tt.corr {
				t.Errorf("got code %q summary %q corr %q", e.Code, e.Summary(), e.CorrelationID)
			}
			if e.NotFound() != tt.notFound || e.Duplicate() != tt.dup || e.HTML != tt.html {
				t.Errorf("notFound %v dup %v html %v", e.NotFound(), e.Duplicate(), e.HTML)
			}
			if len(e.Messages) != tt.messages || len(e.Fields) != tt.fields {
				t.Errorf("messages %q fields %q", e.Messages, e.Fields)
			}
		})
	}
}

func TestErrorOrderMessageFirst(t *testing.T) {
	body := `{"status":"ERROR","code":"C","message":"top","responseMessages":[{"message":"hint"}],"errors":[{"fieldId":"f","error":"e"}]}`
	e := decodeError("PUT /ng/api/connectors", 400, []byte(body), nil)
	if e.Summary() != "top" {
		t.Fatalf("summary %q", e.Summary())
	}
	want := "harness PUT /ng/api/connectors: 400 C: top; hint"
	if !strings.HasPrefix(e.Error(), want) {
		t.Fatalf("error %q, want prefix %q", e.Error(), want)
	}
}

func TestErrorNamesCallStatusCodeCorrelation(t *testing.T) {
	e := decodeError("POST /ng/api/v2/secrets", 400, []byte(failureBody), nil)
	msg := e.Error()
	for _, want := range []string{"POST /ng/api/v2/secrets", "400", "INVALID_REQUEST", "scope in payload", "correlation id abc-123"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "?") || strings.Contains(msg, "accountIdentifier") {
		t.Errorf("error shows a query: %q", msg)
	}
	wrapped := fmt.Errorf("push: %w", e)
	if !IsDuplicate(fmt.Errorf("x: %w", decodeError("POST x", 400, []byte(errorBody), nil))) || IsNotFound(wrapped) {
		t.Error("Is helpers do not see through wrapping")
	}
}

func TestErrorHints(t *testing.T) {
	for status, want := range map[int]string{401: "harness login", 403: "permission", 429: "rate limit"} {
		e := decodeError("GET /ng/api/organizations", status, nil, nil)
		if !strings.Contains(e.Error(), want) {
			t.Errorf("%d: %q lacks %q", status, e.Error(), want)
		}
	}
	if e := decodeError("GET /x", 200, []byte("<html><head>"), nil); !strings.Contains(e.Error(), "--harness-url") {
		t.Errorf("html: %q", e.Error())
	}
	if !isUnauthorized(decodeError("GET /x", 401, nil, nil)) {
		t.Error("401 is unauthorized")
	}
}

func TestDecodeErrorRedactsAndCleans(t *testing.T) {
	const canary = "CANARY-secret-value-123"
	body := `{"status":"FAILURE","code":"INVALID_REQUEST","message":"bad value CANARY-secret-value-123 \u001b[31m","errors":[{"fieldId":"value","error":"CANARY-secret-value-123"}]}`
	e := decodeError("POST /ng/api/v2/secrets", 400, []byte(body), []string{canary})
	if strings.Contains(e.Error(), canary) || strings.Contains(strings.Join(e.Fields, ""), canary) {
		t.Fatalf("canary in %q", e.Error())
	}
	if strings.ContainsRune(e.Error(), 0x1b) {
		t.Fatalf("escape kept: %q", e.Error())
	}
	long := strings.Repeat("é", 1000)
	e = decodeError("GET /x", 400, []byte(`{"message":"`+long+`"}`), nil)
	if n := utf8.RuneCountInString(e.Message); n > maxText+1 || !utf8.ValidString(e.Message) {
		t.Fatalf("long message kept %d runes", n)
	}
}

func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		failureBody, errorBody, "", "null", "[]", `{"status":1}`, "<html>", `{"message":"\u0000\u001b"}`,
		`{"responseMessages":[null,{"message":""}],"errors":[null]}`, `{"code":"RESOURCE_NOT_FOUND_EXCEPTION"}`,
	} {
		f.Add(400, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeError("GET /ng/api/x", status, body, []string{"secretvalue"})
		msg := e.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("invalid utf-8: %q", msg)
		}
		for _, r := range msg {
			if r < 0x20 {
				t.Fatalf("control character in %q", msg)
			}
		}
		if strings.Contains(msg, "secretvalue") {
			t.Fatalf("secret in %q", msg)
		}
		var he *Error
		if !errors.As(error(e), &he) {
			t.Fatal("not an *Error")
		}
	})
}

// isUnauthorized reports a 401 (bad, expired or revoked key).
func isUnauthorized(err error) bool {
	var he *Error
	return errors.As(err, &he) && he.HTTPStatus == 401
}
