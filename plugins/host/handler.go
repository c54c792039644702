package host

import (
	"context"
	"embed"
	"log/slog"
	"maps"
	"net/http"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

//go:embed schemas/*.schema.json
var requestSchemas embed.FS

// RequestTypes returns the request bodies the host defines, by schema name.
func RequestTypes() map[string]any { return requestTypes }

var requestTypes = map[string]any{
	"status_change":       StatusChange{},
	"consent_change":      ConsentChange{},
	"signpost_request":    SignpostRequest{},
	"check_in_request":    CheckInRequest{},
	"onward_request":      OnwardRequest{},
	"task_change":         TaskChange{},
	"attendance_request":  AttendanceRequest{},
	"feedback_request":    FeedbackRequest{},
	"goal_request":        GoalRequest{},
	"plan_status_change":  PlanStatusChange{},
	"extension_request":   ExtensionRequest{},
	"directory_query":     directory.Query{},
	"match_request":       MatchRequest{},
	"measurement_request": MeasurementRequest{},
}

// Schemas returns every published JSON Schema by name: the domain
// aggregates and the API's request bodies.
func Schemas() map[string][]byte {
	m := map[string][]byte{}
	for _, d := range domains {
		maps.Copy(m, d.schemas())
	}
	for name := range requestTypes {
		b, err := requestSchemas.ReadFile("schemas/" + name + ".schema.json")
		if err != nil {
			panic("host: missing committed schema " + name)
		}
		m[name] = b
	}
	return m
}

func trimJSON(name string) string {
	return strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".schema")
}

// HandlerOptions configure the HTTP API.
type HandlerOptions struct {
	// Tokens authenticate callers. Required.
	Tokens *Tokens
	// Metrics collects request metrics; nil makes new ones.
	Metrics *Metrics
	// Ready reports whether the plugins answer; nil is always ready.
	Ready func(ctx context.Context) error
	// Logger logs requests at debug level; nil discards.
	Logger *slog.Logger
}

// Handler serves the HTTP API of a [Service].
type Handler struct {
	svc        *Service
	tokens     *Tokens
	metrics    *Metrics
	ready      func(context.Context) error
	validators map[string]*schema.Validator
	byPattern  map[string]route
	openapi    []byte
	mux        *http.ServeMux
	root       http.Handler
}

// NewHandler returns the HTTP API over svc. Codes: invalid (no tokens).
func NewHandler(svc *Service, o HandlerOptions) (*Handler, error) {
	if o.Tokens == nil {
		return nil, socialrx.Invalid(socialrx.Field("/tokens", "required"))
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.Ready == nil {
		o.Ready = func(context.Context) error { return nil }
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: svc, tokens: o.Tokens, metrics: o.Metrics, ready: o.Ready,
		validators: map[string]*schema.Validator{}, byPattern: map[string]route{}, mux: http.NewServeMux()}
	for name, b := range Schemas() {
		h.validators[name] = schema.MustCompile(name+".schema.json", b)
	}
	routes := h.routes()
	for _, rt := range routes {
		pattern := rt.Method + " " + rt.Path
		h.byPattern[pattern] = rt
		h.mux.HandleFunc(pattern, h.serve(rt))
	}
	var err error
	if h.openapi, err = openAPI(routes); err != nil {
		return nil, err
	}
	h.root = logRequests(o.Logger, o.Metrics, h.mux)
	return h, nil
}

func (h *Handler) validator(name string) *schema.Validator { return h.validators[name] }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.root.ServeHTTP(w, r) }

// serve authenticates the caller and runs the route.
func (h *Handler) serve(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.tokens.Authenticate(r.Header.Get("Authorization"))
		if !ok {
			writeProblem(w, &httpError{http.StatusUnauthorized, socialrx.Errorf(socialrx.CodeForbidden, "the bearer token is not valid")})
			return
		}
		if p.Role == RolePublic && !rt.Public {
			writeProblem(w, &httpError{http.StatusUnauthorized, socialrx.Errorf(socialrx.CodeForbidden, "this route needs a bearer token")})
			return
		}
		ctx := r.Context()
		if why := r.Header.Get("X-Purpose"); why != "" {
			ctx = WithReason(ctx, why)
		}
		if err := rt.h(&call{w: w, r: r, p: p, ctx: ctx, h: h}); err != nil {
			if statusOf(err) == http.StatusInternalServerError {
				h.svc.o.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeProblem(w, err)
		}
	}
}

// Routes lists the API's routes as "METHOD /path" patterns, in order.
func Routes(h *Handler) []string {
	var out []string
	for _, rt := range h.routes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// PluginProtocol is the plugin protocol version this host speaks.
const PluginProtocol = plugins.ProtocolVersion

// Validator returns the check for documents of a published schema: the
// schema itself and, for domain aggregates, the domain's own rules (an NHS
// number's check digit, consents …). Codes: not_found (no such schema).
func Validator(name string) (func([]byte) error, error) {
	name = trimJSON(name)
	if f := domainValidator(name); f != nil {
		return f, nil
	}
	b, ok := Schemas()[name]
	if !ok {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "no schema %q", name)
	}
	return schema.MustCompile(name+".schema.json", b).Validate, nil
}

// domains are the domain packages whose published schemas the host
// serves, each with the check of its documents.
var domains = []struct {
	schemas    func() map[string][]byte
	validateAs func(name string, doc []byte) error
}{
	{referral.Schemas, referral.ValidateAs},
	{plan.Schemas, plan.ValidateAs},
	{directory.Schemas, directory.ValidateAs},
	{outcomes.Schemas, outcomes.ValidateAs},
}

// domainValidator returns the check of the domain package that publishes
// the named schema, or nil when none does.
func domainValidator(name string) func([]byte) error {
	for _, d := range domains {
		if _, ok := d.schemas()[name]; ok {
			return func(doc []byte) error { return d.validateAs(name, doc) }
		}
	}
	return nil
}
