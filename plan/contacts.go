package plan

import (
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// MaxContactMinutes is the longest contact that can be recorded: a working day.
const MaxContactMinutes = 720

// Contact is one contact between the link worker and the person, counted
// against the plan's budget.
type Contact struct {
	// At is when the contact happened.
	At time.Time `json:"at"`
	// Kind is how it happened.
	Kind ContactKind `json:"kind"`
	// Minutes is how long it took; only a message may take 0.
	Minutes int `json:"minutes" jsonschema:"minimum=0,maximum=720"`
	// By is the link worker who made the contact.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// Notes are the link worker's notes; they are not on the plan summary.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=4000"`
	// Next is the next contact agreed at this one, if any.
	Next NextContact `json:"next,omitzero"`
}

// Check returns nil or a CodeInvalid [socialrx.Error] naming each field of
// the contact that breaks a rule on its own: a missing time, kind or link
// worker, a duration out of range, or a next contact before this one.
func (c Contact) Check() error { return socialrx.Invalid(c.check()...) }

func (c Contact) check() []socialrx.FieldError {
	var fs []socialrx.FieldError
	if c.At.IsZero() {
		fs = append(fs, socialrx.Field("/at", "required"))
	}
	if !oneOf(c.Kind) {
		fs = append(fs, socialrx.Field("/kind", "must be one of %s", strings.Join(c.Kind.EnumValues(), ", ")))
	}
	switch {
	case c.Minutes < 0 || c.Minutes > MaxContactMinutes:
		fs = append(fs, socialrx.Field("/minutes", "must be 0 to %d", MaxContactMinutes))
	case c.Minutes == 0 && c.Kind != ContactMessage && oneOf(c.Kind):
		fs = append(fs, socialrx.Field("/minutes", "required: only a message may take 0 minutes"))
	}
	fs = append(fs, required("/by", c.By)...)
	if !c.Next.IsZero() || c.Next.Kind != "" {
		fs = append(fs, c.Next.check("/next", socialrx.DateOf(c.At.UTC()))...)
	}
	return fs
}

// Budget is the number of contacts the person can have: the number set at
// triage plus any extensions, each with its reason.
type Budget struct {
	// Initial is the budget set at triage.
	Initial int `json:"initial" jsonschema:"minimum=1,maximum=50"`
	// Extensions are the extensions since, oldest first.
	Extensions []Extension `json:"extensions,omitempty"`
}

// Extension is one extension of a contact budget.
type Extension struct {
	// Contacts is how many contacts were added.
	Contacts int `json:"contacts" jsonschema:"minimum=1,maximum=50"`
	// Reason says why, in words.
	Reason string `json:"reason" jsonschema:"minLength=1,maxLength=1000"`
	// By is who extended it.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// At is when.
	At time.Time `json:"at"`
}

// MaxExtension is the most contacts one extension may add.
const MaxExtension = 24

// Total returns the budget with every extension.
func (b Budget) Total() int {
	n := b.Initial
	for _, e := range b.Extensions {
		n += e.Contacts
	}
	return n
}

// AddContact records a contact against the budget. The plan must be
// active; the contact must be dated on or after the referral date and not
// in the future, and the budget must have a contact left (extend it first
// with [Plan.ExtendBudget]). A next contact agreed at the contact becomes
// the plan's next contact; a contact on or after the planned date of the
// next contact fulfils it. Codes: invalid ("/status" when paused or
// closed, "/at", "/kind", "/minutes", "/by", "/next/on", "/budget",
// "/contacts" after [MaxContacts]).
func (p *Plan) AddContact(c Contact, now time.Time) error {
	fs := p.open()
	if p.Status == StatusPaused {
		fs = append(fs, socialrx.Field("/status", "the plan is paused; resume it before recording a contact"))
	}
	fs = append(fs, c.check()...)
	if !c.At.IsZero() {
		switch {
		case c.At.Before(p.ReferralDate.Time()):
			fs = append(fs, socialrx.Field("/at", "is before the referral date %s", p.ReferralDate))
		case c.At.After(now):
			fs = append(fs, socialrx.Field("/at", "is in the future"))
		}
	}
	if used, total := len(p.Contacts), p.Budget.Total(); used >= total {
		fs = append(fs, socialrx.Field("/budget", "all %d contacts in the budget are used; extend it with a reason first", total))
	}
	fs = append(fs, full("/contacts", len(p.Contacts), MaxContacts, "contacts")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	c.At = c.At.UTC()
	c.Notes = strings.TrimSpace(c.Notes)
	p.Contacts = append(p.Contacts, c)
	switch {
	case !c.Next.IsZero():
		p.NextContact = c.Next
	case !p.NextContact.IsZero() && !socialrx.DateOf(c.At).Before(p.NextContact.On):
		p.NextContact = NextContact{}
	}
	p.touch(now.UTC())
	return nil
}

// ExtendBudget adds contacts to the budget, with the reason why. Codes:
// invalid ("/status" when closed, "/contacts" not 1 to [MaxExtension],
// "/reason" when missing, "/by", "/budget/extensions" after [MaxExtensions]).
func (p *Plan) ExtendBudget(contacts int, reason, by string, now time.Time) error {
	fs := p.open()
	if contacts < 1 || contacts > MaxExtension {
		fs = append(fs, socialrx.Field("/contacts", "must be 1 to %d", MaxExtension))
	}
	if strings.TrimSpace(reason) == "" {
		fs = append(fs, socialrx.Field("/reason", "required: say why the budget is extended"))
	}
	fs = append(fs, required("/by", by)...)
	fs = append(fs, full("/budget/extensions", len(p.Budget.Extensions), MaxExtensions, "extensions")...)
	if err := socialrx.Invalid(fs...); err != nil {
		return err
	}
	now = now.UTC()
	p.Budget.Extensions = append(p.Budget.Extensions, Extension{Contacts: contacts, Reason: strings.TrimSpace(reason), By: by, At: now})
	p.touch(now)
	return nil
}

// Usage is how much of a plan's budget and time has been used.
type Usage struct {
	// ContactsUsed counts the contacts recorded.
	ContactsUsed int `json:"contacts_used"`
	// ContactsBudget is the budget with its extensions.
	ContactsBudget int `json:"contacts_budget"`
	// ContactsRemaining is what is left of the budget.
	ContactsRemaining int `json:"contacts_remaining"`
	// Active is the time the plan has run, not counting pauses.
	Active time.Duration `json:"-"`
	// Paused is the time the plan has spent paused.
	Paused time.Duration `json:"-"`
	// ActiveDays is Active in whole days.
	ActiveDays int `json:"active_days"`
	// PausedDays is Paused in whole days.
	PausedDays int `json:"paused_days"`
}

// Usage reports contacts used and remaining, and the time the plan has
// been active and paused, up to now (or to when it was closed).
func (p *Plan) Usage(now time.Time) Usage {
	end := now
	if p.Status == StatusClosed && !p.ClosedAt.IsZero() {
		end = p.ClosedAt
	}
	if end.Before(p.CreatedAt) {
		end = p.CreatedAt
	}
	var paused time.Duration
	for _, x := range p.Pauses {
		from, until := x.From, x.Until
		if until.IsZero() || until.After(end) {
			until = end
		}
		if from.Before(p.CreatedAt) {
			from = p.CreatedAt
		}
		if until.After(from) {
			paused += until.Sub(from)
		}
	}
	total := end.Sub(p.CreatedAt)
	paused = min(paused, total)
	u := Usage{
		ContactsUsed:   len(p.Contacts),
		ContactsBudget: p.Budget.Total(),
		Active:         total - paused,
		Paused:         paused,
	}
	u.ContactsRemaining = max(u.ContactsBudget-u.ContactsUsed, 0)
	u.ActiveDays, u.PausedDays = int(u.Active/(24*time.Hour)), int(u.Paused/(24*time.Hour))
	return u
}

// LastContact returns the time of the latest contact, if any.
func (p *Plan) LastContact() (time.Time, bool) {
	var t time.Time
	for _, c := range p.Contacts {
		if c.At.After(t) {
			t = c.At
		}
	}
	return t, !t.IsZero()
}

// contactPath names contact i.
func contactPath(i int) string { return "/contacts/" + strconv.Itoa(i) }
