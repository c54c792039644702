package httpapi

import (
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

func updateReferral[T any](path, summary, schemaName string, do func(c *call, t host.Target, in T) (*referral.Referral, error)) route {
	return update(path, summary, schemaName, func(r *referral.Referral) int64 { return r.Version }, do)
}

func updateOnward[T any](path, summary, schemaName string, do func(c *call, t host.Target, in T) (*referral.OnwardReferral, error)) route {
	return update(path, summary, schemaName, func(o *referral.OnwardReferral) int64 { return o.Version }, do)
}

// referralRoutes are the routes of referrals, their consents and
// signposts, and onward referrals to partners.
func (h *Handler) referralRoutes() []route {
	s := h.svc
	return []route{
		{Method: "POST", Path: "/v1/referrals", Summary: "Receive a referral", Body: referral.Referral{}, Schema: "referral", Response: referral.Referral{}, Create: true,
			h: func(c *call) error {
				var in referral.Referral
				if err := c.body(&in); err != nil {
					return err
				}
				r, err := s.CreateReferral(c.ctx, c.p, in, c.key())
				if err != nil {
					return err
				}
				return c.created("/v1/referrals/"+r.ID, r.Version, r)
			}},
		list("/v1/referrals", "List referrals (filters: status, owner; cursor paging)", []param{
			strParam("status", "Keeps referrals in this status.", 0, referral.Status("").EnumValues()...),
			strParam("owner", "Keeps referrals owned by this link worker (token id).", 200),
		}, func(c *call, pg host.Page) ([]referral.Referral, string, error) {
			return s.ListReferrals(c.ctx, c.p, host.ReferralQuery{Status: referral.Status(c.str("status")), Owner: c.str("owner"), Page: pg})
		}),
		{Method: "GET", Path: "/v1/referrals/{id}", Summary: "Read a referral (a referrer reads the outcome of their own)", Response: referral.Referral{}, OrResponse: host.Outcome{},
			h: func(c *call) error {
				r, o, err := s.GetReferral(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				if o != nil {
					return c.ok(0, o)
				}
				return c.ok(r.Version, r)
			}},
		updateReferral("/v1/referrals/{id}/status", "Accept, decline, start, hold, resume, close or re-open a referral", "status_change",
			func(c *call, t host.Target, in host.StatusChange) (*referral.Referral, error) {
				return s.ChangeReferralStatus(c.ctx, c.p, t, in)
			}),
		updateReferral("/v1/referrals/{id}/consents", "Record or withdraw a consent", "consent_change",
			func(c *call, t host.Target, in host.ConsentChange) (*referral.Referral, error) {
				return s.RecordConsent(c.ctx, c.p, t, in)
			}),
		updateReferral("/v1/referrals/{id}/signposts", "Signpost the person to a directory service", "signpost_request",
			func(c *call, t host.Target, in host.SignpostRequest) (*referral.Referral, error) {
				return s.Signpost(c.ctx, c.p, t, in)
			}),
		updateReferral("/v1/referrals/{id}/signposts/{signpost}/check-in", "Record a signpost's check-in", "check_in_request",
			func(c *call, t host.Target, in host.CheckInRequest) (*referral.Referral, error) {
				return s.CheckIn(c.ctx, c.p, t, c.id("signpost"), in)
			}),
		{Method: "POST", Path: "/v1/referrals/{id}/onward-referrals", Summary: "Refer the person on to a partner's service", Body: host.OnwardRequest{}, Schema: "onward_request", Response: referral.OnwardReferral{}, Create: true,
			h: func(c *call) error {
				var in host.OnwardRequest
				if err := c.body(&in); err != nil {
					return err
				}
				o, err := s.CreateOnwardReferral(c.ctx, c.p, c.id("id"), in, c.key())
				if err != nil {
					return err
				}
				return c.created("/v1/onward-referrals/"+o.ID, o.Version, o)
			}},
		list("/v1/onward-referrals", "List onward referrals (a partner sees its own; filters: partner, status)", []param{
			strParam("partner", "Keeps onward referrals addressed to this partner organisation.", 200),
			strParam("status", "Keeps onward referrals in this status.", 0, referral.TaskStatus("").EnumValues()...),
		}, func(c *call, pg host.Page) ([]referral.OnwardReferral, string, error) {
			return s.ListOnwardReferrals(c.ctx, c.p, host.OnwardQuery{Partner: c.str("partner"), Status: referral.TaskStatus(c.str("status")), Page: pg})
		}),
		{Method: "GET", Path: "/v1/onward-referrals/{id}", Summary: "Read an onward referral (partner view of the person)", Response: referral.OnwardReferral{},
			h: func(c *call) error {
				o, err := s.GetOnwardReferral(c.ctx, c.p, c.id("id"))
				if err != nil {
					return err
				}
				return c.ok(o.Version, o)
			}},
		updateOnward("/v1/onward-referrals/{id}/status", "Accept, reject, start, hold, complete, fail or cancel an onward referral", "task_change",
			func(c *call, t host.Target, in host.TaskChange) (*referral.OnwardReferral, error) {
				return s.ChangeOnwardStatus(c.ctx, c.p, t, in)
			}),
		updateOnward("/v1/onward-referrals/{id}/attendance", "Report a session attended or missed", "attendance_request",
			func(c *call, t host.Target, in host.AttendanceRequest) (*referral.OnwardReferral, error) {
				return s.RecordAttendance(c.ctx, c.p, t, in)
			}),
		updateOnward("/v1/onward-referrals/{id}/feedback", "Add feedback", "feedback_request",
			func(c *call, t host.Target, in host.FeedbackRequest) (*referral.OnwardReferral, error) {
				return s.AddFeedback(c.ctx, c.p, t, in)
			}),
	}
}
