package directory_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/dirgen"
)

// queries is a battery of searches over a generated directory.
func queries() []directory.Query {
	age := 70
	kids := 3
	far := dirgen.Places[len(dirgen.Places)-1].Point
	return []directory.Query{
		{},
		{Text: "walking group"},
		{Text: "gardening", FreeOnly: true, Near: &headingley, RadiusKm: 2},
		{Text: "community", Page: 2, PerPage: 7},
		{Needs: []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedFood}, Near: &headingley, RadiusKm: 1.5, IncludeOnline: true},
		{Access: []directory.Access{directory.AccessStepFree}, When: []directory.Slot{{Day: directory.Tuesday, From: "09:00", To: "12:00"}}},
		{Status: []directory.Status{directory.StatusActive}, HasSpace: true, ComplexNeeds: true, Welcome: directory.WelcomeOpen},
		{Language: "pl", Mode: directory.ModeInPerson},
		{Age: &age, Needs: []socialrx.Need{socialrx.NeedPhysicalActivity}},
		{Age: &kids},
		{TaxonomyTerms: []string{dirgen.TermID("Befriending"), "choirs and singing"}},
		{Near: &far, RadiusKm: 5},
		{Text: "advice", Mode: directory.ModeOnline, PerPage: 100},
	}
}

// TestUpdatesEqualRebuild changes, adds and removes services one at a time
// and checks that every search then gives what a fresh index gives.
func TestUpdatesEqualRebuild(t *testing.T) {
	ss := dirgen.Generate(7, 1500, now)
	ix := mustIndex(t, ss...)
	r := rand.New(rand.NewPCG(1, 2))
	live := map[string]directory.Service{}
	for _, s := range ss {
		live[s.ID] = s
	}
	extra := dirgen.Generate(8, 300, now)
	for i := 0; i < 400; i++ {
		switch k := r.IntN(3); {
		case k == 0 && len(extra) > 0: // add
			s := extra[0]
			extra = extra[1:]
			require.NoError(t, ix.Put(s))
			live[s.ID] = s
		case k == 1: // change: another service's content under this id
			s := ss[r.IntN(len(ss))]
			other := extra[r.IntN(len(extra))].Clone()
			other.ID = s.ID
			other.Extensions.NextSteps = nil
			require.NoError(t, ix.Put(other))
			live[s.ID] = other
		default: // remove
			s := ss[r.IntN(len(ss))]
			err := ix.Remove(s.ID)
			if _, ok := live[s.ID]; ok {
				require.NoError(t, err)
				delete(live, s.ID)
			} else {
				assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
			}
		}
	}
	var rest []directory.Service
	for _, s := range live {
		rest = append(rest, s)
	}
	fresh := mustIndex(t, rest...)
	require.Equal(t, fresh.Len(), ix.Len())
	for _, q := range queries() {
		want, err := fresh.Search(q)
		require.NoError(t, err)
		got, err := ix.Search(q)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%+v", q)
	}
	age := 75
	p := directory.Person{Needs: []socialrx.Need{socialrx.NeedLoneliness}, Location: &headingley, Age: &age,
		Preferences: directory.Preferences{MaxKm: 2, Available: []directory.Slot{{Day: directory.Wednesday}}}}
	want, err := fresh.Match(p, now, directory.MatchOptions{Exclusions: true, Limit: 50})
	require.NoError(t, err)
	got, err := ix.Match(p, now, directory.MatchOptions{Exclusions: true, Limit: 50})
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestSearchAgreesWithScan checks the index against a plain scan of the
// services, written from the ORUK fields without the index's shortcuts.
func TestSearchAgreesWithScan(t *testing.T) {
	ss := dirgen.Generate(11, 1200, now)
	ix := mustIndex(t, ss...)
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 150; i++ {
		var q directory.Query
		if r.IntN(2) == 0 {
			q.Status = []directory.Status{directory.StatusActive}
		}
		q.FreeOnly = r.IntN(3) == 0
		q.HasSpace = r.IntN(4) == 0
		q.ComplexNeeds = r.IntN(4) == 0
		switch r.IntN(3) {
		case 0:
			q.Welcome = directory.WelcomeOpen
		case 1:
			q.Welcome = directory.WelcomeInvitationOnly
		}
		if r.IntN(3) == 0 {
			age := r.IntN(90)
			q.Age = &age
		}
		if r.IntN(4) == 0 {
			q.Language = []string{"en", "pl", "Urdu", "ar"}[r.IntN(4)]
		}
		if r.IntN(4) == 0 {
			q.Mode = []directory.Mode{directory.ModeOnline, directory.ModeInPerson}[r.IntN(2)]
		}
		if r.IntN(2) == 0 {
			pl := dirgen.Places[r.IntN(len(dirgen.Places))].Point
			q.Near, q.RadiusKm = &pl, 0.3+r.Float64()*4
			q.IncludeOnline = r.IntN(3) == 0
		}
		if r.IntN(3) == 0 {
			days := directory.Day("").EnumValues()
			for k := 0; k < 1+r.IntN(2); k++ {
				sl := directory.Slot{Day: directory.Day(days[r.IntN(7)])}
				if r.IntN(2) == 0 {
					from := 8*60 + r.IntN(10*60)
					to := from + 15 + r.IntN(4*60)
					sl.From, sl.To = fmt.Sprintf("%02d:%02d", from/60, from%60), fmt.Sprintf("%02d:%02d", to/60, to%60)
				}
				q.When = append(q.When, sl)
			}
			if r.IntN(2) == 0 {
				q.Today = socialrx.DateOf(now).AddDays(-r.IntN(800))
			}
		}
		q.PerPage = 100
		var want []string
		for _, s := range ss {
			if scanKeeps(s, q) {
				want = append(want, s.ID)
			}
		}
		var got []string
		for page := 1; ; page++ {
			q.Page = page
			res, err := ix.Search(q)
			require.NoError(t, err)
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if page >= res.TotalPages {
				assert.Equal(t, len(want), res.TotalItems)
				break
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "query %d: %+v", i, q)
	}
}

// scanKeeps decides a query for one service from its fields directly.
func scanKeeps(s directory.Service, q directory.Query) bool {
	e := s.Extensions
	if len(q.When) > 0 && !scanRuns(s, q) {
		return false
	}
	if len(q.Status) > 0 && !slices.Contains(q.Status, s.Status) {
		return false
	}
	if q.FreeOnly {
		free := false
		for _, c := range s.CostOptions {
			if c.Amount != nil && *c.Amount > 0 {
				return false
			}
			free = free || c.Amount != nil
		}
		if !free && !strings.Contains(strings.ToLower(s.Fees), "free") {
			return false
		}
	}
	if q.HasSpace && (e.Capacity == nil || e.Capacity.Available == 0) {
		return false
	}
	if q.ComplexNeeds && (e.ComplexNeeds == nil || !e.ComplexNeeds.Welcomed) {
		return false
	}
	if q.Welcome != "" && e.Welcome != q.Welcome {
		return false
	}
	if q.Age != nil {
		a := float64(*q.Age)
		if s.MinimumAge != nil && a < *s.MinimumAge || s.MaximumAge != nil && a > *s.MaximumAge {
			return false
		}
	}
	if q.Language != "" {
		found := len(s.Languages) == 0 && (q.Language == "en" || q.Language == "english")
		for _, l := range s.Languages {
			found = found || strings.EqualFold(l.Code, q.Language) || strings.EqualFold(l.Name, q.Language)
		}
		if !found {
			return false
		}
	}
	online, inPerson := false, false
	best := math.Inf(1)
	for _, sal := range s.ServiceAtLocations {
		switch l := sal.Location; l.LocationType {
		case directory.LocationVirtual:
			online = true
		case directory.LocationPhysical:
			inPerson = true
			if q.Near != nil && l.Latitude != nil {
				best = math.Min(best, haversineKm(*q.Near, *l.Latitude, *l.Longitude))
			}
		}
	}
	switch q.Mode {
	case directory.ModeOnline:
		if !online {
			return false
		}
	case directory.ModeInPerson:
		if !inPerson {
			return false
		}
	}
	if q.RadiusKm > 0 && best > q.RadiusKm && !(q.IncludeOnline && online) {
		return false
	}
	return true
}

func haversineKm(p directory.Point, lat, lon float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat-p.Latitude)*rad/2, (lon-p.Longitude)*rad/2
	a := math.Sin(dLat)*math.Sin(dLat) + math.Cos(p.Latitude*rad)*math.Cos(lat*rad)*math.Sin(dLon)*math.Sin(dLon)
	return 2 * 6371.0088 * math.Asin(math.Sqrt(a))
}

// scanRuns decides the When filter from the schedules' fields.
func scanRuns(s directory.Service, q directory.Query) bool {
	minutes := func(hhmm string, otherwise int) int {
		if hhmm == "" {
			return otherwise
		}
		var h, m int
		fmt.Sscanf(hhmm, "%d:%d", &h, &m)
		return h*60 + m
	}
	for _, sc := range s.Schedules {
		if !q.Today.IsZero() && (!sc.ValidFrom.IsZero() && q.Today.Before(sc.ValidFrom) || !sc.ValidTo.IsZero() && q.Today.After(sc.ValidTo)) {
			continue
		}
		opens, closes := minutes(sc.OpensAt, 0), minutes(sc.ClosesAt, 24*60)
		if sc.OpensAt == "" || sc.ClosesAt == "" {
			opens, closes = 0, 24*60
		}
		for _, tok := range strings.Split(sc.ByDay, ",") {
			day := strings.ToLower(map[string]string{"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday",
				"FR": "friday", "SA": "saturday", "SU": "sunday"}[tok[len(tok)-2:]])
			for _, w := range q.When {
				if string(w.Day) == day && opens < minutes(w.To, 24*60) && minutes(w.From, 0) < closes {
					return true
				}
			}
		}
	}
	return false
}
