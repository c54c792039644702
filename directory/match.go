package directory

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Barrier is something that makes it hard for a person to take part. The
// codes are those of the plan package's barriers, so a plan's barriers can
// be passed straight in.
type Barrier string

// The barriers matching takes into account.
const (
	BarrierCost             Barrier = "cost"
	BarrierTransport        Barrier = "transport"
	BarrierConfidence       Barrier = "confidence"
	BarrierAnxietyNewPlaces Barrier = "anxiety_new_places"
	BarrierMobility         Barrier = "mobility"
	BarrierDigital          Barrier = "digital"
	BarrierLanguage         Barrier = "language"
	BarrierCaring           Barrier = "caring"
	BarrierReadiness        Barrier = "readiness"
	BarrierOther            Barrier = "other"
)

var barriers = []Barrier{BarrierCost, BarrierTransport, BarrierConfidence, BarrierAnxietyNewPlaces, BarrierMobility, BarrierDigital, BarrierLanguage, BarrierCaring, BarrierReadiness, BarrierOther}

// EnumValues lists the barriers, for JSON Schema reflection.
func (Barrier) EnumValues() []string { return socialrx.EnumStrings(barriers) }

// barrierSet holds the barriers matching weighs.
type barrierSet struct {
	cost, transport, confidence, mobility, digital, language, caring bool
}

func (s *barrierSet) add(b Barrier) {
	switch b {
	case BarrierCost:
		s.cost = true
	case BarrierTransport:
		s.transport = true
	case BarrierConfidence, BarrierAnxietyNewPlaces:
		s.confidence = true
	case BarrierMobility:
		s.mobility = true
	case BarrierDigital:
		s.digital = true
	case BarrierLanguage:
		s.language = true
	case BarrierCaring:
		s.caring = true
	}
}

// Person is who services are matched for: their needs, barriers,
// preferences and where they live.
type Person struct {
	// Needs are the needs to meet; at least one.
	Needs []socialrx.Need `json:"needs"`
	// Barriers are what makes taking part hard.
	Barriers []Barrier `json:"barriers,omitempty"`
	// Location is where the person starts from, such as home.
	Location *Point `json:"location,omitempty"`
	// Age is the person's age in years, when known.
	Age *int `json:"age,omitempty" jsonschema:"minimum=0,maximum=130"`
	// ComplexNeeds is true when the person has complex needs.
	ComplexNeeds bool `json:"complex_needs,omitempty"`
	// Languages are the languages the person speaks, ISO 639 codes or names;
	// with the language barrier a service must offer one of them.
	Languages []string `json:"languages,omitempty" jsonschema:"maxItems=20,maxLength=200"`
	// Preferences are the person's wishes.
	Preferences Preferences `json:"preferences,omitzero"`
}

// Preferences are what a person would like.
type Preferences struct {
	// Available are the times the person is free.
	Available []Slot `json:"available,omitempty"`
	// MaxKm puts in-person services further than this from Location out of reach.
	MaxKm float64 `json:"max_km,omitempty" jsonschema:"minimum=0,maximum=1000"`
	// Mode is how the person would rather take part.
	Mode Mode `json:"mode,omitempty"`
	// Ways are the ways to wellbeing the person is drawn to.
	Ways []Way `json:"ways,omitempty"`
}

// MatchOptions tune [Index.Match].
type MatchOptions struct {
	// Limit is the number of suggestions, 1 to 100 (0 means 10).
	Limit int `json:"limit,omitempty" jsonschema:"minimum=0,maximum=100"`
	// Exclusions asks for the services left out, each with its reasons.
	Exclusions bool `json:"exclusions,omitempty"`
	// StaleAfterDays is the age of a check after which an entry counts as stale (0 means 180).
	StaleAfterDays int `json:"stale_after_days,omitempty" jsonschema:"minimum=0,maximum=3650"`
}

// MatchResult is the outcome of [Index.Match].
type MatchResult struct {
	// Suggestions are the best services, best first.
	Suggestions []Suggestion `json:"suggestions"`
	// Excluded are the services in reach that meet a need but were left out, when asked for.
	Excluded []Excluded `json:"excluded,omitempty"`
	// Considered is the number of services in reach that meet at least one of the needs.
	Considered int `json:"considered"`
}

// Suggestion is one service suggested for a person, with its rank explained.
type Suggestion struct {
	// ID is the service's id.
	ID string `json:"id"`
	// Name is the service's name.
	Name string `json:"name"`
	// Score is the rank's score; higher is better.
	Score float64 `json:"score"`
	// DistanceKm is the distance to the nearest location, when known.
	DistanceKm *float64 `json:"distance_km,omitempty"`
	// Needs are the person's needs the service meets.
	Needs []socialrx.Need `json:"needs"`
	// Reasons explain the rank in words, such as "free" or "12 minutes' walk".
	Reasons []string `json:"reasons"`
	// Stale is true when the entry has not been checked recently; ask the service to confirm.
	Stale bool `json:"stale,omitempty"`
}

// Excluded is a service left out of the suggestions, with why.
type Excluded struct {
	// ID is the service's id.
	ID string `json:"id"`
	// Name is the service's name.
	Name string `json:"name"`
	// Reasons say why, such as "invitation only" or "full".
	Reasons []string `json:"reasons"`
}

// matcher is a validated match request.
type matcher struct {
	p        *Person
	needs    uint64
	barriers barrierSet
	home     geo
	hasHome  bool
	havMax   float64
	windows  windows // when the person is free
	ways     uint8
	langs    []string
	today    int32    // days since 1970-01-01
	bits     []uint64 // the bit of each of the person's needs
	stale    int
	age      float32 // -1: not given
}

func (p *Person) check() ([]socialrx.FieldError, matcher) {
	m := matcher{p: p, age: -1}
	var errs []socialrx.FieldError
	if len(p.Needs) == 0 {
		errs = append(errs, socialrx.Field("/needs", "at least one need"))
	}
	errs = append(errs, socialrx.CheckNeeds("/needs", p.Needs)...)
	for _, n := range p.Needs {
		m.needs |= needBits[n]
		m.bits = append(m.bits, needBits[n])
	}
	errs = append(errs, checkEnum("/barriers", p.Barriers, Barrier("").EnumValues())...)
	for _, b := range p.Barriers {
		m.barriers.add(b)
	}
	if p.Location != nil {
		errs = append(errs, p.Location.check("/location")...)
		m.hasHome, m.home = true, newGeo(*p.Location)
	}
	if p.Age != nil {
		if *p.Age < 0 || *p.Age > 130 {
			errs = append(errs, socialrx.Field("/age", "must be 0 to 130"))
		}
		m.age = float32(*p.Age)
	}
	for _, l := range p.Languages {
		if l = lower(l); l != "" {
			m.langs = append(m.langs, l)
		}
	}
	if m.barriers.language && len(m.langs) == 0 {
		errs = append(errs, socialrx.Field("/languages", "name the person's languages when language is a barrier"))
	}
	pr := &p.Preferences
	for i, s := range pr.Available {
		fs, w := s.check("/preferences/available/" + strconv.Itoa(i))
		errs = append(errs, fs...)
		if len(fs) == 0 {
			m.windows.add(w)
		}
	}
	switch {
	case pr.MaxKm < 0 || pr.MaxKm != pr.MaxKm:
		errs = append(errs, socialrx.Field("/preferences/max_km", "must not be negative"))
	case pr.MaxKm > 0 && p.Location == nil:
		errs = append(errs, socialrx.Field("/preferences/max_km", "needs location"))
	case pr.MaxKm > 0:
		m.havMax = havOf(pr.MaxKm)
	}
	if pr.Mode != "" && !enumOK(string(pr.Mode), Mode("").EnumValues()) {
		errs = append(errs, socialrx.Field("/preferences/mode", "%q is not one of in_person, online", string(pr.Mode)))
	}
	errs = append(errs, checkEnum("/preferences/ways", pr.Ways, Way("").EnumValues())...)
	for _, w := range pr.Ways {
		m.ways |= wayBits[w]
	}
	return errs, m
}

// Match ranks the services that meet any of the person's needs and
// explains each rank in words: the needs met, cost, walking time or
// distance, whether it runs when the person is free, its welcome, space,
// accessibility, language, link workers' ratings and when it was last
// checked. In-person services further than the person's MaxKm are out of
// reach and not considered. Services that are closed, full, invitation
// only, unable to welcome complex needs, for other ages, or (with the
// language barrier) not in the person's language are left out, with their
// reasons when opt.Exclusions is set.
// Entries not checked for opt.StaleAfterDays rank lower and are marked
// stale. now is the time of the match, for schedules and freshness.
// It returns [socialrx.CodeInvalid] naming each bad field of person or opt.
func (ix *Index) Match(person Person, now time.Time, opt MatchOptions) (MatchResult, error) {
	errs, m := person.check()
	if opt.Limit < 0 || opt.Limit > 100 {
		errs = append(errs, socialrx.Field("/limit", "must be 1 to 100"))
	}
	if opt.StaleAfterDays < 0 {
		errs = append(errs, socialrx.Field("/stale_after_days", "must not be negative"))
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return MatchResult{}, err
	}
	limit := opt.Limit
	if limit == 0 {
		limit = 10
	}
	m.stale = opt.StaleAfterDays
	if m.stale == 0 {
		m.stale = 180
	}
	m.today = epochDays(socialrx.DateOf(now))

	res := MatchResult{Suggestions: []Suggestion{}}
	top := best{k: limit}
	p := prepared{age: -1, needs: m.needs}
	if m.havMax > 0 {
		p.hasNear, p.point, p.near = true, *person.Location, m.home
		p.setRadius(person.Preferences.MaxKm)
		// Online services are never too far; those with no coordinates
		// cannot be measured, so they stay in.
		p.online, p.unplaced = true, true
	}
	ix.candidates(nil, &p, person.Needs, func(slot int32) {
		h := &ix.hot[slot]
		if !p.pre(h) {
			return
		}
		hav := -1.0
		if m.hasHome {
			hav = ix.hav(slot, m.home)
		}
		if m.havMax > 0 && hav > m.havMax && h.flags&flagOnline == 0 {
			return // out of reach, as a search radius leaves it out
		}
		res.Considered++
		if reasons := m.exclude(ix, slot, opt.Exclusions); len(reasons) > 0 {
			if opt.Exclusions {
				d := ix.docs[slot]
				res.Excluded = append(res.Excluded, Excluded{ID: d.svc.ID, Name: d.svc.Name, Reasons: reasons})
			}
			return
		}
		score, _, _ := m.assess(ix, slot, hav, false)
		top.push(hit{d: ix.docs[slot], slot: slot, score: score, hav: hav})
	})
	if opt.Exclusions {
		// Stable order, by name then id.
		sortExcluded(res.Excluded)
	}
	for _, h := range top.sorted() {
		score, reasons, stale := m.assess(ix, h.slot, h.hav, true)
		s := Suggestion{
			ID: h.d.svc.ID, Name: h.d.svc.Name, Score: math.Round(score*100) / 100,
			Needs: m.met(h.d), Reasons: reasons, Stale: stale,
		}
		if h.hav >= 0 {
			km := math.Round(kmOf(h.hav)*100) / 100
			s.DistanceKm = &km
		}
		res.Suggestions = append(res.Suggestions, s)
	}
	return res, nil
}

func sortExcluded(ex []Excluded) {
	slices.SortFunc(ex, func(a, b Excluded) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// met lists the person's needs the service meets, in the person's order.
func (m *matcher) met(d *doc) []socialrx.Need {
	var out []socialrx.Need
	for _, n := range m.p.Needs {
		if d.needs&needBits[n] != 0 && !containsNeed(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func containsNeed(ns []socialrx.Need, n socialrx.Need) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// excludedMark stands for the reasons when they were not asked for.
var excludedMark = []string{"excluded"}

// exclude returns why the service must be left out, or nothing; with all
// false it may return excludedMark instead of the reasons.
func (m *matcher) exclude(ix *Index, slot int32, all bool) []string {
	h := &ix.hot[slot]
	bad := h.status != statusActiveBit || h.flags&(flagFull|flagInvite) != 0 ||
		m.p.ComplexNeeds && h.flags&flagComplexNo != 0 ||
		m.age >= 0 && (h.minAge >= 0 && m.age < h.minAge || h.maxAge >= 0 && m.age > h.maxAge)
	switch {
	case bad && !all:
		return excludedMark
	case !bad && !m.barriers.language:
		return nil
	}
	return m.reasons(ix.docs[slot], all)
}

// reasons says why d must be left out; with all false it stops at the
// first reason.
func (m *matcher) reasons(d *doc, all bool) []string {
	var out []string
	add := func(r string) bool {
		out = append(out, r)
		return !all
	}
	switch d.svc.Status {
	case StatusActive:
	case StatusTemporarilyClosed:
		if add("temporarily closed") {
			return out
		}
	case StatusInactive:
		if add("not running (inactive)") {
			return out
		}
	default:
		if add("closed for good (defunct)") {
			return out
		}
	}
	if d.flags&flagFull != 0 {
		c := d.svc.Extensions.Capacity
		if add("full: no places as of " + c.Updated.Format("2 January 2006")) {
			return out
		}
	}
	if d.flags&flagInvite != 0 && add("invitation only") {
		return out
	}
	if m.p.ComplexNeeds && d.flags&flagComplexNo != 0 && add("cannot welcome people with complex needs") {
		return out
	}
	if a := m.p.Age; a != nil {
		age := float64(*a)
		if d.minAge >= 0 && age < d.minAge || d.maxAge >= 0 && age > d.maxAge {
			if add(ageWords(d.minAge, d.maxAge)) {
				return out
			}
		}
	}
	if m.barriers.language && !anyString(d.langs, m.langs) {
		if add("not offered in " + strings.Join(m.p.Languages, " or ")) {
			return out
		}
	}
	return out
}

func anyString(have, want []string) bool {
	for _, w := range want {
		if containsString(have, w) {
			return true
		}
	}
	return false
}

func ageWords(lo, hi float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case lo >= 0 && hi >= 0:
		return "for ages " + f(lo) + " to " + f(hi)
	case lo >= 0:
		return "for ages " + f(lo) + " and over"
	default:
		return "for ages up to " + f(hi)
	}
}

func kmWords(km float64) string { return strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64) + " km" }

// assess scores a service for the person and, with words, says why.
// It reads the packed fields, and the doc only for words, schedules with
// validity dates, several locations or the person's languages.
func (m *matcher) assess(ix *Index, slot int32, hav float64, words bool) (score float64, reasons []string, stale bool) {
	h := &ix.hot[slot]
	d := ix.docs[slot] // dereferenced only when needed
	say := func(s string) {
		if words {
			reasons = append(reasons, s)
		}
	}
	b := m.barriers

	// Needs met weigh most.
	met := 0
	var labels []string
	for i, n := range m.p.Needs {
		if h.needs&m.bits[i] != 0 {
			met++
			if words {
				labels = append(labels, n.Label())
			}
		}
	}
	score += 10 * float64(met)
	if words {
		say("meets: " + strings.Join(labels, ", "))
	}

	// Cost.
	switch {
	case h.flags&flagFree != 0:
		score += 1
		if b.cost {
			score += 2
		}
		say("free")
	case h.flags&flagPaid != 0:
		score -= 1
		if b.cost {
			score -= 4
		}
		if words && b.cost {
			say("costs " + d.costWords + " (cost is a barrier)")
		} else if words {
			say("costs " + d.costWords)
		}
	case b.cost:
		score -= 1
		say("cost not known")
	}

	// Getting there.
	online := h.flags&flagOnline != 0
	inPerson := h.flags&flagInPerson != 0
	if hav >= 0 {
		km := kmOf(hav)
		weight := 0.4
		if b.transport || b.mobility {
			weight = 0.8
		}
		score -= weight * km
		switch mins := walkMinutes(km); {
		case !words:
		case mins <= 30:
			say(plural(mins, "minute") + "' walk")
		case b.transport:
			say(kmWords(km) + " away (transport is a barrier)")
		default:
			say(kmWords(km) + " away")
		}
	}
	prefersOnline := m.p.Preferences.Mode == ModeOnline || (b.transport || b.caring || b.mobility) && !b.digital
	switch {
	case online && !inPerson && b.digital:
		score -= 4
		say("online only (digital access is a barrier)")
	case online && !inPerson:
		if prefersOnline {
			score++
		}
		say("online, no travel needed")
	case online && prefersOnline:
		score += 0.5
		say("you can also join online")
	case inPerson && m.p.Preferences.Mode == ModeInPerson:
		score += 0.5
	}

	// Times.
	if ix.hasDays(slot, m.today) {
		switch {
		case len(m.windows.list) == 0:
			if words {
				say("runs " + d.runDays(m.today))
			}
		case ix.runsIn(slot, &m.windows, m.today):
			score += 2
			if b.caring {
				score++
			}
			if words {
				say("runs " + freeDays(d, m.windows.list, m.today) + " when you are free")
			}
		default:
			score -= 2
			if words {
				say("runs " + d.runDays(m.today) + ", not when you are free")
			}
		}
	}

	// Welcome, space and complex needs.
	if h.flags&flagOpen != 0 {
		score++
		if b.confidence {
			score++
		}
		say("open group, welcomes newcomers")
	}
	if h.flags&flagHasSpace != 0 {
		score++
		if words {
			say("has space (" + plural(d.available, d.capacityUnit()) + ")")
		}
	}
	if m.p.ComplexNeeds {
		switch {
		case h.flags&flagComplexYes != 0 && d.atOnce > 0:
			score++
			if words {
				say(fmt.Sprintf("welcomes people with complex needs (up to %d at once)", d.atOnce))
			}
		case h.flags&flagComplexYes != 0:
			score++
			say("welcomes people with complex needs")
		default:
			score -= 0.5
			say("ask whether they can support complex needs")
		}
	}

	// Access and language.
	if b.mobility && inPerson {
		if h.flags&flagStepFree != 0 {
			score++
			say("step-free access")
		} else {
			score -= 2
			say("step-free access not confirmed")
		}
	}
	if b.language {
		for i, l := range m.langs {
			if containsString(d.langs, l) {
				score++
				if words {
					say("offered in " + m.p.Languages[i])
				}
				break
			}
		}
	}

	// What the person is drawn to, and word of mouth.
	if both := h.ways & m.ways; both != 0 {
		var names []string
		for _, w := range Way("").EnumValues() {
			if both&wayBits[Way(w)] != 0 {
				score += 0.5
				if words {
					names = append(names, strings.ReplaceAll(w, "_", " "))
				}
			}
		}
		if words {
			say("helps you " + joinAnd(names))
		}
	}
	if h.stars > 0 {
		score += (float64(h.stars) - 3) * 0.5
		if words {
			say(fmt.Sprintf("link workers rate it %s out of 5 (%s)",
				strconv.FormatFloat(math.Round(d.stars*10)/10, 'f', -1, 64), plural(d.ratings, "rating")))
		}
	}

	// Freshness.
	if h.verified == noCheck {
		score -= 3
		stale = true
		say("never checked: ask them to confirm")
	} else {
		days := int(m.today - h.verified)
		if days > m.stale {
			score -= 3
			stale = true
			if words {
				say("not checked for " + ago(days) + ": ask them to confirm")
			}
		} else {
			if days <= 90 {
				score += 0.5
			}
			if words {
				say("checked " + agoWords(days))
			}
		}
	}
	return score, reasons, stale
}

func (d *doc) capacityUnit() string {
	if c := d.svc.Extensions.Capacity; c != nil && c.Unit != "" {
		return strings.TrimSuffix(c.Unit, "s")
	}
	return "place"
}

// walkMinutes is the walking time for a straight-line distance, at 5 km/h
// over a route a quarter longer than the straight line.
func walkMinutes(km float64) int { return int(math.Round(km * 1.25 / 5 * 60)) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// ago says a number of days in the largest fitting unit: "3 weeks".
func ago(days int) string {
	switch {
	case days < 14:
		return plural(days, "day")
	case days < 60:
		return plural(days/7, "week")
	case days < 730:
		return plural(days/30, "month")
	default:
		return plural(days/365, "year")
	}
}

func agoWords(days int) string {
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	}
	return ago(days) + " ago"
}

func joinAnd(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

var dayNames = [7]string{"Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"}

var ordinals = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}

// hasDays reports whether a schedule valid on today names days.
func (d *doc) hasDays(today int32) bool {
	for i := range d.sessions {
		if d.sessions[i].days != 0 && d.sessions[i].validOn(today) {
			return true
		}
	}
	return false
}

// runDays says in words when the service runs, "Tuesdays and Thursdays" or
// "the first Monday of the month", from the schedules valid on today.
func (d *doc) runDays(today int32) string {
	var parts []string
	var weekly uint8
	for i := range d.sessions {
		ss := &d.sessions[i]
		if !ss.validOn(today) || ss.days == 0 {
			continue
		}
		if ss.monthly {
			for _, o := range ss.ords {
				name := strings.TrimSuffix(dayNames[o.day], "s")
				if w, ok := ordinals[o.ord]; ok {
					parts = append(parts, "the "+w+" "+name+" of the month")
				} else {
					parts = append(parts, "some "+dayNames[o.day])
				}
			}
			continue
		}
		if ss.interval > 1 {
			parts = append(parts, "every "+strconv.Itoa(ss.interval)+" weeks on "+daysWords(ss.days))
			continue
		}
		weekly |= ss.days
	}
	if weekly != 0 {
		parts = append([]string{daysWords(weekly)}, parts...)
	}
	return joinAnd(dedupe(parts))
}

// freeDays names the days the service runs when the person is free.
func freeDays(d *doc, ws []window, today int32) string {
	var days uint8
	for i := range d.sessions {
		ss := &d.sessions[i]
		if !ss.validOn(today) {
			continue
		}
		for _, w := range ws {
			if ss.overlaps(w.day, w.from, w.to) {
				days |= 1 << uint(w.day)
			}
		}
	}
	return daysWords(days)
}

// daysWords names the days of a bit set, Monday first.
func daysWords(days uint8) string {
	var names []string
	for i := 1; i <= 7; i++ {
		if days&(1<<uint(i%7)) != 0 {
			names = append(names, dayNames[i%7])
		}
	}
	return joinAnd(names)
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}
