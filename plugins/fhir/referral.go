package fhir

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// ReferralResources are the FHIR resources of one referral: the person,
// the ServiceRequest, the referral-management Task of the Gravity SDOH
// Clinical Care workflow, and one Consent per consent recorded.
type ReferralResources struct {
	Patient        *Patient
	ServiceRequest *ServiceRequest
	// Task is nil for a ServiceRequest that has none on its server; the
	// referral is then new (not yet received).
	Task     *Task
	Consents []*Consent
	// Base, when set, is the base URL of the server the resources came
	// from; a ServiceRequest without a socialrx identifier gets a referral
	// id derived from it and the ServiceRequest's id.
	Base string
}

// placeholders are the urn:uuid full URLs by which the resources of one
// referral refer to each other until a server assigns their ids.
type placeholders struct{ patient, serviceRequest, task string }

func (placeholders) consent(id string, k referral.ConsentKind) string {
	return urn(id, "Consent", string(k))
}

func urn(parts ...string) string {
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(Base+strings.Join(parts, "/"))).String()
}

func placeholdersOf(id string) placeholders {
	return placeholders{urn(id, "Patient"), urn(id, "ServiceRequest"), urn(id, "Task")}
}

// srStatus is the ServiceRequest status of each referral status.
var srStatus = map[referral.Status]string{
	"": "active", referral.StatusReceived: "active", referral.StatusAccepted: "active", referral.StatusActive: "active",
	referral.StatusOnHold: "on-hold", referral.StatusDeclined: "revoked", referral.StatusClosed: "completed",
}

// taskStatus is the Task status of each referral status, after the
// Gravity workflow: a new referral is requested; the service has
// received, accepted or rejected it, is working on it or has paused or
// completed it.
var taskStatus = map[referral.Status]string{
	"": "requested", referral.StatusReceived: "received", referral.StatusAccepted: "accepted",
	referral.StatusDeclined: "rejected", referral.StatusActive: "in-progress", referral.StatusOnHold: "on-hold",
	referral.StatusClosed: "completed",
}

// priority is the ServiceRequest and Task priority of each urgency.
var priority = map[referral.Urgency]string{referral.UrgencyRoutine: "routine", referral.UrgencySoon: "urgent", referral.UrgencyUrgent: "asap"}

// ReferralToFHIR maps a referral to FHIR R4 resources:
//
//   - a Patient (see [PatientOf]); without an NHS number it carries the
//     referral id as an identifier of system [SystemPersonID];
//   - a ServiceRequest with the referral id as identifier ([SystemReferralID]),
//     code SNOMED CT 871731000000106, the needs as reason codes and the
//     referrer's reason as reason text, the urgency as priority, the time
//     received as authoredOn, the referrer as a contained PractitionerRole
//     (professionals) or RelatedPerson (family, carers, the person
//     themselves), the episode in an extension and the consents as
//     supporting information;
//   - a Task with the same identifier whose status follows the Gravity
//     workflow (received, accepted, rejected, in-progress, on-hold,
//     completed; requested for a new referral), the exact referral status
//     as business status, the last status reason and the times; its
//     requester is the referrer (contained in the Task too), its owner the
//     link worker who owns the referral, else service: the social
//     prescribing service, which owns a referral no link worker has taken
//     on (new, received, declined);
//   - a Consent for each consent recorded (see [ConsentToFHIR]).
//
// The resources refer to each other by urn:uuid placeholders that
// [ReferralResources.Transaction] resolves on the server. Not carried: the
// history (a FHIR server keeps each resource's own), the signposts and the
// version. A referral from family or the person themselves loses its
// organisation fields (a RelatedPerson has none). Codes: invalid (the
// referral breaks a rule, or has no id; service is no Organization,
// HealthcareService, PractitionerRole or CareTeam, or does not say which).
func ReferralToFHIR(r *referral.Referral, service Reference) (*ReferralResources, error) {
	if err := r.Check(time.Time{}); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, socialrx.Invalid(socialrx.Field("/id", "a referral needs an id to be mapped to FHIR"))
	}
	if err := checkService(service); err != nil {
		return nil, err
	}
	ph := placeholdersOf(r.ID)
	pt := PatientOf(r.Person)
	if r.Person.NHSNumber == "" {
		pt.Identifier = append(pt.Identifier, Identifier{System: SystemPersonID, Value: r.ID})
	}
	consents := consentsToFHIR(r.ID, r.Consents, ph.patient)
	ids := []Identifier{{System: SystemReferralID, Value: r.ID}}
	referrer := referrerToFHIR(r.Referrer, ph.patient)
	sr := &ServiceRequest{
		ResourceType: "ServiceRequest",
		Contained:    []json.RawMessage{referrer},
		Identifier:   ids,
		Status:       srStatus[r.Status],
		Intent:       "order",
		Priority:     priority[r.Urgency],
		Code:         ptr(concept(SystemSNOMED, referral.SNOMEDReferred, "Referral to social prescribing service")),
		Subject:      Reference{Reference: ph.patient},
		AuthoredOn:   instant(r.ReceivedAt),
		Requester:    &Reference{Reference: "#referrer"},
		ReasonCode:   needsToFHIR(r.Needs, r.Reason),
	}
	if r.Episode > 0 {
		sr.Extension = []Extension{{URL: extEpisode, ValueInteger: ptr(r.Episode)}}
	}
	for _, c := range consents {
		k := referral.ConsentKind(codeIn(&c.Category[1], CodeSystemConsentKind))
		sr.SupportingInfo = append(sr.SupportingInfo, Reference{Reference: ph.consent(r.ID, k), Type: "Consent"})
	}
	task := &Task{
		ResourceType: "Task",
		Contained:    []json.RawMessage{referrer},
		Identifier:   ids,
		Status:       taskStatus[r.Status],
		Intent:       "order",
		Priority:     sr.Priority,
		Code:         ptr(concept(systemTaskCode, "fulfill", "Fulfill the focal request")),
		Focus:        &Reference{Reference: ph.serviceRequest},
		For:          &Reference{Reference: ph.patient},
		AuthoredOn:   sr.AuthoredOn,
		Requester:    &Reference{Reference: "#referrer"},
		Owner:        userRef(r.Owner),
	}
	if task.Owner == nil {
		task.Owner = &service
	}
	if r.Status != "" {
		task.BusinessStatus = ptr(concept(CodeSystemReferralStatus, string(r.Status), ""))
	}
	for i := len(r.History) - 1; i >= 0; i-- {
		if e := r.History[i]; e.Type == referral.EventStatus || e.Type == "" {
			task.LastModified = instant(e.At)
			if e.Reason != "" {
				task.StatusReason = reasonConcept(string(e.Reason))
			}
			break
		}
	}
	return &ReferralResources{Patient: pt, ServiceRequest: sr, Task: task, Consents: consents}, nil
}

// DefaultService is the social prescribing service when a deployment does
// not name it (see [Config]): a HealthcareService known by its name.
func DefaultService() Reference {
	return Reference{Type: "HealthcareService", Display: "Social prescribing service"}
}

// ServiceOf names the social prescribing service as the organisation that
// runs it, by its ODS code (such as a primary care network's) and name.
func ServiceOf(odsCode, name string) Reference {
	return Reference{Type: "Organization", Identifier: &Identifier{System: SystemODS, Value: odsCode}, Display: name}
}

// checkService refuses a social prescribing service that cannot own a
// Task. Codes: invalid.
func checkService(s Reference) error {
	var p problems
	switch s.Type {
	case "Organization", "HealthcareService", "PractitionerRole", "CareTeam":
	default:
		p.add("/service/type", "the social prescribing service owns referral Tasks: it must be an Organization, HealthcareService, PractitionerRole or CareTeam, not %q", s.Type)
	}
	if s.Reference == "" && (s.Identifier == nil || s.Identifier.Value == "") && s.Display == "" {
		p.add("/service", "needs a reference, an identifier or a name")
	}
	return p.err()
}

// needsToFHIR writes the needs as coded reasons and the reason in words as
// a reason with text only.
func needsToFHIR(needs []socialrx.Need, reason string) []CodeableConcept {
	var out []CodeableConcept
	for _, n := range needs {
		out = append(out, needConcept(n))
	}
	if reason != "" {
		out = append(out, CodeableConcept{Text: reason})
	}
	return out
}

// needsFromFHIR reads the needs (codings of [CodeSystemNeed]) and the
// reason in words (the text, else the first display, of every other reason).
func needsFromFHIR(reasons []CodeableConcept, root string, p *problems) ([]socialrx.Need, string) {
	var needs []socialrx.Need
	var words []string
	for i, rc := range reasons {
		coded := false
		for j, c := range rc.Coding {
			if c.System != CodeSystemNeed {
				continue
			}
			coded = true
			n := socialrx.Need(c.Code)
			if !n.Valid() {
				p.add(at(at(root, i)+"/coding", j)+"/code", "unknown need code %q", c.Code)
			}
			needs = append(needs, n)
		}
		switch {
		case coded:
		case rc.Text != "":
			words = append(words, rc.Text)
		case len(rc.Coding) > 0 && rc.Coding[0].Display != "":
			words = append(words, rc.Coding[0].Display)
		}
	}
	return needs, strings.Join(words, "\n")
}

var referrerRelationship = map[referral.SourceKind]string{referral.SourceSelf: "ONESELF", referral.SourceFamilyOrCarer: "FAMMEMB"}

// referrerToFHIR writes the referrer as the contained resource "#referrer".
func referrerToFHIR(ref referral.Referrer, patientRef string) json.RawMessage {
	var telecom []ContactPoint
	if ref.Email != "" {
		telecom = append(telecom, ContactPoint{System: "email", Value: ref.Email})
	}
	if ref.Phone != "" {
		telecom = append(telecom, ContactPoint{System: "phone", Value: ref.Phone})
	}
	kind := concept(CodeSystemReferralSource, string(ref.Kind), "")
	var res any
	if rel, ok := referrerRelationship[ref.Kind]; ok {
		res = RelatedPerson{
			ResourceType: "RelatedPerson", ID: "referrer", Patient: Reference{Reference: patientRef},
			Relationship: []CodeableConcept{concept(systemRoleCode, rel, ""), kind},
			Name:         []HumanName{{Text: ref.Name}}, Telecom: telecom,
		}
	} else {
		pr := PractitionerRole{
			ResourceType: "PractitionerRole", ID: "referrer", Practitioner: &Reference{Display: ref.Name},
			Code: []CodeableConcept{kind}, Telecom: telecom,
		}
		if ref.Organisation != "" || ref.OrganisationCode != "" {
			pr.Organization = &Reference{Type: "Organization", Display: ref.Organisation}
			if ref.OrganisationCode != "" {
				pr.Organization.Identifier = &Identifier{System: SystemODS, Value: ref.OrganisationCode}
			}
		}
		res = pr
	}
	b, err := json.Marshal(res)
	if err != nil {
		panic(err) // plain structs of strings always marshal
	}
	return b
}

// referrerFromFHIR reads the referrer: a contained PractitionerRole,
// RelatedPerson or Practitioner, or a plain reference with a display name
// whose type gives the kind (Patient: self; RelatedPerson: family or
// carer; Practitioner, PractitionerRole or Organization: general practice).
func referrerFromFHIR(sr *ServiceRequest, root string, p *problems) referral.Referrer {
	var out referral.Referrer
	req := sr.Requester
	if req == nil {
		p.add(root+"/requester", "required: who made the referral")
		return out
	}
	telecom := func(ts []ContactPoint) {
		for _, t := range ts {
			switch {
			case t.System == "email" && out.Email == "":
				out.Email = t.Value
			case (t.System == "phone" || t.System == "sms") && out.Phone == "":
				out.Phone = t.Value
			}
		}
	}
	kindOf := func(ccs []CodeableConcept, path string, fallback referral.SourceKind) {
		out.Kind = fallback
		for _, cc := range ccs {
			if k := codeIn(&cc, CodeSystemReferralSource); k != "" {
				out.Kind = referral.SourceKind(k)
				if !socialrx.ValidEnum(out.Kind) {
					p.add(path, "unknown referral source %q", k)
				}
			}
		}
	}
	if id, ok := strings.CutPrefix(req.Reference, "#"); ok {
		for i, raw := range sr.Contained {
			var head struct{ ResourceType, ID string }
			if json.Unmarshal(raw, &head) != nil || head.ID != id {
				continue
			}
			path := at(root+"/contained", i)
			switch head.ResourceType {
			case "PractitionerRole":
				var pr PractitionerRole
				if err := json.Unmarshal(raw, &pr); err != nil {
					p.add(path, "is not a PractitionerRole: %v", err)
					return out
				}
				if pr.Practitioner != nil {
					out.Name = pr.Practitioner.Display
				}
				if pr.Organization != nil {
					out.Organisation = pr.Organization.Display
					if pr.Organization.Identifier != nil && pr.Organization.Identifier.System == SystemODS {
						out.OrganisationCode = pr.Organization.Identifier.Value
					}
				}
				kindOf(pr.Code, path+"/code", referral.SourceGP)
				telecom(pr.Telecom)
			case "RelatedPerson":
				var rp RelatedPerson
				if err := json.Unmarshal(raw, &rp); err != nil {
					p.add(path, "is not a RelatedPerson: %v", err)
					return out
				}
				fallback := referral.SourceFamilyOrCarer
				for _, rel := range rp.Relationship {
					if codeIn(&rel, systemRoleCode) == "ONESELF" {
						fallback = referral.SourceSelf
					}
				}
				kindOf(rp.Relationship, path+"/relationship", fallback)
				out.Name = nameText(rp.Name)
				telecom(rp.Telecom)
			case "Practitioner":
				var pr struct {
					Name    []HumanName    `json:"name"`
					Telecom []ContactPoint `json:"telecom"`
				}
				if err := json.Unmarshal(raw, &pr); err != nil {
					p.add(path, "is not a Practitioner: %v", err)
					return out
				}
				out.Kind, out.Name = referral.SourceGP, nameText(pr.Name)
				telecom(pr.Telecom)
			default:
				p.add(path+"/resourceType", "a referrer must be a PractitionerRole, RelatedPerson or Practitioner, not %q", head.ResourceType)
			}
			return out
		}
		p.add(root+"/requester/reference", "no contained resource %q", req.Reference)
		return out
	}
	out.Name = req.Display
	typ := req.Type
	if typ == "" {
		typ, _, _ = strings.Cut(req.Reference, "/")
	}
	switch typ {
	case "Patient":
		out.Kind = referral.SourceSelf
	case "RelatedPerson":
		out.Kind = referral.SourceFamilyOrCarer
	case "Practitioner", "PractitionerRole":
		out.Kind = referral.SourceGP
	case "Organization":
		out.Kind, out.Organisation = referral.SourceGP, req.Display
	default:
		p.add(root+"/requester", "a referrer must be a Practitioner, PractitionerRole, Organization, RelatedPerson or Patient")
	}
	return out
}

// nameText is a name in words: its text, else its given and family names.
func nameText(ns []HumanName) string {
	if len(ns) == 0 {
		return ""
	}
	if ns[0].Text != "" {
		return ns[0].Text
	}
	return strings.TrimSpace(strings.Join(append(append([]string(nil), ns[0].Given...), ns[0].Family), " "))
}

// referralStatusOf reads the referral status from a Task: its socialrx
// business status, else its Gravity status.
func referralStatusOf(t *Task, root string, p *problems) referral.Status {
	if t == nil {
		return ""
	}
	if code := codeIn(t.BusinessStatus, CodeSystemReferralStatus); code != "" {
		s := referral.Status(code)
		if !socialrx.ValidEnum(s) {
			p.add(root+"/businessStatus", "unknown referral status %q", code)
		}
		return s
	}
	for s, ts := range taskStatus {
		if ts == t.Status {
			return s
		}
	}
	p.add(root+"/status", "a referral's Task must be requested, received, accepted, rejected, in-progress, on-hold or completed, not %q", t.Status)
	return ""
}

// ReferralFromFHIR maps FHIR resources back to a referral, the inverse of
// [ReferralToFHIR]. It also reads referrals other systems made after the
// same pattern: a ServiceRequest whose reasons carry socialrx need codes,
// whose requester is a contained or referenced practitioner, organisation,
// related person or the patient, and whose supporting Consents say the
// person agreed to be referred; without a Task the referral is new (no
// status). The result is checked against referral.schema.json and the
// referral rules. Codes: invalid, with paths into the FHIR resources
// ("/ServiceRequest/reasonCode/0/coding/0/code") or, for a rule the
// resulting referral breaks, into the referral ("/referral/needs").
func ReferralFromFHIR(res *ReferralResources) (*referral.Referral, error) {
	var p problems
	if res == nil || res.ServiceRequest == nil || res.Patient == nil {
		return nil, socialrx.Invalid(socialrx.Field("/ServiceRequest", "a referral needs a ServiceRequest and its Patient"))
	}
	sr := res.ServiceRequest
	const root = "/ServiceRequest"
	r := &referral.Referral{ID: identifierIn(sr.Identifier, SystemReferralID)}
	if r.ID == "" {
		r.ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte(res.Base+"ServiceRequest/"+sr.ID)).String()
	}
	r.Status = referralStatusOf(res.Task, "/Task", &p)
	if r.Status != "" {
		r.Episode = 1
	}
	if e, ok := extensions(sr.Extension).find(extEpisode); ok && e.ValueInteger != nil {
		r.Episode = *e.ValueInteger
	}
	r.Referrer = referrerFromFHIR(sr, root, &p)
	r.Person = personOf(res.Patient, "/Patient", &p)
	r.Needs, r.Reason = needsFromFHIR(sr.ReasonCode, root+"/reasonCode", &p)
	for _, n := range sr.Note {
		if n.Text != "" {
			r.Reason = strings.TrimPrefix(r.Reason+"\n\n"+n.Text, "\n\n")
		}
	}
	switch sr.Priority {
	case "", "routine":
		r.Urgency = referral.UrgencyRoutine
	case "urgent":
		r.Urgency = referral.UrgencySoon
	case "asap", "stat":
		r.Urgency = referral.UrgencyUrgent
	default:
		p.add(root+"/priority", "must be routine, urgent, asap or stat, not %q", sr.Priority)
	}
	r.ReceivedAt = p.parseTime(root+"/authoredOn", sr.AuthoredOn)
	if res.Task != nil {
		r.Owner = userOf(res.Task.Owner)
	}
	seen := map[referral.ConsentKind]bool{}
	for i, c := range res.Consents {
		path := at("/Consent", i)
		k, consent := consentFromFHIR(c, path, &p)
		if seen[k] {
			p.add(path+"/category", "a second %s consent for the same referral", k)
		}
		seen[k] = true
		switch k {
		case referral.ConsentReferral:
			r.Consents.Referral = consent
		case referral.ConsentShare:
			r.Consents.ShareWithPartners = consent
		case referral.ConsentFeedback:
			r.Consents.ContactForFeedback = consent
		case referral.ConsentEvaluation:
			r.Consents.Evaluation = consent
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeInvalid, "cannot encode the referral: %v", err)
	}
	if err := referral.Validate(doc); err != nil {
		return nil, socialrx.Invalid(socialrx.Prefix("/referral", err)...)
	}
	return r, nil
}

// Transaction returns a FHIR transaction Bundle that writes the resources
// made by [ReferralToFHIR] at once: the Patient is created unless one
// with the same NHS number (or socialrx person id) exists, which is then
// used as it is; the Consents, ServiceRequest and Task are created or
// updated by their identifiers (conditional update). Running it twice
// changes nothing the second time.
func (res *ReferralResources) Transaction() *Bundle {
	id := identifierIn(res.ServiceRequest.Identifier, SystemReferralID)
	ph := placeholdersOf(id)
	b := &Bundle{ResourceType: "Bundle", Type: "transaction"}
	pid := Identifier{System: SystemPersonID, Value: id}
	if nhs := identifierIn(res.Patient.Identifier, SystemNHSNumber); nhs != "" {
		pid = Identifier{System: SystemNHSNumber, Value: nhs}
	}
	b.Entry = append(b.Entry, BundleEntry{FullURL: ph.patient, Resource: mustJSON(res.Patient),
		Request: &BundleRequest{Method: "POST", URL: "Patient", IfNoneExist: identifierQuery(pid)}})
	for _, c := range res.Consents {
		k := referral.ConsentKind("")
		for _, cat := range c.Category {
			if code := codeIn(&cat, CodeSystemConsentKind); code != "" {
				k = referral.ConsentKind(code)
			}
		}
		b.Entry = append(b.Entry, upsertEntry(ph.consent(id, k), "Consent", c.Identifier[0], c))
	}
	b.Entry = append(b.Entry, upsertEntry(ph.serviceRequest, "ServiceRequest", res.ServiceRequest.Identifier[0], res.ServiceRequest))
	if res.Task != nil {
		b.Entry = append(b.Entry, upsertEntry(ph.task, "Task", res.Task.Identifier[0], res.Task))
	}
	return b
}

// upsertEntry is a conditional update entry: create or update the one
// resource with the identifier.
func upsertEntry(fullURL, typ string, id Identifier, res any) BundleEntry {
	return BundleEntry{FullURL: fullURL, Resource: mustJSON(res),
		Request: &BundleRequest{Method: "PUT", URL: typ + "?" + identifierQuery(id)}}
}

// identifierQuery is the search "identifier=system|value", URL-encoded.
func identifierQuery(id Identifier) string {
	return url.Values{"identifier": {id.System + "|" + id.Value}}.Encode()
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the FHIR structs hold only strings, numbers and slices of them
	}
	return b
}
