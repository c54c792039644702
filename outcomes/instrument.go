package outcomes

import (
	"math"
	"slices"
	"strconv"

	"github.com/socialrx/socialrx"
)

// Direction says which way a scale's score is better.
type Direction string

// The directions.
const (
	// HigherIsBetter: a rise in the score is an improvement (SWEMWBS).
	HigherIsBetter Direction = "higher"
	// LowerIsBetter: a fall in the score is an improvement (UCLA, ONS anxiety).
	LowerIsBetter Direction = "lower"
)

var directions = []Direction{HigherIsBetter, LowerIsBetter}

// EnumValues lists the directions, for JSON Schema reflection.
func (Direction) EnumValues() []string { return socialrx.EnumStrings(directions) }

func (d Direction) valid() bool { return slices.Contains(directions, d) }

// sign is +1 when higher is better and -1 when lower is better, so that
// change*sign is positive for an improvement.
func (d Direction) sign() float64 {
	if d == LowerIsBetter {
		return -1
	}
	return 1
}

// Domain groups scales for the person view of the common outcomes framework.
type Domain string

// The domains.
const (
	DomainWellbeing  Domain = "wellbeing"
	DomainLoneliness Domain = "loneliness"
	DomainConcerns   Domain = "concerns"
	DomainOther      Domain = "other"
)

var domains = []Domain{DomainWellbeing, DomainLoneliness, DomainConcerns, DomainOther}

// EnumValues lists the domains, for JSON Schema reflection.
func (Domain) EnumValues() []string { return socialrx.EnumStrings(domains) }

func (d Domain) valid() bool { return slices.Contains(domains, d) }

// Option is one labelled answer on an item's response scale.
type Option struct {
	// Value is the answer as recorded.
	Value int `json:"value" jsonschema:"minimum=-1000,maximum=1000"`
	// Code is a stable snake_case name for the answer, such as "more_or_less".
	Code string `json:"code" jsonschema:"maxLength=64"`
	// Label is the answer in a few words (never licensed question wording).
	Label string `json:"label" jsonschema:"maxLength=200"`
}

// Item is one question of an instrument, by id and short label only; the
// team supplies the wording it holds a licence for.
type Item struct {
	// ID names the item within its instrument, such as "anxiety".
	ID string `json:"id" jsonschema:"maxLength=64"`
	// Label says what the item is about in a few words.
	Label string `json:"label" jsonschema:"maxLength=200"`
	// Min and Max bound the whole-number answers.
	Min int `json:"min" jsonschema:"minimum=-1000,maximum=1000"`
	Max int `json:"max" jsonschema:"minimum=-1000,maximum=1000"`
	// Options, when given, are the only answers allowed, with their labels.
	Options []Option `json:"options,omitempty" jsonschema:"maxItems=50"`
	// Words is true when the answer carries the person's own words, as a
	// MYCaW concern does.
	Words bool `json:"words,omitempty"`
}

// Band is a named range of a scale's score, such as "lonely" for UCLA 6-9.
type Band struct {
	// Code is a stable snake_case name for the band.
	Code string `json:"code" jsonschema:"maxLength=64"`
	// Label is the band in plain words.
	Label string `json:"label" jsonschema:"maxLength=200"`
	// Min and Max bound the band, both inclusive.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Scale is one score an instrument produces, with the facts a report needs.
type Scale struct {
	// ID names the scale within its instrument, such as "metric".
	ID string `json:"id" jsonschema:"maxLength=64"`
	// Label says what the score measures.
	Label string `json:"label" jsonschema:"maxLength=200"`
	// Domain places the scale in the common outcomes framework.
	Domain Domain `json:"domain"`
	// Min and Max bound the score.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Better says which way is an improvement.
	Better Direction `json:"better"`
	// MeaningfulChange is the smallest change counted as meaningful; 0
	// when no threshold is known.
	MeaningfulChange float64 `json:"meaningful_change,omitempty"`
	// MeaningfulChangeSource cites where the threshold comes from.
	MeaningfulChangeSource string `json:"meaningful_change_source,omitempty"`
	// Bands name ranges of the score; they do not overlap.
	Bands []Band `json:"bands,omitempty"`
}

// BandOf returns the code of the band v falls in, or "" if none.
func (s Scale) BandOf(v float64) string {
	for _, b := range s.Bands {
		if v >= b.Min-eps && v <= b.Max+eps {
			return b.Code
		}
	}
	return ""
}

// eps absorbs floating-point noise in comparisons of scores and changes
// (23.21-20.21 is 3.0000000000000036 in float64).
const eps = 1e-9

// Response is one item's answer as an [Instrument] receives it: in item
// order, already checked to be on the item's response scale.
type Response struct {
	// Value is the answer; meaningless when Missing.
	Value int
	// Missing is true when the item was not answered.
	Missing bool
	// Words are the person's own words, for items that take them.
	Words string
}

// Score is an instrument's result on one scale.
type Score struct {
	// Scale is the scale's id.
	Scale string `json:"scale" jsonschema:"maxLength=64"`
	// Value is the score; 0 when Missing.
	Value float64 `json:"value"`
	// Missing is true when the instrument's missing-data rules leave the
	// scale without a score.
	Missing bool `json:"missing,omitempty"`
	// Band is the code of the band the score falls in, if the scale has bands.
	Band string `json:"band,omitempty" jsonschema:"maxLength=64"`
}

// Instrument is an outcome measure: its items and response scales, the
// scales it scores, and the scoring. The package ships ONS4, SWEMWBS,
// UCLA3, DJG6 and MYCaW (see [Builtins]); teams add their own as data with
// [NewCustom], or in Go by implementing this interface.
type Instrument interface {
	// ID names the instrument, such as "swemwbs".
	ID() string
	// Version names the version of its items and scoring.
	Version() string
	// Label is the instrument's name in plain words.
	Label() string
	// Items returns the items in order; the caller may not change them.
	Items() []Item
	// Scales returns the scales Score produces, in order.
	Scales() []Scale
	// Score appends one Score per scale, in Scales order, to dst. rs holds
	// one Response per item in Items order, each on the item's scale or
	// Missing. A breach of the instrument's own rules (such as a required
	// item left unanswered) returns CodeInvalid with paths "/<item index>"
	// or "/<item index>/words".
	Score(rs []Response, dst []Score) ([]Score, error)
}

// checkShape checks the items and scales an instrument declares; paths are
// "/items/i/..." and "/scales/i/...".
func checkShape(items []Item, scales []Scale) []socialrx.FieldError {
	var fs []socialrx.FieldError
	if len(items) == 0 || len(items) > maxItems {
		fs = append(fs, socialrx.Field("/items", "between 1 and %d items are required", maxItems))
	}
	ids := map[string]bool{}
	for i, it := range items {
		p := "/items/" + strconv.Itoa(i)
		fs = append(fs, checkCode(p+"/id", it.ID)...)
		if ids[it.ID] {
			fs = append(fs, socialrx.Field(p+"/id", "item id %q is used twice", it.ID))
		}
		ids[it.ID] = true
		if it.Label == "" {
			fs = append(fs, socialrx.Field(p+"/label", "required"))
		}
		if it.Min > it.Max {
			fs = append(fs, socialrx.Field(p+"/max", "must be at least min (%d)", it.Min))
		}
		if it.Min < -maxAnswer || it.Max > maxAnswer {
			fs = append(fs, socialrx.Field(p, "answers must lie between %d and %d", -maxAnswer, maxAnswer))
		}
		vals, codes := map[int]bool{}, map[string]bool{}
		for j, o := range it.Options {
			q := p + "/options/" + strconv.Itoa(j)
			if o.Value < it.Min || o.Value > it.Max {
				fs = append(fs, socialrx.Field(q+"/value", "must be between %d and %d", it.Min, it.Max))
			}
			if vals[o.Value] {
				fs = append(fs, socialrx.Field(q+"/value", "value %d is used twice", o.Value))
			}
			vals[o.Value] = true
			fs = append(fs, checkCode(q+"/code", o.Code)...)
			if codes[o.Code] {
				fs = append(fs, socialrx.Field(q+"/code", "code %q is used twice", o.Code))
			}
			codes[o.Code] = true
		}
	}
	if len(scales) == 0 {
		fs = append(fs, socialrx.Field("/scales", "at least one scale is required"))
	}
	if len(scales) > maxScales {
		fs = append(fs, socialrx.Field("/scales", "at most %d scales", maxScales))
	}
	sids := map[string]bool{}
	for i, s := range scales {
		p := "/scales/" + strconv.Itoa(i)
		fs = append(fs, checkCode(p+"/id", s.ID)...)
		if sids[s.ID] {
			fs = append(fs, socialrx.Field(p+"/id", "scale id %q is used twice", s.ID))
		}
		sids[s.ID] = true
		if s.Label == "" {
			fs = append(fs, socialrx.Field(p+"/label", "required"))
		}
		if !s.Domain.valid() {
			fs = append(fs, socialrx.Field(p+"/domain", "must be one of %v", Domain("").EnumValues()))
		}
		if !s.Better.valid() {
			fs = append(fs, socialrx.Field(p+"/better", "must be higher or lower"))
		}
		if !finite(s.Min) || !finite(s.Max) || s.Min > s.Max {
			fs = append(fs, socialrx.Field(p+"/max", "min and max must be numbers with min <= max"))
		}
		if !finite(s.MeaningfulChange) || s.MeaningfulChange < 0 {
			fs = append(fs, socialrx.Field(p+"/meaningful_change", "must not be negative"))
		}
		if s.MeaningfulChange > 0 && s.MeaningfulChangeSource == "" {
			fs = append(fs, socialrx.Field(p+"/meaningful_change_source", "a meaningful-change threshold must cite its source"))
		}
		bcodes := map[string]bool{}
		for j, b := range s.Bands {
			q := p + "/bands/" + strconv.Itoa(j)
			fs = append(fs, checkCode(q+"/code", b.Code)...)
			if bcodes[b.Code] {
				fs = append(fs, socialrx.Field(q+"/code", "band code %q is used twice", b.Code))
			}
			bcodes[b.Code] = true
			if !finite(b.Min) || !finite(b.Max) || b.Min > b.Max || b.Min < s.Min || b.Max > s.Max {
				fs = append(fs, socialrx.Field(q, "band must lie within the scale (%g to %g) with min <= max", s.Min, s.Max))
			}
			for k := range j {
				o := s.Bands[k]
				if b.Min <= o.Max && o.Min <= b.Max {
					fs = append(fs, socialrx.Field(q, "overlaps band %d (%s)", k, o.Code))
				}
			}
		}
	}
	return fs
}

// maxItems bounds the items of one instrument, and maxAnswer the size of
// an answer, so a definition cannot ask for an enormous lookup table.
const (
	maxItems  = 128
	maxAnswer = 1000
)

// maxScales bounds the scales of one instrument, so a measurement's missing
// scores fit a 64-bit mask.
const maxScales = 64

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// checkCode checks a snake_case code: a lower-case letter, then lower-case
// letters, digits and underscores, at most 64 characters.
func checkCode(path, s string) []socialrx.FieldError {
	if !isCode(s) {
		return []socialrx.FieldError{socialrx.Field(path, "must be snake_case: a lower-case letter, then lower-case letters, digits or _ (at most 64)")}
	}
	return nil
}

func isCode(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
