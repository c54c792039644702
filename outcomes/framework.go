package outcomes

import (
	"strconv"

	"github.com/socialrx/socialrx"
)

// FrameworkInput is what the host gathers for the community and system
// parts of the common outcomes framework: plain counts from onward
// referrals, gaps from the directory, and figures from the clinical system.
type FrameworkInput struct {
	// Partners count onward referrals by partner organisation.
	Partners []PartnerCounts `json:"partners,omitempty"`
	// Gaps count people whose need no community group could meet.
	Gaps []Gap `json:"gaps,omitempty"`
	// System holds figures the clinical system reports, if any.
	System []SystemMeasure `json:"system,omitempty"`
}

// PartnerCounts are one partner's onward referrals in the period.
type PartnerCounts struct {
	// Partner names the partner organisation.
	Partner string `json:"partner"`
	// Accepted referrals, and those rejected for want of capacity.
	Accepted           int `json:"accepted"`
	RejectedNoCapacity int `json:"rejected_no_capacity"`
	// Attended and Completed count accepted referrals the person attended
	// and completed.
	Attended  int `json:"attended"`
	Completed int `json:"completed"`
}

// Gap counts people with a need that no group was found to meet.
type Gap struct {
	Need socialrx.Need `json:"need"`
	// Area is where, if gaps are counted by area.
	Area   string `json:"area,omitempty"`
	People int    `json:"people"`
}

// SystemMeasure is one figure from the clinical system, such as mean GP
// appointments per person in the six months before and after referral.
type SystemMeasure struct {
	// Measure is a snake_case code, such as "gp_appointments".
	Measure string `json:"measure"`
	Label   string `json:"label"`
	// Unit says what Before and After count, such as "per person per 6 months".
	Unit string `json:"unit,omitempty"`
	// People is how many people the figures cover.
	People int     `json:"people"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

func (in *FrameworkInput) check() error {
	var fs []socialrx.FieldError
	seen := map[string]bool{}
	for i, p := range in.Partners {
		q := "/partners/" + strconv.Itoa(i)
		fs = checkText(fs, q+"/partner", p.Partner)
		if seen[p.Partner] {
			fs = append(fs, socialrx.Field(q+"/partner", "partner %q is listed twice", p.Partner))
		}
		seen[p.Partner] = true
		for _, c := range []struct {
			f string
			n int
		}{{"accepted", p.Accepted}, {"rejected_no_capacity", p.RejectedNoCapacity}, {"attended", p.Attended}, {"completed", p.Completed}} {
			if c.n < 0 {
				fs = append(fs, socialrx.Field(q+"/"+c.f, "must not be negative"))
			}
		}
		if p.Attended > p.Accepted {
			fs = append(fs, socialrx.Field(q+"/attended", "cannot exceed accepted (%d)", p.Accepted))
		}
		if p.Completed > p.Accepted {
			fs = append(fs, socialrx.Field(q+"/completed", "cannot exceed accepted (%d)", p.Accepted))
		}
	}
	gaps := map[Gap]bool{}
	for i, g := range in.Gaps {
		q := "/gaps/" + strconv.Itoa(i)
		if !g.Need.Valid() {
			fs = append(fs, socialrx.Field(q+"/need", "unknown need code %q", string(g.Need)))
		}
		if g.People < 0 {
			fs = append(fs, socialrx.Field(q+"/people", "must not be negative"))
		}
		k := Gap{Need: g.Need, Area: g.Area}
		if gaps[k] {
			fs = append(fs, socialrx.Field(q, "need %s in area %q is listed twice", g.Need, g.Area))
		}
		gaps[k] = true
	}
	measures := map[string]bool{}
	for i, m := range in.System {
		q := "/system/" + strconv.Itoa(i)
		fs = append(fs, checkCode(q+"/measure", m.Measure)...)
		if measures[m.Measure] {
			fs = append(fs, socialrx.Field(q+"/measure", "measure %q is listed twice", m.Measure))
		}
		measures[m.Measure] = true
		fs = checkText(fs, q+"/label", m.Label)
		if m.People < 0 {
			fs = append(fs, socialrx.Field(q+"/people", "must not be negative"))
		}
		if !finite(m.Before) || !finite(m.After) {
			fs = append(fs, socialrx.Field(q, "before and after must be numbers"))
		}
	}
	return socialrx.Invalid(fs...)
}

// Count is a published count, or Suppressed.
type Count struct {
	Value      *int `json:"value,omitempty" jsonschema:"minimum=0"`
	Suppressed bool `json:"suppressed,omitempty"`
}

// Framework is the common outcomes framework view of a report.
type Framework struct {
	// Person repeats the overall results of the wellbeing and loneliness scales.
	Person []PersonOutcome `json:"person" jsonschema:"maxItems=1000"`
	// Community shows demand on and capacity of community partners, and gaps.
	Community Community `json:"community"`
	// System shows what the clinical system reports, if provided.
	System []SystemRow `json:"system,omitempty"`
}

// PersonOutcome is one wellbeing or loneliness scale's overall result.
type PersonOutcome struct {
	Instrument        string `json:"instrument" jsonschema:"maxLength=64"`
	InstrumentVersion string `json:"instrument_version" jsonschema:"maxLength=32"`
	Scale             string `json:"scale" jsonschema:"maxLength=64"`
	Label             string `json:"label" jsonschema:"maxLength=200"`
	Domain            Domain `json:"domain"`
	Overall           Cell   `json:"overall"`
}

// Community holds onward referrals by partner, their total, and gaps.
type Community struct {
	Partners []PartnerRow `json:"partners,omitempty" jsonschema:"maxItems=10000"`
	// Total sums the partners; its Partner is empty.
	Total *PartnerRow `json:"total,omitempty"`
	Gaps  []GapRow    `json:"gaps,omitempty" jsonschema:"maxItems=100000"`
}

// PartnerRow is one partner's counts, each published or suppressed.
type PartnerRow struct {
	Partner            string `json:"partner,omitempty" jsonschema:"maxLength=128"`
	Accepted           Count  `json:"accepted"`
	RejectedNoCapacity Count  `json:"rejected_no_capacity"`
	Attended           Count  `json:"attended"`
	Completed          Count  `json:"completed"`
}

// GapRow is one gap, with its count published or suppressed.
type GapRow struct {
	Need   socialrx.Need `json:"need"`
	Area   string        `json:"area,omitempty"`
	People Count         `json:"people"`
}

// SystemRow is one clinical-system figure; the figures are left out when
// they cover fewer people than the threshold.
type SystemRow struct {
	Measure string   `json:"measure"`
	Label   string   `json:"label"`
	Unit    string   `json:"unit,omitempty"`
	People  Count    `json:"people"`
	Before  *float64 `json:"before,omitempty"`
	After   *float64 `json:"after,omitempty"`
}

func (a *Accumulator) framework(scales []ScaleReport, in FrameworkInput) Framework {
	k := a.opts.MinCell
	f := Framework{Person: []PersonOutcome{}}
	for _, s := range scales {
		if s.Domain == DomainWellbeing || s.Domain == DomainLoneliness {
			f.Person = append(f.Person, PersonOutcome{Instrument: s.Instrument, InstrumentVersion: s.InstrumentVersion,
				Scale: s.Scale, Label: s.Label, Domain: s.Domain, Overall: s.Overall})
		}
	}
	if len(in.Partners) > 0 {
		f.Community.Partners = make([]PartnerRow, len(in.Partners))
		f.Community.Total = &PartnerRow{}
		cols := []struct {
			get func(PartnerCounts) int
			set func(*PartnerRow) *Count
		}{
			{func(p PartnerCounts) int { return p.Accepted }, func(r *PartnerRow) *Count { return &r.Accepted }},
			{func(p PartnerCounts) int { return p.RejectedNoCapacity }, func(r *PartnerRow) *Count { return &r.RejectedNoCapacity }},
			{func(p PartnerCounts) int { return p.Attended }, func(r *PartnerRow) *Count { return &r.Attended }},
			{func(p PartnerCounts) int { return p.Completed }, func(r *PartnerRow) *Count { return &r.Completed }},
		}
		for i, p := range in.Partners {
			f.Community.Partners[i].Partner = p.Partner
		}
		for _, col := range cols {
			// Each column is a one-way table of partners and their total.
			g := newSGraph(2)
			total := 0
			for _, p := range in.Partners {
				g.add(0, 1, col.get(p), 1, false)
				total += col.get(p)
			}
			g.add(0, 1, total, -1, true)
			safe := (total == 0 || total >= k) && g.protect(k)
			for i, p := range in.Partners {
				*col.set(&f.Community.Partners[i]) = count(col.get(p), !safe || g.edges[i].suppressed)
			}
			*col.set(f.Community.Total) = count(total, !safe)
		}
	}
	for _, g := range in.Gaps {
		// Gaps are published without a total, so only small counts go.
		f.Community.Gaps = append(f.Community.Gaps, GapRow{Need: g.Need, Area: g.Area, People: count(g.People, g.People > 0 && g.People < k)})
	}
	for _, m := range in.System {
		row := SystemRow{Measure: m.Measure, Label: m.Label, Unit: m.Unit, People: count(m.People, m.People < k)}
		if m.People >= k {
			b, af := m.Before, m.After
			row.Before, row.After = &b, &af
		}
		f.System = append(f.System, row)
	}
	return f
}

func count(n int, suppressed bool) Count {
	if suppressed {
		return Count{Suppressed: true}
	}
	return Count{Value: &n}
}
