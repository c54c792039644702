package plan

import (
	_ "embed"
	"sync"

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

// published are the package's schemas by name, each with its check.
var published = schema.Set{
	"plan":       {JSON: planSchema, Validate: Validate},
	"assessment": {JSON: assessmentSchema, Validate: ValidateAssessment},
	"ruleset":    {JSON: ruleSetSchema, Validate: ValidateRuleSet},
	"contact":    {JSON: contactSchema, Validate: ValidateContact},
}

// Schemas returns the package's published JSON Schemas by name, as copies.
// The names are "plan", "assessment", "ruleset" and "contact"; the
// committed files are <name>.schema.json.
func Schemas() map[string][]byte { return published.Schemas() }

// ValidateAs checks a document against the named published schema and the
// package's own rules, as [Validate], [ValidateAssessment], [ValidateRuleSet]
// (the shape only; [LoadRuleSet] checks the rules) and [ValidateContact] do.
// Codes: not_found (unknown name), invalid.
func ValidateAs(name string, doc []byte) error { return published.Validate(name, doc) }

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
	if err := schema.DecodeStrict(doc, &p); err != nil {
		return err
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
	if err := schema.DecodeStrict(doc, &a); err != nil {
		return err
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
	if err := schema.DecodeStrict(doc, &c); err != nil {
		return err
	}
	return c.Check()
}
