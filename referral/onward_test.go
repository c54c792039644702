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

func onward(t *testing.T) (*referral.OnwardReferral, time.Time) {
	t.Helper()
	r := active(t)
	at := t0.Add(3 * time.Hour)
	o, err := referral.NewOnwardReferral(r, "svc-garden", "org-garden", nil, worker, at, at, "Peggy would love the Tuesday group")
	require.NoError(t, err)
	return o, at
}

// reachTask walks a fresh onward referral to status s.
func reachTask(t *testing.T, s referral.TaskStatus) (*referral.OnwardReferral, time.Time) {
	t.Helper()
	o, at := onward(t)
	paths := map[referral.TaskStatus][]referral.TaskStatus{
		referral.TaskRequested:      nil,
		referral.TaskAccepted:       {referral.TaskAccepted},
		referral.TaskRejected:       {referral.TaskRejected},
		referral.TaskInProgress:     {referral.TaskAccepted, referral.TaskInProgress},
		referral.TaskOnHold:         {referral.TaskAccepted, referral.TaskOnHold},
		referral.TaskCompleted:      {referral.TaskAccepted, referral.TaskCompleted},
		referral.TaskFailed:         {referral.TaskAccepted, referral.TaskFailed},
		referral.TaskCancelled:      {referral.TaskCancelled},
		referral.TaskEnteredInError: {referral.TaskEnteredInError},
	}
	for _, to := range paths[s] {
		at = at.Add(time.Hour)
		require.NoError(t, o.Transition(actorFor(to), to, rejectFor(to), "", at, at))
	}
	require.Equal(t, s, o.Status)
	return o, at
}

func actorFor(to referral.TaskStatus) referral.Actor {
	switch to {
	case referral.TaskCancelled, referral.TaskEnteredInError:
		return worker
	}
	return partner
}

func rejectFor(to referral.TaskStatus) referral.RejectReason {
	if to == referral.TaskRejected {
		return referral.RejectNoCapacity
	}
	return ""
}

func TestOnwardLifecycleEveryPair(t *testing.T) {
	allowed := map[[2]referral.TaskStatus]bool{}
	for from, tos := range map[referral.TaskStatus][]referral.TaskStatus{
		"requested":   {"accepted", "rejected", "cancelled", "entered_in_error"},
		"accepted":    {"in_progress", "on_hold", "completed", "failed", "cancelled"},
		"in_progress": {"on_hold", "completed", "failed", "cancelled"},
		"on_hold":     {"in_progress", "completed", "failed", "cancelled"},
	} {
		for _, to := range tos {
			allowed[[2]referral.TaskStatus{from, to}] = true
		}
	}
	statuses := referral.TaskStatus("").EnumValues()
	for _, from := range statuses {
		for _, to := range statuses {
			from, to := referral.TaskStatus(from), referral.TaskStatus(to)
			t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
				o, at := reachTask(t, from)
				before, _ := json.Marshal(o)
				at = at.Add(time.Minute)
				ok := allowed[[2]referral.TaskStatus{from, to}]
				assert.Equal(t, ok, referral.CanTransitionTask(from, to))
				err := o.Transition(actorFor(to), to, rejectFor(to), "", at, at)
				if ok {
					require.NoError(t, err)
					assert.Equal(t, to, o.Status)
					last := o.History[len(o.History)-1]
					assert.Equal(t, from, last.From)
					assert.Equal(t, to, last.To)
					return
				}
				require.Error(t, err)
				assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
				assert.Contains(t, err.Error(), fmt.Sprintf("cannot move from %s to %s", from, to))
				after, _ := json.Marshal(o)
				assert.JSONEq(t, string(before), string(after))
			})
		}
	}
}

func TestOnwardWhoMayDoWhat(t *testing.T) {
	for _, tc := range []struct {
		name string
		by   referral.Actor
		to   referral.TaskStatus
		code socialrx.Code
	}{
		{"another partner may not accept", stranger, referral.TaskAccepted, socialrx.CodeForbidden},
		{"a partner without organisation may not accept", referral.Actor{ID: "x", Role: referral.RolePartner}, referral.TaskAccepted, socialrx.CodeForbidden},
		{"the link worker may not accept for the partner", worker, referral.TaskAccepted, socialrx.CodeForbidden},
		{"the partner may not mark entered in error", partner, referral.TaskEnteredInError, socialrx.CodeForbidden},
		{"a commissioner may not act", commission, referral.TaskCancelled, socialrx.CodeForbidden},
		{"a referrer may not act", gp, referral.TaskCancelled, socialrx.CodeForbidden},
		{"the owning partner accepts", partner, referral.TaskAccepted, ""},
		{"the owning partner may cancel", partner, referral.TaskCancelled, ""},
		{"the link worker may cancel", worker, referral.TaskCancelled, ""},
		{"an admin may accept", admin, referral.TaskAccepted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, at := onward(t)
			err := o.Transition(tc.by, tc.to, "", "", at, at)
			assert.Equal(t, tc.code, socialrx.ErrorCode(err))
			if tc.code != "" {
				assert.Equal(t, referral.TaskRequested, o.Status)
				assert.Len(t, o.History, 1)
			}
		})
	}
}

func TestRejectNeedsReason(t *testing.T) {
	o, at := onward(t)
	err := o.Transition(partner, referral.TaskRejected, "", "", at, at)
	require.Error(t, err)
	assert.Equal(t, "/reject_reason", socialrx.ErrorFields(err)[0].Path)
	err = o.Transition(partner, referral.TaskAccepted, referral.RejectNotEligible, "", at, at)
	assert.Equal(t, "/reject_reason", socialrx.ErrorFields(err)[0].Path)
	require.NoError(t, o.Transition(partner, referral.TaskRejected, referral.RejectNotEligible, "over 18s only", at, at))
	assert.Equal(t, referral.RejectNotEligible, o.RejectReason)
}

func TestOnwardNeedsShareConsent(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	require.NoError(t, r.WithdrawConsent(referral.ConsentShare, worker, at, at, "changed her mind"))
	_, err := referral.NewOnwardReferral(r, "svc-garden", "org-garden", nil, worker, at, at, "")
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
	assert.Equal(t, "/consents/share_with_partners/given", socialrx.ErrorFields(err)[0].Path)
}

func TestOnwardBadInput(t *testing.T) {
	at := t0.Add(3 * time.Hour)
	r := received(t)
	_, err := referral.NewOnwardReferral(r, "", "", []socialrx.Need{"joy"}, worker, at.Add(time.Hour), at, "")
	require.Error(t, err)
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"/partner", "/requested_at", "/service_id", "/status", "/view/needs/0"}, paths)
	_, err = referral.NewOnwardReferral(active(t), "svc", "org", nil, partner, at, at, "")
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
}

func TestPartnerViewIsMinimal(t *testing.T) {
	o, _ := onward(t)
	v := o.View
	assert.Equal(t, "Peggy", v.Name)
	assert.Equal(t, referral.ContactPhone, v.ContactMethod)
	assert.Equal(t, "020 7946 0018", v.ContactDetail)
	assert.Equal(t, []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedBereavement}, v.Needs)
	assert.Nil(t, v.Full, "minimal consent shows no sensitive details")
	b, _ := json.Marshal(o)
	for _, secret := range []string{"9434765919", "1948-03-14", "O'Neill", "SE11", "low mood"} {
		assert.NotContains(t, string(b), secret)
	}
	require.NoError(t, referral.ValidatePartnerView(mustJSON(t, v)))
}

func TestPartnerViewFullConsent(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	require.NoError(t, r.RecordConsent(referral.ConsentShare, true, referral.ShareFull, worker, at, at))
	v := referral.PartnerViewOf(r)
	require.NotNil(t, v.Full)
	assert.Equal(t, "9434765919", v.Full.NHSNumber)
	assert.Contains(t, v.Full.Reason, "low mood")

	r.Person.Contact.DoNotContact = true
	v = referral.PartnerViewOf(r)
	assert.Empty(t, v.ContactMethod)
	assert.Empty(t, v.ContactDetail)
}

func TestPartnerViewWithoutConsentHasNoName(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	require.NoError(t, r.WithdrawConsent(referral.ConsentShare, worker, at, at, ""))
	v := referral.PartnerViewOf(r)
	assert.Empty(t, v.Name)
	assert.Empty(t, v.ContactDetail)
	assert.NotEmpty(t, v.Needs)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestAttendanceAndFeedback(t *testing.T) {
	o, at := reachTask(t, referral.TaskAccepted)
	now := at.Add(7 * 24 * time.Hour)
	day := socialrx.DateOf(now)
	err := o.RecordAttendance(stranger, day, true, "", now)
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
	err = o.RecordAttendance(worker, day, true, "", now)
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
	err = o.RecordAttendance(partner, day.AddDays(1), true, "", now)
	assert.Equal(t, "/attendance/date", socialrx.ErrorFields(err)[0].Path)
	err = o.RecordAttendance(partner, socialrx.DateOf(t0).AddDays(-1), true, "", now)
	assert.Equal(t, "/attendance/date", socialrx.ErrorFields(err)[0].Path)
	assert.Empty(t, o.Attendance)

	require.NoError(t, o.RecordAttendance(partner, day, true, "planted bulbs", now))
	assert.Equal(t, referral.TaskInProgress, o.Status, "first attended session starts the work")
	require.Len(t, o.Attendance, 1)

	require.NoError(t, o.AddFeedback(partner, "Settled in well", now, now))
	err = o.AddFeedback(partner, "  ", now, now)
	assert.Equal(t, "/feedback/text", socialrx.ErrorFields(err)[0].Path)
	require.Len(t, o.Feedback, 1)

	require.NoError(t, o.Transition(partner, referral.TaskCompleted, "", "finished the course", now, now))
	err = o.RecordAttendance(partner, day, true, "", now)
	assert.Equal(t, "/status", socialrx.ErrorFields(err)[0].Path)
}

func TestOverdueWorkingDays(t *testing.T) {
	o, _ := onward(t) // requested Monday 2 November 2026
	p := referral.Policy{Holidays: []socialrx.Date{socialrx.MustParseDate("2026-11-04")}}
	dates := o.ChaseDates(p)
	// Working days after Mon 2 Nov, skipping Wed 4 Nov and the weekend:
	// 3, 5, 6, 9, 10, 11 (6th) … 12, 13, 16 (9th).
	assert.Equal(t, []socialrx.Date{socialrx.MustParseDate("2026-11-11"), socialrx.MustParseDate("2026-11-16")}, dates)
	at := func(s string) time.Time { return socialrx.MustParseDate(s).Time().Add(9 * time.Hour) }
	assert.Equal(t, 0, o.Overdue(at("2026-11-10"), p))
	assert.Equal(t, 1, o.Overdue(at("2026-11-11"), p))
	assert.Equal(t, 1, o.Overdue(at("2026-11-15"), p))
	assert.Equal(t, 2, o.Overdue(at("2026-11-16"), p))
	assert.Equal(t, []socialrx.Date{socialrx.MustParseDate("2026-11-10"), socialrx.MustParseDate("2026-11-13")}, o.ChaseDates(referral.Policy{}), "defaults 6 and 9 with no holidays")
	assert.Equal(t, []socialrx.Date{socialrx.MustParseDate("2026-11-05")}, o.ChaseDates(referral.Policy{ChaseWorkingDays: []int{3}}))

	now := at("2026-11-20")
	require.NoError(t, o.Transition(partner, referral.TaskAccepted, "", "", now, now))
	assert.Equal(t, 0, o.Overdue(now, p), "a partner that acted is not overdue")
}

func TestDecodeOnwardReferral(t *testing.T) {
	o, _ := reachTask(t, referral.TaskRejected)
	b := mustJSON(t, o)
	got, err := referral.DecodeOnwardReferral(b)
	require.NoError(t, err)
	assert.Equal(t, o, got)
	_, err = referral.DecodeOnwardReferral([]byte(`{"id":"x","status":"lost"}`))
	require.Error(t, err)
	paths := map[string]bool{}
	for _, f := range socialrx.ErrorFields(err) {
		paths[f.Path] = true
	}
	assert.True(t, paths["/status"])
	assert.True(t, paths["/id"])
	assert.True(t, paths["/partner"])
}

func TestChasesDueAndMarkChased(t *testing.T) {
	o, _ := onward(t) // requested Monday 2 November 2026; chase on 10 and 13 November
	at := func(s string) time.Time { return socialrx.MustParseDate(s).Time().Add(9 * time.Hour) }
	due, next := o.ChasesDue(at("2026-11-09"), referral.Policy{})
	assert.Equal(t, 0, due)
	require.NotNil(t, next)
	assert.Equal(t, at("2026-11-10").Truncate(24*time.Hour), *next)

	due, next = o.ChasesDue(at("2026-11-13"), referral.Policy{})
	assert.Equal(t, 2, due, "a scheduler that was down catches up")
	assert.Nil(t, next)
	o.MarkChased(1)
	due, next = o.ChasesDue(at("2026-11-10"), referral.Policy{})
	assert.Equal(t, 0, due)
	assert.Equal(t, at("2026-11-13").Truncate(24*time.Hour), *next)
	o.MarkChased(2)
	due, next = o.ChasesDue(at("2026-11-30"), referral.Policy{})
	assert.Equal(t, 0, due)
	assert.Nil(t, next)
}
