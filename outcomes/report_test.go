package outcomes_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

// pair adds a person with a SWEMWBS baseline and end measurement.
func pair(t testing.TB, acc *outcomes.Accumulator, person string, ctx outcomes.Context, base, latest int) {
	t.Helper()
	b := meas(person, outcomes.TimeBaseline, "2025-01-10", outcomes.SWEMWBS, swem(base)...)
	e := meas(person, outcomes.TimeEnd, "2025-04-10", outcomes.SWEMWBS, swem(latest)...)
	b.Context, e.Context = ctx, ctx
	require.NoError(t, acc.Add(b))
	require.NoError(t, acc.Add(e))
}

func scaleOf(t testing.TB, r outcomes.Report, inst, scale string) outcomes.ScaleReport {
	t.Helper()
	for _, s := range r.Scales {
		if s.Instrument == inst && s.Scale == scale {
			return s
		}
	}
	t.Fatalf("no scale %s/%s in report", inst, scale)
	return outcomes.ScaleReport{}
}

func TestReportOverallStatistics(t *testing.T) {
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{})
	require.NoError(t, err)
	// Six people: raw baseline -> raw end, metric change in comments.
	raws := [][2]int{{20, 24}, {19, 24}, {22, 22}, {25, 21}, {18, 30}, {21, 26}}
	var changes []float64
	sumB, sumL := 0.0, 0.0
	for i, r := range raws {
		pair(t, acc, fmt.Sprint("p", i), outcomes.Context{}, r[0], r[1])
		changes = append(changes, swemwbsTable[r[1]]-swemwbsTable[r[0]])
		sumB += swemwbsTable[r[0]]
		sumL += swemwbsTable[r[1]]
	}
	// Not counted: no consent; a baseline with no follow-up.
	nc := meas("px", outcomes.TimeBaseline, "2025-01-10", outcomes.SWEMWBS, swem(7)...)
	nc.EvaluationConsent = false
	require.NoError(t, acc.Add(nc))
	nc = meas("px", outcomes.TimeEnd, "2025-03-10", outcomes.SWEMWBS, swem(35)...)
	nc.EvaluationConsent = false
	require.NoError(t, acc.Add(nc))
	require.NoError(t, acc.Add(meas("py", outcomes.TimeBaseline, "2025-01-10", outcomes.SWEMWBS, swem(10)...)))

	rep, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	assert.Equal(t, 13, rep.Measurements)
	assert.Equal(t, 2, rep.ExcludedNoConsent)
	s := scaleOf(t, rep, outcomes.SWEMWBS, "metric").Overall
	require.False(t, s.Suppressed)
	require.NotNil(t, s.Stats)

	mean := 0.0
	for _, c := range changes {
		mean += c
	}
	mean /= 6
	ss := 0.0
	for _, c := range changes {
		ss += (c - mean) * (c - mean)
	}
	half := 2.5705818 * math.Sqrt(ss/5) / math.Sqrt(6) // t(0.975, df 5)
	assert.Equal(t, 6, s.Stats.N)
	assert.InDelta(t, sumB/6, s.Stats.MeanBaseline, 5e-5)
	assert.InDelta(t, sumL/6, s.Stats.MeanLatest, 5e-5)
	assert.InDelta(t, mean, s.Stats.MeanChange, 5e-5)
	require.NotNil(t, s.Stats.CI95)
	assert.InDelta(t, mean-half, s.Stats.CI95.Low, 1e-4)
	assert.InDelta(t, mean+half, s.Stats.CI95.High, 1e-4)
	// Metric changes 2.95, 3.56, 0, -3.10, 9.60, 3.96 against the threshold 3.
	assert.InDelta(t, 3.0/6, s.Stats.Improved, 1e-4)
	assert.InDelta(t, 2.0/6, s.Stats.Same, 1e-4)
	assert.InDelta(t, 1.0/6, s.Stats.Worse, 1e-4)

	raw := scaleOf(t, rep, outcomes.SWEMWBS, "raw").Overall.Stats
	assert.InDelta(t, 4.0/6, raw.Improved, 1e-4, "without a threshold any rise improves")
	assert.InDelta(t, 1.0/6, raw.Worse, 1e-4)
}

func TestReportConsentOnly(t *testing.T) {
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{})
	require.NoError(t, err)
	for i := range 10 {
		b := meas(fmt.Sprint("p", i), outcomes.TimeBaseline, "2025-01-10", outcomes.UCLA3, 3, 3, 3, 5)
		e := meas(fmt.Sprint("p", i), outcomes.TimeEnd, "2025-04-10", outcomes.UCLA3, 1, 1, 1, 1)
		// Half withdrew consent at the end: only their baseline counts.
		e.EvaluationConsent = i%2 == 0
		require.NoError(t, acc.Add(b))
		require.NoError(t, acc.Add(e))
	}
	rep, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	assert.Equal(t, 5, scaleOf(t, rep, outcomes.UCLA3, "total").Overall.Stats.N)
	assert.Equal(t, 5, rep.ExcludedNoConsent)
}

func TestReportAddRefusesAndChangesNothing(t *testing.T) {
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{})
	require.NoError(t, err)
	for i := range 5 {
		pair(t, acc, fmt.Sprint("p", i), outcomes.Context{}, 20, 25)
	}
	before, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)

	early := meas("p0", outcomes.TimeFollowUp, "2024-12-01", outcomes.SWEMWBS, swem(35)...)
	err = acc.Add(early)
	assert.Equal(t, []string{"/date"}, paths(err))
	bad := meas("p1", outcomes.TimeFollowUp, "2025-06-01", outcomes.SWEMWBS, swem(35)...)
	bad.Answers[0].Value = intp(6)
	assert.Equal(t, []string{"/answers/0/value"}, paths(acc.Add(bad)))
	late := meas("p9", outcomes.TimeEnd, "2025-02-01", outcomes.SWEMWBS, swem(30)...)
	require.NoError(t, acc.Add(late))
	lateBase := meas("p9", outcomes.TimeBaseline, "2025-03-01", outcomes.SWEMWBS, swem(30)...)
	assert.Equal(t, []string{"/date"}, paths(acc.Add(lateBase)), "a baseline after its follow-up")

	after, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	after.Measurements--
	assert.Equal(t, before, after, "refused measurements leave no trace; only the unpaired end counted")
}

func TestOptionsRefused(t *testing.T) {
	tests := []struct {
		opts  outcomes.Options
		paths []string
	}{
		{outcomes.Options{MinCell: -1}, []string{"/min_cell"}},
		{outcomes.Options{Period: "week"}, []string{"/period"}},
		{outcomes.Options{From: socialrx.MustParseDate("2025-02-01"), To: socialrx.MustParseDate("2025-01-01")}, []string{"/to"}},
		{outcomes.Options{Breakdowns: []outcomes.Breakdown{{Rows: "colour"}}}, []string{"/breakdowns/0/rows"}},
		{outcomes.Options{Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimPractice, Columns: outcomes.DimPractice}}}, []string{"/breakdowns/0/columns"}},
		{outcomes.Options{Breakdowns: []outcomes.Breakdown{
			{Rows: outcomes.DimTriageLevel, Columns: outcomes.DimPractice}, {Rows: outcomes.DimTriageLevel},
		}}, []string{"/breakdowns/1/rows"}},
	}
	for _, tt := range tests {
		_, err := outcomes.NewAccumulator(reg, tt.opts)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, tt.paths, paths(err))
	}
}

// grid builds a report of a practice x triage table with the given counts
// of people, each with a SWEMWBS pair.
func grid(t testing.TB, counts [][]int, opts outcomes.Options) outcomes.Report {
	t.Helper()
	acc, err := outcomes.NewAccumulator(reg, opts)
	require.NoError(t, err)
	n := 0
	for r, row := range counts {
		for c, k := range row {
			for range k {
				n++
				ctx := outcomes.Context{Practice: fmt.Sprintf("P%d", r), TriageLevel: fmt.Sprintf("T%d", c)}
				pair(t, acc, fmt.Sprint("person", n), ctx, 14+n%7, 17+n%11)
			}
		}
	}
	rep, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	return rep
}

// published reads a table into counts keyed "row|column" ("" for totals),
// with -1 for a suppressed cell.
func published(s outcomes.ScaleReport, ti int) map[string]int {
	out := map[string]int{}
	out["|"] = -1
	if !s.Overall.Suppressed {
		out["|"] = s.Overall.Stats.N
	}
	for _, c := range s.Tables[ti].Cells {
		if c.Suppressed {
			out[c.Row+"|"+c.Column] = -1
		} else {
			out[c.Row+"|"+c.Column] = c.Stats.N
		}
	}
	return out
}

// truth gives the true counts of a practice x triage grid, totals included.
func truth(counts [][]int, twoWay bool) map[string]int {
	out := map[string]int{}
	for r, row := range counts {
		for c, k := range row {
			if k == 0 {
				continue
			}
			rk, ck := fmt.Sprintf("P%d", r), fmt.Sprintf("T%d", c)
			if twoWay {
				out[rk+"|"+ck] += k
				out["|"+ck] += k
			}
			out[rk+"|"] += k
			out["|"] += k
		}
	}
	return out
}

// recoverable reports the suppressed cells an attacker can pin down from
// the published cells and the additive equations of the table (rows sum
// to row totals, columns to column totals, totals to the grand total),
// knowing each cell holds at least one person. It searches, for each
// suppressed cell, for another whole-number table that agrees with
// everything published but differs in that cell.
func recoverable(t testing.TB, pub, tru map[string]int, twoWay bool) []string {
	t.Helper()
	var unknown []string
	for k, v := range pub {
		if v == -1 {
			unknown = append(unknown, k)
		}
	}
	idx := map[string]int{}
	for i, k := range unknown {
		idx[k] = i
	}
	// Equations: sum of the parts minus the total is 0.
	type eq struct{ terms map[string]int }
	var eqs []eq
	addEq := func(total string, parts []string) {
		e := eq{terms: map[string]int{total: -1}}
		for _, p := range parts {
			e.terms[p]++
		}
		eqs = append(eqs, e)
	}
	rowsOf, colsOf := map[string][]string{}, map[string][]string{}
	var rowTotals, colTotals []string
	for k := range pub {
		r, c, _ := strings.Cut(k, "|")
		switch {
		case r != "" && c != "":
			rowsOf[r] = append(rowsOf[r], k)
			colsOf[c] = append(colsOf[c], k)
		case r != "":
			rowTotals = append(rowTotals, k)
		case c != "":
			colTotals = append(colTotals, k)
		}
	}
	addEq("|", rowTotals)
	if twoWay {
		addEq("|", colTotals)
		for r, parts := range rowsOf {
			addEq(r+"|", parts)
		}
		for c, parts := range colsOf {
			addEq("|"+c, parts)
		}
	}
	grand := tru["|"]
	var out []string
	for target := range unknown {
		x := make([]int, len(unknown))
		set := make([]bool, len(unknown))
		budget := 1_000_000
		// sum returns the equation's known part and its unset unknowns.
		sum := func(e eq) (int, []string) {
			total := 0
			var free []string
			for k, coef := range e.terms {
				switch v := pub[k]; {
				case v != -1:
					total += coef * v
				case set[idx[k]]:
					total += coef * x[idx[k]]
				default:
					free = append(free, k)
				}
			}
			return total, free
		}
		ok := func(j, v int) bool { return v >= 1 && v <= grand && !(j == target && v == tru[unknown[target]]) }
		var solve func() bool
		solve = func() bool {
			if budget--; budget < 0 {
				return false
			}
			var trail []int
			undo := func() {
				for _, j := range trail {
					set[j] = false
				}
			}
			// Unit propagation: an equation with one unknown left fixes it.
			for changed := true; changed; {
				changed = false
				for _, e := range eqs {
					total, free := sum(e)
					lo, hi := total, total
					for _, k := range free {
						if e.terms[k] > 0 {
							lo, hi = lo+e.terms[k], hi+e.terms[k]*grand
						} else {
							lo, hi = lo+e.terms[k]*grand, hi+e.terms[k]
						}
					}
					if lo > 0 || hi < 0 {
						undo()
						return false
					}
					if len(free) == 1 {
						j := idx[free[0]]
						v := -total / e.terms[free[0]]
						if -total%e.terms[free[0]] != 0 || !ok(j, v) {
							undo()
							return false
						}
						x[j], set[j] = v, true
						trail = append(trail, j)
						changed = true
					}
				}
			}
			next := -1
			if !set[target] {
				next = target
			} else {
				for j := range unknown {
					if !set[j] {
						next = j
						break
					}
				}
			}
			if next == -1 {
				return true
			}
			tv := tru[unknown[next]]
			for d := 0; d <= grand; d++ {
				for _, v := range []int{tv + d, tv - d} {
					if (d == 0 && v != tv) || !ok(next, v) {
						continue
					}
					x[next], set[next] = v, true
					if solve() {
						return true
					}
					set[next] = false
				}
			}
			undo()
			return false
		}
		if !solve() {
			require.GreaterOrEqual(t, budget, 0, "search budget exhausted for %s", unknown[target])
			out = append(out, unknown[target])
		}
	}
	return out
}

func checkTable(t *testing.T, counts [][]int, twoWay bool) {
	t.Helper()
	b := outcomes.Breakdown{Rows: outcomes.DimPractice}
	if twoWay {
		b.Columns = outcomes.DimTriageLevel
	}
	rep := grid(t, counts, outcomes.Options{Breakdowns: []outcomes.Breakdown{b}})
	for _, scale := range []string{"raw", "metric"} {
		s := scaleOf(t, rep, outcomes.SWEMWBS, scale)
		pub, tru := published(s, 0), truth(counts, twoWay)
		require.Len(t, pub, len(tru), "every non-empty cell is listed")
		for k, v := range tru {
			got, ok := pub[k]
			require.True(t, ok, "cell %s listed", k)
			if v < outcomes.DefaultMinCell {
				assert.Equal(t, -1, got, "small cell %s (%d) suppressed in %v", k, v, counts)
			}
			if got != -1 {
				assert.Equal(t, v, got, "cell %s", k)
			}
		}
		assert.Empty(t, recoverable(t, pub, tru, twoWay), "no suppressed cell can be recovered from %v: %v", counts, pub)
	}
}

func TestSuppressionCannotBeUndoneByDifferencing(t *testing.T) {
	tables := [][][]int{
		// A single 3 in a row: its row total would give it away.
		{{3, 10, 12}, {9, 8, 11}, {10, 7, 9}},
		// Ones everywhere small: complements must be at least 2 to move.
		{{1, 6, 7}, {8, 2, 9}, {6, 7, 1}, {1, 1, 1}},
		// A whole row small and a column of ones.
		{{1, 20, 20}, {1, 20, 20}, {2, 2, 1}},
		// Only one small cell in a large table.
		{{30, 40, 50, 60}, {40, 1, 60, 70}, {50, 60, 70, 80}},
		// Empty cells cannot serve as complements.
		{{4, 0, 0}, {0, 9, 0}, {0, 0, 12}},
		// Two ones in a row (and, one-way, two rows of one): suppressing
		// just the pair would show they sum to 2, so each is 1.
		{{1, 1, 9}, {7, 8, 9}},
		{{1, 0}, {1, 0}, {10, 10}},
	}
	for _, counts := range tables {
		checkTable(t, counts, true)
		checkTable(t, counts, false)
	}
}

func TestSuppressionRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200
	if testing.Short() {
		n = 40
	}
	for range n {
		rows, cols := 2+rng.IntN(3), 2+rng.IntN(3)
		counts := make([][]int, rows)
		for r := range counts {
			counts[r] = make([]int, cols)
			for c := range counts[r] {
				switch rng.IntN(4) {
				case 0:
					counts[r][c] = 0
				case 1:
					counts[r][c] = 1 + rng.IntN(4)
				default:
					counts[r][c] = 1 + rng.IntN(12)
				}
			}
		}
		checkTable(t, counts, true)
		checkTable(t, counts, false)
	}
}

func TestSmallReportSuppressesEverything(t *testing.T) {
	rep := grid(t, [][]int{{2, 1}, {1, 0}}, outcomes.Options{Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimPractice, Columns: outcomes.DimTriageLevel}}})
	s := scaleOf(t, rep, outcomes.SWEMWBS, "metric")
	assert.True(t, s.Overall.Suppressed)
	assert.Nil(t, s.Overall.Stats)
	for _, c := range s.Tables[0].Cells {
		assert.True(t, c.Suppressed)
		assert.Nil(t, c.Stats)
	}
	// A lower threshold publishes them.
	rep = grid(t, [][]int{{2, 1}, {1, 0}}, outcomes.Options{MinCell: 1, Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimPractice}}})
	s = scaleOf(t, rep, outcomes.SWEMWBS, "metric")
	assert.Equal(t, 4, s.Overall.Stats.N)
	assert.Nil(t, s.Tables[0].Cells[1].Stats.CI95, "no interval from one person")
}

func TestReportNeedAndPeriodBreakdowns(t *testing.T) {
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{
		Period:     outcomes.Month,
		Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimNeed}, {Rows: outcomes.DimPeriod, Columns: outcomes.DimArea}},
		From:       socialrx.MustParseDate("2025-02-01"),
	})
	require.NoError(t, err)
	add := func(p string, needs []socialrx.Need, area, end string) {
		ctx := outcomes.Context{Needs: needs, Area: area}
		b := meas(p, outcomes.TimeBaseline, "2025-01-05", outcomes.UCLA3, 3, 3, 3, 5)
		e := meas(p, outcomes.TimeEnd, end, outcomes.UCLA3, 1, 2, 2, 3)
		b.Context = ctx
		require.NoError(t, acc.Add(b))
		require.NoError(t, acc.Add(e))
	}
	both := []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedDebtMoney}
	for i := range 6 {
		add(fmt.Sprint("a", i), both, "north", "2025-03-15")
	}
	for i := range 6 {
		add(fmt.Sprint("b", i), []socialrx.Need{socialrx.NeedLoneliness}, "", "2025-04-15")
	}
	add("c", nil, "south", "2025-01-20") // before From: left out
	rep, err := acc.Report(outcomes.FrameworkInput{})
	require.NoError(t, err)
	s := scaleOf(t, rep, outcomes.UCLA3, "total")
	assert.Equal(t, 12, s.Overall.Stats.N)
	got := map[string]int{}
	for _, c := range s.Tables[0].Cells {
		require.False(t, c.Suppressed, c.Row)
		got[c.Row] = c.Stats.N
	}
	assert.Equal(t, map[string]int{"loneliness_isolation": 12, "debt_money": 6}, got, "a person counts under each of their needs")
	got = map[string]int{}
	for _, c := range s.Tables[1].Cells {
		require.False(t, c.Suppressed, c.Row+c.Column)
		got[c.Row+"|"+c.Column] = c.Stats.N
	}
	assert.Equal(t, map[string]int{
		"2025-03|north": 6, "2025-04|not_recorded": 6,
		"2025-03|": 6, "2025-04|": 6, "|north": 6, "|not_recorded": 6,
	}, got, "the baseline's context stands in when the latest has none")
}

func TestFrameworkView(t *testing.T) {
	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{})
	require.NoError(t, err)
	for i := range 6 {
		pair(t, acc, fmt.Sprint("p", i), outcomes.Context{}, 18, 24)
		b := meas(fmt.Sprint("p", i), outcomes.TimeBaseline, "2025-01-05", outcomes.MYCaW, 5, 4, 3)
		e := meas(fmt.Sprint("p", i), outcomes.TimeEnd, "2025-03-05", outcomes.MYCaW, 2, 2, 2)
		require.NoError(t, acc.Add(b))
		require.NoError(t, acc.Add(e))
	}
	in := outcomes.FrameworkInput{
		Partners: []outcomes.PartnerCounts{
			{Partner: "Men's Shed", Accepted: 12, RejectedNoCapacity: 0, Attended: 10, Completed: 8},
			{Partner: "Choir", Accepted: 3, RejectedNoCapacity: 6, Attended: 3, Completed: 2},
			{Partner: "=cmd()", Accepted: 9, RejectedNoCapacity: 7, Attended: 8, Completed: 7},
		},
		Gaps:   []outcomes.Gap{{Need: socialrx.NeedBereavement, People: 2}, {Need: socialrx.NeedTransport, Area: "north", People: 9}},
		System: []outcomes.SystemMeasure{{Measure: "gp_appointments", Label: "GP appointments", Unit: "per person per 6 months", People: 40, Before: 6.2, After: 4.1}, {Measure: "ae_visits", Label: "A&E visits", People: 3, Before: 1, After: 0}},
	}
	rep, err := acc.Report(in)
	require.NoError(t, err)
	f := rep.Framework
	var person []string
	for _, p := range f.Person {
		person = append(person, p.Instrument+"/"+p.Scale)
	}
	assert.Equal(t, []string{"swemwbs/raw", "swemwbs/metric", "mycaw/wellbeing"}, person, "wellbeing and loneliness only")

	v := func(c outcomes.Count) int {
		if c.Suppressed {
			return -1
		}
		return *c.Value
	}
	p := f.Community.Partners
	assert.Equal(t, -1, v(p[1].Accepted), "3 is small")
	assert.Equal(t, -1, v(p[2].Accepted), "the complement, so 3 cannot be had from the total")
	assert.Equal(t, 12, v(p[0].Accepted))
	assert.Equal(t, 24, v(f.Community.Total.Accepted))
	assert.Equal(t, 0, v(p[0].RejectedNoCapacity), "zero is not suppressed")
	assert.Equal(t, 13, v(f.Community.Total.RejectedNoCapacity))
	assert.Equal(t, []int{10, -1, -1}, []int{v(p[0].Attended), v(p[1].Attended), v(p[2].Attended)})
	assert.Equal(t, -1, v(f.Community.Gaps[0].People))
	assert.Equal(t, 9, v(f.Community.Gaps[1].People))
	require.Len(t, f.System, 2)
	assert.Equal(t, 4.1, *f.System[0].After)
	assert.Nil(t, f.System[1].Before, "figures about 3 people are left out")

	_, err = acc.Report(outcomes.FrameworkInput{
		Partners: []outcomes.PartnerCounts{{Partner: "A", Accepted: 1, Attended: 2}, {Partner: "A", Completed: -1}},
		Gaps:     []outcomes.Gap{{Need: "joy"}},
		System:   []outcomes.SystemMeasure{{Measure: "GP", Label: "x", Before: math.NaN()}},
	})
	assert.Equal(t, []string{"/gaps/0/need", "/partners/0/attended", "/partners/1/completed", "/partners/1/partner", "/system/0", "/system/0/measure"}, paths(err))
}

func TestReportExport(t *testing.T) {
	rep := grid(t, [][]int{{3, 10, 12}, {9, 8, 11}}, outcomes.Options{Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimPractice, Columns: outcomes.DimTriageLevel}}})
	rep.Framework.Community.Partners = []outcomes.PartnerRow{{Partner: "=HYPERLINK()", Accepted: outcomes.Count{Suppressed: true}}}

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, outcomes.ValidateReport(js.Bytes()))
	var back outcomes.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, rep, back)
	assert.Error(t, outcomes.ValidateReport([]byte(`{"min_cell":"5"}`)))

	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"section", "instrument", "instrument_version", "scale", "rows", "row", "columns", "column", "statistic", "value"}, rows[0])
	var suppressed, overallN int
	for _, r := range rows[1:] {
		require.Len(t, r, 10)
		if r[0] == "outcomes" && r[9] == outcomes.Suppressed {
			suppressed++
			assert.Equal(t, "n", r[8])
		}
		if r[0] == "outcomes" && r[3] == "metric" && r[4] == "" && r[8] == "n" {
			overallN++
			assert.Equal(t, "53", r[9])
		}
		if r[0] == "partners" {
			assert.Equal(t, "'=HYPERLINK()", r[5], "formulas are defused")
		}
	}
	assert.Equal(t, 1, overallN)
	assert.Positive(t, suppressed)
}

// The checker itself must catch what primary suppression alone leaves open.
func TestRecoverableCatchesDifferencing(t *testing.T) {
	tru := map[string]int{"A|": 3, "B|": 10, "C|": 12, "|": 25}
	pub := map[string]int{"A|": -1, "B|": 10, "C|": 12, "|": 25}
	assert.Equal(t, []string{"A|"}, recoverable(t, pub, tru, false), "25-10-12")

	// Two suppressed ones: their sum is 2, so each must be 1.
	tru = map[string]int{"A|": 1, "B|": 1, "C|": 12, "|": 14}
	pub = map[string]int{"A|": -1, "B|": -1, "C|": 12, "|": 14}
	assert.ElementsMatch(t, []string{"A|", "B|"}, recoverable(t, pub, tru, false))

	// Two-way: a cell alone in its column once the row is worked out.
	tru = map[string]int{"A|X": 1, "A|Y": 9, "B|X": 8, "B|Y": 7, "A|": 10, "B|": 15, "|X": 9, "|Y": 16, "|": 25}
	pub = map[string]int{"A|X": -1, "A|Y": -1, "B|X": 8, "B|Y": 7, "A|": 10, "B|": 15, "|X": 9, "|Y": 16, "|": 25}
	assert.ElementsMatch(t, []string{"A|X", "A|Y"}, recoverable(t, pub, tru, true))
	pub["B|X"], pub["B|Y"] = -1, -1
	assert.Empty(t, recoverable(t, pub, tru, true))
}
