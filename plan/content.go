package plan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// Goal is one of the person's goals, in their own words.
type Goal struct {
	// Text is the goal in the person's own words, such as "get back to my allotment".
	Text string `json:"text" jsonschema:"minLength=1,maxLength=1000"`
	// Need is the need the goal addresses.
	Need socialrx.Need `json:"need"`
	// Status is where the goal stands.
	Status GoalStatus `json:"status"`
	// SetAt is when the goal was agreed.
	SetAt time.Time `json:"set_at"`
	// Notes are progress notes, oldest first.
	Notes []ProgressNote `json:"notes,omitempty"`
}

// ProgressNote is a note on a goal's progress, and the status it moved to, if it moved.
type ProgressNote struct {
	// At is when the note was written.
	At time.Time `json:"at"`
	// By is who wrote it.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// Text is the note.
	Text string `json:"text" jsonschema:"minLength=1,maxLength=4000"`
	// Status is the status the goal moved to with this note; absent when it did not move.
	Status GoalStatus `json:"status,omitempty"`
}

// goalMoves lists the moves a goal's status may make.
var goalMoves = map[GoalStatus][]GoalStatus{
	GoalNotStarted: {GoalInProgress, GoalAchieved, GoalChanged, GoalDropped},
	GoalInProgress: {GoalAchieved, GoalChanged, GoalDropped},
	GoalDropped:    {GoalInProgress},
	GoalAchieved:   nil,
	GoalChanged:    nil,
}

// CanMoveGoal reports whether a goal may move between statuses: from not
// started to any other; from in progress to achieved, changed or dropped;
// a dropped goal may be picked up again (in progress). Achieved and
// changed are final: a changed goal is replaced by a new one.
func CanMoveGoal(from, to GoalStatus) bool { return slices.Contains(goalMoves[from], to) }

// Barrier is something that stands in the way of the person's goals, with
// the support agreed to remove it.
type Barrier struct {
	// Kind is the kind of barrier.
	Kind BarrierKind `json:"kind"`
	// Note says more, for the link worker; it is not on the plan summary.
	Note string `json:"note,omitempty" jsonschema:"maxLength=4000"`
	// Support is the support agreed to remove the barrier.
	Support []Support `json:"support,omitempty"`
}

// Support is help agreed to remove a barrier.
type Support struct {
	// Kind is the kind of support.
	Kind SupportKind `json:"kind"`
	// Detail says what was arranged in words the person understands; it is
	// shown on the plan summary, such as "Sam from the befriending scheme
	// will meet you at the door for your first session".
	Detail string `json:"detail" jsonschema:"minLength=1,maxLength=1000"`
}

func (s Support) check(path string) []socialrx.FieldError {
	var fs []socialrx.FieldError
	if !oneOf(s.Kind) {
		fs = append(fs, socialrx.Field(path+"/kind", "must be one of %s", strings.Join(s.Kind.EnumValues(), ", ")))
	}
	if strings.TrimSpace(s.Detail) == "" {
		fs = append(fs, socialrx.Field(path+"/detail", "required: say what was arranged"))
	}
	return fs
}

// Activity is an activity agreed with the person, linked to the signpost
// or onward referral that carries it by id.
type Activity struct {
	// Kind says whether RefID is a signpost or an onward referral.
	Kind ActivityKind `json:"kind"`
	// RefID is the id of the signpost or onward referral (a UUID).
	RefID string `json:"ref_id" jsonschema:"format=uuid"`
	// Description says what was agreed, in plain words, for the plan summary.
	Description string `json:"description" jsonschema:"minLength=1,maxLength=1000"`
	// Goals are the indexes of the goals the activity serves.
	Goals []int `json:"goals,omitempty"`
	// AgreedOn is when it was agreed.
	AgreedOn socialrx.Date `json:"agreed_on"`
}

// Review is a date to review the plan with the person.
type Review struct {
	// Due is when the review is due.
	Due socialrx.Date `json:"due"`
	// DoneAt is when it was done; absent until then.
	DoneAt time.Time `json:"done_at,omitzero"`
	// By is who did it.
	By string `json:"by,omitempty" jsonschema:"maxLength=128"`
	// Notes say what the review found.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=4000"`
}

// NextContact is the next contact agreed with the person.
type NextContact struct {
	// On is the date.
	On socialrx.Date `json:"on"`
	// Kind is how it will happen.
	Kind ContactKind `json:"kind"`
}

// IsZero reports whether no next contact is set.
func (n NextContact) IsZero() bool { return n.On.IsZero() }

func (n NextContact) check(path string, notBefore socialrx.Date) []socialrx.FieldError {
	var fs []socialrx.FieldError
	switch {
	case n.On.IsZero():
		fs = append(fs, socialrx.Field(path+"/on", "required"))
	case n.On.Before(notBefore):
		fs = append(fs, socialrx.Field(path+"/on", "must not be before %s", notBefore))
	}
	if !oneOf(n.Kind) {
		fs = append(fs, socialrx.Field(path+"/kind", "must be one of %s", strings.Join(n.Kind.EnumValues(), ", ")))
	}
	return fs
}

func required(path, v string) []socialrx.FieldError {
	if strings.TrimSpace(v) == "" {
		return []socialrx.FieldError{socialrx.Field(path, "required")}
	}
	return nil
}

// SetWhatMatters records what matters to the person, in their own words.
// Codes: invalid ("/status" when closed, "/what_matters" when blank).
func (p *Plan) SetWhatMatters(text string, now time.Time) error {
	fs := append(p.open(), required("/what_matters", text)...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	p.WhatMatters = strings.TrimSpace(text)
	p.touch(now.UTC())
	return nil
}

// AddGoal adds a goal in the person's own words, not started, and returns
// its index. Codes: invalid ("/status" when closed, "/text", "/need",
// "/goals" after [MaxGoals]).
func (p *Plan) AddGoal(text string, need socialrx.Need, now time.Time) (int, error) {
	fs := append(p.open(), required("/text", text)...)
	if !need.Valid() {
		fs = append(fs, socialrx.Field("/need", "unknown need code %q", string(need)))
	}
	fs = append(fs, full("/goals", len(p.Goals), MaxGoals, "goals")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return 0, err
	}
	now = now.UTC()
	p.Goals = append(p.Goals, Goal{Text: strings.TrimSpace(text), Need: need, Status: GoalNotStarted, SetAt: now})
	p.touch(now)
	return len(p.Goals) - 1, nil
}

// UpdateGoal adds a progress note to goal i and, when status is not empty,
// moves the goal to it (see [CanMoveGoal]). Codes: invalid ("/status" when
// the plan is closed, "/goals/i" when there is no such goal,
// "/goals/i/status" for a move not allowed, "/text", "/by",
// "/goals/i/notes" after [MaxGoalNotes]).
func (p *Plan) UpdateGoal(i int, status GoalStatus, note, by string, now time.Time) error {
	fs := p.open()
	gp := "/goals/" + strconv.Itoa(i)
	if i < 0 || i >= len(p.Goals) {
		fs = append(fs, socialrx.Field(gp, "no such goal"))
	} else {
		fs = append(fs, full(gp+"/notes", len(p.Goals[i].Notes), MaxGoalNotes, "progress notes")...)
		from := p.Goals[i].Status
		switch {
		case status == "":
		case !oneOf(status):
			fs = append(fs, socialrx.Field(gp+"/status", "must be one of %s", strings.Join(status.EnumValues(), ", ")))
		case !CanMoveGoal(from, status):
			fs = append(fs, socialrx.Field(gp+"/status", "a goal that is %s cannot become %s", from, status))
		}
	}
	fs = append(fs, required("/text", note)...)
	fs = append(fs, required("/by", by)...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	now = now.UTC()
	g := &p.Goals[i]
	g.Notes = append(g.Notes, ProgressNote{At: now, By: by, Text: strings.TrimSpace(note), Status: status})
	if status != "" {
		g.Status = status
	}
	p.touch(now)
	return nil
}

// AddBarrier adds a barrier, with any support already agreed, and returns
// its index. Codes: invalid ("/status" when closed, "/kind",
// "/support/N/kind", "/support/N/detail", "/support" above [MaxSupport],
// "/barriers" after [MaxBarriers]).
func (p *Plan) AddBarrier(b Barrier, now time.Time) (int, error) {
	fs := p.open()
	if !oneOf(b.Kind) {
		fs = append(fs, socialrx.Field("/kind", "must be one of %s", strings.Join(b.Kind.EnumValues(), ", ")))
	}
	for i, s := range b.Support {
		fs = append(fs, s.check("/support/"+strconv.Itoa(i))...)
	}
	if len(b.Support) > MaxSupport {
		fs = append(fs, socialrx.Field("/support", "holds at most %d supports", MaxSupport))
	}
	fs = append(fs, full("/barriers", len(p.Barriers), MaxBarriers, "barriers")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return 0, err
	}
	b.Support = slices.Clone(b.Support)
	p.Barriers = append(p.Barriers, b)
	p.touch(now.UTC())
	return len(p.Barriers) - 1, nil
}

// AddSupport adds support that removes barrier i. Codes: invalid
// ("/status" when closed, "/barriers/i" when there is no such barrier,
// "/kind", "/detail", "/barriers/i/support" after [MaxSupport]).
func (p *Plan) AddSupport(i int, s Support, now time.Time) error {
	fs := p.open()
	if i < 0 || i >= len(p.Barriers) {
		fs = append(fs, socialrx.Field("/barriers/"+strconv.Itoa(i), "no such barrier"))
	} else {
		fs = append(fs, full("/barriers/"+strconv.Itoa(i)+"/support", len(p.Barriers[i].Support), MaxSupport, "supports")...)
	}
	fs = append(fs, s.check("")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	p.Barriers[i].Support = append(p.Barriers[i].Support, s)
	p.touch(now.UTC())
	return nil
}

// AddActivity records an activity agreed with the person, linked to its
// signpost or onward referral by id, and returns its index. A zero
// AgreedOn means today. Codes: invalid ("/status" when closed, "/kind",
// "/ref_id" not a UUID or already linked, "/description", "/goals/N" when
// there is no such goal, "/agreed_on" in the future or before the referral,
// "/activities" after [MaxActivities]).
func (p *Plan) AddActivity(a Activity, now time.Time) (int, error) {
	fs := p.open()
	today := socialrx.DateOf(now.UTC())
	if !oneOf(a.Kind) {
		fs = append(fs, socialrx.Field("/kind", "must be one of signpost, onward_referral"))
	}
	if _, err := uuid.Parse(a.RefID); err != nil {
		fs = append(fs, socialrx.Field("/ref_id", "must be a UUID"))
	} else {
		for j, b := range p.Activities {
			if b.Kind == a.Kind && strings.EqualFold(b.RefID, a.RefID) {
				fs = append(fs, socialrx.Field("/ref_id", "this %s is already linked at /activities/%d", a.Kind, j))
			}
		}
	}
	fs = append(fs, required("/description", a.Description)...)
	for j, g := range a.Goals {
		switch {
		case g < 0 || g >= len(p.Goals):
			fs = append(fs, socialrx.Field("/goals/"+strconv.Itoa(j), "no goal %d", g))
		case slices.Contains(a.Goals[:j], g):
			fs = append(fs, socialrx.Field("/goals/"+strconv.Itoa(j), "goal %d is listed twice", g))
		}
	}
	if a.AgreedOn.IsZero() {
		a.AgreedOn = today
	}
	switch {
	case a.AgreedOn.After(today):
		fs = append(fs, socialrx.Field("/agreed_on", "is in the future"))
	case a.AgreedOn.Before(p.ReferralDate):
		fs = append(fs, socialrx.Field("/agreed_on", "is before the referral date %s", p.ReferralDate))
	}
	fs = append(fs, full("/activities", len(p.Activities), MaxActivities, "activities")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return 0, err
	}
	a.Description = strings.TrimSpace(a.Description)
	a.Goals = slices.Clone(a.Goals)
	p.Activities = append(p.Activities, a)
	p.touch(now.UTC())
	return len(p.Activities) - 1, nil
}

// ScheduleReview adds a review date and returns its index. Codes: invalid
// ("/status" when closed, "/due" when missing or in the past, "/reviews"
// after [MaxReviews]).
func (p *Plan) ScheduleReview(due socialrx.Date, now time.Time) (int, error) {
	fs := p.open()
	switch {
	case due.IsZero():
		fs = append(fs, socialrx.Field("/due", "required"))
	case due.Before(socialrx.DateOf(now.UTC())):
		fs = append(fs, socialrx.Field("/due", "is in the past"))
	}
	fs = append(fs, full("/reviews", len(p.Reviews), MaxReviews, "reviews")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return 0, err
	}
	p.Reviews = append(p.Reviews, Review{Due: due})
	p.touch(now.UTC())
	return len(p.Reviews) - 1, nil
}

// CompleteReview records that review i was done now, with what it found.
// Codes: invalid ("/status" when closed, "/reviews/i" when there is no
// such review or it is done, "/notes", "/by").
func (p *Plan) CompleteReview(i int, notes, by string, now time.Time) error {
	fs := p.open()
	rp := "/reviews/" + strconv.Itoa(i)
	switch {
	case i < 0 || i >= len(p.Reviews):
		fs = append(fs, socialrx.Field(rp, "no such review"))
	case !p.Reviews[i].DoneAt.IsZero():
		fs = append(fs, socialrx.Field(rp+"/done_at", "the review is already done"))
	}
	fs = append(fs, required("/notes", notes)...)
	fs = append(fs, required("/by", by)...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	now = now.UTC()
	p.Reviews[i].DoneAt, p.Reviews[i].By, p.Reviews[i].Notes = now, by, strings.TrimSpace(notes)
	p.touch(now)
	return nil
}

// NextReview returns the earliest review not yet done, if any.
func (p *Plan) NextReview() (socialrx.Date, bool) {
	var d socialrx.Date
	for _, r := range p.Reviews {
		if r.DoneAt.IsZero() && (d.IsZero() || r.Due.Before(d)) {
			d = r.Due
		}
	}
	return d, !d.IsZero()
}

// ScheduleContact sets the next contact agreed with the person. Codes:
// invalid ("/status" when closed, "/on" when missing or in the past, "/kind").
func (p *Plan) ScheduleContact(n NextContact, now time.Time) error {
	fs := append(p.open(), n.check("", socialrx.DateOf(now.UTC()))...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	p.NextContact = n
	p.touch(now.UTC())
	return nil
}
