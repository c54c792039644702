package outcomes_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
)

// TestSchemasFresh: every published schema is the one reflected from the Go
// types now, the binary embeds the committed file, and Schemas publishes
// exactly these names.
func TestSchemasFresh(t *testing.T) {
	schema.CheckPublished(t, ".", outcomes.Schemas(), map[string]any{
		"measurement": outcomes.Measurement{},
		"instrument":  outcomes.Definition{},
		"report":      outcomes.Report{},
	})
}

func TestSchemasAreCopies(t *testing.T) {
	outcomes.Schemas()["report"][0] = 'x'
	assert.Equal(t, byte('{'), outcomes.Schemas()["report"][0])
}

func TestValidateAs(t *testing.T) {
	instrument, err := os.ReadFile("testdata/custom_instrument.json")
	require.NoError(t, err)
	measurement, err := json.Marshal(meas("p1", outcomes.TimeBaseline, "2025-01-10", outcomes.SWEMWBS, swem(20)...))
	require.NoError(t, err)
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{})
	require.NoError(t, err)
	pair(t, acc, "p1", outcomes.Context{}, 20, 24)
	rep, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	var report bytes.Buffer
	require.NoError(t, rep.WriteJSON(&report))

	tests := []struct {
		name      string
		good, bad []byte
		paths     []string
	}{
		{"measurement", measurement, []byte(strings.Replace(string(measurement), `"baseline"`, `"soon"`, 1)), []string{"/time_point"}},
		{"instrument", instrument, []byte(strings.Replace(string(instrument), `"domain": "wellbeing"`, `"domain": "joy"`, 1)), []string{"/scales/0/domain"}},
		{"report", report.Bytes(), []byte(`{"min_cell":"5"}`), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, outcomes.ValidateAs(tc.name, tc.good))
			err := outcomes.ValidateAs(tc.name, tc.bad)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			if tc.paths != nil {
				assert.Equal(t, tc.paths, paths(err))
			}
			for _, other := range tests {
				if other.name != tc.name {
					assert.Error(t, outcomes.ValidateAs(tc.name, other.good), "a %s is not a %s", other.name, tc.name)
				}
			}
		})
	}

	err = outcomes.ValidateAs("measurements", measurement)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, "instrument, measurement, report")
}
