package fhir_test

import (
	"fmt"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/referral"
)

// A referral becomes a Patient, a ServiceRequest, a Gravity Task and a
// Consent per consent recorded; the resources map back to the referral.
func ExampleReferralToFHIR() {
	now := time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)
	r, err := referral.New(referral.Referral{
		ID:       "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11",
		Referrer: referral.Referrer{Kind: referral.SourceGP, Name: "Dr Asha Patel", OrganisationCode: "A81001"},
		Person:   referral.Person{GivenName: "Margaret", FamilyName: "O'Neill", NHSNumber: "9434765919"},
		Needs:    []socialrx.Need{socialrx.NeedLoneliness},
		Consents: referral.Consents{Referral: referral.Consent{Given: true, RecordedBy: "dr-patel", RecordedAt: now.Add(-time.Hour)}},
	}, referral.Actor{ID: "import", Role: referral.RoleSystem}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The social prescribing service owns the Task until a link worker does.
	res, err := fhir.ReferralToFHIR(r, fhir.ServiceOf("U12345", "Riverside PCN social prescribing"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Patient:", res.Patient.Identifier[0].System, res.Patient.Identifier[0].Value)
	fmt.Println("ServiceRequest:", res.ServiceRequest.Status, res.ServiceRequest.Code.Coding[0].Code)
	fmt.Println("Task:", res.Task.Status, "for", res.Task.BusinessStatus.Coding[0].Code, "requested by", res.Task.Requester.Reference,
		"owned by", res.Task.Owner.Type, res.Task.Owner.Identifier.Value)
	fmt.Println("Consents:", len(res.Consents), res.Consents[0].Status, res.Consents[0].Provision.Type)

	back, err := fhir.ReferralFromFHIR(res)
	fmt.Println("back:", back.ID, back.Status, back.Person.NHSNumber, err)
	// Output:
	// Patient: https://fhir.nhs.uk/Id/nhs-number 9434765919
	// ServiceRequest: active 871731000000106
	// Task: received for received requested by #referrer owned by Organization U12345
	// Consents: 1 active permit
	// back: 4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11 received 9434765919 <nil>
}

// A coded event for the GP record: a referral to social prescribing is a
// Procedure, with the idempotency key as its identifier.
func ExampleCodedEventToFHIR() {
	res, err := fhir.CodedEventToFHIR(plugins.CodedEvent{
		IdempotencyKey: "referral/4b7e1f4e/accepted", NHSNumber: "9434765919",
		SNOMED: referral.SNOMEDReferred, Display: "Referral to social prescribing service",
		Date: socialrx.MustParseDate("2025-03-10"), ReferralID: "4b7e1f4e-2f0e-4a55-9d7b-3f1b7a0d2c11",
	}, "Patient/123")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := res.(*fhir.Procedure)
	fmt.Println(res.FHIRType(), p.Status, p.Code.Coding[0].Code, p.PerformedDateTime, p.Identifier[0].Value)

	_, err = fhir.CodedEventToFHIR(plugins.CodedEvent{IdempotencyKey: "k", NHSNumber: "9434765910", SNOMED: "871731000000107",
		Date: socialrx.MustParseDate("2025-03-10"), ReferralID: "r"}, "Patient/123")
	fmt.Println(err)
	// Output:
	// Procedure completed 871731000000106 2025-03-10 referral/4b7e1f4e/accepted
	// invalid: /nhs_number: fails the modulus 11 check digit; /snomed: "871731000000107" is not a SNOMED CT identifier (6 to 18 digits with a Verhoeff check digit)
}

// The onward referral's Task status follows the closed loop, hyphenated.
func ExampleTaskStatusToFHIR() {
	for _, s := range []referral.TaskStatus{referral.TaskInProgress, referral.TaskEnteredInError} {
		fmt.Println(s, "->", fhir.TaskStatusToFHIR(s))
	}
	back, err := fhir.TaskStatusFromFHIR("on-hold")
	fmt.Println(back, err)
	// Output:
	// in_progress -> in-progress
	// entered_in_error -> entered-in-error
	// on_hold <nil>
}
