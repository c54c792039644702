package outcomes

import (
	"slices"
	"strconv"

	"github.com/socialrx/socialrx"
)

// The ids of the built-in instruments.
const (
	ONS4    = "ons4"
	SWEMWBS = "swemwbs"
	UCLA3   = "ucla3"
	DJG6    = "djg6"
	MYCaW   = "mycaw"
)

// builtin is an instrument written in Go: fixed items and scales and a
// scoring function.
type builtin struct {
	id, version, label string
	items              []Item
	scales             []Scale
	score              func(rs []Response, dst []Score) ([]Score, error)
}

func (b *builtin) ID() string      { return b.id }
func (b *builtin) Version() string { return b.version }
func (b *builtin) Label() string   { return b.label }
func (b *builtin) Items() []Item   { return cloneItems(b.items) }
func (b *builtin) Scales() []Scale { return cloneScales(b.scales) }
func (b *builtin) Score(rs []Response, dst []Score) ([]Score, error) {
	if len(rs) != len(b.items) {
		return dst, socialrx.Invalid(socialrx.Field("", "want %d responses, got %d", len(b.items), len(rs)))
	}
	return b.score(rs, dst)
}

func cloneItems(in []Item) []Item {
	out := slices.Clone(in)
	for i := range out {
		out[i].Options = slices.Clone(out[i].Options)
	}
	return out
}

func cloneScales(in []Scale) []Scale {
	out := slices.Clone(in)
	for i := range out {
		out[i].Bands = slices.Clone(out[i].Bands)
	}
	return out
}

// Builtins returns the instruments the package scores: ONS4, SWEMWBS,
// UCLA3 (with the direct loneliness question), DJG6 and MYCaW, each at
// version "1". Each call returns new values.
func Builtins() []Instrument {
	return []Instrument{newONS4(), newSWEMWBS(), newUCLA3(), newDJG6(), newMYCaW()}
}

// value returns a missing score or a scored one with its band.
func value(s Scale, v float64, missing bool) Score {
	if missing {
		return Score{Scale: s.ID, Missing: true}
	}
	return Score{Scale: s.ID, Value: v, Band: s.BandOf(v)}
}

// sumAll sums the responses at idx; missing if any of them is missing.
func sumAll(rs []Response, idx ...int) (int, bool) {
	sum := 0
	for _, i := range idx {
		if rs[i].Missing {
			return 0, true
		}
		sum += rs[i].Value
	}
	return sum, false
}

// ONS4 bands are the thresholds the Office for National Statistics
// publishes for personal well-being (ONS, "Personal well-being in the UK",
// quality and methodology: 0-4 low, 5-6 medium, 7-8 high, 9-10 very high;
// anxiety 0-1 very low, 2-3 low, 4-5 medium, 6-10 high).
var (
	onsBands = []Band{
		{Code: "low", Label: "Low", Min: 0, Max: 4},
		{Code: "medium", Label: "Medium", Min: 5, Max: 6},
		{Code: "high", Label: "High", Min: 7, Max: 8},
		{Code: "very_high", Label: "Very high", Min: 9, Max: 10},
	}
	onsAnxietyBands = []Band{
		{Code: "very_low", Label: "Very low", Min: 0, Max: 1},
		{Code: "low", Label: "Low", Min: 2, Max: 3},
		{Code: "medium", Label: "Medium", Min: 4, Max: 5},
		{Code: "high", Label: "High", Min: 6, Max: 10},
	}
)

// newONS4 is ONS personal wellbeing: four items 0-10, reported item by item
// with no total. The ONS publishes no threshold for a meaningful change in
// one person's rating and we know of no agreed one, so none is set.
func newONS4() Instrument {
	type def struct {
		id, label string
		better    Direction
		bands     []Band
	}
	defs := []def{
		{"life_satisfaction", "Life satisfaction", HigherIsBetter, onsBands},
		{"worthwhile", "Things done in life are worthwhile", HigherIsBetter, onsBands},
		{"happiness", "Happiness yesterday", HigherIsBetter, onsBands},
		{"anxiety", "Anxiety yesterday", LowerIsBetter, onsAnxietyBands},
	}
	b := &builtin{id: ONS4, version: "1", label: "ONS4 personal wellbeing"}
	for _, d := range defs {
		b.items = append(b.items, Item{ID: d.id, Label: d.label, Min: 0, Max: 10})
		b.scales = append(b.scales, Scale{ID: d.id, Label: d.label, Domain: DomainWellbeing, Min: 0, Max: 10, Better: d.better, Bands: d.bands})
	}
	b.score = func(rs []Response, dst []Score) ([]Score, error) {
		for i, s := range b.scales {
			dst = append(dst, value(s, float64(rs[i].Value), rs[i].Missing))
		}
		return dst, nil
	}
	return b
}

// swemwbsMetric converts a SWEMWBS raw total (index raw-7) to the metric
// score with the conversion table published by Warwick Medical School.
var swemwbsMetric = [29]float64{
	7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36,
	16.88, 17.43, 17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21,
	24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00,
}

// SWEMWBSMetric returns the metric score of a SWEMWBS raw total 7 to 35.
// Codes: invalid (raw out of range).
func SWEMWBSMetric(raw int) (float64, error) {
	if raw < 7 || raw > 35 {
		return 0, socialrx.Invalid(socialrx.Field("", "raw SWEMWBS total must be between 7 and 35, got %d", raw))
	}
	return swemwbsMetric[raw-7], nil
}

// newSWEMWBS is the short Warwick-Edinburgh Mental Wellbeing Scale: seven
// items 1-5, raw total 7-35 converted to a metric score.
//
// Missing data: the owners' public scoring pages say nothing we could
// check about missing items, so we do not impute: a total (raw or metric)
// is missing if any item is. This is our choice, not a published rule.
//
// Meaningful change: 3 metric points. Shah et al. (2018), "Responsiveness
// of the Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS):
// evaluation a clinical sample", Health Qual Life Outcomes 16:239, found
// that a change of 1 to 3 points meets thresholds for statistically
// important change at the individual level; 3 is the upper end and the
// value commonly used in practice.
func newSWEMWBS() Instrument {
	topics := []struct{ id, label string }{
		{"optimism", "Optimism about the future"},
		{"useful", "Feeling useful"},
		{"relaxed", "Feeling relaxed"},
		{"dealing_with_problems", "Dealing with problems"},
		{"thinking_clearly", "Thinking clearly"},
		{"close_to_others", "Closeness to other people"},
		{"own_mind", "Making up own mind"},
	}
	b := &builtin{id: SWEMWBS, version: "1", label: "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"}
	opts := []Option{
		{1, "none_of_the_time", "None of the time"},
		{2, "rarely", "Rarely"},
		{3, "some_of_the_time", "Some of the time"},
		{4, "often", "Often"},
		{5, "all_of_the_time", "All of the time"},
	}
	for _, t := range topics {
		b.items = append(b.items, Item{ID: t.id, Label: t.label, Min: 1, Max: 5, Options: opts})
	}
	b.scales = []Scale{
		{ID: "raw", Label: "SWEMWBS raw total", Domain: DomainWellbeing, Min: 7, Max: 35, Better: HigherIsBetter},
		{ID: "metric", Label: "SWEMWBS metric score", Domain: DomainWellbeing, Min: 7, Max: 35, Better: HigherIsBetter,
			MeaningfulChange:       3,
			MeaningfulChangeSource: "Shah et al. 2018, Health Qual Life Outcomes 16:239 (1 to 3 points; 3 is the conservative end)"},
	}
	all := []int{0, 1, 2, 3, 4, 5, 6}
	b.score = func(rs []Response, dst []Score) ([]Score, error) {
		raw, missing := sumAll(rs, all...)
		metric := 0.0
		if !missing {
			metric = swemwbsMetric[raw-7]
		}
		return append(dst, value(b.scales[0], float64(raw), missing), value(b.scales[1], metric, missing)), nil
	}
	return b
}

// newUCLA3 is the three-item UCLA loneliness scale (Hughes et al. 2004):
// items 1 (hardly ever) to 3 (often), total 3-9, with 6 or more
// conventionally "lonely" (a common convention; we know of no single
// authoritative source for the cut-off). The total is missing if any of
// the three items is, as they are too few to impute. The fourth item is the
// direct question the ONS recommends alongside it, scored on its own:
// 1 never, 2 hardly ever, 3 occasionally, 4 some of the time, 5 often or
// always, so that for both scales a higher score is lonelier; it may be
// left unanswered without affecting the total. No meaningful-change
// threshold is known to us for either scale.
func newUCLA3() Instrument {
	freq := []Option{{1, "hardly_ever", "Hardly ever"}, {2, "some_of_the_time", "Some of the time"}, {3, "often", "Often"}}
	direct := []Option{
		{1, "never", "Never"}, {2, "hardly_ever", "Hardly ever"}, {3, "occasionally", "Occasionally"},
		{4, "some_of_the_time", "Some of the time"}, {5, "often_always", "Often or always"},
	}
	b := &builtin{id: UCLA3, version: "1", label: "UCLA 3-item loneliness scale with the direct question"}
	b.items = []Item{
		{ID: "companionship", Label: "Lacking companionship", Min: 1, Max: 3, Options: freq},
		{ID: "left_out", Label: "Feeling left out", Min: 1, Max: 3, Options: freq},
		{ID: "isolated", Label: "Feeling isolated", Min: 1, Max: 3, Options: freq},
		{ID: "direct", Label: "How often lonely (direct question)", Min: 1, Max: 5, Options: direct},
	}
	var directBands []Band
	for _, o := range direct {
		directBands = append(directBands, Band{Code: o.Code, Label: o.Label, Min: float64(o.Value), Max: float64(o.Value)})
	}
	b.scales = []Scale{
		{ID: "total", Label: "UCLA 3-item total", Domain: DomainLoneliness, Min: 3, Max: 9, Better: LowerIsBetter,
			Bands: []Band{{Code: "not_lonely", Label: "Not lonely (3-5)", Min: 3, Max: 5}, {Code: "lonely", Label: "Lonely (6-9)", Min: 6, Max: 9}}},
		{ID: "direct", Label: "How often lonely", Domain: DomainLoneliness, Min: 1, Max: 5, Better: LowerIsBetter, Bands: directBands},
	}
	b.score = func(rs []Response, dst []Score) ([]Score, error) {
		total, missing := sumAll(rs, 0, 1, 2)
		return append(dst, value(b.scales[0], float64(total), missing), value(b.scales[1], float64(rs[3].Value), rs[3].Missing)), nil
	}
	return b
}

// newDJG6 is the De Jong Gierveld 6-item loneliness scale (de Jong
// Gierveld & van Tilburg 2006, Research on Aging 28:582-598). Answers are
// coded as in the scale's manual (de Jong Gierveld & van Tilburg, "Manual
// of the Loneliness Scale", 1999, updated 2022, section 8): 1 no, 2 more or
// less, 3 yes. Emotional items score 1 for yes or more or less; social
// items, worded positively, score 1 for no or more or less. Following the
// manual's syntax, a subscale (0-3) is missing if any of its items is, and
// the total (0-6) is missing if more than one item is; with one item
// missing the total counts the lonely answers among the other five. Total
// bands: 0-1 not lonely, 2-4 moderately lonely, 5-6 severely lonely. No
// meaningful-change threshold is known to us.
func newDJG6() Instrument {
	yn := []Option{{1, "no", "No"}, {2, "more_or_less", "More or less"}, {3, "yes", "Yes"}}
	b := &builtin{id: DJG6, version: "1", label: "De Jong Gierveld 6-item loneliness scale"}
	b.items = []Item{
		{ID: "emptiness", Label: "Sense of emptiness (emotional)", Min: 1, Max: 3, Options: yn},
		{ID: "miss_people", Label: "Missing people around (emotional)", Min: 1, Max: 3, Options: yn},
		{ID: "rejected", Label: "Feeling rejected (emotional)", Min: 1, Max: 3, Options: yn},
		{ID: "rely_on", Label: "People to rely on (social)", Min: 1, Max: 3, Options: yn},
		{ID: "trust", Label: "People to trust (social)", Min: 1, Max: 3, Options: yn},
		{ID: "close_to", Label: "People to feel close to (social)", Min: 1, Max: 3, Options: yn},
	}
	b.scales = []Scale{
		{ID: "emotional", Label: "Emotional loneliness", Domain: DomainLoneliness, Min: 0, Max: 3, Better: LowerIsBetter},
		{ID: "social", Label: "Social loneliness", Domain: DomainLoneliness, Min: 0, Max: 3, Better: LowerIsBetter},
		{ID: "total", Label: "Overall loneliness", Domain: DomainLoneliness, Min: 0, Max: 6, Better: LowerIsBetter,
			Bands: []Band{
				{Code: "not_lonely", Label: "Not lonely (0-1)", Min: 0, Max: 1},
				{Code: "moderately_lonely", Label: "Moderately lonely (2-4)", Min: 2, Max: 4},
				{Code: "severely_lonely", Label: "Severely lonely (5-6)", Min: 5, Max: 6},
			}},
	}
	b.score = func(rs []Response, dst []Score) ([]Score, error) {
		var sub [2]int
		var miss [2]int
		for i, r := range rs {
			s := i / 3 // 0 emotional, 1 social
			switch {
			case r.Missing:
				miss[s]++
			case s == 0 && r.Value >= 2, s == 1 && r.Value <= 2:
				sub[s]++
			}
		}
		return append(dst,
			value(b.scales[0], float64(sub[0]), miss[0] > 0),
			value(b.scales[1], float64(sub[1]), miss[1] > 0),
			value(b.scales[2], float64(sub[0]+sub[1]), miss[0]+miss[1] > 1),
		), nil
	}
	return b
}

// newMYCaW is a MYCaW-style personalised measure (after Paterson et al.
// 2007, Complement Ther Med 15:38-45): one or two concerns in the person's
// own words, each rated 0-6 for how much it bothers them, and overall
// wellbeing 0-6 (6 as bad as it could be). Higher is worse on every scale,
// so the improvement is baseline minus follow-up. The first concern must be
// rated and named; the second is optional but, when rated, must be named;
// wellbeing may be missing. No profile score is computed and no
// meaningful-change threshold is set: we know of no published one.
func newMYCaW() Instrument {
	b := &builtin{id: MYCaW, version: "1", label: "MYCaW-style concerns and wellbeing"}
	b.items = []Item{
		{ID: "concern_1", Label: "First concern (own words), how much it bothers", Min: 0, Max: 6, Words: true},
		{ID: "concern_2", Label: "Second concern (own words), how much it bothers", Min: 0, Max: 6, Words: true},
		{ID: "wellbeing", Label: "Overall wellbeing (0 as good as can be, 6 as bad)", Min: 0, Max: 6},
	}
	b.scales = []Scale{
		{ID: "concern_1", Label: "First concern", Domain: DomainConcerns, Min: 0, Max: 6, Better: LowerIsBetter},
		{ID: "concern_2", Label: "Second concern", Domain: DomainConcerns, Min: 0, Max: 6, Better: LowerIsBetter},
		{ID: "wellbeing", Label: "Overall wellbeing", Domain: DomainWellbeing, Min: 0, Max: 6, Better: LowerIsBetter},
	}
	b.score = func(rs []Response, dst []Score) ([]Score, error) {
		var fs []socialrx.FieldError
		if rs[0].Missing {
			fs = append(fs, socialrx.Field("/0", "the first concern must be rated: MYCaW needs at least one concern"))
		}
		for i := range 2 {
			if !rs[i].Missing && rs[i].Words == "" {
				fs = append(fs, socialrx.Field("/"+strconv.Itoa(i)+"/words", "a rated concern needs the person's words"))
			}
		}
		if err := socialrx.Invalid(fs...); err != nil {
			return dst, err
		}
		for i, s := range b.scales {
			dst = append(dst, value(s, float64(rs[i].Value), rs[i].Missing))
		}
		return dst, nil
	}
	return b
}
