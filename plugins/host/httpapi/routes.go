package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// route is one operation of the HTTP API. The same table registers the
// handlers, generates the OpenAPI document and drives the tests.
type route struct {
	Method, Path string
	Summary      string
	// Public routes need no token.
	Public bool
	// Body is the request body type (nil for none) and Schema its published
	// schema's name; Response is the response body type.
	Body     any
	Schema   string
	Response any
	// OrResponse is another type the response body may be, for routes
	// that answer some callers with a narrower view.
	OrResponse any
	// RawBody routes read a JSON object of their own kind (an ORUK
	// document), as large as MaxImportBytes, not validated before the
	// handler reads it.
	RawBody bool
	// Create routes accept an Idempotency-Key; Update routes take If-Match.
	Create, Update bool
	// Query are the query parameters the route takes; any other is
	// refused with 400.
	Query []param
	// Media are the response's media types when it is not JSON (or not
	// only JSON), each with the schema of its body ("" for text).
	Media map[string]any
	// Status is the success status, when not 200 (or 201 for Create).
	Status int
	// Static routes answer from what the handler holds (the OpenAPI
	// document, the schemas, liveness): never 503.
	Static bool
	// Problems are problem statuses the route answers beyond those its
	// other fields imply (see problemStatuses).
	Problems []int
	h        func(c *call) error
}

// call is one request being served.
type call struct {
	w   http.ResponseWriter
	r   *http.Request
	p   host.Principal
	ctx context.Context
	h   *Handler
}

// body reads the request body into v, validated as the route's schema
// names it by the one validation the command line's validate runs too
// ([host.Service.Validate]).
func (c *call) body(v any) error {
	name := c.h.byPattern[c.r.Pattern].Schema
	return readBody(c.r, func(doc []byte) error { return c.h.svc.Validate(name, doc) }, v)
}

func (c *call) id(name string) string { return c.r.PathValue(name) }

// key is the client's Idempotency-Key.
func (c *call) key() string { return c.r.Header.Get("Idempotency-Key") }

// page reads the cursor and limit query parameters (pageQuery).
func (c *call) page() host.Page {
	return host.Page{Cursor: c.str("cursor"), Limit: c.integer("limit")}
}

// pageQuery are the query parameters of cursor paging.
var pageQuery = []param{
	intParam("limit", "The most items to return, 1 to 1000 (default 100).", 1, 1000),
	strParam("cursor", "Continues a list from the next_cursor of its previous page.", 1024),
}

// created writes a new record with its Location and ETag.
func (c *call) created(location string, version int64, v any) error {
	c.w.Header().Set("Location", location)
	writeJSON(c.w, http.StatusCreated, version, v)
	return nil
}

// ok writes v with status 200 and, when version > 0, its ETag.
func (c *call) ok(version int64, v any) error {
	writeJSON(c.w, http.StatusOK, version, v)
	return nil
}

// routes lists every operation of the API.
func (h *Handler) routes() []route {
	var all []route
	for _, area := range [][]route{h.referralRoutes(), h.planRoutes(), h.directoryRoutes(), h.outcomeRoutes(), h.privacyRoutes(), h.systemRoutes(), h.deadLetterRoutes(), schemaRoutes()} {
		all = append(all, area...)
	}
	return all
}

// update is a conditional update from a request body: If-Match carries
// the version read, and a stale one is 412.
func update[T, R any](path, summary, schemaName string, version func(*R) int64, do func(c *call, t host.Target, in T) (*R, error)) route {
	var body T
	var resp R
	return route{Method: "POST", Path: path, Summary: summary, Body: body, Schema: schemaName, Response: resp, Update: true,
		h: func(c *call) error {
			v, err := ifMatch(c.r)
			if err != nil {
				return err
			}
			var in T
			if err := c.body(&in); err != nil {
				return err
			}
			out, err := do(c, host.Target{ID: c.id("id"), Version: v}, in)
			if err != nil {
				return stale(err, v)
			}
			return c.ok(version(out), out)
		}}
}

// list is a GET of a page of items in the list envelope, with cursor
// paging and the filters in query.
func list[T any](path, summary string, query []param, get func(c *call, pg host.Page) ([]T, string, error)) route {
	return route{Method: "GET", Path: path, Summary: summary, Response: List[T]{}, Query: append(append([]param(nil), query...), pageQuery...),
		h: func(c *call) error {
			items, next, err := get(c, c.page())
			if err != nil {
				return err
			}
			return c.ok(0, List[T]{Items: items, NextCursor: next})
		}}
}

// systemRoutes are the audit log, the published schemas and OpenAPI
// document, and health, readiness and metrics.
func (h *Handler) systemRoutes() []route {
	s := h.svc
	rs := []route{
		list("/v1/audit", "Read the audit log (admins)", nil, func(c *call, pg host.Page) ([]host.AuditEntry, string, error) {
			return s.Audit(c.ctx, c.p, pg)
		}),
		{Method: "GET", Path: "/v1/schemas/{name}", Summary: "A published JSON Schema, such as referral.json", Public: true, Static: true,
			Media: map[string]any{"application/schema+json": map[string]any{"type": "object"}},
			h: func(c *call) error {
				b, ok := host.Schemas()[host.SchemaName(c.id("name"))]
				if !ok {
					return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q", c.id("name"))
				}
				c.w.Header().Set("Content-Type", "application/schema+json")
				_, err := c.w.Write(b)
				return err
			}},
		{Method: "GET", Path: "/v1/openapi.json", Summary: "This API's OpenAPI 3.1 document", Public: true, Static: true,
			Media: map[string]any{"application/json": map[string]any{"type": "object"}},
			h: func(c *call) error {
				c.w.Header().Set("Content-Type", "application/json")
				_, err := c.w.Write(h.openapi)
				return err
			}},
		{Method: "GET", Path: "/healthz", Summary: "Liveness", Public: true, Static: true, Response: Health{},
			h: func(c *call) error { return c.ok(0, Health{Status: "ok"}) }},
		{Method: "GET", Path: "/readyz", Summary: "Readiness: the plugins answer and, under socialrx serve, the directory is in memory", Public: true, Response: Health{},
			h: func(c *call) error {
				ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
				defer cancel()
				if err := h.ready(ctx); err != nil {
					h.logger.Warn("not ready", "err", err)
					return socialrx.Errorf(socialrx.CodeUnavailable, "not ready")
				}
				return c.ok(0, Health{Status: "ready"})
			}},
	}
	if h.metricsHere {
		rs = append(rs, route{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics (admins, unless configured public)", Public: h.metricsPublic,
			Media: map[string]any{"text/plain": ""},
			h: func(c *call) error {
				if !h.metricsPublic && c.p.Role != referral.RoleAdmin {
					return socialrx.Errorf(socialrx.CodeForbidden, "only admins may read the metrics")
				}
				h.metrics.Handler().ServeHTTP(c.w, c.r)
				return nil
			}})
	}
	return rs
}

// Health is the answer of /healthz and /readyz.
type Health struct {
	// Status is "ok" (live) or "ready".
	Status string `json:"status" jsonschema:"enum=ok,enum=ready"`
}
