package outcomes_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

func BenchmarkScore(b *testing.B) {
	for _, inst := range []string{outcomes.SWEMWBS, outcomes.DJG6} {
		vals := swem(23)
		if inst == outcomes.DJG6 {
			vals = []int{1, 2, 3, -1, 2, 3}
		}
		m := meas("p", outcomes.TimeBaseline, "2025-01-01", inst, vals...)
		b.Run(inst, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reg.Score(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReport streams 1,000,000 measurements of 100,000 people (each a
// SWEMWBS and a UCLA3 baseline and four later measurements) into an
// accumulator and builds a report broken down by triage level x practice.
// heapMB is the live heap after the report: the accumulator holds each
// person's two ends, never the measurements. cpu-s/op is the CPU time the
// process spent per report, which stays meaningful when other jobs share
// the cores and stretch the wall-clock ns/op.
func BenchmarkReport(b *testing.B) {
	const people, perPerson = 100_000, 10
	persons := make([]string, people)
	ctxs := make([]outcomes.Context, people)
	for i := range persons {
		persons[i] = fmt.Sprintf("person-%06d", i)
		ctxs[i] = outcomes.Context{
			TriageLevel: fmt.Sprint(1 + i%3), Practice: fmt.Sprintf("P%02d", i%50),
			Needs: []socialrx.Need{socialrx.NeedLoneliness},
		}
	}
	swemPool := make([][]outcomes.Answer, 29)
	for i := range swemPool {
		swemPool[i] = answers(outcomes.SWEMWBS, swem(7+i)...)
	}
	uclaPool := make([][]outcomes.Answer, 7)
	for i := range uclaPool {
		v := 3 + i
		uclaPool[i] = answers(outcomes.UCLA3, min(3, v-2), min(3, max(1, v-4)), max(1, v-6), 1+i%5)
	}
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = newID()
	}
	start := socialrx.MustParseDate("2025-01-01")
	dates := make([]socialrx.Date, 5)
	for i := range dates {
		dates[i] = start.AddDays(30 * i)
	}
	tps := []outcomes.TimePoint{outcomes.TimeBaseline, outcomes.TimeReview, outcomes.TimeReview, outcomes.TimeFollowUp, outcomes.TimeEnd}
	opts := outcomes.Options{Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimTriageLevel, Columns: outcomes.DimPractice}}}
	b.ReportAllocs()
	var heap, cpu float64
	for b.Loop() {
		cpu0 := cpuSeconds()
		acc, err := outcomes.NewAccumulator(reg, opts)
		if err != nil {
			b.Fatal(err)
		}
		m := outcomes.Measurement{InstrumentVersion: "1", Referral: "ref", AdministeredBy: "lw", Mode: outcomes.ModePhone, EvaluationConsent: true}
		for i := range people * perPerson {
			p, k := i%people, i/people // every person's k-th measurement in turn
			m.ID, m.Person, m.Context = ids[i%len(ids)], persons[p], ctxs[p]
			m.TimePoint, m.Date = tps[k%5], dates[k%5]
			if k < 5 {
				m.Instrument, m.Answers = outcomes.SWEMWBS, swemPool[(p+k*3)%29]
			} else {
				m.Instrument, m.Answers = outcomes.UCLA3, uclaPool[(p+k)%7]
			}
			if err := acc.Add(m); err != nil {
				b.Fatal(err)
			}
		}
		rep, err := acc.Report(outcomes.FrameworkInput{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Measurements != people*perPerson || len(rep.Scales) != 4 {
			b.Fatalf("counted %d, %d scales", rep.Measurements, len(rep.Scales))
		}
		cpu += cpuSeconds() - cpu0
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = float64(ms.HeapAlloc) / 1e6
		runtime.KeepAlive(acc)
	}
	b.ReportMetric(heap, "heapMB")
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}
