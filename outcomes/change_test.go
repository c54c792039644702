package outcomes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

func changeOf(t *testing.T, cs []outcomes.Change, inst, scale string) outcomes.Change {
	t.Helper()
	for _, c := range cs {
		if c.Instrument == inst && c.Scale == scale {
			return c
		}
	}
	t.Fatalf("no change for %s/%s", inst, scale)
	return outcomes.Change{}
}

func TestChangesSWEMWBSThreshold(t *testing.T) {
	tests := []struct {
		base, latest int // raw totals
		change       float64
		meaningful   bool
		outcome      outcomes.Outcome
	}{
		{26, 29, 26.02 - 23.21, false, outcomes.Same},    // 2.81
		{25, 27, 24.11 - 22.35, false, outcomes.Same},    // 1.76
		{21, 24, 21.54 - 19.25, false, outcomes.Same},    // 2.29
		{20, 24, 21.54 - 18.59, false, outcomes.Same},    // 2.95
		{19, 24, 21.54 - 17.98, true, outcomes.Improved}, // 3.56
		{24, 19, 17.98 - 21.54, true, outcomes.Worse},
		{20, 20, 0, false, outcomes.Same},
		{7, 35, 28, true, outcomes.Improved},
	}
	for _, tt := range tests {
		cs, err := reg.Changes([]outcomes.Measurement{
			meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.SWEMWBS, swem(tt.base)...),
			meas("p", outcomes.TimeEnd, "2025-04-01", outcomes.SWEMWBS, swem(tt.latest)...),
		})
		require.NoError(t, err)
		c := changeOf(t, cs, outcomes.SWEMWBS, "metric")
		assert.InDelta(t, tt.change, c.Change, 1e-9, "%d->%d", tt.base, tt.latest)
		assert.Equal(t, tt.meaningful, c.Meaningful, "%d->%d", tt.base, tt.latest)
		assert.Equal(t, tt.outcome, c.Outcome, "%d->%d", tt.base, tt.latest)
		assert.Equal(t, 3.0, c.MeaningfulChange)
		raw := changeOf(t, cs, outcomes.SWEMWBS, "raw")
		assert.Equal(t, float64(tt.latest-tt.base), raw.Change)
		assert.False(t, raw.Meaningful, "no threshold on the raw total")
	}
}

func TestChangesExactlyAtThreshold(t *testing.T) {
	// Custom scale with threshold 2: a change of exactly 2 is meaningful.
	c, err := outcomes.NewCustom(customDef(t))
	require.NoError(t, err)
	r, err := outcomes.NewRegistry(c)
	require.NoError(t, err)
	m := func(tp outcomes.TimePoint, date string, q1 int) outcomes.Measurement {
		return outcomes.Measurement{ID: newID(), Instrument: "team_confidence", InstrumentVersion: "2024", Person: "p", Referral: "r",
			TimePoint: tp, Date: socialrx.MustParseDate(date), AdministeredBy: "self", Mode: outcomes.ModeSelfCompleted,
			Answers: []outcomes.Answer{{Item: "q1", Value: intp(q1)}, {Item: "q2", Value: intp(1)}, {Item: "q3", Value: intp(2)}}}
	}
	cs, err := r.Changes([]outcomes.Measurement{m(outcomes.TimeBaseline, "2025-01-01", 1), m(outcomes.TimeReview, "2025-02-01", 3)})
	require.NoError(t, err)
	got := changeOf(t, cs, "team_confidence", "confidence")
	assert.Equal(t, 2.0, got.Change)
	assert.True(t, got.Meaningful)
	assert.Equal(t, outcomes.Improved, got.Outcome)
}

func TestChangesDirection(t *testing.T) {
	cs, err := reg.Changes([]outcomes.Measurement{
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.MYCaW, 5, 4, 3),
		meas("p", outcomes.TimeFollowUp, "2025-03-01", outcomes.MYCaW, 2, 4, 6),
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5),
		meas("p", outcomes.TimeReview, "2025-02-01", outcomes.UCLA3, 1, 2, 2, 3),
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.ONS4, 3, 3, 3, 8),
		meas("p", outcomes.TimeEnd, "2025-05-01", outcomes.ONS4, 6, 3, 2, 2),
	})
	require.NoError(t, err)
	for _, tt := range []struct {
		inst, scale         string
		change, improvement float64
		outcome             outcomes.Outcome
	}{
		{outcomes.MYCaW, "concern_1", -3, 3, outcomes.Improved}, // baseline minus follow-up
		{outcomes.MYCaW, "concern_2", 0, 0, outcomes.Same},
		{outcomes.MYCaW, "wellbeing", 3, -3, outcomes.Worse},
		{outcomes.UCLA3, "total", -4, 4, outcomes.Improved},
		{outcomes.UCLA3, "direct", -2, 2, outcomes.Improved},
		{outcomes.ONS4, "life_satisfaction", 3, 3, outcomes.Improved},
		{outcomes.ONS4, "happiness", -1, -1, outcomes.Worse},
		{outcomes.ONS4, "anxiety", -6, 6, outcomes.Improved},
	} {
		c := changeOf(t, cs, tt.inst, tt.scale)
		assert.Equal(t, tt.change, c.Change, tt.scale)
		assert.Equal(t, tt.improvement, c.Improvement, tt.scale)
		assert.Equal(t, tt.outcome, c.Outcome, tt.scale)
	}
}

func TestChangesPicksBaselineAndLatest(t *testing.T) {
	// Earliest baseline; latest later measurement; on the same day "end"
	// beats "review"; a scale missing at either end has no change.
	cs, err := reg.Changes([]outcomes.Measurement{
		meas("p", outcomes.TimeReview, "2025-06-01", outcomes.UCLA3, 2, 2, 2, -1),
		meas("p", outcomes.TimeBaseline, "2025-02-01", outcomes.UCLA3, 3, 3, 2, 4),
		meas("p", outcomes.TimeEnd, "2025-06-01", outcomes.UCLA3, 1, 1, 1, -1),
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5),
		meas("p", outcomes.TimeReview, "2025-03-01", outcomes.UCLA3, 2, 2, 2, 2),
	})
	require.NoError(t, err)
	require.Len(t, cs, 1, "direct is missing at the latest measurement")
	c := cs[0]
	assert.Equal(t, 9.0, c.Baseline)
	assert.Equal(t, 3.0, c.Latest)
	assert.Equal(t, socialrx.MustParseDate("2025-01-01"), c.BaselineDate)
	assert.Equal(t, socialrx.MustParseDate("2025-06-01"), c.LatestDate)

	cs, err = reg.Changes([]outcomes.Measurement{meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5)})
	require.NoError(t, err)
	assert.Empty(t, cs, "a baseline alone has no change")
}

func TestChangesRefused(t *testing.T) {
	tests := []struct {
		name  string
		ms    []outcomes.Measurement
		paths []string
	}{
		{"follow-up before its baseline", []outcomes.Measurement{
			meas("p", outcomes.TimeBaseline, "2025-03-01", outcomes.UCLA3, 3, 3, 3, 5),
			meas("p", outcomes.TimeFollowUp, "2025-02-01", outcomes.UCLA3, 1, 1, 1, 1),
		}, []string{"/1/date"}},
		{"baseline after its follow-up", []outcomes.Measurement{
			meas("p", outcomes.TimeFollowUp, "2025-02-01", outcomes.UCLA3, 1, 1, 1, 1),
			meas("p", outcomes.TimeBaseline, "2025-03-01", outcomes.UCLA3, 3, 3, 3, 5),
		}, []string{"/1/date"}},
		{"two people", []outcomes.Measurement{
			meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5),
			meas("q", outcomes.TimeFollowUp, "2025-02-01", outcomes.UCLA3, 1, 1, 1, 1),
		}, []string{"/1/person"}},
		{"a bad measurement", []outcomes.Measurement{
			meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5),
			func() outcomes.Measurement {
				m := meas("p", outcomes.TimeFollowUp, "2025-02-01", outcomes.UCLA3, 1, 1, 1, 1)
				m.Answers[2].Value = intp(7)
				return m
			}(),
		}, []string{"/1/answers/2/value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := reg.Changes(tt.ms)
			require.Error(t, err)
			assert.Nil(t, cs)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tt.paths, paths(err))
		})
	}
	// A re-baseline after follow-ups is allowed when an earlier baseline exists.
	_, err := reg.Changes([]outcomes.Measurement{
		meas("p", outcomes.TimeBaseline, "2025-01-01", outcomes.UCLA3, 3, 3, 3, 5),
		meas("p", outcomes.TimeFollowUp, "2025-02-01", outcomes.UCLA3, 1, 1, 1, 1),
		meas("p", outcomes.TimeBaseline, "2025-09-01", outcomes.UCLA3, 3, 3, 3, 5),
	})
	assert.NoError(t, err)
}
