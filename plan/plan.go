package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// Plan is a person's personalised plan, made for an accepted referral: what
// matters to them, their goals, the barriers and the support that removes
// each, the activities agreed, review dates, and the contacts spent
// against a budget set at triage. Change it only through its methods, which
// check everything before they change anything, bump Version and set
// UpdatedAt.
type Plan struct {
	// ID identifies the plan (a UUID).
	ID string `json:"id" jsonschema:"format=uuid"`
	// Version counts changes: 1 when made, one more after each change.
	Version int64 `json:"version" jsonschema:"minimum=1"`
	// ReferralID is the accepted referral the plan belongs to (a UUID).
	ReferralID string `json:"referral_id" jsonschema:"format=uuid"`
	// ReferralDate is when the referral was received; no contact may be dated before it.
	ReferralDate socialrx.Date `json:"referral_date"`
	// PersonName is the name the person likes to be called, for their summary.
	PersonName string `json:"person_name,omitempty" jsonschema:"maxLength=200"`
	// LinkWorker is who supports the person and how to reach them.
	LinkWorker LinkWorker `json:"link_worker"`
	// Status is active, paused or closed.
	Status Status `json:"status"`
	// CloseReason says why a closed plan was closed.
	CloseReason CloseReason `json:"close_reason,omitempty"`
	// CreatedAt is when the plan was made; the clock starts then.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the plan last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// ClosedAt is when the plan was closed; the clock stops then.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Triage is the triage history, oldest first; the last is current.
	Triage []Result `json:"triage" jsonschema:"minItems=1"`
	// Budget is the contact budget: the number set at triage plus extensions.
	Budget Budget `json:"budget"`
	// Contacts are the contacts so far, in the order they were recorded.
	Contacts []Contact `json:"contacts,omitempty"`
	// NextContact is the next contact agreed, if any.
	NextContact NextContact `json:"next_contact,omitzero"`
	// Pauses are the times the plan was paused, oldest first; the clock stops in each.
	Pauses []Pause `json:"pauses,omitempty"`
	// WhatMatters is what matters to the person, in their own words.
	WhatMatters string `json:"what_matters,omitempty" jsonschema:"maxLength=4000"`
	// Goals are the person's goals, in their own words. Goals are never
	// removed (drop them instead), so an index names a goal for good.
	Goals []Goal `json:"goals,omitempty"`
	// Barriers are what stands in the way, each with the support that removes it.
	Barriers []Barrier `json:"barriers,omitempty"`
	// Activities are the activities agreed, as links to signposts and onward referrals.
	Activities []Activity `json:"activities,omitempty"`
	// Reviews are the plan's review dates.
	Reviews []Review `json:"reviews,omitempty"`
	// History records every status change: who, when, from, to and why.
	History []StatusChange `json:"history" jsonschema:"minItems=1"`
}

// LinkWorker is the person's link worker and how to reach them.
type LinkWorker struct {
	// ID identifies the link worker in the service's systems.
	ID string `json:"id" jsonschema:"minLength=1,maxLength=128"`
	// Name is the name the person knows them by.
	Name string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	// Organisation is who employs them, such as "Age UK Lambeth".
	Organisation string `json:"organisation,omitempty" jsonschema:"maxLength=200"`
	// Phone is a phone number to reach them; give a phone number, an email address or both.
	Phone string `json:"phone,omitempty" jsonschema:"maxLength=32"`
	// Email is an email address to reach them.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Hours says when they can be reached, such as "Monday to Thursday, 9am to 5pm".
	Hours string `json:"hours,omitempty" jsonschema:"maxLength=200"`
}

func (w LinkWorker) check(path string) []socialrx.FieldError {
	var fs []socialrx.FieldError
	if strings.TrimSpace(w.ID) == "" {
		fs = append(fs, socialrx.Field(path+"/id", "required"))
	}
	if strings.TrimSpace(w.Name) == "" {
		fs = append(fs, socialrx.Field(path+"/name", "required"))
	}
	if strings.TrimSpace(w.Phone) == "" && strings.TrimSpace(w.Email) == "" {
		fs = append(fs, socialrx.Field(path+"/phone", "required: give a phone number or an email address so the person can reach their link worker"))
	}
	if w.Email != "" && !strings.Contains(w.Email, "@") {
		fs = append(fs, socialrx.Field(path+"/email", "not an email address"))
	}
	return fs
}

// Pause is one time the plan was paused.
type Pause struct {
	// From is when the pause began.
	From time.Time `json:"from"`
	// Until is when it ended; absent while the plan is still paused.
	Until time.Time `json:"until,omitzero"`
	// Reason says why.
	Reason PauseReason `json:"reason"`
	// Note says more, in a few words.
	Note string `json:"note,omitempty" jsonschema:"maxLength=1000"`
}

// StatusChange is one entry of the plan's history.
type StatusChange struct {
	// At is when the change happened.
	At time.Time `json:"at"`
	// By is who made it.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// From is the status before; absent when the plan was made.
	From Status `json:"from,omitempty"`
	// To is the status after.
	To Status `json:"to"`
	// Why says why, such as "hospital_stay: knee operation": a reason's
	// code and a note of up to 1000 characters.
	Why string `json:"why,omitempty" jsonschema:"maxLength=1100"`
}

// Start is what [New] needs to make a plan.
type Start struct {
	// ID is the new plan's id, a UUID the caller makes (v7 where ordering helps).
	ID string
	// ReferralID is the accepted referral's id.
	ReferralID string
	// ReferralDate is when the referral was received.
	ReferralDate socialrx.Date
	// PersonName is the name the person likes to be called.
	PersonName string
	// LinkWorker is the link worker.
	LinkWorker LinkWorker
	// WhatMatters is what matters to the person, in their words, if known yet.
	WhatMatters string
	// Triage is the result of the initial [Triage]; its contacts set the budget.
	Triage Result
	// By is who makes the plan.
	By string
}

// New makes an active plan for an accepted referral from the initial
// triage result; the contact budget is the one triage suggested. The
// caller checks that the referral is accepted (this package does not
// import referral). Codes: invalid, naming each field of s at fault
// (such as "/referral_id" or "/triage/level").
func New(s Start, now time.Time) (*Plan, error) {
	var fs []socialrx.FieldError
	if _, err := uuid.Parse(s.ID); err != nil {
		fs = append(fs, socialrx.Field("/id", "must be a UUID"))
	}
	if _, err := uuid.Parse(s.ReferralID); err != nil {
		fs = append(fs, socialrx.Field("/referral_id", "must be a UUID"))
	}
	today := socialrx.DateOf(now.UTC())
	switch {
	case s.ReferralDate.IsZero():
		fs = append(fs, socialrx.Field("/referral_date", "required"))
	case s.ReferralDate.After(today):
		fs = append(fs, socialrx.Field("/referral_date", "is in the future"))
	}
	fs = append(fs, s.LinkWorker.check("/link_worker")...)
	fs = append(fs, s.Triage.check("/triage")...)
	if !s.Triage.AssessedAt.IsZero() {
		if s.Triage.AssessedAt.After(now) {
			fs = append(fs, socialrx.Field("/triage/assessed_at", "is in the future"))
		} else if !s.ReferralDate.IsZero() && s.Triage.AssessedAt.Before(s.ReferralDate.Time()) {
			fs = append(fs, socialrx.Field("/triage/assessed_at", "is before the referral date %s", s.ReferralDate))
		}
	}
	if strings.TrimSpace(s.By) == "" {
		fs = append(fs, socialrx.Field("/by", "required"))
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}
	now = now.UTC()
	return &Plan{
		ID:           s.ID,
		Version:      1,
		ReferralID:   s.ReferralID,
		ReferralDate: s.ReferralDate,
		PersonName:   s.PersonName,
		LinkWorker:   s.LinkWorker,
		Status:       StatusActive,
		CreatedAt:    now,
		UpdatedAt:    now,
		Triage:       []Result{cloneResult(s.Triage)},
		Budget:       Budget{Initial: s.Triage.Contacts},
		WhatMatters:  s.WhatMatters,
		History:      []StatusChange{{At: now, By: s.By, To: StatusActive, Why: "plan made"}},
	}, nil
}

func cloneResult(r Result) Result {
	r.Escalations = slices.Clone(r.Escalations)
	r.Reasons = slices.Clone(r.Reasons)
	return r
}

// Current returns the current triage result: the last in the history.
func (p *Plan) Current() Result { return p.Triage[len(p.Triage)-1] }

// Level returns the current level of support.
func (p *Plan) Level() Level { return p.Current().Level }

// transitions lists the status moves a plan may make.
var transitions = map[Status][]Status{
	StatusActive: {StatusPaused, StatusClosed},
	StatusPaused: {StatusActive, StatusClosed},
	StatusClosed: nil,
}

// CanTransition reports whether a plan may move from one status to
// another: active to paused or closed, paused to active (resume) or closed.
// A closed plan never changes again.
func CanTransition(from, to Status) bool { return slices.Contains(transitions[from], to) }

// open returns a field error when the plan may not be edited: it is closed.
func (p *Plan) open() []socialrx.FieldError {
	if p.Status == StatusClosed {
		return []socialrx.FieldError{socialrx.Field("/status", "the plan is closed; it can no longer be changed")}
	}
	return nil
}

// move checks a status move; path names the time field the move stamps.
func (p *Plan) move(to Status, by, path string, now time.Time) []socialrx.FieldError {
	var fs []socialrx.FieldError
	switch {
	case p.Status == StatusClosed:
		fs = p.open()
	case p.Status == to:
		fs = append(fs, socialrx.Field("/status", "the plan is already %s", to))
	case !CanTransition(p.Status, to):
		fs = append(fs, socialrx.Field("/status", "a %s plan cannot become %s", p.Status, to))
	}
	if strings.TrimSpace(by) == "" {
		fs = append(fs, socialrx.Field("/by", "required"))
	}
	if last := p.History[len(p.History)-1].At; now.Before(last) {
		fs = append(fs, socialrx.Field(path, "%s is before the plan's last status change at %s", now.UTC().Format(time.RFC3339), last.Format(time.RFC3339)))
	}
	return fs
}

func (p *Plan) record(to Status, by, why string, now time.Time) {
	p.History = append(p.History, StatusChange{At: now, By: by, From: p.Status, To: to, Why: why})
	p.Status = to
	p.touch(now)
}

func (p *Plan) touch(now time.Time) {
	p.Version++
	if now.After(p.UpdatedAt) {
		p.UpdatedAt = now
	}
}

func why(reason, note string) string {
	if note = strings.TrimSpace(note); note != "" {
		return reason + ": " + note
	}
	return reason
}

// Pause pauses an active plan (a hospital stay, caring, the person's
// choice): the clock stops, contacts cannot be recorded, and the plan is
// kept as it is. Codes: invalid ("/status" when the plan is not active,
// "/reason", "/by", "/pauses/N/from" when now is before the last change,
// "/pauses" after [MaxPauses]).
func (p *Plan) Pause(reason PauseReason, note, by string, now time.Time) error {
	now = now.UTC()
	fs := p.move(StatusPaused, by, "/pauses/"+strconv.Itoa(len(p.Pauses))+"/from", now)
	if !oneOf(reason) {
		fs = append(fs, socialrx.Field("/reason", "must be one of %s", strings.Join(reason.EnumValues(), ", ")))
	}
	fs = append(fs, full("/pauses", len(p.Pauses), MaxPauses, "pauses")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	p.Pauses = append(p.Pauses, Pause{From: now, Reason: reason, Note: strings.TrimSpace(note)})
	p.record(StatusPaused, by, why(string(reason), note), now)
	return nil
}

// Resume restarts a paused plan; the clock runs again. Codes: invalid
// ("/status" when the plan is not paused, "/by", "/pauses/N/until").
func (p *Plan) Resume(by string, now time.Time) error {
	now = now.UTC()
	fs := p.move(StatusActive, by, "/pauses/"+strconv.Itoa(max(len(p.Pauses)-1, 0))+"/until", now)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	p.Pauses[len(p.Pauses)-1].Until = now
	p.record(StatusActive, by, "resumed", now)
	return nil
}

// Close closes an active or paused plan for good; a pause in progress ends
// and the clock stops. Codes: invalid ("/status" when already closed,
// "/reason", "/by", "/closed_at").
func (p *Plan) Close(reason CloseReason, note, by string, now time.Time) error {
	now = now.UTC()
	fs := p.move(StatusClosed, by, "/closed_at", now)
	if !oneOf(reason) {
		fs = append(fs, socialrx.Field("/reason", "must be one of %s", strings.Join(reason.EnumValues(), ", ")))
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	if p.Status == StatusPaused {
		p.Pauses[len(p.Pauses)-1].Until = now
	}
	p.ClosedAt, p.CloseReason = now, reason
	p.NextContact = NextContact{}
	p.record(StatusClosed, by, why(string(reason), note), now)
	return nil
}

// Retriage triages a new assessment with rs (nil for [DefaultRules]) and
// appends the result to the plan's triage history; the level may go up or
// down. When the new level suggests more contacts than the budget holds,
// the budget is extended to match, with the re-triage as its reason; it
// never shrinks. Codes: invalid (the plan is closed; the assessment's
// fields, "/assessed_at" before the last triage or in the future; the rule
// set's under "/rule_set"; "/triage" after [MaxTriage] results,
// "/budget/extensions" when the budget would need one more than
// [MaxExtensions]).
func (p *Plan) Retriage(a Assessment, rs *RuleSet, now time.Time) (Result, error) {
	fs := p.open()
	if !a.AssessedAt.IsZero() {
		if a.AssessedAt.After(now) {
			fs = append(fs, socialrx.Field("/assessed_at", "is in the future"))
		} else if last := p.Current().AssessedAt; a.AssessedAt.Before(last) {
			fs = append(fs, socialrx.Field("/assessed_at", "is before the last triage at %s", last.Format(time.RFC3339)))
		}
	}
	r, err := Triage(a, rs)
	fs = append(fs, socialrx.ErrorFields(err)...)
	fs = append(fs, full("/triage", len(p.Triage), MaxTriage, "triage results")...)
	if err == nil && r.Contacts > p.Budget.Total() {
		fs = append(fs, full("/budget/extensions", len(p.Budget.Extensions), MaxExtensions, "extensions")...)
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return Result{}, err
	}
	now = now.UTC()
	if total := p.Budget.Total(); r.Contacts > total {
		p.Budget.Extensions = append(p.Budget.Extensions, Extension{
			Contacts: r.Contacts - total,
			Reason:   fmt.Sprintf("re-triaged to level %d, which suggests %d contacts", r.Level, r.Contacts),
			By:       a.AssessedBy,
			At:       now,
		})
	}
	p.Triage = append(p.Triage, r)
	p.touch(now)
	return cloneResult(r), nil
}

// LevelChange is one move between levels in the triage history.
type LevelChange struct {
	// At is when the re-triage was made.
	At time.Time `json:"at"`
	// From is the level before.
	From Level `json:"from"`
	// To is the level after.
	To Level `json:"to"`
}

// LevelChanges returns the moves between levels in the triage history,
// oldest first; re-triages that kept the level are left out.
func (p *Plan) LevelChanges() []LevelChange {
	var out []LevelChange
	for i := 1; i < len(p.Triage); i++ {
		if a, b := p.Triage[i-1].Level, p.Triage[i].Level; a != b {
			out = append(out, LevelChange{At: p.Triage[i].AssessedAt, From: a, To: b})
		}
	}
	return out
}
