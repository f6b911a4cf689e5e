package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// Error is a call Harness refused. It decodes both Harness error bodies:
// {"status":"FAILURE","code","message","errors":[{"fieldId","error"}]} and
// {"status":"ERROR","code","message","responseMessages":[{"code","level","message"}]}.
type Error struct {
	Call          string   // "POST /ng/api/connectors": method and path, never the query
	HTTPStatus    int      // HTTP status code
	Status        string   // FAILURE or ERROR ("" when the body was not an envelope)
	Code          string   // Harness error code, e.g. INVALID_REQUEST
	Message       string   // Harness message
	CorrelationID string   // Harness correlation id, for Harness support
	Messages      []string // responseMessages[].message (hint, explanation, cause)
	Fields        []string // errors[] as "field: error"
	HTML          bool     // the body was an HTML page, not Harness
}

// envelope is the union of the success and both error bodies.
type envelope struct {
	Status           string          `json:"status"`
	Code             string          `json:"code"`
	Message          string          `json:"message"`
	CorrelationID    string          `json:"correlationId"`
	Data             json.RawMessage `json:"data"`
	Errors           []fieldError    `json:"errors"`
	ResponseMessages []responseMsg   `json:"responseMessages"`
}

type fieldError struct {
	FieldID string `json:"fieldId"`
	Error   string `json:"error"`
}

type responseMsg struct {
	Code    string `json:"code"`
	Level   string `json:"level"`
	Message string `json:"message"`
}

// maxText bounds every text taken from a Harness body.
const maxText = 500

// decodeError reads an error body (either envelope, HTML, or anything
// else) for a call that answered status, replacing every secret (the key,
// the values the call sent) in the texts it keeps: Harness does not echo
// values, but a message that quotes a body must still never show one. It
// never fails: what it cannot read it leaves empty.
func decodeError(call string, status int, body []byte, secrets []string) *Error {
	clean := func(s string) string {
		return wizard.Redact(wizard.OneLine(wizard.Redact(s, secrets...), maxText), secrets...)
	}
	e := &Error{Call: call, HTTPStatus: status}
	trimmed := bytes.TrimSpace(body)
	if looksHTML(trimmed) {
		e.HTML = true
		return e
	}
	var env envelope
	if json.Unmarshal(trimmed, &env) != nil {
		return e
	}
	e.Status, e.Code = clean(env.Status), clean(env.Code)
	e.Message, e.CorrelationID = clean(env.Message), clean(env.CorrelationID)
	for _, m := range env.ResponseMessages {
		if t := clean(m.Message); t != "" && len(e.Messages) < 10 {
			e.Messages = append(e.Messages, t)
		}
	}
	for _, f := range env.Errors {
		t := clean(f.Error)
		if id := clean(f.FieldID); id != "" {
			t = id + ": " + t
		}
		if t != "" && len(e.Fields) < 10 {
			e.Fields = append(e.Fields, t)
		}
	}
	return e
}

// looksHTML reports whether a body is a web page (a proxy, a WAF, a wrong
// base URL) rather than a Harness answer.
func looksHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		strings.HasPrefix(head, "<head") || strings.HasPrefix(head, "<body")
}

// Summary is the one line to show, in the Harness SDK's order: the
// message, else the first responseMessages message, else errors[0], else
// the code, else the HTTP status text.
func (e *Error) Summary() string {
	switch {
	case e.HTML:
		return "an html page answered, not harness: wrong base url or a proxy answered"
	case e.Message != "":
		return e.Message
	case len(e.Messages) > 0:
		return e.Messages[0]
	case len(e.Fields) > 0:
		return e.Fields[0]
	case e.Code != "":
		return e.Code
	}
	return strings.ToLower(http.StatusText(e.HTTPStatus))
}

// Error names the call, the HTTP status, the code, the message and the
// correlation id, then what to do where that is known.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "harness %s: %d", e.Call, e.HTTPStatus)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	b.WriteString(": " + e.Summary())
	for _, m := range e.Messages {
		if m != e.Summary() {
			b.WriteString("; " + m)
		}
	}
	if e.CorrelationID != "" {
		b.WriteString(" (correlation id " + e.CorrelationID + ")")
	}
	if h := e.Hint(); h != "" {
		b.WriteString(": " + h)
	}
	return b.String()
}

// Hint says what to do about the error, "" when nothing general applies.
func (e *Error) Hint() string {
	switch {
	case e.HTML:
		return "check --harness-url (e.g. " + DefaultEndpoint + ")"
	case e.HTTPStatus == http.StatusUnauthorized:
		return "the api key is invalid, expired or revoked: make a new one in harness and run bbconnect harness login"
	case e.HTTPStatus == http.StatusForbidden:
		return "the api key lacks a permission for this call: give its user or service account the role in harness"
	case e.HTTPStatus == http.StatusTooManyRequests:
		return "harness rate limit reached: wait a minute and run it again"
	case e.HTTPStatus == http.StatusNotFound && e.Status == "" && e.Code == "":
		return "check --harness-url and --harness-account"
	}
	return ""
}

// notFoundCodes are the codes a 400 uses for a missing entity.
var notFoundCodes = map[string]bool{
	"RESOURCE_NOT_FOUND_EXCEPTION": true,
	"ENTITY_NOT_FOUND":             true,
	"RESOURCE_NOT_FOUND":           true,
}

// NotFound reports a missing entity: 404, or 400 with a not-found code.
func (e *Error) NotFound() bool {
	return e.HTTPStatus == http.StatusNotFound ||
		(e.HTTPStatus == http.StatusBadRequest && notFoundCodes[e.Code])
}

// Duplicate reports an identifier that already exists: 400 DUPLICATE_FIELD,
// or 400 INVALID_REQUEST saying it already exists.
func (e *Error) Duplicate() bool {
	if e.HTTPStatus != http.StatusBadRequest {
		return false
	}
	if e.Code == "DUPLICATE_FIELD" {
		return true
	}
	return e.Code == "INVALID_REQUEST" && strings.Contains(strings.ToLower(e.Summary()), "already exists")
}

// IsNotFound reports whether err is a Harness not-found answer.
func IsNotFound(err error) bool {
	var he *Error
	return errors.As(err, &he) && he.NotFound()
}

// IsDuplicate reports whether err is a Harness duplicate-identifier answer.
func IsDuplicate(err error) bool {
	var he *Error
	return errors.As(err, &he) && he.Duplicate()
}
