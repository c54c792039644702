package httpapi

import (
	"net/http"

	"github.com/socialrx/socialrx/plugins/host"
)

// privacyRoutes are an admin's data-protection duties: answering a subject
// access request and erasing a person's data on request. The person is
// named in the body, not the path, so their NHS number stays out of access
// logs.
func (h *Handler) privacyRoutes() []route {
	s := h.svc
	return []route{
		{Method: "POST", Path: "/v1/admin/subject-access", Summary: "Export everything held about a person, by NHS number or referral id (admins; audited)",
			Body: host.Subject{}, Schema: "subject_request", Response: host.SubjectAccess{}, Problems: []int{http.StatusNotFound},
			h: func(c *call) error {
				var in host.Subject
				if err := c.body(&in); err != nil {
					return err
				}
				out, err := s.SubjectAccess(c.ctx, c.p, in)
				if err != nil {
					return err
				}
				return c.ok(0, out)
			}},
		{Method: "POST", Path: "/v1/admin/erasure", Summary: "Erase everything held about a person, by NHS number or referral id (admins; audited)",
			Body: host.Subject{}, Schema: "subject_request", Response: host.Erased{}, Problems: []int{http.StatusNotFound},
			h: func(c *call) error {
				var in host.Subject
				if err := c.body(&in); err != nil {
					return err
				}
				out, err := s.Erase(c.ctx, c.p, in)
				if err != nil {
					return err
				}
				return c.ok(0, out)
			}},
	}
}
