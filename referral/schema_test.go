package referral_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/referral"
)

func TestSchemasFresh(t *testing.T) {
	schema.CheckFresh(t, "referral.schema.json", "referral", referral.Referral{})
	schema.CheckFresh(t, "onward_referral.schema.json", "onward_referral", referral.OnwardReferral{})
	schema.CheckFresh(t, "partner_view.schema.json", "partner_view", referral.PartnerView{})
}

func TestSchemaDescribesEnumsFormatsAndSensitivity(t *testing.T) {
	s := string(referral.ReferralSchema)
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
