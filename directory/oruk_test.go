package directory_test

import (
	"testing"

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
