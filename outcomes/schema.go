package outcomes

import (
	_ "embed"

	"github.com/socialrx/socialrx/internal/schema"
)

// The committed JSON Schemas of the package's public documents, reflected
// from the Go types and checked fresh by the tests.
var (
	//go:embed measurement.schema.json
	measurementSchema []byte
	//go:embed instrument.schema.json
	instrumentSchema []byte
	//go:embed report.schema.json
	reportSchema []byte
)

var (
	measurementValidator = schema.MustCompile(schema.BaseID+"measurement.schema.json", measurementSchema)
	instrumentValidator  = schema.MustCompile(schema.BaseID+"instrument.schema.json", instrumentSchema)
	reportValidator      = schema.MustCompile(schema.BaseID+"report.schema.json", reportSchema)
)

// published are the package's schemas by name, each with its check.
var published = schema.Set{
	"measurement": {JSON: measurementSchema, Validate: ValidateMeasurement},
	"instrument":  {JSON: instrumentSchema, Validate: ValidateDefinition},
	"report":      {JSON: reportSchema, Validate: ValidateReport},
}

// Schemas returns the package's published JSON Schemas by name, as copies.
// The names are "measurement", "instrument" (a custom instrument
// definition) and "report".
func Schemas() map[string][]byte { return published.Schemas() }

// ValidateAs checks a document against the named published schema. It
// checks the shape only: [Registry.ParseMeasurement] also checks a
// measurement against its instrument and [ParseDefinition] a definition's
// scales. Codes: not_found (unknown name), invalid.
func ValidateAs(name string, doc []byte) error { return published.Validate(name, doc) }

// ValidateMeasurement checks a JSON document against
// measurement.schema.json. Codes: invalid, listing every failing pointer.
func ValidateMeasurement(doc []byte) error { return measurementValidator.Validate(doc) }

// ValidateDefinition checks a custom instrument definition against
// instrument.schema.json (the shape only; [NewCustom] checks the rest).
// Codes: invalid, listing every failing pointer.
func ValidateDefinition(doc []byte) error { return instrumentValidator.Validate(doc) }

// ValidateReport checks a JSON document against report.schema.json.
// Codes: invalid, listing every failing pointer.
func ValidateReport(doc []byte) error { return reportValidator.Validate(doc) }
