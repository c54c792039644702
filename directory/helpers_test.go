package directory_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
)

// readTestdata returns a file under testdata/oruk.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oruk", name))
	require.NoError(t, err)
	return b
}

// official compiles one of the official ORUK compiled schemas.
func official(t testing.TB, name string) *schema.Validator {
	t.Helper()
	v, err := schema.Compile("https://openreferral.org/oruk/"+name, readTestdata(t, "schema/"+name))
	require.NoError(t, err)
	return v
}

// officialPage compiles the service_list paging envelope: the Page schema of
// the official openapi.json with contents items of the compiled service_list.json.
func officialPage(t testing.TB) *schema.Validator {
	t.Helper()
	var api struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(readTestdata(t, "schema/openapi.json"), &api))
	page, ok := api.Components.Schemas["Page"]
	require.True(t, ok)
	doc, err := json.Marshal(map[string]any{
		"allOf": []json.RawMessage{page},
		"properties": map[string]any{
			"contents": map[string]any{"type": "array", "items": json.RawMessage(readTestdata(t, "schema/service_list.json"))},
		},
	})
	require.NoError(t, err)
	v, err := schema.Compile("https://openreferral.org/oruk/service_list_page.json", doc)
	require.NoError(t, err)
	return v
}

// paths lists the JSON pointers an error names.
func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

// edit decodes a JSON document, applies f to it and encodes it again.
func edit(t testing.TB, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	f(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// obj and arr walk a decoded document.
func obj(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}

// idOf makes a fixed UUID from a number, so fixtures read easily.
func idOf(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// opt changes a fixture service.
type opt func(s *directory.Service)

// svc builds an active service numbered n; ids of its parts derive from n.
func svc(n int, name string, opts ...opt) directory.Service {
	s := directory.Service{ID: idOf(n), Name: name, Status: directory.StatusActive}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// part numbers the parts of a fixture service.
func part(s *directory.Service) string {
	var n int
	fmt.Sscanf(s.ID[24:], "%d", &n)
	parts := len(s.Schedules) + len(s.ServiceAtLocations) + len(s.CostOptions) + len(s.Attributes) + len(s.Languages) + len(s.Contacts)
	return idOf(n*100 + 1_000_000 + parts)
}

func desc(text string) opt { return func(s *directory.Service) { s.Description = text } }

func status(st directory.Status) opt { return func(s *directory.Service) { s.Status = st } }

func place(lat, lon float64, accessibility ...string) opt {
	return func(s *directory.Service) {
		loc := &directory.Location{ID: part(s), LocationType: directory.LocationPhysical, Latitude: &lat, Longitude: &lon}
		for i, a := range accessibility {
			loc.Accessibility = append(loc.Accessibility, directory.Accessibility{ID: idOf(9_000_000 + len(s.ServiceAtLocations)*10 + i), Description: a})
		}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: part(s), Location: loc})
	}
}

func postcode(pc string) opt {
	return func(s *directory.Service) {
		loc := &directory.Location{ID: part(s), LocationType: directory.LocationPhysical}
		loc.Addresses = []directory.Address{{ID: idOf(8_000_000 + len(s.ServiceAtLocations)), Address1: "1 High Street", City: "Leeds",
			StateProvince: "West Yorkshire", PostalCode: pc, Country: "GB", AddressType: directory.LocationPhysical}}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: part(s), Location: loc})
	}
}

func area(name string) opt {
	return func(s *directory.Service) {
		s.ServiceAreas = append(s.ServiceAreas, directory.ServiceArea{ID: part(s), Name: name})
	}
}

func online() opt {
	return func(s *directory.Service) {
		loc := &directory.Location{ID: part(s), LocationType: directory.LocationVirtual}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: part(s), Location: loc})
	}
}

func costs(amount float64, what string) opt {
	return func(s *directory.Service) {
		s.CostOptions = append(s.CostOptions, directory.CostOption{ID: part(s), Amount: &amount, AmountDescription: what})
	}
}

func free() opt { return costs(0, "") }

func runs(byday, opens, closes string) opt {
	return func(s *directory.Service) {
		freq := directory.FreqWeekly
		if strings.ContainsAny(byday, "0123456789") {
			freq = directory.FreqMonthly
		}
		s.Schedules = append(s.Schedules, directory.Schedule{ID: part(s), Freq: freq, ByDay: byday, OpensAt: opens, ClosesAt: closes})
	}
}

func term(label string) opt {
	return func(s *directory.Service) {
		id := part(s)
		s.Attributes = append(s.Attributes, directory.Attribute{ID: id, TaxonomyTerm: &directory.TaxonomyTerm{ID: idOf(7_000_000 + len(label)), Name: label, Description: label}})
	}
}

func lang(code, name string) opt {
	return func(s *directory.Service) {
		s.Languages = append(s.Languages, directory.Language{ID: part(s), Code: code, Name: name})
	}
}

func ages(lo, hi float64) opt {
	return func(s *directory.Service) {
		if lo >= 0 {
			s.MinimumAge = &lo
		}
		if hi >= 0 {
			s.MaximumAge = &hi
		}
	}
}

func needs(ns ...socialrx.Need) opt {
	return func(s *directory.Service) { s.Extensions.Needs = append(s.Extensions.Needs, ns...) }
}

func welcome(w directory.Welcome) opt { return func(s *directory.Service) { s.Extensions.Welcome = w } }

func space(available int, updated time.Time) opt {
	return func(s *directory.Service) {
		s.Extensions.Capacity = &directory.Capacity{Available: available, Updated: updated}
	}
}

func complexNeeds(ok bool, atOnce int) opt {
	return func(s *directory.Service) {
		s.Extensions.ComplexNeeds = &directory.ComplexNeeds{Welcomed: ok, AtOnce: atOnce}
	}
}

func checked(date string) opt {
	return func(s *directory.Service) {
		s.Extensions.LastVerified = &directory.Verification{Date: socialrx.MustParseDate(date), By: "Priya"}
	}
}

func rated(stars ...int) opt {
	return func(s *directory.Service) {
		for _, st := range stars {
			s.Extensions.Ratings = append(s.Extensions.Ratings, directory.Rating{By: "Sam", At: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), Stars: st})
		}
	}
}

func ways(ws ...directory.Way) opt {
	return func(s *directory.Service) { s.Extensions.WaysToWellbeing = append(s.Extensions.WaysToWellbeing, ws...) }
}

func org(name string) opt {
	return func(s *directory.Service) {
		s.Organization = &directory.Organization{ID: idOf(6_000_000), Name: name, Description: "A charity", Email: "hello@example.org"}
	}
}

func contact(name, phone string) opt {
	return func(s *directory.Service) {
		c := directory.Contact{ID: part(s), Name: name}
		c.Phones = []directory.Phone{{ID: idOf(5_000_000 + len(s.Contacts)), Number: phone}}
		s.Contacts = append(s.Contacts, c)
	}
}

// mustIndex indexes services or fails the test.
func mustIndex(t testing.TB, ss ...directory.Service) *directory.Index {
	t.Helper()
	ix, err := directory.NewIndex(ss...)
	require.NoError(t, err)
	return ix
}

// names lists the names of search hits.
func names(r directory.SearchResult) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.Name)
	}
	return out
}
