package memory_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
)

func TestFakeClinicalSystemRecorded(t *testing.T) {
	ctx := context.Background()
	f := memory.NewFakeClinicalSystem()
	e := plugins.CodedEvent{IdempotencyKey: "k", NHSNumber: memory.FakeNHSNumbers[1], SNOMED: "871731000000106", Date: socialrx.MustParseDate("2026-03-01"), ReferralID: "r-1"}
	ref, err := f.RecordEvent(ctx, e)
	require.NoError(t, err)
	_, err = f.RecordEvent(ctx, e)
	require.NoError(t, err)
	assert.Equal(t, []memory.RecordedEvent{{Ref: ref, Event: e}}, f.Recorded(), "a repeat records nothing")
}

func TestFakeClinicalSystemAddPerson(t *testing.T) {
	ctx := context.Background()
	f := memory.NewFakeClinicalSystem()
	cases := map[string]struct {
		person string
		path   string
	}{
		"not an object":   {`[1]`, ""},
		"not JSON":        {`{`, ""},
		"no NHS number":   {`{"given_name":"Dee"}`, "/nhs_number"},
		"bad check digit": {`{"nhs_number":"9434765910"}`, "/nhs_number"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := f.AddPerson(json.RawMessage(c.person))
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, c.path, socialrx.ErrorFields(err)[0].Path)
		})
	}
	require.NoError(t, f.AddPerson(json.RawMessage(`{"nhs_number":"9000000009","given_name":"Dee"}`)))
	p, err := f.LookupPerson(ctx, "9000000009")
	require.NoError(t, err)
	assert.JSONEq(t, `{"nhs_number":"9000000009","given_name":"Dee"}`, string(p))
}

func TestFakeClinicalSystemAddReferralInvalid(t *testing.T) {
	f := memory.NewFakeClinicalSystem()
	for _, r := range []string{`{}`, `{"id":""}`, `[]`, `nope`} {
		err := f.AddReferral(context.Background(), json.RawMessage(r))
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), r)
	}
	b, err := f.PullReferrals(context.Background(), "", 0)
	require.NoError(t, err)
	assert.Len(t, b.Referrals, len(memory.FakeNHSNumbers), "one seeded referral per person, no more")
	_, err = f.PullReferrals(context.Background(), "99", 1)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "a cursor past the end")
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	s := memory.New()
	require.NoError(t, s.Close())
	_, err := s.Get(context.Background(), plugins.KindReferral, "x")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	_, err = s.OutboxDepth(context.Background())
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
}
