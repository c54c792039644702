package outcomes_test

import (
	"fmt"
	"sync/atomic"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

var (
	reg    = outcomes.DefaultRegistry()
	nextID atomic.Int64
)

func newID() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", nextID.Add(1)) }

// answers lists one answer per item of the instrument, in item order; a
// negative value leaves the item unanswered.
func answers(inst string, vals ...int) []outcomes.Answer {
	in, err := reg.Lookup(inst, "1")
	if err != nil {
		panic(err)
	}
	items := in.Items()
	if len(vals) != len(items) {
		panic(fmt.Sprintf("%s has %d items, got %d values", inst, len(items), len(vals)))
	}
	out := make([]outcomes.Answer, len(items))
	for i, it := range items {
		out[i].Item = it.ID
		if vals[i] >= 0 {
			v := vals[i]
			out[i].Value = &v
		}
		if it.Words && vals[i] >= 0 {
			out[i].Words = "words for " + it.ID
		}
	}
	return out
}

// meas is a consented measurement of person on date at time point tp.
func meas(person string, tp outcomes.TimePoint, date, inst string, vals ...int) outcomes.Measurement {
	return outcomes.Measurement{
		ID: newID(), Instrument: inst, InstrumentVersion: "1",
		Person: person, Referral: "ref-" + person, TimePoint: tp, Date: socialrx.MustParseDate(date),
		AdministeredBy: "lw-1", Mode: outcomes.ModeInPerson, Answers: answers(inst, vals...),
		EvaluationConsent: true,
	}
}

// swem returns SWEMWBS answers (seven items) that sum to raw.
func swem(raw int) []int {
	vals := []int{1, 1, 1, 1, 1, 1, 1}
	for i := 0; raw > 7; i = (i + 1) % 7 {
		if vals[i] < 5 {
			vals[i]++
			raw--
		}
	}
	return vals
}

func scoreOf(m outcomes.Measurement, scale string) outcomes.Score {
	for _, s := range m.Scores {
		if s.Scale == scale {
			return s
		}
	}
	panic("no scale " + scale)
}

func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}
