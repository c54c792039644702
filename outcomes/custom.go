package outcomes

import (
	"math"
	"slices"
	"strconv"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// Scoring says how a custom scale turns answers into a score.
type Scoring string

// The scorings of custom scales.
const (
	// ScoringSum: the score is the sum of the scale's items.
	ScoringSum Scoring = "sum"
	// ScoringLookup: the sum of the items is looked up in a table that
	// covers every possible sum.
	ScoringLookup Scoring = "lookup"
)

var scorings = []Scoring{ScoringSum, ScoringLookup}

// EnumValues lists the scorings, for JSON Schema reflection.
func (Scoring) EnumValues() []string { return socialrx.EnumStrings(scorings) }

// LookupEntry maps one raw sum to a score.
type LookupEntry struct {
	// Raw is the sum of the items.
	Raw int `json:"raw"`
	// Score is the score it converts to.
	Score float64 `json:"score"`
}

// ScaleDefinition is a [Scale] of a custom instrument with how it is scored.
type ScaleDefinition struct {
	Scale
	// Items are the ids of the items summed.
	Items []string `json:"items" jsonschema:"maxLength=64"`
	// Reverse are the ids of items scored in reverse (min+max-answer).
	Reverse []string `json:"reverse,omitempty" jsonschema:"maxLength=64"`
	// Scoring is sum or lookup.
	Scoring Scoring `json:"scoring"`
	// Lookup converts every raw sum, from the sum of the items' minimums to
	// the sum of their maximums, with no gaps; only for lookup scoring.
	Lookup []LookupEntry `json:"lookup,omitempty" jsonschema:"maxItems=1000"`
	// MaxMissing is how many of the scale's items may be unanswered: up to
	// that many, each missing answer is replaced by the mean of the
	// person's other answers on the scale (the raw sum is prorated and
	// rounded half up); beyond it the score is missing. Default 0.
	MaxMissing int `json:"max_missing,omitempty" jsonschema:"minimum=0,maximum=100"`
}

// Definition is a team's own instrument as data: items, scales, scoring and
// bands. It is checked against instrument.schema.json and by [NewCustom].
type Definition struct {
	// ID names the instrument, snake_case; it must not be a built-in's id.
	ID string `json:"id" jsonschema:"maxLength=64"`
	// Version names the version of its items and scoring.
	Version string `json:"version" jsonschema:"minLength=1,maxLength=32"`
	// Label is the instrument's name in plain words.
	Label string `json:"label" jsonschema:"minLength=1,maxLength=200"`
	// Items are the questions, by id and short label only.
	Items []Item `json:"items" jsonschema:"minItems=1"`
	// Scales are the scores, each with its scoring.
	Scales []ScaleDefinition `json:"scales" jsonschema:"minItems=1"`
}

// Custom is an instrument defined as data; build it with [NewCustom] or
// [ParseDefinition].
type Custom struct {
	def    Definition
	scales []compiledScale
}

type compiledScale struct {
	items   []int  // item indexes
	reverse []bool // per entry of items
	lookup  []float64
	rawMin  int
	rawSpan int // rawMax - rawMin
}

// NewCustom checks a definition and returns the instrument. Every item
// id a scale names must exist; sum scales must span exactly the sums of
// their items; lookup tables must cover every possible raw sum once (a gap
// is refused, naming the missing raw sum); every possible score must fall
// in exactly one band when bands are given. Codes: invalid.
func NewCustom(d Definition) (*Custom, error) {
	d = cloneDefinition(d)
	scales := make([]Scale, len(d.Scales))
	for i, s := range d.Scales {
		scales[i] = s.Scale
	}
	var fs []socialrx.FieldError
	fs = append(fs, checkCode("/id", d.ID)...)
	for _, b := range builtinIDs {
		if d.ID == b {
			fs = append(fs, socialrx.Field("/id", "%q is a built-in instrument", d.ID))
		}
	}
	if d.Version == "" {
		fs = append(fs, socialrx.Field("/version", "required"))
	}
	if d.Label == "" {
		fs = append(fs, socialrx.Field("/label", "required"))
	}
	fs = append(fs, checkShape(d.Items, scales)...)
	if len(fs) > 0 {
		return nil, socialrx.Invalid(fs...)
	}
	c := &Custom{def: d}
	idx := make(map[string]int, len(d.Items))
	for i, it := range d.Items {
		idx[it.ID] = i
	}
	for i, s := range d.Scales {
		cs, sfs := compileScale("/scales/"+strconv.Itoa(i), s, d.Items, idx)
		fs = append(fs, sfs...)
		c.scales = append(c.scales, cs)
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}
	return c, nil
}

var builtinIDs = []string{ONS4, SWEMWBS, UCLA3, DJG6, MYCaW}

func compileScale(p string, s ScaleDefinition, items []Item, idx map[string]int) (compiledScale, []socialrx.FieldError) {
	var fs []socialrx.FieldError
	var cs compiledScale
	if len(s.Items) == 0 {
		fs = append(fs, socialrx.Field(p+"/items", "a scale needs at least one item"))
	}
	seen := map[string]bool{}
	rawMin, rawMax := 0, 0
	for j, id := range s.Items {
		i, ok := idx[id]
		switch {
		case !ok:
			fs = append(fs, socialrx.Field(p+"/items/"+strconv.Itoa(j), "no item %q", id))
			continue
		case seen[id]:
			fs = append(fs, socialrx.Field(p+"/items/"+strconv.Itoa(j), "item %q is named twice", id))
			continue
		}
		seen[id] = true
		cs.items = append(cs.items, i)
		cs.reverse = append(cs.reverse, slices.Contains(s.Reverse, id))
		rawMin += items[i].Min
		rawMax += items[i].Max
	}
	for j, id := range s.Reverse {
		if !seen[id] {
			fs = append(fs, socialrx.Field(p+"/reverse/"+strconv.Itoa(j), "item %q is not one of the scale's items", id))
		}
	}
	if s.MaxMissing < 0 || (len(s.Items) > 0 && s.MaxMissing >= len(s.Items)) {
		fs = append(fs, socialrx.Field(p+"/max_missing", "must be between 0 and the number of items less one"))
	}
	if len(fs) > 0 {
		return cs, fs
	}
	cs.rawMin, cs.rawSpan = rawMin, rawMax-rawMin
	var possible []float64
	switch s.Scoring {
	case ScoringSum:
		if len(s.Lookup) > 0 {
			fs = append(fs, socialrx.Field(p+"/lookup", "only lookup scoring takes a lookup table"))
		}
		if s.Min != float64(rawMin) || s.Max != float64(rawMax) {
			fs = append(fs, socialrx.Field(p+"/min", "a sum scale must span the sums of its items, %d to %d", rawMin, rawMax))
		}
		for r := rawMin; r <= rawMax; r++ {
			possible = append(possible, float64(r))
		}
	case ScoringLookup:
		cs.lookup = make([]float64, rawMax-rawMin+1)
		have := make([]bool, len(cs.lookup))
		for j, e := range s.Lookup {
			q := p + "/lookup/" + strconv.Itoa(j)
			switch {
			case e.Raw < rawMin || e.Raw > rawMax:
				fs = append(fs, socialrx.Field(q+"/raw", "must be a possible raw sum, %d to %d", rawMin, rawMax))
				continue
			case have[e.Raw-rawMin]:
				fs = append(fs, socialrx.Field(q+"/raw", "raw sum %d is listed twice", e.Raw))
				continue
			case !finite(e.Score) || e.Score < s.Min || e.Score > s.Max:
				fs = append(fs, socialrx.Field(q+"/score", "must lie within the scale, %g to %g", s.Min, s.Max))
			}
			have[e.Raw-rawMin] = true
			cs.lookup[e.Raw-rawMin] = e.Score
		}
		for r, ok := range have {
			if !ok {
				fs = append(fs, socialrx.Field(p+"/lookup", "the table has a gap: no entry for raw sum %d (it must cover %d to %d)", r+rawMin, rawMin, rawMax))
			}
		}
		possible = cs.lookup
	default:
		fs = append(fs, socialrx.Field(p+"/scoring", "must be sum or lookup"))
	}
	if len(fs) == 0 && len(s.Bands) > 0 {
		for _, v := range possible {
			n := 0
			for _, b := range s.Bands {
				if v >= b.Min && v <= b.Max {
					n++
				}
			}
			if n == 0 {
				fs = append(fs, socialrx.Field(p+"/bands", "score %g falls in no band", v))
			}
		}
	}
	return cs, fs
}

func cloneDefinition(d Definition) Definition {
	d.Items = cloneItems(d.Items)
	d.Scales = slices.Clone(d.Scales)
	for i := range d.Scales {
		s := &d.Scales[i]
		s.Bands = slices.Clone(s.Bands)
		s.Items = slices.Clone(s.Items)
		s.Reverse = slices.Clone(s.Reverse)
		s.Lookup = slices.Clone(s.Lookup)
	}
	return d
}

// ParseDefinition decodes a custom instrument from JSON, checking it
// against instrument.schema.json (every failing pointer is reported) and
// then with [NewCustom]. Codes: invalid.
func ParseDefinition(doc []byte) (*Custom, error) {
	if err := ValidateDefinition(doc); err != nil {
		return nil, err
	}
	var d Definition
	if err := schema.DecodeStrict(doc, &d); err != nil {
		return nil, err
	}
	return NewCustom(d)
}

// Definition returns a copy of the definition the instrument was built from.
func (c *Custom) Definition() Definition { return cloneDefinition(c.def) }

// ID implements [Instrument].
func (c *Custom) ID() string { return c.def.ID }

// Version implements [Instrument].
func (c *Custom) Version() string { return c.def.Version }

// Label implements [Instrument].
func (c *Custom) Label() string { return c.def.Label }

// Items implements [Instrument].
func (c *Custom) Items() []Item { return cloneItems(c.def.Items) }

// Scales implements [Instrument].
func (c *Custom) Scales() []Scale {
	out := make([]Scale, len(c.def.Scales))
	for i, s := range c.def.Scales {
		out[i] = s.Scale
		out[i].Bands = slices.Clone(s.Bands)
	}
	return out
}

// Score implements [Instrument]: each scale sums its items (reversed where
// asked), prorates up to MaxMissing missing answers, and looks the sum up
// for lookup scales. It returns CodeInvalid only for a wrong number of
// responses.
func (c *Custom) Score(rs []Response, dst []Score) ([]Score, error) {
	if len(rs) != len(c.def.Items) {
		return dst, socialrx.Invalid(socialrx.Field("", "want %d responses, got %d", len(c.def.Items), len(rs)))
	}
	for i, cs := range c.scales {
		sd := &c.def.Scales[i]
		sum, answered := 0, 0
		for j, ii := range cs.items {
			r := rs[ii]
			if r.Missing {
				continue
			}
			v := r.Value
			if cs.reverse[j] {
				v = c.def.Items[ii].Min + c.def.Items[ii].Max - v
			}
			sum += v
			answered++
		}
		missing := len(cs.items) - answered
		if missing > sd.MaxMissing {
			dst = append(dst, Score{Scale: sd.ID, Missing: true})
			continue
		}
		raw := sum
		if missing > 0 {
			raw = int(math.Floor(float64(sum)*float64(len(cs.items))/float64(answered) + 0.5))
			// Items with unequal ranges can prorate past the possible sums.
			raw = min(max(raw, cs.rawMin), cs.rawMin+cs.rawSpan)
		}
		v := float64(raw)
		if cs.lookup != nil {
			v = cs.lookup[raw-cs.rawMin]
		}
		dst = append(dst, Score{Scale: sd.ID, Value: v, Band: sd.BandOf(v)})
	}
	return dst, nil
}
