// Package dirgen generates realistic directories of community services for
// tests and benchmarks: groups and advice services around Leeds with names,
// taxonomy terms, weekly and monthly schedules, coordinates, costs,
// accessibility, capacity and link workers' checks. The same seed gives
// the same directory.
package dirgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

// Place is a neighbourhood services cluster around.
type Place struct {
	// Name is the neighbourhood's name.
	Name string
	// Point is its centre.
	Point directory.Point
	// District is its postcode district.
	District string
	// Weight is how many services it has, relative to others.
	Weight int
}

// Center is the centre of Leeds, where the generated directory lies.
var Center = directory.Point{Latitude: 53.7997, Longitude: -1.5492}

// Places are the neighbourhoods of Leeds the generator uses.
var Places = []Place{
	{"City Centre", directory.Point{Latitude: 53.7997, Longitude: -1.5492}, "LS1", 5},
	{"Headingley", directory.Point{Latitude: 53.8190, Longitude: -1.5790}, "LS6", 4},
	{"Hyde Park", directory.Point{Latitude: 53.8140, Longitude: -1.5660}, "LS6", 3},
	{"Burley", directory.Point{Latitude: 53.8100, Longitude: -1.5800}, "LS4", 2},
	{"Kirkstall", directory.Point{Latitude: 53.8180, Longitude: -1.6050}, "LS5", 2},
	{"Armley", directory.Point{Latitude: 53.7970, Longitude: -1.5900}, "LS12", 4},
	{"Bramley", directory.Point{Latitude: 53.8070, Longitude: -1.6380}, "LS13", 3},
	{"Chapeltown", directory.Point{Latitude: 53.8170, Longitude: -1.5300}, "LS7", 4},
	{"Harehills", directory.Point{Latitude: 53.8120, Longitude: -1.5130}, "LS8", 4},
	{"Gipton", directory.Point{Latitude: 53.8170, Longitude: -1.4950}, "LS9", 3},
	{"Seacroft", directory.Point{Latitude: 53.8220, Longitude: -1.4580}, "LS14", 3},
	{"Crossgates", directory.Point{Latitude: 53.8060, Longitude: -1.4530}, "LS15", 2},
	{"Richmond Hill", directory.Point{Latitude: 53.7960, Longitude: -1.5250}, "LS9", 2},
	{"Hunslet", directory.Point{Latitude: 53.7800, Longitude: -1.5330}, "LS10", 3},
	{"Beeston", directory.Point{Latitude: 53.7750, Longitude: -1.5590}, "LS11", 4},
	{"Holbeck", directory.Point{Latitude: 53.7880, Longitude: -1.5600}, "LS11", 2},
	{"Middleton", directory.Point{Latitude: 53.7480, Longitude: -1.5480}, "LS10", 3},
	{"Belle Isle", directory.Point{Latitude: 53.7620, Longitude: -1.5300}, "LS10", 2},
	{"Rothwell", directory.Point{Latitude: 53.7490, Longitude: -1.4790}, "LS26", 2},
	{"Morley", directory.Point{Latitude: 53.7440, Longitude: -1.6010}, "LS27", 3},
	{"Pudsey", directory.Point{Latitude: 53.7960, Longitude: -1.6620}, "LS28", 3},
	{"Horsforth", directory.Point{Latitude: 53.8410, Longitude: -1.6380}, "LS18", 2},
	{"Meanwood", directory.Point{Latitude: 53.8330, Longitude: -1.5770}, "LS6", 2},
	{"Moortown", directory.Point{Latitude: 53.8420, Longitude: -1.5370}, "LS17", 2},
	{"Roundhay", directory.Point{Latitude: 53.8380, Longitude: -1.5000}, "LS8", 2},
	{"Chapel Allerton", directory.Point{Latitude: 53.8290, Longitude: -1.5380}, "LS7", 2},
	{"Garforth", directory.Point{Latitude: 53.7920, Longitude: -1.3890}, "LS25", 2},
	{"Otley", directory.Point{Latitude: 53.9050, Longitude: -1.6910}, "LS21", 2},
	{"Wetherby", directory.Point{Latitude: 53.9280, Longitude: -1.3860}, "LS22", 1},
}

type activity struct {
	names []string // "%s" is the place
	term  string   // taxonomy label
	needs []socialrx.Need
	ways  []directory.Way
	desc  string // "%s" is the place
	ages  [2]float64
}

var activities = []activity{
	{[]string{"%s Walking Group", "%s Walk for Health", "Walking Netball, %s"}, "Walking groups",
		nil, []directory.Way{directory.WayBeActive, directory.WayConnect},
		"A friendly, gentle walk of about an hour around %s at a pace everyone can manage. Walkers of all abilities are welcome and there is always a cuppa afterwards.", [2]float64{-1, -1}},
	{[]string{"%s Community Garden", "%s Allotment Project", "Grow %s"}, "Gardening",
		nil, []directory.Way{directory.WayTakeNotice, directory.WayConnect},
		"Grow vegetables, fruit and flowers with neighbours at our garden in %s. No experience needed: tools, gloves and tea provided.", [2]float64{-1, -1}},
	{[]string{"%s Men's Shed"}, "Men's sheds",
		[]socialrx.Need{socialrx.NeedLoneliness}, []directory.Way{directory.WayConnect, directory.WayKeepLearning},
		"A workshop in %s where men come together to make, mend and chat: woodwork, bike repairs and small jobs for the community.", [2]float64{18, -1}},
	{[]string{"%s Community Choir", "Singing for Wellbeing, %s", "%s Sing and Smile"}, "Choirs and singing",
		[]socialrx.Need{socialrx.NeedMentalWellbeing}, []directory.Way{directory.WayConnect, directory.WayTakeNotice},
		"Sing well-known songs together in %s, no auditions and no need to read music. Singing lifts the mood and it is a great way to meet people.", [2]float64{-1, -1}},
	{[]string{"%s Knit and Natter", "Crafty Coffee, %s"}, "Craft groups",
		[]socialrx.Need{socialrx.NeedLoneliness}, []directory.Way{directory.WayConnect, directory.WayKeepLearning},
		"Bring your knitting, crochet or any craft, or learn from others, at our relaxed group in %s.", [2]float64{-1, -1}},
	{[]string{"%s Coffee Morning", "Cuppa and Chat, %s", "%s Friendship Group"}, "Social groups",
		[]socialrx.Need{socialrx.NeedLoneliness}, []directory.Way{directory.WayConnect},
		"Drop in for tea, cake and conversation with neighbours in %s. Come on your own or bring a friend.", [2]float64{-1, -1}},
	{[]string{"%s Debt Advice Drop-in", "Money Matters, %s"}, "Debt advice",
		nil, nil,
		"Free, confidential advice on debts, bills and budgeting from trained advisers in %s. Bring any letters you have.", [2]float64{18, -1}},
	{[]string{"%s Benefits Advice", "Welfare Rights Surgery, %s"}, "Welfare benefits advice",
		nil, nil,
		"Help to check what benefits you are entitled to, fill in forms for Universal Credit, PIP and Attendance Allowance, and challenge decisions. Appointments in %s.", [2]float64{16, -1}},
	{[]string{"%s Food Pantry", "%s Community Fridge"}, "Food banks and pantries",
		nil, nil,
		"Members pay a small weekly amount for a bag of groceries worth much more, in %s. Friendly volunteers and signposting to other help.", [2]float64{-1, -1}},
	{[]string{"%s Lunch Club"}, "Lunch clubs",
		[]socialrx.Need{socialrx.NeedLoneliness}, []directory.Way{directory.WayConnect},
		"A hot two-course lunch and good company for older people in %s, with transport for those who need it.", [2]float64{55, -1}},
	{[]string{"%s Digital Drop-in", "Get Online, %s"}, "Digital skills",
		[]socialrx.Need{socialrx.NeedDigitalInclusion}, []directory.Way{directory.WayKeepLearning},
		"One-to-one help with phones, tablets and computers in %s: email, video calls with family, online shopping and the NHS App.", [2]float64{-1, -1}},
	{[]string{"%s English Conversation Club", "ESOL Class, %s"}, "English for speakers of other languages",
		nil, []directory.Way{directory.WayKeepLearning, directory.WayConnect},
		"Practise speaking English in a relaxed group in %s. All levels welcome; childcare available at some sessions.", [2]float64{16, -1}},
	{[]string{"%s Bereavement Support Group"}, "Bereavement support",
		[]socialrx.Need{socialrx.NeedMentalWellbeing}, []directory.Way{directory.WayConnect},
		"A safe space in %s to talk with others who have lost someone close, supported by trained volunteers.", [2]float64{18, -1}},
	{[]string{"%s Carers' Group", "Carers' Cafe, %s"}, "Carers support",
		nil, []directory.Way{directory.WayConnect},
		"Time out for unpaid carers in %s: a break, a chat, and information about support and respite.", [2]float64{-1, -1}},
	{[]string{"Chair-based Exercise, %s", "%s Strength and Balance"}, "Exercise classes",
		[]socialrx.Need{socialrx.NeedPhysicalActivity}, []directory.Way{directory.WayBeActive},
		"Gentle seated exercise to music in %s, led by a qualified instructor, to build strength, balance and confidence.", [2]float64{50, -1}},
	{[]string{"%s Tai Chi"}, "Exercise classes",
		[]socialrx.Need{socialrx.NeedPhysicalActivity, socialrx.NeedMentalWellbeing}, []directory.Way{directory.WayBeActive, directory.WayTakeNotice},
		"Slow, flowing movements that improve balance and calm the mind, in %s. Suitable for beginners.", [2]float64{-1, -1}},
	{[]string{"Mindfulness for Beginners, %s"}, "Mindfulness",
		nil, []directory.Way{directory.WayTakeNotice},
		"A six-week course in %s teaching simple mindfulness practices to manage stress and anxiety.", [2]float64{18, -1}},
	{[]string{"%s Telephone Befriending", "%s Befriending Scheme"}, "Befriending",
		nil, []directory.Way{directory.WayConnect},
		"A trained volunteer calls or visits each week for a chat, for people in %s who feel lonely or cut off.", [2]float64{50, -1}},
	{[]string{"Volunteer Centre, %s"}, "Volunteering",
		nil, []directory.Way{directory.WayGive},
		"Find volunteering that suits you in %s, from gardening to driving, with support to get started.", [2]float64{16, -1}},
	{[]string{"%s Job Club"}, "Employment support",
		nil, []directory.Way{directory.WayKeepLearning},
		"Help with CVs, job searches, applications and interview practice in %s.", [2]float64{16, 67}},
	{[]string{"%s Art Group", "Art for Wellbeing, %s"}, "Art classes",
		[]socialrx.Need{socialrx.NeedMentalWellbeing}, []directory.Way{directory.WayTakeNotice, directory.WayKeepLearning},
		"Painting, drawing and printmaking for all abilities in %s. Materials provided.", [2]float64{-1, -1}},
	{[]string{"%s Housing Advice"}, "Housing advice",
		nil, nil,
		"Advice on tenancy problems, repairs, rent arrears and homelessness for people living in %s.", [2]float64{16, -1}},
	{[]string{"%s Stay and Play"}, "Family support",
		[]socialrx.Need{socialrx.NeedLoneliness}, []directory.Way{directory.WayConnect},
		"Play, songs and stories for under-fives and a chance for parents and carers in %s to meet.", [2]float64{0, 5}},
	{[]string{"%s Recovery Cafe"}, "Alcohol and drug recovery",
		nil, []directory.Way{directory.WayConnect},
		"A welcoming alcohol-free space in %s for people in recovery, their families and friends.", [2]float64{18, -1}},
	{[]string{"%s Community Transport"}, "Community transport",
		nil, nil,
		"Door-to-door minibus for people in %s who find buses hard to use: shopping trips, appointments and groups.", [2]float64{-1, -1}},
	{[]string{"%s Book Club", "Reading Friends, %s"}, "Reading groups",
		[]socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedLearningSkills}, []directory.Way{directory.WayConnect, directory.WayKeepLearning},
		"Meet monthly in %s library to talk about a book chosen by the group.", [2]float64{-1, -1}},
	{[]string{"%s Swimming for Health", "Aqua Fit, %s"}, "Swimming",
		nil, []directory.Way{directory.WayBeActive},
		"Relaxed swimming sessions and water exercise at the %s pool, with instructors on hand.", [2]float64{-1, -1}},
	{[]string{"%s Tea Dance", "Dance for Health, %s"}, "Dance",
		[]socialrx.Need{socialrx.NeedPhysicalActivity, socialrx.NeedArtsCulture}, []directory.Way{directory.WayBeActive, directory.WayConnect},
		"Dancing to music from every decade in %s. No partner or experience needed.", [2]float64{-1, -1}},
	{[]string{"%s Cook and Eat"}, "Cookery",
		[]socialrx.Need{socialrx.NeedFood, socialrx.NeedLearningSkills}, []directory.Way{directory.WayKeepLearning, directory.WayConnect},
		"Learn to cook healthy meals on a budget in %s, then sit down and eat together.", [2]float64{-1, -1}},
	{[]string{"%s Conservation Volunteers", "Friends of %s Park"}, "Conservation volunteering",
		[]socialrx.Need{socialrx.NeedNatureGardening, socialrx.NeedVolunteering}, []directory.Way{directory.WayGive, directory.WayTakeNotice, directory.WayBeActive},
		"Help look after green spaces in %s: tree planting, path clearing and wildlife surveys. All tools provided.", [2]float64{-1, -1}},
}

var (
	termIDs      = map[string]string{}
	taxonomyID   = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/socialrx/socialrx/taxonomy")).String()
	accessTexts  = []string{"Step-free access throughout and an accessible toilet.", "Level access from the car park; hearing loop in the main hall.", "Wheelchair accessible, with parking for blue badge holders.", "Upstairs room with no lift; please call ahead.", "Ground floor room, accessible toilet next door."}
	times        = [][2]string{{"09:30", "11:30"}, {"10:00", "12:00"}, {"10:30", "12:00"}, {"13:00", "15:00"}, {"13:30", "15:30"}, {"14:00", "16:00"}, {"18:00", "20:00"}, {"18:30", "20:30"}}
	days         = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	firstNames   = []string{"Amina", "Bev", "Carl", "Deepa", "Eileen", "Frank", "Grace", "Hassan", "Irene", "Jas", "Karen", "Lee", "Maria", "Nasreen", "Owen", "Priya", "Rob", "Sue", "Tariq", "Wendy"}
	lastNames    = []string{"Ahmed", "Brown", "Clarke", "Davies", "Evans", "Hussain", "Khan", "Patel", "Smith", "Taylor", "Walker", "Wilson", "Wood", "Wright"}
	orgKinds     = []string{"%s Community Association", "%s Neighbourhood Network", "%s Community Centre", "Friends of %s", "%s Together", "%s Methodist Church", "%s Library"}
	streets      = []string{"Church Street", "Victoria Road", "Town Street", "Station Road", "Park Lane", "Chapel Road", "Mill Lane", "School Road", "High Street", "Green Road"}
	otherLangs   = [][2]string{{"pl", "Polish"}, {"ur", "Urdu"}, {"pa", "Punjabi"}, {"ar", "Arabic"}, {"ro", "Romanian"}, {"ku", "Kurdish"}}
	ordinalNames = []string{"1", "2", "3", "-1"}
)

func init() {
	for _, a := range activities {
		termIDs[a.term] = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/socialrx/socialrx/taxonomy/"+a.term)).String()
	}
}

// TermID returns the id of the generated taxonomy term with a label, such
// as "Walking groups", or "" when there is none.
func TermID(label string) string { return termIDs[label] }

type gen struct {
	r   *rand.Rand
	now time.Time
}

func (g *gen) id() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

func (g *gen) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) place() Place {
	total := 0
	for _, p := range Places {
		total += p.Weight
	}
	n := g.r.IntN(total)
	for _, p := range Places {
		if n < p.Weight {
			return p
		}
		n -= p.Weight
	}
	return Places[0]
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func f64(v float64) *float64 { return &v }

// Generate returns n services, the same for the same seed: about one in
// eight organizations per service, 90% active, most in person at a place
// in Leeds with coordinates within a kilometre or so of a neighbourhood
// centre, some online. now dates checks, capacities and ratings.
func Generate(seed uint64, n int, now time.Time) []directory.Service {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now.UTC()}
	orgs := make([]directory.Organization, max(1, n/8))
	for i := range orgs {
		pl := g.place()
		name := fmt.Sprintf(g.pick(orgKinds), pl.Name)
		site := "https://" + slug(name) + ".org.uk"
		orgs[i] = directory.Organization{
			ID: g.id(), Name: name,
			Description: "A local charity running groups and advice for people in " + pl.Name + ".",
			Email:       "hello@" + slug(name) + ".org.uk", Website: site,
		}
	}
	out := make([]directory.Service, n)
	for i := range out {
		out[i] = g.service(&orgs[g.r.IntN(len(orgs))])
	}
	// Some groups name the next step: another service of the same kind.
	for i := range out {
		if g.chance(0.05) {
			j := g.r.IntN(n)
			if j != i {
				out[i].Extensions.NextSteps = []directory.NextStep{{ServiceID: out[j].ID, Note: "when ready for more"}}
			}
		}
	}
	return out
}

func (g *gen) service(org *directory.Organization) directory.Service {
	a := activities[g.r.IntN(len(activities))]
	pl := g.place()
	id := g.id()
	s := directory.Service{
		ID: id, OrganizationID: org.ID,
		Name:         fmt.Sprintf(g.pick(a.names), pl.Name),
		Description:  fmt.Sprintf(a.desc, pl.Name),
		Status:       directory.StatusActive,
		LastModified: g.now.Add(-time.Duration(g.r.IntN(400*24)) * time.Hour).Truncate(time.Second),
	}
	o := *org
	s.Organization = &o
	if g.chance(0.6) {
		s.URL = org.Website + "/" + slug(s.Name)
	}
	if g.chance(0.5) {
		s.Email = slug(a.term) + "@" + strings.TrimPrefix(org.Website, "https://")
	}
	switch x := g.r.Float64(); {
	case x < 0.04:
		s.Status = directory.StatusTemporarilyClosed
		s.Alert = "Closed while the hall is refurbished."
	case x < 0.07:
		s.Status = directory.StatusInactive
	case x < 0.09:
		s.Status = directory.StatusDefunct
	}
	if a.ages[0] >= 0 {
		s.MinimumAge = f64(a.ages[0])
	}
	if a.ages[1] >= 0 {
		s.MaximumAge = f64(a.ages[1])
	}

	// When.
	for k := 0; k < 1+g.r.IntN(2); k++ {
		t := times[g.r.IntN(len(times))]
		sc := directory.Schedule{ID: g.id(), ServiceID: id, Freq: directory.FreqWeekly, Interval: 1, OpensAt: t[0], ClosesAt: t[1]}
		if g.chance(0.15) {
			sc.Freq = directory.FreqMonthly
			sc.ByDay = g.pick(ordinalNames) + g.pick(days[:5])
		} else {
			d1 := g.r.IntN(7)
			sc.ByDay = days[d1]
			if g.chance(0.3) {
				sc.ByDay += "," + days[(d1+2+g.r.IntN(3))%7]
			}
		}
		if g.chance(0.3) {
			sc.ValidFrom = socialrx.DateOf(g.now).AddDays(-g.r.IntN(700))
		}
		s.Schedules = append(s.Schedules, sc)
	}

	// Where.
	online := g.chance(0.12)
	inPerson := !online || g.chance(0.3)
	if inPerson {
		lat := pl.Point.Latitude + g.r.NormFloat64()*0.0072
		lon := pl.Point.Longitude + g.r.NormFloat64()*0.012
		loc := &directory.Location{
			ID: g.id(), LocationType: directory.LocationPhysical,
			Name:     pl.Name + " " + g.pick([]string{"Community Centre", "Library", "Methodist Church", "Park Pavilion", "Village Hall"}),
			Latitude: f64(math.Round(lat*1e6) / 1e6), Longitude: f64(math.Round(lon*1e6) / 1e6),
		}
		loc.Addresses = []directory.Address{{
			ID: g.id(), LocationID: loc.ID,
			Address1: fmt.Sprintf("%d %s", 1+g.r.IntN(200), g.pick(streets)), City: "Leeds",
			StateProvince: "West Yorkshire", PostalCode: fmt.Sprintf("%s %d%c%c", pl.District, g.r.IntN(10), 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26))),
			Country: "GB", AddressType: directory.LocationPhysical,
		}}
		if g.chance(0.75) {
			loc.Accessibility = []directory.Accessibility{{ID: g.id(), LocationID: loc.ID, Description: g.pick(accessTexts)}}
		}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: g.id(), ServiceID: id, LocationID: loc.ID, Location: loc})
	}
	if online {
		loc := &directory.Location{ID: g.id(), LocationType: directory.LocationVirtual, Name: "Online (Zoom)"}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: g.id(), ServiceID: id, LocationID: loc.ID, Location: loc})
	}
	if g.chance(0.3) {
		s.ServiceAreas = []directory.ServiceArea{{ID: g.id(), ServiceID: id, Name: pl.Name, ServiceArea: "People living in " + pl.Name + " and nearby"}}
	}

	// Languages: English, sometimes another.
	if g.chance(0.25) {
		s.Languages = []directory.Language{{ID: g.id(), ServiceID: id, Code: "en", Name: "English"}}
		l := otherLangs[g.r.IntN(len(otherLangs))]
		s.Languages = append(s.Languages, directory.Language{ID: g.id(), ServiceID: id, Code: l[0], Name: l[1]})
	}

	// Cost.
	switch x := g.r.Float64(); {
	case x < 0.65:
		s.CostOptions = []directory.CostOption{{ID: g.id(), ServiceID: id, Option: "Everyone", Amount: f64(0), AmountDescription: "free"}}
	case x < 0.85:
		s.CostOptions = []directory.CostOption{{ID: g.id(), ServiceID: id, Option: "Per person", Amount: f64(float64(1 + g.r.IntN(5))), AmountDescription: "per session"}}
	default:
		s.Fees = "Donations welcome"
	}

	// Who to contact.
	first, last := g.pick(firstNames), g.pick(lastNames)
	phone := directory.Phone{ID: g.id(), Number: fmt.Sprintf("0113 496 %04d", g.r.IntN(1000))}
	ct := directory.Contact{ID: g.id(), ServiceID: id, Name: first + " " + last, Title: "Organiser"}
	phone.ContactID = ct.ID
	ct.Phones = []directory.Phone{phone}
	s.Contacts = []directory.Contact{ct}

	// Taxonomy.
	s.Attributes = []directory.Attribute{{
		ID: g.id(), LinkID: id, TaxonomyTermID: termIDs[a.term], LinkType: "service",
		TaxonomyTerm: &directory.TaxonomyTerm{ID: termIDs[a.term], Name: a.term, Description: a.term + " in the community", Taxonomy: "socialrx community activities", TaxonomyID: taxonomyID},
	}}

	// What link workers know.
	e := &s.Extensions
	e.Needs = slices.Clone(a.needs)
	e.WaysToWellbeing = slices.Clone(a.ways)
	if g.chance(0.8) {
		e.Welcome = directory.WelcomeOpen
	} else {
		e.Welcome = directory.WelcomeInvitationOnly
	}
	switch x := g.r.Float64(); {
	case x < 0.4:
		e.ComplexNeeds = &directory.ComplexNeeds{Welcomed: true, AtOnce: 1 + g.r.IntN(3)}
	case x < 0.65:
		e.ComplexNeeds = &directory.ComplexNeeds{Welcomed: false, Notes: "No one-to-one support available"}
	}
	if g.chance(0.6) {
		places := 8 + g.r.IntN(23)
		avail := g.r.IntN(places + 1)
		if g.chance(0.12) {
			avail = 0
		}
		e.Capacity = &directory.Capacity{Available: avail, Maximum: places, Unit: "places", Updated: g.now.Add(-time.Duration(g.r.IntN(60*24)) * time.Hour).Truncate(time.Minute)}
	}
	if g.chance(0.85) {
		e.LastVerified = &directory.Verification{
			Date: socialrx.DateOf(g.now).AddDays(-g.r.IntN(900)),
			By:   g.pick(firstNames) + ", link worker", Note: "phoned the organiser",
		}
	}
	if g.chance(0.3) {
		for k := 0; k < 1+g.r.IntN(6); k++ {
			e.Ratings = append(e.Ratings, directory.Rating{By: g.pick(firstNames), At: g.now.Add(-time.Duration(g.r.IntN(500*24)) * time.Hour).Truncate(time.Hour), Stars: 2 + g.r.IntN(4)})
		}
	}
	if g.chance(0.1) {
		e.Notes = []directory.Note{{By: g.pick(firstNames), At: g.now.Add(-time.Duration(g.r.IntN(300*24)) * time.Hour).Truncate(time.Hour), Text: "Organiser meets newcomers at the door; good for anxious first-timers."}}
	}
	return s
}
