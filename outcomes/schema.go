package outcomes

import (
	"bytes"
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

// Schema returns a copy of the committed JSON Schema named "measurement",
// "instrument" (a custom instrument definition) or "report", or nil for
// any other name.
func Schema(name string) []byte {
	switch name {
	case "measurement":
		return bytes.Clone(measurementSchema)
	case "instrument":
		return bytes.Clone(instrumentSchema)
	case "report":
		return bytes.Clone(reportSchema)
	}
	return nil
}

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
