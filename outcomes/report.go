package outcomes

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/socialrx/socialrx"
)

// Dimension is an attribute a report breaks results down by.
type Dimension string

// The dimensions. All but need and period come from [Context]; need is
// multi-valued (a person with two needs counts under both); period is the
// period of the person's latest measurement.
const (
	DimTriageLevel    Dimension = "triage_level"
	DimPathway        Dimension = "pathway"
	DimReferralSource Dimension = "referral_source"
	DimPractice       Dimension = "practice"
	DimArea           Dimension = "area"
	DimNeed           Dimension = "need"
	DimPeriod         Dimension = "period"
)

var dimensions = []Dimension{DimTriageLevel, DimPathway, DimReferralSource, DimPractice, DimArea, DimNeed, DimPeriod}

// EnumValues lists the dimensions, for JSON Schema reflection.
func (Dimension) EnumValues() []string { return socialrx.EnumStrings(dimensions) }

// ctxDims are the single-valued context dimensions, in ctxIDs.vals order.
var ctxDims = [...]Dimension{DimTriageLevel, DimPathway, DimReferralSource, DimPractice, DimArea}

func ctxSlot(d Dimension) int {
	for i, c := range ctxDims {
		if c == d {
			return i
		}
	}
	return -1
}

// PeriodUnit is the length of a reporting period.
type PeriodUnit string

// The period units.
const (
	Month   PeriodUnit = "month"
	Quarter PeriodUnit = "quarter"
	Year    PeriodUnit = "year"
)

var periodUnits = []PeriodUnit{Month, Quarter, Year}

// EnumValues lists the period units, for JSON Schema reflection.
func (PeriodUnit) EnumValues() []string { return socialrx.EnumStrings(periodUnits) }

// label names the period a day falls in: "2025-03", "2025-Q1" or "2025".
func (u PeriodUnit) label(day int32) string {
	d := dateOfDay(day)
	switch u {
	case Month:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case Year:
		return fmt.Sprintf("%04d", d.Year)
	}
	return fmt.Sprintf("%04d-Q%d", d.Year, (int(d.Month)-1)/3+1)
}

// NotRecorded is the breakdown value of a person whose attribute is empty.
const NotRecorded = "not_recorded"

// Breakdown asks for one table: by Rows alone, or by Rows and Columns
// with both sets of totals.
type Breakdown struct {
	Rows    Dimension `json:"rows"`
	Columns Dimension `json:"columns,omitempty"`
}

// DefaultMinCell is the default suppression threshold: cells of fewer
// people are not published.
const DefaultMinCell = 5

// Options shape a report.
type Options struct {
	// MinCell is the suppression threshold; 0 means [DefaultMinCell].
	MinCell int `json:"min_cell,omitempty"`
	// Breakdowns are the tables to produce. A dimension may appear in one
	// breakdown only: tables sharing a dimension could be differenced
	// against each other. A two-way table includes its one-way totals.
	Breakdowns []Breakdown `json:"breakdowns,omitempty"`
	// Period is the unit of the period dimension; default quarter.
	Period PeriodUnit `json:"period,omitempty"`
	// From and To, when set, keep only people whose latest measurement
	// falls within them (inclusive).
	From socialrx.Date `json:"from,omitzero"`
	To   socialrx.Date `json:"to,omitzero"`
}

func (o *Options) check() error {
	var fs []socialrx.FieldError
	if o.MinCell < 0 {
		fs = append(fs, socialrx.Field("/min_cell", "must not be negative"))
	}
	if o.MinCell == 0 {
		o.MinCell = DefaultMinCell
	}
	switch o.Period {
	case "":
		o.Period = Quarter
	case Month, Quarter, Year:
	default:
		fs = append(fs, socialrx.Field("/period", "must be month, quarter or year"))
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		fs = append(fs, socialrx.Field("/to", "must not be before from"))
	}
	used := map[Dimension]string{}
	use := func(p string, d Dimension) {
		if !slices.Contains(dimensions, d) {
			fs = append(fs, socialrx.Field(p, "unknown dimension %q", d))
			return
		}
		if q, ok := used[d]; ok {
			fs = append(fs, socialrx.Field(p, "dimension %s is already used at %s; tables sharing a dimension could be differenced", d, q))
			return
		}
		used[d] = p
	}
	for i, b := range o.Breakdowns {
		p := "/breakdowns/" + strconv.Itoa(i)
		use(p+"/rows", b.Rows)
		if b.Columns != "" {
			use(p+"/columns", b.Columns)
		}
	}
	return socialrx.Invalid(fs...)
}

// ctxIDs is a person's context interned: one index per single-valued
// dimension (0 is not recorded) and the needs as a bit set.
type ctxIDs struct {
	vals  [len(ctxDims)]uint32
	needs uint64
}

// needBit numbers the need codes for ctxIDs.needs.
var needBit, needByBit = func() (map[socialrx.Need]uint, []socialrx.Need) {
	m := map[socialrx.Need]uint{}
	var by []socialrx.Need
	for i, n := range socialrx.Needs() {
		if i < 64 {
			m[n.Code] = uint(i)
			by = append(by, n.Code)
		}
	}
	return m, by
}()

type interner struct {
	index map[string]uint32
	names []string
}

func (in *interner) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if i, ok := in.index[s]; ok {
		return i
	}
	if in.index == nil {
		in.index = map[string]uint32{}
		in.names = []string{NotRecorded}
	}
	i := uint32(len(in.names))
	in.index[s] = i
	in.names = append(in.names, s)
	return i
}

func (in *interner) name(i uint32) string {
	if i == 0 {
		return NotRecorded
	}
	return in.names[i]
}

// Accumulator builds a [Report] from measurements streamed to Add one at
// a time, in any order. It keeps only each person's baseline and latest
// scores per instrument, so its memory grows with the number of people,
// not of measurements. It is not safe for concurrent use.
type Accumulator struct {
	reg      *Registry
	opts     Options
	track    *tracker
	used     [len(ctxDims)]bool
	intern   [len(ctxDims)]interner
	scores   []Score
	resp     []Response
	counted  int
	excluded int
}

// NewAccumulator returns an accumulator for a report with the options.
// Codes: invalid (bad options).
func NewAccumulator(reg *Registry, opts Options) (*Accumulator, error) {
	opts.Breakdowns = slices.Clone(opts.Breakdowns)
	if err := opts.check(); err != nil {
		return nil, err
	}
	a := &Accumulator{reg: reg, opts: opts, track: newTracker(reg), resp: make([]Response, 0, maxItems)}
	for _, b := range opts.Breakdowns {
		for _, d := range []Dimension{b.Rows, b.Columns} {
			if s := ctxSlot(d); s >= 0 {
				a.used[s] = true
			}
		}
	}
	return a, nil
}

// Add validates and scores m (its own Scores are ignored) and, if the
// person consented to evaluation, counts it towards the report. A bad
// measurement, or one that would put a later measurement before the
// person's baseline for the instrument, is refused and changes nothing.
// Codes: invalid.
func (a *Accumulator) Add(m Measurement) error {
	scores, e, err := a.reg.score(&m, a.scores[:0], a.resp)
	a.scores = scores
	if err != nil {
		return err
	}
	if !m.EvaluationConsent {
		a.excluded++
		return nil
	}
	var ctx ctxIDs
	c := &m.Context
	for s, v := range [...]string{c.TriageLevel, c.Pathway, c.ReferralSource, c.Practice, c.Area} {
		if a.used[s] {
			ctx.vals[s] = a.intern[s].id(v)
		}
	}
	for _, n := range c.Needs {
		if b, ok := needBit[n]; ok {
			ctx.needs |= 1 << b
		}
	}
	if err := a.track.add(&m, e, scores, ctx); err != nil {
		return err
	}
	a.counted++
	return nil
}

// Report is an aggregate outcomes report for commissioners. Only
// measurements with evaluation consent are counted, and no cell of fewer
// people than MinCell is published, nor any cell that could be recovered
// from published totals.
type Report struct {
	// MinCell is the suppression threshold used.
	MinCell int `json:"min_cell" jsonschema:"minimum=0"`
	// Period is the unit of the period dimension.
	Period PeriodUnit `json:"period"`
	// From and To bound the latest measurements counted, if set.
	From socialrx.Date `json:"from,omitzero"`
	To   socialrx.Date `json:"to,omitzero"`
	// Measurements counts the measurements with evaluation consent added.
	Measurements int `json:"measurements" jsonschema:"minimum=0"`
	// ExcludedNoConsent counts the measurements left out for want of
	// evaluation consent.
	ExcludedNoConsent int `json:"excluded_no_consent" jsonschema:"minimum=0"`
	// Scales hold the results per instrument scale that has any pairs.
	Scales []ScaleReport `json:"scales" jsonschema:"maxItems=1000"`
	// Framework is the common outcomes framework view.
	Framework Framework `json:"framework"`
}

// ScaleReport holds the results on one scale of one instrument.
type ScaleReport struct {
	Instrument        string    `json:"instrument" jsonschema:"maxLength=64"`
	InstrumentVersion string    `json:"instrument_version" jsonschema:"maxLength=32"`
	Scale             string    `json:"scale" jsonschema:"maxLength=64"`
	Label             string    `json:"label" jsonschema:"maxLength=200"`
	Domain            Domain    `json:"domain"`
	Better            Direction `json:"better"`
	// MeaningfulChange is the threshold used to class changes, if any.
	MeaningfulChange float64 `json:"meaningful_change,omitempty"`
	// Overall covers everyone paired on the scale.
	Overall Cell `json:"overall"`
	// Tables hold the breakdowns, in the order asked for.
	Tables []Table `json:"tables,omitempty"`
}

// Table is one breakdown. Cells with a Row and a Column are the body;
// a cell with only a Row or only a Column is a total over the other
// dimension. The grand total is the scale's Overall cell.
type Table struct {
	Rows    Dimension `json:"rows"`
	Columns Dimension `json:"columns,omitempty"`
	Cells   []Cell    `json:"cells" jsonschema:"maxItems=100000"`
}

// Cell is one published figure: its statistics, or Suppressed.
type Cell struct {
	Row        string `json:"row,omitempty"`
	Column     string `json:"column,omitempty"`
	Suppressed bool   `json:"suppressed,omitempty"`
	Stats      *Stats `json:"stats,omitempty"`
}

type cellKey struct{ r, c int32 }

const all int32 = -1

// table accumulates one breakdown of one scale.
type table struct {
	cells map[cellKey]*cellAcc
}

func (t *table) at(k cellKey) *cellAcc {
	c := t.cells[k]
	if c == nil {
		c = &cellAcc{}
		t.cells[k] = c
	}
	return c
}

// Report computes the report from everything added so far, with the
// framework view built from in. The accumulator may go on taking
// measurements afterwards. Codes: invalid (bad framework data, paths
// "/partners/...", "/gaps/...", "/system/...").
func (a *Accumulator) Report(in FrameworkInput) (Report, error) {
	if err := in.check(); err != nil {
		return Report{}, err
	}
	k := a.opts.MinCell
	r := Report{MinCell: k, Period: a.opts.Period, From: a.opts.From, To: a.opts.To,
		Measurements: a.counted, ExcludedNoConsent: a.excluded, Scales: []ScaleReport{}}

	type scaleAcc struct {
		overall cellAcc
		tables  []table
	}
	accs := make([][]scaleAcc, len(a.reg.list))
	var periods interner
	from, to := int32(-noDay), int32(noDay)
	if !a.opts.From.IsZero() {
		from = dayOf(a.opts.From)
	}
	if !a.opts.To.IsZero() {
		to = dayOf(a.opts.To)
	}
	var rowsBuf, colsBuf []int32
	for i := range a.track.states {
		st := &a.track.states[i]
		if !st.paired() || st.latest.day < from || st.latest.day > to {
			continue
		}
		e := a.reg.list[st.inst]
		if accs[st.inst] == nil {
			accs[st.inst] = make([]scaleAcc, len(e.scales))
			for j := range accs[st.inst] {
				for range a.opts.Breakdowns {
					accs[st.inst][j].tables = append(accs[st.inst][j].tables, table{cells: map[cellKey]*cellAcc{}})
				}
			}
		}
		ctx := st.latest.ctx
		if ctx == (ctxIDs{}) {
			ctx = st.base.ctx
		}
		period := int32(-1)
		base, latest := a.track.values(st)
		for j, s := range e.scales {
			if (st.base.missing|st.latest.missing)&(1<<j) != 0 {
				continue
			}
			o := classify((latest[j]-base[j])*s.Better.sign(), s.MeaningfulChange)
			sa := &accs[st.inst][j]
			sa.overall.add(base[j], latest[j], o)
			for bi, b := range a.opts.Breakdowns {
				if period < 0 && (b.Rows == DimPeriod || b.Columns == DimPeriod) {
					period = int32(periods.id(a.opts.Period.label(st.latest.day)))
				}
				rowsBuf = values(rowsBuf[:0], b.Rows, ctx, period)
				t := &sa.tables[bi]
				if b.Columns == "" {
					for _, rv := range rowsBuf {
						t.at(cellKey{rv, all}).add(base[j], latest[j], o)
					}
					continue
				}
				colsBuf = values(colsBuf[:0], b.Columns, ctx, period)
				for _, rv := range rowsBuf {
					for _, cv := range colsBuf {
						t.at(cellKey{rv, cv}).add(base[j], latest[j], o)
					}
					t.at(cellKey{rv, all}).add(base[j], latest[j], o)
				}
				for _, cv := range colsBuf {
					t.at(cellKey{all, cv}).add(base[j], latest[j], o)
				}
			}
		}
	}

	tq := map[int]float64{}
	tquant := func(df int) float64 {
		v, ok := tq[df]
		if !ok {
			v = tQuantile975(df)
			tq[df] = v
		}
		return v
	}
	name := func(d Dimension, v int32) string {
		switch {
		case d == DimNeed && v == 0:
			return NotRecorded
		case d == DimNeed:
			return string(needByBit[v-1])
		case d == DimPeriod:
			return periods.name(uint32(v))
		}
		return a.intern[ctxSlot(d)].name(uint32(v))
	}
	for ii, e := range a.reg.list {
		for j, s := range e.scales {
			if accs[ii] == nil || accs[ii][j].overall.n == 0 {
				continue
			}
			sa := &accs[ii][j]
			sr := ScaleReport{Instrument: e.id, InstrumentVersion: e.ver, Scale: s.ID, Label: s.Label,
				Domain: s.Domain, Better: s.Better, MeaningfulChange: s.MeaningfulChange}
			ok := sa.overall.n >= k
			for bi, b := range a.opts.Breakdowns {
				t, safe := buildTable(b, &sa.tables[bi], sa.overall.n, k, name, tquant)
				ok = ok && safe
				sr.Tables = append(sr.Tables, t)
			}
			sr.Overall = Cell{Stats: sa.overall.stats(tquant)}
			if !ok {
				sr.Overall = Cell{Suppressed: true}
				for ti := range sr.Tables {
					for ci := range sr.Tables[ti].Cells {
						sr.Tables[ti].Cells[ci].Suppressed, sr.Tables[ti].Cells[ci].Stats = true, nil
					}
				}
			}
			r.Scales = append(r.Scales, sr)
		}
	}
	r.Framework = a.framework(r.Scales, in)
	return r, nil
}

// values appends the breakdown values of a person for dimension d: the
// interned index, the need bits (+1, 0 for none) or the period.
func values(dst []int32, d Dimension, ctx ctxIDs, period int32) []int32 {
	switch d {
	case DimNeed:
		if ctx.needs == 0 {
			return append(dst, 0)
		}
		for b := range uint(64) {
			if ctx.needs&(1<<b) != 0 {
				dst = append(dst, int32(b)+1)
			}
		}
		return dst
	case DimPeriod:
		return append(dst, period)
	}
	return append(dst, int32(ctx.vals[ctxSlot(d)]))
}

// buildTable lays out one breakdown's cells in a stable order and
// suppresses them; safe is false when only suppressing everything,
// including the grand total, protects the small cells.
func buildTable(b Breakdown, t *table, grand, k int, name func(Dimension, int32) string, tq func(int) float64) (Table, bool) {
	out := Table{Rows: b.Rows, Columns: b.Columns}
	keys := make([]cellKey, 0, len(t.cells))
	for key := range t.cells {
		keys = append(keys, key)
	}
	label := func(d Dimension, v int32) string {
		if v == all {
			return ""
		}
		return name(d, v)
	}
	order := func(d Dimension, x, y int32) int {
		if x == all || y == all {
			return cmp.Compare(-x, -y) // the total after the values: all < 0
		}
		lx, ly := label(d, x), label(d, y)
		if (lx == NotRecorded) != (ly == NotRecorded) {
			if lx == NotRecorded {
				return 1
			}
			return -1
		}
		return cmp.Compare(lx, ly)
	}
	slices.SortFunc(keys, func(x, y cellKey) int {
		if c := order(b.Rows, x.r, y.r); c != 0 {
			return c
		}
		return order(b.Columns, x.c, y.c)
	})

	// The graph of equations (see suppress.go).
	var g *sgraph
	edge := make([]int, len(keys))
	if b.Columns == "" {
		g = newSGraph(2)
		for i, key := range keys {
			edge[i] = g.add(0, 1, t.cells[key].n, 1, false)
		}
		g.add(0, 1, grand, -1, true)
	} else {
		rows, cols := map[int32]int{}, map[int32]int{}
		for _, key := range keys {
			if key.r != all {
				if _, ok := rows[key.r]; !ok {
					rows[key.r] = len(rows)
				}
			}
			if key.c != all {
				if _, ok := cols[key.c]; !ok {
					cols[key.c] = len(cols)
				}
			}
		}
		nr, nc := len(rows), len(cols)
		rowTotals, colNode := nr, func(c int) int { return nr + 1 + c }
		colTotals := nr + 1 + nc
		g = newSGraph(nr + nc + 2)
		for i, key := range keys {
			n := t.cells[key].n
			switch {
			case key.r != all && key.c != all:
				edge[i] = g.add(rows[key.r], colNode(cols[key.c]), n, 1, false)
			case key.r != all:
				edge[i] = g.add(rows[key.r], colTotals, n, -1, false)
			default:
				edge[i] = g.add(rowTotals, colNode(cols[key.c]), n, -1, false)
			}
		}
		g.add(rowTotals, colTotals, grand, 1, true)
	}
	safe := grand >= k && g.protect(k)
	for i, key := range keys {
		c := Cell{Row: label(b.Rows, key.r), Column: label(b.Columns, key.c)}
		if g.edges[edge[i]].suppressed || !safe {
			c.Suppressed = true
		} else {
			c.Stats = t.cells[key].stats(tq)
		}
		out.Cells = append(out.Cells, c)
	}
	return out, safe
}
