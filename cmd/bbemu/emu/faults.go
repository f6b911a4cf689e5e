package emu

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// faultSet holds the injected faults, in injection order.
type faultSet struct {
	mu   sync.Mutex
	list []*activeFault
}

type activeFault struct {
	Fault
	left int // remaining uses; -1 = until cleared
	seen int // matching requests so far (for Percent)
}

func (fs *faultSet) add(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	fs.mu.Lock()
	fs.list = append(fs.list, &activeFault{Fault: f, left: left})
	fs.mu.Unlock()
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	fs.list = nil
	fs.mu.Unlock()
}

// take returns (and uses up once) the first fault of one of kinds whose
// Path is a prefix of path. Harness paths ("harness:…") are reached only by
// faults whose Path names them. A fault with a Percent hits that share of
// its matching requests, spread evenly.
func (fs *faultSet) take(path string, kinds ...FaultKind) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if !slices.Contains(kinds, f.Kind) || !strings.HasPrefix(path, f.Path) {
			continue
		}
		if strings.HasPrefix(path, harnessFaultPrefix) && !strings.HasPrefix(f.Path, harnessFaultPrefix) {
			continue
		}
		if f.Percent > 0 && f.Percent < 100 {
			f.seen++
			if f.seen*f.Percent/100 == (f.seen-1)*f.Percent/100 {
				continue
			}
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				fs.list = slices.Delete(fs.list, i, i+1)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// reqLog keeps the last maxLog requests.
type reqLog struct {
	mu      sync.Mutex
	entries []RequestLog
}

const maxLog = 10000

func (l *reqLog) add(e RequestLog) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) >= maxLog {
		l.entries = slices.Delete(l.entries, 0, len(l.entries)-maxLog+1)
	}
	l.entries = append(l.entries, e)
}

func (l *reqLog) all() []RequestLog {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

func (l *reqLog) reset() {
	l.mu.Lock()
	l.entries = nil
	l.mu.Unlock()
}

// recorder remembers the status and the credential type of a response.
type recorder struct {
	http.ResponseWriter
	status   int
	credType string
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush passes flushes through (the CGI handler streams packs).
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack is not supported.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("hijack not supported")
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// noteCred records the credential type a handler recognised.
func noteCred(w http.ResponseWriter, c *credential) {
	if rec, ok := w.(*recorder); ok && c != nil {
		rec.credType = c.credType()
	}
}

// wrap adds to every request of a listener: the log entry, latency and
// the injected HTTP faults (hang, rate limit, server error).
func (st *state) wrap(listener string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		scheme, user := authScheme(r)
		defer func() {
			path, leakP := st.redact(r.URL.Path)
			query, leakQ := st.redact(r.URL.RawQuery)
			st.log.add(RequestLog{
				Time: time.Now(), Listener: listener, Method: r.Method, Path: path, Query: query,
				Auth: scheme, User: user, CredType: rec.credType, Status: rec.status, Leaked: leakP || leakQ,
			})
		}()
		if !st.sleep(r.Context()) {
			return
		}
		if f, ok := st.faults.take(r.URL.Path, FaultHang, FaultRateLimit, FaultServerError); ok {
			st.serveFault(rec, r, f, listener)
			return
		}
		h.ServeHTTP(rec, r)
	})
}

// serveFault answers with an injected fault.
func (st *state) serveFault(w http.ResponseWriter, r *http.Request, f Fault, listener string) {
	switch f.Kind {
	case FaultHang:
		st.hang(r)
	case FaultRateLimit:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("Rate limit for this resource has been exceeded"))
	case FaultServerError:
		code := f.Status
		if code == 0 {
			code = http.StatusInternalServerError
		}
		if code != http.StatusInternalServerError {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(code)
			_, _ = w.Write([]byte("<html><body><h1>" + http.StatusText(code) + "</h1></body></html>\n"))
			return
		}
		if listener == "dc" {
			writeDCError(w, code, "An unexpected error occurred. Please try again later.", "java.lang.IllegalStateException")
			return
		}
		writeCloudError(w, code, "Internal Server Error", nil)
	}
}

// hang holds a request until the client gives up or the emulator closes.
func (st *state) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-st.closing:
	}
}

// authScheme returns the Authorization scheme and the Basic user name.
func authScheme(r *http.Request) (scheme, user string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", ""
	}
	if u, _, ok := r.BasicAuth(); ok {
		return "Basic", u
	}
	s, _, _ := strings.Cut(h, " ")
	if strings.EqualFold(s, "bearer") {
		return "Bearer", ""
	}
	return "other", ""
}

// bearer returns the Bearer token of r, if any.
func bearer(r *http.Request) (string, bool) {
	s, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(s, "bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
