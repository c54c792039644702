package host

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// DefaultRetentionMonths is how long, by default, the personal data of a
// closed or declined referral is kept after it closed: 8 years, the
// minimum retention the NHS Records Management Code of Practice (2021,
// Appendix II retention schedule) sets for adult health and care records
// after the conclusion of treatment. Options.RetentionMonths overrides it.
const DefaultRetentionMonths = 96

// KindRetained is the store kind of what retention keeps of an erased
// record for the aggregate reports: a measurement or onward referral with
// nothing left that leads to the person (see [Service.RunScheduler]),
// under the id of the record it came from; Status names that record's
// kind.
const KindRetained plugins.Kind = "retained"

// kindPerson is the kind audit entries of subject access and erasure name.
const kindPerson plugins.Kind = "person"

// retentionEvery is how often the scheduler looks for referrals whose
// retention period has ended.
const retentionEvery = time.Hour

// scheduler is the principal retention acts as in the audit log.
var scheduler = Principal{ID: "scheduler", Role: referral.RoleSystem}

// Subject names the person of a subject access or erasure request: by NHS
// number, or by the id of one of their referrals (for people without an
// NHS number). Exactly one is set.
type Subject struct {
	// NHSNumber is the person's NHS number: ten digits, the last a check digit.
	NHSNumber string `json:"nhs_number,omitempty" jsonschema:"pattern=^[0-9]{10}$"`
	// ReferralID is the id of one of the person's referrals.
	ReferralID string `json:"referral_id,omitempty" jsonschema:"format=uuid,maxLength=36"`
}

// SubjectAccess is everything the service holds about one person, as the
// answer to a subject access request (UK GDPR Article 15): their
// referrals (with their consents), plans, onward referrals, outcome
// measurements, the event log of each, the messages queued or sent about
// them, and the audit log's entries of who read or changed their records.
type SubjectAccess struct {
	// GeneratedAt is when the export was made.
	GeneratedAt     time.Time                 `json:"generated_at"`
	Referrals       []referral.Referral       `json:"referrals" jsonschema:"maxItems=100000"`
	Consents        []SubjectConsents         `json:"consents" jsonschema:"maxItems=100000"`
	Plans           []plan.Plan               `json:"plans" jsonschema:"maxItems=100000"`
	OnwardReferrals []referral.OnwardReferral `json:"onward_referrals" jsonschema:"maxItems=100000"`
	Measurements    []outcomes.Measurement    `json:"measurements" jsonschema:"maxItems=100000"`
	Events          []SubjectEvent            `json:"events" jsonschema:"maxItems=100000"`
	// Messages are the outbox messages about their records, sent or not.
	Messages []plugins.OutboxMessage `json:"messages" jsonschema:"maxItems=100000"`
	// Access is the audit log's entries that name their records.
	Access []AuditEntry `json:"access" jsonschema:"maxItems=100000"`
}

// SubjectConsents are the consents recorded on one referral.
type SubjectConsents struct {
	ReferralID string            `json:"referral_id"`
	Consents   referral.Consents `json:"consents"`
}

// SubjectEvent is one entry of the event log of one of the person's records.
type SubjectEvent struct {
	Kind  plugins.Kind  `json:"kind"`
	ID    string        `json:"id"`
	Event plugins.Event `json:"event"`
}

// Erased counts the records an erasure removed, by kind.
type Erased struct {
	Referrals       int `json:"referrals"`
	Plans           int `json:"plans"`
	OnwardReferrals int `json:"onward_referrals"`
	Measurements    int `json:"measurements"`
}

// subjectKinds are the kinds of record about a person, found by the
// person key, erased in this order (the referrals last, so that an
// erasure cut short can be asked for again by referral id).
var subjectKinds = []plugins.Kind{plugins.KindMeasurement, plugins.KindOnwardReferral, plugins.KindPlan, plugins.KindReferral}

// personDocs finds the documents about the subject: the person key of
// their NHS number or of the named referral, then every record with it.
// Codes: invalid (neither or both named, a bad NHS number), not_found (no
// such referral), unavailable.
func (s *Service) personDocs(ctx context.Context, sub Subject) (map[plugins.Kind][]plugins.Document, error) {
	var key string
	switch {
	case (sub.NHSNumber == "") == (sub.ReferralID == ""):
		return nil, socialrx.Invalid(socialrx.Field("/nhs_number", "name the person by exactly one of nhs_number and referral_id"))
	case sub.NHSNumber != "":
		n, err := referral.NormaliseNHSNumber(sub.NHSNumber)
		if err != nil {
			rule := "must be a valid NHS number"
			if fs := socialrx.ErrorFields(err); len(fs) > 0 {
				rule = fs[0].Rule
			}
			return nil, socialrx.Invalid(socialrx.Field("/nhs_number", "%s", rule))
		}
		key = personKey(referral.Person{NHSNumber: n})
	default:
		d, err := s.o.Store.Get(ctx, plugins.KindReferral, sub.ReferralID)
		if err != nil {
			return nil, err
		}
		key = d.Person
	}
	out := map[plugins.Kind][]plugins.Document{}
	for _, k := range subjectKinds {
		q := plugins.Query{Kind: k, Person: key, Limit: 1000}
		for {
			pg, err := s.o.Store.List(ctx, q)
			if err != nil {
				return nil, err
			}
			out[k] = append(out[k], pg.Documents...)
			if q.Cursor = pg.Next; q.Cursor == "" {
				break
			}
		}
	}
	return out, nil
}

// SubjectAccess exports everything held about a person as one document.
// Only admins may; the export and any refusal are audited (the entry names
// the records exported, never the person). Codes: forbidden, invalid,
// not_found (no record of them), unavailable.
func (s *Service) SubjectAccess(ctx context.Context, p Principal, sub Subject) (*SubjectAccess, error) {
	if err := forbid(p, "answer subject access requests", referral.RoleAdmin); err != nil {
		return nil, s.denied(ctx, p, "subject_access", kindPerson, sub.ReferralID, err)
	}
	docs, err := s.personDocs(ctx, sub)
	if err != nil {
		return nil, err
	}
	out := &SubjectAccess{GeneratedAt: s.now(), Referrals: []referral.Referral{}, Consents: []SubjectConsents{}, Plans: []plan.Plan{},
		OnwardReferrals: []referral.OnwardReferral{}, Measurements: []outcomes.Measurement{}, Events: []SubjectEvent{},
		Messages: []plugins.OutboxMessage{}, Access: []AuditEntry{}}
	var ids []string
	for _, k := range subjectKinds {
		for _, d := range docs[k] {
			ids = append(ids, d.ID)
			var err error
			switch k {
			case plugins.KindReferral:
				var r referral.Referral
				if err = s.decodeDoc(d, &r); err == nil {
					out.Referrals = append(out.Referrals, r)
					out.Consents = append(out.Consents, SubjectConsents{ReferralID: r.ID, Consents: r.Consents})
				}
			case plugins.KindPlan:
				var pl plan.Plan
				if err = s.decodeDoc(d, &pl); err == nil {
					out.Plans = append(out.Plans, pl)
				}
			case plugins.KindOnwardReferral:
				var o referral.OnwardReferral
				if err = s.decodeDoc(d, &o); err == nil {
					out.OnwardReferrals = append(out.OnwardReferrals, o)
				}
			case plugins.KindMeasurement:
				var m outcomes.Measurement
				if err = s.decodeDoc(d, &m); err == nil {
					out.Measurements = append(out.Measurements, m)
				}
			}
			if err != nil {
				return nil, err
			}
			evs, err := s.o.Store.Events(ctx, d.Kind, d.ID, 0, 0)
			if err != nil {
				return nil, err
			}
			for _, e := range evs {
				out.Events = append(out.Events, SubjectEvent{Kind: d.Kind, ID: d.ID, Event: e})
			}
			msgs, err := s.o.Store.OutboxAbout(ctx, d.ID)
			if err != nil {
				return nil, err
			}
			out.Messages = append(out.Messages, msgs...)
		}
	}
	if len(ids) == 0 {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "no record of that person")
	}
	if out.Access, err = s.auditAbout(ctx, ids); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, p, "subject_access", kindPerson, ids[len(ids)-1], ids...); err != nil {
		return nil, err
	}
	return out, nil
}

// auditAbout returns the audit entries that name any of ids, oldest first.
// It reads the whole log: subject access is rare, and the log is not
// indexed by the records it names.
func (s *Service) auditAbout(ctx context.Context, ids []string) ([]AuditEntry, error) {
	out := []AuditEntry{}
	q := plugins.Query{Kind: KindAudit, Limit: 1000}
	for {
		pg, err := s.o.Store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, d := range pg.Documents {
			var e AuditEntry
			if err := json.Unmarshal(d.Data, &e); err != nil {
				return nil, socialrx.Errorf(socialrx.CodeInternal, "audit entry %s: %v", d.ID, err)
			}
			if slices.Contains(ids, e.Target) || slices.ContainsFunc(e.Records, func(r string) bool { return slices.Contains(ids, r) }) {
				out = append(out, e)
			}
		}
		if q.Cursor = pg.Next; q.Cursor == "" {
			return out, nil
		}
	}
}

// Erase erases everything held about a person on their request (UK GDPR
// Article 17): every referral, plan, onward referral and measurement of
// theirs, with the event log of each and every message queued or sent
// about them, keeping nothing for reports. The audit log keeps only that
// an erasure happened, by whom and of which record ids, in the same write
// as the last record's erasure. Only admins may; a refusal is audited.
// A request cut short may be made again. Codes: forbidden, invalid,
// not_found (no record of them), unavailable.
func (s *Service) Erase(ctx context.Context, p Principal, sub Subject) (Erased, error) {
	if err := forbid(p, "erase personal data", referral.RoleAdmin); err != nil {
		return Erased{}, s.denied(ctx, p, "erase", kindPerson, sub.ReferralID, err)
	}
	docs, err := s.personDocs(ctx, sub)
	if err != nil {
		return Erased{}, err
	}
	var all []plugins.Document
	for _, k := range subjectKinds {
		all = append(all, docs[k]...)
	}
	if len(all) == 0 {
		return Erased{}, socialrx.Errorf(socialrx.CodeNotFound, "no record of that person")
	}
	ids := docIDs(all)
	for i, d := range all {
		var also []plugins.Document
		if i == len(all)-1 {
			also = []plugins.Document{s.auditDoc(ctx, p, "erase", kindPerson, d.ID, ids...)}
		}
		if err := s.o.Store.Erase(ctx, plugins.Erasure{Kind: d.Kind, ID: d.ID, Also: also}); err != nil {
			return Erased{}, err
		}
	}
	return Erased{Referrals: len(docs[plugins.KindReferral]), Plans: len(docs[plugins.KindPlan]),
		OnwardReferrals: len(docs[plugins.KindOnwardReferral]), Measurements: len(docs[plugins.KindMeasurement])}, nil
}

// retentionMonths is the retention period in months, or 0 when retention
// is off.
func (s *Service) retentionMonths() int {
	switch m := s.o.RetentionMonths; {
	case m < 0:
		return 0
	case m == 0:
		return DefaultRetentionMonths
	default:
		return m
	}
}

// throttle lets something run at most once per retentionEvery.
type throttle struct {
	mu   sync.Mutex
	next time.Time
}

// due reports whether it may run at now, and if so holds it off until
// retentionEvery later.
func (t *throttle) due(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Before(t.next) {
		return false
	}
	t.next = now.Add(retentionEvery)
	return true
}

// again lets it run at the next chance.
func (t *throttle) again() {
	t.mu.Lock()
	t.next = time.Time{}
	t.mu.Unlock()
}

// closedAt is when a closed or declined referral last reached its status.
func closedAt(r *referral.Referral) time.Time {
	for i := len(r.History) - 1; i >= 0; i-- {
		if e := r.History[i]; e.To == r.Status && (e.Type == referral.EventStatus || e.Type == "") {
			return e.At
		}
	}
	return r.ReceivedAt
}

// applyRetention erases, at most once per retentionEvery, the personal
// data of up to n closed or declined referrals whose retention period
// ended by now. It returns how many referrals it erased. Codes: unavailable.
func (s *Service) applyRetention(ctx context.Context, now time.Time, n int) (int, error) {
	months := s.retentionMonths()
	if months == 0 || !s.retention.due(now) {
		return 0, nil
	}
	erased := 0
	for _, st := range []referral.Status{referral.StatusClosed, referral.StatusDeclined} {
		q := plugins.Query{Kind: plugins.KindReferral, Status: string(st), Limit: 1000}
		for erased < n {
			pg, err := s.o.Store.List(ctx, q)
			if err != nil {
				return erased, err
			}
			for _, d := range pg.Documents {
				var r referral.Referral
				if err := s.decodeDoc(d, &r); err != nil {
					return erased, err
				}
				if erased >= n || closedAt(&r).AddDate(0, months, 0).After(now) {
					continue
				}
				if err := s.retire(ctx, &r, d); err != nil {
					return erased, err
				}
				erased++
			}
			if q.Cursor = pg.Next; q.Cursor == "" {
				break
			}
		}
	}
	if erased == n {
		s.retention.again() // more may be due: look again on the next run
	}
	return erased, nil
}

// retire erases the personal data of one referral whose retention period
// ended: the referral, its plans, onward referrals and measurements, with
// their events and messages. What the outcomes report counts stays as
// [KindRetained] records that lead to no one: each measurement and onward
// referral with the person and referral replaced by a fresh random id
// (shared within the referral, so a baseline still pairs with its
// follow-up), the evaluation consent as it was, and no notes, feedback or
// partner view. The audit entry of the erasure is written with the
// referral's.
func (s *Service) retire(ctx context.Context, r *referral.Referral, rd plugins.Document) error {
	pseudo := newID()
	type erasure struct {
		kind plugins.Kind
		id   string
		keep *plugins.Document
	}
	var todo []erasure
	for _, k := range []plugins.Kind{plugins.KindMeasurement, plugins.KindOnwardReferral, plugins.KindPlan} {
		docs, err := s.listUpTo(ctx, plugins.Query{Kind: k, Person: rd.Person, Limit: 1000}, 100000)
		if err != nil {
			return err
		}
		for _, d := range docs {
			keep, mine, err := s.retained(d, r, pseudo)
			if err != nil {
				return err
			}
			if mine {
				todo = append(todo, erasure{d.Kind, d.ID, keep})
			}
		}
	}
	todo = append(todo, erasure{plugins.KindReferral, r.ID, nil})
	ids := make([]string, len(todo))
	for i, e := range todo {
		ids[i] = e.id
	}
	for i, e := range todo {
		var also []plugins.Document
		if e.keep != nil {
			also = append(also, *e.keep)
		}
		if i == len(todo)-1 {
			also = append(also, s.auditDoc(ctx, scheduler, "retention_erase", kindPerson, r.ID, ids...))
		}
		err := s.o.Store.Erase(ctx, plugins.Erasure{Kind: e.kind, ID: e.id, Also: also})
		if err != nil && socialrx.ErrorCode(err) != socialrx.CodeNotFound {
			return err
		}
	}
	s.o.Logger.Info("retention erased a referral's personal data", "referral", r.ID, "records", len(ids))
	return nil
}

// retained reports whether d belongs to referral r and, for a measurement
// or onward referral, returns the de-identified record to keep of it.
func (s *Service) retained(d plugins.Document, r *referral.Referral, pseudo string) (*plugins.Document, bool, error) {
	keep := plugins.Document{Kind: KindRetained, ID: d.ID, Status: string(d.Kind)}
	switch d.Kind {
	case plugins.KindMeasurement:
		var m outcomes.Measurement
		if err := s.decodeDoc(d, &m); err != nil || m.Referral != r.ID {
			return nil, false, err
		}
		m.Person, m.Referral, m.Version = "retained:"+pseudo, pseudo, 0
		m.EvaluationConsent = r.Consents.Evaluation.Active()
		keep.Data = s.encode(KindRetained, m)
	case plugins.KindOnwardReferral:
		var o referral.OnwardReferral
		if err := s.decodeDoc(d, &o); err != nil || o.ReferralID != r.ID {
			return nil, false, err
		}
		o.ReferralID, o.Version, o.View, o.Feedback = pseudo, 0, referral.PartnerView{}, nil
		for i := range o.History {
			o.History[i].Note = ""
		}
		for i := range o.Attendance {
			o.Attendance[i].Note = ""
		}
		keep.Partner, keep.Data = o.Partner, s.encode(KindRetained, o)
	default:
		var pl plan.Plan
		if err := s.decodeDoc(d, &pl); err != nil || pl.ReferralID != r.ID {
			return nil, false, err
		}
		return nil, true, nil
	}
	return &keep, true, nil
}
