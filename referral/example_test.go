package referral_test

import (
	"fmt"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// A GP refers Peggy; the link worker accepts her, she becomes active, is
// referred on to a gardening club that accepts her and reports that she
// came, and her referral closes when her goals are met.
func Example() {
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	gp := referral.Actor{ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001"}
	worker := referral.Actor{ID: "lw-sam", Role: referral.RoleLinkWorker}
	club := referral.Actor{ID: "club-lead", Role: referral.RolePartner, Organisation: "org-garden"}
	consent := referral.Consent{Given: true, RecordedBy: "dr-patel", RecordedAt: now}

	r, err := referral.New(referral.Referral{
		Referrer: referral.Referrer{Kind: referral.SourceGP, Name: "Dr Patel", Email: "patel@example.nhs.uk"},
		Person: referral.Person{GivenName: "Margaret", PreferredName: "Peggy", FamilyName: "O'Neill",
			NHSNumber: "943 476 5919", DateOfBirth: socialrx.MustParseDate("1948-03-14"),
			Contact: referral.Contact{Methods: []referral.ContactMethod{referral.ContactPhone}, Phone: "020 7946 0018"}},
		Needs:    []socialrx.Need{socialrx.NeedLoneliness},
		Consents: referral.Consents{Referral: consent, ShareWithPartners: consent},
	}, gp, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	step := func(d time.Duration) time.Time { now = now.Add(d); return now }

	_ = r.Accept(worker, step(time.Hour), now, "")
	for _, ce := range referral.ClinicalEvents(r, r.History[len(r.History)-1]) {
		fmt.Println("GP record:", ce.SNOMED, ce.Display)
	}
	_ = r.Apply(referral.Change{To: referral.StatusActive, By: worker, At: step(24 * time.Hour)}, now)

	o, _ := referral.NewOnwardReferral(r, "svc-garden", "org-garden", nil, worker, step(time.Hour), now, "Tuesday group")
	fmt.Printf("partner sees: %s, %s %s, needs %v\n", o.View.Name, o.View.ContactMethod, o.View.ContactDetail, o.View.Needs)
	_ = o.Transition(club, referral.TaskAccepted, "", "", step(24*time.Hour), now)
	_ = o.RecordAttendance(club, socialrx.DateOf(step(7*24*time.Hour)), true, "", now)
	fmt.Println("onward referral:", o.Status)

	_ = r.Close(worker, referral.CloseGoalsMet, step(30*24*time.Hour), now, "")
	n, _ := referral.ReferrerNotice(r, r.History[len(r.History)-1])
	fmt.Println("to referrer:", n.Body)
	fmt.Println("status:", r.Status, "events:", len(r.History))

	// Output:
	// GP record: 871731000000106 Referral to social prescribing service
	// partner sees: Peggy, phone 020 7946 0018, needs [loneliness_isolation]
	// onward referral: in_progress
	// to referrer: Our support for M.O., born 1948-03-14, referred on 2 November 2026, has ended: the person met the goals they set.
	// status: closed events: 4
}
