// Command embed shows the socialrx domain packages used on their own, as
// an embedding developer would: no host, no plugins, no I/O but printing.
// A GP refers Peggy; a link worker accepts and triages her, finds her a
// gardening club in a small directory, refers her on, and her wellbeing is
// measured before and after.
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/referral"
)

func main() { run(os.Stdout) }

// run tells the story on w.
func run(w io.Writer) {
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	gp := referral.Actor{ID: "dr-patel", Role: referral.RoleReferrer}
	worker := referral.Actor{ID: "lw-sam", Role: referral.RoleLinkWorker}
	consent := referral.Consent{Given: true, RecordedBy: "dr-patel", RecordedAt: now}

	// Referral in: validated (NHS number check digit, consent, codes).
	r, err := referral.New(referral.Referral{
		Referrer: referral.Referrer{Kind: referral.SourceGP, Name: "Dr Patel", Email: "patel@example.nhs.uk"},
		Person: referral.Person{GivenName: "Margaret", PreferredName: "Peggy", FamilyName: "O'Neill", NHSNumber: "943 476 5919",
			Contact: referral.Contact{Methods: []referral.ContactMethod{referral.ContactPhone}, Phone: "020 7946 0018"}},
		Needs:    []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedNatureGardening},
		Consents: referral.Consents{Referral: consent, ShareWithPartners: consent, Evaluation: consent},
	}, gp, now)
	check(err)
	now = now.Add(time.Hour)
	check(r.Accept(worker, now, now, ""))
	check(r.Apply(referral.Change{To: referral.StatusActive, By: worker, At: now}, now))

	// Triage, explained.
	res, err := plan.Triage(plan.Assessment{AssessedAt: now, AssessedBy: worker.ID,
		Needs:         []plan.AssessedNeed{{Need: socialrx.NeedLoneliness, Severity: plan.SeverityHigh}},
		Circumstances: []plan.Circumstance{plan.CircumstanceLivesAlone},
		Readiness:     plan.ReadinessConsidering, SupportNetwork: plan.NetworkLimited}, plan.DefaultRules())
	check(err)
	fmt.Fprintf(w, "Triage: level %d, %s, %d contacts\n", res.Level, res.Pathway, res.Contacts)
	for _, why := range res.Reasons {
		fmt.Fprintln(w, "  because", why.Text)
	}

	// Match against a directory.
	ix, err := directory.NewIndex(directory.Service{ID: "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60", OrganizationID: "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10",
		Name: "Tuesday Gardening Club", Description: "A friendly community gardening group; tools and tea provided.", Status: directory.StatusActive,
		CostOptions: []directory.CostOption{{ID: "7c3a2e30-4d31-4c79-9f90-3f5d4e6a7b82", Option: "Free", Amount: ptr(0.0)}}})
	check(err)
	m, err := ix.Match(directory.Person{Needs: r.Needs, Barriers: []directory.Barrier{"cost"}}, now, directory.MatchOptions{})
	check(err)
	for _, s := range m.Suggestions {
		fmt.Fprintf(w, "Suggested: %s — %v\n", s.Name, s.Reasons)
	}

	// Refer on: the partner sees only the minimal view.
	o, err := referral.NewOnwardReferral(r, m.Suggestions[0].ID, "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10", nil, worker, now, now, "Tuesday group")
	check(err)
	fmt.Fprintf(w, "The club sees: %s, %s %s\n", o.View.Name, o.View.ContactMethod, o.View.ContactDetail)

	// Wellbeing before and after.
	reg := outcomes.DefaultRegistry()
	swemwbs, err := reg.Lookup("swemwbs", "1")
	check(err)
	var ms []outcomes.Measurement
	for i, point := range []outcomes.TimePoint{"baseline", "follow_up"} {
		var answers []outcomes.Answer
		for _, item := range swemwbs.Items() {
			v := item.Min + i*2
			answers = append(answers, outcomes.Answer{Item: item.ID, Value: &v})
		}
		id := fmt.Sprintf("0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f%02d", i)
		scored, err := reg.Score(outcomes.Measurement{ID: id, Instrument: swemwbs.ID(), InstrumentVersion: swemwbs.Version(),
			Person: "peggy", Referral: r.ID, TimePoint: point, Date: socialrx.DateOf(now).AddDays(56 * i), AdministeredBy: worker.ID,
			Mode: "in_person", Answers: answers, EvaluationConsent: true})
		check(err)
		ms = append(ms, scored)
	}
	changes, err := reg.Changes(ms)
	check(err)
	for _, c := range changes {
		fmt.Fprintf(w, "%s %s: %.2f → %.2f (%s)\n", c.Instrument, c.Scale, c.Baseline, c.Latest, c.Outcome)
	}
}

func ptr[T any](v T) *T { return &v }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
