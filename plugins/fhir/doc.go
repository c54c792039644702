// Package fhir connects socialrx to clinical systems that speak HL7 FHIR R4:
// it maps referrals, onward referrals, consents, plan goals, outcome
// measurements, directory services and coded events to FHIR resources and
// back, and implements [plugins.ClinicalSystem] over a FHIR R4 REST server.
//
// The mapping follows the HL7 Gravity SDOH Clinical Care workflow: a
// referral is a ServiceRequest plus a referral-management Task whose
// status the recipient moves (received, accepted, rejected, in-progress,
// on-hold, completed); the person is a Patient identified by NHS number
// (https://fhir.nhs.uk/Id/nhs-number); each consent is a Consent; an
// onward referral to a partner's service is another ServiceRequest and
// Task, with a Patient holding only the partner view; a plan goal is a
// Goal, an outcome measurement a QuestionnaireResponse, a directory
// service a HealthcareService; coded events for the GP record are a
// Procedure or an Observation with SNOMED CT codes. What FHIR has no
// element for travels in extensions under [Base]; each mapping's doc
// comment says what it carries and what it leaves out, and every resource
// the tests produce is checked against the official FHIR R4 JSON schema.
//
// The main flow:
//
//	c, err := fhir.New(fhir.Config{BaseURL: "https://gp.example.org/fhir/R4"})
//	ref, err := c.RecordEvent(ctx, plugins.CodedEvent{...}) // Procedure/123, once per key
//	person, err := c.LookupPerson(ctx, "9434765919")        // referral.Person JSON
//	batch, err := c.PullReferrals(ctx, cursor, 50)          // new referrals since cursor
//	ref, err = c.PushReferral(ctx, r)                       // one transaction
//	o, err := c.GetOnwardReferral(ctx, id)                  // the partner's Task status
//
// and, without a server:
//
//	res, err := fhir.ReferralToFHIR(r)  // Patient, ServiceRequest, Task, Consents
//	r2, err := fhir.ReferralFromFHIR(res)
//	goal, err := fhir.GoalToFHIR(p.ID, 0, p.Goals[0], "Patient/123")
//	ref, err = c.Upsert(ctx, goal, goal.Identifier[0]) // conditional update
//
// Errors are [socialrx.Error] values. A server's 400 or 422 is invalid
// (with a field per OperationOutcome issue), 404 and 410 not_found, 409
// and 412 conflict; 5xx, 401, 403, 408, 429, network errors, cancelled
// contexts and answers that cannot be read are unavailable; each message
// names the request and the status. Writes that may be retried are
// conditional (If-None-Exist, or an update by identifier), so a retry
// after an unavailable error never duplicates a record.
package fhir
