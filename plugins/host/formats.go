package host

import (
	"encoding/json"
	"strconv"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// FormatKey is the member of every document's JSON, as the host stores it,
// that holds the version of the document's format: the shape of its
// kind's JSON when it was written. Documents written before formats were
// versioned have none, and are format 1. The member lives in the JSON
// itself, so it survives every store, in process or over the plugin wire,
// whatever the store keeps besides.
const FormatKey = "_format"

// upgrade turns the members of a stored document of one format into those
// of the next, in place.
type upgrade func(doc map[string]json.RawMessage) error

// upgrades are the stored formats of each kind: upgrades[kind][i] turns a
// document of format i+1 into format i+2, and a kind's current format is
// one more than its number of upgrades (1 for a kind with none). Adding an
// optional member to a kind's Go type needs no new format: older hosts
// read past members they do not know. Renaming or removing a member, or
// changing what one means, does: add the function that brings the old
// shape to the new one here, in the release whose Go types change.
var upgrades = map[plugins.Kind][]upgrade{}

// formatOf is the format a stored document was written in.
func formatOf(d plugins.Document) (int, error) {
	var head struct {
		Format json.RawMessage `json:"_format"`
	}
	if err := json.Unmarshal(d.Data, &head); err != nil {
		return 0, socialrx.Errorf(socialrx.CodeInternal, "stored %s %s does not decode: %v", d.Kind, d.ID, err)
	}
	if head.Format == nil {
		return 1, nil
	}
	f, err := strconv.Atoi(string(head.Format))
	if err != nil || f < 1 {
		return 0, socialrx.Errorf(socialrx.CodeInternal, "stored %s %s has format %s, not a whole number from 1", d.Kind, d.ID, head.Format)
	}
	return f, nil
}

// steps are the upgrades of a kind on this Service, oldest first.
func (s *Service) steps(kind plugins.Kind) []upgrade {
	return append(upgrades[kind][:len(upgrades[kind]):len(upgrades[kind])], s.o.later[kind]...)
}

// format is the current format of a kind on this Service: the one it
// writes.
func (s *Service) format(kind plugins.Kind) int { return 1 + len(s.steps(kind)) }

// encode is v, a value of kind's Go type, as the host stores it: its JSON
// object with the kind's current format in [FormatKey].
func (s *Service) encode(kind plugins.Kind, v any) json.RawMessage {
	b := mustJSON(v)
	if later := s.o.later[kind]; len(later) > 0 {
		// A Service made for a test with formats beyond its Go types
		// writes them as a newer build would.
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("host: encode " + string(kind) + ": " + err.Error())
		}
		for _, up := range later {
			if err := up(m); err != nil {
				panic("host: encode " + string(kind) + ": " + err.Error())
			}
		}
		b = mustJSON(m)
	}
	f := `{"` + FormatKey + `":` + strconv.Itoa(s.format(kind))
	if len(b) <= 2 {
		return json.RawMessage(f + "}")
	}
	return json.RawMessage(f + "," + string(b[1:]))
}

// decodeDoc decodes a stored document into v, upgraded from the format it
// was written in to the current one, and sets v's version. Members v does
// not know are passed over: they may have been written by a newer host
// (strict decoding is for what callers send, not for what is stored). A
// document of a newer format than this Service knows decodes as it is; see
// [Service.writable]. Codes: internal (the stored JSON is not an object of
// v's shape, or an upgrade fails).
func (s *Service) decodeDoc(d plugins.Document, v any) error {
	f, err := formatOf(d)
	if err != nil {
		return err
	}
	data := []byte(d.Data)
	if steps := s.steps(d.Kind); f <= len(steps) {
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(data, &m); err != nil {
			return socialrx.Errorf(socialrx.CodeInternal, "stored %s %s does not decode: %v", d.Kind, d.ID, err)
		}
		for i, up := range steps[f-1:] {
			if err := up(m); err != nil {
				return socialrx.Errorf(socialrx.CodeInternal, "stored %s %s: upgrade from format %d: %v", d.Kind, d.ID, f+i, err)
			}
		}
		data = mustJSON(m)
	}
	if err := json.Unmarshal(schema.WholeNumbers(data), v); err != nil {
		return socialrx.Errorf(socialrx.CodeInternal, "stored %s %s does not decode: %v", d.Kind, d.ID, err)
	}
	switch x := v.(type) {
	case *referral.Referral:
		x.Version = d.Version
	case *referral.OnwardReferral:
		x.Version = d.Version
	case *plan.Plan:
		x.Version = d.Version
	case *outcomes.Measurement:
		x.Version = d.Version
	}
	return nil
}

// writable refuses to replace a document a newer host wrote in a format
// this Service does not know: writing it back in the older format would
// drop what the newer host stored in it. A newer host can make the change.
// Codes: conflict, internal.
func (s *Service) writable(d plugins.Document) error {
	f, err := formatOf(d)
	if err != nil {
		return err
	}
	if cur := s.format(d.Kind); f > cur {
		return socialrx.Errorf(socialrx.CodeConflict,
			"%s %s was written by a newer version of socialrx (format %d; this host knows up to %d) and this host would lose what it does not know: make the change through an upgraded host", d.Kind, d.ID, f, cur)
	}
	return nil
}
