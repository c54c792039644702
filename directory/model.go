package directory

import (
	"time"

	"github.com/invopop/jsonschema"

	"github.com/socialrx/socialrx"
)

// The ORUK 3.0 model. Field names, JSON names, enums and required fields
// follow the compiled schemas of Open Referral UK 3.0 (the UK profile of
// HSDS 3.0). A few HSDS 3.0 fields the UK profile leaves out (language name
// and code, phones on services and contacts, contact email) are kept so that
// feeds carrying them lose nothing; what ORUK has no field for at all lives
// in [Extensions], under the "socialrx" member of a service.

// Status is an ORUK service status.
type Status string

// The ORUK service statuses.
const (
	StatusActive            Status = "active"
	StatusInactive          Status = "inactive"
	StatusDefunct           Status = "defunct"
	StatusTemporarilyClosed Status = "temporarily closed"
)

var statuses = []Status{StatusActive, StatusInactive, StatusDefunct, StatusTemporarilyClosed}

// EnumValues lists the ORUK service statuses, for JSON Schema reflection.
func (Status) EnumValues() []string { return socialrx.EnumStrings(statuses) }

// LocationType is an ORUK location (or address) type.
type LocationType string

// The ORUK location types.
const (
	LocationPhysical LocationType = "physical"
	LocationPostal   LocationType = "postal"
	LocationVirtual  LocationType = "virtual"
)

var locationTypes = []LocationType{LocationPhysical, LocationPostal, LocationVirtual}

// EnumValues lists the ORUK location types, for JSON Schema reflection.
func (LocationType) EnumValues() []string { return socialrx.EnumStrings(locationTypes) }

// Freq is an ORUK schedule frequency (iCalendar FREQ).
type Freq string

// The ORUK schedule frequencies.
const (
	FreqWeekly  Freq = "WEEKLY"
	FreqMonthly Freq = "MONTHLY"
)

var freqs = []Freq{FreqWeekly, FreqMonthly}

// EnumValues lists the ORUK schedule frequencies, for JSON Schema reflection.
func (Freq) EnumValues() []string { return socialrx.EnumStrings(freqs) }

// Service is an ORUK 3.0 service_full: what an organization offers, with
// its schedules, places, costs, contacts and taxonomy terms, plus the
// socialrx [Extensions] under "socialrx".
type Service struct {
	// ID is the service's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// OrganizationID is the UUID of the organization that runs the service.
	OrganizationID string `json:"organization_id,omitempty" jsonschema:"format=uuid"`
	// Name is the service's name.
	Name string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	// Description says what the service offers, in a few sentences.
	Description string `json:"description,omitempty" jsonschema:"maxLength=10000"`
	// URL is the service's web page.
	URL string `json:"url,omitempty" jsonschema:"format=uri"`
	// Email is the service's email address.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Status says whether the service is running.
	Status Status `json:"status"`
	// Fees describes charges in words.
	Fees string `json:"fees,omitempty"`
	// Accreditations lists the service's accreditations in words.
	Accreditations string `json:"accreditations,omitempty"`
	// MinimumAge is the youngest age the service is for.
	MinimumAge *float64 `json:"minimum_age,omitempty" jsonschema:"minimum=0,maximum=150"`
	// MaximumAge is the oldest age the service is for.
	MaximumAge *float64 `json:"maximum_age,omitempty" jsonschema:"minimum=0,maximum=150"`
	// AssuredDate is when the service's information was last quality assured.
	AssuredDate socialrx.Date `json:"assured_date,omitzero"`
	// AssurerEmail is the email of whoever assured the information.
	AssurerEmail string `json:"assurer_email,omitempty" jsonschema:"format=email"`
	// Alert is a short-term notice, such as a temporary change.
	Alert string `json:"alert,omitempty"`
	// LastModified is when the entry last changed.
	LastModified time.Time `json:"last_modified,omitzero"`
	// Schedules says when the service runs.
	Schedules []Schedule `json:"schedules,omitempty"`
	// ServiceAreas says where the service is available.
	ServiceAreas []ServiceArea `json:"service_areas,omitempty"`
	// ServiceAtLocations are the places the service is delivered.
	ServiceAtLocations []ServiceAtLocation `json:"service_at_locations,omitempty" jsonschema:"maxItems=500"`
	// Languages are the languages the service is delivered in.
	Languages []Language `json:"languages,omitempty"`
	// Organization is the organization that runs the service.
	Organization *Organization `json:"organization,omitempty"`
	// Funding lists where the service's money comes from.
	Funding []Funding `json:"funding,omitempty"`
	// CostOptions lists what the service costs.
	CostOptions []CostOption `json:"cost_options,omitempty"`
	// Contacts are named people to contact about the service.
	Contacts []Contact `json:"contacts,omitempty"`
	// Phones are the service's phone numbers (an HSDS 3.0 field).
	Phones []Phone `json:"phones,omitempty"`
	// Attributes link the service to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty" jsonschema:"maxItems=200"`
	// Extensions holds what link workers need and ORUK lacks.
	Extensions Extensions `json:"socialrx,omitzero"`
}

// Organization is an ORUK organization: who runs services.
type Organization struct {
	// ID is the organization's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// Name is the organization's name.
	Name string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	// Description says what the organization does.
	Description string `json:"description" jsonschema:"maxLength=10000"`
	// Email is the organization's email address.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Website is the organization's web site.
	Website string `json:"website,omitempty" jsonschema:"format=uri"`
	// Logo is a link to the organization's logo.
	Logo string `json:"logo,omitempty" jsonschema:"maxLength=2048"`
	// URI is a persistent identifier of the organization.
	URI string `json:"uri,omitempty" jsonschema:"format=uri"`
	// ParentOrganizationID is the UUID of the parent organization.
	ParentOrganizationID string `json:"parent_organization_id,omitempty" jsonschema:"format=uuid"`
	// OrganizationIdentifiers are third-party identifiers such as a charity number.
	OrganizationIdentifiers []OrganizationIdentifier `json:"organization_identifiers,omitempty"`
	// Attributes link the organization to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// OrganizationFull is an ORUK organization with its services, the form of
// GET /organizations/{id} and of the organization_full example.
type OrganizationFull struct {
	Organization
	// Services are the organization's services.
	Services []Service `json:"services,omitempty" jsonschema:"maxItems=1000"`
}

// OrganizationIdentifier is a third-party identifier of an organization.
type OrganizationIdentifier struct {
	// ID is the identifier entry's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// OrganizationID is the UUID of the organization identified.
	OrganizationID string `json:"organization_id,omitempty" jsonschema:"format=uuid"`
	// IdentifierScheme is the scheme's code, such as "GB-CHC".
	IdentifierScheme string `json:"identifier_scheme,omitempty" jsonschema:"maxLength=64"`
	// IdentifierType says what kind of identifier it is, such as "Charity number".
	IdentifierType string `json:"identifier_type" jsonschema:"maxLength=200"`
	// Identifier is the identifier itself.
	Identifier string `json:"identifier" jsonschema:"maxLength=200"`
	// Attributes link the identifier to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Schedule says when a service runs, in the iCalendar style of ORUK.
type Schedule struct {
	// ID is the schedule's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// ServiceAtLocationID is the UUID of the service at a location, when the schedule is for one place.
	ServiceAtLocationID string `json:"service_at_location_id,omitempty" jsonschema:"format=uuid"`
	// ValidFrom is the first day the schedule holds.
	ValidFrom socialrx.Date `json:"valid_from,omitzero"`
	// ValidTo is the last day the schedule holds.
	ValidTo socialrx.Date `json:"valid_to,omitzero"`
	// DTStart is the first day of the first session.
	DTStart socialrx.Date `json:"dtstart,omitzero"`
	// Freq is how often the sessions repeat.
	Freq Freq `json:"freq,omitempty"`
	// Interval is the number of weeks or months between sessions.
	Interval int `json:"interval,omitempty" jsonschema:"minimum=1"`
	// ByDay lists days, iCalendar style: "TU,TH" weekly, "1MO" or "-1FR" monthly.
	ByDay string `json:"byday,omitempty"`
	// ByMonthDay lists days of the month, such as "1,15" or "-1" for the last.
	ByMonthDay string `json:"bymonthday,omitempty"`
	// Description says when the service runs, in words.
	Description string `json:"description,omitempty"`
	// OpensAt is the time sessions start, HH:MM or HH:MM:SS local time.
	OpensAt string `json:"opens_at,omitempty"`
	// ClosesAt is the time sessions end, HH:MM or HH:MM:SS local time.
	ClosesAt string `json:"closes_at,omitempty"`
	// ScheduleLink is a web page with the timetable.
	ScheduleLink string `json:"schedule_link,omitempty" jsonschema:"format=uri"`
	// AttendingType says how people attend, such as in person or online.
	AttendingType string `json:"attending_type,omitempty" jsonschema:"maxLength=200"`
	// Notes adds anything else about the schedule.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=4000"`
}

// The patterns a schedule's iCalendar parts and times must match.
const (
	bydayPattern      = `^[+-]?[1-5]?(MO|TU|WE|TH|FR|SA|SU)(,[+-]?[1-5]?(MO|TU|WE|TH|FR|SA|SU))*$`
	bymonthdayPattern = `^-?([1-9]|[12][0-9]|3[01])(,-?([1-9]|[12][0-9]|3[01]))*$`
	clockPattern      = `^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$`
)

// JSONSchemaExtend adds the patterns of byday, bymonthday, opens_at and
// closes_at, and bounds the lists of days, which the patterns do not.
func (Schedule) JSONSchemaExtend(s *jsonschema.Schema) {
	for name, pat := range map[string]string{
		"byday": bydayPattern, "bymonthday": bymonthdayPattern,
		"opens_at": clockPattern, "closes_at": clockPattern,
	} {
		if p, ok := s.Properties.Get(name); ok {
			p.Pattern = pat
		}
	}
	for _, name := range []string{"byday", "bymonthday"} {
		if p, ok := s.Properties.Get(name); ok {
			n := uint64(maxDayList)
			p.MaxLength = &n
		}
	}
}

// maxDayList bounds byday and bymonthday: every day of the month with a
// sign, comma separated, fits.
const maxDayList = 200

// ServiceArea says where a service is available.
type ServiceArea struct {
	// ID is the service area's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// Name names the area, such as a borough or ward.
	Name string `json:"name,omitempty" jsonschema:"maxLength=200"`
	// Extent is the area's shape, in the format extent_type names.
	Extent string `json:"extent,omitempty" jsonschema:"maxLength=65536"`
	// ExtentType names the format of Extent, such as "geojson".
	ExtentType string `json:"extent_type,omitempty" jsonschema:"maxLength=64"`
	// URI identifies the area, such as an ONS geography code URI.
	URI string `json:"uri,omitempty" jsonschema:"maxLength=2048"`
	// ServiceArea describes the area in words.
	ServiceArea string `json:"service_area,omitempty"`
}

// ServiceAtLocation links a service to a place it is delivered.
type ServiceAtLocation struct {
	// ID is the link's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// LocationID is the UUID of the location.
	LocationID string `json:"location_id,omitempty" jsonschema:"format=uuid"`
	// Location is the place itself.
	Location *Location `json:"location,omitempty"`
}

// Location is a place: a building, a postal address or an online venue.
type Location struct {
	// ID is the location's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// LocationType says whether the place is physical, postal or virtual.
	LocationType LocationType `json:"location_type"`
	// Name is the place's name.
	Name string `json:"name,omitempty" jsonschema:"maxLength=200"`
	// Description describes the place.
	Description string `json:"description,omitempty" jsonschema:"maxLength=4000"`
	// Latitude is the place's WGS 84 latitude; values outside -90..90 are kept but not used for distance.
	Latitude *float64 `json:"latitude,omitempty"`
	// Longitude is the place's WGS 84 longitude; values outside -180..180 are kept but not used for distance.
	Longitude *float64 `json:"longitude,omitempty"`
	// ExternalIdentifier identifies the place elsewhere, such as a UPRN.
	ExternalIdentifier string `json:"external_identifier,omitempty" jsonschema:"maxLength=200"`
	// ExternalIdentifierType names the scheme of ExternalIdentifier.
	ExternalIdentifierType string `json:"external_identifier_type,omitempty" jsonschema:"maxLength=200"`
	// Addresses are the place's addresses.
	Addresses []Address `json:"addresses,omitempty"`
	// Accessibility describes how accessible the place is.
	Accessibility []Accessibility `json:"accessibility,omitempty"`
	// Attributes link the place to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Address is a postal or physical address of a location.
type Address struct {
	// ID is the address's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// LocationID is the UUID of the location.
	LocationID string `json:"location_id,omitempty" jsonschema:"format=uuid"`
	// Attention names the person or department to address.
	Attention string `json:"attention,omitempty" jsonschema:"maxLength=200"`
	// Address1 is the first line of the address.
	Address1 string `json:"address_1" jsonschema:"maxLength=200"`
	// City is the town or city.
	City string `json:"city" jsonschema:"maxLength=200"`
	// Region is the region, such as a county.
	Region string `json:"region,omitempty" jsonschema:"maxLength=200"`
	// StateProvince is the state or province (in the UK, the county or nation).
	StateProvince string `json:"state_province" jsonschema:"maxLength=200"`
	// PostalCode is the postcode.
	PostalCode string `json:"postal_code" jsonschema:"maxLength=32"`
	// Country is the ISO 3166-1 country code.
	Country string `json:"country" jsonschema:"maxLength=64"`
	// AddressType says whether the address is physical, postal or virtual.
	AddressType LocationType `json:"address_type"`
	// Attributes link the address to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Accessibility describes one accessibility feature of a location.
type Accessibility struct {
	// ID is the entry's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// LocationID is the UUID of the location.
	LocationID string `json:"location_id,omitempty" jsonschema:"format=uuid"`
	// Description describes the feature, such as "step-free access".
	Description string `json:"description,omitempty"`
	// Details adds details.
	Details string `json:"details,omitempty" jsonschema:"maxLength=4000"`
	// URL is a page with more about the place's accessibility.
	URL string `json:"url,omitempty" jsonschema:"format=uri"`
	// Attributes link the feature to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
	// Accessibility is the older ORUK field with the description.
	Accessibility string `json:"accessibility,omitempty"`
}

// Language is a language a service or phone line is delivered in. ORUK
// keeps only the ids; Name, Code and Note are the HSDS 3.0 fields.
type Language struct {
	// ID is the entry's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// PhoneID is the UUID of the phone line.
	PhoneID string `json:"phone_id,omitempty" jsonschema:"format=uuid"`
	// Name is the language's name, such as "Polish" (HSDS 3.0).
	Name string `json:"name,omitempty" jsonschema:"maxLength=200"`
	// Code is the ISO 639 code, such as "pl" (HSDS 3.0).
	Code string `json:"code,omitempty" jsonschema:"maxLength=35"`
	// Note adds details, such as "on Tuesdays only" (HSDS 3.0).
	Note string `json:"note,omitempty"`
}

// Funding says where a service's money comes from.
type Funding struct {
	// ID is the entry's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// Source describes the funding source.
	Source string `json:"source,omitempty"`
}

// CostOption is one price of a service.
type CostOption struct {
	// ID is the entry's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// ValidFrom is the first day the price holds.
	ValidFrom socialrx.Date `json:"valid_from,omitzero"`
	// ValidTo is the last day the price holds.
	ValidTo socialrx.Date `json:"valid_to,omitzero"`
	// Option says who or what the price is for.
	Option string `json:"option,omitempty"`
	// Amount is the price in pounds; 0 means free.
	Amount *float64 `json:"amount,omitempty" jsonschema:"minimum=0"`
	// AmountDescription says what the amount buys, such as "per session".
	AmountDescription string `json:"amount_description,omitempty"`
}

// Contact is a named person to contact about a service.
type Contact struct {
	// ID is the contact's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ServiceID is the UUID of the service.
	ServiceID string `json:"service_id,omitempty" jsonschema:"format=uuid"`
	// Name is the person's name.
	Name string `json:"name,omitempty" jsonschema:"maxLength=200"`
	// Title is the person's job title.
	Title string `json:"title,omitempty" jsonschema:"maxLength=200"`
	// Email is the person's email address (an HSDS 3.0 field).
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Phones are the person's phone numbers (an HSDS 3.0 field).
	Phones []Phone `json:"phones,omitempty"`
	// Attributes link the contact to taxonomy terms.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Phone is a phone number.
type Phone struct {
	// ID is the phone's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// ContactID is the UUID of the contact.
	ContactID string `json:"contact_id,omitempty" jsonschema:"format=uuid"`
	// Number is the phone number.
	Number string `json:"number" jsonschema:"minLength=1,maxLength=64"`
	// Description says when or what to call about.
	Description string `json:"description,omitempty"`
	// Languages are the languages spoken on the line.
	Languages []Language `json:"languages,omitempty"`
}

// Attribute links an entity to a taxonomy term.
type Attribute struct {
	// ID is the link's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// LinkID is the UUID of the entity linked.
	LinkID string `json:"link_id,omitempty" jsonschema:"format=uuid"`
	// TaxonomyTermID is the UUID of the term.
	TaxonomyTermID string `json:"taxonomy_term_id,omitempty" jsonschema:"format=uuid"`
	// LinkType says what the link means.
	LinkType string `json:"link_type,omitempty" jsonschema:"maxLength=64"`
	// TaxonomyTerm is the term itself.
	TaxonomyTerm *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// TaxonomyTerm is a term of a taxonomy, such as "Walking groups".
type TaxonomyTerm struct {
	// ID is the term's UUID.
	ID string `json:"id" jsonschema:"format=uuid"`
	// Name is the term's label.
	Name string `json:"name" jsonschema:"maxLength=200"`
	// Description describes the term.
	Description string `json:"description"`
	// ParentID is the UUID of the parent term.
	ParentID string `json:"parent_id,omitempty" jsonschema:"format=uuid"`
	// Taxonomy names the taxonomy the term belongs to.
	Taxonomy string `json:"taxonomy,omitempty" jsonschema:"maxLength=200"`
	// TaxonomyID is the UUID of the taxonomy.
	TaxonomyID string `json:"taxonomy_id,omitempty" jsonschema:"format=uuid"`
	// TermURI is a persistent identifier of the term.
	TermURI string `json:"term_uri,omitempty" jsonschema:"format=uri"`
	// Term is the term's code or label in its taxonomy.
	Term string `json:"term,omitempty" jsonschema:"maxLength=200"`
}
