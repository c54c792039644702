package directory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

func TestOfficialExamplesRoundTrip(t *testing.T) {
	tests := []struct {
		example, schema string
		roundTrip       func(t *testing.T, doc []byte) []byte
	}{
		{"service_full.json", "service.json", func(t *testing.T, doc []byte) []byte {
			s, err := directory.DecodeService(doc)
			require.NoError(t, err)
			out, err := directory.EncodeService(s)
			require.NoError(t, err)
			again, err := directory.DecodeService(out)
			require.NoError(t, err)
			assert.Equal(t, s, again)
			return out
		}},
		{"organization_full.json", "organization.json", func(t *testing.T, doc []byte) []byte {
			o, err := directory.DecodeOrganization(doc)
			require.NoError(t, err)
			require.Len(t, o.Services, 1)
			out, err := directory.EncodeOrganization(o)
			require.NoError(t, err)
			return out
		}},
		{"service_list.json", "", func(t *testing.T, doc []byte) []byte {
			p, skipped, err := directory.DecodeServicePage(doc)
			require.NoError(t, err)
			require.Empty(t, skipped)
			require.Len(t, p.Contents, 1)
			out, err := directory.EncodeServicePage(p)
			require.NoError(t, err)
			return out
		}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			doc := readTestdata(t, "examples/"+tt.example)
			out := tt.roundTrip(t, doc)
			// Nothing ORUK defines is lost or changed, and nothing is added.
			assert.JSONEq(t, string(doc), string(out))
			v := officialPage(t)
			if tt.schema != "" {
				v = official(t, tt.schema)
			}
			require.NoError(t, v.Validate(doc), "the official example is valid")
			assert.NoError(t, v.Validate(out), "the export is valid against the official schema")
		})
	}
}

// TestBadInputAgreesWithOfficialSchema breaks the official example one rule
// at a time: every field the official schema refuses, DecodeService refuses
// at the same pointer; the rules ORUK leaves to prose (schedule syntax,
// negative amounts) only we check.
func TestBadInputAgreesWithOfficialSchema(t *testing.T) {
	tests := []struct {
		name string
		edit func(m map[string]any)
		path string
		oruk bool // the official schema refuses it too
	}{
		{"relative url", func(m map[string]any) { m["url"] = "www.example.com/counselling" }, "/url", true},
		{"bad email", func(m map[string]any) { m["email"] = "reception-at-example.com" }, "/email", true},
		{"unknown status", func(m map[string]any) { m["status"] = "closed" }, "/status", true},
		{"missing id", func(m map[string]any) { delete(m, "id") }, "/id", true},
		{"id not a uuid", func(m map[string]any) { obj(m, "contacts", 0)["id"] = "42" }, "/contacts/0/id", true},
		{"missing schedule id", func(m map[string]any) { delete(obj(m, "schedules", 0), "id") }, "/schedules/0/id", true},
		{"unknown freq", func(m map[string]any) { obj(m, "schedules", 0)["freq"] = "DAILY" }, "/schedules/0/freq", true},
		{"bad schedule link", func(m map[string]any) { obj(m, "schedules", 0)["schedule_link"] = "timetable.html" }, "/schedules/0/schedule_link", true},
		{"unknown location type", func(m map[string]any) {
			obj(m, "service_at_locations", 0, "location")["location_type"] = "building"
		}, "/service_at_locations/0/location/location_type", true},
		{"address without city", func(m map[string]any) {
			delete(obj(m, "service_at_locations", 0, "location", "addresses", 0), "city")
		}, "/service_at_locations/0/location/addresses/0/city", true},
		{"bad term uri", func(m map[string]any) { obj(m, "attributes", 0, "taxonomy_term")["term_uri"] = "http://exa mple.com" }, "/attributes/0/taxonomy_term/term_uri", true},
		{"bad organization website", func(m map[string]any) { obj(m, "organization")["website"] = "example" }, "/organization/website", true},
		{"age of wrong type", func(m map[string]any) { m["minimum_age"] = "twelve" }, "/minimum_age", true},
		{"byday not iCalendar", func(m map[string]any) { obj(m, "schedules", 0)["byday"] = "Tuesdays" }, "/schedules/0/byday", false},
		{"nth day in a weekly schedule", func(m map[string]any) { obj(m, "schedules", 0)["byday"] = "1TU" }, "/schedules/0/byday", false},
		{"bymonthday out of range", func(m map[string]any) { obj(m, "schedules", 0)["bymonthday"] = "32" }, "/schedules/0/bymonthday", false},
		{"opens at 25:00", func(m map[string]any) { obj(m, "schedules", 0)["opens_at"] = "25:00" }, "/schedules/0/opens_at", false},
		{"closes before it opens", func(m map[string]any) { obj(m, "schedules", 0)["closes_at"] = "09:00" }, "/schedules/0/closes_at", false},
		{"valid_to before valid_from", func(m map[string]any) { obj(m, "schedules", 0)["valid_to"] = "2004-12-31" }, "/schedules/0/valid_to", false},
		{"date not a date", func(m map[string]any) { obj(m, "schedules", 0)["dtstart"] = "01/01/2005" }, "/schedules/0/dtstart", false},
		{"interval 0", func(m map[string]any) { obj(m, "schedules", 0)["interval"] = 0 }, "/schedules/0/interval", false},
		{"negative amount", func(m map[string]any) { obj(m, "cost_options", 0)["amount"] = -5 }, "/cost_options/0/amount", false},
		{"duplicate id", func(m map[string]any) {
			m["contacts"] = append(m["contacts"].([]any), obj(m, "contacts", 0))
		}, "/contacts/1/id", false},
		{"unknown extension value", func(m map[string]any) {
			m["socialrx"] = map[string]any{"welcome": "sometimes"}
		}, "/socialrx/welcome", false},
	}
	base := readTestdata(t, "examples/service_full.json")
	oruk := official(t, "service.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := edit(t, base, tt.edit)
			_, err := directory.DecodeService(doc)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, []string{tt.path}, paths(err))
			for _, f := range socialrx.ErrorFields(err) {
				assert.NotEmpty(t, f.Rule)
			}
			officialErr := oruk.Validate(doc)
			if tt.oruk {
				assert.Equal(t, paths(officialErr), paths(err), "the official schema and ours agree")
			} else {
				assert.NoError(t, officialErr, "ORUK leaves this rule to prose")
			}
		})
	}

	// These conflict with others: a document has one id, one byday, one closing time.
	skipAllAtOnce := map[string]bool{"missing id": true, "nth day in a weekly schedule": true, "closes before it opens": true}
	t.Run("all at once", func(t *testing.T) {
		doc := edit(t, base, func(m map[string]any) {
			for _, tt := range tests {
				if !skipAllAtOnce[tt.name] {
					tt.edit(m)
				}
			}
		})
		_, err := directory.DecodeService(doc)
		require.Error(t, err)
		var want []string
		for _, tt := range tests {
			if !skipAllAtOnce[tt.name] {
				want = append(want, tt.path)
			}
		}
		assert.ElementsMatch(t, want, paths(err), "every failing field is named")
		for _, p := range paths(oruk.Validate(doc)) {
			assert.Contains(t, paths(err), p)
		}
	})
}

func TestDecodeServicePageSkipsBadServices(t *testing.T) {
	good := readTestdata(t, "examples/service_full.json")
	badEmail := edit(t, good, func(m map[string]any) {
		m["id"] = idOf(2)
		m["email"] = "nobody"
		obj(m, "schedules", 0)["byday"] = "Mondays"
	})
	second := edit(t, good, func(m map[string]any) { m["id"] = idOf(3); m["name"] = "Second" })
	doc := []byte(`{"total_items": 5, "total_pages": 1, "page_number": 1, "size": 5, "first_page": true, "last_page": true, "empty": false,
		"contents": [` + string(good) + `, ` + string(badEmail) + `, "not a service", ` + string(good) + `, ` + string(second) + `]}`)
	page, skipped, err := directory.DecodeServicePage(doc)
	require.NoError(t, err)
	require.Len(t, page.Contents, 2)
	assert.Equal(t, "ac148810-d857-441c-9679-408f346de14b", page.Contents[0].ID)
	assert.Equal(t, "Second", page.Contents[1].Name)
	assert.Equal(t, 5, page.TotalItems, "the envelope is kept as given")
	require.Len(t, skipped, 3)
	assert.Equal(t, 1, skipped[0].Index)
	assert.Equal(t, idOf(2), skipped[0].ID)
	assert.Equal(t, "Community Counselling", skipped[0].Name)
	assert.Equal(t, []string{"/contents/1/email", "/contents/1/schedules/0/byday"}, paths(socialrx.Invalid(skipped[0].Fields...)))
	assert.Equal(t, 2, skipped[1].Index)
	assert.Equal(t, "/contents/2", skipped[1].Fields[0].Path)
	assert.Equal(t, 3, skipped[2].Index)
	assert.Contains(t, skipped[2].Error(), "duplicate id")
	assert.Equal(t, "/contents/3/id", skipped[2].Fields[0].Path)
}

func TestDecodeServicePageRefusesBadEnvelope(t *testing.T) {
	tests := []struct {
		doc   string
		paths []string
	}{
		{`{"contents": [`, []string{""}},
		{`[]`, []string{""}},
		{`null`, []string{""}},
		{`{"total_items": "ten", "size": -1, "first_page": "yes", "contents": {}}`, []string{"/contents", "/first_page", "/size", "/total_items"}},
	}
	for _, tt := range tests {
		_, _, err := directory.DecodeServicePage([]byte(tt.doc))
		require.Error(t, err, tt.doc)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, tt.paths, paths(err), tt.doc)
	}
	page, skipped, err := directory.DecodeServicePage([]byte(`{"empty": true}`))
	require.NoError(t, err)
	assert.Empty(t, skipped)
	assert.Empty(t, page.Contents)
	assert.True(t, page.Empty)
}

func TestDecodeOrganizationRefusesABadService(t *testing.T) {
	doc := edit(t, readTestdata(t, "examples/organization_full.json"), func(m map[string]any) {
		m["website"] = "example"
		obj(m, "services", 0)["status"] = "open"
		delete(obj(m, "services", 0, "cost_options", 0), "id")
	})
	_, err := directory.DecodeOrganization(doc)
	require.Error(t, err)
	assert.Equal(t, []string{"/services/0/cost_options/0/id", "/services/0/status", "/website"}, paths(err))
	assert.Equal(t, paths(official(t, "organization.json").Validate(doc)), paths(err), "the official schema agrees")
}

func TestDecodeMalformed(t *testing.T) {
	for _, doc := range []string{``, `{`, `[1]`, `"x"`, `{"id": 1}x`} {
		_, err := directory.DecodeService([]byte(doc))
		require.Error(t, err, doc)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, []string{""}, paths(err), doc)
	}
}

// full is a service using every extension.
func full() directory.Service {
	s := svc(1, "Headingley Community Garden", desc("Grow vegetables with neighbours."), place(near800m[0], near800m[1], "Step-free paths"),
		free(), runs("TU", "10:00", "12:00"), welcome(directory.WelcomeOpen), term("Gardening"), space(4, now), checked("2026-02-17"),
		lang("pl", "Polish"), complexNeeds(true, 2), rated(5), ways(directory.WayTakeNotice), needs(socialrx.NeedLoneliness),
		contact("Ann", "0113 496 0000"), org("Headingley Trust"))
	s.Extensions.NextSteps = []directory.NextStep{{ServiceID: idOf(2), Note: "after a month"}}
	s.Extensions.Notes = []directory.Note{{By: "Sam", At: now, Text: "Ask for Ann at the gate."}}
	s.Extensions.Capacity.Maximum = 12
	s.Extensions.Capacity.Unit = "plots"
	return s
}

func TestExtensionsRoundTrip(t *testing.T) {
	s := full()
	doc, err := directory.EncodeService(s)
	require.NoError(t, err)
	require.NoError(t, official(t, "service.json").Validate(doc), "extensions do not break ORUK")
	require.NoError(t, directory.Validate(doc), "nor our own schema")
	back, err := directory.DecodeService(doc)
	require.NoError(t, err)
	assert.Equal(t, s, back)
	assert.Contains(t, string(doc), `"socialrx":{"welcome":"open","complex_needs":{"welcomed":true,"at_once":2}`)
}

func TestValidateIsStrictDecodeIsNot(t *testing.T) {
	doc := edit(t, readTestdata(t, "examples/service_full.json"), func(m map[string]any) {
		m["x_council_ref"] = "LCC-42"
		obj(m, "organization")["charity_number"] = "123"
	})
	err := directory.Validate(doc)
	require.Error(t, err)
	assert.Equal(t, []string{"/organization/charity_number", "/x_council_ref"}, paths(err))
	_, err = directory.DecodeService(doc)
	assert.NoError(t, err, "ORUK allows members it does not define; import ignores them")
}

func TestEncodeRefusesBadServices(t *testing.T) {
	s := full()
	s.ID = "42"
	s.Extensions.Ratings[0].Stars = 6
	s.Schedules[0].ClosesAt = "09:00"
	_, err := directory.EncodeService(s)
	require.Error(t, err)
	assert.Equal(t, []string{"/id", "/schedules/0/closes_at", "/socialrx/ratings/0/stars"}, paths(err))

	_, err = directory.EncodeServicePage(directory.ServicePage{Size: -1, Contents: []directory.Service{full(), s}})
	require.Error(t, err)
	assert.Equal(t, []string{"/contents/1/id", "/contents/1/schedules/0/closes_at", "/contents/1/socialrx/ratings/0/stars", "/size"}, paths(err))

	o := directory.OrganizationFull{Organization: directory.Organization{ID: idOf(9), Name: " ", Description: ""}, Services: []directory.Service{s}}
	_, err = directory.EncodeOrganization(o)
	require.Error(t, err)
	assert.Equal(t, []string{"/name", "/services/0/id", "/services/0/schedules/0/closes_at", "/services/0/socialrx/ratings/0/stars"}, paths(err))
}

func TestTimesAreUTC(t *testing.T) {
	doc := edit(t, readTestdata(t, "examples/service_full.json"), func(m map[string]any) {
		m["last_modified"] = "2023-03-15T11:30:45+01:00"
	})
	s, err := directory.DecodeService(doc)
	require.NoError(t, err)
	assert.Equal(t, "2023-03-15T10:30:45Z", s.LastModified.Format(time.RFC3339))
	s.LastModified = s.LastModified.In(time.FixedZone("BST", 3600))
	out, err := directory.EncodeService(s)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"last_modified":"2023-03-15T10:30:45Z"`)
}
