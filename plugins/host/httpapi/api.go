// Package httpapi serves a [host.Service] over HTTP: the route table (one
// table registers the handlers, generates the OpenAPI 3.1 document and
// drives the tests), RFC 9457 problem details, bearer-token
// authentication (static [Tokens], and OpenID Connect sign-in with
// [OIDC]), Prometheus [Metrics] (admins only unless configured otherwise)
// and the public Open Referral UK read API. It holds no journey logic: each handler reads the request, calls
// one service method as the authenticated principal and writes the answer.
//
// [NewHandler] makes the [Handler] of a service, an http.Handler to serve
// (package config of the socialrx binary does, in Runtime.Serve).
//
// A new route goes in the route table of its area (referrals, plans,
// directory, outcomes, the ORUK read API) with its request and response
// types, its schema name, its query parameters (the one declaration the
// OpenAPI document publishes and every request is checked against: any
// other parameter is refused with a 400 naming it) and whether it creates
// (Idempotency-Key) or updates (If-Match, required: 428 without). The
// OpenAPI document declares every status a route can answer, from what
// the route does; the tests send all their traffic through a checker of
// the document (internal/apitest). Every error is an RFC 9457 problem, 404 and 405
// (with Allow) included; 500 and 503 problems say what the client can do,
// never what a plugin or driver said.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
)

// Options configure the HTTP API.
type Options struct {
	// Tokens authenticate callers by static bearer tokens. Required
	// unless OIDC is set; ignored when OIDC.Only is.
	Tokens *Tokens
	// OIDC, when set, also accepts bearer JWTs from an OpenID Connect
	// issuer (single sign-on).
	OIDC *OIDC
	// Metrics collects request metrics; nil makes new ones.
	Metrics *Metrics
	// MetricsPublic serves /metrics to anyone; by default only admins may
	// read it.
	MetricsPublic bool
	// MetricsElsewhere leaves /metrics out of the API, for a listener of its
	// own to serve [Handler.MetricsHandler].
	MetricsElsewhere bool
	// Ready reports whether the plugins answer; nil asks only the store.
	Ready func(ctx context.Context) error
	// Logger logs failed requests, and every request at debug level; nil discards.
	Logger *slog.Logger
	// PublicURL is the absolute URL the API is reached at, such as
	// "https://socialrx.example.org", for the links it gives (the ORUK
	// root's openapi_url); empty: the scheme and host of each request.
	PublicURL string
}

// Handler serves the HTTP API of a [host.Service].
type Handler struct {
	svc     *host.Service
	tokens  *Tokens
	oidc    *OIDC
	metrics *Metrics
	// metricsPublic and metricsHere are Options.MetricsPublic and
	// !Options.MetricsElsewhere.
	metricsPublic, metricsHere bool
	ready                      func(context.Context) error
	logger                     *slog.Logger
	byPattern                  map[string]route
	queries                    map[string]*queryChecker
	publicURL                  string
	openapi                    []byte
	// orukOpenAPI is the OpenAPI document of the ORUK read API alone.
	orukOpenAPI []byte
	mux         *http.ServeMux
	root        http.Handler
}

// NewHandler returns the HTTP API over svc. Codes: invalid (neither
// tokens nor OIDC; metrics already serving another handler).
func NewHandler(svc *host.Service, o Options) (*Handler, error) {
	if o.Tokens == nil && o.OIDC == nil {
		return nil, socialrx.Invalid(socialrx.Field("/tokens", "required"))
	}
	if o.OIDC != nil && o.OIDC.c.Only {
		o.Tokens = nil
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if err := o.Metrics.watch(svc); err != nil {
		return nil, err
	}
	if o.Ready == nil {
		o.Ready = func(ctx context.Context) error { _, err := svc.OutboxDepth(ctx); return err }
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if u, err := url.Parse(o.PublicURL); o.PublicURL != "" && (err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		return nil, socialrx.Invalid(socialrx.Field("/public_url", "must be an absolute http(s) URL such as https://socialrx.example.org"))
	}
	h := &Handler{svc: svc, tokens: o.Tokens, oidc: o.OIDC, metrics: o.Metrics, metricsPublic: o.MetricsPublic, metricsHere: !o.MetricsElsewhere, ready: o.Ready, logger: o.Logger, publicURL: strings.TrimSuffix(o.PublicURL, "/"),
		byPattern: map[string]route{}, queries: map[string]*queryChecker{}}
	h.mux = http.NewServeMux()
	routes := h.routes()
	for _, rt := range routes {
		pattern := rt.Method + " " + rt.Path
		h.byPattern[pattern] = rt
		qc, err := newQueryChecker(rt)
		if err != nil {
			return nil, err
		}
		h.queries[pattern] = qc
		h.mux.HandleFunc(pattern, h.serve(rt, qc))
	}
	var err error
	if h.openapi, err = openAPI(routes, componentNamer(routes), ""); err != nil {
		return nil, err
	}
	if h.orukOpenAPI, err = openAPI(routes, componentNamer(routes), orukPrefix); err != nil {
		return nil, err
	}
	h.root = logRequests(o.Logger, o.Metrics, http.HandlerFunc(h.route))
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.root.ServeHTTP(w, r) }

// methods are the methods a request may be tried with to find which a path
// allows.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// route serves a request with its route, or answers a path no route has
// (404) or a method the path's routes do not take (405, with Allow) as a
// problem, as every other error.
func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	var allow []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 || (len(allow) == 1 && allow[0] == http.MethodOptions) {
		writeProblem(w, socialrx.Errorf(socialrx.CodeNotFound, "no route %s", r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeProblem(w, &httpError{http.StatusMethodNotAllowed, socialrx.Errorf(socialrx.CodeInvalid, "%s takes %s, not %s", r.URL.Path, strings.Join(allow, ", "), r.Method)})
}

// serve authenticates the caller, checks the query against the route's
// declaration and runs the route.
func (h *Handler) serve(rt route, qc *queryChecker) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			writeProblem(w, err)
			return
		}
		if p.Role == host.RolePublic && !rt.Public {
			writeProblem(w, &httpError{http.StatusUnauthorized, socialrx.Errorf(socialrx.CodeForbidden, "this route needs a bearer token")})
			return
		}
		ctx := r.Context()
		if why := r.Header.Get("X-Purpose"); why != "" {
			if utf8.RuneCountInString(why) > host.MaxPurpose || !utf8.ValidString(why) {
				writeProblem(w, socialrx.Errorf(socialrx.CodeInvalid, "the X-Purpose header must be UTF-8 of at most %d characters", host.MaxPurpose))
				return
			}
			ctx = host.WithReason(ctx, why)
		}
		if err := qc.check(r.URL.RawQuery); err != nil {
			writeProblem(w, err)
			return
		}
		if err := rt.h(&call{w: w, r: r, p: p, ctx: ctx, h: h}); err != nil {
			if statusOf(err) == http.StatusInternalServerError {
				h.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeProblem(w, err)
		}
	}
}

// Routes lists the API's routes as "METHOD /path" patterns, in order.
func (h *Handler) Routes() []string {
	var out []string
	for _, rt := range h.routes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// OpenAPI returns the API's OpenAPI 3.1 document (JSON).
func (h *Handler) OpenAPI() []byte { return append([]byte(nil), h.openapi...) }
