// Package outcomes scores outcome measures, follows each person's scores
// from baseline to their latest measurement, and builds aggregate reports
// for commissioners that never publish a small number.
//
// The main flow:
//
//	reg := outcomes.DefaultRegistry()               // ONS4, SWEMWBS, UCLA3, DJG6, MYCaW
//	m, err := reg.Score(measurement)                // validate answers, compute m.Scores
//	changes, err := reg.Changes(personsMeasurements) // one person: change per scale
//
//	acc, err := outcomes.NewAccumulator(reg, outcomes.Options{
//		Breakdowns: []outcomes.Breakdown{{Rows: outcomes.DimTriageLevel, Columns: outcomes.DimPractice}},
//	})
//	for _, m := range stream { err := acc.Add(m) }  // any order; memory grows with people only
//	report, err := acc.Report(outcomes.FrameworkInput{Partners: partnerCounts})
//	report.WriteCSV(w); report.WriteJSON(w)
//
// Instruments carry item ids and short labels only, never licensed
// question wording. Teams add their own instruments as data ([Definition],
// checked by instrument.schema.json and [NewCustom]). Reports count only
// measurements with evaluation consent, suppress every cell of fewer than
// MinCell people (default 5), and add complementary suppressions so that
// no suppressed cell can be worked out from the published totals.
//
// The package is pure: no I/O, no clock, no goroutines, no global state.
package outcomes
