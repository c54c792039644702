package directory

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// Open Referral UK 1.x, the version most live UK directory feeds still
// publish, names things otherwise than 3.0: a service's organization is
// nested with a url (3.0: website), its opening times are
// regular_schedules (3.0: schedules) with a weekday, its places are
// service_at_locations[].location with physical_addresses (3.0:
// addresses) and accessibility_for_disabilities (3.0: accessibility), its
// taxonomy terms are service_taxonomys[].taxonomy (3.0: attributes with a
// taxonomy_term), its ages are eligibilitys[] (3.0: minimum_age and
// maximum_age), and ids need not be UUIDs. The field names are those of
// the ORUK 1.0 JSON schemas and of its reference implementation (which
// spells the plurals eligibilitys and service_taxonomys; the schemas'
// eligibilities and service_taxonomies are read too); see
// testdata/oruk1/README.md.
//
// The converter below builds the 3.0 document, notes what it could not
// carry, and keeps a trail from the converted document's pointers back to
// the pointers of the document as given, so that every problem the 3.0
// checks find is reported where the feed's author can find it.

// oruk1Space is the namespace of the UUIDs made from ORUK 1.x ids that are
// not UUIDs: the same id always makes the same UUID, so a feed imported
// again updates what it imported before.
var oruk1Space = uuid.MustParse("559263d7-7932-408f-bfff-bf2bd18339c5")

// isV1Service reports whether a service document uses ORUK 1.x's names.
func isV1Service(m map[string]any) bool {
	for _, k := range []string{"regular_schedules", "holiday_schedules", "eligibilitys", "eligibilities",
		"service_taxonomys", "service_taxonomies", "fundings", "reviews", "deliverable_type", "attending_type", "attending_access"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	if o, ok := m["organization"].(map[string]any); ok {
		if _, ok := o["url"]; ok {
			return true
		}
	}
	sals, _ := m["service_at_locations"].([]any)
	for _, x := range sals {
		sal, _ := x.(map[string]any)
		loc, _ := sal["location"].(map[string]any)
		if _, ok := loc["physical_addresses"]; ok {
			return true
		}
	}
	return false
}

// isV1Organization reports whether an organization document uses ORUK
// 1.x's names.
func isV1Organization(m map[string]any) bool {
	if _, ok := m["url"]; ok {
		return true
	}
	if _, ok := m["reviews"]; ok {
		return true
	}
	svcs, _ := m["services"].([]any)
	for _, x := range svcs {
		if s, ok := x.(map[string]any); ok && isV1Service(s) {
			return true
		}
	}
	return false
}

// v1 converts one ORUK 1.x document to ORUK 3.0.
type v1 struct {
	// notes say what was not carried or was carried differently.
	notes []socialrx.FieldError
	// errs are values of a type no version allows (a name that is a number).
	errs []socialrx.FieldError
	// trail maps pointers of the converted document to the document as given.
	trail map[string]string
	// noted are the ids already noted as made into UUIDs.
	noted map[string]bool
}

func newV1() *v1 { return &v1{trail: map[string]string{}, noted: map[string]bool{}} }

// back maps fields at pointers of the converted document to the pointers
// of the document as given.
func (c *v1) back(fields []socialrx.FieldError) []socialrx.FieldError {
	out := make([]socialrx.FieldError, 0, len(fields))
	for _, f := range fields {
		out = append(out, socialrx.FieldError{Path: c.from(f.Path), Rule: f.Rule})
	}
	return out
}

// from maps one pointer of the converted document back, by the longest
// prefix the trail knows.
func (c *v1) from(p string) string {
	for q := p; ; {
		if src, ok := c.trail[q]; ok {
			return src + p[len(q):]
		}
		i := strings.LastIndexByte(q, '/')
		if i < 0 {
			return p
		}
		q = q[:i]
	}
}

// v1Obj reads one object of the document as given, at pointer from, noting
// which members it used.
type v1Obj struct {
	c    *v1
	m    map[string]any
	from string
	used map[string]bool
}

func (c *v1) open(m map[string]any, from string) *v1Obj {
	return &v1Obj{c: c, m: m, from: from, used: map[string]bool{}}
}

func (o *v1Obj) at(key string) string { return o.from + "/" + escapeToken(key) }

func (o *v1Obj) get(key string) (any, bool) {
	o.used[key] = true
	v, ok := o.m[key]
	return v, ok && v != nil
}

// str reads a text member; anything else is an error.
func (o *v1Obj) str(key string) string {
	v, ok := o.get(key)
	if !ok {
		return ""
	}
	if t, isStr := v.(string); isStr {
		return t
	}
	o.c.errs = append(o.c.errs, socialrx.Field(o.at(key), "must be a string, not %s", typeWords(v)))
	return ""
}

// num reads a number member (a string of digits is read as its number).
func (o *v1Obj) num(key string) (json.Number, bool) {
	v, ok := o.get(key)
	if !ok {
		return "", false
	}
	switch t := v.(type) {
	case json.Number:
		return t, true
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strings.TrimSpace(t)), true
		}
	}
	o.c.errs = append(o.c.errs, socialrx.Field(o.at(key), "must be a number, not %s", typeWords(v)))
	return "", false
}

// list reads an array of objects.
func (o *v1Obj) list(key string) []*v1Obj {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	items, isArray := v.([]any)
	if !isArray {
		o.c.errs = append(o.c.errs, socialrx.Field(o.at(key), "must be an array, not %s", typeWords(v)))
		return nil
	}
	out := make([]*v1Obj, 0, len(items))
	for i, x := range items {
		m, isObj := x.(map[string]any)
		at := o.at(key) + "/" + strconv.Itoa(i)
		if !isObj {
			o.c.errs = append(o.c.errs, socialrx.Field(at, "must be an object, not %s", typeWords(x)))
			m = map[string]any{}
		}
		out = append(out, o.c.open(m, at))
	}
	return out
}

// object reads an object member; nil when absent.
func (o *v1Obj) object(key string) *v1Obj {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		o.c.errs = append(o.c.errs, socialrx.Field(o.at(key), "must be an object, not %s", typeWords(v)))
		return nil
	}
	return o.c.open(m, o.at(key))
}

// id reads an id member and returns it as a UUID: as given when it is
// one, else made from it (the same every time), noting the change once.
func (o *v1Obj) id(key, kind string) string {
	var s string
	if n, isNum := o.m[key].(json.Number); isNum {
		o.used[key] = true
		s = n.String() // 1.x ids are often numbers
	} else {
		s = strings.TrimSpace(o.str(key))
	}
	if s == "" {
		return ""
	}
	if u, err := uuid.Parse(s); err == nil {
		return u.String()
	}
	u := uuid.NewSHA1(oruk1Space, []byte(kind+":"+s)).String()
	if !o.c.noted[kind+":"+s] {
		o.c.noted[kind+":"+s] = true
		o.c.notes = append(o.c.notes, socialrx.Field(o.at(key), "the %s id %q is not a UUID; imported as %s (made from it, the same on every import)", kind, s, u))
	}
	return u
}

// date reads a date member in the forms 1.x feeds use (2006-01-02, a
// timestamp, 02/01/2006 with or without a time, milliseconds since 1970)
// and returns it as YYYY-MM-DD; a value it cannot read is returned as
// given, for the 3.0 checks to report.
func (o *v1Obj) date(key string) any {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	switch t := v.(type) {
	case json.Number:
		if ms, err := t.Int64(); err == nil {
			return time.UnixMilli(ms).UTC().Format(time.DateOnly)
		}
	case string:
		s := strings.TrimSpace(t)
		for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.000", "2006-01-02 15:04:05", "02/01/2006 15:04:05", "02/01/2006"} {
			if d, err := time.Parse(layout, s); err == nil {
				return d.Format(time.DateOnly)
			}
		}
	}
	return v
}

// clock reads a time of day member: HH:MM or HH:MM:SS as given; the time
// of a timestamp (some 1.x feeds give 2000-01-01T08:00:00Z) as HH:MM:SS.
// ORUK 1.0 asks for a zone (09:30Z, 09:30+01:00), which 3.0's local times
// have no place for: it is noted and dropped.
func (o *v1Obj) clock(key string) any {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	s, isStr := v.(string)
	if !isStr {
		return v
	}
	if i := strings.IndexAny(s, "T "); i >= 0 {
		s = s[i+1:]
		if len(s) > 8 {
			s = s[:8]
		}
		return s
	}
	for _, n := range []int{8, 5} {
		if len(s) > n && s[2] == ':' && strings.ContainsRune("Z+-", rune(s[n])) {
			o.note(key, "the time zone %q is not carried: ORUK 3.0 gives local times", s[n:])
			return s[:n]
		}
	}
	return s
}

// note records what was not carried, at a member of o.
func (o *v1Obj) note(key, rule string, args ...any) {
	o.c.notes = append(o.c.notes, socialrx.Field(o.at(key), rule, args...))
}

// rest notes every member o has that was not read: those ORUK 1.x defines
// with the reason 3.0 has no place for them, others as unknown.
func (o *v1Obj) rest(reasons map[string]string) {
	keys := make([]string, 0, len(o.m))
	for k := range o.m {
		if !o.used[k] && o.m[k] != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if why, ok := reasons[k]; ok {
			o.note(k, "not carried: %s", why)
			continue
		}
		o.note(k, "not carried: not a field of ORUK 1.0 that socialrx reads")
	}
}

// put sets a converted member unless it is empty, recording its trail.
func (c *v1) put(out map[string]any, to, key string, v any, from string) {
	switch t := v.(type) {
	case nil:
		return
	case string:
		if t == "" {
			return
		}
	}
	out[key] = v
	c.trail[to+"/"+key] = from
}

// Why 3.0 has no place for a member ORUK 1.x defines.
var (
	serviceReasons = map[string]string{
		"deliverable_type":  "ORUK 3.0 has no deliverable type",
		"attending_type":    "ORUK 3.0 has no attending type for a service (only for a schedule)",
		"attending_access":  "ORUK 3.0 has no attending access",
		"holiday_schedules": "ORUK 3.0 schedules have no closures",
		"reviews":           "ORUK 3.0 has no reviews",
	}
	organizationReasons = map[string]string{"reviews": "ORUK 3.0 has no reviews"}
	scheduleReasons     = map[string]string{"service": "a back-reference to the service"}
	locationReasons     = map[string]string{"service_at_locations": "a back-reference to the services at the location"}
	areaReasons         = map[string]string{"extent": "ORUK 1.0 does not say the extent's format, which 3.0 requires"}
	phoneReasons        = map[string]string{"language": "ORUK 3.0 names a phone's languages as a list, not as a text"}
	eligibilityReasons  = map[string]string{"eligibility": "ORUK 3.0 has no eligibility category; the ages are kept", "taxonomys": "ORUK 3.0 has no taxonomy terms on eligibility"}
	v1Days              = map[string]string{
		"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR", "saturday": "SA", "sunday": "SU",
		"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
		"mo": "MO", "tu": "TU", "we": "WE", "th": "TH", "fr": "FR", "sa": "SA", "su": "SU",
	}
)

// organization converts an ORUK 1.x organization document with its
// services.
func (c *v1) organization(m map[string]any) map[string]any {
	o := c.open(m, "")
	out := c.org(o, "")
	var svcs []any
	for i, s := range o.list("services") {
		to := "/services/" + strconv.Itoa(i)
		c.trail[to] = s.from
		svc := c.serviceFrom(s, to)
		if id, ok := out["id"].(string); ok {
			svc["organization_id"] = id
		}
		svcs = append(svcs, svc)
	}
	if svcs != nil {
		out["services"] = svcs
	}
	return out
}

// org converts the fields of an organization (to is its pointer in the
// converted document); it notes the members it did not read, but for
// services, which the caller reads.
func (c *v1) org(o *v1Obj, to string) map[string]any {
	out := map[string]any{}
	c.put(out, to, "id", o.id("id", "organization"), o.at("id"))
	for _, k := range []string{"name", "email", "logo", "uri"} {
		c.put(out, to, k, o.str(k), o.at(k))
	}
	out["description"] = o.str("description") // required in 3.0, as in 1.0
	c.trail[to+"/description"] = o.at("description")
	c.put(out, to, "website", o.str("url"), o.at("url"))
	o.used["services"] = true
	o.rest(organizationReasons)
	return out
}

// service converts an ORUK 1.x service at from (to is its pointer in the
// converted document).
func (c *v1) service(m map[string]any, from, to string) map[string]any {
	return c.serviceFrom(c.open(m, from), to)
}

func (c *v1) serviceFrom(o *v1Obj, to string) map[string]any {
	out := map[string]any{}
	id := o.id("id", "service")
	c.put(out, to, "id", id, o.at("id"))
	for _, k := range []string{"name", "description", "url", "email", "status", "fees", "accreditations"} {
		c.put(out, to, k, o.str(k), o.at(k))
	}
	c.put(out, to, "assured_date", o.date("assured_date"), o.at("assured_date"))
	if org := o.object("organization"); org != nil {
		c.trail[to+"/organization"] = org.from
		conv := c.org(org, to+"/organization")
		out["organization"] = conv
		c.put(out, to, "organization_id", conv["id"], org.at("id"))
	}

	// Ages: 3.0 has one range; 1.x a list of eligibilities.
	elig := append(o.list("eligibilitys"), o.list("eligibilities")...)
	var minAge, maxAge *float64
	for _, e := range elig {
		if n, ok := e.num("minimum_age"); ok {
			if f, err := n.Float64(); err == nil && (minAge == nil || f < *minAge) {
				minAge = &f
				c.trail[to+"/minimum_age"] = e.at("minimum_age")
			}
		}
		if n, ok := e.num("maximum_age"); ok {
			if f, err := n.Float64(); err == nil && (maxAge == nil || f > *maxAge) {
				maxAge = &f
				c.trail[to+"/maximum_age"] = e.at("maximum_age")
			}
		}
		e.used["id"], e.used["service"] = true, true
		e.rest(eligibilityReasons)
	}
	if minAge != nil {
		out["minimum_age"] = *minAge
	}
	if maxAge != nil {
		out["maximum_age"] = *maxAge
	}
	if len(elig) > 1 {
		c.notes = append(c.notes, socialrx.Field(o.at("eligibilitys"), "%d eligibility entries are carried as one age range, %s", len(elig), ageRange(minAge, maxAge)))
	}

	c.putList(out, to, "schedules", o, "regular_schedules", func(s *v1Obj, at string) map[string]any { return c.schedule(s, at, id) })
	c.putList(out, to, "service_at_locations", o, "service_at_locations", func(s *v1Obj, at string) map[string]any { return c.serviceAtLocation(s, at, id) })
	c.putList(out, to, "contacts", o, "contacts", func(s *v1Obj, at string) map[string]any { return c.contact(s, at, id) })
	c.putList(out, to, "languages", o, "languages", func(s *v1Obj, at string) map[string]any {
		l := map[string]any{}
		c.put(l, at, "id", s.id("id", "language"), s.at("id"))
		c.put(l, at, "name", s.str("language"), s.at("language"))
		l["service_id"] = id
		s.rest(nil)
		return l
	})
	c.putList(out, to, "service_areas", o, "service_areas", func(s *v1Obj, at string) map[string]any {
		a := map[string]any{}
		c.put(a, at, "id", s.id("id", "service_area"), s.at("id"))
		c.put(a, at, "name", s.str("service_area"), s.at("service_area"))
		c.put(a, at, "uri", s.str("uri"), s.at("uri"))
		a["service_id"] = id
		s.rest(areaReasons)
		return a
	})
	c.putList(out, to, "funding", o, "fundings", func(s *v1Obj, at string) map[string]any {
		f := map[string]any{}
		c.put(f, at, "id", s.id("id", "funding"), s.at("id"))
		c.put(f, at, "source", s.str("source"), s.at("source"))
		f["service_id"] = id
		s.rest(nil)
		return f
	})
	c.putList(out, to, "cost_options", o, "cost_options", func(s *v1Obj, at string) map[string]any {
		k := map[string]any{}
		c.put(k, at, "id", s.id("id", "cost_option"), s.at("id"))
		c.put(k, at, "valid_from", s.date("valid_from"), s.at("valid_from"))
		c.put(k, at, "valid_to", s.date("valid_to"), s.at("valid_to"))
		c.put(k, at, "option", s.str("option"), s.at("option"))
		if n, ok := s.num("amount"); ok {
			c.put(k, at, "amount", n, s.at("amount"))
		}
		c.put(k, at, "amount_description", s.str("amount_description"), s.at("amount_description"))
		k["service_id"] = id
		s.used["service"] = true
		s.rest(nil)
		return k
	})
	taxa := append(o.list("service_taxonomys"), o.list("service_taxonomies")...)
	var attrs []any
	for i, st := range taxa {
		at := to + "/attributes/" + strconv.Itoa(len(attrs))
		c.trail[at] = st.from
		if a := c.attribute(st, at, id); a != nil {
			attrs = append(attrs, a)
		} else {
			delete(c.trail, at)
			c.notes = append(c.notes, socialrx.Field(taxa[i].from, "not carried: a service taxonomy without a taxonomy"))
		}
	}
	if attrs != nil {
		out["attributes"] = attrs
	}
	o.rest(serviceReasons)
	return out
}

// putList converts each object of a 1.x list into the 3.0 list named key.
func (c *v1) putList(out map[string]any, to, key string, o *v1Obj, from string, conv func(*v1Obj, string) map[string]any) {
	items := o.list(from)
	if items == nil {
		return
	}
	list := make([]any, len(items))
	for i, it := range items {
		at := to + "/" + key + "/" + strconv.Itoa(i)
		c.trail[at] = it.from
		list[i] = conv(it, at)
	}
	out[key] = list
}

// schedule converts a regular_schedule.
func (c *v1) schedule(s *v1Obj, to, serviceID string) map[string]any {
	out := map[string]any{"service_id": serviceID}
	c.put(out, to, "id", s.id("id", "schedule"), s.at("id"))
	if sal := s.object("service_at_location"); sal != nil {
		c.put(out, to, "service_at_location_id", sal.id("id", "service_at_location"), sal.at("id"))
		sal.used["location"], sal.used["service"] = true, true
		sal.rest(nil)
	}
	c.put(out, to, "opens_at", s.clock("opens_at"), s.at("opens_at"))
	c.put(out, to, "closes_at", s.clock("closes_at"), s.at("closes_at"))
	for _, k := range []string{"valid_from", "valid_to", "dtstart"} {
		c.put(out, to, k, s.date(k), s.at(k))
	}
	c.put(out, to, "description", s.str("description"), s.at("description"))
	c.put(out, to, "byday", s.str("byday"), s.at("byday"))
	if n, ok := s.num("bymonthday"); ok {
		c.put(out, to, "bymonthday", n.String(), s.at("bymonthday"))
	}
	if n, ok := s.num("interval"); ok {
		c.put(out, to, "interval", n, s.at("interval"))
	}
	switch f := strings.ToUpper(strings.TrimSpace(s.str("freq"))); f {
	case "":
	case "WEEK", "WEEKLY":
		c.put(out, to, "freq", string(FreqWeekly), s.at("freq"))
	case "MONTH", "MONTHLY":
		c.put(out, to, "freq", string(FreqMonthly), s.at("freq"))
	default:
		c.put(out, to, "freq", f, s.at("freq"))
	}
	if w, ok := s.get("weekday"); ok {
		day, isName := w.(string)
		code := v1Days[strings.ToLower(strings.TrimSpace(day))]
		switch {
		case out["byday"] != nil:
			// byday says the day; the weekday repeats it.
		case !isName:
			s.note("weekday", "not carried: a weekday given as a number (%v) is read as Monday 1 by some 1.x feeds and Sunday 1 by others; give byday (such as \"MO\")", w)
		case code == "":
			s.note("weekday", "not carried: %q is not a day of the week", day)
		default:
			out["byday"] = code
			c.trail[to+"/byday"] = s.at("weekday")
			if out["freq"] == nil {
				out["freq"] = string(FreqWeekly)
				c.trail[to+"/freq"] = s.at("weekday")
			}
		}
	}
	s.rest(scheduleReasons)
	return out
}

// serviceAtLocation converts a service_at_location with its location.
func (c *v1) serviceAtLocation(s *v1Obj, to, serviceID string) map[string]any {
	out := map[string]any{"service_id": serviceID}
	c.put(out, to, "id", s.id("id", "service_at_location"), s.at("id"))
	if l := s.object("location"); l != nil {
		at := to + "/location"
		c.trail[at] = l.from
		loc := map[string]any{"location_type": string(LocationPhysical)}
		lid := l.id("id", "location")
		c.put(loc, at, "id", lid, l.at("id"))
		c.put(out, to, "location_id", lid, l.at("id"))
		c.put(loc, at, "name", l.str("name"), l.at("name"))
		c.put(loc, at, "description", l.str("description"), l.at("description"))
		for _, k := range []string{"latitude", "longitude"} {
			if n, ok := l.num(k); ok {
				c.put(loc, at, k, n, l.at(k))
			}
		}
		c.putList(loc, at, "addresses", l, "physical_addresses", func(a *v1Obj, aat string) map[string]any {
			addr := map[string]any{"location_id": lid, "address_type": string(LocationPhysical)}
			c.put(addr, aat, "id", a.id("id", "address"), a.at("id"))
			for _, k := range []string{"address_1", "city", "state_province", "postal_code", "country"} {
				addr[k] = a.str(k) // required in 3.0 (and but address_1 in 1.0)
				c.trail[aat+"/"+k] = a.at(k)
			}
			a.used["location"] = true
			a.rest(nil)
			return addr
		})
		c.putList(loc, at, "accessibility", l, "accessibility_for_disabilities", func(a *v1Obj, aat string) map[string]any {
			acc := map[string]any{"location_id": lid}
			c.put(acc, aat, "id", a.id("id", "accessibility"), a.at("id"))
			c.put(acc, aat, "description", a.str("accessibility"), a.at("accessibility"))
			a.used["location"] = true
			a.rest(nil)
			return acc
		})
		l.rest(locationReasons)
		out["location"] = loc
	}
	s.used["service"] = true
	s.rest(map[string]string{
		"regular_schedule":  "schedules of a service at a location are read from the service's regular_schedules",
		"holiday_schedules": "ORUK 3.0 schedules have no closures",
	})
	return out
}

// contact converts a contact with its phones.
func (c *v1) contact(s *v1Obj, to, serviceID string) map[string]any {
	out := map[string]any{"service_id": serviceID}
	cid := s.id("id", "contact")
	c.put(out, to, "id", cid, s.at("id"))
	c.put(out, to, "name", s.str("name"), s.at("name"))
	c.put(out, to, "title", s.str("title"), s.at("title"))
	c.putList(out, to, "phones", s, "phones", func(p *v1Obj, at string) map[string]any {
		ph := map[string]any{"contact_id": cid}
		c.put(ph, at, "id", p.id("id", "phone"), p.at("id"))
		c.put(ph, at, "number", p.str("number"), p.at("number"))
		p.used["contact"] = true
		p.rest(phoneReasons)
		return ph
	})
	s.used["service"] = true
	s.rest(nil)
	return out
}

// attribute converts a service_taxonomy into an attribute linking the
// service to the taxonomy term; nil without a taxonomy.
func (c *v1) attribute(st *v1Obj, to, serviceID string) map[string]any {
	tx := st.object("taxonomy")
	if tx == nil {
		st.rest(nil)
		return nil
	}
	out := map[string]any{"link_id": serviceID, "link_type": "service"}
	c.put(out, to, "id", st.id("id", "service_taxonomy"), st.at("id"))
	at := to + "/taxonomy_term"
	c.trail[at] = tx.from
	code, _ := tx.m["id"].(string)
	if n, isNum := tx.m["id"].(json.Number); isNum {
		code = n.String()
	}
	term := map[string]any{"description": ""}
	tid := tx.id("id", "taxonomy")
	c.put(term, at, "id", tid, tx.at("id"))
	c.put(out, to, "taxonomy_term_id", tid, tx.at("id"))
	c.put(term, at, "term", code, tx.at("id"))
	c.put(term, at, "name", tx.str("name"), tx.at("name"))
	if p := tx.object("parent"); p != nil {
		c.put(term, at, "parent_id", p.id("id", "taxonomy"), p.at("id"))
		p.used["name"], p.used["vocabulary"], p.used["parent"] = true, true, true
		p.rest(nil)
	} else {
		c.put(term, at, "parent_id", tx.id("parent_id", "taxonomy"), tx.at("parent_id"))
	}
	if v := tx.str("vocabulary"); v != "" {
		term["taxonomy"] = v
		term["taxonomy_id"] = uuid.NewSHA1(oruk1Space, []byte("vocabulary:"+v)).String()
		c.trail[at+"/taxonomy"] = tx.at("vocabulary")
		c.trail[at+"/taxonomy_id"] = tx.at("vocabulary")
	}
	out["taxonomy_term"] = term
	tx.rest(map[string]string{"linkTaxonomyCollection": "a back-reference"})
	st.used["service"] = true
	st.rest(nil)
	return out
}

func ageRange(lo, hi *float64) string {
	show := func(p *float64) string {
		if p == nil {
			return "open"
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	return fmt.Sprintf("from %s to %s", show(lo), show(hi))
}

// escapeToken escapes one JSON pointer token (RFC 6901).
func escapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
