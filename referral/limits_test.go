package referral_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// paths returns the pointers an error names.
func paths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}

// validOnward reports the problems of an onward referral as its schema sees them.
func validOnward(t *testing.T, o *referral.OnwardReferral) error {
	t.Helper()
	b, err := json.Marshal(o)
	require.NoError(t, err)
	_, err = referral.DecodeOnwardReferral(b)
	return err
}

func TestOnwardListsStopAtTheirLimit(t *testing.T) {
	o, at := reachTask(t, referral.TaskInProgress)
	now := at.Add(24 * time.Hour)
	day := socialrx.DateOf(now)
	for range referral.MaxAttendance {
		require.NoError(t, o.RecordAttendance(partner, day, true, "", now))
	}
	err := o.RecordAttendance(partner, day, false, "", now)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/attendance"}, paths(err))
	assert.Equal(t, referral.MaxAttendance, len(o.Attendance))

	for range referral.MaxFeedback {
		require.NoError(t, o.AddFeedback(partner, "going well", now, now))
	}
	err = o.AddFeedback(worker, "one more", now, now)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/feedback"}, paths(err))
	assert.Equal(t, referral.MaxFeedback, len(o.Feedback))

	require.NoError(t, validOnward(t, o), "a full onward referral is still a valid document")
	o.Attendance = append(o.Attendance, o.Attendance[0])
	o.Feedback = append(o.Feedback, o.Feedback[0])
	assert.ElementsMatch(t, []string{"/attendance", "/feedback"}, paths(validOnward(t, o)),
		"the schema's maxItems are the limits the methods keep")
}

func TestOnwardHistoryKeepsTheLastPlaceForTheEnd(t *testing.T) {
	o, at := reachTask(t, referral.TaskInProgress)
	next := map[referral.TaskStatus]referral.TaskStatus{referral.TaskInProgress: referral.TaskOnHold, referral.TaskOnHold: referral.TaskInProgress}
	for len(o.History) < referral.MaxTaskHistory-1 {
		at = at.Add(time.Minute)
		require.NoError(t, o.Transition(partner, next[o.Status], "", "", at, at))
	}
	at = at.Add(time.Minute)
	err := o.Transition(partner, next[o.Status], "", "", at, at)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/history"}, paths(err))
	err = o.RecordAttendance(partner, socialrx.DateOf(at), true, "", at)
	require.NoError(t, err, "attending adds no change once in progress")

	require.NoError(t, o.Transition(partner, referral.TaskCompleted, "", "done", at, at), "the end is always possible")
	assert.Equal(t, referral.MaxTaskHistory, len(o.History))
	require.NoError(t, validOnward(t, o))
}

func TestReferralHistoryKeepsRoomToWithdrawAndClose(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	var err error
	for i := 0; ; i++ {
		at = at.Add(time.Minute)
		if err = r.RecordConsent(referral.ConsentEvaluation, i%2 == 0, "", worker, at, at); err != nil {
			break
		}
		require.Less(t, len(r.History), referral.MaxHistory)
	}
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/history"}, paths(err))
	assert.Less(t, len(r.History), referral.MaxHistory, "places are kept")

	_, err = r.Signpost("svc-garden", worker, at, at, "", referral.Policy{})
	assert.Equal(t, []string{"/history"}, paths(err), "signposting adds an event too")
	err = r.Apply(referral.Change{To: referral.StatusOnHold, Reason: referral.HoldCaring, By: worker, At: at}, at)
	assert.Equal(t, []string{"/history"}, paths(err))

	// (Not the consent to be referred: a referral without it is not a
	// valid document, which would hide what this test checks.)
	for _, k := range []referral.ConsentKind{referral.ConsentShare, referral.ConsentFeedback, referral.ConsentEvaluation} {
		if r.Consents.Get(k).Active() {
			require.NoError(t, r.WithdrawConsent(k, worker, at, at, "changed their mind"), "withdrawing %s is always possible", k)
		}
	}
	require.NoError(t, r.Close(worker, referral.CloseDisengaged, at, at, ""), "closing is always possible")
	assert.LessOrEqual(t, len(r.History), referral.MaxHistory)
	err = r.Reopen(worker, at, at, "")
	assert.Equal(t, []string{"/history"}, paths(err))

	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, referral.Validate(b), "a full referral is still a valid document")
	for len(r.History) <= referral.MaxHistory {
		r.History = append(r.History, r.History[len(r.History)-1])
	}
	b, err = json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, paths(referral.Validate(b)), "/history", "the schema's maxItems is MaxHistory")
}

func TestSignpostsStopAtTheirLimit(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	for range referral.MaxSignposts {
		at = at.Add(time.Minute)
		_, err := r.Signpost("svc-garden", worker, at, at, "", referral.Policy{})
		require.NoError(t, err)
	}
	_, err := r.Signpost("svc-garden", worker, at, at, "", referral.Policy{})
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/signposts"}, paths(err))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, referral.Validate(b))
}
