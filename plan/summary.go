package plan

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Summary is the one-page plan summary for the person and their family:
// their link worker and how to reach them, what matters to them and their
// goals in their own words, what was agreed, and when the next contact is.
// It holds no clinical details: no triage level, needs, risks, notes or
// contact records.
type Summary struct {
	// PersonName is the name the person likes to be called.
	PersonName string `json:"person_name,omitempty"`
	// LinkWorker is their link worker and how to reach them.
	LinkWorker LinkWorker `json:"link_worker"`
	// WhatMatters is what matters to them, in their words.
	WhatMatters string `json:"what_matters,omitempty"`
	// Goals are their goals in their words, leaving out dropped and replaced ones.
	Goals []SummaryGoal `json:"goals"`
	// Agreed lists what was agreed: the activities, then the support arranged.
	Agreed []string `json:"agreed"`
	// NextContact is the next contact, if one is arranged.
	NextContact NextContact `json:"next_contact,omitzero"`
	// NextReview is the next review of the plan, if one is due.
	NextReview socialrx.Date `json:"next_review,omitzero"`
	// Prepared is the date the summary was made.
	Prepared socialrx.Date `json:"prepared"`
}

// SummaryGoal is one goal on the summary.
type SummaryGoal struct {
	// Text is the goal in the person's words.
	Text string `json:"text"`
	// Progress says where it stands, in plain words.
	Progress string `json:"progress"`
}

func progressWords(s GoalStatus) string {
	switch s {
	case GoalInProgress:
		return "under way"
	case GoalAchieved:
		return "achieved"
	}
	return "not started yet"
}

// NewSummary makes the one-page summary of a plan at now.
func NewSummary(p *Plan, now time.Time) Summary {
	s := Summary{
		PersonName:  p.PersonName,
		LinkWorker:  p.LinkWorker,
		WhatMatters: p.WhatMatters,
		Goals:       []SummaryGoal{},
		Agreed:      []string{},
		NextContact: p.NextContact,
		Prepared:    socialrx.DateOf(now.UTC()),
	}
	for _, g := range p.Goals {
		if g.Status == GoalDropped || g.Status == GoalChanged {
			continue
		}
		s.Goals = append(s.Goals, SummaryGoal{Text: g.Text, Progress: progressWords(g.Status)})
	}
	for _, a := range p.Activities {
		s.Agreed = append(s.Agreed, a.Description)
	}
	for _, b := range p.Barriers {
		for _, x := range b.Support {
			s.Agreed = append(s.Agreed, x.Detail)
		}
	}
	if d, ok := p.NextReview(); ok {
		s.NextReview = d
	}
	return s
}

// longDate writes a date as "Tuesday 10 March 2026".
func longDate(d socialrx.Date) string { return d.Time().Format("Monday 2 January 2006") }

func (s Summary) title() string {
	if s.PersonName != "" {
		return "Plan for " + s.PersonName
	}
	return "Your plan"
}

func (s Summary) nextContactWords() string {
	if s.NextContact.IsZero() {
		return "Not arranged yet: please get in touch with your link worker."
	}
	k := s.NextContact.Kind.Label()
	if k == "" {
		k = "a contact"
	}
	return strings.ToUpper(k[:1]) + k[1:] + " on " + longDate(s.NextContact.On) + "."
}

// Text renders the summary as plain text, for print or a letter.
func (s Summary) Text() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("%s", s.title())
	line("Prepared on %s", longDate(s.Prepared))
	line("")
	line("YOUR LINK WORKER")
	w := s.LinkWorker
	if w.Organisation != "" {
		line("%s, %s", w.Name, w.Organisation)
	} else {
		line("%s", w.Name)
	}
	if w.Phone != "" {
		line("Phone: %s", w.Phone)
	}
	if w.Email != "" {
		line("Email: %s", w.Email)
	}
	if w.Hours != "" {
		line("When to get in touch: %s", w.Hours)
	}
	if s.WhatMatters != "" {
		line("")
		line("WHAT MATTERS TO YOU")
		line("%q", s.WhatMatters)
	}
	line("")
	line("YOUR GOALS")
	if len(s.Goals) == 0 {
		line("No goals written down yet.")
	}
	for _, g := range s.Goals {
		line("- %s (%s)", g.Text, g.Progress)
	}
	line("")
	line("WHAT WE AGREED")
	if len(s.Agreed) == 0 {
		line("Nothing agreed yet.")
	}
	for _, a := range s.Agreed {
		line("- %s", a)
	}
	line("")
	line("YOUR NEXT CONTACT")
	line("%s", s.nextContactWords())
	if !s.NextReview.IsZero() {
		line("We will look at this plan together again on %s.", longDate(s.NextReview))
	}
	return b.String()
}

var summaryHTML = template.Must(template.New("summary").Funcs(template.FuncMap{"date": longDate}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 1.375rem; line-height: 1.6; max-width: 40em; margin: 1em auto; padding: 0 1em; color: #000; background: #fff; }
h1 { font-size: 2rem; } h2 { font-size: 1.6rem; margin-top: 1.5em; }
a { color: #00449e; } ul { padding-left: 1.2em; } li { margin-bottom: 0.5em; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>Prepared on <time datetime="{{.S.Prepared}}">{{date .S.Prepared}}</time></p>
<section aria-labelledby="link-worker">
<h2 id="link-worker">Your link worker</h2>
<p>{{.S.LinkWorker.Name}}{{with .S.LinkWorker.Organisation}}, {{.}}{{end}}</p>
<ul>
{{- with .S.LinkWorker.Phone}}
<li>Phone: <a href="tel:{{$.Tel}}">{{.}}</a></li>
{{- end}}
{{- with .S.LinkWorker.Email}}
<li>Email: <a href="mailto:{{.}}">{{.}}</a></li>
{{- end}}
{{- with .S.LinkWorker.Hours}}
<li>When to get in touch: {{.}}</li>
{{- end}}
</ul>
</section>
{{- with .S.WhatMatters}}
<section aria-labelledby="what-matters">
<h2 id="what-matters">What matters to you</h2>
<blockquote><p>{{.}}</p></blockquote>
</section>
{{- end}}
<section aria-labelledby="goals">
<h2 id="goals">Your goals</h2>
{{- if .S.Goals}}
<ul>
{{- range .S.Goals}}
<li>{{.Text}} <span>({{.Progress}})</span></li>
{{- end}}
</ul>
{{- else}}
<p>No goals written down yet.</p>
{{- end}}
</section>
<section aria-labelledby="agreed">
<h2 id="agreed">What we agreed</h2>
{{- if .S.Agreed}}
<ul>
{{- range .S.Agreed}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- else}}
<p>Nothing agreed yet.</p>
{{- end}}
</section>
<section aria-labelledby="next-contact">
<h2 id="next-contact">Your next contact</h2>
<p>{{.Next}}</p>
{{- if not .S.NextReview.IsZero}}
<p>We will look at this plan together again on <time datetime="{{.S.NextReview}}">{{date .S.NextReview}}</time>.</p>
{{- end}}
</section>
</main>
</body>
</html>
`))

// HTML renders the summary as an accessible HTML page: one h1, a section
// with an h2 for each part, large print that scales with the reader's
// settings, links to call or email the link worker, and every value
// escaped. Codes: internal (the template failed, a bug).
func (s Summary) HTML() (string, error) {
	var b bytes.Buffer
	tel := strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '+' {
			return r
		}
		return -1
	}, s.LinkWorker.Phone)
	err := summaryHTML.Execute(&b, struct {
		S                Summary
		Title, Next, Tel string
	}{s, s.title(), s.nextContactWords(), tel})
	if err != nil {
		return "", socialrx.Errorf(socialrx.CodeInternal, "render plan summary: %w", err)
	}
	return b.String(), nil
}
