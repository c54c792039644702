package host

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
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
	// Create routes accept an Idempotency-Key; Update routes take If-Match.
	Create, Update bool
	h              func(c *call) error
}

// call is one request being served.
type call struct {
	w   http.ResponseWriter
	r   *http.Request
	p   Principal
	ctx context.Context
	h   *Handler
}

func (c *call) body(v any) error {
	return readBody(c.r, c.h.validator(c.route().Schema), v)
}

func (c *call) route() route { return c.h.byPattern[c.r.Pattern] }

func (c *call) id(name string) string { return c.r.PathValue(name) }

// routes lists every operation of the API.
func (h *Handler) routes() []route {
	s := h.svc
	return append(append(append(h.planRoutes(), h.directoryRoutes()...), h.outcomeRoutes()...), []route{
		{Method: "POST", Path: "/v1/referrals", Summary: "Receive a referral", Body: referral.Referral{}, Schema: "referral", Response: referral.Referral{}, Create: true,
			h: func(c *call) error {
				var in referral.Referral
				if err := c.body(&in); err != nil {
					return err
				}
				r, err := s.CreateReferral(c.ctx, c.p, in, c.r.Header.Get("Idempotency-Key"))
				if err != nil {
					return err
				}
				c.w.Header().Set("Location", "/v1/referrals/"+r.ID)
				writeJSON(c.w, http.StatusCreated, r.Version, r)
				return nil
			}},
		{Method: "GET", Path: "/v1/referrals", Summary: "List referrals (filters: status, owner; cursor paging)", Response: page[referral.Referral]{},
			h: func(c *call) error {
				limit, err := limitOf(c.r)
				if err != nil {
					return err
				}
				q := c.r.URL.Query()
				items, next, err := s.ListReferrals(c.ctx, c.p, referral.Status(q.Get("status")), q.Get("owner"), q.Get("cursor"), limit)
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, 0, page[referral.Referral]{Items: items, NextCursor: next})
				return nil
			}},
		{Method: "GET", Path: "/v1/referrals/{id}", Summary: "Read a referral (a referrer reads the outcome of their own)", Response: referral.Referral{},
			h: func(c *call) error {
				r, o, err := s.GetReferral(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				if o != nil {
					writeJSON(c.w, http.StatusOK, 0, o)
					return nil
				}
				writeJSON(c.w, http.StatusOK, r.Version, r)
				return nil
			}},
		updateReferral("/v1/referrals/{id}/status", "Accept, decline, start, hold, resume, close or re-open a referral", StatusChange{}, "status_change",
			func(c *call, v int64, in StatusChange) (*referral.Referral, error) {
				return s.ChangeReferralStatus(c.ctx, c.p, c.id("id"), v, in.To, in.Reason, in.Note)
			}),
		updateReferral("/v1/referrals/{id}/consents", "Record or withdraw a consent", ConsentChange{}, "consent_change",
			func(c *call, v int64, in ConsentChange) (*referral.Referral, error) {
				return s.RecordConsent(c.ctx, c.p, c.id("id"), v, in.Kind, in.Given, in.Withdraw, in.Scope, in.Note)
			}),
		updateReferral("/v1/referrals/{id}/signposts", "Signpost the person to a directory service", SignpostRequest{}, "signpost_request",
			func(c *call, v int64, in SignpostRequest) (*referral.Referral, error) {
				return s.Signpost(c.ctx, c.p, c.id("id"), v, in.ServiceID, in.Note)
			}),
		updateReferral("/v1/referrals/{id}/signposts/{signpost}/check-in", "Record a signpost's check-in", CheckInRequest{}, "check_in_request",
			func(c *call, v int64, in CheckInRequest) (*referral.Referral, error) {
				return s.CheckIn(c.ctx, c.p, c.id("id"), v, c.id("signpost"), in.Result, in.Note)
			}),
		{Method: "POST", Path: "/v1/referrals/{id}/onward-referrals", Summary: "Refer the person on to a partner's service", Body: OnwardRequest{}, Schema: "onward_request", Response: referral.OnwardReferral{}, Create: true,
			h: func(c *call) error {
				var in OnwardRequest
				if err := c.body(&in); err != nil {
					return err
				}
				o, err := s.CreateOnwardReferral(c.ctx, c.p, c.id("id"), in.ServiceID, in.Partner, in.Needs, in.Note, c.r.Header.Get("Idempotency-Key"))
				if err != nil {
					return err
				}
				c.w.Header().Set("Location", "/v1/onward-referrals/"+o.ID)
				writeJSON(c.w, http.StatusCreated, o.Version, o)
				return nil
			}},
		{Method: "GET", Path: "/v1/onward-referrals", Summary: "List onward referrals (a partner sees its own; filters: partner, status)", Response: page[referral.OnwardReferral]{},
			h: func(c *call) error {
				limit, err := limitOf(c.r)
				if err != nil {
					return err
				}
				q := c.r.URL.Query()
				items, next, err := s.ListOnwardReferrals(c.ctx, c.p, q.Get("partner"), referral.TaskStatus(q.Get("status")), q.Get("cursor"), limit)
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, 0, page[referral.OnwardReferral]{Items: items, NextCursor: next})
				return nil
			}},
		{Method: "GET", Path: "/v1/onward-referrals/{id}", Summary: "Read an onward referral (partner view of the person)", Response: referral.OnwardReferral{},
			h: func(c *call) error {
				o, err := s.GetOnwardReferral(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, o.Version, o)
				return nil
			}},
		updateOnward("/v1/onward-referrals/{id}/status", "Accept, reject, start, hold, complete, fail or cancel an onward referral", TaskChange{}, "task_change",
			func(c *call, v int64, in TaskChange) (*referral.OnwardReferral, error) {
				return s.ChangeOnwardStatus(c.ctx, c.p, c.id("id"), v, in.To, in.Reason, in.Note)
			}),
		updateOnward("/v1/onward-referrals/{id}/attendance", "Report a session attended or missed", AttendanceRequest{}, "attendance_request",
			func(c *call, v int64, in AttendanceRequest) (*referral.OnwardReferral, error) {
				return s.RecordAttendance(c.ctx, c.p, c.id("id"), v, in.Date, in.Attended, in.Note)
			}),
		updateOnward("/v1/onward-referrals/{id}/feedback", "Add feedback", FeedbackRequest{}, "feedback_request",
			func(c *call, v int64, in FeedbackRequest) (*referral.OnwardReferral, error) {
				return s.AddFeedback(c.ctx, c.p, c.id("id"), v, in.Text)
			}),
		{Method: "GET", Path: "/v1/audit", Summary: "Read the audit log (admins)", Response: page[AuditEntry]{},
			h: func(c *call) error {
				limit, err := limitOf(c.r)
				if err != nil {
					return err
				}
				items, next, err := s.Audit(c.ctx, c.p, c.r.URL.Query().Get("cursor"), limit)
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, 0, page[AuditEntry]{Items: items, NextCursor: next})
				return nil
			}},
		{Method: "GET", Path: "/v1/schemas/{name}", Summary: "A published JSON Schema, such as referral.json", Public: true,
			h: func(c *call) error {
				b, ok := Schemas()[trimJSON(c.id("name"))]
				if !ok {
					return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q", c.id("name"))
				}
				c.w.Header().Set("Content-Type", "application/schema+json")
				_, err := c.w.Write(b)
				return err
			}},
		{Method: "GET", Path: "/v1/openapi.json", Summary: "This API's OpenAPI 3.1 document", Public: true,
			h: func(c *call) error {
				c.w.Header().Set("Content-Type", "application/json")
				_, err := c.w.Write(h.openapi)
				return err
			}},
		{Method: "GET", Path: "/healthz", Summary: "Liveness", Public: true,
			h: func(c *call) error { writeJSON(c.w, http.StatusOK, 0, map[string]string{"status": "ok"}); return nil }},
		{Method: "GET", Path: "/readyz", Summary: "Readiness: the plugins answer", Public: true,
			h: func(c *call) error {
				ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
				defer cancel()
				if err := h.ready(ctx); err != nil {
					return socialrx.Errorf(socialrx.CodeUnavailable, "not ready: %v", err)
				}
				writeJSON(c.w, http.StatusOK, 0, map[string]string{"status": "ready"})
				return nil
			}},
		{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics", Public: true,
			h: func(c *call) error { h.metrics.handler(s.o.Store)(c.w, c.r); return nil }},
	}...)
}

// update is a conditional update from a request body: If-Match carries
// the version read, and a stale one is 412.
func update[T, R any](path, summary string, name string, version func(*R) int64, do func(c *call, v int64, in T) (*R, error)) route {
	var body T
	var resp R
	return route{Method: "POST", Path: path, Summary: summary, Body: body, Schema: name, Response: resp, Update: true,
		h: func(c *call) error {
			v, err := ifMatch(c.r)
			if err != nil {
				return err
			}
			var in T
			if err := c.body(&in); err != nil {
				return err
			}
			out, err := do(c, v, in)
			if err != nil {
				return stale(err, v)
			}
			writeJSON(c.w, http.StatusOK, version(out), out)
			return nil
		}}
}

func updateReferral[T any](path, summary string, _ T, name string, do func(c *call, v int64, in T) (*referral.Referral, error)) route {
	return update(path, summary, name, func(r *referral.Referral) int64 { return r.Version }, do)
}

func updateOnward[T any](path, summary string, _ T, name string, do func(c *call, v int64, in T) (*referral.OnwardReferral, error)) route {
	return update(path, summary, name, func(o *referral.OnwardReferral) int64 { return o.Version }, do)
}

func updatePlan[T any](path, summary, name string, do func(c *call, v int64, in T) (*plan.Plan, error)) route {
	return update(path, summary, name, func(p *plan.Plan) int64 { return p.Version }, do)
}

// planRoutes are the routes of plans and caseloads.
func (h *Handler) planRoutes() []route {
	s := h.svc
	upd := func(c *call, v int64, what string, fn func(pl *plan.Plan, now time.Time) error) (*plan.Plan, error) {
		return s.UpdatePlan(c.ctx, c.p, c.id("id"), v, what, fn)
	}
	return []route{
		{Method: "POST", Path: "/v1/referrals/{id}/plans", Summary: "Triage an assessment and make the person's plan", Body: plan.Assessment{}, Schema: "assessment", Response: plan.Plan{}, Create: true,
			h: func(c *call) error {
				var a plan.Assessment
				if err := c.body(&a); err != nil {
					return err
				}
				a.AssessedBy = c.p.ID
				pl, err := s.CreatePlan(c.ctx, c.p, c.id("id"), a, c.r.Header.Get("Idempotency-Key"))
				if err != nil {
					return err
				}
				c.w.Header().Set("Location", "/v1/plans/"+pl.ID)
				writeJSON(c.w, http.StatusCreated, pl.Version, pl)
				return nil
			}},
		{Method: "GET", Path: "/v1/plans/{id}", Summary: "Read a plan", Response: plan.Plan{},
			h: func(c *call) error {
				pl, err := s.GetPlan(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, pl.Version, pl)
				return nil
			}},
		{Method: "GET", Path: "/v1/plans/{id}/summary", Summary: "The person's one-page plan summary (text/plain, or text/html with Accept: text/html)",
			h: func(c *call) error {
				pl, err := s.GetPlan(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				sum := plan.NewSummary(pl, s.now())
				if strings.Contains(c.r.Header.Get("Accept"), "text/html") {
					html, err := sum.HTML()
					if err != nil {
						return err
					}
					c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
					_, err = io.WriteString(c.w, html)
					return err
				}
				c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, err = io.WriteString(c.w, sum.Text())
				return err
			}},
		updatePlan("/v1/plans/{id}/triage", "Triage again; the level may go up or down", "assessment", func(c *call, v int64, a plan.Assessment) (*plan.Plan, error) {
			a.AssessedBy = c.p.ID
			return upd(c, v, "triage", func(pl *plan.Plan, now time.Time) error { _, err := pl.Retriage(a, s.rules(), now); return err })
		}),
		updatePlan("/v1/plans/{id}/goals", "Add a goal in the person's words", "goal_request", func(c *call, v int64, in GoalRequest) (*plan.Plan, error) {
			return upd(c, v, "goal", func(pl *plan.Plan, now time.Time) error { _, err := pl.AddGoal(in.Text, in.Need, now); return err })
		}),
		updatePlan("/v1/plans/{id}/contacts", "Record a contact against the budget (recorded as the caller's)", "contact", func(c *call, v int64, in plan.Contact) (*plan.Plan, error) {
			in.By = c.p.ID
			return upd(c, v, "contact", func(pl *plan.Plan, now time.Time) error { return pl.AddContact(in, now) })
		}),
		updatePlan("/v1/plans/{id}/budget", "Extend the contact budget with a reason", "extension_request", func(c *call, v int64, in ExtensionRequest) (*plan.Plan, error) {
			return upd(c, v, "extend", func(pl *plan.Plan, now time.Time) error { return pl.ExtendBudget(in.Contacts, in.Reason, c.p.ID, now) })
		}),
		updatePlan("/v1/plans/{id}/status", "Pause, resume or close a plan", "plan_status_change", func(c *call, v int64, in PlanStatusChange) (*plan.Plan, error) {
			return upd(c, v, in.Action, func(pl *plan.Plan, now time.Time) error {
				switch in.Action {
				case "pause":
					return pl.Pause(in.PauseReason, in.Note, c.p.ID, now)
				case "resume":
					return pl.Resume(c.p.ID, now)
				}
				return pl.Close(in.CloseReason, in.Note, c.p.ID, now)
			})
		}),
		{Method: "GET", Path: "/v1/caseload", Summary: "The calling link worker's caseload", Response: plan.Caseload{},
			h: func(c *call) error {
				cl, err := s.Caseload(c.ctx, c.p)
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusOK, 0, cl)
				return nil
			}},
	}
}
