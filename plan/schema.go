package plan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// The committed JSON Schemas (2020-12), reflected from the Go types; tests
// fail when one is stale.
var (
	//go:embed plan.schema.json
	planSchema []byte
	//go:embed assessment.schema.json
	assessmentSchema []byte
	//go:embed ruleset.schema.json
	ruleSetSchema []byte
	//go:embed contact.schema.json
	contactSchema []byte
)

// Schemas returns the package's JSON Schemas by file name
// (plan.schema.json, assessment.schema.json, ruleset.schema.json,
// contact.schema.json), as copies the caller may keep.
func Schemas() map[string][]byte {
	return map[string][]byte{
		"plan.schema.json":       bytes.Clone(planSchema),
		"assessment.schema.json": bytes.Clone(assessmentSchema),
		"ruleset.schema.json":    bytes.Clone(ruleSetSchema),
		"contact.schema.json":    bytes.Clone(contactSchema),
	}
}

var (
	planValidator       = sync.OnceValue(func() *schema.Validator { return schema.MustCompile("plan.schema.json", planSchema) })
	assessmentValidator = sync.OnceValue(func() *schema.Validator {
		return schema.MustCompile("assessment.schema.json", assessmentSchema)
	})
	ruleSetValidator = sync.OnceValue(func() *schema.Validator { return schema.MustCompile("ruleset.schema.json", ruleSetSchema) })
	contactValidator = sync.OnceValue(func() *schema.Validator { return schema.MustCompile("contact.schema.json", contactSchema) })
)

// Validate checks a plan document against plan.schema.json and then
// [Plan.Check]. Codes: invalid, naming every failing JSON pointer.
func Validate(doc []byte) error {
	if err := planValidator().Validate(doc); err != nil {
		return err
	}
	var p Plan
	if err := json.Unmarshal(doc, &p); err != nil {
		return socialrx.Invalid(socialrx.Field("", "not a plan: %v", err))
	}
	return p.Check()
}

// ValidateAssessment checks an assessment document against
// assessment.schema.json and then [Assessment.Check]. Codes: invalid.
func ValidateAssessment(doc []byte) error {
	if err := assessmentValidator().Validate(doc); err != nil {
		return err
	}
	var a Assessment
	if err := json.Unmarshal(doc, &a); err != nil {
		return socialrx.Invalid(socialrx.Field("", "not an assessment: %v", err))
	}
	return a.Check()
}

// ValidateRuleSet checks a rule set document against ruleset.schema.json
// only; [LoadRuleSet] also checks the rules. Codes: invalid.
func ValidateRuleSet(doc []byte) error { return ruleSetValidator().Validate(doc) }

// ValidateContact checks a contact document against contact.schema.json
// and then [Contact.Check]. Codes: invalid.
func ValidateContact(doc []byte) error {
	if err := contactValidator().Validate(doc); err != nil {
		return err
	}
	var c Contact
	if err := json.Unmarshal(doc, &c); err != nil {
		return socialrx.Invalid(socialrx.Field("", "not a contact: %v", err))
	}
	return c.Check()
}
