package directory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/directory"
)

func extent(kind, geojson string) opt {
	return func(s *directory.Service) {
		s.ServiceAreas = append(s.ServiceAreas, directory.ServiceArea{ID: part(s), Extent: geojson, ExtentType: kind})
	}
}

func inTaxonomy(id, name string) opt {
	return func(s *directory.Service) {
		s.Attributes = append(s.Attributes, directory.Attribute{ID: part(s), TaxonomyTerm: &directory.TaxonomyTerm{ID: idOf(6_000_000 + len(s.Attributes)), Name: "t", Description: "t", TaxonomyID: id, Taxonomy: name}})
	}
}

func runBy(org string) opt { return func(s *directory.Service) { s.OrganizationID = org } }

func modified(at string) opt {
	return func(s *directory.Service) { s.LastModified, _ = time.Parse(time.RFC3339, at) }
}

// The filters of ORUK's list parameters, each on services that differ in
// that one respect.
func TestSearchORUKFilters(t *testing.T) {
	london := `{"type":"Polygon","coordinates":[[[-0.3,51.4],[0.1,51.4],[0.1,51.6],[-0.3,51.6],[-0.3,51.4]]]}`
	// A square around Manchester with a hole around Piccadilly.
	holed := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-2.4,53.4],[-2.1,53.4],[-2.1,53.6],[-2.4,53.6],[-2.4,53.4]],[[-2.25,53.47],[-2.23,53.47],[-2.23,53.49],[-2.25,53.49],[-2.25,53.47]]]}}`
	multi := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[-3,55],[-2,55],[-2,56],[-3,56],[-3,55]]],[[[-2.3,53.4],[-2.2,53.4],[-2.2,53.5],[-2.3,53.5],[-2.3,53.4]]]]}}]}`
	ix, err := directory.NewIndex(
		svc(1, "Open to all"),
		svc(2, "London only", extent("geojson", london)),
		svc(3, "Manchester but Piccadilly", extent("", holed)),
		svc(4, "Edinburgh and Manchester", extent("GeoJSON", multi)),
		svc(5, "Area in words", extent("text", "Southwark")),
		svc(6, "Youth", ages(-1, 25), runs("TU", "10:00", "12:00"), inTaxonomy(idOf(50), "music"), runBy(idOf(60)), modified("2025-01-01T00:00:00Z")),
		svc(7, "Adults", ages(18, 65), runs("TU", "14:00", "16:00"), runs("SA", "09:00", "10:00"), inTaxonomy("", "sport"), runBy(idOf(61))),
		svc(8, "Older", ages(50, -1), runs("MO", "09:00", "17:00"), modified("2024-06-01T10:00:00Z")),
	)
	require.NoError(t, err)
	num := func(f float64) *float64 { return &f }
	piccadilly := directory.Point{Latitude: 53.4808, Longitude: -2.2426}
	salford := directory.Point{Latitude: 53.45, Longitude: -2.28}
	tests := []struct {
		name string
		q    directory.Query
		want []string
	}{
		{"covers, London", directory.Query{Covers: &directory.Point{Latitude: 51.49, Longitude: -0.08}}, []string{"Open to all", "London only", "Area in words", "Youth", "Adults", "Older"}},
		{"covers, a hole", directory.Query{Covers: &piccadilly}, []string{"Open to all", "Edinburgh and Manchester", "Area in words", "Youth", "Adults", "Older"}},
		{"covers, outside the hole", directory.Query{Covers: &salford}, []string{"Open to all", "Manchester but Piccadilly", "Edinburgh and Manchester", "Area in words", "Youth", "Adults", "Older"}},
		{"minimum age at least 18", directory.Query{MinimumAgeFrom: num(18)}, []string{"Adults", "Older"}},
		{"maximum age at most 30", directory.Query{MaximumAgeTo: num(30)}, []string{"Youth"}},
		{"taxonomy by id", directory.Query{Taxonomies: []string{idOf(50)}}, []string{"Youth"}},
		{"taxonomy by name", directory.Query{Taxonomies: []string{"SPORT"}}, []string{"Adults"}},
		{"organization", directory.Query{Organizations: []string{idOf(61)}}, []string{"Adults"}},
		{"day", directory.Query{Session: &directory.Session{Day: directory.Tuesday}}, []string{"Youth", "Adults"}},
		{"opens from", directory.Query{Session: &directory.Session{OpensFrom: "13:00"}}, []string{"Adults"}},
		{"closes by", directory.Query{Session: &directory.Session{ClosesBy: "12:00"}}, []string{"Youth", "Adults"}},
		{"one schedule meets all", directory.Query{Session: &directory.Session{Day: directory.Saturday, OpensFrom: "10:00"}}, nil},
		{"modified since", directory.Query{ModifiedSince: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)}, []string{"Youth"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.PerPage = 100
			res, err := ix.Search(tt.q)
			require.NoError(t, err)
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Name)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}

	_, err = ix.Search(directory.Query{MinimumAgeFrom: num(-1), Taxonomies: []string{" "}, Session: &directory.Session{Day: "someday", ClosesBy: "25:00"}, Covers: &directory.Point{Latitude: 91}})
	assert.Equal(t, []string{"/covers/latitude", "/minimum_age_from", "/session/closes_by", "/session/day", "/taxonomies/0"}, paths(err))
}

func TestNormalizePostcode(t *testing.T) {
	for in, want := range map[string]string{"se1p5zz": "SE1P 5ZZ", " M1  1AD ": "M1 1AD", "EC1A 1BB": "EC1A 1BB", "W1A 0AX": "W1A 0AX", "B33 8TH": "B33 8TH"} {
		got, ok := directory.NormalizePostcode(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "M1", "SE1P", "12345", "SE1P 5Z9", "ABCDE 1AA", "SE1P 5ZZZ"} {
		_, ok := directory.NormalizePostcode(bad)
		assert.False(t, ok, bad)
	}
}

func TestSitesAndDistance(t *testing.T) {
	s := svc(1, "Walks", place(51.5, -0.1), online(), runs("MO", "09:00", "10:00"))
	sites := s.Sites()
	require.Len(t, sites, 2)
	for i, a := range sites {
		assert.Equal(t, s.ID, a.ServiceID)
		assert.Equal(t, s.ServiceAtLocations[i].Location.ID, a.LocationID)
		assert.Empty(t, a.Service.ServiceAtLocations, "the service without its locations")
		assert.NotEmpty(t, a.Service.Schedules)
		assert.Empty(t, a.Summary().Service.Schedules, "the list form has one-to-one fields only")
	}
	assert.InDelta(t, 262, directory.DistanceKm(directory.Point{Latitude: 51.5074, Longitude: -0.1278}, directory.Point{Latitude: 53.4808, Longitude: -2.2426}), 2)
}
