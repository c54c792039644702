package outcomes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
)

func TestSchemasFresh(t *testing.T) {
	schema.CheckFresh(t, "measurement.schema.json", "measurement", outcomes.Measurement{})
	schema.CheckFresh(t, "instrument.schema.json", "instrument", outcomes.Definition{})
	schema.CheckFresh(t, "report.schema.json", "report", outcomes.Report{})
	for _, name := range []string{"measurement", "instrument", "report"} {
		assert.NotEmpty(t, outcomes.Schema(name), name)
	}
	assert.Nil(t, outcomes.Schema("nope"))
}
