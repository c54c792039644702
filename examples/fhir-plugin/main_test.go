package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/plugins/fhir/fhirtest"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/referral"
)

// The tests build this command once (without -race, so each launch is
// quick) and launch it as a real plugin process; the FHIR server boots
// meanwhile, and exits with the test process.
func TestMain(m *testing.M) {
	fhirtest.Start()
	plugintest.Main(m)
}

func launch(tb testing.TB, env ...string) *plugins.Client {
	tb.Helper()
	path, sum := plugintest.BuildPlugin(tb, ".")
	return plugintest.LaunchPlugin(tb, plugins.ClientConfig{Path: path, SHA256: sum, Env: env, Logger: hclog.NewNullLogger()})
}

const knownNHS, unknownNHS = "9434765919", "9000000017"

// sampleReferral is a received referral of the known person.
func sampleReferral(tb testing.TB, id string) *referral.Referral {
	tb.Helper()
	now := time.Now().UTC()
	r, err := referral.New(referral.Referral{ID: id,
		Referrer: referral.Referrer{Kind: referral.SourceGP, Name: "Dr Asha Patel", Organisation: "Riverside Surgery", OrganisationCode: "A81001"},
		Person:   referral.Person{GivenName: "Margaret", FamilyName: "O'Neill", NHSNumber: knownNHS},
		Needs:    []socialrx.Need{socialrx.NeedLoneliness},
		Consents: referral.Consents{Referral: referral.Consent{Given: true, RecordedBy: "dr-patel", RecordedAt: now.Add(-time.Hour)}},
	}, referral.Actor{ID: "import", Role: referral.RoleSystem}, now)
	require.NoError(tb, err)
	return r
}

// The ClinicalSystem conformance suite through the plugin process, against
// Medplum on loopback: one plugin process and one empty server per subtest,
// seeded in process with the known person and three referrals.
func TestConformance(t *testing.T) {
	plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
		base := fhirtest.Tenant(t)
		seed, err := fhir.New(fhir.Config{BaseURL: base})
		require.NoError(t, err)
		_, _, err = seed.Create(t.Context(), fhir.PatientOf(referral.Person{GivenName: "Margaret", FamilyName: "O'Neill", NHSNumber: knownNHS}), nil)
		require.NoError(t, err)
		for range 3 {
			_, err := seed.PushReferral(t.Context(), sampleReferral(t, ""))
			require.NoError(t, err)
		}
		sys, err := launch(t, "SOCIALRX_FHIR_BASE_URL="+base, "SOCIALRX_FHIR_TIMEOUT=20s").Clinical()
		require.NoError(t, err)
		return plugintest.Clinical{System: sys, KnownNHSNumber: knownNHS, UnknownNHSNumber: unknownNHS,
			AddReferral: func(ctx context.Context, doc json.RawMessage) error {
				var in struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(doc, &in); err != nil {
					return err
				}
				_, err := seed.PushReferral(ctx, sampleReferral(t, in.ID))
				return err
			}}
	})
}

// With the FHIR server unreachable the plugin still starts; each call says
// unavailable, and the message names the request.
func TestServerDown(t *testing.T) {
	sys, err := launch(t, "SOCIALRX_FHIR_BASE_URL=http://127.0.0.1:1/fhir", "SOCIALRX_FHIR_TIMEOUT=5s").Clinical()
	require.NoError(t, err)
	_, err = sys.LookupPerson(t.Context(), knownNHS)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	assert.Contains(t, fmt.Sprint(err), "GET Patient")
}

// Without a base URL the plugin does not start, and the host hears why.
func TestNoBaseURL(t *testing.T) {
	path, sum := plugintest.BuildPlugin(t, ".")
	_, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second, Logger: hclog.NewNullLogger()})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

// A timeout that is not a duration stops the plugin at start.
func TestBadTimeout(t *testing.T) {
	path, sum := plugintest.BuildPlugin(t, ".")
	_, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second, Logger: hclog.NewNullLogger(),
		Env: []string{"SOCIALRX_FHIR_BASE_URL=http://127.0.0.1:1/fhir", "SOCIALRX_FHIR_TIMEOUT=soon"}})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}
