package plan

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// RuleSet is a named, versioned set of triage rules, as data. Factor rules
// add points to a complexity score, may set a minimum level and may call
// for an escalation; level rules map score bands to a level, a pathway and
// a suggested contact budget; the default names the level for a score no
// band covers. Load one with [LoadRuleSet] or start from [DefaultRules].
type RuleSet struct {
	// Name names the rule set, such as "socialrx-default" or "camden-2026".
	Name string `json:"name" jsonschema:"pattern=^[a-z0-9][a-z0-9_.-]*$,maxLength=64"`
	// Version is the rule set's version, MAJOR.MINOR.PATCH; every triage result records it.
	Version string `json:"version" jsonschema:"maxLength=32,pattern=^[0-9]+\\.[0-9]+\\.[0-9]+$"`
	// Description says what the rule set is for and who maintains it.
	Description string `json:"description,omitempty"`
	// Factors are the factor rules, applied in order; every one that matches fires.
	Factors []Factor `json:"factors"`
	// Levels are the level rules: score bands that must not overlap.
	Levels []LevelRule `json:"levels" jsonschema:"minItems=1,maxItems=3"`
	// Default gives the level for a score that falls in no band.
	Default DefaultRule `json:"default"`
}

// Factor is one factor rule: when its condition matches the assessment it
// adds points, may raise the level to at least MinLevel and may escalate,
// and its reason is shown to the link worker.
type Factor struct {
	// ID names the rule in triage results: lower case, digits and underscores.
	ID string `json:"id" jsonschema:"pattern=^[a-z][a-z0-9_]*$,maxLength=64"`
	// When is the condition; every part of it that is given must hold.
	When Condition `json:"when"`
	// Points are added to the complexity score when the rule fires.
	Points int `json:"points,omitempty" jsonschema:"minimum=0,maximum=10"`
	// MinLevel, when set, is the lowest level the person may get when the rule fires.
	MinLevel Level `json:"min_level,omitempty" jsonschema:"minimum=1,maximum=3"`
	// Escalate, when set, is the specialist service the rule calls for.
	Escalate Escalation `json:"escalate,omitempty"`
	// Reason says in a link worker's words why the rule matters.
	Reason string `json:"reason" jsonschema:"minLength=1"`
}

// Condition is the "when" of a factor rule. It has four counted groups
// (needs, crises, risks, circumstances): a group takes part when its list
// or its minimum is given, and holds when at least Min (default 1) of the
// assessment's items are among the listed ones (any item when the list is
// empty). Readiness and SupportNetwork hold when the assessment's value is
// listed. Every part that takes part must hold.
type Condition struct {
	// Needs restricts the needs counted; empty counts any need.
	Needs []socialrx.Need `json:"needs,omitempty"`
	// MinSeverity counts only needs at this severity or above.
	MinSeverity Severity `json:"min_severity,omitempty"`
	// MinNeeds is how many counted needs there must be (default 1).
	MinNeeds int `json:"min_needs,omitempty" jsonschema:"minimum=0,maximum=50"`
	// Crises restricts the crises counted; empty counts any crisis.
	Crises []CrisisKind `json:"crises,omitempty"`
	// MinCrises is how many counted crises there must be (default 1).
	MinCrises int `json:"min_crises,omitempty" jsonschema:"minimum=0,maximum=50"`
	// Risks restricts the risk flags counted; empty counts any flag.
	Risks []RiskFlag `json:"risks,omitempty"`
	// MinRisks is how many counted risk flags there must be (default 1).
	MinRisks int `json:"min_risks,omitempty" jsonschema:"minimum=0,maximum=50"`
	// Circumstances restricts the circumstances counted; empty counts any.
	Circumstances []Circumstance `json:"circumstances,omitempty"`
	// MinCircumstances is how many counted circumstances there must be (default 1).
	MinCircumstances int `json:"min_circumstances,omitempty" jsonschema:"minimum=0,maximum=50"`
	// Readiness holds when the person's readiness is one of these.
	Readiness []Readiness `json:"readiness,omitempty"`
	// SupportNetwork holds when the person's support network is one of these.
	SupportNetwork []SupportNetwork `json:"support_network,omitempty"`
}

// LevelRule maps a band of complexity scores to a level of support.
type LevelRule struct {
	// ID names the rule in triage results.
	ID string `json:"id" jsonschema:"pattern=^[a-z][a-z0-9_]*$,maxLength=64"`
	// Level is the level the band gives; each level has at most one rule.
	Level Level `json:"level" jsonschema:"minimum=1,maximum=3"`
	// Pathway is the kind of support the level gives.
	Pathway Pathway `json:"pathway"`
	// MinScore is the lowest score in the band.
	MinScore int `json:"min_score" jsonschema:"minimum=0"`
	// MaxScore is the highest score in the band; absent means no upper end.
	MaxScore *int `json:"max_score,omitempty" jsonschema:"minimum=0"`
	// Contacts is the contact budget to suggest at this level.
	Contacts int `json:"contacts" jsonschema:"minimum=1,maximum=50"`
	// Reason says in a link worker's words what the level means.
	Reason string `json:"reason" jsonschema:"minLength=1"`
}

// DefaultRule gives the level for a score that falls in no level band.
type DefaultRule struct {
	// Level is the default level; a level rule must define it.
	Level Level `json:"level" jsonschema:"minimum=1,maximum=3"`
	// Reason says why this level is the default.
	Reason string `json:"reason" jsonschema:"minLength=1"`
}

// DefaultRuleID is the rule name a triage result gives when the default level applied.
const DefaultRuleID = "default"

//go:embed default_rules.json
var defaultRulesJSON []byte

// defaultRuleSet is the parsed default rule set; it is never changed.
var defaultRuleSet = func() *RuleSet {
	rs, err := decodeRuleSet(defaultRulesJSON)
	if err == nil {
		err = rs.Check()
	}
	if err != nil {
		panic("plan: default_rules.json: " + err.Error())
	}
	return rs
}()

// DefaultRules returns the rule set that ships with the package
// (default_rules.json, described in default_rules.md). The result is the
// caller's own copy.
func DefaultRules() *RuleSet {
	rs, _ := decodeRuleSet(defaultRulesJSON)
	return rs
}

// DefaultRulesJSON returns the default rule set as JSON, a starting point
// for a team's own rule set.
func DefaultRulesJSON() []byte { return bytes.Clone(defaultRulesJSON) }

func decodeRuleSet(data []byte) (*RuleSet, error) {
	var rs RuleSet
	if err := schema.DecodeStrict(data, &rs); err != nil {
		return nil, err
	}
	return &rs, nil
}

// LoadRuleSet reads a rule set from JSON. It validates the document against
// ruleset.schema.json (unknown fields are refused), then checks the rules
// as [RuleSet.Check] does. Codes: invalid, naming every field at fault.
func LoadRuleSet(data []byte) (*RuleSet, error) {
	if err := ValidateRuleSet(data); err != nil {
		return nil, err
	}
	rs, err := decodeRuleSet(data)
	if err != nil {
		return nil, err
	}
	if err := rs.Check(); err != nil {
		return nil, err
	}
	return rs, nil
}

// isID reports whether s matches ^[a-z][a-z0-9_]*$.
func isID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return s != ""
}

// isName reports whether s matches ^[a-z0-9][a-z0-9_.-]*$.
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '.' || c == '-')) {
			return false
		}
	}
	return s != ""
}

// isVersion reports whether s matches ^[0-9]+\.[0-9]+\.[0-9]+$.
func isVersion(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// Check returns nil or a CodeInvalid [socialrx.Error] naming every rule
// that is malformed: a missing name, version or reason; an unknown code;
// a condition that is empty or can never hold; a factor that does nothing;
// level rules that overlap or contradict each other (a level defined
// twice, a higher score giving a lower level, a higher level suggesting
// fewer contacts); a minimum level with no level rule; and no default.
func (rs *RuleSet) Check() error {
	if rs == nil {
		return socialrx.Invalid(socialrx.Field("", "required: no rule set"))
	}
	var fs []socialrx.FieldError
	add := func(path, rule string, args ...any) { fs = append(fs, socialrx.Field(path, rule, args...)) }
	switch {
	case rs.Name == "":
		add("/name", "required")
	case len(rs.Name) > 64 || !isName(rs.Name):
		add("/name", "must be lower case letters, digits, '.', '_' or '-', at most 64")
	}
	switch {
	case rs.Version == "":
		add("/version", "required")
	case !isVersion(rs.Version):
		add("/version", "must be MAJOR.MINOR.PATCH, such as 1.0.0")
	}

	type place struct {
		list string // "factors" or "levels"
		i    int
	}
	at := func(pl place) string { return "/" + pl.list + "/" + strconv.Itoa(pl.i) }
	ids := make(map[string]place, len(rs.Factors)+len(rs.Levels))
	checkID := func(pl place, id string) {
		switch {
		case id == "":
			add(at(pl)+"/id", "required")
		case id == DefaultRuleID || id == SafeguardingRuleID:
			add(at(pl)+"/id", "%q is reserved", id)
		case len(id) > 64 || !isID(id):
			add(at(pl)+"/id", "must be lower case letters, digits and underscores, starting with a letter")
		default:
			if first, ok := ids[id]; ok {
				add(at(pl)+"/id", "id %q is already used at %s", id, at(first))
				return
			}
			ids[id] = pl
		}
	}

	var defined [Level3 + 1]bool
	for _, l := range rs.Levels {
		if l.Level.Valid() {
			defined[l.Level] = true
		}
	}

	for i, f := range rs.Factors {
		checkID(place{"factors", i}, f.ID)
		for _, e := range f.When.check() {
			add(at(place{"factors", i})+"/when"+e.Path, "%s", e.Rule)
		}
		p := func(field string) string { return at(place{"factors", i}) + field }
		if f.Points < 0 || f.Points > 10 {
			add(p("/points"), "must be 0 to 10")
		}
		if f.MinLevel != 0 {
			switch {
			case !f.MinLevel.Valid():
				add(p("/min_level"), "must be 1, 2 or 3")
			case !defined[f.MinLevel]:
				add(p("/min_level"), "no level rule defines level %d", f.MinLevel)
			}
		}
		if f.Escalate != "" && !oneOf(f.Escalate) {
			add(p("/escalate"), "unknown escalation %q", string(f.Escalate))
		}
		if f.Points == 0 && f.MinLevel == 0 && f.Escalate == "" {
			add(p(""), "the rule does nothing: give it points, a min_level or an escalation")
		}
		if strings.TrimSpace(f.Reason) == "" {
			add(p("/reason"), "required: say in words why the rule matters")
		}
	}

	if len(rs.Levels) == 0 {
		add("/levels", "required: at least one level rule")
	}
	for i, l := range rs.Levels {
		p := "/levels/" + strconv.Itoa(i)
		checkID(place{"levels", i}, l.ID)
		if !l.Level.Valid() {
			add(p+"/level", "must be 1, 2 or 3")
		}
		if !oneOf(l.Pathway) {
			add(p+"/pathway", "must be one of %s", strings.Join(l.Pathway.EnumValues(), ", "))
		}
		if l.MinScore < 0 {
			add(p+"/min_score", "must be 0 or more")
		}
		if l.MaxScore != nil && *l.MaxScore < l.MinScore {
			add(p+"/max_score", "must not be below min_score %d", l.MinScore)
		}
		if l.Contacts < 1 || l.Contacts > 50 {
			add(p+"/contacts", "must be 1 to 50")
		}
		if strings.TrimSpace(l.Reason) == "" {
			add(p+"/reason", "required: say in words what the level means")
		}
		for j, m := range rs.Levels[:i] {
			q := rs.Levels[j].ID
			if m.Level == l.Level {
				add(p+"/level", "contradicts level rule %q: level %d is defined twice", q, l.Level)
			}
			if lo, hi, ok := overlap(m, l); ok {
				add(p+"/min_score", "overlaps level rule %q: scores %s are in both", q, scoreRange(lo, hi))
				continue
			}
			// Disjoint bands: the one with the higher scores must not give a
			// lower level, nor a higher level fewer contacts.
			low, high := m, l
			if l.MinScore < m.MinScore {
				low, high = l, m
			}
			if high.Level < low.Level {
				add(p+"/level", "contradicts level rule %q: scores %s give level %d but lower scores %s give level %d",
					q, band(high), high.Level, band(low), low.Level)
			}
			if m.Level != l.Level {
				lo, hi := m, l
				if l.Level < m.Level {
					lo, hi = l, m
				}
				if hi.Contacts < lo.Contacts {
					add(p+"/contacts", "contradicts level rule %q: level %d suggests %d contacts, fewer than level %d's %d",
						q, hi.Level, hi.Contacts, lo.Level, lo.Contacts)
				}
			}
		}
	}

	switch {
	case rs.Default.Level == 0:
		add("/default/level", "required: a rule set must have a default level")
	case !rs.Default.Level.Valid():
		add("/default/level", "must be 1, 2 or 3")
	case !defined[rs.Default.Level]:
		add("/default/level", "no level rule defines level %d", rs.Default.Level)
	}
	if strings.TrimSpace(rs.Default.Reason) == "" {
		add("/default/reason", "required: say why this level is the default")
	}
	return socialrx.Invalid(fs...)
}

// overlap returns the scores two bands share.
func overlap(a, b LevelRule) (lo, hi int, ok bool) {
	lo = max(a.MinScore, b.MinScore)
	hi = -1 // no upper end
	switch {
	case a.MaxScore != nil && b.MaxScore != nil:
		hi = min(*a.MaxScore, *b.MaxScore)
	case a.MaxScore != nil:
		hi = *a.MaxScore
	case b.MaxScore != nil:
		hi = *b.MaxScore
	}
	if hi >= 0 && hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

func scoreRange(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("%d or more", lo)
	case hi == lo:
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

func band(l LevelRule) string {
	if l.MaxScore == nil {
		return scoreRange(l.MinScore, -1)
	}
	return scoreRange(l.MinScore, *l.MaxScore)
}

// needCount is the number of need codes.
var needCount = len(socialrx.Needs())

// check reports the faults of a condition, at paths relative to it.
func (c *Condition) check() []socialrx.FieldError {
	const path = ""
	var fs []socialrx.FieldError
	add := func(p, rule string, args ...any) { fs = append(fs, socialrx.Field(p, rule, args...)) }
	if c.empty() {
		add(path, "a condition needs at least one part: a rule that always fires is not a reason")
		return fs
	}
	for i, n := range c.Needs {
		switch {
		case !n.Valid():
			add("/needs/"+strconv.Itoa(i), "unknown need code %q", string(n))
		case slices.Contains(c.Needs[:i], n):
			add("/needs/"+strconv.Itoa(i), "need %q is listed twice", string(n))
		}
	}
	if c.MinSeverity != "" && !oneOf(c.MinSeverity) {
		add(path+"/min_severity", "must be one of low, moderate, high")
	}
	fs = append(fs, checkSet(path+"/crises", c.Crises, "crisis kind")...)
	fs = append(fs, checkSet(path+"/risks", c.Risks, "risk flag")...)
	fs = append(fs, checkSet(path+"/circumstances", c.Circumstances, "circumstance")...)
	fs = append(fs, checkSet(path+"/readiness", c.Readiness, "readiness")...)
	fs = append(fs, checkSet(path+"/support_network", c.SupportNetwork, "support network")...)
	for _, g := range [...]struct {
		name   string
		min    int
		listed int
		max    int
	}{
		{"needs", c.MinNeeds, len(c.Needs), needCount},
		{"crises", c.MinCrises, len(c.Crises), -1},
		{"risks", c.MinRisks, len(c.Risks), len(riskFlags)},
		{"circumstances", c.MinCircumstances, len(c.Circumstances), len(circumstances)},
	} {
		switch {
		case g.min < 0 || g.min > 50:
			add("/min_"+g.name, "must be 0 to 50")
		case g.listed > 0 && g.min > g.listed:
			add("/min_"+g.name, "the rule can never fire: it asks for %d but lists only %d %s", g.min, g.listed, g.name)
		case g.listed == 0 && g.max >= 0 && g.min > g.max:
			add("/min_"+g.name, "the rule can never fire: there are only %d %s", g.max, g.name)
		}
	}
	return fs
}

func (c *Condition) empty() bool {
	return len(c.Needs) == 0 && c.MinSeverity == "" && c.MinNeeds == 0 &&
		len(c.Crises) == 0 && c.MinCrises == 0 &&
		len(c.Risks) == 0 && c.MinRisks == 0 &&
		len(c.Circumstances) == 0 && c.MinCircumstances == 0 &&
		len(c.Readiness) == 0 && len(c.SupportNetwork) == 0
}

// Matches reports whether the condition holds for the assessment.
func (c *Condition) Matches(a *Assessment) bool {
	if len(c.Needs) > 0 || c.MinSeverity != "" || c.MinNeeds > 0 {
		minRank, n := c.MinSeverity.rank(), 0
		for _, x := range a.Needs {
			if x.Severity.rank() >= minRank && (len(c.Needs) == 0 || slices.Contains(c.Needs, x.Need)) {
				n++
			}
		}
		if n < max(c.MinNeeds, 1) {
			return false
		}
	}
	if len(c.Crises) > 0 || c.MinCrises > 0 {
		n := 0
		for _, x := range a.Crises {
			if len(c.Crises) == 0 || slices.Contains(c.Crises, x.Kind) {
				n++
			}
		}
		if n < max(c.MinCrises, 1) {
			return false
		}
	}
	if !counted(c.Risks, c.MinRisks, a.Risks) || !counted(c.Circumstances, c.MinCircumstances, a.Circumstances) {
		return false
	}
	if len(c.Readiness) > 0 && !slices.Contains(c.Readiness, a.Readiness) {
		return false
	}
	if len(c.SupportNetwork) > 0 && !slices.Contains(c.SupportNetwork, a.SupportNetwork) {
		return false
	}
	return true
}

// counted applies a counted group: true when the group does not take part
// or enough of have are among list (any, when list is empty).
func counted[T comparable](list []T, minimum int, have []T) bool {
	if len(list) == 0 && minimum == 0 {
		return true
	}
	n := 0
	for _, x := range have {
		if len(list) == 0 || slices.Contains(list, x) {
			n++
		}
	}
	return n >= max(minimum, 1)
}

// String says the condition in words, as default_rules.md shows it.
func (c Condition) String() string {
	var parts []string
	singular := map[string]string{"needs": "need", "crises": "crisis", "risks": "risk", "circumstances": "circumstance"}
	group := func(what string, minimum int, list []string, qualifier string) {
		n, one := max(minimum, 1), singular[what]
		switch {
		case len(list) == 0 && n == 1:
			parts = append(parts, "any "+one+qualifier)
		case len(list) == 0:
			parts = append(parts, fmt.Sprintf("at least %d %s%s", n, what, qualifier))
		case len(list) == 1 && n == 1:
			parts = append(parts, one+" "+list[0]+qualifier)
		case n == 1:
			parts = append(parts, fmt.Sprintf("any of %s %s%s", what, strings.Join(list, ", "), qualifier))
		default:
			parts = append(parts, fmt.Sprintf("at least %d of %s %s%s", n, what, strings.Join(list, ", "), qualifier))
		}
	}
	if len(c.Needs) > 0 || c.MinSeverity != "" || c.MinNeeds > 0 {
		q := ""
		if c.MinSeverity != "" {
			q = " at " + string(c.MinSeverity) + " severity or above"
		}
		group("needs", c.MinNeeds, strs(c.Needs), q)
	}
	if len(c.Crises) > 0 || c.MinCrises > 0 {
		group("crises", c.MinCrises, strs(c.Crises), "")
	}
	if len(c.Risks) > 0 || c.MinRisks > 0 {
		group("risks", c.MinRisks, strs(c.Risks), "")
	}
	if len(c.Circumstances) > 0 || c.MinCircumstances > 0 {
		group("circumstances", c.MinCircumstances, strs(c.Circumstances), "")
	}
	if len(c.Readiness) > 0 {
		parts = append(parts, "readiness is "+strings.Join(strs(c.Readiness), " or "))
	}
	if len(c.SupportNetwork) > 0 {
		parts = append(parts, "support network is "+strings.Join(strs(c.SupportNetwork), " or "))
	}
	return strings.Join(parts, "; and ")
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// levelRule returns the rule that defines level l, or nil.
func (rs *RuleSet) levelRule(l Level) *LevelRule {
	for i := range rs.Levels {
		if rs.Levels[i].Level == l {
			return &rs.Levels[i]
		}
	}
	return nil
}

// bandFor returns the level rule whose band holds score, or nil.
func (rs *RuleSet) bandFor(score int) *LevelRule {
	for i := range rs.Levels {
		l := &rs.Levels[i]
		if score >= l.MinScore && (l.MaxScore == nil || score <= *l.MaxScore) {
			return l
		}
	}
	return nil
}

// Markdown documents the rule set as a Markdown page: how triage uses it,
// each factor rule in words, the level bands and the default.
// default_rules.md is this page for [DefaultRules].
func (rs *RuleSet) Markdown() string {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	fmt.Fprintf(&b, "# Triage rule set `%s`, version %s\n\n", rs.Name, rs.Version)
	if rs.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", rs.Description)
	}
	b.WriteString("Generated from the rule set's JSON by `RuleSet.Markdown`; do not edit by hand.\n\n")
	b.WriteString("## How triage uses these rules\n\n")
	b.WriteString("1. Every factor rule whose condition matches the assessment fires: its points are added to\n" +
		"   the complexity score, it may set a minimum level, it may call for an escalation, and its\n" +
		"   reason is shown to the link worker.\n" +
		"2. The score picks the level rule whose band holds it; a score in no band gets the default level.\n" +
		"3. The level is raised to the highest minimum level any fired rule set.\n" +
		"4. A safeguarding concern is always escalated to safeguarding, whatever the rules say\n" +
		"   (built in as `" + SafeguardingRuleID + "`; no rule set can switch it off).\n" +
		"5. The result records the rule set's name and version, the score and every reason.\n\n")
	b.WriteString("## Factor rules\n\n| Rule | When | Points | At least level | Escalate | Reason |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, f := range rs.Factors {
		ml, esc := "", ""
		if f.MinLevel != 0 {
			ml = strconv.Itoa(int(f.MinLevel))
		}
		if f.Escalate != "" {
			esc = string(f.Escalate)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s | %s | %s |\n", f.ID, cell(f.When.String()), f.Points, ml, esc, cell(f.Reason))
	}
	b.WriteString("\n## Level rules\n\n| Rule | Score | Level | Pathway | Contacts | Reason |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, l := range rs.Levels {
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s | %d | %s |\n", l.ID, band(l), l.Level, l.Pathway.Label(), l.Contacts, cell(l.Reason))
	}
	fmt.Fprintf(&b, "\n## Default\n\nLevel %d: %s\n", rs.Default.Level, rs.Default.Reason)
	return b.String()
}
