package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

func gardener() directory.Person {
	return directory.Person{
		Needs:    []socialrx.Need{socialrx.NeedNatureGardening},
		Location: &home,
		Preferences: directory.Preferences{
			Available: []directory.Slot{{Day: directory.Tuesday, From: "09:00", To: "13:00"}},
		},
	}
}

func TestMatchExplainsInWords(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	res, err := ix.Match(gardener(), now, directory.MatchOptions{})
	require.NoError(t, err)
	require.Len(t, res.Suggestions, 2)
	first := res.Suggestions[0]
	assert.Equal(t, "Headingley Community Garden", first.Name)
	assert.Equal(t, []socialrx.Need{socialrx.NeedNatureGardening}, first.Needs)
	assert.Equal(t, []string{
		"meets: Nature and gardening", "free", "12 minutes' walk", "runs Tuesdays when you are free",
		"open group, welcomes newcomers", "has space (4 places)", "checked 3 weeks ago",
	}, first.Reasons)
	assert.False(t, first.Stale)
	require.NotNil(t, first.DistanceKm)
	assert.InDelta(t, 0.8, *first.DistanceKm, 0.01)

	second := res.Suggestions[1]
	assert.Equal(t, "Hyde Park Gardening Club", second.Name)
	assert.Equal(t, []string{
		"meets: Nature and gardening", "costs £3 per session", "30 minutes' walk", "runs Thursdays, not when you are free",
		"open group, welcomes newcomers", "not checked for 8 months: ask them to confirm",
	}, second.Reasons)
	assert.True(t, second.Stale)
	assert.Greater(t, first.Score, second.Score)
	assert.Equal(t, 2, res.Considered, "the garden trust's walking group meets no gardening need by its own name")
	assert.Nil(t, res.Excluded, "exclusions only on request")
}

func TestMatchLeavesOutWithReasons(t *testing.T) {
	updated := now.AddDate(0, 0, -2)
	age := 17
	tests := []struct {
		name    string
		service directory.Service
		person  func(p *directory.Person)
		reasons []string
	}{
		{"temporarily closed", svc(10, "Garden Club", status(directory.StatusTemporarilyClosed)), nil, []string{"temporarily closed"}},
		{"inactive", svc(10, "Garden Club", status(directory.StatusInactive)), nil, []string{"not running (inactive)"}},
		{"defunct", svc(10, "Garden Club", status(directory.StatusDefunct)), nil, []string{"closed for good (defunct)"}},
		{"full", svc(10, "Garden Club", space(0, updated)), nil, []string{"full: no places as of 8 March 2026"}},
		{"invitation only", svc(10, "Garden Club", welcome(directory.WelcomeInvitationOnly)), nil, []string{"invitation only"}},
		{"complex needs", svc(10, "Garden Club", complexNeeds(false, 0)), func(p *directory.Person) { p.ComplexNeeds = true },
			[]string{"cannot welcome people with complex needs"}},
		{"age", svc(10, "Garden Club", ages(18, 65)), func(p *directory.Person) { p.Age = &age }, []string{"for ages 18 to 65"}},
		{"language", svc(10, "Garden Club", lang("en", "English")), func(p *directory.Person) {
			p.Barriers = []directory.Barrier{directory.BarrierLanguage}
			p.Languages = []string{"Polish"}
		}, []string{"not offered in Polish"}},
		{"every reason at once", svc(10, "Garden Club", status(directory.StatusInactive), space(0, updated), welcome(directory.WelcomeInvitationOnly)), nil,
			[]string{"not running (inactive)", "full: no places as of 8 March 2026", "invitation only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := mustIndex(t, tt.service)
			p := gardener()
			if tt.person != nil {
				tt.person(&p)
			}
			res, err := ix.Match(p, now, directory.MatchOptions{Exclusions: true})
			require.NoError(t, err)
			assert.Empty(t, res.Suggestions)
			require.Len(t, res.Excluded, 1)
			assert.Equal(t, "Garden Club", res.Excluded[0].Name)
			assert.Equal(t, tt.reasons, res.Excluded[0].Reasons)
			assert.Equal(t, 1, res.Considered)

			res, err = ix.Match(p, now, directory.MatchOptions{})
			require.NoError(t, err)
			assert.Empty(t, res.Suggestions)
			assert.Empty(t, res.Excluded)
		})
	}
}

func TestMatchBarriersChangeTheOrder(t *testing.T) {
	ss := []directory.Service{
		svc(1, "Garden A", costs(5, "a session"), place(near800m[0], near800m[1], "Step-free access"), checked("2026-03-01")),
		svc(2, "Garden B", free(), place(near2km[0], near2km[1], "Three steps at the door, no ramp"), checked("2026-03-01")),
		svc(3, "Garden C", free(), online(), checked("2026-03-01")),
	}
	ix := mustIndex(t, ss...)
	order := func(barriers ...directory.Barrier) []string {
		p := directory.Person{Needs: []socialrx.Need{socialrx.NeedNatureGardening}, Location: &home, Barriers: barriers}
		res, err := ix.Match(p, now, directory.MatchOptions{})
		require.NoError(t, err)
		var out []string
		for _, s := range res.Suggestions {
			out = append(out, s.Name)
		}
		return out
	}
	assert.Equal(t, []string{"Garden C", "Garden B", "Garden A"}, order(directory.BarrierCost))
	assert.Equal(t, []string{"Garden C", "Garden A", "Garden B"}, order(directory.BarrierMobility), "online suits, then step-free")
	assert.Equal(t, []string{"Garden B", "Garden A", "Garden C"}, order(directory.BarrierDigital))
	assert.Equal(t, []string{"Garden C", "Garden B", "Garden A"}, order(directory.BarrierTransport, directory.BarrierCost))

	p := directory.Person{Needs: []socialrx.Need{socialrx.NeedNatureGardening}, Location: &home,
		Barriers: []directory.Barrier{directory.BarrierMobility, directory.BarrierCost}}
	res, err := ix.Match(p, now, directory.MatchOptions{Limit: 3})
	require.NoError(t, err)
	byName := map[string][]string{}
	for _, s := range res.Suggestions {
		byName[s.Name] = s.Reasons
	}
	assert.Contains(t, byName["Garden A"], "step-free access")
	assert.Contains(t, byName["Garden A"], "costs £5 a session (cost is a barrier)")
	assert.Contains(t, byName["Garden B"], "step-free access not confirmed")
	assert.Contains(t, byName["Garden C"], "online, no travel needed")
}

func TestMatchStalenessLowersTheRank(t *testing.T) {
	ss := []directory.Service{
		svc(1, "Garden Old", free(), checked("2024-01-10")),
		svc(2, "Garden Never", free()),
		svc(3, "Garden Fresh", free(), checked("2026-03-09")),
	}
	ix := mustIndex(t, ss...)
	res, err := ix.Match(directory.Person{Needs: []socialrx.Need{socialrx.NeedNatureGardening}}, now, directory.MatchOptions{})
	require.NoError(t, err)
	require.Len(t, res.Suggestions, 3)
	assert.Equal(t, "Garden Fresh", res.Suggestions[0].Name)
	assert.False(t, res.Suggestions[0].Stale)
	assert.Contains(t, res.Suggestions[0].Reasons, "checked yesterday")
	for _, s := range res.Suggestions[1:] {
		assert.True(t, s.Stale, s.Name)
	}
	assert.Contains(t, res.Suggestions[1].Reasons, "never checked: ask them to confirm")
	assert.Contains(t, res.Suggestions[2].Reasons, "not checked for 2 years: ask them to confirm")

	// A looser threshold makes the old check fresh enough.
	res, err = ix.Match(directory.Person{Needs: []socialrx.Need{socialrx.NeedNatureGardening}}, now, directory.MatchOptions{StaleAfterDays: 1000})
	require.NoError(t, err)
	assert.Equal(t, "Garden Fresh", res.Suggestions[0].Name)
	assert.Equal(t, "Garden Old", res.Suggestions[1].Name)
	assert.Contains(t, res.Suggestions[1].Reasons, "checked 2 years ago")
}

func TestMatchWordsForPreferences(t *testing.T) {
	ss := []directory.Service{
		svc(1, "Garden Share", free(), runs("1MO", "10:00", "12:00"), runs("WE,FR", "13:00", "15:00"), complexNeeds(true, 2),
			rated(5, 4), ways(directory.WayGive), lang("pl", "Polish"), checked("2026-03-09")),
	}
	ix := mustIndex(t, ss...)
	p := directory.Person{
		Needs: []socialrx.Need{socialrx.NeedNatureGardening, socialrx.NeedLoneliness}, ComplexNeeds: true,
		Barriers: []directory.Barrier{directory.BarrierLanguage}, Languages: []string{"Polish"},
		Preferences: directory.Preferences{Ways: []directory.Way{directory.WayTakeNotice, directory.WayGive}},
	}
	res, err := ix.Match(p, now, directory.MatchOptions{})
	require.NoError(t, err)
	require.Len(t, res.Suggestions, 1)
	assert.Equal(t, []string{
		"meets: Nature and gardening", "free", "runs Wednesdays and Fridays and the first Monday of the month",
		"welcomes people with complex needs (up to 2 at once)", "offered in Polish", "helps you take notice and give",
		"link workers rate it 4.5 out of 5 (2 ratings)", "checked yesterday",
	}, res.Suggestions[0].Reasons)
}

func TestMatchOutOfReach(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	p := gardener()
	p.Needs = append(p.Needs, socialrx.NeedPhysicalActivity, socialrx.NeedDebtMoney)
	p.Preferences.MaxKm = 5
	res, err := ix.Match(p, now, directory.MatchOptions{Exclusions: true})
	require.NoError(t, err)
	var got []string
	for _, s := range res.Suggestions {
		got = append(got, s.Name)
	}
	assert.Equal(t, []string{"Headingley Community Garden", "Hyde Park Gardening Club"}, got, "the walking group 9 km away is out of reach")
	require.Len(t, res.Excluded, 1)
	assert.Equal(t, "Money Advice Online", res.Excluded[0].Name, "online services are never too far")
	assert.Equal(t, 3, res.Considered)
}

func TestMatchRefusesBadInput(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	age := 200
	tests := []struct {
		p     directory.Person
		opt   directory.MatchOptions
		paths []string
	}{
		{directory.Person{}, directory.MatchOptions{}, []string{"/needs"}},
		{directory.Person{Needs: []socialrx.Need{"joy"}, Barriers: []directory.Barrier{"weather"}}, directory.MatchOptions{}, []string{"/barriers/0", "/needs/0"}},
		{directory.Person{Needs: []socialrx.Need{socialrx.NeedFood}, Age: &age, Location: &directory.Point{Latitude: -100}}, directory.MatchOptions{}, []string{"/age", "/location/latitude"}},
		{directory.Person{Needs: []socialrx.Need{socialrx.NeedFood}, Barriers: []directory.Barrier{directory.BarrierLanguage}}, directory.MatchOptions{}, []string{"/languages"}},
		{directory.Person{Needs: []socialrx.Need{socialrx.NeedFood}, Preferences: directory.Preferences{MaxKm: 3, Mode: "carrier pigeon",
			Ways: []directory.Way{"dance"}, Available: []directory.Slot{{Day: "someday"}}}}, directory.MatchOptions{},
			[]string{"/preferences/available/0/day", "/preferences/max_km", "/preferences/mode", "/preferences/ways/0"}},
		{directory.Person{Needs: []socialrx.Need{socialrx.NeedFood}}, directory.MatchOptions{Limit: 101, StaleAfterDays: -1}, []string{"/limit", "/stale_after_days"}},
	}
	for _, tt := range tests {
		_, err := ix.Match(tt.p, now, tt.opt)
		require.Error(t, err)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, tt.paths, paths(err))
	}
}
