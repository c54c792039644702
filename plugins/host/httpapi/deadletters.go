package httpapi

import (
	"net/http"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
)

// deadLetterRoutes let admins see the outbox messages whose delivery
// failed for the last time, and send them again. Their payloads may hold
// personal data: admins only, every read audited.
func (h *Handler) deadLetterRoutes() []route {
	s := h.svc
	return []route{
		{Method: "GET", Path: "/v1/admin/dead-letters", Summary: "List dead-lettered outbox messages (admins)", Response: List[host.DeadLetter]{},
			Query: []param{
				intParam("limit", "The most dead letters to return, 1 to 100 (default 50).", 1, plugins.MaxDeadLetterPage),
				pageQuery[1],
			},
			h: func(c *call) error {
				items, next, err := s.DeadLetters(c.ctx, c.p, c.page())
				if err != nil {
					return err
				}
				return c.ok(0, List[host.DeadLetter]{Items: items, NextCursor: next})
			}},
		{Method: "GET", Path: "/v1/admin/dead-letters/{id}", Summary: "Read one dead-lettered outbox message (admins)", Response: host.DeadLetter{},
			h: func(c *call) error {
				m, err := s.DeadLetter(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				return c.ok(0, m)
			}},
		{Method: "POST", Path: "/v1/admin/dead-letters/{id}/redrive", Summary: "Queue a dead-lettered message for delivery again, its attempts reset (admins)",
			Response: host.DeadLetter{}, Problems: []int{http.StatusConflict},
			h: func(c *call) error {
				m, err := s.RedriveDeadLetter(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				return c.ok(0, m)
			}},
	}
}
