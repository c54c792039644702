package outcomes_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

func customDoc(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile("testdata/custom_instrument.json")
	require.NoError(t, err)
	return doc
}

func customDef(t *testing.T) outcomes.Definition {
	t.Helper()
	var d outcomes.Definition
	require.NoError(t, json.Unmarshal(customDoc(t), &d))
	return d
}

func TestCustomInstrumentScoring(t *testing.T) {
	c, err := outcomes.ParseDefinition(customDoc(t))
	require.NoError(t, err)
	r, err := outcomes.NewRegistry(append(outcomes.Builtins(), c)...)
	require.NoError(t, err)

	score := func(vals ...int) []outcomes.Score {
		m := meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 1, 1, 1, 1)
		m.Instrument, m.InstrumentVersion = "team_confidence", "2024"
		m.Answers = nil
		for i, v := range vals {
			a := outcomes.Answer{Item: []string{"q1", "q2", "q3"}[i]}
			if v >= 0 {
				a.Value = intp(v)
			}
			m.Answers = append(m.Answers, a)
		}
		got, err := r.Score(m)
		require.NoError(t, err)
		return got.Scores
	}
	tests := []struct {
		vals []int
		want []outcomes.Score
	}{
		// q3 is reversed: 4-q3.
		{[]int{4, 4, 0}, []outcomes.Score{{Scale: "confidence", Value: 12, Band: "high"}, {Scale: "confidence_pct", Value: 100}}},
		{[]int{0, 0, 4}, []outcomes.Score{{Scale: "confidence", Value: 0, Band: "low"}, {Scale: "confidence_pct", Value: 0}}},
		{[]int{2, 1, 1}, []outcomes.Score{{Scale: "confidence", Value: 6, Band: "high"}, {Scale: "confidence_pct", Value: 37.5}}},
		// One missing: prorated, (3+0)*3/2 = 4.5 rounds half up to 5.
		{[]int{3, -1, 4}, []outcomes.Score{{Scale: "confidence", Value: 5, Band: "low"}, {Scale: "confidence_pct", Missing: true}}},
		// Two missing: beyond max_missing.
		{[]int{3, -1, -1}, []outcomes.Score{{Scale: "confidence", Missing: true}, {Scale: "confidence_pct", Missing: true}}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, score(tt.vals...), tt.vals)
	}
	assert.Equal(t, "team_confidence", c.Definition().ID)
}

func TestCustomInstrumentRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *outcomes.Definition)
		paths  []string
	}{
		{"lookup table with a gap", func(d *outcomes.Definition) {
			d.Scales[1].Lookup = append(d.Scales[1].Lookup[:4], d.Scales[1].Lookup[5:]...)
		}, []string{"/scales/1/lookup"}},
		{"lookup raw listed twice", func(d *outcomes.Definition) {
			d.Scales[1].Lookup[4].Raw = 3
		}, []string{"/scales/1/lookup", "/scales/1/lookup/4/raw"}},
		{"lookup raw impossible", func(d *outcomes.Definition) {
			d.Scales[1].Lookup = append(d.Scales[1].Lookup, outcomes.LookupEntry{Raw: 9, Score: 100})
		}, []string{"/scales/1/lookup/9/raw"}},
		{"lookup score off the scale", func(d *outcomes.Definition) { d.Scales[1].Lookup[2].Score = 101 }, []string{"/scales/1/lookup/2/score"}},
		{"lookup on a sum scale", func(d *outcomes.Definition) {
			d.Scales[0].Lookup = []outcomes.LookupEntry{{Raw: 0, Score: 0}}
		}, []string{"/scales/0/lookup"}},
		{"sum scale with the wrong span", func(d *outcomes.Definition) { d.Scales[0].Max = 10; d.Scales[0].Bands[1].Max = 10 }, []string{"/scales/0/min"}},
		{"a score in no band", func(d *outcomes.Definition) { d.Scales[0].Bands[1].Min = 7 }, []string{"/scales/0/bands"}},
		{"overlapping bands", func(d *outcomes.Definition) { d.Scales[0].Bands[1].Min = 5 }, []string{"/scales/0/bands/1"}},
		{"unknown item", func(d *outcomes.Definition) { d.Scales[0].Items[2] = "q9" }, []string{"/scales/0/items/2", "/scales/0/reverse/0"}},
		{"item named twice", func(d *outcomes.Definition) { d.Scales[1].Items[1] = "q1" }, []string{"/scales/1/items/1"}},
		{"max_missing too high", func(d *outcomes.Definition) { d.Scales[0].MaxMissing = 3 }, []string{"/scales/0/max_missing"}},
		{"threshold without a source", func(d *outcomes.Definition) { d.Scales[0].MeaningfulChangeSource = "" }, []string{"/scales/0/meaningful_change_source"}},
		{"duplicate item id", func(d *outcomes.Definition) { d.Items[1].ID = "q1" }, []string{"/items/1/id"}},
		{"item min above max", func(d *outcomes.Definition) { d.Items[0].Min = 5 }, []string{"/items/0/max"}},
		{"huge answers", func(d *outcomes.Definition) { d.Items[0].Max = 1_000_000_000 }, []string{"/items/0"}},
		{"built-in id", func(d *outcomes.Definition) { d.ID = outcomes.SWEMWBS }, []string{"/id"}},
		{"no version", func(d *outcomes.Definition) { d.Version = "" }, []string{"/version"}},
		{"bad scoring", func(d *outcomes.Definition) { d.Scales[0].Scoring = "mean" }, []string{"/scales/0/scoring"}},
		{"bad direction", func(d *outcomes.Definition) { d.Scales[0].Better = "up" }, []string{"/scales/0/better"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := customDef(t)
			tt.change(&d)
			_, err := outcomes.NewCustom(d)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tt.paths, paths(err))
		})
	}
}

func TestParseDefinitionGapNamesTheRawSum(t *testing.T) {
	d := customDef(t)
	d.Scales[1].Lookup = append(d.Scales[1].Lookup[:6], d.Scales[1].Lookup[7:]...)
	doc, err := json.Marshal(d)
	require.NoError(t, err)
	_, err = outcomes.ParseDefinition(doc)
	require.Error(t, err)
	fs := socialrx.ErrorFields(err)
	require.Len(t, fs, 1)
	assert.Equal(t, "/scales/1/lookup", fs[0].Path)
	assert.Contains(t, fs[0].Rule, "no entry for raw sum 6")
}

func TestParseDefinitionSchemaErrors(t *testing.T) {
	_, err := outcomes.ParseDefinition([]byte(`{"id":"x","version":"","label":"L","items":[{"id":"a","label":"A","min":"0","max":1}],"scales":[],"extra":true}`))
	require.Error(t, err)
	assert.Equal(t, []string{"/extra", "/items/0/min", "/scales", "/version"}, paths(err))
}

func TestCustomDefinitionIsCopied(t *testing.T) {
	d := customDef(t)
	c, err := outcomes.NewCustom(d)
	require.NoError(t, err)
	d.Scales[1].Lookup[8].Score = 1
	d.Items[0].Max = 1
	assert.Equal(t, 100.0, c.Definition().Scales[1].Lookup[8].Score)
	assert.Equal(t, 4, c.Items()[0].Max)
}
