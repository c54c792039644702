package directory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) // a Tuesday

// Headingley, Leeds, and places around it.
var (
	home     = directory.Point{Latitude: 53.8190, Longitude: -1.5790}
	near800m = [2]float64{53.8262, -1.5790} // 0.8 km north
	near2km  = [2]float64{53.8370, -1.5790} // 2 km north
	far9km   = [2]float64{53.7997, -1.4492} // east Leeds, about 9 km
)

func fixture() []directory.Service {
	return []directory.Service{
		svc(1, "Headingley Community Garden", desc("Grow vegetables with neighbours."), place(near800m[0], near800m[1], "Step-free paths and an accessible toilet"),
			free(), runs("TU", "10:00", "12:00"), welcome(directory.WelcomeOpen), term("Gardening"), space(4, now), checked("2026-02-17"), lang("en", "English"), lang("pl", "Polish")),
		svc(2, "Hyde Park Gardening Club", place(near2km[0], near2km[1], "Upstairs, no lift"), costs(3, "per session"), runs("TH", "14:00", "16:00"),
			welcome(directory.WelcomeOpen), ages(18, -1), checked("2025-07-01")),
		svc(3, "Seacroft Walking Group", desc("A gentle walk, then tea. Walkers of all abilities."), place(far9km[0], far9km[1], "Wheelchair accessible"),
			free(), runs("MO,WE", "10:00", "11:30"), term("Walking groups"), complexNeeds(true, 2), org("Seacroft Gardeners Trust")),
		svc(4, "Money Advice Online", desc("Debt and budgeting advice by video."), online(), free(), runs("1FR", "", ""), welcome(directory.WelcomeInvitationOnly)),
		svc(5, "Chapeltown Singing for Wellbeing", place(53.8170, -1.5300), status(directory.StatusTemporarilyClosed), needs(socialrx.NeedMentalWellbeing), space(0, now)),
	}
}

func TestSearchText(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	tests := []struct {
		text string
		want []string
	}{
		{"garden", []string{"Headingley Community Garden", "Hyde Park Gardening Club", "Seacroft Walking Group"}},
		{"GARDENING", []string{"Headingley Community Garden", "Hyde Park Gardening Club", "Seacroft Walking Group"}},
		{"gardeners", []string{"Headingley Community Garden", "Hyde Park Gardening Club", "Seacroft Walking Group"}},
		{"walkers", []string{"Seacroft Walking Group"}},
		{"garden vegetables", []string{"Headingley Community Garden"}},
		{"the walking", []string{"Seacroft Walking Group"}},
		{"walking groups", []string{"Seacroft Walking Group"}},
		{"budget", []string{"Money Advice Online"}},
		{"knitting", []string{}},
		{"the and of", []string{"Chapeltown Singing for Wellbeing", "Headingley Community Garden", "Hyde Park Gardening Club", "Money Advice Online", "Seacroft Walking Group"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r, err := ix.Search(directory.Query{Text: tt.text})
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(r))
			assert.Equal(t, len(tt.want), r.TotalItems)
		})
	}
	// A match in the name outranks a match in the organization's name.
	r, err := ix.Search(directory.Query{Text: "garden"})
	require.NoError(t, err)
	require.Len(t, r.Hits, 3)
	assert.Greater(t, r.Hits[0].Score, r.Hits[2].Score)
}

func TestSearchFilters(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	age := 16
	tests := []struct {
		name string
		q    directory.Query
		want []string
	}{
		{"need shown by the name", directory.Query{Needs: []socialrx.Need{socialrx.NeedNatureGardening}}, []string{"Headingley Community Garden", "Hyde Park Gardening Club"}},
		{"need shown by the taxonomy", directory.Query{Needs: []socialrx.Need{socialrx.NeedPhysicalActivity}}, []string{"Seacroft Walking Group"}},
		{"need given", directory.Query{Needs: []socialrx.Need{socialrx.NeedMentalWellbeing}}, []string{"Chapeltown Singing for Wellbeing"}},
		{"any of two needs", directory.Query{Needs: []socialrx.Need{socialrx.NeedDebtMoney, socialrx.NeedPhysicalActivity}}, []string{"Money Advice Online", "Seacroft Walking Group"}},
		{"taxonomy term by label", directory.Query{TaxonomyTerms: []string{"walking GROUPS"}}, []string{"Seacroft Walking Group"}},
		{"unknown taxonomy term", directory.Query{TaxonomyTerms: []string{"knitting"}}, []string{}},
		{"status", directory.Query{Status: []directory.Status{directory.StatusTemporarilyClosed}}, []string{"Chapeltown Singing for Wellbeing"}},
		{"free only", directory.Query{FreeOnly: true}, []string{"Headingley Community Garden", "Money Advice Online", "Seacroft Walking Group"}},
		{"age 16 leaves out 18+", directory.Query{Age: &age, Text: "garden"}, []string{"Headingley Community Garden", "Seacroft Walking Group"}},
		{"on Tuesday morning", directory.Query{When: []directory.Slot{{Day: directory.Tuesday, From: "09:00", To: "11:00"}}}, []string{"Headingley Community Garden"}},
		{"on Tuesday evening", directory.Query{When: []directory.Slot{{Day: directory.Tuesday, From: "18:00"}}}, []string{}},
		{"on Friday, a monthly session with no times", directory.Query{When: []directory.Slot{{Day: directory.Friday}}}, []string{"Money Advice Online"}},
		{"open groups", directory.Query{Welcome: directory.WelcomeOpen}, []string{"Headingley Community Garden", "Hyde Park Gardening Club"}},
		{"invitation only", directory.Query{Welcome: directory.WelcomeInvitationOnly}, []string{"Money Advice Online"}},
		{"complex needs", directory.Query{ComplexNeeds: true}, []string{"Seacroft Walking Group"}},
		{"step-free", directory.Query{Access: []directory.Access{directory.AccessStepFree}}, []string{"Headingley Community Garden", "Seacroft Walking Group"}},
		{"step-free and a toilet", directory.Query{Access: []directory.Access{directory.AccessStepFree, directory.AccessToilet}}, []string{"Headingley Community Garden"}},
		{"in Polish", directory.Query{Language: "Polish"}, []string{"Headingley Community Garden"}},
		{"in English, the default", directory.Query{Language: "en", Text: "garden"}, []string{"Headingley Community Garden", "Hyde Park Gardening Club", "Seacroft Walking Group"}},
		{"online", directory.Query{Mode: directory.ModeOnline}, []string{"Money Advice Online"}},
		{"in person", directory.Query{Mode: directory.ModeInPerson, FreeOnly: true}, []string{"Headingley Community Garden", "Seacroft Walking Group"}},
		{"has space", directory.Query{HasSpace: true}, []string{"Headingley Community Garden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(r))
		})
	}
}

func TestSearchRadius(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	r, err := ix.Search(directory.Query{Near: &home, RadiusKm: 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"Headingley Community Garden", "Hyde Park Gardening Club"}, names(r), "nearest first")
	require.NotNil(t, r.Hits[0].DistanceKm)
	assert.InDelta(t, 0.8, *r.Hits[0].DistanceKm, 0.01)
	assert.InDelta(t, 2.0, *r.Hits[1].DistanceKm, 0.01)

	r, err = ix.Search(directory.Query{Near: &home, RadiusKm: 3, IncludeOnline: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"Headingley Community Garden", "Hyde Park Gardening Club", "Money Advice Online"}, names(r), "online last: no distance")
	assert.Nil(t, r.Hits[2].DistanceKm)

	r, err = ix.Search(directory.Query{Near: &home})
	require.NoError(t, err)
	assert.Len(t, r.Hits, 5, "a point without a radius only orders")
	assert.Equal(t, "Money Advice Online", r.Hits[4].Name)

	r, err = ix.Search(directory.Query{Near: &home, RadiusKm: 1.9})
	require.NoError(t, err)
	assert.Equal(t, []string{"Headingley Community Garden"}, names(r))
}

func TestSearchPagingIsStable(t *testing.T) {
	var ss []directory.Service
	for i := 1; i <= 25; i++ {
		ss = append(ss, svc(i, "Coffee Morning", free()))
	}
	ix := mustIndex(t, ss...)
	var ids []string
	for page := 1; page <= 4; page++ {
		r, err := ix.Search(directory.Query{Text: "coffee", Page: page, PerPage: 10})
		require.NoError(t, err)
		assert.Equal(t, 25, r.TotalItems)
		assert.Equal(t, 3, r.TotalPages)
		assert.Equal(t, page, r.PageNumber)
		for _, h := range r.Hits {
			ids = append(ids, h.ID)
		}
		if page == 4 {
			assert.Empty(t, r.Hits)
		}
	}
	require.Len(t, ids, 25)
	for i := 1; i < len(ids); i++ {
		assert.Less(t, ids[i-1], ids[i], "ties break by id, so pages neither repeat nor skip")
	}
}

func TestSearchRefusesBadQuery(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	age := -1
	tests := []struct {
		q     directory.Query
		paths []string
	}{
		{directory.Query{Needs: []socialrx.Need{"joy"}}, []string{"/needs/0"}},
		{directory.Query{Status: []directory.Status{"closed"}}, []string{"/status/0"}},
		{directory.Query{Age: &age}, []string{"/age"}},
		{directory.Query{When: []directory.Slot{{Day: "tuesdays", From: "9am", To: "10:00"}}}, []string{"/when/0/day", "/when/0/from"}},
		{directory.Query{When: []directory.Slot{{Day: directory.Monday, From: "12:00", To: "10:00"}}}, []string{"/when/0/to"}},
		{directory.Query{Welcome: "sometimes", Mode: "by post", Access: []directory.Access{"lift"}}, []string{"/access/0", "/mode", "/welcome"}},
		{directory.Query{RadiusKm: 2}, []string{"/radius_km"}},
		{directory.Query{Near: &directory.Point{Latitude: 91, Longitude: -181}, RadiusKm: -1}, []string{"/near/latitude", "/near/longitude", "/radius_km"}},
		{directory.Query{Page: -1, PerPage: 101}, []string{"/page", "/per_page"}},
		{directory.Query{TaxonomyTerms: []string{" "}}, []string{"/taxonomy_terms/0"}},
	}
	for _, tt := range tests {
		_, err := ix.Search(tt.q)
		require.Error(t, err)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, tt.paths, paths(err))
	}
}

func TestIndexPutGetRemove(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	require.Equal(t, 5, ix.Len())

	// Update one service: the old words stop matching, the new ones match.
	s, err := ix.Get(idOf(2))
	require.NoError(t, err)
	s.Name = "Hyde Park Pottery Club"
	s.Extensions.Welcome = directory.WelcomeInvitationOnly
	require.NoError(t, ix.Put(s))
	assert.Equal(t, 5, ix.Len())
	r, err := ix.Search(directory.Query{Text: "gardening"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Headingley Community Garden", "Seacroft Walking Group"}, names(r))
	r, err = ix.Search(directory.Query{Text: "pottery", Welcome: directory.WelcomeInvitationOnly})
	require.NoError(t, err)
	assert.Equal(t, []string{"Hyde Park Pottery Club"}, names(r))

	// The index keeps its own copy.
	s.Name = "Changed after Put"
	got, err := ix.Get(idOf(2))
	require.NoError(t, err)
	assert.Equal(t, "Hyde Park Pottery Club", got.Name)
	got.Name = "Changed after Get"
	again, _ := ix.Get(idOf(2))
	assert.Equal(t, "Hyde Park Pottery Club", again.Name)

	// A bad service changes nothing.
	bad := again
	bad.Name = "Renamed"
	bad.URL = "not a url"
	err = ix.Put(bad)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/url"}, paths(err))
	again, _ = ix.Get(idOf(2))
	assert.Equal(t, "Hyde Park Pottery Club", again.Name)

	// Remove, then add a new one in the freed place.
	require.NoError(t, ix.Remove(idOf(1)))
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(ix.Remove(idOf(1))))
	_, err = ix.Get(idOf(1))
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	r, err = ix.Search(directory.Query{Text: "garden"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Seacroft Walking Group"}, names(r))
	require.NoError(t, ix.Put(svc(6, "Meanwood Garden Share", place(near800m[0], near800m[1]))))
	r, err = ix.Search(directory.Query{Text: "garden", Near: &home, RadiusKm: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"Meanwood Garden Share"}, names(r))
	assert.Equal(t, 5, ix.Len())
}

func TestNewIndexRefusesBadServices(t *testing.T) {
	ss := fixture()
	ss[1].Email = "nobody"
	ss[3].ID = ss[0].ID
	_, err := directory.NewIndex(ss...)
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/1/email", "/3/id"}, paths(err))
}

func TestOfficialExampleIsSearchable(t *testing.T) {
	s, err := directory.DecodeService(readTestdata(t, "examples/service_full.json"))
	require.NoError(t, err)
	ix := mustIndex(t, s)
	r, err := ix.Search(directory.Query{Text: "counselling anxiety", Needs: []socialrx.Need{socialrx.NeedSpecialistMentalHealth}})
	require.NoError(t, err)
	assert.Equal(t, []string{"Community Counselling"}, names(r))
	// Its location lies at latitude 100: kept, but no use for distance.
	r, err = ix.Search(directory.Query{Near: &home, RadiusKm: 50})
	require.NoError(t, err)
	assert.Empty(t, r.Hits)
	// Its accessibility text shows step-free access and a hearing loop.
	r, err = ix.Search(directory.Query{Access: []directory.Access{directory.AccessStepFree, directory.AccessHearingLoop}, Mode: directory.ModeOnline})
	require.NoError(t, err)
	assert.Len(t, r.Hits, 1, "attending_type says it is also remote")
}

func TestPageExportsSearchResults(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	r, err := ix.Search(directory.Query{Text: "garden", PerPage: 2, Page: 2})
	require.NoError(t, err)
	p := ix.Page(r)
	assert.Equal(t, 3, p.TotalItems)
	assert.Equal(t, 2, p.TotalPages)
	assert.Equal(t, 1, p.Size)
	assert.False(t, p.FirstPage)
	assert.True(t, p.LastPage)
	assert.False(t, p.Empty)
	require.Len(t, p.Contents, 1)
	doc, err := directory.EncodeServicePage(p)
	require.NoError(t, err)
	require.NoError(t, officialPage(t).Validate(doc))
	back, skipped, err := directory.DecodeServicePage(doc)
	require.NoError(t, err)
	assert.Empty(t, skipped)
	assert.Equal(t, p.Contents[0].Summary(), back.Contents[0])
}

// TestReadersRunTogether runs searches and matches at the same time; the
// race detector checks that readers share nothing mutable.
func TestReadersRunTogether(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	done := make(chan error, 8)
	for i := 0; i < 4; i++ {
		go func() {
			_, err := ix.Search(directory.Query{Text: "garden", Near: &home, RadiusKm: 3, When: []directory.Slot{{Day: directory.Tuesday}}})
			done <- err
		}()
		go func() {
			_, err := ix.Match(gardener(), now, directory.MatchOptions{Exclusions: true})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		assert.NoError(t, <-done)
	}
}
