package referral_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

func TestNHSNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want, rule string
	}{
		{"9434765919", "9434765919", ""},
		{"943 476 5919", "9434765919", ""},
		{"943-476-5919", "9434765919", ""},
		{"4010232137", "4010232137", ""},
		{"9434765918", "", "modulus 11"},
		{"1000000010", "", "modulus 11"}, // check digit would be 10
		{"0000000000", "0000000000", ""},
		{"943476591", "", "10 digits"},
		{"94347659190", "", "10 digits"},
		{"94347659l9", "", "digits only"},
		{"", "", "10 digits"},
	} {
		got, err := referral.NormaliseNHSNumber(tc.in)
		if tc.rule == "" {
			require.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got)
			continue
		}
		require.Error(t, err, tc.in)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, "/nhs_number", socialrx.ErrorFields(err)[0].Path)
		assert.Contains(t, socialrx.ErrorFields(err)[0].Rule, tc.rule, tc.in)
	}
}

func TestPostcode(t *testing.T) {
	for in, want := range map[string]string{"se115qy": "SE11 5QY", "SW1A 1AA": "SW1A 1AA", " m1 1ae ": "M1 1AE", "B338TH": "B33 8TH"} {
		got, err := referral.NormalisePostcode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "12345", "SW1A", "ZZZZ ZZZ"} {
		_, err := referral.NormalisePostcode(bad)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), bad)
	}
}

func TestNewNormalisesAndRecords(t *testing.T) {
	r := received(t)
	assert.Equal(t, referral.StatusReceived, r.Status)
	assert.Equal(t, 1, r.Episode)
	require.Len(t, r.History, 1)
	assert.Equal(t, referral.StatusReceived, r.History[0].To)
	assert.Equal(t, gp, r.History[0].Actor)

	in := *r
	in.ID = ""
	in.Person.NHSNumber = "943 476 5919"
	in.Person.Postcode = "se115qy"
	in.Urgency = ""
	n, err := referral.New(in, gp, t0)
	require.NoError(t, err)
	assert.NotEmpty(t, n.ID)
	assert.Equal(t, "9434765919", n.Person.NHSNumber)
	assert.Equal(t, "SE11 5QY", n.Person.Postcode)
	assert.Equal(t, referral.UrgencyRoutine, n.Urgency)
}

func TestNewBadInput(t *testing.T) {
	future := t0.Add(time.Hour)
	for _, tc := range []struct {
		name   string
		change func(r *referral.Referral)
		paths  []string
	}{
		{"invalid NHS number", func(r *referral.Referral) { r.Person.NHSNumber = "9434765918" }, []string{"/person/nhs_number"}},
		{"date of birth in the future", func(r *referral.Referral) { r.Person.DateOfBirth = socialrx.DateOf(t0).AddDays(1) }, []string{"/person/date_of_birth"}},
		{"no consent to be referred", func(r *referral.Referral) { r.Consents.Referral = referral.Consent{} }, []string{"/consents/referral/given"}},
		{"consent to be referred withdrawn", func(r *referral.Referral) {
			r.Consents.Referral.WithdrawnAt, r.Consents.Referral.WithdrawnBy = &t0, "x"
		}, []string{"/consents/referral/given"}},
		{"unknown need", func(r *referral.Referral) { r.Needs = []socialrx.Need{"joy"} }, []string{"/needs/0"}},
		{"no needs", func(r *referral.Referral) { r.Needs = nil }, []string{"/needs"}},
		{"need twice", func(r *referral.Referral) { r.Needs = append(r.Needs, r.Needs[0]) }, []string{"/needs/2"}},
		{"unknown source", func(r *referral.Referral) { r.Referrer.Kind = "doctor" }, []string{"/referrer/kind"}},
		{"unknown urgency", func(r *referral.Referral) { r.Urgency = "asap" }, []string{"/urgency"}},
		{"unknown contact method", func(r *referral.Referral) { r.Person.Contact.Methods = []referral.ContactMethod{"pigeon"} }, []string{"/person/contact/methods/0"}},
		{"email chosen without address", func(r *referral.Referral) {
			r.Person.Contact.Methods = []referral.ContactMethod{referral.ContactEmail}
		}, []string{"/person/contact/email"}},
		{"no names", func(r *referral.Referral) { r.Person.GivenName, r.Person.FamilyName = "", " " }, []string{"/person/family_name", "/person/given_name"}},
		{"bad postcode", func(r *referral.Referral) { r.Person.Postcode = "nowhere" }, []string{"/person/postcode"}},
		{"consent recorded in the future", func(r *referral.Referral) { r.Consents.Evaluation.RecordedAt = future }, []string{"/consents/evaluation/recorded_at"}},
		{"consent given without who", func(r *referral.Referral) { r.Consents.ContactForFeedback.RecordedBy = "" }, []string{"/consents/contact_for_feedback/recorded_by"}},
		{"scope on the wrong consent", func(r *referral.Referral) { r.Consents.Evaluation.Scope = referral.ShareFull }, []string{"/consents/evaluation/scope"}},
		{"received in the future", func(r *referral.Referral) { r.ReceivedAt = future }, []string{"/received_at"}},
		{"not a UUID", func(r *referral.Referral) { r.ID = "42" }, []string{"/id"}},
		{"several at once", func(r *referral.Referral) {
			r.Person.NHSNumber = "123"
			r.Referrer.Name = ""
			r.Needs = []socialrx.Need{"joy"}
		}, []string{"/needs/0", "/person/nhs_number", "/referrer/name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := *received(t)
			tc.change(&in)
			_, err := referral.New(in, gp, t0)
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
				assert.NotEmpty(t, f.Rule)
			}
			assert.Equal(t, tc.paths, paths)
		})
	}
}

func TestConsentRecordAndWithdraw(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	n := len(r.History)
	require.NoError(t, r.RecordConsent(referral.ConsentEvaluation, true, "", worker, at, at))
	assert.True(t, r.Consents.Evaluation.Active())
	require.NoError(t, r.WithdrawConsent(referral.ConsentEvaluation, worker, at, at, "does not want to be counted"))
	assert.False(t, r.Consents.Evaluation.Active())
	assert.Equal(t, "lw-sam", r.Consents.Evaluation.WithdrawnBy)
	assert.Len(t, r.History, n+2)
	assert.Equal(t, referral.EventConsent, r.History[n+1].Type)

	err := r.WithdrawConsent(referral.ConsentEvaluation, worker, at, at, "")
	assert.Equal(t, "/consents/evaluation/given", socialrx.ErrorFields(err)[0].Path, "twice")
	err = r.RecordConsent("marketing", true, "", worker, at, at)
	assert.Equal(t, "/consents", socialrx.ErrorFields(err)[0].Path)
	err = r.RecordConsent(referral.ConsentFeedback, true, referral.ShareFull, worker, at, at)
	assert.Equal(t, "/consents/contact_for_feedback/scope", socialrx.ErrorFields(err)[0].Path)
	err = r.RecordConsent(referral.ConsentFeedback, true, "", worker, at.Add(time.Hour), at)
	assert.Equal(t, "/consents", socialrx.ErrorFields(err)[0].Path)
	assert.Len(t, r.History, n+2, "refused changes append nothing")
}

func TestSignpostAndCheckIn(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	_, err := r.Signpost("svc-walks", partner, at, at, "", referral.Policy{})
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
	_, err = r.Signpost(" ", worker, at, at, "", referral.Policy{})
	assert.Equal(t, "/service_id", socialrx.ErrorFields(err)[0].Path)

	s, err := r.Signpost("svc-walks", worker, at, at, "Thursday health walk", referral.Policy{})
	require.NoError(t, err)
	assert.Equal(t, socialrx.MustParseDate("2026-11-30"), s.CheckInDue)
	assert.Equal(t, socialrx.MustParseDate("2026-12-14"), s.CheckInBy)
	s2, err := r.Signpost("svc-choir", worker, at, at, "", referral.Policy{CheckInAfterDays: 14, CheckInByDays: 21})
	require.NoError(t, err)
	assert.Equal(t, socialrx.MustParseDate("2026-11-16"), s2.CheckInDue)

	due, overdue := r.DueCheckIns(socialrx.MustParseDate("2026-11-30").Time())
	require.Len(t, due, 2)
	assert.Equal(t, []bool{false, true}, overdue)

	now := socialrx.MustParseDate("2026-12-01").Time()
	err = r.RecordCheckIn("nope", referral.CheckInStillGoing, worker, now, now, "")
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	err = r.RecordCheckIn(s.ID, "loved it", worker, now, now, "")
	assert.Equal(t, "/signposts/0/check_in/result", socialrx.ErrorFields(err)[0].Path)
	require.NoError(t, r.RecordCheckIn(s.ID, referral.CheckInStillGoing, worker, now, now, "goes every week"))
	err = r.RecordCheckIn(s.ID, referral.CheckInStillGoing, worker, now, now, "")
	assert.Equal(t, "/signposts/0/check_in", socialrx.ErrorFields(err)[0].Path)
	due, _ = r.DueCheckIns(now)
	require.Len(t, due, 1)
	assert.Equal(t, s2.ID, due[0].ID)

	rec := received(t)
	_, err = rec.Signpost("svc", worker, t0, t0, "", referral.Policy{})
	assert.Equal(t, "/status", socialrx.ErrorFields(err)[0].Path)
}

func TestReferrerNoticesAndClinicalEvents(t *testing.T) {
	r := received(t)
	at := t0.Add(time.Hour)
	require.NoError(t, r.Decline(worker, referral.DeclineDeclinedByPerson, at, at, ""))
	ev := r.History[len(r.History)-1]
	n, ok := referral.ReferrerNotice(r, ev)
	require.True(t, ok)
	assert.Equal(t, "referral.declined", n.Event)
	assert.Equal(t, "asha.patel@riverside.example.nhs.uk", n.To.Email)
	assert.Contains(t, n.Body, "M.O., born 1948-03-14")
	assert.Contains(t, n.Body, "chose not to take up")
	assert.NotContains(t, n.Body, "9434765919")
	ce := referral.ClinicalEvents(r, ev)
	require.Len(t, ce, 1)
	assert.Equal(t, referral.SNOMEDDeclined, ce[0].SNOMED)
	assert.Equal(t, "9434765919", ce[0].NHSNumber)

	r = received(t)
	require.NoError(t, r.Decline(worker, referral.DeclineOutOfArea, at, at, ""))
	assert.Empty(t, referral.ClinicalEvents(r, r.History[len(r.History)-1]), "only the person declining is coded")

	r = active(t)
	_, ok = referral.ReferrerNotice(r, r.History[len(r.History)-1])
	assert.False(t, ok, "no notice for going active")
	acc := r.History[1]
	n, ok = referral.ReferrerNotice(r, acc)
	require.True(t, ok)
	assert.Equal(t, "referral.accepted", n.Event)
	assert.Equal(t, referral.SNOMEDReferred, referral.ClinicalEvents(r, acc)[0].SNOMED)
	at = t0.Add(5 * time.Hour)
	require.NoError(t, r.Close(worker, referral.CloseGoalsMet, at, at, ""))
	n, ok = referral.ReferrerNotice(r, r.History[len(r.History)-1])
	require.True(t, ok)
	assert.Contains(t, n.Body, "met the goals")
}

func TestFindDuplicates(t *testing.T) {
	r := received(t)
	same := *received(t)
	same.ID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f11"
	byName := same
	byName.ID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f12"
	byName.Person.NHSNumber = ""
	byName.Person.GivenName, byName.Person.FamilyName = "  MARGARET ", "O Neill"
	closed := same
	closed.ID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f13"
	closed.Status = referral.StatusClosed
	other := byName
	other.ID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f14"
	other.Person.DateOfBirth = socialrx.MustParseDate("1948-03-15")
	got := referral.FindDuplicates(r, []referral.Referral{*r, same, byName, closed, other})
	assert.Equal(t, []referral.Duplicate{
		{ReferralID: same.ID, Why: "nhs_number"},
		{ReferralID: byName.ID, Why: "name_and_date_of_birth"},
	}, got)
}

func TestJSONRoundTrip(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	_, err := r.Signpost("svc-walks", worker, at, at, "", referral.Policy{})
	require.NoError(t, err)
	require.NoError(t, r.WithdrawConsent(referral.ConsentFeedback, worker, at, at, "no calls"))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, referral.Validate(b))
	got, err := referral.Decode(b, at)
	require.NoError(t, err)
	assert.Equal(t, r, got)
	b2, _ := json.Marshal(got)
	assert.JSONEq(t, string(b), string(b2))
}

func TestDecodeRefusesUnknownFieldsAndWrongTypes(t *testing.T) {
	doc, err := os.ReadFile("testdata/referral_valid.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	m["urgency"] = 3
	m["person"].(map[string]any)["shoe_size"] = 9
	b, _ := json.Marshal(m)
	err = referral.Validate(b)
	require.Error(t, err)
	var paths []string
	for _, f := range socialrx.ErrorFields(err) {
		paths = append(paths, f.Path)
	}
	assert.Contains(t, paths, "/person/shoe_size")
	assert.Contains(t, paths, "/urgency")

	for _, bad := range []string{``, `{`, `[]`, `{"id": "x"} {}`, `null`} {
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(referral.Validate([]byte(bad))), bad)
	}
}

func TestRedactedClearsSensitiveFields(t *testing.T) {
	p := received(t).Person.Redacted()
	assert.Equal(t, "Margaret", p.GivenName)
	assert.Equal(t, "Peggy", p.PreferredName)
	assert.Empty(t, p.FamilyName)
	assert.Empty(t, p.NHSNumber)
	assert.True(t, p.DateOfBirth.IsZero())
	assert.Empty(t, p.Postcode)
	assert.Empty(t, p.Contact.Phone)
	assert.Empty(t, p.Contact.Address)
	assert.Equal(t, []referral.ContactMethod{"phone", "letter"}, p.Contact.Methods)
	assert.True(t, p.WantsEscort)
}

func TestRemindersOnceEach(t *testing.T) {
	r := active(t)
	at := t0.Add(3 * time.Hour)
	s, err := r.Signpost("svc-walks", worker, at, at, "", referral.Policy{})
	require.NoError(t, err)
	day := func(s string) time.Time { return socialrx.MustParseDate(s).Time().Add(8 * time.Hour) }

	due, next := r.Reminders(day("2026-11-29"))
	assert.Empty(t, due)
	assert.Equal(t, socialrx.MustParseDate("2026-11-30").Time(), *next)

	due, next = r.Reminders(day("2026-11-30"))
	assert.Equal(t, []referral.Reminder{{SignpostID: s.ID}}, due)
	require.NoError(t, r.MarkReminded(due[0], day("2026-11-30")))
	due, next = r.Reminders(day("2026-11-30"))
	assert.Empty(t, due, "sent once")
	assert.Equal(t, socialrx.MustParseDate("2026-12-15").Time(), *next, "again the day after the check-in-by date")

	due, _ = r.Reminders(day("2026-12-15"))
	assert.Equal(t, []referral.Reminder{{SignpostID: s.ID, Overdue: true}}, due)
	require.NoError(t, r.MarkReminded(due[0], day("2026-12-15")))
	due, next = r.Reminders(day("2027-01-01"))
	assert.Empty(t, due)
	assert.Nil(t, next)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(r.MarkReminded(referral.Reminder{SignpostID: "x"}, day("2027-01-01"))))

	s2, err := r.Signpost("svc-choir", worker, at, at, "", referral.Policy{})
	require.NoError(t, err)
	now := day("2026-12-20")
	require.NoError(t, r.RecordCheckIn(s2.ID, referral.CheckInNotAttended, worker, now, now, ""))
	due, _ = r.Reminders(now)
	assert.Empty(t, due, "no reminder for a check-in already done")
}
