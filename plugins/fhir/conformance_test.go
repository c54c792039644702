package fhir_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/referral"
)

// TestConformance runs the ClinicalSystem conformance suite against the
// adapter on a real FHIR R4 server (Medplum on loopback) holding the known
// person and a few referrals. The server is seeded once: the suite's
// subtests run one after another and each leaves it fit for the next
// (events have new keys; pulls page from the start or from their own end).
func TestConformance(t *testing.T) {
	before := sent.Load()
	seed := newClient(t) // skips the test without Node.js
	addPatient(t, seed, knownNHS)
	for range 3 {
		_, err := seed.PushReferral(t.Context(), newReferral(t, nil))
		require.NoError(t, err)
	}
	plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
		c := clientOf(t, seed.BaseURL())
		return plugintest.Clinical{
			System:           c,
			KnownNHSNumber:   knownNHS,
			UnknownNHSNumber: unknownNHS,
			AddReferral: func(ctx context.Context, doc json.RawMessage) error {
				var in struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(doc, &in); err != nil {
					return err
				}
				_, err := c.PushReferral(ctx, newReferral(t, func(r *referral.Referral) { r.ID = in.ID }))
				return err
			},
		}
	})
	assert.Greater(t, sent.Load(), before, "the adapter sent resources, each valid against the official schema")
}
