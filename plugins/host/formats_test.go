package host_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// addPriority is the change of a simulated later release: its referrals
// carry a priority, derived from the urgency for referrals stored before.
// (The newer host runs this build's Go types, so the simulated format adds
// a member rather than renaming one; what is tested, that the older host
// reads past what it does not know and never writes over it, is the same
// for either.)
func addPriority(doc map[string]json.RawMessage) error {
	if _, ok := doc["priority"]; ok {
		return nil
	}
	var u string
	if err := json.Unmarshal(doc["urgency"], &u); err != nil {
		return err
	}
	p := 2
	if u == "urgent" {
		p = 1
	}
	doc["priority"] = json.RawMessage(strconv.Itoa(p))
	return nil
}

// stored is a referral's JSON as the store holds it.
func stored(t *testing.T, e *hosttest.Env, id string) (map[string]any, int64) {
	t.Helper()
	d, err := e.Store.Get(context.Background(), plugins.KindReferral, id)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(d.Data, &m))
	return m, d.Version
}

// TestHostsOfTwoFormatsShareOneStore runs a host of this build and a host
// of a simulated later release, whose referrals have a format more, on one
// database (the PostgreSQL leg is two plugin processes on one schema, so
// the format crosses the gRPC wire too), and shows that neither loses
// data: each reads what the other wrote; the newer host upgrades what the
// older wrote when it changes it; the older host refuses, saying why, to
// change what the newer wrote, and leaves it as it was. Every stored
// document carries its format.
func TestHostsOfTwoFormatsShareOneStore(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, older *hosttest.Env) {
		ctx, lw := context.Background(), as(referral.RoleLinkWorker)
		newer := older.Peer(t, host.WithNewerFormat(plugins.KindReferral, addPriority))

		// The older host receives a referral: format 1, as before.
		r := newReferral(t, older)
		doc, _ := stored(t, older, r.ID)
		assert.EqualValues(t, 1, doc[host.FormatKey])
		assert.NotContains(t, doc, "priority")

		// The newer host reads it, upgraded, and accepts it: now it is
		// stored in format 2, with everything the older host wrote.
		got, _, err := newer.Svc.GetReferral(ctx, lw, r.ID)
		require.NoError(t, err)
		assert.Equal(t, r.Person, got.Person)
		accepted, err := newer.Svc.ChangeReferralStatus(ctx, lw, host.Target{ID: r.ID, Version: got.Version}, host.StatusChange{To: referral.StatusAccepted})
		require.NoError(t, err)
		doc, version := stored(t, older, r.ID)
		assert.EqualValues(t, 2, doc[host.FormatKey])
		assert.EqualValues(t, 2, doc["priority"], "the newer host's upgrade ran on the older host's referral")
		assert.Equal(t, r.Person.GivenName, doc["person"].(map[string]any)["given_name"])

		// The older host reads the newer format, passing over the member it
		// does not know...
		seen, _, err := older.Svc.GetReferral(ctx, lw, r.ID)
		require.NoError(t, err, "an older host reads what a newer one wrote")
		assert.Equal(t, referral.StatusAccepted, seen.Status)
		assert.Equal(t, accepted.Person, seen.Person)
		listed, _, err := older.Svc.ListReferrals(ctx, lw, host.ReferralQuery{})
		require.NoError(t, err)
		require.Len(t, listed, 1)

		// ... but does not write over it, which would drop the priority.
		_, err = older.Svc.ChangeReferralStatus(ctx, lw, host.Target{ID: r.ID, Version: seen.Version}, host.StatusChange{To: referral.StatusActive})
		assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err))
		assert.ErrorContains(t, err, "written by a newer version of socialrx (format 2; this host knows up to 1)")
		after, afterVersion := stored(t, older, r.ID)
		assert.Equal(t, doc, after, "the refused change left the document as the newer host stored it")
		assert.Equal(t, version, afterVersion)
		_, err = older.Svc.RunScheduler(ctx, "older", 100)
		require.NoError(t, err, "the older scheduler passes over what it may not write")

		// The newer host makes the change instead, and keeps the priority.
		_, err = newer.Svc.ChangeReferralStatus(ctx, lw, host.Target{ID: r.ID, Version: seen.Version}, host.StatusChange{To: referral.StatusActive})
		require.NoError(t, err)
		doc, _ = stored(t, older, r.ID)
		assert.EqualValues(t, 2, doc["priority"])
		assert.Equal(t, "active", doc["status"])

		// A referral the newer host receives is format 2 from the start,
		// and the older host reads it too.
		r2 := newReferral(t, newer)
		doc, _ = stored(t, older, r2.ID)
		assert.EqualValues(t, 2, doc[host.FormatKey])
		seen, _, err = older.Svc.GetReferral(ctx, lw, r2.ID)
		require.NoError(t, err)
		assert.Equal(t, r2.Person, seen.Person)

		// Every document the hosts stored carries its format.
		for _, kind := range []plugins.Kind{plugins.KindReferral, host.KindAudit} {
			pg, err := older.Store.List(ctx, plugins.Query{Kind: kind, Limit: 1000})
			require.NoError(t, err)
			require.NotEmpty(t, pg.Documents)
			for _, d := range pg.Documents {
				var head map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(d.Data, &head))
				assert.Contains(t, head, host.FormatKey, "%s %s", kind, d.ID)
			}
		}
	})
}

// TestStoredFormatMustBeAWholeNumber: a document whose format member is
// not a version (hand-edited, or written by something other than a host)
// is an internal error naming the record and the value, not read as
// format 1.
func TestStoredFormatMustBeAWholeNumber(t *testing.T) {
	for _, format := range []string{`0`, `-1`, `"2"`, `1.5`, `null`} {
		t.Run(format, func(t *testing.T) {
			e := hosttest.New(t)
			r := newReferral(t, e)
			d, err := e.Store.Get(context.Background(), plugins.KindReferral, r.ID)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(d.Data, &m))
			m[host.FormatKey] = json.RawMessage(format)
			d.Data, err = json.Marshal(m)
			require.NoError(t, err)
			_, err = e.Store.Update(context.Background(), plugins.Write{Document: d})
			require.NoError(t, err)

			_, _, err = e.Svc.GetReferral(context.Background(), as(referral.RoleLinkWorker), r.ID)
			assert.Equal(t, socialrx.CodeInternal, socialrx.ErrorCode(err))
			assert.ErrorContains(t, err, "has format "+format)
			assert.ErrorContains(t, err, r.ID)
		})
	}
}
