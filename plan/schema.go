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

// Validate checks a plan document against plan.schema.json and
// [Plan.Check], all at once. Codes: invalid, naming every failing JSON
// pointer, the schema's and the check's side by side.
func Validate(doc []byte) error {
	_, err := schema.Check(doc, planValidator(), (*Plan).Check)
	return err
}

// ValidateAssessment checks an assessment document against
// assessment.schema.json and [Assessment.Check], all at once. Codes:
// invalid.
func ValidateAssessment(doc []byte) error {
	_, err := schema.Check(doc, assessmentValidator(), func(a *Assessment) error { return a.Check() })
	return err
}

// ValidateRuleSet checks a rule set document against ruleset.schema.json
// only; [LoadRuleSet] also checks the rules. Codes: invalid.
func ValidateRuleSet(doc []byte) error { return ruleSetValidator().Validate(doc) }

// ValidateContact checks a contact document against contact.schema.json
// and [Contact.Check], all at once. Codes: invalid.
func ValidateContact(doc []byte) error {
	_, err := schema.Check(doc, contactValidator(), func(c *Contact) error { return c.Check() })
	return err
}
