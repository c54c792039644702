package fhir

import "encoding/json"

// The FHIR R4 data types and resources the adapter reads and writes. They
// hold only the elements socialrx maps; decoding a server's resource keeps
// what is modelled here and ignores the rest (narrative, meta tags,
// primitive extensions). Each field is the FHIR element of the same name
// (https://hl7.org/fhir/R4/), with its JSON name.

// Meta is a resource's metadata, set by the server.
type Meta struct {
	VersionID   string `json:"versionId,omitempty"`
	LastUpdated string `json:"lastUpdated,omitempty"`
}

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codings and text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a business identifier: a value in a namespace (system).
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Reference points at another resource: by literal reference
// ("Patient/123", "#contained", "urn:uuid:…"), by identifier, or both.
type Reference struct {
	Extension  []Extension `json:"extension,omitempty"`
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Period is a time range; either end may be open.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Extension carries an element FHIR has no place for. Exactly one value is set.
type Extension struct {
	URL                  string           `json:"url"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueInteger         *int             `json:"valueInteger,omitempty"`
	ValueDecimal         *json.Number     `json:"valueDecimal,omitempty"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueCode            *string          `json:"valueCode,omitempty"`
	ValueDate            *string          `json:"valueDate,omitempty"`
	ValueDateTime        *string          `json:"valueDateTime,omitempty"`
	ValueURI             *string          `json:"valueUri,omitempty"`
	ValueIdentifier      *Identifier      `json:"valueIdentifier,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueCoding          *Coding          `json:"valueCoding,omitempty"`
	ValuePeriod          *Period          `json:"valuePeriod,omitempty"`
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

// ContactPoint is a phone number, email address or similar.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
	Rank   int    `json:"rank,omitempty"`
}

// Address is a postal address.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Text       string   `json:"text,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	District   string   `json:"district,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
}

// Annotation is a note with its author and time.
type Annotation struct {
	Extension       []Extension `json:"extension,omitempty"`
	AuthorReference *Reference  `json:"authorReference,omitempty"`
	AuthorString    string      `json:"authorString,omitempty"`
	Time            string      `json:"time,omitempty"`
	Text            string      `json:"text"`
}

// Quantity is a measured amount.
type Quantity struct {
	Value  *json.Number `json:"value,omitempty"`
	Unit   string       `json:"unit,omitempty"`
	System string       `json:"system,omitempty"`
	Code   string       `json:"code,omitempty"`
}

// PatientCommunication is a language the patient speaks.
type PatientCommunication struct {
	Language  CodeableConcept `json:"language"`
	Preferred *bool           `json:"preferred,omitempty"`
}

// Patient is a person receiving care: demographics and how to reach them.
type Patient struct {
	ResourceType  string                 `json:"resourceType"`
	ID            string                 `json:"id,omitempty"`
	Meta          *Meta                  `json:"meta,omitempty"`
	Extension     []Extension            `json:"extension,omitempty"`
	Identifier    []Identifier           `json:"identifier,omitempty"`
	Name          []HumanName            `json:"name,omitempty"`
	Telecom       []ContactPoint         `json:"telecom,omitempty"`
	BirthDate     string                 `json:"birthDate,omitempty"`
	Address       []Address              `json:"address,omitempty"`
	Communication []PatientCommunication `json:"communication,omitempty"`
}

// PractitionerRole is a practitioner's role at an organisation; socialrx
// uses a contained one for a professional referrer.
type PractitionerRole struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Practitioner *Reference        `json:"practitioner,omitempty"`
	Organization *Reference        `json:"organization,omitempty"`
	Code         []CodeableConcept `json:"code,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
}

// RelatedPerson is someone related to the patient; socialrx uses a
// contained one for a family member, a carer or the person referring
// themselves.
type RelatedPerson struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Patient      Reference         `json:"patient"`
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         []HumanName       `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
}

// ServiceRequest is a request for a service: a referral.
type ServiceRequest struct {
	ResourceType   string            `json:"resourceType"`
	ID             string            `json:"id,omitempty"`
	Meta           *Meta             `json:"meta,omitempty"`
	Contained      []json.RawMessage `json:"contained,omitempty"`
	Extension      []Extension       `json:"extension,omitempty"`
	Identifier     []Identifier      `json:"identifier,omitempty"`
	BasedOn        []Reference       `json:"basedOn,omitempty"`
	Status         string            `json:"status"`
	Intent         string            `json:"intent"`
	Priority       string            `json:"priority,omitempty"`
	Code           *CodeableConcept  `json:"code,omitempty"`
	Subject        Reference         `json:"subject"`
	AuthoredOn     string            `json:"authoredOn,omitempty"`
	Requester      *Reference        `json:"requester,omitempty"`
	Performer      []Reference       `json:"performer,omitempty"`
	ReasonCode     []CodeableConcept `json:"reasonCode,omitempty"`
	SupportingInfo []Reference       `json:"supportingInfo,omitempty"`
	Note           []Annotation      `json:"note,omitempty"`
}

// Task is a piece of work; after the Gravity SDOH Clinical Care guide it
// tracks a referral: who must act on which ServiceRequest, and how far
// they have got.
type Task struct {
	ResourceType   string            `json:"resourceType"`
	ID             string            `json:"id,omitempty"`
	Meta           *Meta             `json:"meta,omitempty"`
	Contained      []json.RawMessage `json:"contained,omitempty"`
	Identifier     []Identifier      `json:"identifier,omitempty"`
	Status         string            `json:"status"`
	StatusReason   *CodeableConcept  `json:"statusReason,omitempty"`
	BusinessStatus *CodeableConcept  `json:"businessStatus,omitempty"`
	Intent         string            `json:"intent"`
	Priority       string            `json:"priority,omitempty"`
	Code           *CodeableConcept  `json:"code,omitempty"`
	Focus          *Reference        `json:"focus,omitempty"`
	For            *Reference        `json:"for,omitempty"`
	AuthoredOn     string            `json:"authoredOn,omitempty"`
	LastModified   string            `json:"lastModified,omitempty"`
	Requester      *Reference        `json:"requester,omitempty"`
	Owner          *Reference        `json:"owner,omitempty"`
	Note           []Annotation      `json:"note,omitempty"`
	Output         []TaskOutput      `json:"output,omitempty"`
}

// TaskOutput is something a Task produced; socialrx uses it for the
// sessions a partner reports, as Gravity's resulting activities.
type TaskOutput struct {
	Type           CodeableConcept `json:"type"`
	ValueReference *Reference      `json:"valueReference,omitempty"`
}

// ConsentProvision is the rule of a consent: permit or deny, and when.
type ConsentProvision struct {
	Type   string  `json:"type,omitempty"`
	Period *Period `json:"period,omitempty"`
}

// Consent records a person's choice about their data or care.
type Consent struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Extension    []Extension       `json:"extension,omitempty"`
	Identifier   []Identifier      `json:"identifier,omitempty"`
	Status       string            `json:"status"`
	Scope        CodeableConcept   `json:"scope"`
	Category     []CodeableConcept `json:"category"`
	Patient      *Reference        `json:"patient,omitempty"`
	DateTime     string            `json:"dateTime,omitempty"`
	Performer    []Reference       `json:"performer,omitempty"`
	PolicyRule   *CodeableConcept  `json:"policyRule,omitempty"`
	Provision    *ConsentProvision `json:"provision,omitempty"`
}

// Procedure is something done for a patient, such as a referral or a
// session the person attended.
type Procedure struct {
	ResourceType      string           `json:"resourceType"`
	ID                string           `json:"id,omitempty"`
	Meta              *Meta            `json:"meta,omitempty"`
	Extension         []Extension      `json:"extension,omitempty"`
	Identifier        []Identifier     `json:"identifier,omitempty"`
	BasedOn           []Reference      `json:"basedOn,omitempty"`
	Status            string           `json:"status"`
	StatusReason      *CodeableConcept `json:"statusReason,omitempty"`
	Code              CodeableConcept  `json:"code"`
	Subject           Reference        `json:"subject"`
	PerformedDateTime string           `json:"performedDateTime,omitempty"`
	Recorder          *Reference       `json:"recorder,omitempty"`
	Note              []Annotation     `json:"note,omitempty"`
}

// Observation is a finding or situation recorded about a patient.
type Observation struct {
	ResourceType      string           `json:"resourceType"`
	ID                string           `json:"id,omitempty"`
	Meta              *Meta            `json:"meta,omitempty"`
	Identifier        []Identifier     `json:"identifier,omitempty"`
	BasedOn           []Reference      `json:"basedOn,omitempty"`
	Status            string           `json:"status"`
	Code              CodeableConcept  `json:"code"`
	Subject           Reference        `json:"subject"`
	EffectiveDateTime string           `json:"effectiveDateTime,omitempty"`
	ValueCodeable     *CodeableConcept `json:"valueCodeableConcept,omitempty"`
}

// BundleRequest says what a transaction entry does.
type BundleRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	IfNoneExist string `json:"ifNoneExist,omitempty"`
	IfMatch     string `json:"ifMatch,omitempty"`
}

// BundleResponse is the outcome of one transaction entry.
type BundleResponse struct {
	Status   string `json:"status"`
	Location string `json:"location,omitempty"`
}

// BundleEntry is one entry of a Bundle.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Request  *BundleRequest  `json:"request,omitempty"`
	Response *BundleResponse `json:"response,omitempty"`
}

// BundleLink is a link of a search result, such as its next page.
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// Bundle is a set of resources: a transaction to run, or search results.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// OperationOutcomeIssue is one problem a server reports.
type OperationOutcomeIssue struct {
	Severity    string           `json:"severity"`
	Code        string           `json:"code"`
	Details     *CodeableConcept `json:"details,omitempty"`
	Diagnostics string           `json:"diagnostics,omitempty"`
	Expression  []string         `json:"expression,omitempty"`
}

// OperationOutcome is a server's account of what went wrong.
type OperationOutcome struct {
	ResourceType string                  `json:"resourceType"`
	Issue        []OperationOutcomeIssue `json:"issue"`
}

// Goal is something a patient wants to achieve, as a plan goal.
type Goal struct {
	ResourceType      string            `json:"resourceType"`
	ID                string            `json:"id,omitempty"`
	Meta              *Meta             `json:"meta,omitempty"`
	Extension         []Extension       `json:"extension,omitempty"`
	Identifier        []Identifier      `json:"identifier,omitempty"`
	LifecycleStatus   string            `json:"lifecycleStatus"`
	AchievementStatus *CodeableConcept  `json:"achievementStatus,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Description       CodeableConcept   `json:"description"`
	Subject           Reference         `json:"subject"`
	StartDate         string            `json:"startDate,omitempty"`
	StatusDate        string            `json:"statusDate,omitempty"`
	Note              []Annotation      `json:"note,omitempty"`
}

// QuestionnaireResponseAnswer is one answer to an item.
type QuestionnaireResponseAnswer struct {
	ValueInteger *int    `json:"valueInteger,omitempty"`
	ValueString  *string `json:"valueString,omitempty"`
}

// QuestionnaireResponseItem is one item of a questionnaire and its answers.
type QuestionnaireResponseItem struct {
	LinkID string                        `json:"linkId"`
	Answer []QuestionnaireResponseAnswer `json:"answer,omitempty"`
}

// QuestionnaireResponse is a completed questionnaire: an outcome measurement.
type QuestionnaireResponse struct {
	ResourceType  string                      `json:"resourceType"`
	ID            string                      `json:"id,omitempty"`
	Meta          *Meta                       `json:"meta,omitempty"`
	Extension     []Extension                 `json:"extension,omitempty"`
	Identifier    *Identifier                 `json:"identifier,omitempty"`
	BasedOn       []Reference                 `json:"basedOn,omitempty"`
	Questionnaire string                      `json:"questionnaire,omitempty"`
	Status        string                      `json:"status"`
	Subject       *Reference                  `json:"subject,omitempty"`
	Authored      string                      `json:"authored,omitempty"`
	Author        *Reference                  `json:"author,omitempty"`
	Item          []QuestionnaireResponseItem `json:"item,omitempty"`
}

// HealthcareServiceAvailableTime is when a service is available in a week.
type HealthcareServiceAvailableTime struct {
	ID                 string   `json:"id,omitempty"`
	DaysOfWeek         []string `json:"daysOfWeek,omitempty"`
	AllDay             *bool    `json:"allDay,omitempty"`
	AvailableStartTime string   `json:"availableStartTime,omitempty"`
	AvailableEndTime   string   `json:"availableEndTime,omitempty"`
}

// HealthcareServiceEligibility says who a service is for.
type HealthcareServiceEligibility struct {
	Code    *CodeableConcept `json:"code,omitempty"`
	Comment string           `json:"comment,omitempty"`
}

// HealthcareService is a service an organisation offers: a directory entry.
type HealthcareService struct {
	ResourceType         string                           `json:"resourceType"`
	ID                   string                           `json:"id,omitempty"`
	Meta                 *Meta                            `json:"meta,omitempty"`
	Extension            []Extension                      `json:"extension,omitempty"`
	Identifier           []Identifier                     `json:"identifier,omitempty"`
	Active               *bool                            `json:"active,omitempty"`
	ProvidedBy           *Reference                       `json:"providedBy,omitempty"`
	Category             []CodeableConcept                `json:"category,omitempty"`
	Type                 []CodeableConcept                `json:"type,omitempty"`
	Name                 string                           `json:"name,omitempty"`
	Comment              string                           `json:"comment,omitempty"`
	ExtraDetails         string                           `json:"extraDetails,omitempty"`
	Telecom              []ContactPointWithID             `json:"telecom,omitempty"`
	Eligibility          []HealthcareServiceEligibility   `json:"eligibility,omitempty"`
	Communication        []CodeableConceptWithID          `json:"communication,omitempty"`
	ServiceProvisionCode []CodeableConcept                `json:"serviceProvisionCode,omitempty"`
	AppointmentRequired  *bool                            `json:"appointmentRequired,omitempty"`
	AvailableTime        []HealthcareServiceAvailableTime `json:"availableTime,omitempty"`
}

// ContactPointWithID is a ContactPoint with its element id, which carries
// the id of the directory entry it came from.
type ContactPointWithID struct {
	ID string `json:"id,omitempty"`
	ContactPoint
}

// CodeableConceptWithID is a CodeableConcept with its element id.
type CodeableConceptWithID struct {
	ID string `json:"id,omitempty"`
	CodeableConcept
}
