// Package outcomes scores outcome measures, follows each person's scores
// from baseline to their latest measurement, and builds aggregate reports
// for commissioners that never publish a small number.
//
// The main flow: score each measurement with [Registry.Score] (from
// [DefaultRegistry]: ONS4, SWEMWBS, UCLA-3, De Jong Gierveld 6, MYCaW),
// which validates the answers and computes its scores, as
// ExampleRegistry_Score shows; follow one person's change per scale with
// [Registry.Changes]; feed measurements in any order to an [Accumulator]
// ([NewAccumulator], [Accumulator.Add]) and make the commissioners'
// [Report] with [Accumulator.Report], as ExampleAccumulator shows.
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
