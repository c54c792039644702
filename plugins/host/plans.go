package host

import (
	"context"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// linkWorkerOf returns how a person reaches the link worker behind a
// principal: their configured details, else the team's address under the
// principal's id. With neither, plan.New refuses the plan, naming the
// missing contact.
func (s *Service) linkWorkerOf(p Principal) plan.LinkWorker {
	if lw, ok := s.o.LinkWorkers[p.ID]; ok {
		return lw
	}
	return plan.LinkWorker{ID: p.ID, Name: p.ID, Email: s.o.Team.Address}
}

func (s *Service) rules() *plan.RuleSet {
	if s.o.RuleSet != nil {
		return s.o.RuleSet
	}
	return plan.DefaultRules()
}

func planDoc(p *plan.Plan, person string) plugins.Document {
	return plugins.Document{Kind: plugins.KindPlan, ID: p.ID, Version: p.Version, Status: string(p.Status),
		Owner: p.LinkWorker.ID, Person: person, Data: mustJSON(p)}
}

// CreatePlan triages the person's assessment with the service's rule set
// and makes their plan, owned by the link worker who calls. The referral
// must be accepted or active. Codes: forbidden, not_found, invalid, unavailable.
func (s *Service) CreatePlan(ctx context.Context, p Principal, referralID string, a plan.Assessment, idempotencyKey string) (*plan.Plan, error) {
	if err := forbid(p, "make plans", staff...); err != nil {
		return nil, err
	}
	r, d, err := s.loadReferral(ctx, referralID)
	if err != nil {
		return nil, err
	}
	if r.Status != referral.StatusAccepted && r.Status != referral.StatusActive {
		return nil, socialrx.Invalid(socialrx.Field("/status", "a plan is made for an accepted or active referral; this one is %s", r.Status))
	}
	now := s.now()
	res, err := plan.Triage(a, s.rules())
	if err != nil {
		return nil, err
	}
	pl, err := plan.New(plan.Start{ID: newID(), ReferralID: r.ID, ReferralDate: socialrx.DateOf(r.ReceivedAt), PersonName: r.Person.Name(),
		LinkWorker: s.linkWorkerOf(p), Triage: res, By: p.ID}, now)
	if err != nil {
		return nil, err
	}
	var stored plan.Plan
	err = s.create(ctx, p, idempotencyKey, []any{referralID, a}, plugins.Write{Document: planDoc(pl, d.Person),
		Events: []plugins.Event{{Type: "plan.created", Actor: p.ID, At: now, Data: mustJSON(res)}},
		Outbox: []plugins.OutboxMessage{event("plan:"+pl.ID+":created", "plan.created", map[string]any{"plan_id": pl.ID, "referral_id": r.ID, "level": res.Level, "pathway": res.Pathway})}}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// GetPlan returns a plan to link workers and admins. Codes: forbidden,
// not_found, unavailable.
func (s *Service) GetPlan(ctx context.Context, p Principal, id string) (*plan.Plan, error) {
	if err := forbid(p, "read plans", staff...); err != nil {
		return nil, err
	}
	var pl plan.Plan
	d, err := s.o.Store.Get(ctx, plugins.KindPlan, id)
	if err != nil {
		return nil, err
	}
	if err := decodeDoc(d, &pl); err != nil {
		return nil, err
	}
	return &pl, s.audit(ctx, p, "read", plugins.KindPlan, id)
}

// UpdatePlan loads a plan, applies fn and stores it compare-and-swapped on
// version. Codes: forbidden, not_found, conflict, invalid, unavailable.
func (s *Service) UpdatePlan(ctx context.Context, p Principal, id string, version int64, what string, fn func(pl *plan.Plan, now time.Time) error) (*plan.Plan, error) {
	if err := forbid(p, what, staff...); err != nil {
		return nil, err
	}
	return updateDoc(ctx, s, p, plugins.KindPlan, id, version, what, func(plugins.Document) error { return nil },
		func(pl *plan.Plan, d plugins.Document, now time.Time) (plugins.Write, error) {
			if err := fn(pl, now); err != nil {
				return plugins.Write{}, err
			}
			return plugins.Write{Document: planDoc(pl, d.Person), Events: []plugins.Event{{Type: "plan." + what, Actor: p.ID, At: now}}}, nil
		})
}

// Caseload summarises the calling link worker's open plans. Codes:
// forbidden, unavailable.
func (s *Service) Caseload(ctx context.Context, p Principal) (plan.Caseload, error) {
	if err := forbid(p, "read a caseload", referral.RoleLinkWorker); err != nil {
		return plan.Caseload{}, err
	}
	var plans []plan.Plan
	cursor := ""
	for {
		pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindPlan, Owner: p.ID, Cursor: cursor, Limit: 500})
		if err != nil {
			return plan.Caseload{}, err
		}
		for _, d := range pg.Documents {
			var pl plan.Plan
			if err := decodeDoc(d, &pl); err != nil {
				return plan.Caseload{}, err
			}
			if pl.Status != plan.StatusClosed {
				plans = append(plans, pl)
			}
		}
		if cursor = pg.Next; cursor == "" {
			break
		}
	}
	return plan.Summarise(plans, s.o.Caseload, s.now())
}

// auditWrite records a write in the audit log; the write already stands,
// so a failure is logged rather than returned.
func (s *Service) auditWrite(ctx context.Context, p Principal, action string, kind plugins.Kind, id string) {
	if err := s.audit(ctx, p, action, kind, id); err != nil {
		s.o.Logger.Error("audit write failed", "action", action, "kind", kind, "id", id, "err", err)
	}
}
