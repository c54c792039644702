package referral_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/referral"
)

// TestWithdrawingConsentToBeReferredEndsTheReferral: without consent to be
// referred, a referral in any open status ends, and the referrer is told.
func TestWithdrawingConsentToBeReferredEndsTheReferral(t *testing.T) {
	for _, tc := range []struct {
		from   referral.Status
		to     referral.Status
		reason referral.Reason
	}{
		{referral.StatusReceived, referral.StatusDeclined, referral.DeclineDeclinedByPerson},
		{referral.StatusAccepted, referral.StatusClosed, referral.CloseConsentWithdrawn},
		{referral.StatusActive, referral.StatusClosed, referral.CloseConsentWithdrawn},
		{referral.StatusOnHold, referral.StatusClosed, referral.CloseConsentWithdrawn},
	} {
		for _, how := range []string{"withdrawn", "recorded as not given"} {
			t.Run(string(tc.from)+" "+how, func(t *testing.T) {
				r, at := reach(t, tc.from)
				at = at.Add(time.Hour)
				if how == "withdrawn" {
					require.NoError(t, r.WithdrawConsent(referral.ConsentReferral, worker, at, at, "changed her mind"))
				} else {
					require.NoError(t, r.RecordConsent(referral.ConsentReferral, false, "", worker, at, at))
				}
				assert.Equal(t, tc.to, r.Status)
				last := r.History[len(r.History)-1]
				assert.Equal(t, tc.reason, last.Reason)
				b, err := json.Marshal(r)
				require.NoError(t, err)
				require.NoError(t, referral.Validate(b), "the ended referral is a valid document")
				n, ok := referral.ReferrerNotice(r, last)
				require.True(t, ok, "the referrer is told")
				assert.Contains(t, n.Body, map[referral.Status]string{referral.StatusDeclined: "chose not to take up", referral.StatusClosed: "withdrew their consent"}[tc.to])
			})
		}
	}
	t.Run("an ended referral stays as it was", func(t *testing.T) {
		r, at := reach(t, referral.StatusClosed)
		require.NoError(t, r.WithdrawConsent(referral.ConsentReferral, worker, at.Add(time.Hour), at.Add(time.Hour), ""))
		assert.Equal(t, referral.StatusClosed, r.Status)
		assert.Equal(t, referral.CloseGoalsMet, r.History[len(r.History)-2].Reason)
	})
	t.Run("other consents leave the status alone", func(t *testing.T) {
		for _, k := range []referral.ConsentKind{referral.ConsentShare, referral.ConsentFeedback} {
			r := active(t)
			at := t0.Add(3 * time.Hour)
			require.NoError(t, r.WithdrawConsent(k, worker, at, at, ""))
			assert.Equal(t, referral.StatusActive, r.Status, k)
		}
	})
}

// TestPartnerViewFollowsConsentAsItIsNow: what the partner sees is made
// from the consent as it is now, not as it was when the onward referral
// was sent.
func TestPartnerViewFollowsConsentAsItIsNow(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	require.NoError(t, r.RecordConsent(referral.ConsentShare, true, referral.ShareFull, worker, at, at))
	o, err := referral.NewOnwardReferral(r, "svc-garden", "org-garden", nil, worker, at, at, "Peggy would love the Tuesday group")
	require.NoError(t, err)
	require.NotNil(t, o.View.Full, "full sharing shows the NHS number")
	assert.Equal(t, "9434765919", o.View.Full.NHSNumber)

	at = at.Add(time.Hour)
	require.NoError(t, r.RecordConsent(referral.ConsentShare, true, referral.ShareMinimal, worker, at, at))
	o.RefreshView(r)
	assert.Nil(t, o.View.Full, "narrowed to minimal: no NHS number, date of birth or reason")
	assert.NotEmpty(t, o.View.Name)
	assert.NotEmpty(t, o.View.ContactDetail)
	assert.Equal(t, "Peggy would love the Tuesday group", o.View.Note)

	at = at.Add(time.Hour)
	require.NoError(t, r.WithdrawConsent(referral.ConsentShare, worker, at, at, ""))
	o.RefreshView(r)
	b, _ := json.Marshal(o.View)
	assert.JSONEq(t, `{"name":"","needs":["loneliness_isolation","bereavement"]}`, string(b), "withdrawn: the needs only")
	require.NoError(t, referral.ValidatePartnerView(b))
}

// TestWithdrawCancelsOpenOnwardReferrals: withdrawing consent to share
// cancels every open onward referral, with its reason, and leaves finished
// ones as they were; either way the view shrinks.
func TestWithdrawCancelsOpenOnwardReferrals(t *testing.T) {
	statuses := referral.TaskStatus("").EnumValues()
	for _, s := range statuses {
		s := referral.TaskStatus(s)
		t.Run(string(s), func(t *testing.T) {
			o, at := reachTask(t, s)
			r := active(t)
			at = at.Add(time.Hour)
			require.NoError(t, r.WithdrawConsent(referral.ConsentShare, worker, at, at, ""))
			cancelled, err := o.Withdraw(r, worker, at, at)
			require.NoError(t, err)
			assert.Equal(t, !s.Final(), cancelled)
			if cancelled {
				assert.Equal(t, referral.TaskCancelled, o.Status)
				assert.Equal(t, referral.CancelConsentWithdrawn, o.History[len(o.History)-1].Reason)
			} else {
				assert.Equal(t, s, o.Status)
			}
			assert.Empty(t, o.View.Name)
			assert.Empty(t, o.View.ContactDetail)
			assert.Empty(t, o.View.Note)
		})
	}
}

func TestCancelReasonOnlyOnCancel(t *testing.T) {
	o, at := onward(t)
	at = at.Add(time.Hour)
	err := o.Transition(partner, referral.TaskRejected, referral.CancelConsentWithdrawn, "", at, at)
	assert.Error(t, err, "consent_withdrawn is not a reason to reject")
	err = o.Transition(worker, referral.TaskCancelled, referral.RejectNoCapacity, "", at, at)
	assert.Error(t, err, "no_capacity is not a reason to cancel")
	require.NoError(t, o.Transition(worker, referral.TaskCancelled, referral.CancelConsentWithdrawn, "", at, at))
}
