package outcomes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

// The SWEMWBS raw-to-metric table as published (DOMAIN.md section 7).
var swemwbsTable = map[int]float64{
	7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
	15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
	23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
	31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}

func TestSWEMWBSEveryRawScore(t *testing.T) {
	require.Len(t, swemwbsTable, 29)
	for raw := 7; raw <= 35; raw++ {
		m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.SWEMWBS, swem(raw)...))
		require.NoError(t, err, raw)
		assert.Equal(t, float64(raw), scoreOf(m, "raw").Value, "raw %d", raw)
		assert.Equal(t, swemwbsTable[raw], scoreOf(m, "metric").Value, "raw %d", raw)
		got, err := outcomes.SWEMWBSMetric(raw)
		require.NoError(t, err)
		assert.Equal(t, swemwbsTable[raw], got)
	}
	for _, raw := range []int{6, 36, 0, -7} {
		_, err := outcomes.SWEMWBSMetric(raw)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), raw)
	}
}

func TestSWEMWBSMissingItem(t *testing.T) {
	m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.SWEMWBS, 5, 5, 5, -1, 5, 5, 5))
	require.NoError(t, err)
	assert.True(t, scoreOf(m, "raw").Missing)
	assert.True(t, scoreOf(m, "metric").Missing)
}

func TestDJG6(t *testing.T) {
	// Answers: 1 no, 2 more or less, 3 yes. Items: 3 emotional, then 3 social.
	const no, mol, yes, miss = 1, 2, 3, -1
	tests := []struct {
		name                      string
		vals                      []int
		emotional, social, total  float64
		emoMiss, socMiss, totMiss bool
		band                      string
	}{
		{"not lonely 0", []int{no, no, no, yes, yes, yes}, 0, 0, 0, false, false, false, "not_lonely"},
		{"not lonely 1", []int{mol, no, no, yes, yes, yes}, 1, 0, 1, false, false, false, "not_lonely"},
		{"moderate 2", []int{yes, no, no, mol, yes, yes}, 1, 1, 2, false, false, false, "moderately_lonely"},
		{"moderate 4", []int{yes, mol, no, no, mol, yes}, 2, 2, 4, false, false, false, "moderately_lonely"},
		{"severe 5", []int{yes, mol, yes, no, mol, yes}, 3, 2, 5, false, false, false, "severely_lonely"},
		{"severe 6", []int{yes, yes, mol, no, no, mol}, 3, 3, 6, false, false, false, "severely_lonely"},
		{"one emotional missing: emotional missing, total from the other five", []int{miss, yes, yes, no, no, no}, 0, 3, 5, true, false, false, "severely_lonely"},
		{"one social missing", []int{no, no, no, miss, no, yes}, 0, 0, 1, false, true, false, "not_lonely"},
		{"two missing, one each: total missing", []int{miss, yes, yes, miss, no, no}, 0, 0, 0, true, true, true, ""},
		{"two emotional missing", []int{miss, miss, yes, no, no, no}, 0, 3, 0, true, false, true, ""},
		{"all missing", []int{miss, miss, miss, miss, miss, miss}, 0, 0, 0, true, true, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.DJG6, tt.vals...))
			require.NoError(t, err)
			e, s, tot := scoreOf(m, "emotional"), scoreOf(m, "social"), scoreOf(m, "total")
			assert.Equal(t, tt.emoMiss, e.Missing, "emotional missing")
			assert.Equal(t, tt.socMiss, s.Missing, "social missing")
			assert.Equal(t, tt.totMiss, tot.Missing, "total missing")
			if !tt.emoMiss {
				assert.Equal(t, tt.emotional, e.Value)
			}
			if !tt.socMiss {
				assert.Equal(t, tt.social, s.Value)
			}
			if !tt.totMiss {
				assert.Equal(t, tt.total, tot.Value)
			}
			assert.Equal(t, tt.band, tot.Band)
		})
	}
}

func TestUCLA3Edges(t *testing.T) {
	tests := []struct {
		vals    []int
		total   float64
		missing bool
		band    string
		direct  string
	}{
		{[]int{1, 1, 1, 1}, 3, false, "not_lonely", "never"},
		{[]int{2, 2, 1, 3}, 5, false, "not_lonely", "occasionally"},
		{[]int{2, 2, 2, 4}, 6, false, "lonely", "some_of_the_time"},
		{[]int{3, 3, 3, 5}, 9, false, "lonely", "often_always"},
		{[]int{3, 3, -1, 5}, 0, true, "", "often_always"},
		{[]int{1, 1, 1, -1}, 3, false, "not_lonely", ""},
	}
	for _, tt := range tests {
		m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, tt.vals...))
		require.NoError(t, err, tt.vals)
		tot := scoreOf(m, "total")
		assert.Equal(t, tt.missing, tot.Missing, tt.vals)
		assert.Equal(t, tt.total, tot.Value, tt.vals)
		assert.Equal(t, tt.band, tot.Band, tt.vals)
		assert.Equal(t, tt.direct, scoreOf(m, "direct").Band, tt.vals)
		assert.Equal(t, tt.vals[3] < 0, scoreOf(m, "direct").Missing)
	}
	for _, bad := range [][]int{{0, 1, 1, 1}, {4, 1, 1, 1}, {1, 1, 1, 0}, {1, 1, 1, 6}} {
		_, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, bad...))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), bad)
	}
}

func TestONS4Edges(t *testing.T) {
	tests := []struct {
		vals  []int
		bands []string
	}{
		{[]int{0, 0, 0, 0}, []string{"low", "low", "low", "very_low"}},
		{[]int{4, 5, 6, 1}, []string{"low", "medium", "medium", "very_low"}},
		{[]int{7, 8, 9, 2}, []string{"high", "high", "very_high", "low"}},
		{[]int{10, 10, 10, 3}, []string{"very_high", "very_high", "very_high", "low"}},
		{[]int{5, 5, 5, 4}, []string{"medium", "medium", "medium", "medium"}},
		{[]int{5, 5, 5, 5}, []string{"medium", "medium", "medium", "medium"}},
		{[]int{5, 5, 5, 6}, []string{"medium", "medium", "medium", "high"}},
		{[]int{5, 5, 5, 10}, []string{"medium", "medium", "medium", "high"}},
	}
	for _, tt := range tests {
		m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.ONS4, tt.vals...))
		require.NoError(t, err)
		require.Len(t, m.Scores, 4, "item by item, no total")
		for i, s := range m.Scores {
			assert.Equal(t, float64(tt.vals[i]), s.Value)
			assert.Equal(t, tt.bands[i], s.Band, "%v item %d", tt.vals, i)
		}
	}
	m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.ONS4, 3, -1, 3, 3))
	require.NoError(t, err)
	assert.True(t, m.Scores[1].Missing)
	assert.False(t, m.Scores[0].Missing)
	for _, bad := range [][]int{{-2, 0, 0, 0}, {0, 11, 0, 0}} {
		vals := bad
		as := answers(outcomes.ONS4, 0, 0, 0, 0)
		for i := range as {
			v := vals[i]
			as[i].Value = &v
		}
		mm := meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.ONS4, 0, 0, 0, 0)
		mm.Answers = as
		_, err := reg.Score(mm)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), bad)
	}
	in, err := reg.Lookup(outcomes.ONS4, "1")
	require.NoError(t, err)
	for _, s := range in.Scales() {
		want := outcomes.HigherIsBetter
		if s.ID == "anxiety" {
			want = outcomes.LowerIsBetter
		}
		assert.Equal(t, want, s.Better, s.ID)
	}
}

func TestMYCaW(t *testing.T) {
	m, err := reg.Score(meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.MYCaW, 5, -1, 4))
	require.NoError(t, err)
	assert.Equal(t, 5.0, scoreOf(m, "concern_1").Value)
	assert.True(t, scoreOf(m, "concern_2").Missing)
	assert.Equal(t, 4.0, scoreOf(m, "wellbeing").Value)

	// No first concern: refused, naming the answer.
	bad := meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.MYCaW, -1, 3, 4)
	_, err = reg.Score(bad)
	require.Error(t, err)
	assert.Equal(t, []string{"/answers/0/value"}, paths(err))

	// A rated concern without the person's words, listed out of order.
	bad = meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.MYCaW, 2, 3, 4)
	bad.Answers[0], bad.Answers[2] = bad.Answers[2], bad.Answers[0]
	bad.Answers[2].Words = ""
	_, err = reg.Score(bad)
	assert.Equal(t, []string{"/answers/2/words"}, paths(err))

	for _, s := range []string{"concern_1", "concern_2", "wellbeing"} {
		in, _ := reg.Lookup(outcomes.MYCaW, "1")
		for _, sc := range in.Scales() {
			if sc.ID == s {
				assert.Equal(t, outcomes.LowerIsBetter, sc.Better)
			}
		}
	}
}

func TestRegistry(t *testing.T) {
	require.Len(t, reg.Instruments(), 5)
	for _, in := range reg.Instruments() {
		for _, it := range in.Items() {
			assert.LessOrEqual(t, len(it.Label), 60, "short labels only: %s/%s", in.ID(), it.ID)
		}
		for _, s := range in.Scales() {
			if s.MeaningfulChange > 0 {
				assert.NotEmpty(t, s.MeaningfulChangeSource, "%s/%s", in.ID(), s.ID)
			}
		}
	}
	_, err := reg.Lookup("nope", "1")
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))

	_, err = outcomes.NewRegistry(append(outcomes.Builtins(), outcomes.Builtins()[0])...)
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err))
	_, err = outcomes.NewRegistry(nil)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))

	// Changing what an instrument returns changes nothing inside it.
	in, _ := reg.Lookup(outcomes.SWEMWBS, "1")
	in.Items()[0].Max = 99
	in.Scales()[1].MeaningfulChange = 99
	assert.Equal(t, 5, in.Items()[0].Max)
	assert.Equal(t, 3.0, in.Scales()[1].MeaningfulChange)
}
