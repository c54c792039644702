package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// problems collects the field errors of one decode, each path rooted at
// the resource it is about ("/Patient/birthDate").
type problems struct{ errs []socialrx.FieldError }

func (p *problems) add(path, rule string, args ...any) {
	p.errs = append(p.errs, socialrx.Field(path, rule, args...))
}

func (p *problems) err() error { return socialrx.Invalid(p.errs...) }

// at joins a path and an index.
func at(path string, i int) string { return path + "/" + strconv.Itoa(i) }

// unmarshalResource decodes one resource of type want from JSON, naming
// the element of a type mismatch. Unknown elements are ignored: servers
// add narrative and metadata socialrx does not keep. Codes: invalid.
func unmarshalResource(doc []byte, want string, v any) error {
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	root := "/" + want
	if err := json.Unmarshal(doc, &head); err != nil {
		return socialrx.Invalid(jsonProblem(root, err))
	}
	if head.ResourceType != want {
		return socialrx.Invalid(socialrx.Field(root+"/resourceType", "must be %q, not %q", want, head.ResourceType))
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return socialrx.Invalid(jsonProblem(root, err))
	}
	return nil
}

// jsonProblem turns an encoding/json error into a field error.
func jsonProblem(root string, err error) socialrx.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p := root
		if te.Field != "" {
			p += "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return socialrx.Field(p, "must be a JSON %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)
	}
	return socialrx.Field(root, "is not a JSON resource: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "number"
}

// fhirDateTime matches a FHIR dateTime with at least a day: a date, or a
// date and a time with seconds and a zone.
var fhirDateTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$`)

// parseTime reads a FHIR dateTime or instant as a UTC time; a bare date
// is midnight UTC. "" gives the zero time. Partial dates (a year, a
// month) are refused: socialrx needs the day.
func (p *problems) parseTime(path, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if !fhirDateTime.MatchString(s) {
		p.add(path, "%q is not a FHIR dateTime with at least a day", s)
		return time.Time{}
	}
	layout := time.RFC3339Nano
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		p.add(path, "%q is not a valid dateTime", s)
		return time.Time{}
	}
	return t.UTC()
}

// parseDate reads a FHIR date (YYYY-MM-DD); "" gives the zero Date.
func (p *problems) parseDate(path, s string) socialrx.Date {
	if s == "" {
		return socialrx.Date{}
	}
	d, err := socialrx.ParseDate(s)
	if err != nil {
		p.add(path, "%q is not a FHIR date YYYY-MM-DD", s)
	}
	return d
}

// instant writes a time as a FHIR instant in UTC; the zero time gives "".
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// codeIn returns the code of the first coding of cc from system, or "".
func codeIn(cc *CodeableConcept, system string) string {
	if cc == nil {
		return ""
	}
	for _, c := range cc.Coding {
		if c.System == system {
			return c.Code
		}
	}
	return ""
}

// concept returns a CodeableConcept of one coding.
func concept(system, code, display string) CodeableConcept {
	return CodeableConcept{Coding: []Coding{{System: system, Code: code, Display: display}}}
}

// needConcept is a need as a concept: its socialrx code and, where
// socialrx maps it to SNOMED CT (socialrx.LookupNeed), the SNOMED CT
// concept too, which UK clinical systems code with (the Gravity SDOH
// category value set is a US one).
func needConcept(n socialrx.Need) CodeableConcept {
	c := concept(CodeSystemNeed, string(n), n.Label())
	if info, ok := socialrx.LookupNeed(n); ok && info.SNOMED != "" {
		c.Coding = append(c.Coding, Coding{System: SystemSNOMED, Code: info.SNOMED, Display: info.SNOMEDTerm})
	}
	return c
}

// reasonConcept is a status reason: its socialrx code and, as Gravity asks
// of a Task's statusReason, the reason in words ("out_of_area" is "out of
// area").
func reasonConcept(code string) *CodeableConcept {
	c := concept(CodeSystemReason, code, "")
	c.Text = strings.ReplaceAll(code, "_", " ")
	return &c
}

// identifierIn returns the value of the first identifier from system, or "".
func identifierIn(ids []Identifier, system string) string {
	for _, id := range ids {
		if id.System == system {
			return id.Value
		}
	}
	return ""
}

// extensions reads and writes the socialrx extensions of one element.
type extensions []Extension

func (es extensions) find(url string) (Extension, bool) {
	for _, e := range es {
		if e.URL == url {
			return e, true
		}
	}
	return Extension{}, false
}

func (es extensions) boolean(url string) bool {
	e, ok := es.find(url)
	return ok && e.ValueBoolean != nil && *e.ValueBoolean
}

func (es extensions) str(url string) string {
	e, ok := es.find(url)
	switch {
	case !ok:
		return ""
	case e.ValueString != nil:
		return *e.ValueString
	case e.ValueCode != nil:
		return *e.ValueCode
	}
	return ""
}

func boolExt(url string, v bool) []Extension {
	if !v {
		return nil
	}
	return []Extension{{URL: url, ValueBoolean: ptr(true)}}
}

func stringExt(url, v string) []Extension {
	if v == "" {
		return nil
	}
	return []Extension{{URL: url, ValueString: ptr(v)}}
}

func codeExt(url, v string) []Extension {
	if v == "" {
		return nil
	}
	return []Extension{{URL: url, ValueCode: ptr(v)}}
}

// userRef refers to a socialrx user by id, as a Practitioner: link
// workers, partners' staff and the clinicians who record consents are all
// people who provide care or support, which every element socialrx puts a
// user in allows.
func userRef(id string) *Reference {
	if id == "" {
		return nil
	}
	return &Reference{Type: "Practitioner", Identifier: &Identifier{System: SystemUser, Value: id}}
}

// userOf reads a user id from a reference by identifier, or "".
func userOf(r *Reference) string {
	if r == nil || r.Identifier == nil || r.Identifier.System != SystemUser {
		return ""
	}
	return r.Identifier.Value
}
