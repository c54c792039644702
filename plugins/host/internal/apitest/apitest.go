// Package apitest holds the host API's traffic to its OpenAPI document in
// tests: a [Checker] validates every request a test sends and every
// response it gets against the document, with a maintained OpenAPI 3.1
// validator (pb33f/libopenapi-validator), so that the document cannot
// drift from what the API does.
//
// [New] (or [MustNew]) reads the API's OpenAPI document; [Checker.Transport]
// wraps an http.Client's transport so that the test fails on any exchange
// that disagrees with it; [Checker.Summary] says which (method, path,
// status) triples were checked. The end-to-end tests of the socialrx
// binary (cmd/socialrx/e2e_test.go) send all their traffic through it.
//
// A response must match its operation: a status the operation declares
// and a body its schema for that status and media type accepts. A request
// the document refuses (a missing token, an undeclared parameter, a body
// its schema refuses) must have been refused by the API too, with a 4xx
// status the operation declares; a request to a path the document does not
// have must have been answered 404 or 405.
package apitest

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Checker validates traffic against one OpenAPI document and counts the
// distinct (method, path, status) triples it has validated.
type Checker struct {
	model *v3.Document
	v     validator.Validator
	opts  *config.ValidationOptions

	mu   sync.Mutex
	seen map[string]int
}

// New builds a Checker of an OpenAPI 3.1 document (JSON or YAML). It
// returns an error when the document does not build, or does not
// validate against the OpenAPI 3.1 schema.
func New(doc []byte) (*Checker, error) {
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return nil, err
	}
	m, err := d.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi: building the model: %w", err)
	}
	opts := []config.Option{config.WithFormatAssertions()}
	v, errs := validator.NewValidator(d, opts...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi: making the validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapi: the document is not valid OpenAPI: %s", describe(verrs))
	}
	return &Checker{model: &m.Model, v: v, opts: config.NewValidationOptions(opts...), seen: map[string]int{}}, nil
}

// MustNew is New that panics on error, for package-level checkers.
func MustNew(doc []byte) *Checker {
	c, err := New(doc)
	if err != nil {
		panic(err)
	}
	return c
}

// Check validates one exchange: req, whose body was reqBody, and res,
// whose body is resBody. It returns every mismatch, in words; none when
// the exchange agrees with the document.
func (c *Checker) Check(req *http.Request, reqBody []byte, res *http.Response, resBody []byte) []string {
	c.mu.Lock() // the validator's caches are not documented as safe for concurrent use
	defer c.mu.Unlock()
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	r := *res
	r.Body = io.NopCloser(bytes.NewReader(resBody))

	pathItem, perrs, template := paths.FindPath(req, c.model, c.opts)
	if pathItem == nil || len(perrs) > 0 {
		c.seen[req.Method+" (no such path) "+fmt.Sprint(res.StatusCode)]++
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			return []string{fmt.Sprintf("%s %s: the document has no such operation (%s), yet the API answered %d, not 404 or 405", req.Method, req.URL.Path, describe(perrs), res.StatusCode)}
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			return []string{fmt.Sprintf("%s %s: %d without a problem (Content-Type %q)", req.Method, req.URL.Path, res.StatusCode, ct)}
		}
		return nil
	}
	c.seen[fmt.Sprintf("%s %s %d", req.Method, template, res.StatusCode)]++
	var out []string
	_, reqErrs := c.v.ValidateHttpRequestSyncWithPathItem(req, pathItem, template)
	if len(reqErrs) > 0 && (res.StatusCode < 400 || res.StatusCode >= 500) {
		out = append(out, fmt.Sprintf("%s %s: the document refuses the request (%s), yet the API answered %d", req.Method, req.URL, describe(reqErrs), res.StatusCode))
	}
	if _, resErrs := c.v.GetResponseBodyValidator().ValidateResponseBodyWithPathItem(req, &r, pathItem, template); len(resErrs) > 0 {
		out = append(out, fmt.Sprintf("%s %s → %d: the response does not match the document: %s\nbody: %.600s", req.Method, req.URL, res.StatusCode, describe(resErrs), resBody))
	}
	return out
}

func describe(errs []*errors.ValidationError) string {
	var parts []string
	for _, e := range errs {
		p := e.Message
		if e.Reason != "" {
			p += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			p += fmt.Sprintf(" [%s: %s]", se.FieldPath, se.Reason)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// Transport returns a RoundTripper that sends each request with base
// (http.DefaultTransport when nil) and fails t on any mismatch Check
// finds. A request that gets no response is not checked.
func (c *Checker) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		var reqBody []byte
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			req.Body.Close()
			if err != nil {
				return nil, err
			}
			reqBody = b
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		res, err := base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		resBody, err := io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(resBody))
		if err != nil {
			return res, nil // the caller sees the short body; nothing to check
		}
		for _, m := range c.Check(req, reqBody, res, resBody) {
			t.Errorf("openapi mismatch: %s", m)
		}
		return res, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Pairs returns the distinct (method, path, status) triples validated, as
// "GET /v1/referrals/{id} 200", sorted; a path the document lacks is
// "(no such path)".
func (c *Checker) Pairs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.seen))
}

// Summary says how many exchanges and distinct triples were validated.
func (c *Checker) Summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.seen {
		n += k
	}
	return fmt.Sprintf("openapi: validated %d requests and responses: %d distinct (method, path, status) triples", n, len(c.seen))
}
