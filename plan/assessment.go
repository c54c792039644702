package plan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Assessment records what the link worker learned at the initial
// assessment (or a later one): needs and how heavily each weighs, practical
// crises, risk flags, circumstances, readiness and support network. It is
// the input of [Triage].
type Assessment struct {
	// AssessedAt is when the assessment was made.
	AssessedAt time.Time `json:"assessed_at"`
	// AssessedBy identifies the link worker who made it.
	AssessedBy string `json:"assessed_by" jsonschema:"minLength=1,maxLength=128"`
	// Needs are the person's needs, each at most once, with their severity.
	Needs []AssessedNeed `json:"needs,omitempty"`
	// Crises are practical crises that need hands-on help now.
	Crises []Crisis `json:"crises,omitempty"`
	// Risks are risks that need help beyond the link worker, each at most once.
	Risks []RiskFlag `json:"risks,omitempty"`
	// Circumstances are things about the person's life that make support harder to reach, each at most once.
	Circumstances []Circumstance `json:"circumstances,omitempty"`
	// Readiness is how ready the person is to make a change.
	Readiness Readiness `json:"readiness"`
	// SupportNetwork is how much help the person has from people around them.
	SupportNetwork SupportNetwork `json:"support_network"`
	// Notes are the link worker's own notes; they never reach the plan summary.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=4000"`
}

// AssessedNeed is one need with its severity.
type AssessedNeed struct {
	// Need is the need code.
	Need socialrx.Need `json:"need"`
	// Severity is how heavily the need weighs on the person.
	Severity Severity `json:"severity"`
}

// Crisis is one practical crisis.
type Crisis struct {
	// Kind is the kind of crisis.
	Kind CrisisKind `json:"kind"`
	// Deadline is the date by which something must be done, if there is one
	// (a benefits form, a court date, an eviction).
	Deadline socialrx.Date `json:"deadline,omitzero"`
	// Note says more, in a few words.
	Note string `json:"note,omitempty"`
}

// Has reports whether the assessment carries the risk flag.
func (a Assessment) Has(r RiskFlag) bool {
	for _, x := range a.Risks {
		if x == r {
			return true
		}
	}
	return false
}

// Check returns nil or a CodeInvalid [socialrx.Error] naming every field of
// the assessment that breaks a rule: no time or assessor, unknown codes,
// and needs, risks or circumstances listed twice.
func (a Assessment) Check() error {
	var fs []socialrx.FieldError
	if a.AssessedAt.IsZero() {
		fs = append(fs, socialrx.Field("/assessed_at", "required"))
	}
	if strings.TrimSpace(a.AssessedBy) == "" {
		fs = append(fs, socialrx.Field("/assessed_by", "required"))
	}
	for i, n := range a.Needs {
		switch {
		case !n.Need.Valid():
			fs = append(fs, socialrx.Field("/needs/"+strconv.Itoa(i)+"/need", "unknown need code %q", string(n.Need)))
		case slices.ContainsFunc(a.Needs[:i], func(m AssessedNeed) bool { return m.Need == n.Need }):
			fs = append(fs, socialrx.Field("/needs/"+strconv.Itoa(i)+"/need", "need %q is listed twice", string(n.Need)))
		}
		if !oneOf(n.Severity) {
			fs = append(fs, socialrx.Field("/needs/"+strconv.Itoa(i)+"/severity", "must be one of low, moderate, high"))
		}
	}
	for i, c := range a.Crises {
		if !oneOf(c.Kind) {
			fs = append(fs, socialrx.Field("/crises/"+strconv.Itoa(i)+"/kind", "unknown crisis kind %q", string(c.Kind)))
		}
	}
	fs = append(fs, checkSet("/risks", a.Risks, "risk flag")...)
	fs = append(fs, checkSet("/circumstances", a.Circumstances, "circumstance")...)
	if !oneOf(a.Readiness) {
		fs = append(fs, socialrx.Field("/readiness", "must be one of %s", strings.Join(a.Readiness.EnumValues(), ", ")))
	}
	if !oneOf(a.SupportNetwork) {
		fs = append(fs, socialrx.Field("/support_network", "must be one of %s", strings.Join(a.SupportNetwork.EnumValues(), ", ")))
	}
	return socialrx.Invalid(fs...)
}

// checkSet reports unknown and repeated codes in a list that is a set.
func checkSet[T enum](path string, vs []T, what string) []socialrx.FieldError {
	var fs []socialrx.FieldError
	for i, v := range vs {
		switch {
		case !oneOf(v):
			fs = append(fs, socialrx.Field(path+"/"+strconv.Itoa(i), "unknown %s %q", what, string(v)))
		case slices.Contains(vs[:i], v):
			fs = append(fs, socialrx.Field(path+"/"+strconv.Itoa(i), "%s %q is listed twice", what, string(v)))
		}
	}
	return fs
}
