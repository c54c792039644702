package fhir_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/referral"
)

// t0 is the tests' "now".
var t0 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

var (
	linkWorker = referral.Actor{ID: "lw-amira", Role: referral.RoleLinkWorker}
	partnerOrg = "org-riverside-walks"
	partner    = referral.Actor{ID: "p-jo", Role: referral.RolePartner, Organisation: partnerOrg}
)

var (
	fhirSchemaOnce sync.Once
	fhirSchema     *schema.Validator
	fhirSchemaErr  error
)

const fhirSchemaURL = "http://hl7.org/fhir/json-schema/4.0"

// officialSchema compiles the official FHIR R4 JSON schema (draft-06) in
// testdata once per test binary. Its root is a oneOf of all 146 resources
// with a discriminator on resourceType.
func officialSchema(t testing.TB) *schema.Validator {
	t.Helper()
	fhirSchemaOnce.Do(func() {
		b, err := os.ReadFile("testdata/fhir.schema.json")
		if err != nil {
			fhirSchemaErr = err
			return
		}
		fhirSchema, fhirSchemaErr = schema.Compile(fhirSchemaURL, b)
	})
	require.NoError(t, fhirSchemaErr, "compile the official FHIR R4 schema")
	return fhirSchema
}

// validateFHIR checks a FHIR resource (JSON) against the official schema
// and against the invariants the schema cannot express (see
// checkInvariants): every resource the tests produce goes through it.
// Codes: invalid, with JSON pointers into doc.
func validateFHIR(t testing.TB, doc []byte) error {
	t.Helper()
	checked.Add(1)
	return socialrx.Invalid(append(socialrx.ErrorFields(schemaErrors(t, doc)), socialrx.ErrorFields(checkInvariants(t, doc))...)...)
}

// checked counts the documents validateFHIR checked in this test binary.
var checked atomic.Int64

// schemaErrors checks a FHIR resource (JSON) against the official schema.
// A Bundle's entries are checked one by one, and the Bundle around them
// without them: together the same verdict as on the whole Bundle, with the
// errors of each entry under its pointer. (The schema's root is a oneOf of
// every resource, so an invalid resource also fails the other 145
// branches: the fields of an error name those failures too.) Codes:
// invalid, with JSON pointers into doc.
func schemaErrors(t testing.TB, doc []byte) error {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return socialrx.Invalid(socialrx.Field("", "not JSON: %v", err))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return officialSchema(t).ValidateValue(v)
	}
	var errs []socialrx.FieldError
	if entries, isList := m["entry"].([]any); m["resourceType"] == "Bundle" && isList {
		shell := make(map[string]any, len(m))
		for k, x := range m {
			shell[k] = x
		}
		stripped := make([]any, len(entries))
		for i, e := range entries {
			entry, isObj := e.(map[string]any)
			res, hasRes := entry["resource"]
			if !isObj || !hasRes {
				stripped[i] = e
				continue
			}
			rb, err := json.Marshal(res)
			require.NoError(t, err)
			errs = append(errs, socialrx.Prefix(fmt.Sprintf("/entry/%d/resource", i), schemaErrors(t, rb))...)
			c := make(map[string]any, len(entry))
			for k, x := range entry {
				if k != "resource" {
					c[k] = x
				}
			}
			stripped[i] = c
		}
		shell["entry"] = stripped
		v = shell
	}
	errs = append(errs, socialrx.ErrorFields(officialSchema(t).ValidateValue(v))...)
	return socialrx.Invalid(errs...)
}

// requireValidFHIR checks a resource (a Go value or JSON) against the
// official FHIR R4 schema.
func requireValidFHIR(t testing.TB, res any) {
	t.Helper()
	doc, ok := res.([]byte)
	if raw, isRaw := res.(json.RawMessage); isRaw {
		doc, ok = raw, true
	}
	if !ok {
		var err error
		doc, err = json.Marshal(res)
		require.NoError(t, err)
	}
	require.NoError(t, validateFHIR(t, doc), "not valid FHIR R4:\n%s", doc)
}

// newReferral builds a received referral of a GP referral with every
// field of the person set, through the referral package's own API.
func newReferral(t testing.TB, edit func(in *referral.Referral)) *referral.Referral {
	t.Helper()
	in := referral.Referral{
		Referrer: referral.Referrer{Kind: referral.SourceGP, Name: "Dr Asha Patel", Organisation: "Riverside Surgery",
			OrganisationCode: "A81001", Email: "asha.patel@nhs.net", Phone: "020 7946 0000"},
		Person: referral.Person{
			GivenName: "Margaret", FamilyName: "O'Neill", PreferredName: "Peggy",
			DateOfBirth: socialrx.MustParseDate("1948-03-14"), NHSNumber: "9434765919", Postcode: "SW1A 1AA",
			Contact: referral.Contact{Methods: []referral.ContactMethod{referral.ContactPhone, referral.ContactLetter},
				Phone: "07700 900123", Email: "peggy@example.org", Address: "1 Mill Lane, London"},
			Language: "pl", InterpreterNeeded: true,
			Accessibility:      []referral.AccessibilityNeed{referral.AccessLargePrint, referral.AccessStepFree},
			AccessibilityNotes: "Uses a walking frame", WantsEscort: true,
		},
		Needs:   []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedBefriending},
		Reason:  "Widowed last year and rarely leaves the house.",
		Urgency: referral.UrgencySoon,
		Consents: referral.Consents{
			Referral:          referral.Consent{Given: true, RecordedBy: "dr-patel", RecordedAt: t0.Add(-2 * time.Hour)},
			ShareWithPartners: referral.Consent{Given: true, Scope: referral.ShareFull, RecordedBy: "dr-patel", RecordedAt: t0.Add(-2 * time.Hour)},
			Evaluation:        referral.Consent{Given: false, RecordedBy: "dr-patel", RecordedAt: t0.Add(-2 * time.Hour)},
		},
		ReceivedAt: t0.Add(-time.Hour),
	}
	if edit != nil {
		edit(&in)
	}
	r, err := referral.New(in, referral.Actor{ID: "import", Role: referral.RoleSystem}, t0)
	require.NoError(t, err)
	return r
}

// step applies lifecycle changes to a referral, a minute apart after t0.
func step(t testing.TB, r *referral.Referral, changes ...referral.Change) *referral.Referral {
	t.Helper()
	for i, c := range changes {
		c.At = t0.Add(time.Duration(i+1) * time.Minute)
		if c.By.ID == "" {
			c.By = linkWorker
		}
		require.NoError(t, r.Apply(c, t0.Add(time.Hour)))
	}
	return r
}

// carried returns the referral as the FHIR mapping carries it: without
// its history, signposts and version.
func carried(r *referral.Referral) *referral.Referral {
	c := *r
	c.History, c.Signposts, c.Version = nil, nil, 0
	return &c
}

// newOnward refers the sample referral on to a partner's service.
func newOnward(t testing.TB, scope referral.ShareScope) *referral.OnwardReferral {
	t.Helper()
	r := step(t, newReferral(t, func(in *referral.Referral) {
		in.Consents.ShareWithPartners.Scope = scope
	}), referral.Change{To: referral.StatusAccepted})
	o, err := referral.NewOnwardReferral(r, "svc-walking-group", partnerOrg, nil, linkWorker, t0.Add(10*time.Minute), t0.Add(time.Hour), "Peggy would like company on the first walk.")
	require.NoError(t, err)
	return o
}

// jsonEq compares two values by their JSON.
func jsonEq(t testing.TB, want, got any, msg string) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(w), string(g), msg)
}

// mustMarshal encodes v as JSON.
func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
