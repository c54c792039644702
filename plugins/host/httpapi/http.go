package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

// MaxBodyBytes is the largest request body the API reads, but for imports.
const MaxBodyBytes = 1 << 20

// MaxImportBytes is the largest ORUK document the import route reads.
const MaxImportBytes = 16 << 20

// Problem is an RFC 9457 problem detail, with the socialrx error code and,
// for invalid input, every failing JSON pointer.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is the socialrx error code.
	Code socialrx.Code `json:"code,omitempty"`
	// Errors lists each field at fault, by JSON pointer into the request
	// body: the first MaxProblemFields of them, Detail says how many more.
	Errors []ProblemField `json:"errors,omitempty" jsonschema:"maxItems=1000"`
}

// MaxProblemFields is the most fields a [Problem] lists, so that a large
// body full of mistakes cannot make a larger answer.
const MaxProblemFields = 1000

// ProblemField is one field at fault in a [Problem].
type ProblemField struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// httpError is an error with an HTTP status of its own (401, 413, 415, 412 …).
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

func statusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	if errors.Is(err, host.ErrKeyReused) || errors.Is(err, host.ErrNothingImported) {
		return http.StatusUnprocessableEntity
	}
	switch socialrx.ErrorCode(err) {
	case socialrx.CodeInvalid:
		return http.StatusBadRequest
	case socialrx.CodeNotFound:
		return http.StatusNotFound
	case socialrx.CodeConflict:
		return http.StatusConflict
	case socialrx.CodeForbidden:
		return http.StatusForbidden
	case socialrx.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeProblem writes err as application/problem+json. What a plugin or
// driver said of an internal or unavailable error (socket paths, driver
// messages) stays in the log; the client reads what it can do.
func writeProblem(w http.ResponseWriter, err error) {
	p := problemOf(err)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="socialrx"`)
	}
	writeProblemBody(w, p.Status, p)
}

// writeProblemBody writes a problem, or a type embedding one, with its status.
func writeProblemBody(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// problemOf is the problem detail of err.
func problemOf(err error) Problem {
	st := statusOf(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(st), Status: st, Code: socialrx.ErrorCode(err)}
	var se *socialrx.Error
	if errors.As(err, &se) {
		p.Detail = se.Message
		for _, f := range se.Fields[:min(len(se.Fields), MaxProblemFields)] {
			p.Errors = append(p.Errors, ProblemField{Pointer: f.Path, Detail: f.Rule})
		}
		if more := len(se.Fields) - MaxProblemFields; more > 0 {
			p.Detail += fmt.Sprintf(" (and %d more fields)", more)
		}
	} else {
		p.Detail = err.Error()
	}
	switch {
	case st == http.StatusInternalServerError:
		p.Detail = "internal error"
	case st == http.StatusServiceUnavailable && !errors.Is(err, host.ErrOutcomeUnknown):
		p.Detail = "a service the host depends on did not answer; try again shortly"
	}
	return p
}

// writeJSON writes v as JSON with the status, and an ETag when version > 0.
func writeJSON(w http.ResponseWriter, status int, version int64, v any) {
	w.Header().Set("Content-Type", "application/json")
	if version > 0 {
		w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(version, 10)))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody reads a JSON request body of at most MaxBodyBytes, validates it
// (with validate: the route's schema and, for domain documents, the
// domain's rules, every failing pointer at once) and decodes it strictly
// into v.
func readBody(r *http.Request, validate func(doc []byte) error, into any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &httpError{http.StatusUnsupportedMediaType, socialrx.Errorf(socialrx.CodeInvalid, "Content-Type must be application/json, not %q", ct)}
	}
	b, err := readLimited(r, MaxBodyBytes)
	if err != nil {
		return err
	}
	if err := validate(b); err != nil {
		return err
	}
	if err := schema.DecodeStrict(b, into); err != nil {
		return err
	}
	return nil
}

// ifMatch returns the version an update is conditional on. Every update
// needs one, so that no change is made on a stale read: without the header
// it is 428. Codes: invalid (not a version ETag).
func ifMatch(r *http.Request) (int64, error) {
	h := r.Header.Get("If-Match")
	if h == "" {
		return 0, &httpError{http.StatusPreconditionRequired, socialrx.Errorf(socialrx.CodeInvalid, "an update needs an If-Match header with the ETag of the version it changes, such as \"3\"")}
	}
	s, err := strconv.Unquote(strings.TrimPrefix(h, "W/"))
	if err != nil {
		s = h
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 1 {
		return 0, socialrx.Errorf(socialrx.CodeInvalid, "If-Match must be an ETag this API returned, such as \"3\"")
	}
	return v, nil
}

// stale turns a conflict on a conditional update into 412.
func stale(err error, version int64) error {
	if err != nil && version != 0 && socialrx.ErrorCode(err) == socialrx.CodeConflict {
		return &httpError{http.StatusPreconditionFailed, err}
	}
	return err
}

// List is the envelope of a list response.
type List[T any] struct {
	// Items are at most the limit asked for, 1000.
	Items []T `json:"items" jsonschema:"maxItems=1000"`
	// NextCursor continues the list; absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

func limitOf(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return 0, socialrx.Invalid(socialrx.Field("/limit", "must be a whole number from 1 to 1000"))
	}
	return n, nil
}

// statusRecorder remembers the status a handler wrote, for metrics and logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logRequests logs each request with its status and duration.
func logRequests(l *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		m.observeRequest(pattern, rec.status, d)
		l.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", d)
	})
}

// readLimited reads a request body of at most limit bytes; a longer one
// is 413.
func readLimited(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &httpError{http.StatusRequestEntityTooLarge, socialrx.Errorf(socialrx.CodeInvalid, "the body is larger than %d bytes", limit)}
		}
		return nil, socialrx.Errorf(socialrx.CodeInvalid, "reading the body: %v", err)
	}
	return b, nil
}
