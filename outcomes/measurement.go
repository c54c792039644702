package outcomes

import (
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// TimePoint says when in a person's journey a measurement was taken.
type TimePoint string

// The time points. Only a baseline starts a pair; review, follow-up and
// end are all later measurements.
const (
	TimeBaseline TimePoint = "baseline"
	TimeReview   TimePoint = "review"
	TimeFollowUp TimePoint = "follow_up"
	TimeEnd      TimePoint = "end"
)

var timePoints = []TimePoint{TimeBaseline, TimeReview, TimeFollowUp, TimeEnd}

// EnumValues lists the time points, for JSON Schema reflection.
func (TimePoint) EnumValues() []string { return socialrx.EnumStrings(timePoints) }

// rank orders time points on the same day: a later point wins as "latest".
func (t TimePoint) rank() int8 {
	switch t {
	case TimeBaseline:
		return 0
	case TimeReview:
		return 1
	case TimeFollowUp:
		return 2
	case TimeEnd:
		return 3
	}
	return -1
}

// Mode says how a measurement was taken.
type Mode string

// The modes.
const (
	ModeInPerson      Mode = "in_person"
	ModePhone         Mode = "phone"
	ModeSelfCompleted Mode = "self_completed"
)

var measurementModes = []Mode{ModeInPerson, ModePhone, ModeSelfCompleted}

// EnumValues lists the modes, for JSON Schema reflection.
func (Mode) EnumValues() []string { return socialrx.EnumStrings(measurementModes) }

// Answer is the answer to one item.
type Answer struct {
	// Item is the item's id.
	Item string `json:"item" jsonschema:"maxLength=64"`
	// Value is the answer; leave it out when the item was not answered.
	Value *int `json:"value,omitempty" jsonschema:"minimum=-1000,maximum=1000"`
	// Words are the person's own words, for items that take them.
	Words string `json:"words,omitempty" jsonschema:"maxLength=1000"`
}

// Context carries the attributes a report breaks measurements down by, as
// plain values the host fills from the referral and the plan. Empty values
// are reported as "not_recorded".
type Context struct {
	// TriageLevel is the person's level of support, such as "2".
	TriageLevel string `json:"triage_level,omitempty" jsonschema:"maxLength=16"`
	// Pathway is the service pathway, such as "connector".
	Pathway string `json:"pathway,omitempty" jsonschema:"maxLength=64"`
	// ReferralSource is who referred, such as "gp".
	ReferralSource string `json:"referral_source,omitempty" jsonschema:"maxLength=64"`
	// Needs are the needs the person was referred for.
	Needs []socialrx.Need `json:"needs,omitempty"`
	// Practice is the person's GP practice code.
	Practice string `json:"practice,omitempty" jsonschema:"maxLength=64"`
	// Area is the locality or neighbourhood.
	Area string `json:"area,omitempty" jsonschema:"maxLength=200"`
}

// Measurement is one completed instrument: whose, when, how, the answers,
// the scores and the consent to use it in evaluation.
type Measurement struct {
	// ID identifies the measurement (a UUID).
	ID string `json:"id" jsonschema:"format=uuid"`
	// Version is the stored version, for compare-and-swap writes.
	Version int64 `json:"version,omitempty" jsonschema:"minimum=0"`
	// Instrument and InstrumentVersion name the instrument used.
	Instrument        string `json:"instrument" jsonschema:"minLength=1,maxLength=64"`
	InstrumentVersion string `json:"instrument_version" jsonschema:"minLength=1,maxLength=32"`
	// Person identifies the person measured.
	Person string `json:"person" jsonschema:"minLength=1,maxLength=200"`
	// Referral identifies the referral the measurement belongs to.
	Referral string `json:"referral" jsonschema:"minLength=1,maxLength=200"`
	// TimePoint is when in the journey it was taken.
	TimePoint TimePoint `json:"time_point"`
	// Date is the day it was taken.
	Date socialrx.Date `json:"date"`
	// AdministeredBy names who took it (a link worker id, or "self").
	AdministeredBy string `json:"administered_by" jsonschema:"minLength=1,maxLength=200"`
	// Mode is how it was taken.
	Mode Mode `json:"mode"`
	// Answers hold one answer per item of the instrument.
	Answers []Answer `json:"answers"`
	// Scores are computed by [Registry.Score]; any given are replaced.
	Scores []Score `json:"scores,omitempty"`
	// EvaluationConsent is true when the person agreed that this outcome
	// data may be used in evaluation; only then do reports count it.
	EvaluationConsent bool `json:"evaluation_consent"`
	// Context holds the report breakdown attributes.
	Context Context `json:"context,omitzero"`
}

// Score checks m against its instrument and returns a copy with Scores
// computed. It refuses an unknown instrument or version, a missing or
// malformed field, an answer off its item's scale, an item answered twice
// or not listed, and breaches of the instrument's own missing-data rules;
// each is named by its JSON pointer (such as "/answers/3/value"). Codes:
// invalid.
func (r *Registry) Score(m Measurement) (Measurement, error) {
	scores, _, err := r.score(&m, nil, nil)
	if err != nil {
		return Measurement{}, err
	}
	m.Answers = cloneAnswers(m.Answers)
	m.Context.Needs = append([]socialrx.Need(nil), m.Context.Needs...)
	m.Scores = scores
	return m, nil
}

func cloneAnswers(as []Answer) []Answer {
	out := make([]Answer, len(as))
	for i, a := range as {
		out[i] = a
		if a.Value != nil {
			v := *a.Value
			out[i].Value = &v
		}
	}
	return out
}

// score validates m and appends its scores to dst, reusing rs for the
// responses. It returns the instrument's entry.
func (r *Registry) score(m *Measurement, dst []Score, rs []Response) ([]Score, *entry, error) {
	var fs []socialrx.FieldError
	if _, err := uuid.Parse(m.ID); err != nil || len(m.ID) != 36 {
		fs = append(fs, socialrx.Field("/id", "must be a UUID"))
	}
	if m.Version < 0 {
		fs = append(fs, socialrx.Field("/version", "must not be negative"))
	}
	fs = checkText(fs, "/person", m.Person)
	fs = checkText(fs, "/referral", m.Referral)
	fs = checkText(fs, "/administered_by", m.AdministeredBy)
	if m.TimePoint.rank() < 0 {
		fs = append(fs, socialrx.Field("/time_point", "must be one of baseline, review, follow_up, end"))
	}
	if m.Date.IsZero() {
		fs = append(fs, socialrx.Field("/date", "required"))
	}
	switch m.Mode {
	case ModeInPerson, ModePhone, ModeSelfCompleted:
	default:
		fs = append(fs, socialrx.Field("/mode", "must be one of in_person, phone, self_completed"))
	}
	fs = append(fs, socialrx.CheckNeeds("/context/needs", m.Context.Needs)...)
	e, ok := r.byKey[key(m.Instrument, m.InstrumentVersion)]
	if !ok {
		if r.hasID(m.Instrument) {
			fs = append(fs, socialrx.Field("/instrument_version", "instrument %q has no version %q", m.Instrument, m.InstrumentVersion))
		} else {
			fs = append(fs, socialrx.Field("/instrument", "unknown instrument %q", m.Instrument))
		}
		return dst, nil, socialrx.Invalid(fs...)
	}
	rs, afs := e.responses(m.Answers, rs)
	fs = append(fs, afs...)
	if len(fs) > 0 {
		return dst, nil, socialrx.Invalid(fs...)
	}
	n := len(dst)
	dst, err := e.inst.Score(rs, dst)
	if err != nil {
		return dst[:n], nil, socialrx.Invalid(e.answerPaths(m.Answers, err)...)
	}
	if len(dst)-n != len(e.scales) {
		return dst[:n], nil, socialrx.Errorf(socialrx.CodeInternal, "instrument %s returned %d scores for %d scales", e.id, len(dst)-n, len(e.scales))
	}
	return dst, e, nil
}

func checkText(fs []socialrx.FieldError, path, s string) []socialrx.FieldError {
	switch {
	case s == "":
		return append(fs, socialrx.Field(path, "required"))
	case len(s) > 200:
		return append(fs, socialrx.Field(path, "at most 200 characters"))
	}
	return fs
}

func (r *Registry) hasID(id string) bool {
	for _, e := range r.list {
		if e.id == id {
			return true
		}
	}
	return false
}

// responses puts the answers in item order, checking each against its item.
func (e *entry) responses(as []Answer, rs []Response) ([]Response, []socialrx.FieldError) {
	var fs []socialrx.FieldError
	var listed [maxItems]bool
	rs = rs[:0]
	for range e.items {
		rs = append(rs, Response{Missing: true})
	}
	for i, a := range as {
		p := func(field string) string { return "/answers/" + strconv.Itoa(i) + field }
		j, ok := i, i < len(e.items) && e.items[i].ID == a.Item // answers usually come in item order
		if !ok {
			j, ok = e.itemIndex[a.Item]
		}
		if !ok {
			fs = append(fs, socialrx.Field(p("/item"), "instrument %s has no item %q", e.id, a.Item))
			continue
		}
		if listed[j] {
			fs = append(fs, socialrx.Field(p("/item"), "item %q is answered twice", a.Item))
			continue
		}
		listed[j] = true
		it := &e.items[j]
		if a.Words != "" && !it.Words {
			fs = append(fs, socialrx.Field(p("/words"), "item %q takes no words", a.Item))
		}
		if len(a.Words) > 500 {
			fs = append(fs, socialrx.Field(p("/words"), "at most 500 characters"))
		}
		rs[j].Words = a.Words
		if a.Value == nil {
			continue
		}
		v := *a.Value
		if v < it.Min || v > it.Max || !it.allows(v) {
			fs = append(fs, socialrx.Field(p("/value"), "answer %d is off the scale of item %q (%s)", v, a.Item, it.scaleText()))
			continue
		}
		rs[j].Value, rs[j].Missing = v, false
	}
	for j := range rs {
		if !listed[j] {
			fs = append(fs, socialrx.Field("/answers", "item %q is not listed: give one answer per item (%d), leaving out value when it was not answered", e.items[j].ID, len(e.items)))
		}
	}
	return rs, fs
}

func (it *Item) allows(v int) bool {
	if len(it.Options) == 0 {
		return true
	}
	for _, o := range it.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func (it *Item) scaleText() string {
	if len(it.Options) == 0 {
		return strconv.Itoa(it.Min) + " to " + strconv.Itoa(it.Max)
	}
	vs := make([]string, len(it.Options))
	for i, o := range it.Options {
		vs[i] = strconv.Itoa(o.Value)
	}
	return "one of " + strings.Join(vs, ", ")
}

// answerPaths rewrites an instrument's "/<item index>..." paths to the
// answer that holds the item.
func (e *entry) answerPaths(as []Answer, err error) []socialrx.FieldError {
	fs := socialrx.ErrorFields(err)
	if len(fs) == 0 {
		return []socialrx.FieldError{socialrx.Field("/answers", "%v", err)}
	}
	out := make([]socialrx.FieldError, len(fs))
	for k, f := range fs {
		out[k] = socialrx.FieldError{Path: "/answers", Rule: f.Rule}
		head, rest, _ := strings.Cut(strings.TrimPrefix(f.Path, "/"), "/")
		j, convErr := strconv.Atoi(head)
		if convErr != nil || j < 0 || j >= len(e.items) {
			continue
		}
		for i, a := range as {
			if a.Item == e.items[j].ID {
				out[k].Path = "/answers/" + strconv.Itoa(i)
				if rest != "" {
					out[k].Path += "/" + rest
				} else {
					out[k].Path += "/value"
				}
			}
		}
	}
	return out
}

// ParseMeasurement decodes a measurement from JSON, checks it against
// measurement.schema.json (every failing pointer is reported) and then
// against its instrument, and returns it with Scores computed. Codes:
// invalid.
func (r *Registry) ParseMeasurement(doc []byte) (Measurement, error) {
	if err := ValidateMeasurement(doc); err != nil {
		return Measurement{}, err
	}
	var m Measurement
	if err := schema.DecodeStrict(doc, &m); err != nil {
		return Measurement{}, err
	}
	return r.Score(m)
}
