package fhir

import (
	"github.com/socialrx/socialrx/referral"
)

// consentKinds are the four consents in the order they are written.
var consentKinds = []referral.ConsentKind{referral.ConsentReferral, referral.ConsentShare, referral.ConsentFeedback, referral.ConsentEvaluation}

// consentScope is the FHIR consent scope of each kind: consent to be
// referred is about treatment, to share and to be contacted about privacy,
// and to use outcome data for evaluation about research.
var consentScope = map[referral.ConsentKind]string{
	referral.ConsentReferral:   "treatment",
	referral.ConsentShare:      "patient-privacy",
	referral.ConsentFeedback:   "patient-privacy",
	referral.ConsentEvaluation: "research",
}

var consentLabel = map[referral.ConsentKind]string{
	referral.ConsentReferral:   "Consent to be referred to social prescribing",
	referral.ConsentShare:      "Consent to share details with community partners",
	referral.ConsentFeedback:   "Consent to be contacted for feedback",
	referral.ConsentEvaluation: "Consent to use outcome data for evaluation",
}

// ConsentToFHIR maps one of a referral's consents to a FHIR Consent about
// the patient at patientRef: identifier "<referral id>/<kind>" of system
// [SystemConsentID], category LOINC 59284-0 and the socialrx consent kind,
// status active (inactive once withdrawn), dateTime when it was recorded,
// performer the patient (R4: "who is agreeing to the policy and rules"),
// policyRule OPTIN or OPTOUT and a provision that permits or denies from
// the time it was recorded until it was withdrawn. The user who recorded
// it is the core extension consent-Transcriber ("any person/thing who
// transcribed the consent into the system"): FHIR R4 has no element for
// it (Consent.organization is the custodian organisation,
// verification.verifiedWith a Patient or RelatedPerson, and a Provenance
// has no identifier to update it by). Who recorded a withdrawal, its note
// and the sharing scope travel in socialrx extensions. A consent never
// asked (the zero Consent) gives nil.
func ConsentToFHIR(referralID string, k referral.ConsentKind, c referral.Consent, patientRef string) *Consent {
	if c == (referral.Consent{}) {
		return nil
	}
	out := &Consent{
		ResourceType: "Consent",
		Identifier:   []Identifier{{System: SystemConsentID, Value: referralID + "/" + string(k)}},
		Status:       "active",
		Scope:        concept(systemConsentScope, consentScope[k], ""),
		Category: []CodeableConcept{
			concept(SystemLOINC, "59284-0", "Patient Consent"),
			concept(CodeSystemConsentKind, string(k), consentLabel[k]),
		},
		Patient:    &Reference{Reference: patientRef},
		DateTime:   instant(c.RecordedAt),
		PolicyRule: ptr(concept(systemActCode, "OPTOUT", "opt-out")),
		Provision:  &ConsentProvision{Type: "deny"},
	}
	if c.Given {
		out.PolicyRule = ptr(concept(systemActCode, "OPTIN", "opt-in"))
		out.Provision.Type = "permit"
	}
	out.Performer = []Reference{{Reference: patientRef}}
	if r := userRef(c.RecordedBy); r != nil {
		out.Extension = append(out.Extension, Extension{URL: extConsentTranscriber, ValueReference: r})
	}
	period := Period{Start: instant(c.RecordedAt)}
	if c.WithdrawnAt != nil {
		out.Status = "inactive"
		period.End = instant(*c.WithdrawnAt)
	}
	if period != (Period{}) {
		out.Provision.Period = &period
	}
	out.Extension = append(out.Extension, codeExt(extShareScope, string(c.Scope))...)
	if r := userRef(c.WithdrawnBy); r != nil {
		out.Extension = append(out.Extension, Extension{URL: extWithdrawnBy, ValueReference: r})
	}
	out.Extension = append(out.Extension, stringExt(extWithdrawalNote, c.WithdrawalNote)...)
	return out
}

// whoOf names whom a reference is to: a socialrx user by id, anyone else
// by display name, else by reference.
func whoOf(r *Reference) string {
	if r == nil {
		return ""
	}
	if id := userOf(r); id != "" {
		return id
	}
	if r.Display != "" {
		return r.Display
	}
	return r.Reference
}

// consentsToFHIR maps the recorded consents of a referral.
func consentsToFHIR(referralID string, cs referral.Consents, patientRef string) []*Consent {
	var out []*Consent
	for _, k := range consentKinds {
		if c := ConsentToFHIR(referralID, k, cs.Get(k), patientRef); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// ConsentFromFHIR maps a FHIR Consent back to the kind and the consent,
// the inverse of [ConsentToFHIR]. Who recorded it is the transcriber, else
// (another system's Consent, or one socialrx wrote before it used the
// extension) the first performer other than the patient, else the
// patient: a socialrx user by id, anyone else by display name, else
// reference. Codes: invalid, naming the Consent
// element at fault: no socialrx consent kind, a status other than active
// or inactive, an inactive consent without the end of its provision
// period, neither a provision type nor an OPTIN/OPTOUT policy rule.
func ConsentFromFHIR(c *Consent) (referral.ConsentKind, referral.Consent, error) {
	var p problems
	k, out := consentFromFHIR(c, "/Consent", &p)
	return k, out, p.err()
}

func consentFromFHIR(c *Consent, root string, p *problems) (referral.ConsentKind, referral.Consent) {
	var k referral.ConsentKind
	for _, cat := range c.Category {
		if code := codeIn(&cat, CodeSystemConsentKind); code != "" {
			k = referral.ConsentKind(code)
		}
	}
	if _, known := consentScope[k]; !known {
		p.add(root+"/category", "needs one of the socialrx consent kinds %v (system %s); got %q", referral.ConsentKind("").EnumValues(), CodeSystemConsentKind, string(k))
	}
	var out referral.Consent
	switch {
	case c.Provision != nil && c.Provision.Type == "permit":
		out.Given = true
	case c.Provision != nil && c.Provision.Type == "deny":
	case c.Provision != nil && c.Provision.Type != "":
		p.add(root+"/provision/type", "must be permit or deny, not %q", c.Provision.Type)
	case codeIn(c.PolicyRule, systemActCode) == "OPTIN":
		out.Given = true
	case codeIn(c.PolicyRule, systemActCode) == "OPTOUT":
	default:
		p.add(root+"/provision/type", "a consent needs a provision type (permit or deny) or an OPTIN or OPTOUT policy rule")
	}
	out.RecordedAt = p.parseTime(root+"/dateTime", c.DateTime)
	if out.RecordedAt.IsZero() && c.Provision != nil && c.Provision.Period != nil {
		out.RecordedAt = p.parseTime(root+"/provision/period/start", c.Provision.Period.Start)
	}
	ext := extensions(c.Extension)
	if e, ok := ext.find(extConsentTranscriber); ok {
		out.RecordedBy = whoOf(e.ValueReference)
	}
	for _, r := range c.Performer {
		if out.RecordedBy == "" && (c.Patient == nil || r.Reference == "" || r.Reference != c.Patient.Reference) {
			out.RecordedBy = whoOf(&r)
		}
	}
	if out.RecordedBy == "" && len(c.Performer) > 0 {
		out.RecordedBy = whoOf(&c.Performer[0])
	}
	out.Scope = referral.ShareScope(ext.str(extShareScope))
	switch c.Status {
	case "active":
	case "inactive":
		end := ""
		if c.Provision != nil && c.Provision.Period != nil {
			end = c.Provision.Period.End
		}
		if end == "" {
			p.add(root+"/provision/period/end", "an inactive (withdrawn) consent needs the time it was withdrawn")
			break
		}
		t := p.parseTime(root+"/provision/period/end", end)
		out.WithdrawnAt = &t
		if e, ok := ext.find(extWithdrawnBy); ok {
			out.WithdrawnBy = userOf(e.ValueReference)
		}
		out.WithdrawalNote = ext.str(extWithdrawalNote)
	default:
		p.add(root+"/status", "must be active or inactive (withdrawn), not %q", c.Status)
	}
	return k, out
}
