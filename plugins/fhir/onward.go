package fhir

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// OnwardResources are the FHIR resources of one onward referral to a
// partner's service: a Patient holding only the partner view of the
// person, the ServiceRequest to the service and its Gravity Task, which the
// partner moves through the closed loop.
type OnwardResources struct {
	Patient        *Patient
	ServiceRequest *ServiceRequest
	Task           *Task
}

// TaskStatusToFHIR returns the FHIR Task status of an onward referral
// status: the same words, hyphenated (in_progress is "in-progress",
// on_hold "on-hold", entered_in_error "entered-in-error").
func TaskStatusToFHIR(s referral.TaskStatus) string { return strings.ReplaceAll(string(s), "_", "-") }

// TaskStatusFromFHIR returns the onward referral status of a FHIR Task
// status, the inverse of [TaskStatusToFHIR]. Codes: invalid (a Task status
// the closed loop does not use: draft, received, ready, or an unknown one).
func TaskStatusFromFHIR(s string) (referral.TaskStatus, error) {
	ts := referral.TaskStatus(strings.ReplaceAll(s, "-", "_"))
	if strings.Contains(s, "_") || !socialrx.ValidEnum(ts) {
		return "", socialrx.Invalid(socialrx.Field("/Task/status", "%q is not a Task status of the closed loop", s))
	}
	return ts, nil
}

// onwardSRStatus is the ServiceRequest status of each onward status.
var onwardSRStatus = map[referral.TaskStatus]string{
	referral.TaskRequested: "active", referral.TaskAccepted: "active", referral.TaskInProgress: "active",
	referral.TaskOnHold: "on-hold", referral.TaskCompleted: "completed", referral.TaskRejected: "revoked",
	referral.TaskCancelled: "revoked", referral.TaskFailed: "revoked", referral.TaskEnteredInError: "entered-in-error",
}

// OnwardToFHIR maps an onward referral to FHIR R4 resources after the
// Gravity SDOH Clinical Care workflow: a ServiceRequest (identifier
// [SystemOnwardReferralID], based on the referral's ServiceRequest by its
// identifier, performer the directory service by [SystemService], SNOMED
// CT 3457005, the needs as reasons, the link worker's note, requested by
// the link worker), its Task (status from the closed loop, see
// [TaskStatusToFHIR]; the reject reason as status reason; owner the
// partner organisation by [SystemOrganization]; the feedback as notes with
// their authors; each session the partner reported as an output, Gravity's
// resulting activity, pointing at a Procedure contained in the Task:
// completed if the person attended, not-done if not, performed on the
// session's day, with the note, the recorder and the time recorded in an
// extension) and a Patient with only what the partner may see. Not
// carried: the status history and the chaser count. Codes: invalid (the
// onward referral has no id, referral, service, partner or status).
func OnwardToFHIR(o *referral.OnwardReferral) (*OnwardResources, error) {
	var p problems
	for _, f := range []struct{ path, v string }{{"/id", o.ID}, {"/referral_id", o.ReferralID}, {"/service_id", o.ServiceID}, {"/partner", o.Partner}, {"/requested_by", o.RequestedBy}} {
		if f.v == "" {
			p.add(f.path, "required")
		}
	}
	if !socialrx.ValidEnum(o.Status) {
		p.add("/status", "unknown status %q", string(o.Status))
	}
	if o.RequestedAt.IsZero() {
		p.add("/requested_at", "required")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	ph := placeholdersOf(o.ID)
	ids := []Identifier{{System: SystemOnwardReferralID, Value: o.ID}}
	v := o.View
	pt := &Patient{ResourceType: "Patient", Identifier: ids}
	reason := ""
	if v.Full != nil {
		reason = v.Full.Reason
		if v.Full.NHSNumber != "" {
			pt.Identifier = append(pt.Identifier, Identifier{System: SystemNHSNumber, Value: v.Full.NHSNumber})
		}
		pt.BirthDate = v.Full.DateOfBirth.String()
	}
	person := referral.Person{GivenName: v.Name, Language: v.Language, InterpreterNeeded: v.InterpreterNeeded,
		Accessibility: v.Accessibility, WantsEscort: v.WantsEscort}
	if v.Full != nil {
		person.FamilyName, person.Postcode = v.Full.FamilyName, v.Full.Postcode
	}
	if v.ContactMethod != "" {
		person.Contact.Methods = []referral.ContactMethod{v.ContactMethod}
	}
	viewPt := PatientOf(person)
	pt.Name, pt.Extension, pt.Communication, pt.Address = viewPt.Name, viewPt.Extension, viewPt.Communication, viewPt.Address
	for i := range pt.Name {
		pt.Name[i].Use = "usual"
	}
	switch v.ContactMethod {
	case referral.ContactPhone, referral.ContactSMS, referral.ContactEmail:
		sys := map[referral.ContactMethod]string{referral.ContactPhone: "phone", referral.ContactSMS: "sms", referral.ContactEmail: "email"}[v.ContactMethod]
		pt.Telecom = []ContactPoint{{System: sys, Value: v.ContactDetail}}
	case referral.ContactLetter:
		if len(pt.Address) == 0 {
			pt.Address = []Address{{}}
		}
		pt.Address[0].Text = v.ContactDetail
	}
	sr := &ServiceRequest{
		ResourceType: "ServiceRequest",
		Identifier:   ids,
		BasedOn:      []Reference{{Type: "ServiceRequest", Identifier: &Identifier{System: SystemReferralID, Value: o.ReferralID}}},
		Status:       onwardSRStatus[o.Status],
		Intent:       "order",
		Code:         ptr(concept(SystemSNOMED, SNOMEDPatientReferral, "Patient referral")),
		Subject:      Reference{Reference: ph.patient},
		AuthoredOn:   instant(o.RequestedAt),
		Requester:    userRef(o.RequestedBy),
		Performer:    []Reference{{Type: "HealthcareService", Identifier: &Identifier{System: SystemService, Value: o.ServiceID}}},
		ReasonCode:   needsToFHIR(v.Needs, reason),
	}
	if v.Note != "" {
		sr.Note = []Annotation{{Text: v.Note}}
	}
	task := &Task{
		ResourceType: "Task",
		Identifier:   ids,
		Status:       TaskStatusToFHIR(o.Status),
		Intent:       "order",
		Code:         ptr(concept(systemTaskCode, "fulfill", "Fulfill the focal request")),
		Focus:        &Reference{Reference: ph.serviceRequest},
		For:          &Reference{Reference: ph.patient},
		AuthoredOn:   sr.AuthoredOn,
		Requester:    sr.Requester,
		Owner:        &Reference{Type: "Organization", Identifier: &Identifier{System: SystemOrganization, Value: o.Partner}},
	}
	if o.RejectReason != "" {
		task.StatusReason = reasonConcept(string(o.RejectReason))
	}
	if n := len(o.History); n > 0 {
		task.LastModified = instant(o.History[n-1].At)
	}
	for _, f := range o.Feedback {
		task.Note = append(task.Note, Annotation{AuthorReference: actorRef(f.By), Time: instant(f.At), Text: f.Text})
	}
	for i, a := range o.Attendance {
		id := "session-" + strconv.Itoa(i+1)
		task.Contained = append(task.Contained, mustJSON(sessionToFHIR(id, a, ph)))
		task.Output = append(task.Output, TaskOutput{Type: concept(systemSDOHCCTemporary, "resulting-activity", "Resulting Activity"),
			ValueReference: &Reference{Reference: "#" + id}})
	}
	return &OnwardResources{Patient: pt, ServiceRequest: sr, Task: task}, nil
}

// sessionToFHIR is the contained Procedure of one session the partner
// reported.
func sessionToFHIR(id string, a referral.Attendance, ph placeholders) *Procedure {
	pr := &Procedure{ResourceType: "Procedure", ID: id, Status: "completed",
		Code:              CodeableConcept{Text: "Session at the service referred to"},
		BasedOn:           []Reference{{Reference: ph.serviceRequest}},
		Subject:           Reference{Reference: ph.patient},
		PerformedDateTime: a.Date.String(),
		Recorder:          userRef(a.RecordedBy),
		Extension:         []Extension{{URL: extRecordedAt, ValueDateTime: ptr(instant(a.RecordedAt))}},
	}
	if !a.Attended {
		pr.Status, pr.StatusReason = "not-done", &CodeableConcept{Text: "Did not attend"}
	}
	if a.Note != "" {
		pr.Note = []Annotation{{Text: a.Note}}
	}
	return pr
}

// sessionsFromFHIR reads the sessions a Task's outputs point at: Procedures
// contained in the Task. Outputs of other kinds, or pointing elsewhere,
// are not sessions socialrx can read and are left alone. A session without
// a recorder was recorded by the partner; without the time it was
// recorded, at midnight UTC of its day.
func sessionsFromFHIR(t *Task, partner string, p *problems) []referral.Attendance {
	var out []referral.Attendance
	for _, o := range t.Output {
		id, ok := "", false
		if o.ValueReference != nil {
			id, ok = strings.CutPrefix(o.ValueReference.Reference, "#")
		}
		if !ok || codeIn(&o.Type, systemSDOHCCTemporary) != "resulting-activity" {
			continue
		}
		for i, raw := range t.Contained {
			path := at("/Task/contained", i)
			var pr Procedure
			if json.Unmarshal(raw, &pr) != nil || pr.ResourceType != "Procedure" || pr.ID != id {
				continue
			}
			a := referral.Attendance{Date: p.parseDate(path+"/performedDateTime", pr.PerformedDateTime), RecordedBy: whoOf(pr.Recorder)}
			switch pr.Status {
			case "completed":
				a.Attended = true
			case "not-done":
			default:
				p.add(path+"/status", "a session is completed (attended) or not-done (missed), not %q", pr.Status)
			}
			if a.Date.IsZero() {
				p.add(path+"/performedDateTime", "needs the day of the session")
			}
			if a.RecordedBy == "" {
				a.RecordedBy = partner
			}
			for _, n := range pr.Note {
				a.Note = strings.TrimPrefix(a.Note+"\n\n"+n.Text, "\n\n")
			}
			if e, found := extensions(pr.Extension).find(extRecordedAt); found && e.ValueDateTime != nil {
				a.RecordedAt = p.parseTime(path+"/extension", *e.ValueDateTime)
			} else if !a.Date.IsZero() {
				a.RecordedAt = a.Date.Time()
			}
			out = append(out, a)
		}
	}
	return out
}

// actorRef refers to an actor by user id, with its role and organisation
// in extensions.
func actorRef(a referral.Actor) *Reference {
	r := userRef(a.ID)
	if r == nil {
		r = &Reference{}
	}
	r.Extension = append(codeExt(extActorRole, string(a.Role)), stringExt(extActorOrganization, a.Organisation)...)
	return r
}

func actorOf(r *Reference) referral.Actor {
	if r == nil {
		return referral.Actor{}
	}
	ext := extensions(r.Extension)
	return referral.Actor{ID: userOf(r), Role: referral.Role(ext.str(extActorRole)), Organisation: ext.str(extActorOrganization)}
}

// noteAuthor reads who wrote a Task note: a socialrx actor, else (a note
// the partner's own system wrote) a partner of the owning organisation
// named by the note's author string, display or reference.
func noteAuthor(n Annotation, partner string) referral.Actor {
	a := actorOf(n.AuthorReference)
	if a.ID == "" {
		a.ID = n.AuthorString
		if r := n.AuthorReference; a.ID == "" && r != nil {
			a.ID = r.Display
			if a.ID == "" {
				a.ID = r.Reference
			}
		}
		if a.ID == "" {
			a.ID = partner
		}
	}
	if a.Role == "" {
		a.Role, a.Organisation = referral.RolePartner, partner
	}
	return a
}

// OnwardFromFHIR maps FHIR resources back to an onward referral, the
// inverse of [OnwardToFHIR] (its history is empty: the FHIR server keeps
// the Task's). A Task note from the partner's own system, without a
// socialrx author, is feedback from a partner of the owning organisation,
// named by the note's author. The result is checked against onward_referral.schema.json.
// Codes: invalid, with paths into the FHIR resources or, for a rule the
// result breaks, into the onward referral ("/onward_referral/partner").
func OnwardFromFHIR(res *OnwardResources) (*referral.OnwardReferral, error) {
	var p problems
	if res == nil || res.ServiceRequest == nil || res.Task == nil || res.Patient == nil {
		return nil, socialrx.Invalid(socialrx.Field("/ServiceRequest", "an onward referral needs a ServiceRequest, its Task and its Patient"))
	}
	sr, t := res.ServiceRequest, res.Task
	o := &referral.OnwardReferral{ID: identifierIn(sr.Identifier, SystemOnwardReferralID), History: []referral.TaskEvent{}}
	if o.ID == "" {
		p.add("/ServiceRequest/identifier", "needs an onward referral id (system %s)", SystemOnwardReferralID)
	}
	for _, b := range sr.BasedOn {
		if b.Identifier != nil && b.Identifier.System == SystemReferralID {
			o.ReferralID = b.Identifier.Value
		}
	}
	for _, pf := range sr.Performer {
		if pf.Identifier != nil && pf.Identifier.System == SystemService {
			o.ServiceID = pf.Identifier.Value
		}
	}
	if t.Owner != nil && t.Owner.Identifier != nil && t.Owner.Identifier.System == SystemOrganization {
		o.Partner = t.Owner.Identifier.Value
	}
	status, err := TaskStatusFromFHIR(t.Status)
	p.errs = append(p.errs, socialrx.ErrorFields(err)...)
	o.Status = status
	if code := codeIn(t.StatusReason, CodeSystemReason); code != "" {
		o.RejectReason = referral.RejectReason(code)
		if !socialrx.ValidEnum(o.RejectReason) {
			p.add("/Task/statusReason", "unknown reject reason %q", code)
		}
	}
	o.RequestedAt = p.parseTime("/ServiceRequest/authoredOn", sr.AuthoredOn)
	o.RequestedBy = userOf(sr.Requester)
	for _, f := range []struct{ path, v, rule string }{
		{"/ServiceRequest/basedOn", o.ReferralID, "needs the referral it came from (system " + SystemReferralID + ")"},
		{"/ServiceRequest/performer", o.ServiceID, "needs the service it is addressed to (system " + SystemService + ")"},
		{"/Task/owner", o.Partner, "needs the partner organisation (system " + SystemOrganization + ")"},
		{"/ServiceRequest/requester", o.RequestedBy, "needs the link worker who sent it (system " + SystemUser + ")"},
	} {
		if f.v == "" {
			p.add(f.path, "%s", f.rule)
		}
	}
	if sr.AuthoredOn == "" {
		p.add("/ServiceRequest/authoredOn", "needs the time it was sent")
	}
	for i, n := range t.Note {
		o.Feedback = append(o.Feedback, referral.Feedback{At: p.parseTime(at("/Task/note", i)+"/time", n.Time), By: noteAuthor(n, o.Partner), Text: n.Text})
	}
	o.Attendance = sessionsFromFHIR(t, o.Partner, &p)
	person := personOf(res.Patient, "/Patient", &p)
	v := referral.PartnerView{Name: person.GivenName, Language: person.Language, InterpreterNeeded: person.InterpreterNeeded,
		Accessibility: person.Accessibility, WantsEscort: person.WantsEscort}
	if len(person.Contact.Methods) > 0 {
		v.ContactMethod = person.Contact.Methods[0]
		switch v.ContactMethod {
		case referral.ContactPhone, referral.ContactSMS:
			v.ContactDetail = person.Contact.Phone
		case referral.ContactEmail:
			v.ContactDetail = person.Contact.Email
		case referral.ContactLetter:
			v.ContactDetail = person.Contact.Address
		}
	}
	var reason string
	v.Needs, reason = needsFromFHIR(sr.ReasonCode, "/ServiceRequest/reasonCode", &p)
	if v.Needs == nil {
		v.Needs = []socialrx.Need{}
	}
	for _, n := range sr.Note {
		v.Note = strings.TrimPrefix(v.Note+"\n\n"+n.Text, "\n\n")
	}
	full := referral.PartnerDetails{FamilyName: person.FamilyName, DateOfBirth: person.DateOfBirth, NHSNumber: person.NHSNumber, Postcode: person.Postcode, Reason: reason}
	if full != (referral.PartnerDetails{}) {
		v.Full = &full
	}
	o.View = v
	if err := p.err(); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(o)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeInvalid, "cannot encode the onward referral: %v", err)
	}
	if _, err := referral.DecodeOnwardReferral(doc); err != nil {
		return nil, socialrx.Invalid(socialrx.Prefix("/onward_referral", err)...)
	}
	return o, nil
}

// Transaction returns a FHIR transaction Bundle that creates or updates
// (by identifier) the partner-view Patient, the ServiceRequest and the
// Task made by [OnwardToFHIR] at once.
func (res *OnwardResources) Transaction() *Bundle {
	id := identifierIn(res.ServiceRequest.Identifier, SystemOnwardReferralID)
	ph := placeholdersOf(id)
	key := Identifier{System: SystemOnwardReferralID, Value: id}
	return &Bundle{ResourceType: "Bundle", Type: "transaction", Entry: []BundleEntry{
		upsertEntry(ph.patient, "Patient", key, res.Patient),
		upsertEntry(ph.serviceRequest, "ServiceRequest", key, res.ServiceRequest),
		upsertEntry(ph.task, "Task", key, res.Task),
	}}
}
