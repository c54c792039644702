package plan

import (
	"encoding/json"
	"strconv"

	"github.com/invopop/jsonschema"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// The most entries the lists of a plan hold. The methods that append to a
// list refuse with CodeInvalid, naming the list, once it is full, so that
// no caller can grow a stored plan without bound; plan.schema.json takes
// its maxItems from these constants.
const (
	// MaxTriage is the most triage results a plan keeps ([Plan.Retriage]).
	MaxTriage = 100
	// MaxContacts is the most contacts a plan records ([Plan.AddContact]),
	// whatever its budget.
	MaxContacts = 500
	// MaxExtensions is the most extensions of a budget ([Plan.ExtendBudget]
	// and the ones [Plan.Retriage] makes).
	MaxExtensions = 100
	// MaxPauses is the most times a plan may be paused ([Plan.Pause]).
	MaxPauses = 100
	// MaxHistory is the most status changes a plan can have: made, paused
	// and resumed MaxPauses times, closed. It is never reached, so the
	// methods that change the status need no check of their own.
	MaxHistory = 2*MaxPauses + 2
	// MaxGoals is the most goals a plan holds ([Plan.AddGoal]).
	MaxGoals = 50
	// MaxGoalNotes is the most progress notes a goal holds ([Plan.UpdateGoal]).
	MaxGoalNotes = 200
	// MaxBarriers is the most barriers a plan holds ([Plan.AddBarrier]).
	MaxBarriers = 50
	// MaxSupport is the most support a barrier holds ([Plan.AddSupport]).
	MaxSupport = 20
	// MaxActivities is the most activities a plan holds ([Plan.AddActivity]).
	MaxActivities = 100
	// MaxReviews is the most reviews a plan holds ([Plan.ScheduleReview]).
	MaxReviews = 100
	// MaxFactors is the most factor rules a rule set holds.
	MaxFactors = 200
	// MaxReasons is the most reasons a triage result gives: one per factor
	// and at most three more (safeguarding, the default rule, the level).
	MaxReasons = MaxFactors + 3
)

// JSONSchemaExtend bounds the lists the plan's methods append to.
func (Plan) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{
		"triage": MaxTriage, "contacts": MaxContacts, "pauses": MaxPauses, "history": MaxHistory,
		"goals": MaxGoals, "barriers": MaxBarriers, "activities": MaxActivities, "reviews": MaxReviews,
	})
}

// JSONSchemaExtend bounds the budget's extensions.
func (Budget) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"extensions": MaxExtensions})
}

// JSONSchemaExtend bounds the goal's progress notes.
func (Goal) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"notes": MaxGoalNotes})
}

// JSONSchemaExtend bounds the barrier's support.
func (Barrier) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"support": MaxSupport})
}

// JSONSchemaExtend bounds the goals an activity serves: each a goal of
// the plan, at most once.
func (Activity) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"goals": MaxGoals})
	if p, ok := s.Properties.Get("goals"); ok && p.Items != nil {
		p.Items.Minimum, p.Items.Maximum = "0", jsonNumber(MaxGoals-1)
	}
}

// JSONSchemaExtend bounds the reasons of a triage result.
func (Result) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"reasons": MaxReasons})
}

// JSONSchemaExtend bounds the factor rules of a rule set.
func (RuleSet) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"factors": MaxFactors})
}

func jsonNumber(n int) json.Number { return json.Number(strconv.Itoa(n)) }

// full returns the field error of a list at path that holds max entries.
func full(path string, n, max int, what string) []socialrx.FieldError {
	if n < max {
		return nil
	}
	return []socialrx.FieldError{socialrx.Field(path, "holds at most %d %s; no more can be added", max, what)}
}
