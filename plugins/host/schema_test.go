package host_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

func TestRequestSchemasFresh(t *testing.T) {
	requests := map[string][]byte{}
	for name, b := range host.Schemas() {
		if _, ok := host.RequestTypes()[name]; ok {
			requests[name] = b
		}
	}
	schema.CheckPublished(t, "schemas", requests, host.RequestTypes())
}

func TestEverySchemaCompiles(t *testing.T) {
	for name, b := range host.Schemas() {
		_, err := schema.Compile(name, b)
		require.NoError(t, err, name)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m), name)
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", m["$schema"], name)
	}
}

// TestEverySchemaIsBounded fails on any published schema that admits a
// value of unbounded size: a string without maxLength, an array without
// maxItems, a number without a minimum and a maximum, an open object
// without maxProperties, a subschema without a type. Each is a way for one
// request to store more than a careful service would keep.
func TestEverySchemaIsBounded(t *testing.T) {
	// The one exception is no input: the data of a message the host itself
	// publishes is the event's own document (bounded by that document's
	// schema), and the NATS messenger refuses a body larger than the
	// server's max_payload.
	outbound := map[string]bool{"nats_payload.schema.json#/properties/data: admits any value (no type)": true}
	all := host.Schemas()
	require.NotEmpty(t, all)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		holes, err := schema.Unbounded(all[name])
		require.NoError(t, err, name)
		for _, h := range holes {
			if hole := name + ".schema.json#" + h; !outbound[hole] {
				t.Error(hole)
			}
		}
	}
}

// TestWhatARequestMayHoldItsRecordMayKeep checks that each text and number
// a request body carries into a stored aggregate is bounded no more loosely
// in the request than in the aggregate: a request the API accepts must
// never make a record its own schema refuses.
func TestWhatARequestMayHoldItsRecordMayKeep(t *testing.T) {
	all := host.Schemas()
	at := func(name, ptr string) map[string]any {
		t.Helper()
		var v any
		require.NoError(t, json.Unmarshal(all[name], &v), name)
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			m, ok := v.(map[string]any)
			require.True(t, ok, "%s#%s", name, ptr)
			v, ok = m[tok]
			require.True(t, ok, "%s#%s has no %q", name, ptr, tok)
		}
		m, ok := v.(map[string]any)
		require.True(t, ok, "%s#%s", name, ptr)
		return m
	}
	num := func(m map[string]any, kw string) float64 {
		t.Helper()
		f, ok := m[kw].(float64)
		require.True(t, ok, "no %s in %v", kw, m)
		return f
	}
	for _, c := range []struct {
		req, reqPtr, rec, recPtr string
		slack                    float64 // what the record adds to the text, such as a reason code
	}{
		{"status_change", "/properties/note", "referral", "/$defs/Event/properties/note", 0},
		{"consent_change", "/properties/note", "referral", "/$defs/Consent/properties/withdrawal_note", 0},
		{"signpost_request", "/properties/service_id", "referral", "/$defs/Signpost/properties/service_id", 0},
		{"signpost_request", "/properties/service_id", "referral", "/$defs/Event/properties/note", 0},
		{"signpost_request", "/properties/note", "referral", "/$defs/Signpost/properties/note", 0},
		{"check_in_request", "/properties/note", "referral", "/$defs/CheckIn/properties/note", 0},
		{"onward_request", "/properties/service_id", "onward_referral", "/properties/service_id", 0},
		{"onward_request", "/properties/partner", "onward_referral", "/properties/partner", 0},
		{"onward_request", "/properties/note", "onward_referral", "/$defs/PartnerView/properties/note", 0},
		{"onward_request", "/properties/note", "onward_referral", "/$defs/TaskEvent/properties/note", 0},
		{"task_change", "/properties/note", "onward_referral", "/$defs/TaskEvent/properties/note", 0},
		{"attendance_request", "/properties/note", "onward_referral", "/$defs/Attendance/properties/note", 0},
		{"feedback_request", "/properties/text", "onward_referral", "/$defs/Feedback/properties/text", 0},
		{"goal_request", "/properties/text", "plan", "/$defs/Goal/properties/text", 0},
		{"plan_status_change", "/properties/note", "plan", "/$defs/Pause/properties/note", 0},
		{"plan_status_change", "/properties/note", "plan", "/$defs/StatusChange/properties/why", 20},
		{"extension_request", "/properties/reason", "plan", "/$defs/Extension/properties/reason", 0},
		{"measurement_request", "/properties/instrument", "measurement", "/properties/instrument", 0},
		{"measurement_request", "/properties/instrument_version", "measurement", "/properties/instrument_version", 0},
		{"measurement_request", "/$defs/Answer/properties/item", "measurement", "/$defs/Answer/properties/item", 0},
		{"measurement_request", "/$defs/Answer/properties/words", "measurement", "/$defs/Answer/properties/words", 0},
	} {
		req, rec := at(c.req, c.reqPtr), at(c.rec, c.recPtr)
		assert.LessOrEqual(t, num(req, "maxLength")+c.slack, num(rec, "maxLength"),
			"%s#%s holds more than %s#%s keeps", c.req, c.reqPtr, c.rec, c.recPtr)
	}
	ext, kept := at("extension_request", "/properties/contacts"), at("plan", "/$defs/Extension/properties/contacts")
	assert.LessOrEqual(t, num(ext, "maximum"), num(kept, "maximum"))
	assert.GreaterOrEqual(t, num(ext, "minimum"), num(kept, "minimum"))
}
