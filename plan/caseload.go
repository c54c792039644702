package plan

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Weights are the caseload weights of the three levels: a level 3 case
// counts for more work than a level 1 case.
type Weights struct {
	// Level1 is the weight of a level 1 case.
	Level1 float64 `json:"level_1"`
	// Level2 is the weight of a level 2 case.
	Level2 float64 `json:"level_2"`
	// Level3 is the weight of a level 3 case.
	Level3 float64 `json:"level_3"`
}

// DefaultWeights weighs levels 1, 2 and 3 as 1, 2 and 3.
func DefaultWeights() Weights { return Weights{Level1: 1, Level2: 2, Level3: 3} }

// Of returns the weight of level l (0 for a level that does not exist).
func (w Weights) Of(l Level) float64 {
	switch l {
	case Level1:
		return w.Level1
	case Level2:
		return w.Level2
	case Level3:
		return w.Level3
	}
	return 0
}

// CaseloadOptions configure [Summarise].
type CaseloadOptions struct {
	// Weights weigh the levels; the zero value means [DefaultWeights].
	Weights Weights
	// NoContactDays lists active plans with no contact for more than this
	// many days; 0 means 14.
	NoContactDays int
}

// ByLevel counts plans by level.
type ByLevel struct {
	// Level1 counts the plans at level 1.
	Level1 int `json:"level_1"`
	// Level2 counts the plans at level 2.
	Level2 int `json:"level_2"`
	// Level3 counts the plans at level 3.
	Level3 int `json:"level_3"`
}

// Caseload summarises a link worker's open plans.
type Caseload struct {
	// Open counts the open plans: active and paused.
	Open int `json:"open"`
	// Active counts the active plans.
	Active int `json:"active"`
	// Paused counts the paused plans.
	Paused int `json:"paused"`
	// ByLevel counts open plans by their current level.
	ByLevel ByLevel `json:"by_level"`
	// Load is the weighted load: the sum of the weights of the open plans' levels.
	Load float64 `json:"load"`
	// Weights are the weights used.
	Weights Weights `json:"weights"`
	// DueThisWeek lists active plans whose next contact falls on or before
	// the Sunday that ends this week (Monday to Sunday); overdue ones are included.
	DueThisWeek []Due `json:"due_this_week"`
	// NoContact lists active plans with no contact for more than NoContactDays days
	// (counted from the plan's start when there has been none).
	NoContact []Quiet `json:"no_contact"`
	// NoContactDays is the threshold used for NoContact.
	NoContactDays int `json:"no_contact_days"`
	// ReviewsOverdue lists active plans with a review due before today and not done.
	ReviewsOverdue []Due `json:"reviews_overdue"`
	// Skipped counts closed plans passed in, which are left out.
	Skipped int `json:"skipped"`
}

// Due names a plan and the date something is due.
type Due struct {
	// PlanID is the plan's id.
	PlanID string `json:"plan_id"`
	// On is the date it is due.
	On socialrx.Date `json:"on"`
}

// Quiet names a plan and how long since it had a contact.
type Quiet struct {
	// PlanID is the plan's id.
	PlanID string `json:"plan_id"`
	// Since is the last contact, or the plan's start when there was none.
	Since time.Time `json:"since"`
	// Days is the number of whole days since then.
	Days int `json:"days"`
}

// Summarise summarises a link worker's open plans at now: counts by level,
// weighted load, contacts due this week, plans with no contact for
// NoContactDays, and overdue reviews. Paused plans count in the load (they
// stay on the caseload) but not in the time-based lists, since their clock
// is stopped. Closed plans are skipped. Lists are sorted by date, then plan
// id. Codes: invalid ("/weights/level_N" negative, "/no_contact_days" negative).
func Summarise(plans []Plan, opts CaseloadOptions, now time.Time) (Caseload, error) {
	var fs []socialrx.FieldError
	w := opts.Weights
	if w == (Weights{}) {
		w = DefaultWeights()
	}
	for l, v := range map[string]float64{"level_1": w.Level1, "level_2": w.Level2, "level_3": w.Level3} {
		if !(v >= 0) || math.IsInf(v, 0) {
			fs = append(fs, socialrx.Field("/weights/"+l, "must be a number, 0 or more"))
		}
	}
	days := opts.NoContactDays
	switch {
	case days < 0:
		fs = append(fs, socialrx.Field("/no_contact_days", "must not be negative"))
	case days == 0:
		days = 14
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return Caseload{}, err
	}

	now = now.UTC()
	today := socialrx.DateOf(now)
	weekEnd := today.AddDays((7 - int(now.Weekday())) % 7) // the coming Sunday, or today if Sunday
	quietBefore := now.Add(-time.Duration(days) * 24 * time.Hour)
	c := Caseload{Weights: w, NoContactDays: days, DueThisWeek: make([]Due, 0, len(plans)),
		NoContact: make([]Quiet, 0, len(plans)), ReviewsOverdue: []Due{}}
	for i := range plans {
		p := &plans[i]
		if p.Status == StatusClosed || len(p.Triage) == 0 {
			c.Skipped++
			continue
		}
		c.Open++
		l := p.Triage[len(p.Triage)-1].Level
		switch l {
		case Level1:
			c.ByLevel.Level1++
		case Level2:
			c.ByLevel.Level2++
		case Level3:
			c.ByLevel.Level3++
		}
		c.Load += w.Of(l)
		if p.Status == StatusPaused {
			c.Paused++
			continue
		}
		c.Active++
		if n := p.NextContact; !n.IsZero() && dayNumber(n.On) <= dayNumber(weekEnd) {
			c.DueThisWeek = append(c.DueThisWeek, Due{PlanID: p.ID, On: n.On})
		}
		since, ok := p.LastContact()
		if !ok {
			since = p.CreatedAt
		}
		if since.Before(quietBefore) {
			c.NoContact = append(c.NoContact, Quiet{PlanID: p.ID, Since: since, Days: int(now.Sub(since) / (24 * time.Hour))})
		}
		for _, r := range p.Reviews {
			if r.DoneAt.IsZero() && dayNumber(r.Due) < dayNumber(today) {
				c.ReviewsOverdue = append(c.ReviewsOverdue, Due{PlanID: p.ID, On: r.Due})
			}
		}
	}
	byDate := func(a, b Due) int {
		if c := cmp.Compare(dayNumber(a.On), dayNumber(b.On)); c != 0 {
			return c
		}
		return strings.Compare(a.PlanID, b.PlanID)
	}
	slices.SortFunc(c.DueThisWeek, byDate)
	slices.SortFunc(c.ReviewsOverdue, byDate)
	slices.SortFunc(c.NoContact, func(a, b Quiet) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		return strings.Compare(a.PlanID, b.PlanID)
	})
	return c, nil
}

// Capacity is the answer of [Caseload.CanTake].
type Capacity struct {
	// Load is the weighted load now.
	Load float64 `json:"load"`
	// Adding is the weight of the new case.
	Adding float64 `json:"adding"`
	// After is the load with the new case.
	After float64 `json:"after"`
	// Capacity is the most load the link worker should carry.
	Capacity float64 `json:"capacity"`
	// Fits is true when After does not exceed Capacity.
	Fits bool `json:"fits"`
}

// CanTake checks whether one more case at level l would keep the weighted
// load within capacity. Codes: invalid ("/level" not 1 to 3, "/capacity"
// not positive).
func (c Caseload) CanTake(l Level, capacity float64) (Capacity, error) {
	var fs []socialrx.FieldError
	if !l.Valid() {
		fs = append(fs, socialrx.Field("/level", "must be 1, 2 or 3"))
	}
	if !(capacity > 0) {
		fs = append(fs, socialrx.Field("/capacity", "must be more than 0"))
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return Capacity{}, err
	}
	w := c.Weights
	if w == (Weights{}) {
		w = DefaultWeights()
	}
	add := w.Of(l)
	after := c.Load + add
	return Capacity{Load: c.Load, Adding: add, After: after, Capacity: capacity, Fits: after <= capacity}, nil
}

// dayNumber orders dates cheaply: YYYYMMDD as an integer.
func dayNumber(d socialrx.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }
