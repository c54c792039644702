package referral_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// reach walks a fresh referral to status s along allowed transitions.
func reach(t *testing.T, s referral.Status) (*referral.Referral, time.Time) {
	t.Helper()
	r := received(t)
	at := t0
	step := func(c referral.Change) {
		at = at.Add(time.Hour)
		c.By, c.At = worker, at
		require.NoError(t, r.Apply(c, at))
	}
	paths := map[referral.Status][]referral.Change{
		referral.StatusReceived: nil,
		referral.StatusAccepted: {{To: referral.StatusAccepted}},
		referral.StatusDeclined: {{To: referral.StatusDeclined, Reason: referral.DeclineOutOfArea}},
		referral.StatusActive:   {{To: referral.StatusAccepted}, {To: referral.StatusActive}},
		referral.StatusOnHold:   {{To: referral.StatusAccepted}, {To: referral.StatusActive}, {To: referral.StatusOnHold, Reason: referral.HoldCaring}},
		referral.StatusClosed:   {{To: referral.StatusAccepted}, {To: referral.StatusActive}, {To: referral.StatusClosed, Reason: referral.CloseGoalsMet}},
	}
	for _, c := range paths[s] {
		step(c)
	}
	require.Equal(t, s, r.Status)
	return r, at
}

func reasonFor(s referral.Status) referral.Reason {
	if rs := referral.ReasonsFor(s); len(rs) > 0 {
		return rs[0]
	}
	return ""
}

func TestReferralLifecycleEveryPair(t *testing.T) {
	allowed := map[[2]referral.Status]bool{
		{"received", "accepted"}: true, {"received", "declined"}: true,
		{"accepted", "active"}: true, {"accepted", "closed"}: true,
		{"active", "on_hold"}: true, {"on_hold", "active"}: true,
		{"active", "closed"}: true, {"on_hold", "closed"}: true,
		{"closed", "accepted"}: true,
	}
	statuses := referral.Status("").EnumValues()
	for _, from := range statuses {
		for _, to := range statuses {
			from, to := referral.Status(from), referral.Status(to)
			t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
				r, at := reach(t, from)
				before, _ := json.Marshal(r)
				at = at.Add(time.Minute)
				err := r.Apply(referral.Change{To: to, Reason: reasonFor(to), By: worker, At: at}, at)
				assert.Equal(t, allowed[[2]referral.Status{from, to}], referral.CanTransition(from, to))
				if allowed[[2]referral.Status{from, to}] {
					require.NoError(t, err)
					assert.Equal(t, to, r.Status)
					last := r.History[len(r.History)-1]
					assert.Equal(t, from, last.From)
					assert.Equal(t, to, last.To)
					assert.Equal(t, worker, last.Actor)
					assert.Equal(t, at, last.At)
					return
				}
				require.Error(t, err)
				assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
				assert.Contains(t, err.Error(), fmt.Sprintf("cannot move from %s to %s", from, to))
				after, _ := json.Marshal(r)
				assert.JSONEq(t, string(before), string(after), "a refused change must leave the referral as it was")
			})
		}
	}
}

func TestReopenStartsNewEpisode(t *testing.T) {
	r, at := reach(t, referral.StatusClosed)
	require.Equal(t, 1, r.Episode)
	at = at.Add(24 * time.Hour)
	require.NoError(t, r.Reopen(worker, at, at, "came back after a fall"))
	assert.Equal(t, 2, r.Episode)
	assert.Equal(t, referral.StatusAccepted, r.Status)
	ev := r.History[len(r.History)-1]
	assert.Equal(t, 2, ev.Episode)
	ce := referral.ClinicalEvents(r, ev)
	require.Len(t, ce, 1)
	assert.Equal(t, referral.SNOMEDReferred, ce[0].SNOMED)
	assert.Equal(t, 2, ce[0].Episode)
}

func TestReasonsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   referral.Status
		to     referral.Status
		reason referral.Reason
	}{
		{"decline without reason", referral.StatusReceived, referral.StatusDeclined, ""},
		{"decline with a close reason", referral.StatusReceived, referral.StatusDeclined, referral.CloseDied},
		{"hold with a decline reason", referral.StatusActive, referral.StatusOnHold, referral.DeclineDuplicate},
		{"close without reason", referral.StatusActive, referral.StatusClosed, ""},
		{"accept with a reason", referral.StatusReceived, referral.StatusAccepted, referral.CloseGoalsMet},
		{"unknown reason", referral.StatusActive, referral.StatusClosed, "bored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, at := reach(t, tc.from)
			n := len(r.History)
			err := r.Apply(referral.Change{To: tc.to, Reason: tc.reason, By: worker, At: at}, at)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, "/reason", socialrx.ErrorFields(err)[0].Path)
			assert.Len(t, r.History, n)
			assert.Equal(t, tc.from, r.Status)
		})
	}
}

func TestStatusChangeTimesAndRoles(t *testing.T) {
	r := received(t)
	err := r.Accept(worker, t0.Add(2*time.Hour), t0.Add(time.Hour), "")
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "future time")
	err = r.Accept(worker, t0.Add(-time.Hour), t0, "")
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "before received")
	for _, a := range []referral.Actor{partner, gp, commission, {Role: referral.RoleLinkWorker}} {
		err = r.Accept(a, t0, t0, "")
		assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), "%+v", a)
	}
	assert.Equal(t, referral.StatusReceived, r.Status)
	assert.Len(t, r.History, 1)
	require.NoError(t, r.Accept(worker, t0, t0, ""))
	assert.Equal(t, "lw-sam", r.Owner)
}
