package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// SafeguardingRuleID names the built-in rule that escalates every
// safeguarding concern, whatever the rule set says.
const SafeguardingRuleID = "safeguarding_always"

// safeguardingReason is the built-in rule's reason.
const safeguardingReason = "A safeguarding concern is always escalated to the safeguarding lead the same day, whatever else the assessment shows; support can carry on alongside."

// Result is the outcome of [Triage]: the level, pathway, escalations and
// suggested contact budget, with the reasons that led to them and the rule
// set that was used.
type Result struct {
	// Level is the level of support, 1 (least) to 3 (most).
	Level Level `json:"level" jsonschema:"minimum=1,maximum=3"`
	// Pathway is the kind of support the level gives.
	Pathway Pathway `json:"pathway"`
	// Escalations are the specialist services to bring in, if any.
	Escalations []Escalation `json:"escalations,omitempty"`
	// Contacts is the suggested contact budget.
	Contacts int `json:"contacts" jsonschema:"minimum=1,maximum=50"`
	// Score is the complexity score: the sum of the points of the rules that fired.
	Score int `json:"score" jsonschema:"minimum=0"`
	// Reasons lists every rule that fired, then the level rule that applied.
	Reasons []Reason `json:"reasons" jsonschema:"minItems=1"`
	// RuleSet is the name of the rule set used.
	RuleSet string `json:"rule_set" jsonschema:"minLength=1,maxLength=64"`
	// RuleSetVersion is the version of the rule set used.
	RuleSetVersion string `json:"rule_set_version" jsonschema:"minLength=1,maxLength=32"`
	// AssessedAt is when the assessment was made.
	AssessedAt time.Time `json:"assessed_at"`
	// AssessedBy is who made the assessment.
	AssessedBy string `json:"assessed_by" jsonschema:"minLength=1,maxLength=128"`
}

// Reason is one rule that took part in a triage result, in words.
type Reason struct {
	// Rule is the id of the rule.
	Rule string `json:"rule" jsonschema:"minLength=1,maxLength=64"`
	// Text is the rule's reason, in a link worker's words.
	Text string `json:"text" jsonschema:"minLength=1"`
	// Points the rule added to the score.
	Points int `json:"points,omitempty" jsonschema:"minimum=0,maximum=10"`
	// MinLevel the rule asked for.
	MinLevel Level `json:"min_level,omitempty" jsonschema:"minimum=1,maximum=3"`
	// Escalate is the escalation the rule called for.
	Escalate Escalation `json:"escalate,omitempty"`
}

// String renders the reason on one line, such as
// "practical_crisis (+2, at least level 2): A practical crisis …".
func (r Reason) String() string {
	var tags []string
	if r.Points != 0 {
		tags = append(tags, fmt.Sprintf("+%d", r.Points))
	}
	if r.MinLevel != 0 {
		tags = append(tags, fmt.Sprintf("at least level %d", r.MinLevel))
	}
	if r.Escalate != "" {
		tags = append(tags, "escalate: "+string(r.Escalate))
	}
	if len(tags) == 0 {
		return r.Rule + ": " + r.Text
	}
	return r.Rule + " (" + strings.Join(tags, ", ") + "): " + r.Text
}

// Escalates reports whether the result calls for the escalation.
func (r Result) Escalates(e Escalation) bool { return slices.Contains(r.Escalations, e) }

// Explain renders the result for a link worker: the level, pathway and
// budget, any escalation, and one line per reason.
func (r Result) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Level %d: %s, %d contacts (score %d, rule set %s %s).\n",
		r.Level, r.Pathway.Label(), r.Contacts, r.Score, r.RuleSet, r.RuleSetVersion)
	if len(r.Escalations) > 0 {
		fmt.Fprintf(&b, "Escalate: %s.\n", strings.Join(strs(r.Escalations), ", "))
	}
	b.WriteString("Because:\n")
	for _, x := range r.Reasons {
		b.WriteString("- ")
		b.WriteString(x.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Triage applies a rule set to an assessment. Every factor rule that
// matches adds its points and reason; the score picks a level band (or the
// default level); the level is raised to the highest minimum a fired rule
// asked for. A safeguarding concern always escalates to safeguarding, even
// when the rule set has no rule for it. A nil rs means [DefaultRules].
//
// Codes: invalid, naming the assessment's fields at fault (such as
// "/needs/0/need") or, under "/rule_set", the rule set's.
func Triage(a Assessment, rs *RuleSet) (Result, error) {
	fs := socialrx.ErrorFields(a.Check())
	if rs == nil {
		rs = defaultRuleSet
	} else if err := rs.Check(); err != nil {
		fs = append(fs, socialrx.Prefix("/rule_set", err)...)
	}
	if len(fs) > 0 {
		return Result{}, socialrx.Invalid(fs...)
	}
	return triage(&a, rs), nil
}

// triage evaluates a checked rule set against a checked assessment.
func triage(a *Assessment, rs *RuleSet) Result {
	r := Result{
		RuleSet:        rs.Name,
		RuleSetVersion: rs.Version,
		AssessedAt:     a.AssessedAt.UTC(),
		AssessedBy:     a.AssessedBy,
		Reasons:        make([]Reason, 0, 8),
	}
	var floor Level
	var esc [3]bool // indexed by escalationIndex
	for i := range rs.Factors {
		f := &rs.Factors[i]
		if !f.When.Matches(a) {
			continue
		}
		r.Score += f.Points
		floor = max(floor, f.MinLevel)
		if f.Escalate != "" {
			esc[escalationIndex(f.Escalate)] = true
		}
		r.Reasons = append(r.Reasons, Reason{Rule: f.ID, Text: f.Reason, Points: f.Points, MinLevel: f.MinLevel, Escalate: f.Escalate})
	}
	if a.Has(RiskSafeguarding) && !esc[escalationIndex(EscalateSafeguarding)] {
		esc[escalationIndex(EscalateSafeguarding)] = true
		r.Reasons = append(r.Reasons, Reason{Rule: SafeguardingRuleID, Text: safeguardingReason, Escalate: EscalateSafeguarding})
	}
	for i, e := range escalations {
		if esc[i] {
			r.Escalations = append(r.Escalations, e)
		}
	}

	var lr *LevelRule
	if band := rs.bandFor(r.Score); band != nil && band.Level >= floor {
		lr = band
	} else if band == nil && rs.Default.Level >= floor {
		lr = rs.levelRule(rs.Default.Level)
		r.Reasons = append(r.Reasons, Reason{Rule: DefaultRuleID, Text: rs.Default.Reason})
	} else {
		lr = rs.levelRule(floor)
	}
	r.Level, r.Pathway, r.Contacts = lr.Level, lr.Pathway, lr.Contacts
	r.Reasons = append(r.Reasons, Reason{Rule: lr.ID, Text: lr.Reason})
	return r
}

func escalationIndex(e Escalation) int {
	switch e {
	case EscalateMentalHealth:
		return 0
	case EscalateSubstanceMisuse:
		return 1
	}
	return 2
}

// check reports a triage result that did not come from [Triage]: a level,
// pathway, budget or rule set missing or out of range.
func (r Result) check(path string) []socialrx.FieldError {
	var fs []socialrx.FieldError
	if !r.Level.Valid() {
		fs = append(fs, socialrx.Field(path+"/level", "must be 1, 2 or 3"))
	}
	if !oneOf(r.Pathway) {
		fs = append(fs, socialrx.Field(path+"/pathway", "must be one of %s", strings.Join(r.Pathway.EnumValues(), ", ")))
	}
	if r.Contacts < 1 {
		fs = append(fs, socialrx.Field(path+"/contacts", "must be 1 or more"))
	}
	if r.RuleSet == "" || r.RuleSetVersion == "" {
		fs = append(fs, socialrx.Field(path+"/rule_set", "required: a triage result records its rule set's name and version"))
	}
	if r.AssessedAt.IsZero() {
		fs = append(fs, socialrx.Field(path+"/assessed_at", "required"))
	}
	if len(r.Reasons) == 0 {
		fs = append(fs, socialrx.Field(path+"/reasons", "required: a triage result gives its reasons"))
	}
	for i, e := range r.Escalations {
		if !oneOf(e) {
			fs = append(fs, socialrx.Field(fmt.Sprintf("%s/escalations/%d", path, i), "unknown escalation %q", string(e)))
		}
	}
	return fs
}
