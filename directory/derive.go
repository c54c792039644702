package directory

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Access is an accessibility feature a search can ask for. ORUK describes
// accessibility in words; the index reads these features from the words of
// a location's accessibility entries and their taxonomy terms.
type Access string

// The accessibility features.
const (
	// AccessStepFree: step-free or wheelchair access (level access, ramp, lift).
	AccessStepFree Access = "step_free"
	// AccessHearingLoop: a hearing (induction) loop.
	AccessHearingLoop Access = "hearing_loop"
	// AccessToilet: an accessible toilet.
	AccessToilet Access = "accessible_toilet"
	// AccessParking: parking on site.
	AccessParking Access = "parking"
)

var accessFeatures = []Access{AccessStepFree, AccessHearingLoop, AccessToilet, AccessParking}

// EnumValues lists the accessibility features, for JSON Schema reflection.
func (Access) EnumValues() []string { return socialrx.EnumStrings(accessFeatures) }

// accessWords are the phrases that show each feature; a "no", "not" or
// "without" just before a phrase cancels it.
var accessWords = []struct {
	flag    uint32
	phrases []string
}{
	{flagStepFree, []string{"step-free", "step free", "wheelchair", "level access", "ramp", "lift access", "ground floor"}},
	{flagHearingLoop, []string{"hearing loop", "induction loop"}},
	{flagToilet, []string{"accessible toilet", "disabled toilet", "accessible loo", "changing places"}},
	{flagParking, []string{"parking", "car park"}},
}

// Mode is how a person takes part: in person or online.
type Mode string

// The modes.
const (
	// ModeInPerson: at a physical location.
	ModeInPerson Mode = "in_person"
	// ModeOnline: online, by video or phone.
	ModeOnline Mode = "online"
)

var modes = []Mode{ModeInPerson, ModeOnline}

// EnumValues lists the modes, for JSON Schema reflection.
func (Mode) EnumValues() []string { return socialrx.EnumStrings(modes) }

var (
	onlineWords   = []string{"online", "video", "remote", "zoom", "teams", "telephone", "by phone"}
	inPersonWords = []string{"in-person", "in person", "face to face", "face-to-face"}
)

// The flags of a document.
const (
	flagFree uint32 = 1 << iota
	flagPaid
	flagOpen
	flagInvite
	flagComplexYes
	flagComplexNo
	flagStepFree
	flagHearingLoop
	flagToilet
	flagParking
	flagInPerson
	flagOnline
	flagHasSpace
	flagFull
)

var accessFlags = map[Access]uint32{
	AccessStepFree: flagStepFree, AccessHearingLoop: flagHearingLoop,
	AccessToilet: flagToilet, AccessParking: flagParking,
}

// needBits numbers the need codes; needPhrases holds each need's keywords
// as runs of index terms, by their first term.
var (
	needList    = socialrx.Needs()
	needBits    = map[socialrx.Need]uint64{}
	needPhrases = map[string][]needPhrase{}
)

type needPhrase struct {
	bit  uint64
	rest []string // the terms after the first
}

func init() {
	for i, n := range needList {
		needBits[n.Code] = 1 << uint(i)
		for _, k := range n.Keywords {
			if t := terms(k); len(t) > 0 {
				needPhrases[t[0]] = append(needPhrases[t[0]], needPhrase{bit: 1 << uint(i), rest: t[1:]})
			}
		}
	}
}

// wayOfNeed gives the way to wellbeing a need's services support by nature.
var wayOfNeed = map[socialrx.Need]Way{
	socialrx.NeedLoneliness: WayConnect, socialrx.NeedBefriending: WayConnect,
	socialrx.NeedFamilyRelationships: WayConnect, socialrx.NeedPhysicalActivity: WayBeActive,
	socialrx.NeedNatureGardening: WayTakeNotice, socialrx.NeedArtsCulture: WayTakeNotice,
	socialrx.NeedMentalWellbeing: WayTakeNotice, socialrx.NeedLearningSkills: WayKeepLearning,
	socialrx.NeedEnglishLanguage: WayKeepLearning, socialrx.NeedDigitalInclusion: WayKeepLearning,
	socialrx.NeedVolunteering: WayGive,
}

var wayBits = map[Way]uint8{WayConnect: 1, WayBeActive: 2, WayTakeNotice: 4, WayKeepLearning: 8, WayGive: 16}

// session is one schedule, prepared for day and time tests.
type session struct {
	days     uint8 // bit per time.Weekday
	monthly  bool
	ords     []dayOrd // monthly: the nth weekdays, such as the first Tuesday
	interval int
	opens    int32 // seconds since midnight, -1 if not given
	closes   int32
	from, to int32 // days since 1970-01-01 the schedule holds from and to
}

type dayOrd struct {
	day time.Weekday
	ord int
}

// doc is what the index keeps of one service.
type doc struct {
	svc       Service
	slot      int32
	nameKey   string
	lists     []*postings // every postings list the doc is on
	cells     []cellKey
	needs     uint64
	flags     uint32
	ways      uint8
	minAge    float64 // -1: none
	maxAge    float64 // -1: none
	points    []geo
	sessions  []session
	langs     []string
	verified  socialrx.Date
	available int // places free, when the flags say whether known
	atOnce    int
	cost      float64 // lowest price above zero
	costWords string
	stars     float64 // average rating, 0 when none
	ratings   int
	areas     serviceAreas
}

// fields of a text posting
const (
	fieldName uint32 = 1 << iota
	fieldTaxonomy
	fieldText
	fieldBits = 3
)

// derive prepares a validated service for the index.
func derive(s Service) *doc {
	d := &doc{svc: s, nameKey: strings.ToLower(s.Name), minAge: -1, maxAge: -1, areas: areasOf(s.ServiceAreas)}
	e := &s.Extensions
	if s.MinimumAge != nil {
		d.minAge = *s.MinimumAge
	}
	if s.MaximumAge != nil {
		d.maxAge = *s.MaximumAge
	}

	// Needs: given, or shown by the name and the taxonomy terms.
	for _, n := range e.Needs {
		d.needs |= needBits[n]
	}
	d.needs |= needsIn(terms(s.Name))
	for _, t := range s.taxonomyTerms() {
		d.needs |= needsIn(terms(t.Name)) | needsIn(terms(t.Term))
	}
	for i, n := range needList {
		if d.needs&(1<<uint(i)) != 0 {
			d.ways |= wayBits[wayOfNeed[n.Code]]
		}
	}
	for _, w := range e.WaysToWellbeing {
		d.ways |= wayBits[w]
	}

	// Cost.
	d.cost = math.Inf(1)
	freeOption := false
	for _, o := range s.CostOptions {
		switch {
		case o.Amount == nil:
		case *o.Amount == 0:
			freeOption = true
		case *o.Amount < d.cost:
			d.cost = *o.Amount
			d.costWords = costWords(*o.Amount, o.AmountDescription)
		}
	}
	fees := strings.ToLower(s.Fees)
	switch {
	case !math.IsInf(d.cost, 1):
		d.flags |= flagPaid
	case freeOption, strings.Contains(fees, "free"), strings.Contains(fees, "no charge"), strings.Contains(fees, "no cost"):
		d.flags |= flagFree
	}

	// What link workers know.
	switch e.Welcome {
	case WelcomeOpen:
		d.flags |= flagOpen
	case WelcomeInvitationOnly:
		d.flags |= flagInvite
	}
	if c := e.ComplexNeeds; c != nil {
		if c.Welcomed {
			d.flags |= flagComplexYes
			d.atOnce = c.AtOnce
		} else {
			d.flags |= flagComplexNo
		}
	}
	if c := e.Capacity; c != nil {
		d.available = c.Available
		if c.Available > 0 {
			d.flags |= flagHasSpace
		} else {
			d.flags |= flagFull
		}
	}
	if v := e.LastVerified; v != nil {
		d.verified = v.Date
	}
	for _, r := range e.Ratings {
		d.stars += float64(r.Stars)
		d.ratings++
	}
	if d.ratings > 0 {
		d.stars /= float64(d.ratings)
	}

	// Places, modes and accessibility.
	for _, sal := range s.ServiceAtLocations {
		l := sal.Location
		if l == nil {
			continue
		}
		switch l.LocationType {
		case LocationVirtual:
			d.flags |= flagOnline
		case LocationPhysical:
			d.flags |= flagInPerson
			if l.Latitude != nil && l.Longitude != nil {
				p := Point{*l.Latitude, *l.Longitude}
				if p.check("") == nil {
					d.points = append(d.points, newGeo(p))
					y, x := cellOf(p.Latitude, p.Longitude)
					if k := keyOf(y, x); !slices.Contains(d.cells, k) {
						d.cells = append(d.cells, k)
					}
				}
			}
			for _, a := range l.Accessibility {
				words := []string{a.Description, a.Details, a.Accessibility}
				for _, at := range a.Attributes {
					if at.TaxonomyTerm != nil {
						words = append(words, at.TaxonomyTerm.Name, at.TaxonomyTerm.Term)
					}
				}
				for _, w := range words {
					d.flags |= accessIn(strings.ToLower(w))
				}
			}
		}
	}

	// Schedules and languages.
	for _, sc := range s.Schedules {
		d.sessions = append(d.sessions, newSession(sc))
		at := strings.ToLower(sc.AttendingType)
		if containsAny(at, onlineWords) {
			d.flags |= flagOnline
		}
		if containsAny(at, inPersonWords) {
			d.flags |= flagInPerson
		}
	}
	for _, l := range s.Languages {
		for _, v := range []string{l.Code, l.Name} {
			if v = strings.ToLower(strings.TrimSpace(v)); v != "" && !slices.Contains(d.langs, v) {
				d.langs = append(d.langs, v)
			}
		}
	}
	if len(d.langs) == 0 {
		d.langs = []string{"en", "english"}
	}
	return d
}

// taxonomyTerms lists the taxonomy terms of the service's attributes.
func (s *Service) taxonomyTerms() []*TaxonomyTerm {
	var out []*TaxonomyTerm
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil {
			out = append(out, a.TaxonomyTerm)
		}
	}
	return out
}

// needsIn returns the needs whose keywords appear in a run of terms.
func needsIn(ts []string) uint64 {
	var bits uint64
	for i, t := range ts {
		for _, ph := range needPhrases[t] {
			if bits&ph.bit == 0 && i+1+len(ph.rest) <= len(ts) && slices.Equal(ts[i+1:i+1+len(ph.rest)], ph.rest) {
				bits |= ph.bit
			}
		}
	}
	return bits
}

func containsRun(ts, run []string) bool {
	for i := 0; i+len(run) <= len(ts); i++ {
		if slices.Equal(ts[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// accessIn reads accessibility features from lower-case words.
func accessIn(s string) uint32 {
	var flags uint32
	for _, a := range accessWords {
		for _, ph := range a.phrases {
			if affirmed(s, ph) {
				flags |= a.flag
				break
			}
		}
	}
	return flags
}

// affirmed reports whether phrase occurs in s without "no", "not" or
// "without" just before it.
func affirmed(s, phrase string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], phrase)
		if i < 0 {
			return false
		}
		i += off
		before := strings.Fields(s[max(0, i-24):i])
		negated := false
		for j := max(0, len(before)-3); j < len(before); j++ {
			switch strings.Trim(before[j], ".,;:()") {
			case "no", "not", "without", "isn't":
				negated = true
			}
		}
		if !negated {
			return true
		}
		off = i + len(phrase)
	}
}

var icalDays = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// newSession prepares a validated schedule.
func newSession(sc Schedule) session {
	ss := session{opens: -1, closes: -1, from: math.MinInt32 + 1, to: math.MaxInt32, interval: max(sc.Interval, 1)}
	if !sc.ValidFrom.IsZero() {
		ss.from = epochDays(sc.ValidFrom)
	}
	if !sc.ValidTo.IsZero() {
		ss.to = epochDays(sc.ValidTo)
	}
	ss.monthly = sc.Freq == FreqMonthly
	if sc.ByDay != "" {
		for _, tok := range strings.Split(sc.ByDay, ",") {
			day := icalDays[tok[len(tok)-2:]]
			ss.days |= 1 << uint(day)
			if ss.monthly {
				ord := 0
				if n := tok[:len(tok)-2]; n != "" {
					ord = atoiSigned(n)
				}
				ss.ords = append(ss.ords, dayOrd{day, ord})
			}
		}
	} else if sc.Freq == FreqWeekly && !sc.DTStart.IsZero() {
		ss.days = 1 << uint(sc.DTStart.Time().Weekday())
	}
	if v, ok := parseClock(sc.OpensAt); ok && sc.OpensAt != "" {
		ss.opens = int32(v)
	}
	if v, ok := parseClock(sc.ClosesAt); ok && sc.ClosesAt != "" {
		ss.closes = int32(v)
	}
	return ss
}

func atoiSigned(s string) int {
	sign := 1
	switch s[0] {
	case '-':
		sign, s = -1, s[1:]
	case '+':
		s = s[1:]
	}
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return sign * n
}

// anyDay stands for "whatever the day" where a day is asked for.
const anyDay = math.MinInt32

// validOn reports whether the session holds on day (days since 1970-01-01,
// or anyDay).
func (ss *session) validOn(day int32) bool {
	return day == anyDay || ss.from <= day && day <= ss.to
}

// overlaps reports whether the session runs on weekday w at some time in
// [from, to) seconds; a session without times counts as all day.
func (ss *session) overlaps(w time.Weekday, from, to int32) bool {
	if ss.days&(1<<uint(w)) == 0 {
		return false
	}
	if ss.opens < 0 || ss.closes < 0 {
		return true
	}
	return ss.opens < to && from < ss.closes
}

func costWords(amount float64, what string) string {
	prec := 2
	if amount == math.Trunc(amount) {
		prec = 0
	}
	s := "£" + strconv.FormatFloat(amount, 'f', prec, 64)
	if what = strings.TrimSpace(what); what != "" {
		s += " " + what
	}
	return s
}
