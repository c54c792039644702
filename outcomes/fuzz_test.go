package outcomes_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

// FuzzParseDefinition decodes custom instrument definitions: any input is
// either refused as invalid or gives an instrument that scores every
// answer on its items' scales without failing.
func FuzzParseDefinition(f *testing.F) {
	doc, err := os.ReadFile("testdata/custom_instrument.json")
	require.NoError(f, err)
	f.Add(doc)
	f.Add([]byte(`{"id":"a","version":"1","label":"A","items":[{"id":"x","label":"X","min":0,"max":2}],
		"scales":[{"id":"s","label":"S","domain":"other","min":0,"max":2,"better":"lower","items":["x"],"scoring":"lookup",
		"lookup":[{"raw":0,"score":0},{"raw":2,"score":2}]}]}`))
	f.Add([]byte(`{"id":"a","version":"1","label":"A","items":[{"id":"x","label":"X","min":-3,"max":3,"options":[{"value":-3,"code":"n","label":"N"}]}],
		"scales":[{"id":"s","label":"S","domain":"other","min":-3,"max":3,"better":"higher","items":["x","x"],"scoring":"sum","max_missing":1}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := outcomes.ParseDefinition(doc)
		if err != nil {
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("code %s: %v", socialrx.ErrorCode(err), err)
			}
			return
		}
		items := c.Items()
		// Score the lowest, highest and all-missing answers.
		for _, pick := range []func(outcomes.Item) (int, bool){
			func(it outcomes.Item) (int, bool) { return it.Min, false },
			func(it outcomes.Item) (int, bool) { return it.Max, false },
			func(it outcomes.Item) (int, bool) { return 0, true },
		} {
			rs := make([]outcomes.Response, len(items))
			for i, it := range items {
				rs[i].Value, rs[i].Missing = pick(it)
			}
			scores, err := c.Score(rs, nil)
			if err != nil || len(scores) != len(c.Scales()) {
				t.Fatalf("scoring %v: %v (%d scores)", rs, err, len(scores))
			}
		}
		// The definition round-trips.
		back, err := json.Marshal(c.Definition())
		require.NoError(t, err)
		_, err = outcomes.ParseDefinition(back)
		require.NoError(t, err, "%s", back)
	})
}

// FuzzParseMeasurement decodes measurements: any input is refused as
// invalid or scored, and a scored measurement re-encodes to a document
// that parses to the same scores.
func FuzzParseMeasurement(f *testing.F) {
	for _, m := range []outcomes.Measurement{
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.SWEMWBS, swem(23)...),
		meas("p", outcomes.TimeEnd, "2025-03-01", outcomes.DJG6, 1, 2, 3, -1, 2, 3),
		meas("p", outcomes.TimeReview, "2025-02-01", outcomes.MYCaW, 4, -1, 2),
		meas("p", outcomes.TimeFollowUp, "2025-02-01", outcomes.ONS4, 0, 10, 5, 7),
	} {
		m.Context = outcomes.Context{Practice: "A81001", Needs: []socialrx.Need{socialrx.NeedBenefits}}
		doc, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(doc)
	}
	f.Add([]byte(`{"answers":[{"item":"x","value":1e99}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := reg.ParseMeasurement(doc)
		if err != nil {
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("code %s: %v", socialrx.ErrorCode(err), err)
			}
			return
		}
		back, err := json.Marshal(m)
		require.NoError(t, err)
		again, err := reg.ParseMeasurement(back)
		require.NoError(t, err, "%s", back)
		require.Equal(t, m.Scores, again.Scores)
	})
}
