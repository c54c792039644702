package fhir

import (
	"encoding/json"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/referral"
)

// bundleOf reads a Bundle's entries by resource type, decoding each
// resource with unmarshalResource. Codes: invalid.
func bundleOf(doc []byte) (map[string][]json.RawMessage, error) {
	var b Bundle
	if err := unmarshalResource(doc, "Bundle", &b); err != nil {
		return nil, err
	}
	out := map[string][]json.RawMessage{}
	for i, e := range b.Entry {
		if len(e.Resource) == 0 {
			continue
		}
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(e.Resource, &head); err != nil || head.ResourceType == "" {
			return nil, socialrx.Invalid(socialrx.Field(at("/Bundle/entry", i)+"/resource", "is not a FHIR resource"))
		}
		out[head.ResourceType] = append(out[head.ResourceType], e.Resource)
	}
	return out, nil
}

// one decodes the one resource of type typ in a bundle (or none, when
// optional).
func one(entries map[string][]json.RawMessage, typ string, v any, optional bool) (bool, error) {
	switch n := len(entries[typ]); {
	case n == 0 && optional:
		return false, nil
	case n != 1:
		return false, socialrx.Invalid(socialrx.Field("/Bundle/entry", "needs exactly one %s, has %d", typ, n))
	}
	return true, unmarshalResource(entries[typ][0], typ, v)
}

// DecodeReferralBundle reads a referral from a FHIR Bundle of any type
// (a transaction from [ReferralResources.Transaction], a collection, search
// results) holding one ServiceRequest, its Patient, at most one Task and
// its Consents; see [ReferralFromFHIR]. Codes: invalid.
func DecodeReferralBundle(doc []byte) (*referral.Referral, error) {
	entries, err := bundleOf(doc)
	if err != nil {
		return nil, err
	}
	res := &ReferralResources{ServiceRequest: new(ServiceRequest), Patient: new(Patient), Task: new(Task)}
	if _, err := one(entries, "ServiceRequest", res.ServiceRequest, false); err != nil {
		return nil, err
	}
	if _, err := one(entries, "Patient", res.Patient, false); err != nil {
		return nil, err
	}
	if ok, err := one(entries, "Task", res.Task, true); err != nil {
		return nil, err
	} else if !ok {
		res.Task = nil
	}
	for _, raw := range entries["Consent"] {
		c := new(Consent)
		if err := unmarshalResource(raw, "Consent", c); err != nil {
			return nil, err
		}
		res.Consents = append(res.Consents, c)
	}
	return ReferralFromFHIR(res)
}

// DecodeOnwardBundle reads an onward referral from a FHIR Bundle holding
// its ServiceRequest, Task and partner-view Patient; see [OnwardFromFHIR].
// Codes: invalid.
func DecodeOnwardBundle(doc []byte) (*referral.OnwardReferral, error) {
	entries, err := bundleOf(doc)
	if err != nil {
		return nil, err
	}
	res := &OnwardResources{ServiceRequest: new(ServiceRequest), Patient: new(Patient), Task: new(Task)}
	for _, x := range []struct {
		typ string
		v   any
	}{{"ServiceRequest", res.ServiceRequest}, {"Task", res.Task}, {"Patient", res.Patient}} {
		if _, err := one(entries, x.typ, x.v, false); err != nil {
			return nil, err
		}
	}
	return OnwardFromFHIR(res)
}

// DecodePatient reads a referred person from a FHIR Patient resource; see
// [PersonOf]. Codes: invalid.
func DecodePatient(doc []byte) (referral.Person, error) {
	var pt Patient
	if err := unmarshalResource(doc, "Patient", &pt); err != nil {
		return referral.Person{}, err
	}
	return PersonOf(&pt)
}

// DecodeGoal reads a plan goal from a FHIR Goal resource; see
// [GoalFromFHIR]. Codes: invalid.
func DecodeGoal(doc []byte) (planID string, index int, g plan.Goal, err error) {
	var fg Goal
	if err := unmarshalResource(doc, "Goal", &fg); err != nil {
		return "", 0, plan.Goal{}, err
	}
	return GoalFromFHIR(&fg)
}

// DecodeHealthcareService reads a directory service from a FHIR
// HealthcareService resource; see [ServiceFromFHIR]. Codes: invalid.
func DecodeHealthcareService(doc []byte) (directory.Service, error) {
	var h HealthcareService
	if err := unmarshalResource(doc, "HealthcareService", &h); err != nil {
		return directory.Service{}, err
	}
	return ServiceFromFHIR(&h)
}

// DecodeQuestionnaireResponse reads an outcome measurement from a FHIR
// QuestionnaireResponse and scores it with reg (nil means the default
// registry); see [MeasurementFromFHIR]. Codes: invalid.
func DecodeQuestionnaireResponse(doc []byte, reg *outcomes.Registry) (outcomes.Measurement, error) {
	var qr QuestionnaireResponse
	if err := unmarshalResource(doc, "QuestionnaireResponse", &qr); err != nil {
		return outcomes.Measurement{}, err
	}
	return MeasurementFromFHIR(&qr, reg)
}
