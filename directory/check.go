package directory

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// Check reports every rule s breaks: the ORUK formats (UUID ids, URIs,
// emails), enums and required values, well-formed schedules (iCalendar
// byday and bymonthday, HH:MM times, closing after opening, valid_to not
// before valid_from), ages and amounts not negative, ids unique among their
// siblings, and the rules of the socialrx extensions. It returns nil or a
// [socialrx.CodeInvalid] error whose fields are JSON pointers into the
// service's JSON form.
func (s Service) Check() error {
	var c checker
	c.service("", &s)
	return socialrx.Invalid(c.errs...)
}

// Check reports every rule o breaks, its services' included, as
// [Service.Check] does. It returns nil or a [socialrx.CodeInvalid] error.
func (o OrganizationFull) Check() error {
	var c checker
	c.organizationFull("", &o)
	return socialrx.Invalid(c.errs...)
}

// formatValidators check single strings with the same JSON Schema
// validator the schemas use, so the Go checks and the schema agree exactly.
var formatValidators = sync.OnceValue(func() map[string]*schema.Validator {
	m := map[string]*schema.Validator{}
	for _, f := range []string{"email", "uri"} {
		m[f] = schema.MustCompile("format-"+f, []byte(`{"type":"string","format":"`+f+`"}`))
	}
	return m
})

type checker struct {
	errs []socialrx.FieldError
}

func (c *checker) add(p, field, rule string, args ...any) {
	c.errs = append(c.errs, socialrx.Field(join(p, field), rule, args...))
}

// join makes the pointer of a field; callers pass prefix and field apart so
// that the string is only built for a failing field.
func join(p, field string) string {
	if field == "" {
		return p
	}
	return p + "/" + field
}

func (c *checker) format(p, field, format, v string) {
	if v == "" || format == "email" && plainEmail(v) || format == "uri" && plainURL(v) {
		return
	}
	if err := formatValidators()[format].ValidateValue(v); err != nil {
		rule := "is not a valid " + format
		if fs := socialrx.ErrorFields(err); len(fs) > 0 {
			rule = fs[0].Rule
		}
		c.add(p, field, "%s", rule)
	}
}

func (c *checker) email(p, field, v string) { c.format(p, field, "email", v) }
func (c *checker) uri(p, field, v string)   { c.format(p, field, "uri", v) }

// plainEmail accepts, quickly, the common addresses that the schema's
// email format surely accepts (name@host.example); anything else goes to
// the validator itself, so the two never disagree.
func plainEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if len(s) > 254 || at < 1 || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !isAlnum(local[i]) && strings.IndexByte("._%+-", local[i]) < 0 {
			return false
		}
	}
	return plainHost(domain)
}

// plainHost accepts dot-separated labels of letters, digits and inner
// hyphens, 1 to 63 long, 253 in all.
func plainHost(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if !isAlnum(s[i]) && s[i] != '-' {
				return false
			}
			continue
		}
		label := s[start:i]
		if len(label) < 1 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// plainURL accepts, quickly, http and https URLs with a plain host, no
// port, no user and no percent escapes, which the schema's uri format
// surely accepts; anything else goes to the validator itself.
func plainURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if !plainHost(rest[:end]) {
		return false
	}
	for i := end; i < len(rest); i++ {
		if !isAlnum(rest[i]) && strings.IndexByte("-._~/?#=&+,;:@!$'()*", rest[i]) < 0 {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// uuid checks an id in the 8-4-4-4-12 hex form; required ids may not be empty.
func (c *checker) uuid(p, field, v string, required bool) {
	if v == "" {
		if required {
			c.add(p, field, "required")
		}
		return
	}
	if !isUUID(v) {
		c.add(p, field, "%q is not a UUID", v)
	}
}

var isHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

func isUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	for _, r := range [5][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}} {
		for i := r[0]; i < r[1]; i++ {
			if !isHex[s[i]] {
				return false
			}
		}
	}
	return true
}

func (c *checker) nonBlank(p, field, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(p, field, "must not be blank")
	}
}

func enumOK(v string, vals []string) bool {
	for _, x := range vals {
		if v == x {
			return true
		}
	}
	return false
}

func (c *checker) enum(p, field, v string, vals []string, required bool) {
	if v == "" && !required {
		return
	}
	if !enumOK(v, vals) {
		c.add(p, field, "%q is not one of %s", v, strings.Join(vals, ", "))
	}
}

func (c *checker) number(p, field string, v *float64) {
	if v == nil {
		return
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) {
		c.add(p, field, "must be a finite number")
	} else if *v < 0 {
		c.add(p, field, "must not be negative")
	}
}

// ids checks that the ids of one array's elements are unique.
func (c *checker) ids(p, field string, n int, id func(int) string) {
	if n < 2 {
		return
	}
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		v := id(i)
		if v == "" {
			continue
		}
		if seen[v] {
			c.add(at(p, field, i), "id", "duplicate id %q", v)
		}
		seen[v] = true
	}
}

// at is the pointer of element i of an array field.
func at(p, field string, i int) string { return p + "/" + field + "/" + strconv.Itoa(i) }

func (c *checker) service(p string, s *Service) {
	c.uuid(p, "id", s.ID, true)
	c.uuid(p, "organization_id", s.OrganizationID, false)
	c.nonBlank(p, "name", s.Name)
	c.uri(p, "url", s.URL)
	c.email(p, "email", s.Email)
	c.enum(p, "status", string(s.Status), Status("").EnumValues(), true)
	c.number(p, "minimum_age", s.MinimumAge)
	c.number(p, "maximum_age", s.MaximumAge)
	if s.MinimumAge != nil && s.MaximumAge != nil && *s.MaximumAge < *s.MinimumAge {
		c.add(p, "maximum_age", "must not be below minimum_age")
	}
	c.email(p, "assurer_email", s.AssurerEmail)

	c.ids(p, "schedules", len(s.Schedules), func(i int) string { return s.Schedules[i].ID })
	for i := range s.Schedules {
		c.schedule(at(p, "schedules", i), &s.Schedules[i])
	}
	c.ids(p, "service_areas", len(s.ServiceAreas), func(i int) string { return s.ServiceAreas[i].ID })
	for i, a := range s.ServiceAreas {
		q := at(p, "service_areas", i)
		c.uuid(q, "id", a.ID, true)
		c.uuid(q, "service_id", a.ServiceID, false)
	}
	c.ids(p, "service_at_locations", len(s.ServiceAtLocations), func(i int) string { return s.ServiceAtLocations[i].ID })
	for i, l := range s.ServiceAtLocations {
		q := at(p, "service_at_locations", i)
		c.uuid(q, "id", l.ID, true)
		c.uuid(q, "service_id", l.ServiceID, false)
		c.uuid(q, "location_id", l.LocationID, false)
		if l.Location != nil {
			c.location(q+"/location", l.Location)
		}
	}
	c.languages(p, "languages", s.Languages)
	if s.Organization != nil {
		c.organization(p+"/organization", s.Organization)
	}
	c.ids(p, "funding", len(s.Funding), func(i int) string { return s.Funding[i].ID })
	for i, f := range s.Funding {
		q := at(p, "funding", i)
		c.uuid(q, "id", f.ID, true)
		c.uuid(q, "service_id", f.ServiceID, false)
	}
	c.ids(p, "cost_options", len(s.CostOptions), func(i int) string { return s.CostOptions[i].ID })
	for i, o := range s.CostOptions {
		q := at(p, "cost_options", i)
		c.uuid(q, "id", o.ID, true)
		c.uuid(q, "service_id", o.ServiceID, false)
		c.number(q, "amount", o.Amount)
		if !o.ValidFrom.IsZero() && !o.ValidTo.IsZero() && o.ValidTo.Before(o.ValidFrom) {
			c.add(q, "valid_to", "must not be before valid_from")
		}
	}
	c.ids(p, "contacts", len(s.Contacts), func(i int) string { return s.Contacts[i].ID })
	for i := range s.Contacts {
		ct := &s.Contacts[i]
		q := at(p, "contacts", i)
		c.uuid(q, "id", ct.ID, true)
		c.uuid(q, "service_id", ct.ServiceID, false)
		c.email(q, "email", ct.Email)
		c.phones(q, "phones", ct.Phones)
		c.attributes(q, "attributes", ct.Attributes)
	}
	c.phones(p, "phones", s.Phones)
	c.attributes(p, "attributes", s.Attributes)
	c.extensions(p+"/socialrx", s.ID, &s.Extensions)
}

func (c *checker) schedule(p string, s *Schedule) {
	c.uuid(p, "id", s.ID, true)
	c.uuid(p, "service_id", s.ServiceID, false)
	c.uuid(p, "service_at_location_id", s.ServiceAtLocationID, false)
	if !s.ValidFrom.IsZero() && !s.ValidTo.IsZero() && s.ValidTo.Before(s.ValidFrom) {
		c.add(p, "valid_to", "must not be before valid_from")
	}
	c.enum(p, "freq", string(s.Freq), Freq("").EnumValues(), false)
	if s.Interval < 0 {
		c.add(p, "interval", "must be at least 1")
	}
	if s.ByDay != "" {
		if !isByDay(s.ByDay) {
			c.add(p, "byday", "%q is not a list of iCalendar days such as \"MO,WE\" or \"1TU\"", s.ByDay)
		} else if s.Freq == FreqWeekly && strings.ContainsAny(s.ByDay, "0123456789") {
			c.add(p, "byday", "a weekly schedule cannot name the nth day of a month")
		}
	}
	if s.ByMonthDay != "" && !isByMonthDay(s.ByMonthDay) {
		c.add(p, "bymonthday", "%q is not a list of days of the month such as \"1,15\" or \"-1\"", s.ByMonthDay)
	}
	if (s.ByDay != "" || s.ByMonthDay != "") && s.Freq == "" {
		c.add(p, "freq", "required with byday or bymonthday")
	}
	opens, okO := -1, true
	if s.OpensAt != "" {
		opens, okO = parseClock(s.OpensAt)
		if !okO {
			c.add(p, "opens_at", "%q is not a time HH:MM or HH:MM:SS", s.OpensAt)
		}
	}
	if s.ClosesAt != "" {
		closes, ok := parseClock(s.ClosesAt)
		if !ok {
			c.add(p, "closes_at", "%q is not a time HH:MM or HH:MM:SS", s.ClosesAt)
		} else if okO && opens >= 0 && closes <= opens {
			c.add(p, "closes_at", "must be after opens_at (split sessions past midnight in two)")
		}
	}
	c.uri(p, "schedule_link", s.ScheduleLink)
}

// parseClock returns the seconds since midnight of HH:MM or HH:MM:SS
// (clockPattern, matched by hand for speed).
func parseClock(v string) (int, bool) {
	if len(v) != 5 && (len(v) != 8 || v[5] != ':') || v[2] != ':' {
		return 0, false
	}
	h, ok1 := twoDigits(v[0:2], 23)
	m, ok2 := twoDigits(v[3:5], 59)
	sec, ok3 := 0, true
	if len(v) == 8 {
		sec, ok3 = twoDigits(v[6:8], 59)
	}
	return h*3600 + m*60 + sec, ok1 && ok2 && ok3
}

func twoDigits(s string, most int) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n <= most
}

// isByDay matches bydayPattern by hand: days such as "MO", "+1TU" or
// "-1FR", separated by commas.
func isByDay(v string) bool {
	for _, tok := range strings.Split(v, ",") {
		if tok != "" && (tok[0] == '+' || tok[0] == '-') {
			tok = tok[1:]
		}
		if tok != "" && tok[0] >= '1' && tok[0] <= '5' {
			tok = tok[1:]
		}
		if _, ok := icalDays[tok]; !ok {
			return false
		}
	}
	return true
}

// isByMonthDay matches bymonthdayPattern by hand: days 1 to 31, or -31 to
// -1, separated by commas.
func isByMonthDay(v string) bool {
	for _, tok := range strings.Split(v, ",") {
		tok = strings.TrimPrefix(tok, "-")
		switch {
		case len(tok) == 1 && tok[0] >= '1' && tok[0] <= '9':
		case len(tok) == 2 && (tok[0] == '1' || tok[0] == '2') && tok[1] >= '0' && tok[1] <= '9':
		case len(tok) == 2 && tok[0] == '3' && (tok[1] == '0' || tok[1] == '1'):
		default:
			return false
		}
	}
	return true
}

func (c *checker) location(p string, l *Location) {
	c.uuid(p, "id", l.ID, true)
	c.enum(p, "location_type", string(l.LocationType), LocationType("").EnumValues(), true)
	for _, v := range []struct {
		name string
		f    *float64
	}{{"latitude", l.Latitude}, {"longitude", l.Longitude}} {
		if v.f != nil && (math.IsNaN(*v.f) || math.IsInf(*v.f, 0)) {
			c.add(p, v.name, "must be a finite number")
		}
	}
	c.ids(p, "addresses", len(l.Addresses), func(i int) string { return l.Addresses[i].ID })
	for i, a := range l.Addresses {
		q := at(p, "addresses", i)
		c.uuid(q, "id", a.ID, true)
		c.uuid(q, "location_id", a.LocationID, false)
		c.enum(q, "address_type", string(a.AddressType), LocationType("").EnumValues(), true)
		c.attributes(q, "attributes", a.Attributes)
	}
	c.ids(p, "accessibility", len(l.Accessibility), func(i int) string { return l.Accessibility[i].ID })
	for i, a := range l.Accessibility {
		q := at(p, "accessibility", i)
		c.uuid(q, "id", a.ID, true)
		c.uuid(q, "location_id", a.LocationID, false)
		c.uri(q, "url", a.URL)
		c.attributes(q, "attributes", a.Attributes)
	}
	c.attributes(p, "attributes", l.Attributes)
}

func (c *checker) languages(p0, field string, ls []Language) {
	c.ids(p0, field, len(ls), func(i int) string { return ls[i].ID })
	for i, l := range ls {
		q := at(p0, field, i)
		c.uuid(q, "id", l.ID, true)
		c.uuid(q, "service_id", l.ServiceID, false)
		c.uuid(q, "phone_id", l.PhoneID, false)
	}
}

func (c *checker) phones(p0, field string, ps []Phone) {
	c.ids(p0, field, len(ps), func(i int) string { return ps[i].ID })
	for i, ph := range ps {
		q := at(p0, field, i)
		c.uuid(q, "id", ph.ID, true)
		c.uuid(q, "contact_id", ph.ContactID, false)
		c.nonBlank(q, "number", ph.Number)
		c.languages(q, "languages", ph.Languages)
	}
}

func (c *checker) attributes(p0, field string, as []Attribute) {
	c.ids(p0, field, len(as), func(i int) string { return as[i].ID })
	for i, a := range as {
		q := at(p0, field, i)
		c.uuid(q, "id", a.ID, true)
		c.uuid(q, "link_id", a.LinkID, false)
		c.uuid(q, "taxonomy_term_id", a.TaxonomyTermID, false)
		if t := a.TaxonomyTerm; t != nil {
			c.uuid(q, "taxonomy_term/id", t.ID, true)
			c.uuid(q, "taxonomy_term/parent_id", t.ParentID, false)
			c.uuid(q, "taxonomy_term/taxonomy_id", t.TaxonomyID, false)
			c.uri(q, "taxonomy_term/term_uri", t.TermURI)
		}
	}
}

func (c *checker) organization(p string, o *Organization) {
	c.uuid(p, "id", o.ID, true)
	c.nonBlank(p, "name", o.Name)
	c.email(p, "email", o.Email)
	c.uri(p, "website", o.Website)
	c.uri(p, "uri", o.URI)
	c.uuid(p, "parent_organization_id", o.ParentOrganizationID, false)
	c.ids(p, "organization_identifiers", len(o.OrganizationIdentifiers), func(i int) string { return o.OrganizationIdentifiers[i].ID })
	for i, id := range o.OrganizationIdentifiers {
		q := at(p, "organization_identifiers", i)
		c.uuid(q, "id", id.ID, true)
		c.uuid(q, "organization_id", id.OrganizationID, false)
		c.attributes(q, "attributes", id.Attributes)
	}
	c.attributes(p, "attributes", o.Attributes)
}

func (c *checker) organizationFull(p string, o *OrganizationFull) {
	c.organization(p, &o.Organization)
	c.ids(p, "services", len(o.Services), func(i int) string { return o.Services[i].ID })
	for i := range o.Services {
		c.service(at(p, "services", i), &o.Services[i])
	}
}

func (c *checker) extensions(p, serviceID string, e *Extensions) {
	c.enum(p, "welcome", string(e.Welcome), Welcome("").EnumValues(), false)
	if cn := e.ComplexNeeds; cn != nil {
		if cn.AtOnce < 0 {
			c.add(p, "complex_needs/at_once", "must be at least 1")
		} else if cn.AtOnce > 0 && !cn.Welcomed {
			c.add(p, "complex_needs/at_once", "only when welcomed is true")
		}
	}
	if cp := e.Capacity; cp != nil {
		if cp.Available < 0 {
			c.add(p, "capacity/available", "must not be negative")
		}
		if cp.Maximum < 0 {
			c.add(p, "capacity/maximum", "must be at least 1")
		} else if cp.Maximum > 0 && cp.Available > cp.Maximum {
			c.add(p, "capacity/available", "must not exceed maximum")
		}
		if cp.Updated.IsZero() {
			c.add(p, "capacity/updated", "required")
		}
	}
	if v := e.LastVerified; v != nil {
		if v.Date.IsZero() {
			c.add(p, "last_verified/date", "required")
		}
		c.nonBlank(p, "last_verified/by", v.By)
	}
	for i, n := range e.NextSteps {
		q := at(p, "next_steps", i)
		c.uuid(q, "service_id", n.ServiceID, true)
		if n.ServiceID != "" && n.ServiceID == serviceID {
			c.add(q, "service_id", "a service cannot be its own next step")
		}
	}
	if len(e.Needs) > 0 {
		c.errs = append(c.errs, socialrx.CheckNeeds(p+"/needs", e.Needs)...)
	}
	for i, w := range e.WaysToWellbeing {
		c.enum(at(p, "ways_to_wellbeing", i), "", string(w), Way("").EnumValues(), true)
	}
	for i, n := range e.Notes {
		q := at(p, "notes", i)
		c.nonBlank(q, "by", n.By)
		c.nonBlank(q, "text", n.Text)
		if n.At.IsZero() {
			c.add(q, "at", "required")
		}
	}
	for i, r := range e.Ratings {
		q := at(p, "ratings", i)
		c.nonBlank(q, "by", r.By)
		if r.At.IsZero() {
			c.add(q, "at", "required")
		}
		if r.Stars < 1 || r.Stars > 5 {
			c.add(q, "stars", "must be 1 to 5")
		}
	}
}
