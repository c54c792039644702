package fhir

import (
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
)

const (
	systemGoalAchievement = "http://terminology.hl7.org/CodeSystem/goal-achievement"
	extSetAt              = Base + "StructureDefinition/set-at"
	extGoalStatus         = Base + "StructureDefinition/goal-status"
)

// goalLifecycle is the FHIR Goal lifecycle status of each plan goal
// status: a goal agreed but not started is accepted, one being worked on
// active, an achieved one completed; a changed goal (replaced by a new
// one) and a dropped one are both abandoned, which R4 calls cancelled.
var goalLifecycle = map[plan.GoalStatus]string{
	plan.GoalNotStarted: "accepted", plan.GoalInProgress: "active", plan.GoalAchieved: "completed",
	plan.GoalChanged: "cancelled", plan.GoalDropped: "cancelled",
}

// goalStatusOf is the plan goal status of each lifecycle status a Goal
// without the socialrx status extension may have: cancelled is dropped
// (abandoned), and on-hold too (as socialrx wrote dropped goals before).
var goalStatusOf = map[string]plan.GoalStatus{
	"accepted": plan.GoalNotStarted, "active": plan.GoalInProgress, "completed": plan.GoalAchieved,
	"cancelled": plan.GoalDropped, "on-hold": plan.GoalDropped,
}

var goalAchievement = map[plan.GoalStatus]string{plan.GoalInProgress: "in-progress", plan.GoalAchieved: "achieved"}

// GoalToFHIR maps goal number index of a plan to a FHIR Goal about the
// patient at patientRef: identifier "<plan id>/<index>" of system
// [SystemGoal], the person's own words as description, the need as
// category ([CodeSystemNeed]), the lifecycle status after the goal's
// status (not_started accepted, in_progress active, achieved completed,
// changed and dropped cancelled; the exact status in an extension) with
// the achievement status, the day it was set as startDate (the exact time
// in an extension), and the
// progress notes with their authors, times and the status each moved to.
// Codes: invalid (no plan id, a negative index, or a goal without words,
// a known need and status, or the time it was set).
func GoalToFHIR(planID string, index int, g plan.Goal, patientRef string) (*Goal, error) {
	var p problems
	root := at("/goals", index)
	if planID == "" {
		p.add("/id", "required")
	}
	if index < 0 {
		p.add(root, "a goal's index is 0 or more")
	}
	checkGoal(g, root, &p)
	if err := p.err(); err != nil {
		return nil, err
	}
	out := &Goal{
		ResourceType:    "Goal",
		Identifier:      []Identifier{{System: SystemGoal, Value: planID + "/" + strconv.Itoa(index)}},
		LifecycleStatus: goalLifecycle[g.Status],
		Category:        []CodeableConcept{needConcept(g.Need)},
		Description:     CodeableConcept{Text: g.Text},
		Subject:         Reference{Reference: patientRef},
		StartDate:       socialrx.DateOf(g.SetAt.UTC()).String(),
		Extension: []Extension{{URL: extSetAt, ValueDateTime: ptr(instant(g.SetAt))},
			{URL: extGoalStatus, ValueCode: ptr(string(g.Status))}},
	}
	if a := goalAchievement[g.Status]; a != "" {
		out.AchievementStatus = ptr(concept(systemGoalAchievement, a, ""))
	}
	for _, n := range g.Notes {
		a := Annotation{AuthorReference: userRef(n.By), Time: instant(n.At), Text: n.Text, Extension: codeExt(extGoalStatus, string(n.Status))}
		out.Note = append(out.Note, a)
		if n.Status != "" {
			out.StatusDate = socialrx.DateOf(n.At.UTC()).String()
		}
	}
	return out, nil
}

func checkGoal(g plan.Goal, root string, p *problems) {
	if strings.TrimSpace(g.Text) == "" {
		p.add(root+"/text", "required")
	}
	if !g.Need.Valid() {
		p.add(root+"/need", "unknown need %q", string(g.Need))
	}
	if !g.Status.Valid() {
		p.add(root+"/status", "unknown goal status %q", string(g.Status))
	}
	if g.SetAt.IsZero() {
		p.add(root+"/set_at", "required")
	}
	for i, n := range g.Notes {
		np := at(root+"/notes", i)
		if n.By == "" {
			p.add(np+"/by", "required")
		}
		if strings.TrimSpace(n.Text) == "" {
			p.add(np+"/text", "required")
		}
		if n.At.IsZero() {
			p.add(np+"/at", "required")
		}
		if n.Status != "" && !n.Status.Valid() {
			p.add(np+"/status", "unknown goal status %q", string(n.Status))
		}
	}
}

// PlanGoalsToFHIR maps every goal of a plan (see [GoalToFHIR]).
// Codes: invalid.
func PlanGoalsToFHIR(pl *plan.Plan, patientRef string) ([]*Goal, error) {
	var out []*Goal
	for i, g := range pl.Goals {
		fg, err := GoalToFHIR(pl.ID, i, g, patientRef)
		if err != nil {
			return nil, err
		}
		out = append(out, fg)
	}
	return out, nil
}

// GoalFromFHIR maps a FHIR Goal back to its plan id, index and goal, the
// inverse of [GoalToFHIR]. The status is the socialrx status extension
// where it agrees with the lifecycle status, else the lifecycle status's
// (a cancelled or on-hold Goal is dropped). Without the exact time it was
// set, the goal was set at midnight UTC of its startDate; a note by
// someone who is not a socialrx user is by the author's name or
// reference. Codes: invalid, naming the Goal element at fault.
func GoalFromFHIR(fg *Goal) (planID string, index int, g plan.Goal, err error) {
	var p problems
	const root = "/Goal"
	key := identifierIn(fg.Identifier, SystemGoal)
	planID, idx, ok := strings.Cut(key, "/")
	index, convErr := strconv.Atoi(idx)
	if !ok || planID == "" || convErr != nil || index < 0 {
		p.add(root+"/identifier", "needs a goal identifier \"<plan id>/<index>\" of system %s; got %q", SystemGoal, key)
	}
	ext := extensions(fg.Extension)
	if st := plan.GoalStatus(ext.str(extGoalStatus)); st != "" && goalLifecycle[st] == fg.LifecycleStatus {
		g.Status = st
	} else if g.Status = goalStatusOf[fg.LifecycleStatus]; g.Status == "" {
		p.add(root+"/lifecycleStatus", "must be accepted, active, completed, cancelled or on-hold, not %q", fg.LifecycleStatus)
	}
	for i, c := range fg.Category {
		if code := codeIn(&c, CodeSystemNeed); code != "" {
			g.Need = socialrx.Need(code)
			if !g.Need.Valid() {
				p.add(at(root+"/category", i), "unknown need code %q", code)
			}
		}
	}
	if g.Need == "" {
		p.add(root+"/category", "needs a socialrx need code (system %s)", CodeSystemNeed)
	}
	g.Text = fg.Description.Text
	if g.Text == "" && len(fg.Description.Coding) > 0 {
		g.Text = fg.Description.Coding[0].Display
	}
	if strings.TrimSpace(g.Text) == "" {
		p.add(root+"/description", "needs the goal in words")
	}
	if e, found := ext.find(extSetAt); found && e.ValueDateTime != nil {
		g.SetAt = p.parseTime(root+"/extension", *e.ValueDateTime)
	} else {
		g.SetAt = p.parseTime(root+"/startDate", fg.StartDate)
	}
	if g.SetAt.IsZero() {
		p.add(root+"/startDate", "needs the day the goal was set")
	}
	for i, n := range fg.Note {
		np := at(root+"/note", i)
		note := plan.ProgressNote{At: p.parseTime(np+"/time", n.Time), By: userOf(n.AuthorReference), Text: n.Text,
			Status: plan.GoalStatus(extensions(n.Extension).str(extGoalStatus))}
		if note.By == "" {
			note.By = n.AuthorString
			if r := n.AuthorReference; note.By == "" && r != nil {
				note.By = r.Display
				if note.By == "" {
					note.By = r.Reference
				}
			}
		}
		if note.By == "" {
			p.add(np+"/authorReference", "needs who wrote the note")
		}
		if note.At.IsZero() {
			p.add(np+"/time", "needs when the note was written")
		}
		if note.Status != "" && !note.Status.Valid() {
			p.add(np+"/extension", "unknown goal status %q", string(note.Status))
		}
		if strings.TrimSpace(note.Text) == "" {
			p.add(np+"/text", "required")
		}
		g.Notes = append(g.Notes, note)
	}
	if err := p.err(); err != nil {
		return "", 0, plan.Goal{}, err
	}
	return planID, index, g, nil
}
