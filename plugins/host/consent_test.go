package host_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// disclosed is what left the host about the person, path by path.
type disclosed struct {
	// PartnerName and PartnerNHS are what the partner reads of the person,
	// through both the read and the list of its onward referrals.
	PartnerName, PartnerNHS string
	Onward                  referral.TaskStatus
	// To the partner: the request, chasers, the note that it was withdrawn.
	PartnerRequests, PartnerChasers, PartnerWithdrawn int
	// ReferrerNotices are the events the referrer was told of.
	ReferrerNotices []string
	// Reported counts the person's measurements in a report made now.
	Reported int
	// FollowUpRequests counts the reminders to ask the person for feedback.
	FollowUpRequests int
	// GPCodes are the SNOMED CT codes sent to the GP record.
	GPCodes []string
	// Exported tells whether the ORUK export names the person.
	Exported bool
}

// TestConsentDecidesEveryDisclosure walks each consent (and a narrowing of
// the sharing scope) across every path a person's details leave by:
// the partner's reads, messages to the partner, notices to the referrer,
// reports, feedback requests, the GP record (FHIR) and the directory
// export. The person is set up with every consent given (sharing in full),
// an onward referral and a baseline measure; then the consent changes, a
// quarter passes with the scheduler running, and what was disclosed is
// compared with what each consent allows. It runs on every deployment.
func TestConsentDecidesEveryDisclosure(t *testing.T) {
	base := disclosed{PartnerName: "Peggy", PartnerNHS: "9434765919", Onward: referral.TaskRequested,
		PartnerRequests: 1, PartnerChasers: 2, ReferrerNotices: []string{"referral.accepted"},
		Reported: 1, FollowUpRequests: 1, GPCodes: []string{referral.SNOMEDReferred}}
	withdrawn := func(d disclosed) disclosed {
		d.PartnerName, d.PartnerNHS, d.Onward, d.PartnerChasers, d.PartnerWithdrawn = "", "", referral.TaskCancelled, 0, 1
		return d
	}
	for _, tc := range []struct {
		name   string
		change host.ConsentChange
		want   disclosed
	}{
		{"nothing changes", host.ConsentChange{}, base},
		{"referral withdrawn", host.ConsentChange{Kind: referral.ConsentReferral, Withdraw: true}, func() disclosed {
			d := withdrawn(base)
			d.ReferrerNotices = []string{"referral.accepted", "referral.closed"}
			return d
		}()},
		{"referral not given", host.ConsentChange{Kind: referral.ConsentReferral, Given: false}, func() disclosed {
			d := withdrawn(base)
			d.ReferrerNotices = []string{"referral.accepted", "referral.closed"}
			return d
		}()},
		{"sharing withdrawn", host.ConsentChange{Kind: referral.ConsentShare, Withdraw: true}, withdrawn(base)},
		{"sharing narrowed to minimal", host.ConsentChange{Kind: referral.ConsentShare, Given: true, Scope: referral.ShareMinimal}, func() disclosed {
			d := base
			d.PartnerNHS = ""
			return d
		}()},
		{"feedback withdrawn", host.ConsentChange{Kind: referral.ConsentFeedback, Withdraw: true}, func() disclosed {
			d := base
			d.FollowUpRequests = 0
			return d
		}()},
		{"evaluation withdrawn", host.ConsentChange{Kind: referral.ConsentEvaluation, Withdraw: true}, func() disclosed {
			d := base
			d.Reported = 0
			return d
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
				r, o := consentingPerson(t, e)
				if tc.change.Kind != "" {
					_, err := e.Svc.RecordConsent(context.Background(), as(referral.RoleLinkWorker), host.Target{ID: r.ID}, tc.change)
					require.NoError(t, err)
				}
				assert.Equal(t, tc.want, whatLeft(t, e, r, o))
			})
		})
	}
}

// consentingPerson makes an active referral with every consent given
// (sharing in full), an onward referral to the gardening club and a
// baseline measure.
func consentingPerson(t *testing.T, e *hosttest.Env) (*referral.Referral, *referral.OnwardReferral) {
	t.Helper()
	ctx, lw := context.Background(), as(referral.RoleLinkWorker)
	r := activeReferral(t, e)
	var err error
	for _, c := range []host.ConsentChange{
		{Kind: referral.ConsentShare, Given: true, Scope: referral.ShareFull},
		{Kind: referral.ConsentEvaluation, Given: true},
	} {
		r, err = e.Svc.RecordConsent(ctx, lw, host.Target{ID: r.ID, Version: r.Version}, c)
		require.NoError(t, err)
	}
	o, err := e.Svc.CreateOnwardReferral(ctx, lw, r.ID, host.OnwardRequest{ServiceID: hosttest.GardenService, Note: "Peggy loves roses"}, "")
	require.NoError(t, err)
	var answers []outcomes.Answer
	three := 3
	for _, item := range []string{"optimism", "useful", "relaxed", "dealing_with_problems", "thinking_clearly", "close_to_others", "own_mind"} {
		answers = append(answers, outcomes.Answer{Item: item, Value: &three})
	}
	_, err = e.Svc.RecordMeasurement(ctx, lw, r.ID, host.MeasurementRequest{Instrument: "swemwbs", InstrumentVersion: "1", TimePoint: "baseline",
		Date: socialrx.DateOf(e.Clock.Now()), Mode: "in_person", Answers: answers}, "")
	require.NoError(t, err)
	return r, o
}

// whatLeft lets a quarter pass with the scheduler and the outbox running,
// then reads what each path disclosed.
func whatLeft(t *testing.T, e *hosttest.Env, r *referral.Referral, o *referral.OnwardReferral) disclosed {
	t.Helper()
	ctx := context.Background()
	for _, days := range []int{0, 15, 75} { // past both chasers, then the follow-up
		e.Clock.Add(time.Duration(days) * 24 * time.Hour)
		_, err := e.Svc.RunScheduler(ctx, "w", 100)
		require.NoError(t, err)
		_, err = e.Svc.DeliverOutbox(ctx, "w", 1000)
		require.NoError(t, err)
	}
	var d disclosed
	partner := as(referral.RolePartner)
	got, err := e.Svc.GetOnwardReferral(ctx, partner, o.ID)
	require.NoError(t, err)
	listed, _, err := e.Svc.ListOnwardReferrals(ctx, partner, host.OnwardQuery{})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, got.View, listed[0].View, "a list shows what a read shows")
	d.PartnerName, d.Onward = got.View.Name, got.Status
	if got.View.Full != nil {
		d.PartnerNHS = got.View.Full.NHSNumber
	}
	for _, m := range e.Messenger.Sent() {
		switch {
		case m.To.Role == plugins.RolePartner && m.Event == "onward_referral.requested":
			d.PartnerRequests++
		case m.To.Role == plugins.RolePartner && m.Event == "onward_referral.overdue":
			d.PartnerChasers++
		case m.To.Role == plugins.RolePartner && m.Event == "onward_referral.cancelled":
			d.PartnerWithdrawn++
			assert.NotContains(t, m.Body, "Peggy", "the partner is told it was withdrawn, nothing more")
		case m.To.Role == plugins.RoleReferrer:
			d.ReferrerNotices = append(d.ReferrerNotices, m.Event)
		case m.Event == "measurement.follow_up_due":
			d.FollowUpRequests++
		}
	}
	rep, err := e.Svc.OutcomesReport(ctx, as(referral.RoleCommissioner), outcomes.Options{})
	require.NoError(t, err)
	d.Reported = rep.Measurements
	for _, ev := range e.Clinical.Recorded() {
		d.GPCodes = append(d.GPCodes, ev.Event.SNOMED)
	}
	page, err := e.Svc.ORUKServices(ctx, host.ORUKQuery{Page: 1, PerPage: 100})
	require.NoError(t, err)
	require.NotEmpty(t, page.Contents)
	export, err := json.Marshal(page)
	require.NoError(t, err)
	d.Exported = strings.Contains(string(export), r.Person.FamilyName) || strings.Contains(string(export), r.Person.NHSNumber)
	return d
}
