package host

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// KindAudit is the store kind of audit entries; they are only ever created.
const KindAudit plugins.Kind = "audit"

// MaxPurpose is the longest stated purpose of an access (see [WithReason])
// the audit log keeps, in characters.
const MaxPurpose = 200

// AuditEntry is one line of the audit log: who read or changed whose data,
// or tried to and was refused, what, when and why.
type AuditEntry struct {
	ID  string    `json:"id"`
	At  time.Time `json:"at"`
	Who Principal `json:"who"`
	// Action is what was done ("read", "create", "change_status" …);
	// refused attempts are "denied_<action>", and reads of another team's
	// case "cross_team_<action>".
	Action string       `json:"action"`
	Kind   plugins.Kind `json:"kind"`
	// Target is the record's id, or for a list what was asked for.
	Target string `json:"target"`
	// Records are the ids a list read returned.
	Records []string `json:"records,omitempty"`
	// Why is the purpose the caller stated.
	Why string `json:"why,omitempty"`
}

type whyKey struct{}

// WithReason returns a context carrying the caller's stated purpose for an
// access, recorded in the audit log (at most [MaxPurpose] characters; a
// longer one is cut).
func WithReason(ctx context.Context, why string) context.Context {
	if utf8.RuneCountInString(why) > MaxPurpose {
		why = string([]rune(why)[:MaxPurpose])
	}
	return context.WithValue(ctx, whyKey{}, why)
}

func reason(ctx context.Context) string {
	why, _ := ctx.Value(whyKey{}).(string)
	return why
}

// auditDoc is the audit entry of an action, as a document to store.
func (s *Service) auditDoc(ctx context.Context, p Principal, action string, kind plugins.Kind, id string, records ...string) plugins.Document {
	e := AuditEntry{ID: newID(), At: s.now(), Who: p, Action: action, Kind: kind, Target: id, Records: records, Why: reason(ctx)}
	return plugins.Document{Kind: KindAudit, ID: e.ID, Owner: p.ID, Status: action, Team: p.Team, Data: s.encode(KindAudit, e)}
}

// audit stores the audit entry of a read. A read of personal data fails if
// its audit entry cannot be stored, so nothing is disclosed unrecorded.
// (Writes carry their audit entry in the same atomic write; see
// [Service.create] and updateDoc.)
func (s *Service) audit(ctx context.Context, p Principal, action string, kind plugins.Kind, id string, records ...string) error {
	_, err := s.o.Store.Create(ctx, plugins.Write{Document: s.auditDoc(ctx, p, action, kind, id, records...)})
	return err
}

// denied records a refused attempt on personal data and returns err. The
// refusal stands even if the audit entry cannot be stored; that is logged.
func (s *Service) denied(ctx context.Context, p Principal, action string, kind plugins.Kind, id string, err error) error {
	if aerr := s.audit(ctx, p, "denied_"+action, kind, id); aerr != nil {
		s.o.Logger.Error("audit of a refusal failed", "action", action, "kind", kind, "id", id, "err", aerr)
	}
	return err
}

// Audit returns a page of the audit log, oldest first. Only admins may
// read it; nobody may change it. Codes: forbidden, invalid, unavailable.
func (s *Service) Audit(ctx context.Context, p Principal, page Page) ([]AuditEntry, string, error) {
	if err := forbid(p, "read the audit log", referral.RoleAdmin); err != nil {
		return nil, "", err
	}
	pg, err := s.o.Store.List(ctx, plugins.Query{Kind: KindAudit, Cursor: page.Cursor, Limit: page.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]AuditEntry, 0, len(pg.Documents))
	for _, d := range pg.Documents {
		var e AuditEntry
		if err := s.decodeDoc(d, &e); err != nil {
			return nil, "", socialrx.Errorf(socialrx.CodeInternal, "audit entry %s: %v", d.ID, err)
		}
		out = append(out, e)
	}
	return out, pg.Next, nil
}
