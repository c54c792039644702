package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Config says which FHIR R4 server to talk to and how.
type Config struct {
	// BaseURL is the server's FHIR base, such as "https://fhir.example.org/R4".
	BaseURL string
	// HTTPClient sends the requests; nil means one with a 30 second timeout.
	HTTPClient *http.Client
	// Header is added to every request, such as an Authorization header.
	Header http.Header
	// MaxResponseBytes bounds a response body; 0 means 16 MiB.
	MaxResponseBytes int64
	// Service is the social prescribing service, which owns the Task of a
	// referral no link worker has taken on (see [ReferralToFHIR]), such as
	// ServiceOf("U12345", "Riverside PCN social prescribing"); the zero
	// Reference means [DefaultService].
	Service Reference
}

// Client is a FHIR R4 REST client and the socialrx [plugins.ClinicalSystem]
// on top of it. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	header  http.Header
	max     int64
	service Reference
}

// New returns a client for the server at cfg.BaseURL. It sends nothing
// until a method is called. Codes: invalid (no base URL, or not an
// absolute http or https URL; a Service that cannot own a Task).
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, socialrx.Invalid(socialrx.Field("/base_url", "must be an absolute http or https URL, not %q", cfg.BaseURL))
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c := &Client{base: u, http: cfg.HTTPClient, header: cfg.Header.Clone(), max: cfg.MaxResponseBytes, service: cfg.Service}
	if c.service.Type == "" && c.service.Reference == "" && c.service.Identifier == nil && c.service.Display == "" {
		c.service = DefaultService()
	}
	if err := checkService(c.service); err != nil {
		return nil, err
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.max <= 0 {
		c.max = 16 << 20
	}
	return c, nil
}

// BaseURL returns the server's FHIR base URL, ending in "/".
func (c *Client) BaseURL() string { return c.base.String() }

// Close releases idle connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

const fhirJSON = "application/fhir+json"

// do sends one request and returns the body of a 2xx answer. Any other
// answer, a network error or a cancelled context becomes a socialrx.Error
// (see [Client] for the mapping).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body any, hdr http.Header) ([]byte, int, error) {
	what := method + " " + path
	if err := ctx.Err(); err != nil {
		return nil, 0, &socialrx.Error{Code: socialrx.CodeUnavailable, Message: "FHIR " + what + ": " + err.Error(), Err: err}
	}
	u := c.base.JoinPath(path)
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, socialrx.Errorf(socialrx.CodeInvalid, "FHIR %s: cannot encode the request: %v", what, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, 0, socialrx.Errorf(socialrx.CodeInvalid, "FHIR %s: %v", what, err)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", fhirJSON)
	if body != nil {
		req.Header.Set("Content-Type", fhirJSON)
		req.Header.Set("Prefer", "return=representation")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, &socialrx.Error{Code: socialrx.CodeUnavailable, Message: "FHIR " + what + ": " + err.Error(), Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.max+1))
	if err != nil {
		return nil, 0, &socialrx.Error{Code: socialrx.CodeUnavailable, Message: fmt.Sprintf("FHIR %s: answered %s but the body broke off: %v", what, resp.Status, err), Err: err}
	}
	if int64(len(b)) > c.max {
		return nil, 0, socialrx.Errorf(socialrx.CodeUnavailable, "FHIR %s: answered %s with a body over %d bytes", what, resp.Status, c.max)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, 0, statusError(what, resp.StatusCode, b)
	}
	return b, resp.StatusCode, nil
}

// statusError maps a FHIR server's error answer to a socialrx.Error:
// 404 and 410 are not_found; 409 and 412 conflict; 401, 403, 407, 408,
// 429 and 5xx unavailable (the server or its configuration, which a retry
// after a fix may pass); any other 4xx invalid, with a field per issue of
// the OperationOutcome. The message names the status and the server's
// diagnostics.
func statusError(what string, status int, body []byte) error {
	var oo OperationOutcome
	var issues []string
	var fields []socialrx.FieldError
	if json.Unmarshal(body, &oo) == nil && oo.ResourceType == "OperationOutcome" {
		for _, is := range oo.Issue {
			text := is.Diagnostics
			if is.Details != nil && is.Details.Text != "" {
				text = strings.TrimSpace(is.Details.Text + " " + is.Diagnostics)
			}
			if text == "" {
				text = is.Code
			}
			issues = append(issues, text)
			if len(is.Expression) == 0 {
				fields = append(fields, socialrx.Field("", "%s", text))
			}
			for _, e := range is.Expression {
				fields = append(fields, socialrx.Field("/"+strings.NewReplacer(".", "/", "[", "/", "]", "").Replace(e), "%s", text))
			}
		}
	}
	msg := fmt.Sprintf("FHIR %s: server answered %d %s", what, status, http.StatusText(status))
	if len(issues) > 0 {
		msg += ": " + strings.Join(issues, "; ")
	}
	code := socialrx.CodeInvalid
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		code = socialrx.CodeNotFound
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		code = socialrx.CodeConflict
	case status >= 500, status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusProxyAuthRequired, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		code = socialrx.CodeUnavailable
	case status < 400:
		code = socialrx.CodeUnavailable // a redirect the client did not follow
	}
	e := &socialrx.Error{Code: code, Message: msg}
	if code == socialrx.CodeInvalid {
		if len(fields) == 0 {
			fields = []socialrx.FieldError{socialrx.Field("", "the server refused the request (%d)", status)}
		}
		e.Fields = fields
	}
	return e
}

// badBody is the error for a 2xx answer whose body is not what FHIR
// promises: the server is misbehaving, and a retry (which conditional
// writes make safe) may work.
func badBody(what string, err error) error {
	return &socialrx.Error{Code: socialrx.CodeUnavailable, Message: fmt.Sprintf("FHIR %s: the server's answer cannot be read: %v", what, err), Err: err}
}

// idOf reads "Type/id" from a resource the server returned.
func idOf(what, typ string, body []byte) (string, error) {
	var head struct{ ResourceType, ID string }
	if err := json.Unmarshal(body, &head); err != nil {
		return "", badBody(what, err)
	}
	if head.ResourceType != typ || head.ID == "" {
		return "", badBody(what, fmt.Errorf("expected a %s with an id, got resourceType %q id %q", typ, head.ResourceType, head.ID))
	}
	return typ + "/" + head.ID, nil
}

// Create creates a resource and returns its reference ("Procedure/123").
// With ifNoneExist set it is a conditional create: when a resource of the
// type with that identifier exists, nothing is created and the existing
// resource's reference is returned (created is then false). Codes:
// invalid (the server refused the resource), conflict (several resources
// match ifNoneExist), unavailable.
func (c *Client) Create(ctx context.Context, res Resource, ifNoneExist *Identifier) (ref string, created bool, err error) {
	typ := res.FHIRType()
	var hdr http.Header
	if ifNoneExist != nil {
		hdr = http.Header{"If-None-Exist": {identifierQuery(*ifNoneExist)}}
	}
	body, status, err := c.do(ctx, http.MethodPost, typ, nil, res, hdr)
	if err != nil {
		return "", false, err
	}
	ref, err = idOf("POST "+typ, typ, body)
	if err != nil {
		return "", false, err
	}
	return ref, status == http.StatusCreated || ifNoneExist == nil, nil
}

// Upsert creates or updates the one resource of its type with the
// identifier (a FHIR conditional update) and returns its reference.
// Codes: invalid, conflict (several resources have the identifier),
// unavailable.
func (c *Client) Upsert(ctx context.Context, res Resource, id Identifier) (string, error) {
	typ := res.FHIRType()
	q, _ := url.ParseQuery(identifierQuery(id))
	body, _, err := c.do(ctx, http.MethodPut, typ, q, res, nil)
	if err != nil {
		return "", err
	}
	return idOf("PUT "+typ, typ, body)
}

// Search runs a search of one resource type and returns the matching
// resources (not included ones) of the first page, as JSON. Codes:
// invalid (the server refused the search), unavailable.
func (c *Client) Search(ctx context.Context, typ string, q url.Values) ([]json.RawMessage, error) {
	body, _, err := c.do(ctx, http.MethodGet, typ, q, nil, nil)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, badBody("GET "+typ, err)
	}
	if b.ResourceType != "Bundle" {
		return nil, badBody("GET "+typ, fmt.Errorf("expected a Bundle, got %q", b.ResourceType))
	}
	out := make([]json.RawMessage, 0, len(b.Entry))
	for _, e := range b.Entry {
		if len(e.Resource) == 0 {
			continue
		}
		var head struct{ ResourceType string }
		if err := json.Unmarshal(e.Resource, &head); err != nil {
			return nil, badBody("GET "+typ, err)
		}
		if head.ResourceType == typ {
			out = append(out, e.Resource)
		}
	}
	return out, nil
}

// Read returns the resource of the type with the server id, as JSON.
// Codes: invalid (not a FHIR id), not_found, unavailable.
func (c *Client) Read(ctx context.Context, typ, id string) (json.RawMessage, error) {
	if !fhirID.MatchString(id) {
		return nil, socialrx.Invalid(socialrx.Field("/id", "%q is not a FHIR id", id))
	}
	body, _, err := c.do(ctx, http.MethodGet, typ+"/"+id, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if _, err := idOf("GET "+typ+"/"+id, typ, body); err != nil {
		return nil, err
	}
	return body, nil
}

// SearchByIdentifier returns the resources of the type that carry the
// identifier. Codes: invalid, unavailable.
func (c *Client) SearchByIdentifier(ctx context.Context, typ string, id Identifier) ([]json.RawMessage, error) {
	q, _ := url.ParseQuery(identifierQuery(id))
	return c.Search(ctx, typ, q)
}

// Transaction runs a transaction Bundle and returns the server's response
// Bundle; either every entry is applied or none. Codes: invalid, not_found,
// conflict (as the failing entry's status says), unavailable.
func (c *Client) Transaction(ctx context.Context, b *Bundle) (*Bundle, error) {
	body, _, err := c.do(ctx, http.MethodPost, "", nil, b, nil)
	if err != nil {
		return nil, err
	}
	var out Bundle
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, badBody("POST transaction", err)
	}
	if out.ResourceType != "Bundle" || len(out.Entry) != len(b.Entry) {
		return nil, badBody("POST transaction", fmt.Errorf("expected a transaction-response Bundle of %d entries, got %q with %d", len(b.Entry), out.ResourceType, len(out.Entry)))
	}
	return &out, nil
}
