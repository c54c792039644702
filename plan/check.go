package plan

import (
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
)

// Check returns nil or a CodeInvalid [socialrx.Error] naming every field of
// a plan that breaks a rule the schema cannot express: ids that are not
// UUIDs, a status that disagrees with the pauses or closing fields, an
// empty triage history, a budget below 1 or an extension without a reason,
// a contact before the referral date, a goal that links an unknown need,
// an activity that names a goal that does not exist. [Validate] runs it
// after the schema.
func (p *Plan) Check() error {
	var fs []socialrx.FieldError
	add := func(path, rule string, args ...any) { fs = append(fs, socialrx.Field(path, rule, args...)) }
	if _, err := uuid.Parse(p.ID); err != nil {
		add("/id", "must be a UUID")
	}
	if p.Version < 1 {
		add("/version", "must be 1 or more")
	}
	if _, err := uuid.Parse(p.ReferralID); err != nil {
		add("/referral_id", "must be a UUID")
	}
	if p.ReferralDate.IsZero() {
		add("/referral_date", "required")
	}
	fs = append(fs, p.LinkWorker.check("/link_worker")...)
	if p.CreatedAt.IsZero() {
		add("/created_at", "required")
	}

	if len(p.Triage) == 0 {
		add("/triage", "required: a plan starts from a triage result")
	}
	for i, r := range p.Triage {
		fs = append(fs, r.check("/triage/"+strconv.Itoa(i))...)
	}

	open := len(p.Pauses) > 0 && p.Pauses[len(p.Pauses)-1].Until.IsZero()
	switch p.Status {
	case StatusActive:
		if open {
			add("/pauses/"+strconv.Itoa(len(p.Pauses)-1)+"/until", "required: an active plan has no pause in progress")
		}
	case StatusPaused:
		if !open {
			add("/pauses", "a paused plan has a pause in progress")
		}
	case StatusClosed:
		if p.ClosedAt.IsZero() {
			add("/closed_at", "required: a closed plan says when it was closed")
		}
		if !oneOf(p.CloseReason) {
			add("/close_reason", "required: a closed plan says why it was closed")
		}
	default:
		add("/status", "must be one of %s", strings.Join(p.Status.EnumValues(), ", "))
	}
	if p.Status != StatusClosed && (!p.ClosedAt.IsZero() || p.CloseReason != "") {
		add("/closed_at", "only a closed plan has closed_at and close_reason")
	}
	for i, x := range p.Pauses {
		pp := "/pauses/" + strconv.Itoa(i)
		if x.From.IsZero() {
			add(pp+"/from", "required")
		}
		if !x.Until.IsZero() && x.Until.Before(x.From) {
			add(pp+"/until", "is before from")
		}
		if x.Until.IsZero() && i < len(p.Pauses)-1 {
			add(pp+"/until", "required: only the last pause may be in progress")
		}
		if !oneOf(x.Reason) {
			add(pp+"/reason", "must be one of %s", strings.Join(x.Reason.EnumValues(), ", "))
		}
	}

	if p.Budget.Initial < 1 {
		add("/budget/initial", "must be 1 or more")
	}
	for i, e := range p.Budget.Extensions {
		ep := "/budget/extensions/" + strconv.Itoa(i)
		if e.Contacts < 1 {
			add(ep+"/contacts", "must be 1 or more")
		}
		if strings.TrimSpace(e.Reason) == "" {
			add(ep+"/reason", "required: say why the budget is extended")
		}
	}
	for i, c := range p.Contacts {
		fs = append(fs, socialrx.Prefix(contactPath(i), socialrx.Invalid(c.check()...))...)
		if !c.At.IsZero() && !p.ReferralDate.IsZero() && c.At.Before(p.ReferralDate.Time()) {
			add(contactPath(i)+"/at", "is before the referral date %s", p.ReferralDate)
		}
	}

	if !p.NextContact.IsZero() || p.NextContact.Kind != "" {
		fs = append(fs, p.NextContact.check("/next_contact", p.ReferralDate)...)
	}
	for i, g := range p.Goals {
		gp := "/goals/" + strconv.Itoa(i)
		if strings.TrimSpace(g.Text) == "" {
			add(gp+"/text", "required")
		}
		if !g.Need.Valid() {
			add(gp+"/need", "unknown need code %q", string(g.Need))
		}
		if !oneOf(g.Status) {
			add(gp+"/status", "must be one of %s", strings.Join(g.Status.EnumValues(), ", "))
		}
	}
	for i, b := range p.Barriers {
		bp := "/barriers/" + strconv.Itoa(i)
		if !oneOf(b.Kind) {
			add(bp+"/kind", "must be one of %s", strings.Join(b.Kind.EnumValues(), ", "))
		}
		for j, s := range b.Support {
			fs = append(fs, s.check(bp+"/support/"+strconv.Itoa(j))...)
		}
	}
	for i, a := range p.Activities {
		ap := "/activities/" + strconv.Itoa(i)
		if _, err := uuid.Parse(a.RefID); err != nil {
			add(ap+"/ref_id", "must be a UUID")
		}
		for j, g := range a.Goals {
			if g < 0 || g >= len(p.Goals) {
				add(ap+"/goals/"+strconv.Itoa(j), "no goal %d", g)
			}
		}
	}
	if len(p.History) == 0 {
		add("/history", "required: a plan records how it was made")
	} else if last := p.History[len(p.History)-1].To; last != p.Status && socialrx.ValidEnum(p.Status) {
		// (An unknown status is reported at /status; the history is not
		// at fault for it.)
		add("/history/"+strconv.Itoa(len(p.History)-1)+"/to", "the last status change must lead to the plan's status %q", p.Status)
	}
	return socialrx.Invalid(fs...)
}
