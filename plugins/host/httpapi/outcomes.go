package httpapi

import (
	"net/http"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plugins/host"
)

// outcomeRoutes are the routes of measurements and reports.
func (h *Handler) outcomeRoutes() []route {
	s := h.svc
	return []route{
		{Method: "POST", Path: "/v1/referrals/{id}/measurements", Summary: "Record a completed instrument (scored by the host)", Body: host.MeasurementRequest{}, Schema: "measurement_request", Response: outcomes.Measurement{}, Create: true,
			h: func(c *call) error {
				var in host.MeasurementRequest
				if err := c.body(&in); err != nil {
					return err
				}
				m, err := s.RecordMeasurement(c.ctx, c.p, c.id("id"), in, c.key())
				if err != nil {
					return err
				}
				writeJSON(c.w, http.StatusCreated, m.Version, m)
				return nil
			}},
		{Method: "GET", Path: "/v1/reports/outcomes", Summary: "The aggregate outcomes report, small cells suppressed (breakdown=rows[:columns], min_cell, from, to, format=json|csv)", Response: outcomes.Report{},
			Media: map[string]any{"text/csv": ""}, Query: reportQuery(),
			h: func(c *call) error {
				opts, err := reportOptions(c)
				if err != nil {
					return err
				}
				rep, err := s.OutcomesReport(c.ctx, c.p, opts)
				if err != nil {
					return err
				}
				if c.str("format") == "csv" {
					c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
					return rep.WriteCSV(c.w)
				}
				c.w.Header().Set("Content-Type", "application/json")
				return rep.WriteJSON(c.w)
			}},
	}
}

// reportQuery are the query parameters of the outcomes report.
func reportQuery() []param {
	dim := "(" + strings.Join(outcomes.Dimension("").EnumValues(), "|") + ")"
	breakdown := patternParam("breakdown", "A table of the report: rows, or rows:columns, each a dimension ("+
		strings.Join(outcomes.Dimension("").EnumValues(), ", ")+"). May be given more than once.", "^"+dim+"(:"+dim+")?$", 200)
	breakdown.Many = true
	date := func(name, desc string) param {
		return param{Name: name, Description: desc, Schema: map[string]any{"type": "string", "format": "date", "maxLength": 10}}
	}
	return []param{
		breakdown,
		intParam("min_cell", "The smallest cell to publish; never below the host's floor.", 1, 1000000),
		date("from", "The first day the report covers, YYYY-MM-DD."),
		date("to", "The last day the report covers, YYYY-MM-DD."),
		strParam("format", "json (the default) or csv.", 0, "json", "csv"),
	}
}

// reportOptions reads a report's query parameters, checked by reportQuery.
// Codes: invalid.
func reportOptions(c *call) (outcomes.Options, error) {
	var o outcomes.Options
	for _, b := range c.strs("breakdown") {
		rows, cols, _ := strings.Cut(b, ":")
		o.Breakdowns = append(o.Breakdowns, outcomes.Breakdown{Rows: outcomes.Dimension(rows), Columns: outcomes.Dimension(cols)})
	}
	o.MinCell = c.integer("min_cell")
	var errs []socialrx.FieldError
	for name, dst := range map[string]*socialrx.Date{"from": &o.From, "to": &o.To} {
		if s := c.str(name); s != "" {
			d, err := socialrx.ParseDate(s)
			if err != nil {
				errs = append(errs, socialrx.Field("/"+name, "must be a date YYYY-MM-DD"))
			}
			*dst = d
		}
	}
	return o, socialrx.Invalid(errs...)
}
