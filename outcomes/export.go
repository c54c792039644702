package outcomes

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// csvHeader is the header row of [Report.WriteCSV].
var csvHeader = []string{"section", "instrument", "instrument_version", "scale", "rows", "row", "columns", "column", "statistic", "value"}

// Suppressed is the CSV value of a suppressed figure, as the ONS marks
// confidential cells.
const Suppressed = "[c]"

// WriteCSV writes the report as one tidy CSV table: one figure per line
// with the columns section, instrument, instrument_version, scale, rows,
// row, columns, column, statistic and value. Sections are "outcomes"
// (statistics n, mean_baseline, mean_latest, mean_change, ci95_low,
// ci95_high, improved, same, worse; an empty row or column is a total),
// "partners", "gaps" and "system". A suppressed cell is one line with
// statistic n and value [c]. Text that a spreadsheet would run as a
// formula is prefixed with a quote. It returns the writer's error.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rec := func(f ...string) {
		out := make([]string, len(f))
		for i, s := range f {
			out[i] = safeCSV(s)
		}
		_ = cw.Write(out) // errors surface through cw.Error
	}
	rec(csvHeader...)
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	cell := func(sr ScaleReport, rows, cols string, c Cell) {
		pre := []string{"outcomes", sr.Instrument, sr.InstrumentVersion, sr.Scale, rows, c.Row, cols, c.Column}
		line := func(stat, v string) { rec(append(pre[:8:8], stat, v)...) }
		if c.Suppressed || c.Stats == nil {
			line("n", Suppressed)
			return
		}
		s := c.Stats
		line("n", strconv.Itoa(s.N))
		line("mean_baseline", num(s.MeanBaseline))
		line("mean_latest", num(s.MeanLatest))
		line("mean_change", num(s.MeanChange))
		if s.CI95 != nil {
			line("ci95_low", num(s.CI95.Low))
			line("ci95_high", num(s.CI95.High))
		}
		line("improved", num(s.Improved))
		line("same", num(s.Same))
		line("worse", num(s.Worse))
	}
	for _, sr := range r.Scales {
		cell(sr, "", "", sr.Overall)
		for _, t := range sr.Tables {
			for _, c := range t.Cells {
				cell(sr, string(t.Rows), string(t.Columns), c)
			}
		}
	}
	cnt := func(c Count) string {
		if c.Suppressed || c.Value == nil {
			return Suppressed
		}
		return strconv.Itoa(*c.Value)
	}
	partner := func(p PartnerRow) {
		for _, f := range []struct {
			stat string
			c    Count
		}{{"accepted", p.Accepted}, {"rejected_no_capacity", p.RejectedNoCapacity}, {"attended", p.Attended}, {"completed", p.Completed}} {
			rec("partners", "", "", "", "partner", p.Partner, "", "", f.stat, cnt(f.c))
		}
	}
	for _, p := range r.Framework.Community.Partners {
		partner(p)
	}
	if t := r.Framework.Community.Total; t != nil {
		partner(*t)
	}
	for _, g := range r.Framework.Community.Gaps {
		rec("gaps", "", "", "", "need", string(g.Need), "area", g.Area, "people", cnt(g.People))
	}
	for _, m := range r.Framework.System {
		rec("system", "", "", "", "measure", m.Measure, "", "", "people", cnt(m.People))
		if m.Before != nil && m.After != nil {
			rec("system", "", "", "", "measure", m.Measure, "", "", "before", num(*m.Before))
			rec("system", "", "", "", "measure", m.Measure, "", "", "after", num(*m.After))
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV defuses text a spreadsheet would evaluate as a formula.
func safeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// WriteJSON writes the report as indented JSON that validates against
// report.schema.json. It returns the writer's error.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
