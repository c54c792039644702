package outcomes

import (
	"math"
	"strconv"
	"time"

	"github.com/socialrx/socialrx"
)

// Outcome classifies one person's change on a scale.
type Outcome string

// The outcomes. With a meaningful-change threshold T, improved means a
// change of at least T in the better direction and worse at least T in the
// other; without one, any change in either direction counts.
const (
	Improved Outcome = "improved"
	Same     Outcome = "same"
	Worse    Outcome = "worse"
)

var changeOutcomes = []Outcome{Improved, Same, Worse}

// EnumValues lists the outcomes, for JSON Schema reflection.
func (Outcome) EnumValues() []string { return socialrx.EnumStrings(changeOutcomes) }

// classify returns the outcome of an improvement (change signed so that
// positive is better) against a threshold (0: none known).
func classify(improvement, threshold float64) Outcome {
	t := max(threshold, 0)
	switch {
	case improvement > 0 && improvement >= t-eps && improvement > eps:
		return Improved
	case improvement < 0 && -improvement >= t-eps && -improvement > eps:
		return Worse
	}
	return Same
}

// Change is one person's change on one scale between their baseline and
// their latest later measurement of the same instrument.
type Change struct {
	// Instrument, InstrumentVersion and Scale name the scale.
	Instrument        string `json:"instrument"`
	InstrumentVersion string `json:"instrument_version"`
	Scale             string `json:"scale"`
	// Better says which way is an improvement on this scale.
	Better Direction `json:"better"`
	// Baseline and Latest are the two scores, with their dates.
	Baseline     float64       `json:"baseline"`
	BaselineDate socialrx.Date `json:"baseline_date"`
	Latest       float64       `json:"latest"`
	LatestDate   socialrx.Date `json:"latest_date"`
	// Change is Latest minus Baseline.
	Change float64 `json:"change"`
	// Improvement is Change signed so that positive is better: for a
	// lower-is-better scale (UCLA, MYCaW) it is Baseline minus Latest.
	Improvement float64 `json:"improvement"`
	// MeaningfulChange is the scale's threshold, 0 when none is known.
	MeaningfulChange float64 `json:"meaningful_change,omitempty"`
	// Meaningful is true when a threshold is known and the change reaches it.
	Meaningful bool `json:"meaningful"`
	// Outcome is improved, same or worse.
	Outcome Outcome `json:"outcome"`
}

// Changes returns one person's change per instrument and scale: baseline
// is their earliest baseline measurement and latest their latest review,
// follow-up or end measurement (on the same day the later time point wins).
// A scale missing at either end has no change. Consent is not needed: this
// is the person's own record, not an evaluation. It refuses invalid
// measurements (paths "/<index>/..."), measurements of more than one
// person, and a later measurement dated before its baseline. Codes: invalid.
func (r *Registry) Changes(ms []Measurement) ([]Change, error) {
	t := newTracker(r)
	var fs []socialrx.FieldError
	type scored struct {
		e      *entry
		scores []Score
	}
	ok := make([]scored, len(ms))
	for i := range ms {
		p := "/" + strconv.Itoa(i)
		if ms[i].Person != ms[0].Person {
			fs = append(fs, socialrx.Field(p+"/person", "all measurements must be of one person (%q)", ms[0].Person))
		}
		scores, e, err := r.score(&ms[i], nil, nil)
		if err != nil {
			fs = append(fs, socialrx.Prefix(p, err)...)
			continue
		}
		ok[i] = scored{e, scores}
	}
	for i := range ms {
		if ok[i].e == nil {
			continue
		}
		if err := t.add(&ms[i], ok[i].e, ok[i].scores, ctxIDs{}); err != nil {
			fs = append(fs, socialrx.Prefix("/"+strconv.Itoa(i), err)...)
		}
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}
	var out []Change
	for i := range t.states {
		st := &t.states[i]
		e := r.list[st.inst]
		if !st.paired() {
			continue
		}
		base, latest := t.values(st)
		for j, s := range e.scales {
			if st.base.missing&(1<<j) != 0 || st.latest.missing&(1<<j) != 0 {
				continue
			}
			c := Change{
				Instrument: e.id, InstrumentVersion: e.ver, Scale: s.ID, Better: s.Better,
				Baseline: base[j], BaselineDate: dateOfDay(st.base.day),
				Latest: latest[j], LatestDate: dateOfDay(st.latest.day),
				Change:           round(latest[j]-base[j], 6),
				MeaningfulChange: s.MeaningfulChange,
			}
			c.Improvement = round(c.Change*s.Better.sign(), 6) + 0 // +0 turns -0 into 0
			c.Meaningful = s.MeaningfulChange > 0 && math.Abs(c.Change) >= s.MeaningfulChange-eps
			c.Outcome = classify(c.Improvement, s.MeaningfulChange)
			out = append(out, c)
		}
	}
	return out, nil
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// noDay marks an unset day in a tracker state.
const noDay = math.MaxInt32

func dayOf(d socialrx.Date) int32 { return int32(d.Time().Unix() / 86400) }

func dateOfDay(day int32) socialrx.Date {
	return socialrx.DateOf(time.Unix(int64(day)*86400, 0).UTC())
}

// snapshot is the measurement chosen for one end of a pair.
type snapshot struct {
	set     bool
	rank    int8
	day     int32
	id      string
	missing uint64 // bit j set: scale j missing
	ctx     ctxIDs
}

// pstate is the pairing state of one person and instrument. Its scores
// live in the tracker's arena: baseline at [off, off+n), latest at
// [off+n, off+2n) for an instrument of n scales.
type pstate struct {
	inst         int32
	off          int32
	minBase      int32
	minLater     int32
	laterID      string // id of the measurement dated minLater
	base, latest snapshot
}

func (s *pstate) paired() bool { return s.base.set && s.latest.set }

// tracker pairs measurements per person and instrument in any order, in
// memory proportional to the number of people, not of measurements.
type tracker struct {
	reg    *Registry
	person map[string]int32 // person -> index into slots/len(reg.list)
	slots  []int32          // per person and instrument: state index + 1, or 0
	states []pstate
	arena  []float64
}

func newTracker(r *Registry) *tracker {
	return &tracker{reg: r, person: map[string]int32{}}
}

func (t *tracker) values(st *pstate) (base, latest []float64) {
	n := int32(len(t.reg.list[st.inst].scales))
	return t.arena[st.off : st.off+n], t.arena[st.off+n : st.off+2*n]
}

// add records a scored measurement, or refuses it (changing nothing) when
// it would put a later measurement before the person's baseline.
func (t *tracker) add(m *Measurement, e *entry, scores []Score, ctx ctxIDs) error {
	day := dayOf(m.Date)
	ni := len(t.reg.list)
	p, known := t.person[m.Person]
	slot := int(p)*ni + e.idx
	minBase, minLater, laterID := int32(noDay), int32(noDay), ""
	if known && t.slots[slot] > 0 {
		s := &t.states[t.slots[slot]-1]
		minBase, minLater, laterID = s.minBase, s.minLater, s.laterID
	}
	rank := m.TimePoint.rank()
	if rank == 0 {
		if minLater < min(minBase, day) {
			return socialrx.Invalid(socialrx.Field("/date", "baseline dated %s comes after measurement %s of the same person and instrument, dated %s", m.Date, laterID, dateOfDay(minLater)))
		}
	} else if minBase != noDay && day < minBase {
		return socialrx.Invalid(socialrx.Field("/date", "a %s dated %s is before the baseline of the same person and instrument (%s)", m.TimePoint, m.Date, dateOfDay(minBase)))
	}
	if !known {
		p = int32(len(t.person))
		t.person[m.Person] = p
		t.slots = append(t.slots, make([]int32, ni)...)
		slot = int(p)*ni + e.idx
	}
	if t.slots[slot] == 0 {
		t.states = append(t.states, pstate{inst: int32(e.idx), off: int32(len(t.arena)), minBase: noDay, minLater: noDay})
		t.arena = append(t.arena, make([]float64, 2*len(e.scales))...)
		t.slots[slot] = int32(len(t.states))
	}
	i := t.slots[slot] - 1
	s := &t.states[i]
	n := int32(len(e.scales))
	var snap *snapshot
	var vals []float64
	if rank == 0 {
		s.minBase = min(s.minBase, day)
		if !s.base.set || day < s.base.day || day == s.base.day && m.ID < s.base.id {
			snap, vals = &s.base, t.arena[s.off:s.off+n]
		}
	} else {
		if day < s.minLater {
			s.minLater, s.laterID = day, m.ID
		}
		l := &s.latest
		if !l.set || day > l.day || day == l.day && (rank > l.rank || rank == l.rank && m.ID > l.id) {
			snap, vals = l, t.arena[s.off+n:s.off+2*n]
		}
	}
	if snap == nil {
		return nil
	}
	*snap = snapshot{set: true, rank: rank, day: day, id: m.ID, ctx: ctx}
	for j, sc := range scores {
		vals[j] = sc.Value
		if sc.Missing {
			snap.missing |= 1 << j
		}
	}
	return nil
}
