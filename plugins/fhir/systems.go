package fhir

// The identifier and code systems the mapping uses. National ones come
// from NHS England and HL7; the socialrx ones live under [Base] and name
// socialrx's own identifiers and code lists.
const (
	// SystemNHSNumber is the NHS number identifier system.
	SystemNHSNumber = "https://fhir.nhs.uk/Id/nhs-number"
	// SystemODS is the ODS organisation code system (GP practices, trusts).
	SystemODS = "https://fhir.nhs.uk/Id/ods-organization-code"
	// SystemSNOMED is SNOMED CT.
	SystemSNOMED = "http://snomed.info/sct"
	// SystemBCP47 is the language tag system.
	SystemBCP47 = "urn:ietf:bcp:47"
	// SystemLOINC is LOINC.
	SystemLOINC = "http://loinc.org"

	systemTaskCode = "http://hl7.org/fhir/CodeSystem/task-code"
	// systemSDOHCCTemporary holds the Gravity SDOH Clinical Care guide's
	// own codes, such as resulting-activity for a Task output.
	systemSDOHCCTemporary = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
	systemConsentScope    = "http://terminology.hl7.org/CodeSystem/consentscope"
	systemActCode         = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	systemRoleCode        = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
	extInterpreterNeeded  = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
	// extConsentTranscriber is the R4 core extension for whoever recorded a
	// consent in the system.
	extConsentTranscriber = "http://hl7.org/fhir/StructureDefinition/consent-Transcriber"
)

// Base is the URI under which socialrx names its identifier systems,
// code systems and extensions.
const Base = "https://github.com/socialrx/socialrx/fhir/"

// The socialrx identifier systems.
const (
	// SystemReferralID identifies a referral (its UUID) on its
	// ServiceRequest and Task.
	SystemReferralID = Base + "id/referral"
	// SystemOnwardReferralID identifies an onward referral on its
	// ServiceRequest, Task and partner-view Patient.
	SystemOnwardReferralID = Base + "id/onward-referral"
	// SystemConsentID identifies a consent as "<referral id>/<kind>".
	SystemConsentID = Base + "id/consent"
	// SystemPersonID identifies a referred person without an NHS number
	// by the referral's id.
	SystemPersonID = Base + "id/person"
	// SystemIdempotencyKey identifies a coded event by the idempotency key
	// it was recorded with, so a retry finds the first record.
	SystemIdempotencyKey = Base + "id/idempotency-key"
	// SystemUser identifies a socialrx user (a link worker, a partner's staff).
	SystemUser = Base + "id/user"
	// SystemOrganization identifies a partner organisation in the directory.
	SystemOrganization = Base + "id/organization"
	// SystemService identifies a service in the directory.
	SystemService = Base + "id/service"
	// SystemGoal identifies a plan goal as "<plan id>/<goal id>".
	SystemGoal = Base + "id/goal"
	// SystemMeasurement identifies an outcome measurement.
	SystemMeasurement = Base + "id/measurement"
)

// The socialrx code systems.
const (
	// CodeSystemNeed holds the need codes (socialrx.Need).
	CodeSystemNeed = Base + "CodeSystem/need"
	// CodeSystemReferralSource holds the kinds of referrer (referral.SourceKind).
	CodeSystemReferralSource = Base + "CodeSystem/referral-source"
	// CodeSystemReferralStatus holds the referral statuses (referral.Status),
	// carried as a Task's business status.
	CodeSystemReferralStatus = Base + "CodeSystem/referral-status"
	// CodeSystemReason holds the reasons for declining, pausing and
	// closing a referral and for rejecting an onward referral.
	CodeSystemReason = Base + "CodeSystem/reason"
	// CodeSystemConsentKind holds the four consents (referral.ConsentKind).
	CodeSystemConsentKind = Base + "CodeSystem/consent-kind"
)

// The socialrx extensions.
const (
	extEpisode            = Base + "StructureDefinition/episode"
	extContactMethod      = Base + "StructureDefinition/contact-method"
	extDoNotContact       = Base + "StructureDefinition/do-not-contact"
	extAccessibilityNeed  = Base + "StructureDefinition/accessibility-need"
	extAccessibilityNotes = Base + "StructureDefinition/accessibility-notes"
	extWantsEscort        = Base + "StructureDefinition/wants-escort"
	extShareScope         = Base + "StructureDefinition/share-scope"
	extWithdrawnBy        = Base + "StructureDefinition/withdrawn-by"
	extWithdrawalNote     = Base + "StructureDefinition/withdrawal-note"
	extActorRole          = Base + "StructureDefinition/actor-role"
	extActorOrganization  = Base + "StructureDefinition/actor-organization"
	extRecordedAt         = Base + "StructureDefinition/recorded-at"
)

// SNOMED CT concepts beyond the two of social prescribing (which are
// referral.SNOMEDReferred and referral.SNOMEDDeclined).
const (
	// SNOMEDPatientReferral is "Patient referral (procedure)", the code of
	// an onward referral to a community service.
	SNOMEDPatientReferral = "3457005"
)
