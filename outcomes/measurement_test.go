package outcomes_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

func intp(v int) *int { return &v }

func TestScoreRefusesBadInput(t *testing.T) {
	good := func() outcomes.Measurement {
		return meas("p1", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 1, 2, 3, 4)
	}
	tests := []struct {
		name   string
		change func(m *outcomes.Measurement)
		paths  []string
	}{
		{"answer above the scale", func(m *outcomes.Measurement) { m.Answers[1].Value = intp(4) }, []string{"/answers/1/value"}},
		{"answer below the scale", func(m *outcomes.Measurement) { m.Answers[0].Value = intp(0) }, []string{"/answers/0/value"}},
		{"too few items", func(m *outcomes.Measurement) { m.Answers = m.Answers[:3] }, []string{"/answers"}},
		{"no answers", func(m *outcomes.Measurement) { m.Answers = nil }, []string{"/answers", "/answers", "/answers", "/answers"}},
		{"too many items", func(m *outcomes.Measurement) {
			m.Answers = append(m.Answers, outcomes.Answer{Item: "extra", Value: intp(1)})
		}, []string{"/answers/4/item"}},
		{"item twice", func(m *outcomes.Measurement) {
			m.Answers = append(m.Answers, m.Answers[0])
		}, []string{"/answers/4/item"}},
		{"words on an item without words", func(m *outcomes.Measurement) { m.Answers[2].Words = "x" }, []string{"/answers/2/words"}},
		{"unknown instrument", func(m *outcomes.Measurement) { m.Instrument = "phq9" }, []string{"/instrument"}},
		{"unknown version", func(m *outcomes.Measurement) { m.InstrumentVersion = "2" }, []string{"/instrument_version"}},
		{"bad id", func(m *outcomes.Measurement) { m.ID = "not-a-uuid" }, []string{"/id"}},
		{"no person", func(m *outcomes.Measurement) { m.Person = "" }, []string{"/person"}},
		{"no referral", func(m *outcomes.Measurement) { m.Referral = "" }, []string{"/referral"}},
		{"no date", func(m *outcomes.Measurement) { m.Date = socialrx.Date{} }, []string{"/date"}},
		{"bad time point", func(m *outcomes.Measurement) { m.TimePoint = "later" }, []string{"/time_point"}},
		{"bad mode", func(m *outcomes.Measurement) { m.Mode = "carrier_pigeon" }, []string{"/mode"}},
		{"no administrator", func(m *outcomes.Measurement) { m.AdministeredBy = "" }, []string{"/administered_by"}},
		{"unknown need", func(m *outcomes.Measurement) { m.Context.Needs = []socialrx.Need{"joy"} }, []string{"/context/needs/0"}},
		{"several at once", func(m *outcomes.Measurement) {
			m.Mode = ""
			m.Answers[3].Value = intp(9)
		}, []string{"/answers/3/value", "/mode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good()
			tt.change(&m)
			got, err := reg.Score(m)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tt.paths, paths(err))
			for _, f := range socialrx.ErrorFields(err) {
				assert.NotEmpty(t, f.Rule)
			}
			assert.Empty(t, got.Scores, "nothing is returned half-scored")
		})
	}
}

func TestScoreReturnsACopy(t *testing.T) {
	m := meas("p1", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 1, 2, 3, 4)
	m.Scores = []outcomes.Score{{Scale: "total", Value: 99}}
	got, err := reg.Score(m)
	require.NoError(t, err)
	assert.Equal(t, 6.0, scoreOf(got, "total").Value, "given scores are replaced")
	*got.Answers[0].Value = 3
	assert.Equal(t, 1, *m.Answers[0].Value, "the input is not aliased")
}

func TestParseMeasurement(t *testing.T) {
	m := meas("p1", outcomes.TimeFollowUp, "2025-03-01", outcomes.DJG6, 1, 2, 3, 1, 2, -1)
	m.Context = outcomes.Context{TriageLevel: "2", Needs: []socialrx.Need{socialrx.NeedLoneliness}}
	doc, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, outcomes.ValidateMeasurement(doc))
	got, err := reg.ParseMeasurement(doc)
	require.NoError(t, err)
	assert.Equal(t, 4.0, scoreOf(got, "total").Value, "emotional 0+1+1, social 1+1, one missing")
	scored, err := json.Marshal(got)
	require.NoError(t, err)
	require.NoError(t, outcomes.ValidateMeasurement(scored), "a scored measurement validates")

	bad := []byte(`{"id":"x","instrument":"ucla3","instrument_version":"1","person":"p","referral":"r",
		"time_point":"soon","date":"2025-02-30","administered_by":"a","mode":"phone","answers":[{"item":"direct","value":"3"}],
		"evaluation_consent":true,"colour":"red"}`)
	_, err = reg.ParseMeasurement(bad)
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/answers/0/value", "/colour", "/date", "/id", "/time_point"}, paths(err))

	_, err = reg.ParseMeasurement([]byte(`{`))
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
}
