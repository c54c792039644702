package httpapi

import (
	"io"
	"strings"

	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/host"
)

func updatePlan[T any](path, summary, schemaName string, do func(c *call, t host.Target, in T) (*plan.Plan, error)) route {
	return update(path, summary, schemaName, func(p *plan.Plan) int64 { return p.Version }, do)
}

// planRoutes are the routes of plans and caseloads.
func (h *Handler) planRoutes() []route {
	s := h.svc
	return []route{
		{Method: "POST", Path: "/v1/referrals/{id}/plans", Summary: "Triage an assessment and make the person's plan", Body: plan.Assessment{}, Schema: "assessment", Response: plan.Plan{}, Create: true,
			h: func(c *call) error {
				var a plan.Assessment
				if err := c.body(&a); err != nil {
					return err
				}
				pl, err := s.CreatePlan(c.ctx, c.p, c.id("id"), a, c.key())
				if err != nil {
					return err
				}
				return c.created("/v1/plans/"+pl.ID, pl.Version, pl)
			}},
		{Method: "GET", Path: "/v1/plans/{id}", Summary: "Read a plan", Response: plan.Plan{},
			h: func(c *call) error {
				pl, err := s.GetPlan(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				return c.ok(pl.Version, pl)
			}},
		{Method: "GET", Path: "/v1/plans/{id}/summary", Summary: "The person's one-page plan summary (text/plain, or text/html with Accept: text/html)",
			Media: map[string]any{"text/plain": "", "text/html": ""},
			h: func(c *call) error {
				sum, err := s.PlanSummary(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
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
		updatePlan("/v1/plans/{id}/triage", "Triage again; the level may go up or down", "assessment", func(c *call, t host.Target, a plan.Assessment) (*plan.Plan, error) {
			return s.Retriage(c.ctx, c.p, t, a)
		}),
		updatePlan("/v1/plans/{id}/goals", "Add a goal in the person's words", "goal_request", func(c *call, t host.Target, in host.GoalRequest) (*plan.Plan, error) {
			return s.AddGoal(c.ctx, c.p, t, in)
		}),
		updatePlan("/v1/plans/{id}/contacts", "Record a contact against the budget (recorded as the caller's)", "contact", func(c *call, t host.Target, in plan.Contact) (*plan.Plan, error) {
			return s.AddContact(c.ctx, c.p, t, in)
		}),
		updatePlan("/v1/plans/{id}/budget", "Extend the contact budget with a reason", "extension_request", func(c *call, t host.Target, in host.ExtensionRequest) (*plan.Plan, error) {
			return s.ExtendBudget(c.ctx, c.p, t, in)
		}),
		updatePlan("/v1/plans/{id}/status", "Pause, resume or close a plan", "plan_status_change", func(c *call, t host.Target, in host.PlanStatusChange) (*plan.Plan, error) {
			return s.ChangePlanStatus(c.ctx, c.p, t, in)
		}),
		{Method: "GET", Path: "/v1/caseload", Summary: "The calling link worker's caseload", Response: plan.Caseload{},
			h: func(c *call) error {
				cl, err := s.Caseload(c.ctx, c.p)
				if err != nil {
					return err
				}
				return c.ok(0, cl)
			}},
	}
}
