package referral_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/referral"
)

// TestSchemasFresh: every published schema is the one reflected from the Go
// types now, the binary embeds the committed file, and Schemas publishes
// exactly these names.
func TestSchemasFresh(t *testing.T) {
	schema.CheckPublished(t, ".", referral.Schemas(), map[string]any{
		"referral":        referral.Referral{},
		"onward_referral": referral.OnwardReferral{},
		"partner_view":    referral.PartnerView{},
	})
}

func TestSchemasAreCopies(t *testing.T) {
	referral.Schemas()["referral"][0] = 'x'
	assert.Equal(t, byte('{'), referral.Schemas()["referral"][0])
}

func TestValidateAs(t *testing.T) {
	good, err := os.ReadFile("testdata/referral_valid.json")
	require.NoError(t, err)
	bad, err := os.ReadFile("testdata/referral_five_errors.json")
	require.NoError(t, err)
	o, _ := onward(t)
	tests := []struct {
		name      string
		good, bad []byte
	}{
		{"referral", good, bad},
		{"onward_referral", mustJSON(t, o), good},
		{"partner_view", mustJSON(t, o.View), good},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, referral.ValidateAs(tc.name, tc.good, time.Time{}))
			err := referral.ValidateAs(tc.name, tc.bad, time.Time{})
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.NotEmpty(t, socialrx.ErrorFields(err))
		})
	}

	// The referral check is more than the schema: a bad NHS check digit.
	err = referral.ValidateAs("referral", []byte(strings.Replace(string(good), "9434765919", "9434765918", 1)), time.Time{})
	assert.Equal(t, []string{"/person/nhs_number"}, fieldPaths(err))

	err = referral.ValidateAs("referral.schema.json", good, time.Time{})
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	assert.ErrorContains(t, err, "onward_referral, partner_view, referral")
}

func fieldPaths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

func TestSchemaDescribesEnumsFormatsAndSensitivity(t *testing.T) {
	s := string(referral.Schemas()["referral"])
	for _, want := range []string{`"format": "date"`, `"format": "date-time"`, `"format": "email"`, `"format": "uuid"`,
		`"practice_staff"`, `"loneliness_isolation"`, `"x-sensitive": true`, `"additionalProperties": false`,
		`"declined_by_person"`, `NHSNumber is ten digits`} {
		assert.Contains(t, s, want)
	}
}

func TestValidDocumentValidates(t *testing.T) {
	doc, err := os.ReadFile("testdata/referral_valid.json")
	require.NoError(t, err)
	require.NoError(t, referral.Validate(doc))
}

func TestFiveErrorsReportFivePaths(t *testing.T) {
	doc, err := os.ReadFile("testdata/referral_five_errors.json")
	require.NoError(t, err)
	err = referral.Validate(doc)
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{
		"/needs/1",
		"/person/date_of_birth",
		"/person/nhs_number",
		"/referrer/kind",
		"/unexpected",
	}, paths)
}

func TestNewReferralDocumentNeedsNoServerFields(t *testing.T) {
	doc, err := os.ReadFile("testdata/referral_valid.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	for _, k := range []string{"id", "status", "episode", "received_at"} {
		delete(m, k)
	}
	b, _ := json.Marshal(m)
	require.NoError(t, referral.Validate(b))
	in, err := referral.Decode(b, t0)
	require.NoError(t, err)
	r, err := referral.New(*in, gp, t0)
	require.NoError(t, err)
	assert.Equal(t, referral.StatusReceived, r.Status)
	assert.Equal(t, t0, r.ReceivedAt)
	assert.NotEmpty(t, r.ID)
}
