package directory

import (
	_ "embed"
	"encoding/json"
	"fmt"
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
// service.schema.json and the rules of [Service.Check], all at once. It
// returns nil or a [socialrx.CodeInvalid] error naming every failing JSON
// pointer, the schema's and the rules' side by side.
func Validate(doc []byte) error {
	_, err := schema.Check(doc, strictService(), checked((*checker).service))
	return err
}

// DecodeService imports an ORUK 3.0 service_full document. Members ORUK does
// not define are ignored. It returns [socialrx.CodeInvalid] naming every
// failing field (bad URLs and emails, unknown enum values, missing or
// malformed ids, malformed schedules …) and imports nothing in that case.
func DecodeService(doc []byte) (Service, error) {
	s, err := schema.Check(doc, lenientService(), checked((*checker).service))
	if err != nil {
		return Service{}, err
	}
	s.normalize()
	return s, nil
}

// DecodeOrganization imports an ORUK 3.0 organization document, with its
// services when it carries them (organization_full). A bad service refuses
// the whole document. It returns [socialrx.CodeInvalid] naming every failing
// field.
func DecodeOrganization(doc []byte) (OrganizationFull, error) {
	o, err := schema.Check(doc, lenientOrganization(), checked((*checker).organizationFull))
	if err != nil {
		return OrganizationFull{}, err
	}
	o.normalize()
	return o, nil
}

// checked turns a checker method into the check of [schema.Check].
func checked[T any](check func(*checker, string, *T)) func(*T) error {
	return func(v *T) error {
		var c checker
		check(&c, "", v)
		return socialrx.Invalid(c.errs...)
	}
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

// DecodeServicePage imports one page of an ORUK service_list (of either
// version, as [DecodeFeed] reads it). A bad service does not stop the
// good ones: it is left out and reported in skipped with every failing
// field (so is a second service with the same id). The page's envelope
// fields are kept as given (0 or false where the feed left one out); for
// how they agree with the contents, see [DecodeFeed]. It returns
// [socialrx.CodeInvalid] only when the envelope itself is bad (malformed
// JSON, a paging field of the wrong type or negative, contents not an
// array).
func DecodeServicePage(doc []byte) (page ServicePage, skipped []Skipped, err error) {
	f, err := DecodeFeed(doc, KindServiceList)
	if err != nil {
		return ServicePage{}, nil, err
	}
	e := f.Envelope
	num := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	flag := func(p *bool) bool { return p != nil && *p }
	return ServicePage{TotalItems: num(e.TotalItems), TotalPages: num(e.TotalPages), PageNumber: num(e.PageNumber), Size: num(e.Size),
		FirstPage: flag(e.FirstPage), LastPage: flag(e.LastPage), Empty: flag(e.Empty), Contents: f.Services}, f.Skipped, nil
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
