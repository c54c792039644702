package host

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

func (s *Service) registry() *outcomes.Registry {
	if s.o.Instruments != nil {
		return s.o.Instruments
	}
	return outcomes.DefaultRegistry()
}

// RecordMeasurement scores and stores one completed instrument for the
// person of a referral. The host, not the caller, fills in whose it is,
// the evaluation consent (from the referral's consents at this moment) and
// the report context: referral source, needs, practice, area (the
// postcode's outward code) and, from the person's latest plan, triage level
// and pathway. Link workers and admins may. Codes: forbidden, not_found,
// invalid (answers out of range, unknown instrument, a follow-up dated
// before its baseline …), unavailable.
func (s *Service) RecordMeasurement(ctx context.Context, p Principal, referralID string, in MeasurementRequest, idempotencyKey string) (*outcomes.Measurement, error) {
	if err := forbid(p, "record measurements", staff...); err != nil {
		return nil, s.denied(ctx, p, "record_measurement", plugins.KindReferral, referralID, err)
	}
	r, d, err := s.loadReferral(ctx, referralID)
	if err != nil {
		return nil, err
	}
	if err := s.reachCase(ctx, p, d, "record_measurement"); err != nil {
		return nil, err
	}
	m := outcomes.Measurement{ID: newID(), Instrument: in.Instrument, InstrumentVersion: in.InstrumentVersion, Person: d.Person,
		Referral: r.ID, TimePoint: in.TimePoint, Date: in.Date, AdministeredBy: p.ID, Mode: in.Mode, Answers: in.Answers,
		EvaluationConsent: r.Consents.Evaluation.Active(),
		Context:           outcomes.Context{ReferralSource: string(r.Referrer.Kind), Needs: r.Needs, Practice: r.Referrer.OrganisationCode, Area: outward(r.Person.Postcode)}}
	if pl, err := s.latestPlan(ctx, d.Person, r.ID); err != nil {
		return nil, err
	} else if pl != nil {
		m.Context.TriageLevel, m.Context.Pathway = strconv.Itoa(int(pl.Level())), string(pl.Current().Pathway)
	}
	if m.Date.After(socialrx.DateOf(s.now())) {
		return nil, socialrx.Invalid(socialrx.Field("/date", "must not be in the future"))
	}
	if err := s.checkBaseline(ctx, m); err != nil {
		return nil, err
	}
	scored, err := s.registry().Score(m)
	if err != nil {
		return nil, err
	}
	doc := plugins.Document{Kind: plugins.KindMeasurement, ID: scored.ID, Status: string(scored.TimePoint), Owner: p.ID, Person: d.Person, Team: d.Team, Data: s.encode(plugins.KindMeasurement, scored)}
	if scored.TimePoint == outcomes.TimePoint("baseline") {
		due := scored.Date.AddDays(s.o.FollowUpAfterDays).Time()
		doc.DueAt = &due
	}
	var stored outcomes.Measurement
	err = s.create(ctx, p, idempotencyKey, []any{referralID, in}, plugins.Write{Document: doc,
		Events: []plugins.Event{{Type: "measurement.recorded", Actor: p.ID, At: s.now()}}}, &stored)
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// checkBaseline refuses a later time point dated before the person's
// baseline on the same instrument.
func (s *Service) checkBaseline(ctx context.Context, m outcomes.Measurement) error {
	if m.TimePoint == outcomes.TimePoint("baseline") {
		return nil
	}
	return s.eachMeasurement(ctx, plugins.Query{Kind: plugins.KindMeasurement, Person: m.Person, Status: "baseline"}, func(b outcomes.Measurement) error {
		if b.Instrument == m.Instrument && b.Referral == m.Referral && m.Date.Before(b.Date) {
			return socialrx.Invalid(socialrx.Field("/date", "a %s measurement cannot be dated before its baseline of %s", m.TimePoint, b.Date))
		}
		return nil
	})
}

// eachMeasurement streams the stored measurements a query selects.
func (s *Service) eachMeasurement(ctx context.Context, q plugins.Query, fn func(outcomes.Measurement) error) error {
	q.Limit = 1000
	for {
		pg, err := s.o.Store.List(ctx, q)
		if err != nil {
			return err
		}
		for _, d := range pg.Documents {
			var m outcomes.Measurement
			if err := s.decodeDoc(d, &m); err != nil {
				return err
			}
			if err := fn(m); err != nil {
				return err
			}
		}
		if q.Cursor = pg.Next; q.Cursor == "" {
			return nil
		}
	}
}

// latestPlan is the most recent plan of the referral, or nil.
func (s *Service) latestPlan(ctx context.Context, person, referralID string) (*plan.Plan, error) {
	docs, err := s.listUpTo(ctx, plugins.Query{Kind: plugins.KindPlan, Person: person, Limit: 1000}, 1000)
	if err != nil {
		return nil, err
	}
	var latest *plan.Plan
	for _, d := range docs {
		var pl plan.Plan
		if err := s.decodeDoc(d, &pl); err != nil {
			return nil, err
		}
		if pl.ReferralID == referralID && (latest == nil || pl.CreatedAt.After(latest.CreatedAt)) {
			latest = &pl
		}
	}
	return latest, nil
}

// outward is a postcode's outward code ("SE11" of "SE11 5QY"): an area
// coarse enough for reports.
func outward(postcode string) string {
	out, _, _ := strings.Cut(postcode, " ")
	return out
}

// OutcomesReport builds the aggregate outcomes report for commissioners
// and admins: only the measurements of people whose evaluation consent is
// active now count (whatever it was when they were taken), and small cells
// are suppressed (with secondary suppression) by the outcomes package, at
// no less than the service's MinCell whatever opts asks. The community part
// counts onward referrals by partner. The records retention keeps of
// erased referrals ([KindRetained]) count as they did before. Codes: forbidden, invalid (bad
// options, or a min_cell below the floor), unavailable.
func (s *Service) OutcomesReport(ctx context.Context, p Principal, opts outcomes.Options) (outcomes.Report, error) {
	if err := forbid(p, "read outcome reports", referral.RoleCommissioner, referral.RoleAdmin); err != nil {
		return outcomes.Report{}, err
	}
	switch {
	case opts.MinCell == 0:
		opts.MinCell = s.o.MinCell
	case opts.MinCell < s.o.MinCell:
		return outcomes.Report{}, socialrx.Invalid(socialrx.Field("/min_cell", "must be at least %d, the smallest cell this service publishes", s.o.MinCell))
	}
	acc, err := outcomes.NewAccumulator(s.registry(), opts)
	if err != nil {
		return outcomes.Report{}, err
	}
	consent := map[string]bool{} // referral id → evaluation consent now
	err = s.eachMeasurement(ctx, plugins.Query{Kind: plugins.KindMeasurement}, func(m outcomes.Measurement) error {
		given, ok := consent[m.Referral]
		if !ok {
			r, _, err := s.loadReferral(ctx, m.Referral)
			switch socialrx.ErrorCode(err) {
			case "":
				given = r.Consents.Evaluation.Active()
			case socialrx.CodeNotFound:
			default:
				return err
			}
			consent[m.Referral] = given
		}
		m.EvaluationConsent = given
		return acc.Add(m)
	})
	if err != nil {
		return outcomes.Report{}, err
	}
	// What retention kept of erased referrals counts with the consent it had.
	if err := s.eachMeasurement(ctx, plugins.Query{Kind: KindRetained, Status: string(plugins.KindMeasurement)}, acc.Add); err != nil {
		return outcomes.Report{}, err
	}
	partners := map[string]*outcomes.PartnerCounts{}
	for _, q := range []plugins.Query{{Kind: plugins.KindOnwardReferral, Limit: 1000}, {Kind: KindRetained, Status: string(plugins.KindOnwardReferral), Limit: 1000}} {
		for {
			pg, err := s.o.Store.List(ctx, q)
			if err != nil {
				return outcomes.Report{}, err
			}
			for _, d := range pg.Documents {
				var o referral.OnwardReferral
				if err := s.decodeDoc(d, &o); err != nil {
					return outcomes.Report{}, err
				}
				pc := partners[o.Partner]
				if pc == nil {
					pc = &outcomes.PartnerCounts{Partner: o.Partner}
					partners[o.Partner] = pc
				}
				countOnward(pc, &o)
			}
			if q.Cursor = pg.Next; q.Cursor == "" {
				break
			}
		}
	}
	var in outcomes.FrameworkInput
	for _, pc := range partners {
		in.Partners = append(in.Partners, *pc)
	}
	rep, err := acc.Report(in)
	if err != nil {
		return outcomes.Report{}, err
	}
	return rep, s.audit(ctx, p, "report", plugins.KindMeasurement, "outcomes")
}

// countOnward adds one onward referral to its partner's counts: whether it
// was ever accepted, rejected for no capacity, attended, completed.
func countOnward(pc *outcomes.PartnerCounts, o *referral.OnwardReferral) {
	for _, e := range o.History {
		switch {
		case e.To == referral.TaskAccepted:
			pc.Accepted++
		case e.To == referral.TaskRejected && e.Reason == referral.RejectNoCapacity:
			pc.RejectedNoCapacity++
		case e.To == referral.TaskCompleted:
			pc.Completed++
		}
	}
	for _, a := range o.Attendance {
		if a.Attended {
			pc.Attended++
			break
		}
	}
}

// remindFollowUps queues, for each baseline measurement that has fallen
// due, a reminder to the team to take the follow-up, unless one was
// already taken or the person's consent to be contacted for feedback is
// not active now; either way the baseline is then no longer due.
func (s *Service) remindFollowUps(ctx context.Context, lease plugins.Lease, now time.Time, n int) (int, error) {
	docs, err := s.o.Store.LeaseDue(ctx, plugins.KindMeasurement, lease, now, n)
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		if err := s.writable(d); err != nil {
			s.o.Logger.Warn("scheduler leaves a document a newer host wrote to a newer host", "kind", d.Kind, "id", d.ID, "err", err)
			continue
		}
		var base outcomes.Measurement
		if err := s.decodeDoc(d, &base); err != nil {
			return 0, err
		}
		taken := false
		err := s.eachMeasurement(ctx, plugins.Query{Kind: plugins.KindMeasurement, Person: d.Person}, func(m outcomes.Measurement) error {
			taken = taken || (m.TimePoint != base.TimePoint && m.Instrument == base.Instrument && m.Referral == base.Referral && !m.Date.Before(base.Date))
			return nil
		})
		if err != nil {
			return 0, err
		}
		asked, err := s.feedbackConsent(ctx, base.Referral)
		if err != nil {
			return 0, err
		}
		var out []plugins.OutboxMessage
		if !taken && asked {
			out = dropTeam([]plugins.OutboxMessage{message("followup:"+base.ID, plugins.Message{To: s.o.Team, Channel: plugins.ChannelEmail,
				Event: "measurement.follow_up_due", Subject: "Follow-up measure due",
				Body: fmt.Sprintf("The follow-up %s measure for referral %s is due: the baseline was taken on %s.", base.Instrument, base.Referral, base.Date)})})
		}
		nd := d
		nd.DueAt, nd.Data = nil, s.encode(plugins.KindMeasurement, base)
		if err := s.rescheduled(ctx, nd, out); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

// feedbackConsent reports whether the person of a referral may be asked for
// feedback now.
func (s *Service) feedbackConsent(ctx context.Context, referralID string) (bool, error) {
	r, _, err := s.loadReferral(ctx, referralID)
	if socialrx.ErrorCode(err) == socialrx.CodeNotFound {
		return false, nil
	}
	return r.Consents.ContactForFeedback.Active(), err
}
