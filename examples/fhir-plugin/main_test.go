package main_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
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

var (
	binDir   string
	once     sync.Once
	binPath  string
	binSum   string
	buildErr error
)

func TestMain(m *testing.M) {
	fhirtest.Start()
	dir, err := os.MkdirTemp("", "fhir-plugin-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	fhirtest.Stop()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds the plugin once (without -race, so each launch is quick).
func binary(tb testing.TB) (string, string) {
	tb.Helper()
	once.Do(func() {
		binPath = filepath.Join(binDir, "fhir-plugin")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		b, err := os.ReadFile(binPath)
		if err != nil {
			buildErr = err
			return
		}
		sum := sha256.Sum256(b)
		binSum = hex.EncodeToString(sum[:])
	})
	require.NoError(tb, buildErr)
	return binPath, binSum
}

func launch(tb testing.TB, env ...string) *plugins.Client {
	tb.Helper()
	path, sum := binary(tb)
	c, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, Env: env, Logger: hclog.NewNullLogger()})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = c.Close() })
	return c
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
	path, sum := binary(t)
	_, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second, Logger: hclog.NewNullLogger()})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

// A timeout that is not a duration stops the plugin at start.
func TestBadTimeout(t *testing.T) {
	path, sum := binary(t)
	_, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second, Logger: hclog.NewNullLogger(),
		Env: []string{"SOCIALRX_FHIR_BASE_URL=http://127.0.0.1:1/fhir", "SOCIALRX_FHIR_TIMEOUT=soon"}})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}
