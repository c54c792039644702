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
// the tests produce is checked against the official FHIR R4 JSON schema,
// against the R4 invariants the schema cannot express (ele-1, the resource
// types each reference may point at, and others) and, for what is sent,
// against Medplum's FHIR server.
//
// The main flow: [New] makes a [Client] of a FHIR server, which records
// coded events in the GP record ([Client.RecordEvent], once per key),
// looks people up ([Client.LookupPerson]), pulls new referrals
// ([Client.PullReferrals]), pushes a referral in one transaction
// ([Client.PushReferral]) and reads a partner's Task
// ([Client.GetOnwardReferral]). Without a server, the mappings convert
// each way: [ReferralToFHIR] and [ReferralFromFHIR] (as
// ExampleReferralToFHIR in example_test.go shows), [GoalToFHIR],
// [CodedEventToFHIR] (ExampleCodedEventToFHIR) and [TaskStatusToFHIR]
// (ExampleTaskStatusToFHIR).
//
// Errors are [socialrx.Error] values. A server's 400 or 422 is invalid
// (with a field per OperationOutcome issue), 404 and 410 not_found, 409
// and 412 conflict; 5xx, 401, 403, 408, 429, network errors, cancelled
// contexts and answers that cannot be read are unavailable; each message
// names the request and the status. Writes that may be retried are
// conditional (If-None-Exist, or an update by identifier), so a retry
// after an unavailable error never duplicates a record.
//
// # Gravity SDOH Clinical Care profiles
//
// The resources follow the profiles of the HL7 SDOH Clinical Care guide
// (http://hl7.org/fhir/us/sdoh-clinicalcare, STU 2) where its pattern
// fits a UK service. They claim no profile in meta.profile: the profiles
// derive from US Core (US Core Patient, Organization, procedure codes),
// which UK systems do not use.
//
//   - Referral and onward referral ServiceRequest: SDOHCC ServiceRequest.
//     The onward one is basedOn the referral's (the profile's
//     SupportedBasedOn) and its performer is the partner's
//     HealthcareService; the Consents are supportingInfo.
//   - Their Tasks: SDOHCC Task For Referral Management. Intent order, code
//     fulfill, focus the ServiceRequest, for the Patient, authoredOn,
//     requester, owner, priority, the referral-task statuses, statusReason
//     with text; the sessions a partner reports are outputs of type
//     resulting-activity pointing at (contained) Procedures.
//   - Consent: SDOHCC Consent for status, scope, patient, dateTime and
//     performer (the person agreeing).
//   - Goal: SDOHCC Goal for lifecycleStatus, achievementStatus, category,
//     description, subject, startDate, statusDate and notes.
//   - HealthcareService: SDOHCC Healthcare Service for name,
//     communication, appointmentRequired and availableTime.
//   - Procedure (a referral filed in the GP record, a session attended):
//     SDOHCC Procedure for status, code, subject, performed and basedOn.
//   - Patient, Observation (social prescribing declined) and
//     QuestionnaireResponse (an outcome measurement) follow no Gravity
//     profile: Gravity leaves the Patient to US Core, has no profile for a
//     declined referral, and uses QuestionnaireResponse for screening, not
//     for the UK's outcome instruments (UCLA-3, MYCaW).
//
// Where UK practice differs, the mapping follows the UK:
//
//   - Codes are SNOMED CT UK edition concepts, not US Core procedure
//     codes: 871731000000106 Referral to social prescribing service (the
//     referral ServiceRequest, its Procedure), 871711000000103 Social
//     prescribing declined (an Observation), 3457005 Patient referral (an
//     onward referral).
//   - The Gravity SDOH category value set (food-insecurity,
//     social-connection, …) is a US one. The needs a person is referred
//     for are socialrx need codes ([CodeSystemNeed]) and, where socialrx
//     maps a need to SNOMED CT (socialrx.LookupNeed), that concept too; a
//     referral carries them as reasonCode rather than category, a Goal and
//     a HealthcareService as category.
//   - People and organisations are known by NHS number
//     (https://fhir.nhs.uk/Id/nhs-number) and ODS code
//     (https://fhir.nhs.uk/Id/ods-organization-code), as UK Core does.
//   - A Consent records a choice made under UK GDPR and the common law
//     duty of confidentiality, told to the referrer or the link worker, not
//     a HIPAA authorization: its category is LOINC 59284-0 Patient Consent
//     and the socialrx consent kind rather than ActCode IDSCL, and it has
//     no organization (custodian) or source document, which SDOHCC Consent
//     requires. The user who recorded it is the core extension
//     consent-Transcriber.
//   - Gravity limits a Task's requester to a PractitionerRole or an
//     Organization; a self-referral or a carer's is requested by a
//     RelatedPerson (which FHIR R4 allows). socialrx users (link workers,
//     partners' staff) are Practitioners known by identifier
//     ([SystemUser]), with no PractitionerRole resources.
//   - A HealthcareService of an inactive directory service has active
//     false (SDOHCC Healthcare Service fixes it to true), and carries no
//     appointment-contact telecom extension or locations: the directory,
//     in Open Referral UK, is the place for them.
package fhir
