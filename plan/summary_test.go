package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

// fullPlan is a plan with clinical details everywhere they may be kept:
// none of the secrets may reach the summary.
func fullPlan(t *testing.T) *plan.Plan {
	t.Helper()
	a := baseAssessment()
	a.Risks = []plan.RiskFlag{plan.RiskSafeguarding, plan.RiskAlcoholMisuse}
	a.Needs = []plan.AssessedNeed{need(socialrx.NeedSubstanceMisuse, plan.SeverityHigh)}
	a.Notes = "SECRET-ASSESSMENT-NOTE"
	p, err := plan.New(plan.Start{ID: planID, ReferralID: referralID, ReferralDate: received, PersonName: "Joan",
		LinkWorker: worker, WhatMatters: "Seeing my grandchildren & getting back to <my> allotment", Triage: triaged(t, a), By: "lw-1"}, t0)
	require.NoError(t, err)
	now := t0.Add(2 * time.Hour)
	g1, err := p.AddGoal("Go to the gardening club", socialrx.NeedNatureGardening, now)
	require.NoError(t, err)
	g2, err := p.AddGoal("Cut down on drinking", socialrx.NeedSubstanceMisuse, now)
	require.NoError(t, err)
	g3, err := p.AddGoal("Learn to use a tablet", socialrx.NeedDigitalInclusion, now)
	require.NoError(t, err)
	require.NoError(t, p.UpdateGoal(g1, plan.GoalInProgress, "SECRET-PROGRESS-NOTE", "lw-1", now))
	require.NoError(t, p.UpdateGoal(g3, plan.GoalDropped, "not now", "lw-1", now))
	_ = g2
	_, err = p.AddBarrier(plan.Barrier{Kind: plan.BarrierAnxietyNewPlaces, Note: "SECRET-BARRIER-NOTE",
		Support: []plan.Support{{Kind: plan.SupportBuddyEscort, Detail: "Pat will meet you at the gate for your first session"}}}, now)
	require.NoError(t, err)
	_, err = p.AddActivity(plan.Activity{Kind: plan.ActivitySignpost, RefID: signpostID, Description: "Tuesday gardening club, 10am at St Margaret's", Goals: []int{g1}}, now)
	require.NoError(t, err)
	require.NoError(t, p.AddContact(plan.Contact{At: now, Kind: plan.ContactHomeVisit, Minutes: 60, By: "lw-1", Notes: "SECRET-CONTACT-NOTE",
		Next: plan.NextContact{On: socialrx.MustParseDate("2026-03-10"), Kind: plan.ContactPhone}}, now))
	_, err = p.ScheduleReview(socialrx.MustParseDate("2026-04-13"), now)
	require.NoError(t, err)
	return p
}

func TestSummaryText(t *testing.T) {
	p := fullPlan(t)
	got := plan.NewSummary(p, t0.Add(3*time.Hour)).Text()
	want := `Plan for Joan
Prepared on Monday 2 March 2026

YOUR LINK WORKER
Sam Patel, Age UK Lambeth
Phone: 020 7946 0000
Email: sam.patel@example.org
When to get in touch: Monday to Thursday, 9am to 5pm

WHAT MATTERS TO YOU
"Seeing my grandchildren & getting back to <my> allotment"

YOUR GOALS
- Go to the gardening club (under way)
- Cut down on drinking (not started yet)

WHAT WE AGREED
- Tuesday gardening club, 10am at St Margaret's
- Pat will meet you at the gate for your first session

YOUR NEXT CONTACT
A phone call on Tuesday 10 March 2026.
We will look at this plan together again on Monday 13 April 2026.
`
	assert.Equal(t, want, got)
}

func TestSummaryHTMLIsAccessible(t *testing.T) {
	p := fullPlan(t)
	html, err := plan.NewSummary(p, t0).HTML()
	require.NoError(t, err)
	for _, want := range []string{
		`<!DOCTYPE html>`, `<html lang="en">`, `<meta charset="utf-8">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<title>Plan for Joan</title>`, `<main>`, `<h1>Plan for Joan</h1>`,
		`<h2 id="link-worker">Your link worker</h2>`, `<h2 id="what-matters">What matters to you</h2>`,
		`<h2 id="goals">Your goals</h2>`, `<h2 id="agreed">What we agreed</h2>`, `<h2 id="next-contact">Your next contact</h2>`,
		`<section aria-labelledby="goals">`, `font-size: 1.375rem`,
		`<a href="tel:02079460000">020 7946 0000</a>`, `<a href="mailto:sam.patel@example.org">sam.patel@example.org</a>`,
		`<time datetime="2026-04-13">Monday 13 April 2026</time>`,
		`Seeing my grandchildren &amp; getting back to &lt;my&gt; allotment`,
		`<li>Go to the gardening club <span>(under way)</span></li>`,
		`A phone call on Tuesday 10 March 2026.`,
	} {
		assert.Contains(t, html, want)
	}
	assert.Equal(t, 1, strings.Count(html, "<h1>"), "one h1")
	assert.Equal(t, 5, strings.Count(html, "<h2 "), "one h2 per section")
	assert.NotContains(t, html, "<my>", "values are escaped")
	assert.NotContains(t, html, "font-size: 1px")
}

func TestSummaryHasNoClinicalDetails(t *testing.T) {
	p := fullPlan(t)
	s := plan.NewSummary(p, t0)
	html, err := s.HTML()
	require.NoError(t, err)
	for name, out := range map[string]string{"text": s.Text(), "html": html} {
		lower := strings.ToLower(out)
		for _, secret := range []string{
			"secret-", "safeguard", "alcohol", "substance", "escalat", "level", "score", "triage", "risk",
			"learn to use a tablet", // dropped goals are left out
			"anxiety", "mental",
		} {
			assert.NotContains(t, lower, secret, "%s summary shows %q", name, secret)
		}
	}
}

func TestSummaryEmptyPlan(t *testing.T) {
	p := newPlan(t)
	p.PersonName = ""
	s := plan.NewSummary(p, t0)
	text := s.Text()
	assert.True(t, strings.HasPrefix(text, "Your plan\n"))
	assert.Contains(t, text, "No goals written down yet.")
	assert.Contains(t, text, "Nothing agreed yet.")
	assert.Contains(t, text, "Not arranged yet: please get in touch with your link worker.")
	assert.NotContains(t, text, "WHAT MATTERS")
	html, err := s.HTML()
	require.NoError(t, err)
	assert.Contains(t, html, "<p>No goals written down yet.</p>")
	assert.NotContains(t, html, "what-matters")
}
