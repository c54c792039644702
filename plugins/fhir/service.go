package fhir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

const (
	systemServiceProvision = "http://terminology.hl7.org/CodeSystem/service-provision-conditions"
	extServiceStatus       = Base + "StructureDefinition/service-status"
	extWelcome             = Base + "StructureDefinition/welcome"
)

// iCalendar days and FHIR days of week, in the same order.
var (
	icalDays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	fhirDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

// weeklyDays returns the FHIR days of a schedule that runs every week on
// plain days ("TU,TH"), or false for any other schedule.
func weeklyDays(s directory.Schedule) ([]string, bool) {
	if s.Freq != directory.FreqWeekly || s.Interval > 1 || s.ByDay == "" || s.ByMonthDay != "" {
		return nil, false
	}
	var out []string
	for _, d := range strings.Split(s.ByDay, ",") {
		i := indexOf(icalDays, d)
		if i < 0 {
			return nil, false
		}
		out = append(out, fhirDays[i])
	}
	return out, true
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// clock writes an ORUK time (HH:MM or HH:MM:SS) as a FHIR time (HH:MM:SS).
func clock(t string) string {
	if len(t) == len("15:04") {
		return t + ":00"
	}
	return t
}

// ServiceToFHIR maps a directory service to a FHIR HealthcareService for
// clinical systems: identifier [SystemService]; active for an active
// service, with the exact ORUK status in an extension; provided by the
// organisation ([SystemOrganization], with its name when the service
// carries it, whether by id or nested); the needs it meets as categories
// ([CodeSystemNeed]) and its taxonomy terms as types; name, description
// (comment) and fees (extra details); web page, email and phones as
// telecoms; the languages with a code or a name; whether it
// is free; ages as eligibility; the weekly sessions on plain days as
// available times; whether it is open or by invitation (an extension, and
// appointmentRequired). Phones, languages and sessions keep their ids as
// element ids. Not carried: places, service areas, contacts, funding,
// monthly sessions and link workers' notes and ratings (the directory
// itself, in ORUK, is the place for them). Codes: invalid (the service
// breaks a directory rule; see directory.Service.Check).
func ServiceToFHIR(s directory.Service) (*HealthcareService, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	h := &HealthcareService{
		ResourceType: "HealthcareService",
		Identifier:   []Identifier{{System: SystemService, Value: s.ID}},
		Active:       ptr(s.Status == directory.StatusActive),
		Extension:    codeExt(extServiceStatus, string(s.Status)),
		Name:         s.Name,
		Comment:      s.Description,
		ExtraDetails: s.Fees,
	}
	orgID := s.OrganizationID
	if orgID == "" && s.Organization != nil {
		orgID = s.Organization.ID // ORUK nests the organization instead
	}
	if orgID != "" {
		h.ProvidedBy = &Reference{Type: "Organization", Identifier: &Identifier{System: SystemOrganization, Value: orgID}}
		if s.Organization != nil {
			h.ProvidedBy.Display = s.Organization.Name
		}
	}
	for _, n := range s.Extensions.Needs {
		h.Category = append(h.Category, needConcept(n))
	}
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil && a.TaxonomyTerm.Name != "" {
			h.Type = append(h.Type, CodeableConcept{Text: a.TaxonomyTerm.Name})
		}
	}
	if s.URL != "" {
		h.Telecom = append(h.Telecom, ContactPointWithID{ContactPoint: ContactPoint{System: "url", Value: s.URL}})
	}
	if s.Email != "" {
		h.Telecom = append(h.Telecom, ContactPointWithID{ContactPoint: ContactPoint{System: "email", Value: s.Email}})
	}
	for _, ph := range s.Phones {
		h.Telecom = append(h.Telecom, ContactPointWithID{ID: ph.ID, ContactPoint: ContactPoint{System: "phone", Value: ph.Number}})
	}
	for _, l := range s.Languages {
		if l.Code == "" && l.Name == "" {
			continue // says no language: an entry with only its id breaks ele-1
		}
		c := CodeableConceptWithID{ID: l.ID, CodeableConcept: CodeableConcept{Text: l.Name}}
		if l.Code != "" {
			c.Coding = []Coding{{System: SystemBCP47, Code: l.Code}}
		}
		h.Communication = append(h.Communication, c)
	}
	if eligibility := ages(s.MinimumAge, s.MaximumAge); eligibility != "" {
		h.Eligibility = []HealthcareServiceEligibility{{Comment: eligibility}}
	}
	if len(s.CostOptions) > 0 {
		code, display := "free", "Free"
		for _, c := range s.CostOptions {
			if c.Amount == nil || *c.Amount > 0 {
				code, display = "cost", "Fees apply"
			}
		}
		h.ServiceProvisionCode = []CodeableConcept{concept(systemServiceProvision, code, display)}
	}
	if w := s.Extensions.Welcome; w != "" {
		h.Extension = append(h.Extension, codeExt(extWelcome, string(w))...)
		h.AppointmentRequired = ptr(w == directory.WelcomeInvitationOnly)
	}
	for _, sc := range s.Schedules {
		days, ok := weeklyDays(sc)
		if !ok {
			continue
		}
		t := HealthcareServiceAvailableTime{ID: sc.ID, DaysOfWeek: days, AvailableStartTime: clock(sc.OpensAt), AvailableEndTime: clock(sc.ClosesAt)}
		if sc.OpensAt == "" && sc.ClosesAt == "" {
			t.AllDay = ptr(true)
		}
		h.AvailableTime = append(h.AvailableTime, t)
	}
	return h, nil
}

// ages says in words which ages a service is for.
func ages(lo, hi *float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("Ages %s to %s", f(*lo), f(*hi))
	case lo != nil:
		return fmt.Sprintf("Ages %s and over", f(*lo))
	case hi != nil:
		return fmt.Sprintf("Ages up to %s", f(*hi))
	}
	return ""
}

// elementID returns an element's id, or one derived from the service id,
// the kind and the position, so a service from another system gets stable
// UUIDs.
func elementID(id, serviceID, kind string, i int) string {
	if id != "" {
		return id
	}
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(SystemService+"/"+serviceID+"/"+kind+"/"+strconv.Itoa(i))).String()
}

// ServiceFromFHIR maps a FHIR HealthcareService back to a directory
// service, the inverse of [ServiceToFHIR] for what it carries. Without the
// socialrx status extension an active service is active and any other
// inactive; phones, languages and sessions without element ids get UUIDs
// derived from the service's. The result is checked with
// directory.Service.Check. Codes: invalid, naming the HealthcareService
// element at fault or, for a directory rule, the service's field
// ("/service/schedules/0/closes_at").
func ServiceFromFHIR(h *HealthcareService) (directory.Service, error) {
	var p problems
	const root = "/HealthcareService"
	s := directory.Service{ID: identifierIn(h.Identifier, SystemService), Name: h.Name, Description: h.Comment, Fees: h.ExtraDetails}
	if s.ID == "" {
		p.add(root+"/identifier", "needs a service id (system %s)", SystemService)
	}
	if h.ProvidedBy != nil && h.ProvidedBy.Identifier != nil && h.ProvidedBy.Identifier.System == SystemOrganization {
		s.OrganizationID = h.ProvidedBy.Identifier.Value
	}
	ext := extensions(h.Extension)
	s.Status = directory.Status(ext.str(extServiceStatus))
	switch {
	case s.Status != "":
	case h.Active == nil || *h.Active:
		s.Status = directory.StatusActive
	default:
		s.Status = directory.StatusInactive
	}
	s.Extensions.Welcome = directory.Welcome(ext.str(extWelcome))
	for i, c := range h.Category {
		if code := codeIn(&c, CodeSystemNeed); code != "" {
			n := socialrx.Need(code)
			if !n.Valid() {
				p.add(at(root+"/category", i), "unknown need code %q", code)
			}
			s.Extensions.Needs = append(s.Extensions.Needs, n)
		}
	}
	for i, t := range h.Telecom {
		switch t.System {
		case "url":
			if s.URL == "" {
				s.URL = t.Value
			}
		case "email":
			if s.Email == "" {
				s.Email = t.Value
			}
		case "phone":
			s.Phones = append(s.Phones, directory.Phone{ID: elementID(t.ID, s.ID, "phone", i), Number: t.Value})
		}
	}
	for i, c := range h.Communication {
		s.Languages = append(s.Languages, directory.Language{ID: elementID(c.ID, s.ID, "language", i), Code: codeIn(&c.CodeableConcept, SystemBCP47), Name: c.Text})
	}
	for i, t := range h.AvailableTime {
		sc := directory.Schedule{ID: elementID(t.ID, s.ID, "schedule", i), Freq: directory.FreqWeekly,
			OpensAt: strings.TrimSuffix(t.AvailableStartTime, ":00"), ClosesAt: strings.TrimSuffix(t.AvailableEndTime, ":00")}
		if len(sc.OpensAt) > len("15:04") || len(sc.ClosesAt) > len("15:04") {
			sc.OpensAt, sc.ClosesAt = t.AvailableStartTime, t.AvailableEndTime
		}
		var days []string
		for j, d := range t.DaysOfWeek {
			k := indexOf(fhirDays, d)
			if k < 0 {
				p.add(at(at(root+"/availableTime", i)+"/daysOfWeek", j), "unknown day %q", d)
				continue
			}
			days = append(days, icalDays[k])
		}
		if len(days) == 0 {
			p.add(at(root+"/availableTime", i)+"/daysOfWeek", "a session needs its days")
		}
		sc.ByDay = strings.Join(days, ",")
		s.Schedules = append(s.Schedules, sc)
	}
	if err := p.err(); err != nil {
		return directory.Service{}, err
	}
	if err := s.Check(); err != nil {
		return directory.Service{}, socialrx.Invalid(socialrx.Prefix("/service", err)...)
	}
	return s, nil
}
