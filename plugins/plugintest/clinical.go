package plugintest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// Clinical is a clinical system under test with what the suite needs to know
// about the people and referrals in it.
type Clinical struct {
	// System is the adapter under test.
	System plugins.ClinicalSystem
	// KnownNHSNumber is a valid NHS number of a person the system holds.
	KnownNHSNumber string
	// UnknownNHSNumber is a valid NHS number (check digit and all) of no
	// one in the system.
	UnknownNHSNumber string
	// AddReferral, when set, makes a new referral (a JSON object with an
	// "id") appear in the system, so the suite can check that a pull from
	// an old cursor finds it. Leave it nil when the system offers no way.
	AddReferral func(ctx context.Context, referral json.RawMessage) error
}

// TestClinicalSystem runs the conformance suite for [plugins.ClinicalSystem].
// newClinical returns the system (a test instance or a sandbox) with the
// known and unknown NHS numbers, and registers its clean-up with t.Cleanup;
// the suite calls it once per subtest.
func TestClinicalSystem(t *testing.T, newClinical func(t *testing.T) Clinical) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, c Clinical)
	}{
		{"RecordEvent", clinicalRecord},
		{"RecordEventIdempotent", clinicalRecordIdempotent},
		{"RecordEventConcurrentSameKey", clinicalRecordConcurrent},
		{"RecordEventUnknownPerson", clinicalRecordUnknown},
		{"RecordEventInvalid", clinicalRecordInvalid},
		{"LookupPerson", clinicalLookup},
		{"LookupPersonInvalid", clinicalLookupInvalid},
		{"PullReferrals", clinicalPull},
		{"PullReferralsNewSinceCursor", clinicalPullNew},
		{"PullReferralsInvalidCursor", clinicalPullInvalid},
		{"Cancelled", clinicalCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClinical(t)
			require.NotNil(t, c.System, "Clinical.System")
			require.NotEmpty(t, c.KnownNHSNumber, "Clinical.KnownNHSNumber")
			require.NotEmpty(t, c.UnknownNHSNumber, "Clinical.UnknownNHSNumber")
			tc.fn(t, c)
		})
	}
}

// codedEvent returns a valid first-interaction event for the person.
func codedEvent(nhs string) plugins.CodedEvent {
	return plugins.CodedEvent{
		IdempotencyKey: "suite-" + uuid.NewString(),
		NHSNumber:      nhs,
		SNOMED:         "871731000000106",
		Display:        "Referral to social prescribing service",
		Date:           socialrx.DateOf(time.Now().UTC()),
		ReferralID:     uuid.NewString(),
	}
}

func clinicalRecord(t *testing.T, c Clinical) {
	e := codedEvent(c.KnownNHSNumber)
	ref, err := c.System.RecordEvent(t.Context(), e)
	noErr(t, err, "record event")
	assert.NotEmpty(t, ref, "the system's reference")

	declined := codedEvent(c.KnownNHSNumber)
	declined.SNOMED, declined.Display = "871711000000103", "Social prescribing declined"
	ref2, err := c.System.RecordEvent(t.Context(), declined)
	noErr(t, err, "record another event")
	assert.NotEqual(t, ref, ref2, "another key records another entry")
}

func clinicalRecordIdempotent(t *testing.T, c Clinical) {
	e := codedEvent(c.KnownNHSNumber)
	ref, err := c.System.RecordEvent(t.Context(), e)
	noErr(t, err, "record event")
	for range 3 {
		again, err := c.System.RecordEvent(t.Context(), e)
		noErr(t, err, "repeated record")
		assert.Equal(t, ref, again, "a repeated key returns the first reference")
	}
}

func clinicalRecordConcurrent(t *testing.T, c Clinical) {
	e := codedEvent(c.KnownNHSNumber)
	refs := make([]string, workers)
	race(workers, func(i int) {
		ref, err := c.System.RecordEvent(context.Background(), e)
		assert.NoError(t, err, "worker %d", i)
		refs[i] = ref
	})
	for i, ref := range refs {
		assert.Equal(t, refs[0], ref, "worker %d gets the one reference", i)
	}
	assert.NotEmpty(t, refs[0])
}

func clinicalRecordUnknown(t *testing.T, c Clinical) {
	_, err := c.System.RecordEvent(t.Context(), codedEvent(c.UnknownNHSNumber))
	assertCode(t, socialrx.CodeNotFound, err)
}

func clinicalRecordInvalid(t *testing.T, c Clinical) {
	with := func(f func(*plugins.CodedEvent)) plugins.CodedEvent {
		e := codedEvent(c.KnownNHSNumber)
		f(&e)
		return e
	}
	cases := map[string]struct {
		e    plugins.CodedEvent
		path string
	}{
		"no key":             {with(func(e *plugins.CodedEvent) { e.IdempotencyKey = "" }), "/idempotency_key"},
		"no NHS number":      {with(func(e *plugins.CodedEvent) { e.NHSNumber = "" }), "/nhs_number"},
		"NHS number short":   {with(func(e *plugins.CodedEvent) { e.NHSNumber = "943476591" }), "/nhs_number"},
		"NHS number letters": {with(func(e *plugins.CodedEvent) { e.NHSNumber = "94347659AB" }), "/nhs_number"},
		"NHS check digit":    {with(func(e *plugins.CodedEvent) { e.NHSNumber = badCheckDigit(c.KnownNHSNumber) }), "/nhs_number"},
		"no SNOMED code":     {with(func(e *plugins.CodedEvent) { e.SNOMED = "" }), "/snomed"},
		"SNOMED not a code":  {with(func(e *plugins.CodedEvent) { e.SNOMED = "social-prescribing" }), "/snomed"},
		"no date":            {with(func(e *plugins.CodedEvent) { e.Date = socialrx.Date{} }), "/date"},
		"no referral":        {with(func(e *plugins.CodedEvent) { e.ReferralID = "" }), "/referral_id"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.System.RecordEvent(t.Context(), tc.e)
			assertInvalid(t, err, tc.path)
		})
	}
}

// badCheckDigit returns nhs with its last digit changed, which breaks the
// modulus 11 check.
func badCheckDigit(nhs string) string {
	if len(nhs) != 10 {
		return "0000000001"
	}
	last := nhs[9]
	if last == '9' {
		last = '0'
	} else {
		last++
	}
	return nhs[:9] + string(last)
}

func clinicalLookup(t *testing.T, c Clinical) {
	doc, err := c.System.LookupPerson(t.Context(), c.KnownNHSNumber)
	noErr(t, err, "lookup")
	var person map[string]any
	require.NoError(t, json.Unmarshal(doc, &person), "a person is a JSON object: %s", doc)
	assert.Equal(t, c.KnownNHSNumber, person["nhs_number"], "the person's nhs_number")

	_, err = c.System.LookupPerson(t.Context(), c.UnknownNHSNumber)
	assertCode(t, socialrx.CodeNotFound, err)
}

func clinicalLookupInvalid(t *testing.T, c Clinical) {
	for _, nhs := range []string{"", "123", "94347659AB", "943 476 5919", badCheckDigit(c.KnownNHSNumber)} {
		t.Run(fmt.Sprintf("%q", nhs), func(t *testing.T) {
			_, err := c.System.LookupPerson(t.Context(), nhs)
			assertCode(t, socialrx.CodeInvalid, err)
		})
	}
}

// pullAll pages through the referrals from cursor with limit and returns
// their ids and the final cursor.
func pullAll(t *testing.T, c Clinical, cursor string, limit int) ([]string, string) {
	t.Helper()
	var got []string
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10000, "pulling does not end")
		b, err := c.System.PullReferrals(t.Context(), cursor, limit)
		noErr(t, err, "pull referrals")
		assert.LessOrEqual(t, len(b.Referrals), limit, "a batch holds at most limit referrals")
		for _, r := range b.Referrals {
			var ref struct {
				ID string `json:"id"`
			}
			if assert.NoError(t, json.Unmarshal(r, &ref), "a referral is a JSON object: %s", r) {
				assert.NotEmpty(t, ref.ID, "a referral has an id")
				got = append(got, ref.ID)
			}
		}
		assert.NotEmpty(t, b.Cursor, "a batch returns a cursor to continue from")
		cursor = b.Cursor
		if len(b.Referrals) == 0 {
			return got, cursor
		}
	}
}

func clinicalPull(t *testing.T, c Clinical) {
	all, end := pullAll(t, c, "", 2)
	assert.Empty(t, dups(all), "paging never returns a referral twice")
	ones, _ := pullAll(t, c, "", 1)
	assert.Equal(t, all, ones, "the page size does not change what is pulled")

	// Pulling from the same cursor again gives the same batch.
	b1, err := c.System.PullReferrals(t.Context(), "", 3)
	noErr(t, err, "pull")
	b2, err := c.System.PullReferrals(t.Context(), "", 3)
	noErr(t, err, "pull again")
	require.Len(t, b2.Referrals, len(b1.Referrals))
	for i := range b1.Referrals {
		assertJSON(t, b1.Referrals[i], b2.Referrals[i], "the same batch")
	}
	// From the end there is nothing new.
	b, err := c.System.PullReferrals(t.Context(), end, 10)
	noErr(t, err, "pull from the end")
	assert.Empty(t, b.Referrals)
}

func clinicalPullNew(t *testing.T, c Clinical) {
	if c.AddReferral == nil {
		t.Skip("Clinical.AddReferral is not set")
	}
	_, end := pullAll(t, c, "", 5)
	id := uuid.NewString()
	require.NoError(t, c.AddReferral(t.Context(), obj("id", id)))
	got, _ := pullAll(t, c, end, 5)
	assert.Equal(t, []string{id}, got, "a pull from the old cursor returns just the new referral")
}

func clinicalPullInvalid(t *testing.T, c Clinical) {
	for _, cursor := range []string{"not a cursor!", "%%%"} {
		t.Run(cursor, func(t *testing.T) {
			_, err := c.System.PullReferrals(t.Context(), cursor, 10)
			assertCode(t, socialrx.CodeInvalid, err)
		})
	}
}

func clinicalCancelled(t *testing.T, c Clinical) {
	for name, ctx := range cancelled(t) {
		t.Run(name, func(t *testing.T) {
			e := codedEvent(c.KnownNHSNumber)
			calls := map[string]func() error{
				"RecordEvent":   func() error { _, err := c.System.RecordEvent(ctx, e); return err },
				"LookupPerson":  func() error { _, err := c.System.LookupPerson(ctx, c.KnownNHSNumber); return err },
				"PullReferrals": func() error { _, err := c.System.PullReferrals(ctx, "", 10); return err },
			}
			for call, fn := range calls {
				t.Run(call, func(t *testing.T) {
					var err error
					promptly(t, call, func() { err = fn() })
					assertCode(t, socialrx.CodeUnavailable, err)
				})
			}
		})
	}
}
