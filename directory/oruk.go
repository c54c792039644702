package directory

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// The committed schemas of a service and an organization in socialrx's
// form: ORUK 3.0 plus the "socialrx" extensions, with unknown members
// forbidden. Regenerate with SOCIALRX_UPDATE_SCHEMAS=1 go test ./directory.
var (
	//go:embed service.schema.json
	serviceSchema []byte
	//go:embed organization.schema.json
	organizationSchema []byte
)

var (
	strictService = sync.OnceValue(func() *schema.Validator {
		return schema.MustCompile(schema.BaseID+"service.schema.json", serviceSchema)
	})
	// The import validators allow unknown members, as ORUK does, so
	// feeds carrying fields of other HSDS profiles still import.
	lenientService = sync.OnceValue(func() *schema.Validator {
		return schema.MustCompile(schema.BaseID+"service.schema.json", lenient(serviceSchema))
	})
	lenientOrganization = sync.OnceValue(func() *schema.Validator {
		return schema.MustCompile(schema.BaseID+"organization.schema.json", lenient(organizationSchema))
	})
)

// lenient drops every "additionalProperties": false from a schema.
func lenient(doc []byte) []byte {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		panic(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if b, ok := t["additionalProperties"].(bool); ok && !b {
				delete(t, "additionalProperties")
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return out
}

// Validate checks a service document in socialrx's form (ORUK 3.0 with the
// "socialrx" extensions and no unknown members) against the committed
// service.schema.json and the rules of [Service.Check]. It returns nil or a
// [socialrx.CodeInvalid] error naming every failing JSON pointer.
func Validate(doc []byte) error {
	_, err := decode(doc, strictService(), func(s *Service) []socialrx.FieldError {
		var c checker
		c.service("", s)
		return c.errs
	})
	return err
}

// DecodeService imports an ORUK 3.0 service_full document. Members ORUK does
// not define are ignored. It returns [socialrx.CodeInvalid] naming every
// failing field (bad URLs and emails, unknown enum values, missing or
// malformed ids, malformed schedules …) and imports nothing in that case.
func DecodeService(doc []byte) (Service, error) {
	return decode(doc, lenientService(), func(s *Service) []socialrx.FieldError {
		var c checker
		c.service("", s)
		return c.errs
	})
}

// DecodeOrganization imports an ORUK 3.0 organization document, with its
// services when it carries them (organization_full). A bad service refuses
// the whole document. It returns [socialrx.CodeInvalid] naming every failing
// field.
func DecodeOrganization(doc []byte) (OrganizationFull, error) {
	return decode(doc, lenientOrganization(), func(o *OrganizationFull) []socialrx.FieldError {
		var c checker
		c.organizationFull("", o)
		return c.errs
	})
}

type normalizer interface{ normalize() }

// decode validates doc against v, decodes it into a T and applies the Go
// checks, reporting the union of the failing fields.
func decode[T any, P interface {
	*T
	normalizer
}](doc []byte, v *schema.Validator, check func(*T) []socialrx.FieldError) (T, error) {
	var zero T
	inst, err := schema.Parse(doc)
	if err != nil {
		return zero, err
	}
	if _, ok := inst.(map[string]any); !ok {
		return zero, socialrx.Invalid(socialrx.Field("", "must be a JSON object"))
	}
	fields := socialrx.ErrorFields(v.ValidateValue(inst))
	if len(fields) > 0 {
		// Drop the values the schema refused, so that decoding the rest
		// cannot stop early and the Go checks see everything else.
		for _, f := range fields {
			inst = drop(inst, f.Path)
		}
		if doc, err = json.Marshal(inst); err != nil {
			return zero, socialrx.Errorf(socialrx.CodeInternal, "re-encode: %w", err)
		}
	}
	var out T
	if err := json.Unmarshal(doc, &out); err != nil && len(fields) == 0 {
		fields = append(fields, jsonField(doc, err))
	}
	fields = merge(fields, check(&out))
	if len(fields) > 0 {
		return zero, socialrx.Invalid(fields...)
	}
	P(&out).normalize()
	return out, nil
}

// merge adds the Go checks' findings at paths the schema did not already
// name, nor lie under a value the schema refused.
func merge(fields, more []socialrx.FieldError) []socialrx.FieldError {
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		seen[f.Path] = true
	}
next:
	for _, f := range more {
		if seen[f.Path] {
			continue
		}
		for p := f.Path; p != ""; {
			i := strings.LastIndexByte(p, '/')
			p = p[:max(i, 0)]
			if seen[p] && p != "" {
				continue next
			}
		}
		seen[f.Path] = true
		fields = append(fields, f)
	}
	return fields
}

// drop removes the value at a JSON pointer from a decoded document: an
// object member is deleted, an array element becomes null.
func drop(doc any, pointer string) any {
	if pointer == "" {
		return doc
	}
	tokens := strings.Split(pointer[1:], "/")
	cur := doc
	for i, tok := range tokens {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		last := i == len(tokens)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				delete(c, tok)
				return doc
			}
			cur = c[tok]
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(c) {
				return doc
			}
			if last {
				c[n] = nil
				return doc
			}
			cur = c[n]
		default:
			return doc
		}
	}
	return doc
}

// jsonField turns an encoding/json error into a field error.
func jsonField(doc []byte, err error) socialrx.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return socialrx.Field(schema.PointerAt(doc, te.Offset), "must be a %s, not %s", te.Type, te.Value)
	}
	return socialrx.Field("", "%v", err)
}

// EncodeService exports s as an ORUK 3.0 service_full document (with the
// "socialrx" extensions when s has any). It returns [socialrx.CodeInvalid]
// when s breaks a rule of [Service.Check].
func EncodeService(s Service) ([]byte, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	c := s.Clone()
	c.normalize()
	return marshal(c)
}

// EncodeOrganization exports o as an ORUK 3.0 organization document, an
// organization_full when it has services. It returns [socialrx.CodeInvalid]
// when o breaks a rule of [OrganizationFull.Check].
func EncodeOrganization(o OrganizationFull) ([]byte, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	c := o.Clone()
	c.normalize()
	return marshal(c)
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeInternal, "encode: %w", err)
	}
	return b, nil
}

// ServicePage is one page of an ORUK service_list (the response of
// GET /services): the paging envelope and the services on the page.
type ServicePage struct {
	// TotalItems is the number of services in all pages.
	TotalItems int `json:"total_items"`
	// TotalPages is the number of pages.
	TotalPages int `json:"total_pages"`
	// PageNumber is this page's number, from 1.
	PageNumber int `json:"page_number"`
	// Size is the number of services on this page.
	Size int `json:"size"`
	// FirstPage is true on the first page.
	FirstPage bool `json:"first_page"`
	// LastPage is true on the last page.
	LastPage bool `json:"last_page"`
	// Empty is true when there are no services at all.
	Empty bool `json:"empty"`
	// Contents are the services on this page.
	Contents []Service `json:"contents"`
}

// Skipped tells why one service of a list was not imported.
type Skipped struct {
	// Index is the service's position in the list's contents, from 0.
	Index int `json:"index"`
	// ID is the service's id as given, if it had a readable one.
	ID string `json:"id,omitempty"`
	// Name is the service's name as given, if it had a readable one.
	Name string `json:"name,omitempty"`
	// Fields are the failing fields, as JSON pointers into the whole list document.
	Fields []socialrx.FieldError `json:"fields"`
}

// Error describes the skip in one line.
func (s Skipped) Error() string {
	parts := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("service %d (%s): %s", s.Index, s.ID, strings.Join(parts, "; "))
}

// DecodeServicePage imports one page of an ORUK service_list. A bad service
// does not stop the good ones: it is left out and reported in skipped with
// every failing field (so is a second service with the same id). The page's
// envelope fields are kept as given. It returns [socialrx.CodeInvalid] only
// when the envelope itself is bad (malformed JSON, a paging field of the
// wrong type or negative, contents not an array).
func DecodeServicePage(doc []byte) (page ServicePage, skipped []Skipped, err error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(doc, &env); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return ServicePage{}, nil, socialrx.Invalid(socialrx.Field("", "malformed JSON: %v", err))
		}
		return ServicePage{}, nil, socialrx.Invalid(socialrx.Field("", "must be a JSON object"))
	}
	if env == nil {
		return ServicePage{}, nil, socialrx.Invalid(socialrx.Field("", "must be a JSON object"))
	}
	var fields []socialrx.FieldError
	ints := []struct {
		name string
		dst  *int
	}{
		{"total_items", &page.TotalItems}, {"total_pages", &page.TotalPages},
		{"page_number", &page.PageNumber}, {"size", &page.Size},
	}
	for _, f := range ints {
		if raw, ok := env[f.name]; ok {
			if err := json.Unmarshal(raw, f.dst); err != nil || *f.dst < 0 {
				fields = append(fields, socialrx.Field("/"+f.name, "must be a whole number, 0 or more"))
			}
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{{"first_page", &page.FirstPage}, {"last_page", &page.LastPage}, {"empty", &page.Empty}}
	for _, f := range bools {
		if raw, ok := env[f.name]; ok {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				fields = append(fields, socialrx.Field("/"+f.name, "must be true or false"))
			}
		}
	}
	var items []json.RawMessage
	if raw, ok := env["contents"]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			fields = append(fields, socialrx.Field("/contents", "must be an array of services"))
		}
	}
	if len(fields) > 0 {
		return ServicePage{}, nil, socialrx.Invalid(fields...)
	}
	page.Contents = make([]Service, 0, len(items))
	seen := make(map[string]int, len(items))
	for i, raw := range items {
		prefix := "/contents/" + fmt.Sprint(i)
		s, err := DecodeService(raw)
		if err == nil {
			if first, dup := seen[s.ID]; dup {
				err = socialrx.Invalid(socialrx.Field("/id", "duplicate id %q: service %d has it too", s.ID, first))
			}
		}
		if err != nil {
			var head struct {
				ID   any `json:"id"`
				Name any `json:"name"`
			}
			_ = json.Unmarshal(raw, &head)
			id, _ := head.ID.(string)
			name, _ := head.Name.(string)
			skipped = append(skipped, Skipped{Index: i, ID: id, Name: name, Fields: socialrx.Prefix(prefix, err)})
			continue
		}
		seen[s.ID] = i
		page.Contents = append(page.Contents, s)
	}
	return page, skipped, nil
}

// EncodeServicePage exports p as an ORUK service_list page. As ORUK's list
// carries only each service's one-to-one fields, the services are written
// without their schedules, locations, contacts and other lists (their
// organization without its identifiers; the "socialrx" extensions are kept).
// It returns [socialrx.CodeInvalid] when a service breaks a rule of
// [Service.Check] or a paging field is negative.
func EncodeServicePage(p ServicePage) ([]byte, error) {
	var fields []socialrx.FieldError
	for name, v := range map[string]int{"total_items": p.TotalItems, "total_pages": p.TotalPages, "page_number": p.PageNumber, "size": p.Size} {
		if v < 0 {
			fields = append(fields, socialrx.Field("/"+name, "must not be negative"))
		}
	}
	out := p
	out.Contents = make([]Service, len(p.Contents))
	for i, s := range p.Contents {
		if err := s.Check(); err != nil {
			fields = append(fields, socialrx.Prefix("/contents/"+fmt.Sprint(i), err)...)
			continue
		}
		out.Contents[i] = s.Summary()
	}
	if len(fields) > 0 {
		return nil, socialrx.Invalid(fields...)
	}
	return marshal(out)
}

// Summary returns the list form of s that ORUK's service_list carries: the
// one-to-one fields and the organization's own fields, plus the socialrx
// extensions. It shares nothing with s.
func (s Service) Summary() Service {
	c := s.Clone()
	c.normalize()
	c.Schedules, c.ServiceAreas, c.ServiceAtLocations, c.Languages = nil, nil, nil, nil
	c.Funding, c.CostOptions, c.Contacts, c.Phones, c.Attributes = nil, nil, nil, nil, nil
	if c.Organization != nil {
		c.Organization.OrganizationIdentifiers, c.Organization.Attributes = nil, nil
	}
	return c
}

// published are the package's schemas by name, each with its check.
// An organization is checked as [DecodeOrganization] imports it.
var published = schema.Set{
	"service": {JSON: serviceSchema, Validate: Validate},
	"organization": {JSON: organizationSchema, Validate: func(doc []byte) error {
		_, err := DecodeOrganization(doc)
		return err
	}},
}

// Schemas returns the package's published JSON Schemas by name, as copies.
// The names are "service" and "organization".
func Schemas() map[string][]byte { return published.Schemas() }

// ValidateAs checks a document against the named published schema and the
// package's own rules. Codes: not_found (unknown name), invalid.
func ValidateAs(name string, doc []byte) error { return published.Validate(name, doc) }

// ServiceAt is a service at one of its locations, in the form of ORUK's
// service_at_location documents: the link, with the place and the service
// themselves.
type ServiceAt struct {
	// ID is the link's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// LocationID is the UUID of the location.
	LocationID string `json:"location_id,omitempty" jsonschema:"format=uuid"`
	// Location is the place.
	Location *Location `json:"location,omitempty"`
	// Service is the service, without its list of service_at_locations.
	Service *Service `json:"service,omitempty"`
}

// Sites returns s at each of its locations, in full (ORUK's
// service_at_location_full): every link with its service_id and
// location_id filled in from the service and the location. They share
// nothing with s.
func (s Service) Sites() []ServiceAt {
	c := s.Clone()
	c.normalize()
	sals := c.ServiceAtLocations
	c.ServiceAtLocations = nil
	out := make([]ServiceAt, 0, len(sals))
	for _, sal := range sals {
		svc := c.Clone()
		a := ServiceAt{ID: sal.ID, ServiceID: sal.ServiceID, LocationID: sal.LocationID, Location: sal.Location, Service: &svc}
		if a.ServiceID == "" {
			a.ServiceID = c.ID
		}
		if a.LocationID == "" && a.Location != nil {
			a.LocationID = a.Location.ID
		}
		out = append(out, a)
	}
	return out
}

// Summary returns the list form of a, as ORUK's service_at_location_list
// carries it: the location's and the service's one-to-one fields only.
func (a ServiceAt) Summary() ServiceAt {
	out := ServiceAt{ID: a.ID, ServiceID: a.ServiceID, LocationID: a.LocationID}
	if a.Location != nil {
		l := a.Location.clone()
		l.Addresses, l.Accessibility, l.Attributes = nil, nil, nil
		out.Location = &l
	}
	if a.Service != nil {
		s := a.Service.Summary()
		out.Service = &s
	}
	return out
}

// DistanceKm is the great-circle distance between two points, in km.
func DistanceKm(a, b Point) float64 { return kmOf(newGeo(a).hav(newGeo(b))) }

// NormalizePostcode returns a UK postcode in its normal form, upper case
// with one space before the inward code ("SE1P 5ZZ"), and whether s has the
// shape of a full postcode.
func NormalizePostcode(s string) (string, bool) {
	pc := normPostcode(s)
	if len(pc) < 5 || len(pc) > 7 {
		return pc, false
	}
	out, in := pc[:len(pc)-3], pc[len(pc)-3:]
	if !isOutward(out) && !(len(out) == 4 && isOutward(out[:3]) && out[3] >= 'A' && out[3] <= 'Z') {
		return pc, false
	}
	if in[0] < '0' || in[0] > '9' || in[1] < 'A' || in[1] > 'Z' || in[2] < 'A' || in[2] > 'Z' {
		return pc, false
	}
	return out + " " + in, true
}
