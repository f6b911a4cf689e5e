package conntest

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// apiError is the useful part of a Bitbucket error body: Cloud's
// {"type":"error","error":{"message","detail"}} or Data Center's
// {"errors":[{"message","exceptionName"}]} / {"message"}.
type apiError struct {
	Message   string
	Exception string // Data Center exceptionName
}

// parseAPIError reads an error body. Plain text bodies (Cloud's 401 and
// 429) come back as the message.
func parseAPIError(body []byte) apiError {
	var cloud struct {
		Error *struct {
			Message string          `json:"message"`
			Detail  json.RawMessage `json:"detail"`
		} `json:"error"`
		Errors []struct {
			Message   string `json:"message"`
			Exception string `json:"exceptionName"`
		} `json:"errors"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &cloud); err != nil {
		return apiError{Message: wizard.OneLine(string(body), 200)}
	}
	var ae apiError
	switch {
	case cloud.Error != nil:
		ae.Message = cloud.Error.Message
	case len(cloud.Errors) > 0:
		ae.Message, ae.Exception = cloud.Errors[0].Message, cloud.Errors[0].Exception
	default:
		ae.Message = cloud.Message
	}
	ae.Message = wizard.OneLine(ae.Message, 200)
	return ae
}

// ParseScopeError reads a Bitbucket Cloud 403 "Your credentials lack one
// or more required privilege scopes." body and returns the scopes it says
// are granted and required. ok is false when body is not such a body.
func ParseScopeError(body []byte) (granted, required []string, ok bool) {
	var b struct {
		Error *struct {
			Detail json.RawMessage `json:"detail"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil || b.Error == nil {
		return nil, nil, false
	}
	return scopeDetail(b.Error.Detail)
}

func scopeDetail(raw json.RawMessage) (granted, required []string, ok bool) {
	var d struct {
		Granted  *[]string `json:"granted"`
		Required *[]string `json:"required"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil || (d.Granted == nil && d.Required == nil) {
		return nil, nil, false
	}
	if d.Granted != nil {
		granted = tidyScopes(*d.Granted)
	}
	if d.Required != nil {
		required = tidyScopes(*d.Required)
	}
	return granted, required, true
}

// parseScopeHeader splits an x-oauth-scopes header ("a, b c").
func parseScopeHeader(h string) []string {
	return tidyScopes(strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ' ' }))
}

// tidyScopes trims, drops empties and duplicates, and sorts.
func tidyScopes(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Bitbucket Cloud messages the diagnoses key on.
const (
	msgNotAccessible = "not accessible by this authentication mechanism"
	msgTokenInvalid  = "Token is invalid, expired, or not supported"
	msgLackScopes    = "lack one or more required privilege scopes"
	msgDeprecated    = "CHANGE-2770"
)
