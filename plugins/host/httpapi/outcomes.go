package httpapi

import (
	"net/http"
	"strconv"
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
			h: func(c *call) error {
				opts, err := reportOptions(c.r)
				if err != nil {
					return err
				}
				rep, err := s.OutcomesReport(c.ctx, c.p, opts)
				if err != nil {
					return err
				}
				if c.r.URL.Query().Get("format") == "csv" {
					c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
					return rep.WriteCSV(c.w)
				}
				c.w.Header().Set("Content-Type", "application/json")
				return rep.WriteJSON(c.w)
			}},
	}
}

// reportOptions reads a report's query parameters. Codes: invalid.
func reportOptions(r *http.Request) (outcomes.Options, error) {
	q := r.URL.Query()
	var o outcomes.Options
	var errs []socialrx.FieldError
	for i, b := range q["breakdown"] {
		rows, cols, _ := strings.Cut(b, ":")
		bd := outcomes.Breakdown{Rows: outcomes.Dimension(rows), Columns: outcomes.Dimension(cols)}
		if !socialrx.ValidEnum(bd.Rows) || (cols != "" && !socialrx.ValidEnum(bd.Columns)) {
			errs = append(errs, socialrx.Field("/breakdown/"+strconv.Itoa(i), "unknown dimension in %q; known: %s", b, strings.Join(outcomes.Dimension("").EnumValues(), ", ")))
			continue
		}
		o.Breakdowns = append(o.Breakdowns, bd)
	}
	if s := q.Get("min_cell"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			errs = append(errs, socialrx.Field("/min_cell", "must be a whole number of at least 1"))
		}
		o.MinCell = n
	}
	for name, dst := range map[string]*socialrx.Date{"from": &o.From, "to": &o.To} {
		if s := q.Get(name); s != "" {
			d, err := socialrx.ParseDate(s)
			if err != nil {
				errs = append(errs, socialrx.Field("/"+name, "must be a date YYYY-MM-DD"))
			}
			*dst = d
		}
	}
	if f := q.Get("format"); f != "" && f != "json" && f != "csv" {
		errs = append(errs, socialrx.Field("/format", "must be json or csv"))
	}
	return o, socialrx.Invalid(errs...)
}
