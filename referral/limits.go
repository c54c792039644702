package referral

import (
	"github.com/invopop/jsonschema"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// The most entries the lists of a referral and an onward referral hold.
// The methods that append to a list refuse with CodeInvalid, naming the
// list, once it is full, so that no caller can grow a stored record
// without bound; the published schemas take their maxItems from these
// constants.
const (
	// MaxHistory is the most events a referral's history holds. The last
	// [historyReserve] places are kept for what must stay possible on a
	// full history: withdrawing each consent, and closing or declining.
	MaxHistory = 1000
	// MaxSignposts is the most signposts a referral holds.
	MaxSignposts = 100
	// MaxTaskHistory is the most changes an onward referral's history
	// holds; the last place is kept for a change to a final status.
	MaxTaskHistory = 200
	// MaxAttendance is the most sessions an onward referral records:
	// weekly sessions for ten years.
	MaxAttendance = 520
	// MaxFeedback is the most feedback an onward referral holds.
	MaxFeedback = 200
)

// historyReserve is the number of places at the end of a referral's
// history that only essential events may take: four consent withdrawals
// and one close or decline. Each is possible at most once after the
// history fills (giving a consent again, re-opening, are not essential).
const historyReserve = 5

// JSONSchemaExtend bounds the lists the referral's methods append to.
func (Referral) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"history": MaxHistory, "signposts": MaxSignposts})
}

// JSONSchemaExtend bounds the lists the onward referral's methods append to.
func (OnwardReferral) JSONSchemaExtend(s *jsonschema.Schema) {
	schema.MaxItems(s, map[string]int{"history": MaxTaskHistory, "attendance": MaxAttendance, "feedback": MaxFeedback})
}

// historyFull returns the field error of a referral whose history has no
// place for one more event; an essential event may take the reserve.
func (r *Referral) historyFull(essential bool) []socialrx.FieldError {
	limit := MaxHistory - historyReserve
	if essential {
		limit = MaxHistory
	}
	if len(r.History) < limit {
		return nil
	}
	return []socialrx.FieldError{socialrx.Field("/history",
		"holds at most %d events and is full: close the referral and start a new one", MaxHistory)}
}

// historyFull returns the field error of an onward referral whose history
// has no place for one more change; a change to a final status may take
// the last place.
func (o *OnwardReferral) historyFull(final bool) []socialrx.FieldError {
	limit := MaxTaskHistory - 1
	if final {
		limit = MaxTaskHistory
	}
	if len(o.History) < limit {
		return nil
	}
	return []socialrx.FieldError{socialrx.Field("/history",
		"holds at most %d changes and is full: complete, fail or cancel the onward referral", MaxTaskHistory)}
}

// full returns the field error of a list at path that holds max entries.
func full(path string, n, max int, what string) []socialrx.FieldError {
	if n < max {
		return nil
	}
	return []socialrx.FieldError{socialrx.Field(path, "holds at most %d %s; no more can be added", max, what)}
}
