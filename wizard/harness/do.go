package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// Call is one HTTP exchange with Harness as an observer sees it: never a
// query value, a header or a body.
type Call struct {
	Method   string        // GET, POST, PUT, DELETE
	Path     string        // e.g. /ng/api/v2/secrets/bb_password
	ID       string        // identifier the call writes or reads ("" for a listing)
	Status   int           // HTTP status; 0 when no answer came (or a dry run)
	Tries    int           // attempts made (retries of 429/502/503/504 included)
	Duration time.Duration // time from the first attempt to the answer
}

// Observer is told about every call the client makes under its context.
type Observer func(Call)

type observerKey struct{}

// WithObserver returns a context under which every call is reported to fn
// (after it ends). Observers nest: the innermost is told.
func WithObserver(ctx context.Context, fn Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, fn)
}

// request is one call to make.
type request struct {
	method      string
	path        string     // absolute API path, segments already escaped
	id          string     // identifier concerned, for observers
	query       url.Values // accountIdentifier is added
	body        []byte
	contentType string
	noRetry     bool     // a create POST: a retry after a lost answer would fail as a duplicate
	long        bool     // testConnection: the long timeout
	secrets     []string // values the body carries, redacted from any error
}

// maxBody bounds a Harness answer.
const maxBody = 16 << 20

// maxBackoff caps one wait between retries.
const maxBackoff = 8 * time.Second

// retryable reports the statuses worth another try: Harness sends no
// Retry-After, so the client backs off on its own.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusBadGateway ||
		status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// do sends r and decodes the success envelope, returning its data. A
// refusal is an *Error; a transport failure names the call and never the URL's
// query.
func (c *Client) do(ctx context.Context, r request) (json.RawMessage, error) {
	name := r.method + " " + r.path
	q := url.Values{}
	for k, v := range r.query {
		q[k] = v
	}
	q.Set("accountIdentifier", c.account)
	u := *c.base
	u.Path = c.base.Path + r.path
	u.RawPath = c.base.EscapedPath() + r.path
	u.RawQuery = q.Encode()
	timeout := c.cfg.Timeout
	if r.long {
		timeout = c.cfg.TestTimeout
	}
	secrets := append([]string{string(c.key)}, r.secrets...)

	call := Call{Method: r.method, Path: r.path, ID: r.id}
	start := time.Now()
	defer func() {
		call.Duration = time.Since(start)
		if fn, ok := ctx.Value(observerKey{}).(Observer); ok && fn != nil {
			fn(call)
		}
	}()
	delay := c.cfg.Backoff
	for {
		call.Tries++
		status, body, err := c.once(ctx, u.String(), r, timeout)
		call.Status = status
		if err != nil {
			return nil, fmt.Errorf("harness %s: %s", name, wizard.Redact(transportText(err), secrets...))
		}
		if retryable(status) && !r.noRetry && call.Tries <= c.cfg.Retries {
			if err := sleep(ctx, jitter(delay)); err != nil {
				return nil, fmt.Errorf("harness %s: %d, then cancelled while waiting to retry", name, status)
			}
			delay = min(2*delay, maxBackoff)
			continue
		}
		return decodeSuccess(name, status, body, secrets)
	}
}

// once makes one attempt, returning the status and the (bounded) body.
func (c *Client) once(ctx context.Context, rawURL string, r request, timeout time.Duration) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, rawURL, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("x-api-key", string(c.key))
	req.Header.Set("Harness-Account", c.account)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bbconnect")
	if r.body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, data, nil
}

// decodeSuccess turns an answer into its data or an *Error.
func decodeSuccess(name string, status int, body []byte, secrets []string) (json.RawMessage, error) {
	if status < 200 || status > 299 {
		return nil, decodeError(name, status, body, secrets)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		e := decodeError(name, status, body, secrets)
		if !e.HTML {
			e.Message = "the answer is not harness json"
		}
		return nil, e
	}
	if env.Status == "FAILURE" || env.Status == "ERROR" {
		return nil, decodeError(name, status, body, secrets)
	}
	return env.Data, nil
}

// transportText is a transport error without the URL net/http puts in it
// (the query holds only identifiers, but an error names the call instead).
func transportText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time: check the harness url, or the network"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	msg := err.Error()
	if strings.Contains(msg, "certificate") {
		return msg + ": give the harness ca with --ca-file"
	}
	return msg
}

// jitter is a random wait in [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)) //nolint:gosec // jitter needs no crypto
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pathEscape escapes one path segment (an identifier).
func pathEscape(s string) string { return url.PathEscape(s) }

// getJSON decodes data into v, naming the call when Harness answered
// something else.
func getJSON(name string, data json.RawMessage, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("harness %s: the answer is not what harness sends (%w)", name, err)
	}
	return nil
}
