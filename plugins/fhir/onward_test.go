package fhir_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// carriedOnward is the onward referral as the FHIR mapping carries it.
func carriedOnward(o *referral.OnwardReferral) *referral.OnwardReferral {
	c := *o
	c.History, c.Chased, c.Version = []referral.TaskEvent{}, 0, 0
	return &c
}

func TestTaskStatusMapping(t *testing.T) {
	want := map[referral.TaskStatus]string{
		referral.TaskRequested:      "requested",
		referral.TaskAccepted:       "accepted",
		referral.TaskRejected:       "rejected",
		referral.TaskInProgress:     "in-progress",
		referral.TaskOnHold:         "on-hold",
		referral.TaskCompleted:      "completed",
		referral.TaskFailed:         "failed",
		referral.TaskCancelled:      "cancelled",
		referral.TaskEnteredInError: "entered-in-error",
	}
	require.Len(t, want, len(referral.TaskStatus("").EnumValues()), "every status is in the table")
	for s, w := range want {
		assert.Equal(t, w, fhir.TaskStatusToFHIR(s), "to FHIR: %s", s)
		back, err := fhir.TaskStatusFromFHIR(w)
		require.NoError(t, err)
		assert.Equal(t, s, back, "from FHIR: %s", w)
	}
	for _, bad := range []string{"", "draft", "received", "ready", "in_progress", "on_hold", "Completed"} {
		_, err := fhir.TaskStatusFromFHIR(bad)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%q", bad)
	}
}

func TestOnwardRoundTrip(t *testing.T) {
	for _, scope := range []referral.ShareScope{referral.ShareMinimal, referral.ShareFull} {
		for _, s := range referral.TaskStatus("").EnumValues() {
			status := referral.TaskStatus(s)
			t.Run(string(scope)+"/"+s, func(t *testing.T) {
				o := newOnward(t, scope)
				o.Status = status
				if status == referral.TaskRejected {
					o.RejectReason = referral.RejectNotEligible
				}
				require.NoError(t, o.AddFeedback(partner, "Peggy came along and loved it.", t0.Add(20*time.Minute), t0.Add(time.Hour)))
				require.NoError(t, o.AddFeedback(linkWorker, "Thank you!", t0.Add(25*time.Minute), t0.Add(time.Hour)))

				res, err := fhir.OnwardToFHIR(o)
				require.NoError(t, err)
				require.Len(t, res.Transaction().Entry, 3)
				requireValidFHIR(t, res.Transaction())
				assert.Equal(t, fhir.TaskStatusToFHIR(status), res.Task.Status)
				assert.Equal(t, partnerOrg, res.Task.Owner.Identifier.Value, "the partner owns the Task")

				b, err := json.Marshal(res.Transaction())
				require.NoError(t, err)
				got, err := fhir.DecodeOnwardBundle(b)
				require.NoError(t, err)
				jsonEq(t, carriedOnward(o), got, "onward referral round trip")
			})
		}
	}
}

func TestOnwardPartnerViewOnly(t *testing.T) {
	res, err := fhir.OnwardToFHIR(newOnward(t, referral.ShareMinimal))
	require.NoError(t, err)
	pt := res.Patient
	assert.Len(t, pt.Identifier, 1, "no NHS number under minimal sharing")
	assert.Empty(t, pt.BirthDate)
	assert.Equal(t, []fhir.HumanName{{Use: "usual", Given: []string{"Peggy"}}}, pt.Name, "only the name the person likes, no surname")
	assert.Equal(t, []fhir.ContactPoint{{System: "phone", Value: "07700 900123"}}, pt.Telecom, "only the preferred contact")
	assert.Empty(t, pt.Address)
	for _, rc := range res.ServiceRequest.ReasonCode {
		assert.NotEmpty(t, rc.Coding, "no reason in words under minimal sharing")
	}
}

func TestOnwardInvalid(t *testing.T) {
	_, err := fhir.OnwardToFHIR(&referral.OnwardReferral{Status: "lost"})
	require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"/id", "/partner", "/referral_id", "/requested_at", "/requested_by", "/service_id", "/status"}, paths)

	cases := map[string]struct {
		edit func(res *fhir.OnwardResources)
		path string
	}{
		"Task status outside the loop": {func(res *fhir.OnwardResources) { res.Task.Status = "ready" }, "/Task/status"},
		"unknown reject reason": {func(res *fhir.OnwardResources) {
			res.Task.StatusReason = &fhir.CodeableConcept{Coding: []fhir.Coding{{System: fhir.CodeSystemReason, Code: "bored"}}}
		}, "/Task/statusReason"},
		"no partner":            {func(res *fhir.OnwardResources) { res.Task.Owner = nil }, "/Task/owner"},
		"no requester":          {func(res *fhir.OnwardResources) { res.ServiceRequest.Requester = nil }, "/ServiceRequest/requester"},
		"no referral":           {func(res *fhir.OnwardResources) { res.ServiceRequest.BasedOn = nil }, "/ServiceRequest/basedOn"},
		"no service":            {func(res *fhir.OnwardResources) { res.ServiceRequest.Performer = nil }, "/ServiceRequest/performer"},
		"no time":               {func(res *fhir.OnwardResources) { res.ServiceRequest.AuthoredOn = "" }, "/ServiceRequest/authoredOn"},
		"no onward referral id": {func(res *fhir.OnwardResources) { res.ServiceRequest.Identifier = nil }, "/ServiceRequest/identifier"},
		"feedback time no time": {func(res *fhir.OnwardResources) { res.Task.Note = []fhir.Annotation{{Time: "soon", Text: "x"}} }, "/Task/note/0/time"},
		"a need socialrx lacks": {func(res *fhir.OnwardResources) { res.ServiceRequest.ReasonCode[0].Coding[0].Code = "x" }, "/ServiceRequest/reasonCode/0/coding/0/code"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := fhir.OnwardToFHIR(newOnward(t, referral.ShareFull))
			require.NoError(t, err)
			tc.edit(res)
			got, err := fhir.OnwardFromFHIR(res)
			assert.Nil(t, got)
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "error: %v", err)
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.Contains(t, paths, tc.path, "error: %v", err)
		})
	}
}
