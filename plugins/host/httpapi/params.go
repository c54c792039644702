package httpapi

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// param is a query parameter a route takes. The one declaration is what
// the OpenAPI document publishes and what each request is checked against
// before the handler runs: a parameter no route declares is refused (400,
// naming it), and so is a value its schema refuses, so that what the
// document declares is exactly what the API accepts.
type param struct {
	Name        string
	Description string
	// Schema is the JSON Schema of one value. Its "type" ("string",
	// "integer", "number" or "boolean") says how the text of the value is
	// read before the schema checks it.
	Schema map[string]any
	// Many parameters may be given more than once.
	Many bool
}

// Query parameter constructors, each with the bounds every value needs.
func strParam(name, desc string, maxLength int, enum ...string) param {
	s := map[string]any{"type": "string", "maxLength": maxLength}
	if len(enum) > 0 {
		s = map[string]any{"type": "string", "enum": enum}
	}
	return param{Name: name, Description: desc, Schema: s}
}

func intParam(name, desc string, lo, hi int) param {
	return param{Name: name, Description: desc, Schema: map[string]any{"type": "integer", "minimum": lo, "maximum": hi}}
}

func numParam(name, desc string, lo, hi float64) param {
	return param{Name: name, Description: desc, Schema: map[string]any{"type": "number", "minimum": lo, "maximum": hi}}
}

func patternParam(name, desc, pattern string, maxLength int) param {
	return param{Name: name, Description: desc, Schema: map[string]any{"type": "string", "pattern": pattern, "maxLength": maxLength}}
}

// queryChecker checks the query of a route's requests against its params.
type queryChecker struct {
	params     []param
	validators map[string]*schema.Validator
}

func newQueryChecker(rt route) (*queryChecker, error) {
	qc := &queryChecker{params: rt.Query, validators: map[string]*schema.Validator{}}
	for _, p := range rt.Query {
		b, err := json.Marshal(p.Schema)
		if err != nil {
			return nil, err
		}
		v, err := schema.Compile("query/"+p.Name+".schema.json", b)
		if err != nil {
			return nil, fmt.Errorf("%s %s: query parameter %s: %w", rt.Method, rt.Path, p.Name, err)
		}
		qc.validators[p.Name] = v
	}
	return qc, nil
}

// check refuses every query parameter the route does not declare, one
// declared once given more than once, and every value its schema
// refuses, each at the pointer "/name" (or "/name/i" for repeated ones).
// A query string that does not parse is refused whole. Codes: invalid.
func (qc *queryChecker) check(raw string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return socialrx.Invalid(socialrx.Field("", "the query string is malformed: %v", err))
	}
	var errs []socialrx.FieldError
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		vals := q[name]
		i := slices.IndexFunc(qc.params, func(p param) bool { return p.Name == name })
		if i < 0 {
			errs = append(errs, socialrx.Field("/"+name, "unknown query parameter %q; this route takes %s", name, qc.names()))
			continue
		}
		p := qc.params[i]
		if len(vals) > 1 && !p.Many {
			errs = append(errs, socialrx.Field("/"+name, "query parameter %q is given %d times; give it once", name, len(vals)))
			continue
		}
		for j, raw := range vals {
			ptr := "/" + name
			if p.Many {
				ptr += "/" + strconv.Itoa(j)
			}
			v, err := readValue(p.Schema["type"], raw)
			if err != "" {
				errs = append(errs, socialrx.Field(ptr, "query parameter %q %s, not %q", name, err, raw))
				continue
			}
			for _, f := range socialrx.ErrorFields(qc.validators[name].ValidateValue(v)) {
				errs = append(errs, socialrx.Field(ptr+f.Path, "query parameter %q: %s", name, f.Rule))
			}
		}
	}
	return socialrx.Invalid(errs...)
}

func (qc *queryChecker) names() string {
	if len(qc.params) == 0 {
		return "none"
	}
	names := make([]string, len(qc.params))
	for i, p := range qc.params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// readValue reads the text of a query value as its schema's type says,
// or says what it must be.
func readValue(typ any, s string) (any, string) {
	switch typ {
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, "must be a whole number"
		}
		return n, ""
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "must be a number"
		}
		return f, ""
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return nil, "must be true or false"
		}
		return b, ""
	}
	return s, ""
}

// Typed readers of query values the route's declaration has checked.

func (c *call) str(name string) string { return c.r.URL.Query().Get(name) }

func (c *call) strs(name string) []string { return c.r.URL.Query()[name] }

func (c *call) integer(name string) int {
	n, _ := strconv.Atoi(c.str(name))
	return n
}

func (c *call) number(name string) *float64 {
	s := c.str(name)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &f
}
