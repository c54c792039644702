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

func (s *Service) planDoc(p *plan.Plan, person, team string) plugins.Document {
	return plugins.Document{Kind: plugins.KindPlan, ID: p.ID, Version: p.Version, Status: string(p.Status),
		Owner: p.LinkWorker.ID, Person: person, Team: team, Data: s.encode(plugins.KindPlan, p)}
}

// CreatePlan triages the person's assessment with the service's rule set
// and makes their plan, owned by the link worker who calls (who is also
// recorded as the assessor). The referral
// must be accepted or active. Codes: forbidden, not_found, invalid, unavailable.
func (s *Service) CreatePlan(ctx context.Context, p Principal, referralID string, a plan.Assessment, idempotencyKey string) (*plan.Plan, error) {
	if err := forbid(p, "make plans", staff...); err != nil {
		return nil, s.denied(ctx, p, "make_plan", plugins.KindReferral, referralID, err)
	}
	a.AssessedBy = p.ID
	r, d, err := s.loadReferral(ctx, referralID)
	if err != nil {
		return nil, err
	}
	if err := s.reachCase(ctx, p, d, "make_plan"); err != nil {
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
	err = s.create(ctx, p, idempotencyKey, []any{referralID, a}, plugins.Write{Document: s.planDoc(pl, d.Person, d.Team),
		Events: []plugins.Event{{Type: "plan.created", Actor: p.ID, At: now, Data: mustJSON(res)}},
		Outbox: []plugins.OutboxMessage{event("plan:"+pl.ID+":created", "plan.created", map[string]any{"plan_id": pl.ID, "referral_id": r.ID, "level": res.Level, "pathway": res.Pathway})}}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// GetPlan returns a plan to link workers of its team and admins. Codes:
// forbidden, not_found, unavailable.
func (s *Service) GetPlan(ctx context.Context, p Principal, id string) (*plan.Plan, error) {
	if err := forbid(p, "read plans", staff...); err != nil {
		return nil, s.denied(ctx, p, "read", plugins.KindPlan, id, err)
	}
	var pl plan.Plan
	d, err := s.o.Store.Get(ctx, plugins.KindPlan, id)
	if err != nil {
		return nil, err
	}
	if err := s.reachCase(ctx, p, d, "read"); err != nil {
		return nil, err
	}
	if err := s.decodeDoc(d, &pl); err != nil {
		return nil, err
	}
	return &pl, s.audit(ctx, p, "read", plugins.KindPlan, id)
}

// PlanSummary is the person's one-page summary of a plan, as it stands now
// (text, or accessible HTML). Codes: those of [Service.GetPlan].
func (s *Service) PlanSummary(ctx context.Context, p Principal, id string) (plan.Summary, error) {
	pl, err := s.GetPlan(ctx, p, id)
	if err != nil {
		return plan.Summary{}, err
	}
	return plan.NewSummary(pl, s.now()), nil
}

// UpdatePlan loads the target plan, applies fn and stores it
// compare-and-swapped on the target's version; what names the change in
// the plan's events and the audit log. Codes: forbidden, not_found,
// conflict, invalid, unavailable.
func (s *Service) UpdatePlan(ctx context.Context, p Principal, t Target, what string, fn func(pl *plan.Plan, now time.Time) error) (*plan.Plan, error) {
	if err := forbid(p, what, staff...); err != nil {
		return nil, s.denied(ctx, p, what, plugins.KindPlan, t.ID, err)
	}
	return updateDoc(ctx, s, p, plugins.KindPlan, t, what, func(d plugins.Document) error { return s.reachCase(ctx, p, d, what) },
		func(pl *plan.Plan, d plugins.Document, now time.Time) (plugins.Write, error) {
			if err := fn(pl, now); err != nil {
				return plugins.Write{}, err
			}
			return plugins.Write{Document: s.planDoc(pl, d.Person, d.Team), Events: []plugins.Event{{Type: "plan." + what, Actor: p.ID, At: now}}}, nil
		})
}

// Retriage triages the person again with the service's rule set, as
// assessed by the principal; the level may go up or down. See [Service.UpdatePlan].
func (s *Service) Retriage(ctx context.Context, p Principal, t Target, a plan.Assessment) (*plan.Plan, error) {
	a.AssessedBy = p.ID
	return s.UpdatePlan(ctx, p, t, "triage", func(pl *plan.Plan, now time.Time) error {
		_, err := pl.Retriage(a, s.rules(), now)
		return err
	})
}

// AddGoal adds a goal in the person's words. See [Service.UpdatePlan].
func (s *Service) AddGoal(ctx context.Context, p Principal, t Target, in GoalRequest) (*plan.Plan, error) {
	return s.UpdatePlan(ctx, p, t, "goal", func(pl *plan.Plan, now time.Time) error {
		_, err := pl.AddGoal(in.Text, in.Need, now)
		return err
	})
}

// AddContact records a contact against the plan's budget, as the
// principal's. See [Service.UpdatePlan].
func (s *Service) AddContact(ctx context.Context, p Principal, t Target, c plan.Contact) (*plan.Plan, error) {
	c.By = p.ID
	return s.UpdatePlan(ctx, p, t, "contact", func(pl *plan.Plan, now time.Time) error { return pl.AddContact(c, now) })
}

// ExtendBudget extends the plan's contact budget, with a reason. See [Service.UpdatePlan].
func (s *Service) ExtendBudget(ctx context.Context, p Principal, t Target, in ExtensionRequest) (*plan.Plan, error) {
	return s.UpdatePlan(ctx, p, t, "extend", func(pl *plan.Plan, now time.Time) error {
		return pl.ExtendBudget(in.Contacts, in.Reason, p.ID, now)
	})
}

// ChangePlanStatus pauses, resumes or closes a plan. See [Service.UpdatePlan].
func (s *Service) ChangePlanStatus(ctx context.Context, p Principal, t Target, in PlanStatusChange) (*plan.Plan, error) {
	return s.UpdatePlan(ctx, p, t, in.Action, func(pl *plan.Plan, now time.Time) error {
		switch in.Action {
		case "pause":
			return pl.Pause(in.PauseReason, in.Note, p.ID, now)
		case "resume":
			return pl.Resume(p.ID, now)
		case "close":
			return pl.Close(in.CloseReason, in.Note, p.ID, now)
		}
		return socialrx.Invalid(socialrx.Field("/action", "must be pause, resume or close"))
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
			if err := s.decodeDoc(d, &pl); err != nil {
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
