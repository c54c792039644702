package directory

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Query is a search of the [Index]. Every filter given must hold; a zero
// field does not filter. Results come in a stable order: by text relevance
// when Text is given, then by distance when Near is given, then by name and
// id.
type Query struct {
	// Text is free text matched against names, descriptions, organization
	// names and taxonomy labels, case-folded and stemmed; every word must match.
	Text string `json:"text,omitempty" jsonschema:"maxLength=500"`
	// Needs keeps services that meet any of these needs.
	Needs []socialrx.Need `json:"needs,omitempty"`
	// TaxonomyTerms keeps services with any of these taxonomy terms, given by id or label.
	TaxonomyTerms []string `json:"taxonomy_terms,omitempty" jsonschema:"maxItems=50,maxLength=200"`
	// Status keeps services with any of these statuses.
	Status []Status `json:"status,omitempty"`
	// FreeOnly keeps services known to be free.
	FreeOnly bool `json:"free_only,omitempty"`
	// Age keeps services whose age range includes this age.
	Age *int `json:"age,omitempty" jsonschema:"minimum=0,maximum=130"`
	// When keeps services with a session at any of these times.
	When []Slot `json:"when,omitempty"`
	// Today, when given, leaves out schedules not valid on that day.
	Today socialrx.Date `json:"today,omitzero"`
	// Welcome keeps services with this welcome (open or invitation only).
	Welcome Welcome `json:"welcome,omitempty"`
	// ComplexNeeds keeps services that say they can welcome people with complex needs.
	ComplexNeeds bool `json:"complex_needs,omitempty"`
	// Access keeps services at a location with all of these features.
	Access []Access `json:"access,omitempty"`
	// Language keeps services delivered in this language, by ISO 639 code or
	// name; a service listing no language counts as English.
	Language string `json:"language,omitempty" jsonschema:"maxLength=200"`
	// Mode keeps services delivered this way.
	Mode Mode `json:"mode,omitempty"`
	// HasSpace keeps services that report free places.
	HasSpace bool `json:"has_space,omitempty"`
	// Near is the point distances are measured from.
	Near *Point `json:"near,omitempty"`
	// RadiusKm keeps services with a location within this many kilometres of Near.
	RadiusKm float64 `json:"radius_km,omitempty" jsonschema:"minimum=0,maximum=1000"`
	// IncludeOnline keeps services delivered online whatever RadiusKm says.
	IncludeOnline bool `json:"include_online,omitempty"`
	// Covers keeps services that serve this point: those with no service
	// area, or with a service area whose extent is a GeoJSON Polygon or
	// MultiPolygon that contains it, or with a service area of another
	// kind of extent (which cannot be tested, so does not leave the service
	// out). ORUK's postcode parameter, with the postcode's centroid.
	Covers *Point `json:"covers,omitempty"`
	// Taxonomies keeps services with a taxonomy term from any of these
	// taxonomies, by the taxonomy's id or name (ORUK's taxonomy_id).
	Taxonomies []string `json:"taxonomies,omitempty" jsonschema:"maxItems=50,maxLength=200"`
	// Organizations keeps services run by any of these organizations, by
	// id (ORUK's organization_id).
	Organizations []string `json:"organizations,omitempty" jsonschema:"maxItems=50,maxLength=200"`
	// MinimumAgeFrom keeps services whose minimum age (0 when they give
	// none) is at least this (ORUK's minimum_age).
	MinimumAgeFrom *float64 `json:"minimum_age_from,omitempty" jsonschema:"minimum=0,maximum=150"`
	// MaximumAgeTo keeps services that give a maximum age of at most this
	// (ORUK's maximum_age).
	MaximumAgeTo *float64 `json:"maximum_age_to,omitempty" jsonschema:"minimum=0,maximum=150"`
	// Session keeps services with one schedule that meets every part of
	// it (ORUK's day, start_time and end_time).
	Session *Session `json:"session,omitempty"`
	// ModifiedSince keeps services last modified at or after this time
	// (ORUK's modified_after); services that do not say when are left out.
	ModifiedSince time.Time `json:"modified_since,omitzero"`
	// Page is the page wanted, from 1 (0 means 1), at most 100000.
	Page int `json:"page,omitempty" jsonschema:"minimum=0,maximum=100000"`
	// PerPage is the number of services per page, 1 to 100 (0 means 20).
	PerPage int `json:"per_page,omitempty" jsonschema:"minimum=0,maximum=100"`
}

// Day is a day of the week.
type Day string

// The days of the week.
const (
	Monday    Day = "monday"
	Tuesday   Day = "tuesday"
	Wednesday Day = "wednesday"
	Thursday  Day = "thursday"
	Friday    Day = "friday"
	Saturday  Day = "saturday"
	Sunday    Day = "sunday"
)

var days = []Day{Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday}

// EnumValues lists the days, for JSON Schema reflection.
func (Day) EnumValues() []string { return socialrx.EnumStrings(days) }

var weekdays = map[Day]time.Weekday{
	Sunday: time.Sunday, Monday: time.Monday, Tuesday: time.Tuesday, Wednesday: time.Wednesday,
	Thursday: time.Thursday, Friday: time.Friday, Saturday: time.Saturday,
}

// Slot is a time in the week: a day, and optionally hours.
type Slot struct {
	// Day is the day of the week.
	Day Day `json:"day"`
	// From is the start, HH:MM (empty: start of day).
	From string `json:"from,omitempty" jsonschema:"maxLength=8"`
	// To is the end, HH:MM (empty: end of day).
	To string `json:"to,omitempty" jsonschema:"maxLength=8"`
}

// window is a slot prepared for tests against sessions.
type window struct {
	day      time.Weekday
	from, to int32
}

func (s Slot) check(path string) ([]socialrx.FieldError, window) {
	var out []socialrx.FieldError
	w := window{from: 0, to: 24 * 3600}
	day, ok := weekdays[s.Day]
	if !ok {
		out = append(out, socialrx.Field(path+"/day", "%q is not a day such as \"tuesday\"", string(s.Day)))
	}
	w.day = day
	if s.From != "" {
		v, ok := parseClock(s.From)
		if !ok {
			out = append(out, socialrx.Field(path+"/from", "%q is not a time HH:MM", s.From))
		}
		w.from = int32(v)
	}
	if s.To != "" {
		v, ok := parseClock(s.To)
		if !ok {
			out = append(out, socialrx.Field(path+"/to", "%q is not a time HH:MM", s.To))
		}
		w.to = int32(v)
	}
	if len(out) == 0 && w.to <= w.from {
		out = append(out, socialrx.Field(path+"/to", "must be after from"))
	}
	return out, w
}

// Session asks for a schedule by its day and hours. Every part given must
// hold of one schedule.
type Session struct {
	// Day keeps schedules that run on this day of the week.
	Day Day `json:"day,omitempty"`
	// OpensFrom keeps schedules that open at or after this time, HH:MM.
	OpensFrom string `json:"opens_from,omitempty" jsonschema:"maxLength=8"`
	// ClosesBy keeps schedules that close at or before this time, HH:MM.
	ClosesBy string `json:"closes_by,omitempty" jsonschema:"maxLength=8"`
}

// sessionTest is a Session prepared for tests against sessions.
type sessionTest struct {
	days          uint8 // 0: any day
	opens, closes int32 // -1: any
}

func (s *Session) check(path string) ([]socialrx.FieldError, sessionTest) {
	var out []socialrx.FieldError
	t := sessionTest{opens: -1, closes: -1}
	if s.Day != "" {
		day, ok := weekdays[s.Day]
		if !ok {
			out = append(out, socialrx.Field(path+"/day", "%q is not a day such as \"tuesday\"", string(s.Day)))
		}
		t.days = 1 << uint(day)
	}
	for _, f := range []struct {
		name, v string
		dst     *int32
	}{{"opens_from", s.OpensFrom, &t.opens}, {"closes_by", s.ClosesBy, &t.closes}} {
		if f.v == "" {
			continue
		}
		v, ok := parseClock(f.v)
		if !ok {
			out = append(out, socialrx.Field(path+"/"+f.name, "%q is not a time HH:MM", f.v))
		}
		*f.dst = int32(v)
	}
	return out, t
}

// meets reports whether a session meets every part of the test.
func (t *sessionTest) meets(ss *session) bool {
	return (t.days == 0 || ss.days&t.days != 0) &&
		(t.opens < 0 || ss.opens >= 0 && ss.opens >= t.opens) &&
		(t.closes < 0 || ss.closes >= 0 && ss.closes <= t.closes)
}

// SearchResult is one page of a search.
type SearchResult struct {
	// TotalItems is the number of services that match, on all pages.
	TotalItems int `json:"total_items"`
	// TotalPages is the number of pages.
	TotalPages int `json:"total_pages"`
	// PageNumber is this page's number, from 1.
	PageNumber int `json:"page_number"`
	// PerPage is the page size asked for.
	PerPage int `json:"per_page"`
	// Hits are the services on this page, in order.
	Hits []Hit `json:"hits"`
}

// Hit is one service found.
type Hit struct {
	// ID is the service's id.
	ID string `json:"id"`
	// Name is the service's name.
	Name string `json:"name"`
	// Score is the text relevance, when the query had text.
	Score float64 `json:"score,omitempty"`
	// DistanceKm is the distance from the query's point to the nearest location, when known.
	DistanceKm *float64 `json:"distance_km,omitempty"`
}

func checkEnum[T ~string](path string, vs []T, vals []string) []socialrx.FieldError {
	var out []socialrx.FieldError
	for i, v := range vs {
		if !enumOK(string(v), vals) {
			out = append(out, socialrx.Field(path+"/"+strconv.Itoa(i), "%q is not one of the allowed values", string(v)))
		}
	}
	return out
}

// prepared is a validated query.
type prepared struct {
	needs    uint64
	flags    uint32
	statuses uint8   // bits of the statuses wanted; 0: any
	age      float64 // -1: none
	windows  windows
	today    int32 // days since 1970-01-01, or anyDay
	lang     string
	hasNear  bool
	point    Point
	near     geo
	havMax   float64 // 0: no radius
	dLat     float32 // the radius as latitude, radians, a little over
	online   bool    // services delivered online pass the radius
	unplaced bool    // services with no coordinates pass the radius

	// The filters read from the doc itself, after the others.
	slow       bool
	covers     *Point
	taxonomies []string // lower-cased
	orgs       []string
	minFrom    float64 // -1: none
	maxTo      float64 // -1: none
	session    *sessionTest
	modified   time.Time
}

// prepare checks everything a query and a match share.
func (q *Query) check() ([]socialrx.FieldError, prepared) {
	var errs []socialrx.FieldError
	p := prepared{age: -1}
	errs = append(errs, socialrx.CheckNeeds("/needs", q.Needs)...)
	for _, n := range q.Needs {
		p.needs |= needBits[n]
	}
	errs = append(errs, checkEnum("/status", q.Status, Status("").EnumValues())...)
	for _, st := range q.Status {
		p.statuses |= statusBits[st]
	}
	if q.Age != nil {
		if *q.Age < 0 || *q.Age > 130 {
			errs = append(errs, socialrx.Field("/age", "must be 0 to 130"))
		}
		p.age = float64(*q.Age)
	}
	for i, s := range q.When {
		fs, w := s.check("/when/" + strconv.Itoa(i))
		errs = append(errs, fs...)
		if len(fs) == 0 {
			p.windows.add(w)
		}
	}
	p.today = anyDay
	if !q.Today.IsZero() {
		p.today = epochDays(q.Today)
	}
	switch q.Welcome {
	case "":
	case WelcomeOpen:
		p.flags |= flagOpen
	case WelcomeInvitationOnly:
		p.flags |= flagInvite
	default:
		errs = append(errs, socialrx.Field("/welcome", "%q is not one of open, invitation_only", string(q.Welcome)))
	}
	if q.FreeOnly {
		p.flags |= flagFree
	}
	if q.ComplexNeeds {
		p.flags |= flagComplexYes
	}
	if q.HasSpace {
		p.flags |= flagHasSpace
	}
	errs = append(errs, checkEnum("/access", q.Access, Access("").EnumValues())...)
	for _, a := range q.Access {
		p.flags |= accessFlags[a]
	}
	switch q.Mode {
	case "":
	case ModeInPerson:
		p.flags |= flagInPerson
	case ModeOnline:
		p.flags |= flagOnline
	default:
		errs = append(errs, socialrx.Field("/mode", "%q is not one of in_person, online", string(q.Mode)))
	}
	p.lang = lower(q.Language)
	if q.Near != nil {
		errs = append(errs, q.Near.check("/near")...)
		p.hasNear, p.point, p.near = true, *q.Near, newGeo(*q.Near)
	}
	switch {
	case q.RadiusKm < 0 || q.RadiusKm != q.RadiusKm:
		errs = append(errs, socialrx.Field("/radius_km", "must not be negative"))
	case q.RadiusKm > 0 && q.Near == nil:
		errs = append(errs, socialrx.Field("/radius_km", "needs near"))
	case q.RadiusKm > 0:
		p.setRadius(q.RadiusKm)
	}
	p.online = q.IncludeOnline
	errs = append(errs, q.checkSlow(&p)...)
	if q.Page < 0 || q.Page > 100000 {
		errs = append(errs, socialrx.Field("/page", "must be 0 to 100000"))
	}
	if q.PerPage < 0 || q.PerPage > 100 {
		errs = append(errs, socialrx.Field("/per_page", "must be 1 to 100"))
	}
	if len(q.Text) > 1000 {
		errs = append(errs, socialrx.Field("/text", "must be at most 1000 bytes"))
	}
	return errs, p
}

// checkSlow checks and prepares the filters read from the doc itself.
func (q *Query) checkSlow(p *prepared) []socialrx.FieldError {
	var errs []socialrx.FieldError
	p.minFrom, p.maxTo = -1, -1
	if q.Covers != nil {
		errs = append(errs, q.Covers.check("/covers")...)
		p.covers = q.Covers
	}
	for i, t := range q.Taxonomies {
		if lower(t) == "" {
			errs = append(errs, socialrx.Field("/taxonomies/"+strconv.Itoa(i), "must not be blank"))
		}
		p.taxonomies = append(p.taxonomies, lower(t))
	}
	for i, o := range q.Organizations {
		if strings.TrimSpace(o) == "" {
			errs = append(errs, socialrx.Field("/organizations/"+strconv.Itoa(i), "must not be blank"))
		}
		p.orgs = append(p.orgs, strings.TrimSpace(o))
	}
	for _, a := range []struct {
		name string
		v    *float64
		dst  *float64
	}{{"minimum_age_from", q.MinimumAgeFrom, &p.minFrom}, {"maximum_age_to", q.MaximumAgeTo, &p.maxTo}} {
		if a.v == nil {
			continue
		}
		if !(*a.v >= 0 && *a.v <= 150) {
			errs = append(errs, socialrx.Field("/"+a.name, "must be 0 to 150"))
		}
		*a.dst = *a.v
	}
	if q.Session != nil {
		fs, t := q.Session.check("/session")
		errs = append(errs, fs...)
		p.session = &t
	}
	p.modified = q.ModifiedSince
	p.slow = p.covers != nil || len(p.taxonomies) > 0 || len(p.orgs) > 0 || p.minFrom >= 0 || p.maxTo >= 0 || p.session != nil || !p.modified.IsZero()
	return errs
}

// post applies the filters read from the doc itself.
func (p *prepared) post(d *doc) bool {
	s := &d.svc
	if p.minFrom >= 0 && max(d.minAge, 0) < p.minFrom || p.maxTo >= 0 && (d.maxAge < 0 || d.maxAge > p.maxTo) {
		return false
	}
	if !p.modified.IsZero() && (s.LastModified.IsZero() || s.LastModified.Before(p.modified)) {
		return false
	}
	if len(p.orgs) > 0 {
		org := s.OrganizationID
		if org == "" && s.Organization != nil {
			org = s.Organization.ID
		}
		if !containsString(p.orgs, org) {
			return false
		}
	}
	if len(p.taxonomies) > 0 && !slices.ContainsFunc(s.taxonomyTerms(), func(t *TaxonomyTerm) bool {
		return t.TaxonomyID != "" && containsString(p.taxonomies, lower(t.TaxonomyID)) ||
			t.Taxonomy != "" && containsString(p.taxonomies, lower(t.Taxonomy))
	}) {
		return false
	}
	if p.session != nil && !slices.ContainsFunc(d.sessions, func(ss session) bool { return p.session.meets(&ss) }) {
		return false
	}
	return p.covers == nil || d.areas.covers(*p.covers)
}

// setRadius sets the circle of radius km around the point.
func (p *prepared) setRadius(km float64) {
	p.havMax = havOf(km)
	p.dLat = float32(km/earthKm*1.001 + 1e-6)
}

// pre rejects, from the packed fields alone, docs that fail the flags,
// needs, statuses, age or days, or whose first location is too far north
// or south to be in the radius. The language filter is a postings list
// the caller reads.
func (p *prepared) pre(h *hot) bool {
	if h.status == 0 || h.flags&p.flags != p.flags || p.needs != 0 && h.needs&p.needs == 0 ||
		p.statuses != 0 && h.status&p.statuses == 0 {
		return false
	}
	if p.age >= 0 && (h.minAge >= 0 && float32(p.age) < h.minAge || h.maxAge >= 0 && float32(p.age) > h.maxAge) {
		return false
	}
	if p.windows.days != 0 && h.days&p.windows.days == 0 {
		return false
	}
	if p.havMax > 0 && h.bits&(hotPlaced|hotMulti) == hotPlaced && !(p.online && h.flags&flagOnline != 0) {
		if dl := h.at.lat - p.near.lat; dl > p.dLat || dl < -p.dLat {
			return false
		}
	}
	return true
}

// within reports whether a doc at haversine hav (-1: no coordinates) is
// inside the radius, or passes it by being online or unplaced as asked.
func (p *prepared) within(h *hot, hav float64) bool {
	switch {
	case p.havMax == 0 || hav >= 0 && hav <= p.havMax:
		return true
	case p.online && h.flags&flagOnline != 0:
		return true
	}
	return hav < 0 && p.unplaced
}

// runsIn reports whether any session valid on today overlaps any window.
func (d *doc) runsIn(ws []window, today int32) bool {
	for i := range d.sessions {
		ss := &d.sessions[i]
		if !ss.validOn(today) {
			continue
		}
		for _, w := range ws {
			if ss.overlaps(w.day, w.from, w.to) {
				return true
			}
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
