package outcomes_test

import (
	"fmt"
	"os"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

func ExampleRegistry_Score() {
	reg := outcomes.DefaultRegistry()
	v := func(n int) *int { return &n }
	m := outcomes.Measurement{
		ID: "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10", Instrument: outcomes.DJG6, InstrumentVersion: "1",
		Person: "person-1", Referral: "referral-1", TimePoint: outcomes.TimeBaseline,
		Date: socialrx.MustParseDate("2025-01-15"), AdministeredBy: "lw-7", Mode: outcomes.ModePhone,
		// DJG answers: 1 no, 2 more or less, 3 yes; one item unanswered.
		Answers: []outcomes.Answer{
			{Item: "emptiness", Value: v(3)}, {Item: "miss_people", Value: v(2)}, {Item: "rejected"},
			{Item: "rely_on", Value: v(1)}, {Item: "trust", Value: v(3)}, {Item: "close_to", Value: v(2)},
		},
		EvaluationConsent: true,
	}
	scored, err := reg.Score(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scored.Scores {
		if s.Missing {
			fmt.Printf("%s: missing\n", s.Scale)
			continue
		}
		fmt.Printf("%s: %g (band %q)\n", s.Scale, s.Value, s.Band)
	}

	m.Answers[0].Value = v(4)
	_, err = reg.Score(m)
	fmt.Println(err)
	// Output:
	// emotional: missing
	// social: 2 (band "")
	// total: 4 (band "moderately_lonely")
	// invalid: /answers/0/value: answer 4 is off the scale of item "emptiness" (one of 1, 2, 3)
}

func ExampleAccumulator() {
	reg := outcomes.DefaultRegistry()
	acc, _ := outcomes.NewAccumulator(reg, outcomes.Options{
		Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimTriageLevel}},
	})
	v := func(n int) *int { return &n }
	n := 0
	ucla := func(person, level string, tp outcomes.TimePoint, date string, score int) outcomes.Measurement {
		n++
		return outcomes.Measurement{
			ID:         fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
			Instrument: outcomes.UCLA3, InstrumentVersion: "1", Person: person, Referral: "r-" + person,
			TimePoint: tp, Date: socialrx.MustParseDate(date), AdministeredBy: "lw", Mode: outcomes.ModeInPerson,
			Answers: []outcomes.Answer{
				{Item: "companionship", Value: v(score)}, {Item: "left_out", Value: v(score)},
				{Item: "isolated", Value: v(score)}, {Item: "direct"},
			},
			EvaluationConsent: true, Context: outcomes.Context{TriageLevel: level},
		}
	}
	for i := range 12 {
		level := "2"
		if i < 3 {
			level = "3" // only three people at level 3: suppressed, and so is
			// level 2, or 12 - 9 would give the 3 away
		}
		p := fmt.Sprint("person-", i)
		_ = acc.Add(ucla(p, level, outcomes.TimeBaseline, "2025-01-06", 3))
		_ = acc.Add(ucla(p, level, outcomes.TimeEnd, "2025-04-07", 1+i%3))
	}
	rep, _ := acc.Report(outcomes.FrameworkInput{})
	_ = rep.WriteCSV(os.Stdout)
	// Output:
	// section,instrument,instrument_version,scale,rows,row,columns,column,statistic,value
	// outcomes,ucla3,1,total,,,,,n,12
	// outcomes,ucla3,1,total,,,,,mean_baseline,9
	// outcomes,ucla3,1,total,,,,,mean_latest,6
	// outcomes,ucla3,1,total,,,,,mean_change,-3
	// outcomes,ucla3,1,total,,,,,ci95_low,-4.6255
	// outcomes,ucla3,1,total,,,,,ci95_high,-1.3745
	// outcomes,ucla3,1,total,,,,,improved,0.6667
	// outcomes,ucla3,1,total,,,,,same,0.3333
	// outcomes,ucla3,1,total,,,,,worse,0
	// outcomes,ucla3,1,total,triage_level,2,,,n,[c]
	// outcomes,ucla3,1,total,triage_level,3,,,n,[c]
}
