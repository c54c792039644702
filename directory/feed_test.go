package directory_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sj "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

func readV1(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oruk1", name))
	require.NoError(t, err)
	return b
}

// v1Schema compiles a published ORUK 1.0 schema (draft-07) as 1.0 reads
// formats: as annotations (its reference implementation writes times as
// HH:mm, which format "time" would refuse).
func v1Schema(t testing.TB, name string) *sj.Schema {
	t.Helper()
	doc, err := sj.UnmarshalJSON(bytes.NewReader(readV1(t, "schema/"+name)))
	require.NoError(t, err)
	var annotate func(any)
	annotate = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["format"].(string); ok {
				delete(x, "format")
			}
			for _, y := range x {
				annotate(y)
			}
		case []any:
			for _, y := range x {
				annotate(y)
			}
		}
	}
	annotate(doc)
	c := sj.NewCompiler()
	require.NoError(t, c.AddResource("https://openreferraluk.org/1.0/"+name, doc))
	s, err := c.Compile("https://openreferraluk.org/1.0/" + name)
	require.NoError(t, err)
	return s
}

func fieldsOf(fs []socialrx.FieldError) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		out[f.Path] = f.Rule
	}
	return out
}

// The example feed pages are ORUK 1.0 documents: each service validates
// against the published 1.0 service schema, each location against the
// location schema, each envelope against the 1.0 page.
func TestV1ExamplesAreV1(t *testing.T) {
	service, location, page := v1Schema(t, "service.schema.verbose.json"), v1Schema(t, "location.schema.verbose.json"), v1Schema(t, "page.json")
	for _, name := range []string{"services_page1.json", "services_page2.json"} {
		inst, err := sj.UnmarshalJSON(bytes.NewReader(readV1(t, "examples/"+name)))
		require.NoError(t, err)
		require.NoError(t, page.Validate(inst), name)
		for i, s := range inst.(map[string]any)["content"].([]any) {
			require.NoError(t, service.Validate(s), "%s: content/%d", name, i)
			sals, _ := s.(map[string]any)["service_at_locations"].([]any)
			for _, sal := range sals {
				require.NoError(t, location.Validate(sal.(map[string]any)["location"]), name)
			}
		}
	}
}

// A page of an ORUK 1.0 feed imports as ORUK 3.0: the 1.0 names are
// mapped, ids that are not UUIDs become stable UUIDs, and what 3.0 has no
// place for is reported at its pointer in the page as given.
func TestDecodeFeedConvertsORUK1(t *testing.T) {
	f, err := directory.DecodeFeed(readV1(t, "examples/services_page1.json"), "")
	require.NoError(t, err)
	assert.Equal(t, directory.KindServiceList, f.Kind)
	assert.Equal(t, directory.Version1, f.Version)
	assert.Empty(t, f.Skipped)
	assert.Empty(t, f.EnvelopeProblems, "the example's envelope agrees with its contents")
	require.Len(t, f.Services, 2)
	assert.Equal(t, 3, *f.Envelope.TotalItems)
	assert.Equal(t, 2, *f.Envelope.TotalPages)
	assert.Equal(t, 1, *f.Envelope.PageNumber)

	walk := f.Services[0]
	assert.Equal(t, "Tuesday Walking Group", walk.Name)
	assert.Len(t, walk.ID, 36, "1201 becomes a UUID")
	again, err := directory.DecodeFeed(readV1(t, "examples/services_page1.json"), "")
	require.NoError(t, err)
	assert.Equal(t, walk.ID, again.Services[0].ID, "the same on every import, so a second import updates the first")
	assert.Equal(t, "a3b0c9c4-5c3e-4c35-9b44-2f0e6a7d8e11", walk.OrganizationID)
	require.NotNil(t, walk.Organization)
	assert.Equal(t, "https://kingsweston-ca.example.org", walk.Organization.Website, "1.0's url is 3.0's website")
	assert.Equal(t, "2019-05-23", walk.AssuredDate.String(), "dd/MM/yyyy HH:mm:ss, as the reference implementation writes it")
	require.NotNil(t, walk.MinimumAge)
	assert.Equal(t, 18.0, *walk.MinimumAge)
	require.Len(t, walk.Schedules, 1)
	sch := walk.Schedules[0]
	assert.Equal(t, directory.FreqWeekly, sch.Freq)
	assert.Equal(t, "TU", sch.ByDay)
	assert.Equal(t, "10:00", sch.OpensAt)
	assert.Equal(t, walk.ServiceAtLocations[0].ID, sch.ServiceAtLocationID)
	require.Len(t, walk.ServiceAtLocations, 1)
	loc := walk.ServiceAtLocations[0].Location
	require.NotNil(t, loc)
	assert.Equal(t, directory.LocationPhysical, loc.LocationType)
	require.Len(t, loc.Addresses, 1)
	assert.Equal(t, "BS11 0JS", loc.Addresses[0].PostalCode)
	assert.Equal(t, "GB", loc.Addresses[0].Country)
	require.Len(t, loc.Accessibility, 1)
	assert.Contains(t, loc.Accessibility[0].Description, "Step-free")
	require.Len(t, walk.Contacts, 1)
	assert.Equal(t, "0117 496 0123", walk.Contacts[0].Phones[0].Number)
	assert.Equal(t, "English", walk.Languages[0].Name)
	assert.Equal(t, "Bristol", walk.ServiceAreas[0].Name)
	assert.Equal(t, "Bristol City Council community grant", walk.Funding[0].Source)
	require.Len(t, walk.Attributes, 2)
	tt := walk.Attributes[0].TaxonomyTerm
	require.NotNil(t, tt)
	assert.Equal(t, "bccsource:Walking", tt.Term, "the 1.0 taxonomy id is kept as the term's code")
	assert.Equal(t, "BCC Source", tt.Taxonomy)
	assert.NotEmpty(t, walk.Attributes[1].TaxonomyTerm.ParentID)

	lunch := f.Services[1]
	assert.Equal(t, "0d7c5a0e-6c55-4d7e-9a55-58e1f0c2b901", lunch.ID, "a UUID stays as it is")
	assert.Equal(t, 55.0, *lunch.MinimumAge, "the widest of the eligibility ranges")
	assert.Equal(t, 110.0, *lunch.MaximumAge)
	assert.Equal(t, "12:00", lunch.Schedules[0].OpensAt)

	notes := fieldsOf(f.Conversion)
	for ptr, want := range map[string]string{
		"/content/0/id":                           "not a UUID",
		"/content/0/deliverable_type":             "ORUK 3.0 has no deliverable type",
		"/content/0/attending_type":               "not carried",
		"/content/0/attending_access":             "not carried",
		"/content/0/eligibilitys/0/eligibility":   "no eligibility category",
		"/content/0/service_areas/0/extent":       "extent's format",
		"/content/0/contacts/0/phones/0/language": "not carried",
		"/content/1/holiday_schedules":            "no closures",
		"/content/1/eligibilitys":                 "2 eligibility entries are carried as one age range, from 55 to 110",
		"/content/1/regular_schedules/0/opens_at": `the time zone "Z" is not carried`,
	} {
		assert.Contains(t, notes[ptr], want, ptr)
	}
	for ptr := range notes {
		assert.True(t, strings.HasPrefix(ptr, "/content/"), "%s points into the page as given", ptr)
	}

	// What it imported is good ORUK 3.0.
	oruk := official(t, "service.json")
	for _, s := range f.Services {
		out, err := directory.EncodeService(s)
		require.NoError(t, err)
		require.NoError(t, oruk.Validate(out), "%s", out)
	}
}

// Forms some 1.x feeds use beyond the schema: numeric ids, a weekday as a
// day name, times as timestamps, dates in milliseconds, numbers as text.
func TestDecodeFeedReadsV1Variants(t *testing.T) {
	f, err := directory.DecodeFeed(readV1(t, "examples/variants.json"), directory.KindService)
	require.NoError(t, err)
	assert.Equal(t, directory.Version1, f.Version)
	require.Len(t, f.Services, 1)
	s := f.Services[0]
	assert.Equal(t, "2019-11-02", s.AssuredDate.String())
	assert.Equal(t, 16.0, *s.MinimumAge)
	require.Len(t, s.Schedules, 2)
	assert.Equal(t, "FR", s.Schedules[0].ByDay)
	assert.Equal(t, directory.FreqWeekly, s.Schedules[0].Freq)
	assert.Equal(t, "14:00:00", s.Schedules[0].OpensAt)
	assert.Equal(t, 1, s.Schedules[0].Interval)
	assert.Equal(t, "2019-09-01", s.Schedules[0].ValidFrom.String())
	assert.Empty(t, s.Schedules[1].ByDay)
	require.Len(t, s.Attributes, 1)
	assert.NotEmpty(t, s.Attributes[0].TaxonomyTerm.ParentID)

	notes := fieldsOf(f.Conversion)
	assert.Contains(t, notes["/regular_schedules/1/weekday"], "read as Monday 1 by some 1.x feeds and Sunday 1 by others")
	assert.Contains(t, notes["/service_taxonomies/1"], "without a taxonomy")
	assert.Contains(t, notes["/colour"], "not a field of ORUK 1.0")
	assert.Contains(t, notes["/organization/reviews"], "no reviews")
	assert.Contains(t, notes["/id"], `"42" is not a UUID`)
}

// Problems the 3.0 checks find in a converted 1.x service are reported at
// the 1.x pointers: where the feed's author can find them.
func TestDecodeFeedReportsV1ProblemsAtV1Pointers(t *testing.T) {
	var page map[string]any
	require.NoError(t, json.Unmarshal(readV1(t, "examples/services_page1.json"), &page))
	bad := page["content"].([]any)[1].(map[string]any)
	bad["email"] = "nobody"
	bad["name"] = 7
	rs := bad["regular_schedules"].([]any)[0].(map[string]any)
	rs["byday"] = "Thursdays"
	addr := obj(bad, "service_at_locations", 0, "location", "physical_addresses", 0)
	addr["postal_code"] = strings.Repeat("X", 40)
	obj(bad, "organization")["url"] = "not a url"
	doc, err := json.Marshal(page)
	require.NoError(t, err)

	f, err := directory.DecodeFeed(doc, directory.KindServiceList)
	require.NoError(t, err)
	require.Len(t, f.Services, 1)
	require.Len(t, f.Skipped, 1)
	assert.Equal(t, 1, f.Skipped[0].Index)
	assert.Equal(t, []string{
		"/content/1/email",
		"/content/1/name",
		"/content/1/organization/url",
		"/content/1/regular_schedules/0/byday",
		"/content/1/service_at_locations/0/location/physical_addresses/0/postal_code",
	}, paths(socialrx.Invalid(f.Skipped[0].Fields...)))
	assert.Contains(t, fieldsOf(f.Skipped[0].Fields)["/content/1/name"], "must be a string, not a number")
}

// A page's envelope is checked against its contents as the Open Referral
// UK validator checks pages, in each version's names.
func TestDecodeFeedChecksTheEnvelope(t *testing.T) {
	svc := `{"id":"00000000-0000-4000-8000-000000000001","name":"x","status":"active"}`
	two := svc + `,` + strings.Replace(svc, "001", "002", 1)
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"consistent first page", `{"total_items":5,"total_pages":3,"page_number":1,"size":2,"first_page":true,"last_page":false,"empty":false,"contents":[` + two + `]}`, nil},
		{"consistent last page", `{"total_items":5,"total_pages":3,"page_number":3,"size":1,"first_page":false,"last_page":true,"empty":false,"contents":[` + svc + `]}`, nil},
		{"consistent empty list", `{"total_items":0,"total_pages":0,"page_number":1,"size":0,"first_page":true,"last_page":true,"empty":true,"contents":[]}`, nil},
		{"whole numbers however written", `{"total_items":5.0,"total_pages":3e0,"page_number":1,"size":2,"contents":[` + two + `]}`, nil},
		{"nothing to check against", `{"contents":[` + two + `]}`, nil},
		{"size and empty disagree with the contents", `{"size":3,"empty":true,"contents":[` + two + `]}`, []string{"/empty", "/size"}},
		{"total_items below the page", `{"total_items":1,"contents":[` + two + `]}`, []string{"/total_items"}},
		{"flags disagree with the page number", `{"total_pages":3,"page_number":2,"first_page":true,"last_page":true,"contents":[` + two + `]}`, []string{"/first_page", "/last_page"}},
		{"page past the end", `{"total_items":2,"total_pages":1,"page_number":4,"contents":[]}`, []string{"/page_number"}},
		{"total_pages disagrees with total_items", `{"total_items":9,"total_pages":2,"page_number":1,"last_page":false,"contents":[` + two + `]}`, []string{"/total_pages"}},
		{"pages numbered from 0", `{"page_number":0,"contents":[]}`, []string{"/page_number"}},
		{"1.x names", `{"totalElements":1,"totalPages":1,"number":1,"size":2,"first":false,"last":true,"content":[]}`, []string{"/first", "/size"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := directory.DecodeFeed([]byte(tc.doc), directory.KindServiceList)
			require.NoError(t, err)
			assert.Equal(t, tc.want, paths(socialrx.Invalid(f.EnvelopeProblems...)))
		})
	}
}

// Whatever the document, an error names its pointer and says the rule in
// JSON's words, never a Go type's name.
func TestDecodeFeedErrorsNameNoGoType(t *testing.T) {
	for doc, want := range map[string]string{ // want: a pointer among the errors
		`[]`:                             "",
		`"text"`:                         "",
		`null`:                           "",
		`{"contents":`:                   "",
		`{"contents":{}}`:                "/contents",
		`{"contents":[],"size":"2"}`:     "/size",
		`{"contents":[],"empty":1}`:      "/empty",
		`{"id":5,"name":[],"status":{}}`: "/id",
		`{"services":"many"}`:            "/services",
	} {
		_, err := directory.DecodeFeed([]byte(doc), "")
		require.Error(t, err, doc)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), doc)
		fs := socialrx.ErrorFields(err)
		require.NotEmpty(t, fs, doc)
		assert.Contains(t, paths(err), want, doc)
		for _, f := range fs {
			assert.NotRegexp(t, `Go value|map\[|\[\]|json\.|directory\.|interface|struct`, f.Rule, "%s: %s", doc, f.Rule)
		}
	}
	_, err := directory.DecodeFeed([]byte(`{"id":"00000000-0000-4000-8000-000000000001","name":"x","status":"active"}`), directory.KindServiceList)
	assert.ErrorContains(t, err, "must be an ORUK service list")
}
