package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// Resource is a FHIR resource the adapter writes.
type Resource interface {
	// FHIRType returns the resource type, such as "Patient".
	FHIRType() string
}

// FHIRType implements [Resource].
func (*Patient) FHIRType() string { return "Patient" }

// FHIRType implements [Resource].
func (*ServiceRequest) FHIRType() string { return "ServiceRequest" }

// FHIRType implements [Resource].
func (*Task) FHIRType() string { return "Task" }

// FHIRType implements [Resource].
func (*Consent) FHIRType() string { return "Consent" }

// FHIRType implements [Resource].
func (*Procedure) FHIRType() string { return "Procedure" }

// FHIRType implements [Resource].
func (*Observation) FHIRType() string { return "Observation" }

// FHIRType implements [Resource].
func (*Bundle) FHIRType() string { return "Bundle" }

// FHIRType implements [Resource].
func (*Goal) FHIRType() string { return "Goal" }

// FHIRType implements [Resource].
func (*QuestionnaireResponse) FHIRType() string { return "QuestionnaireResponse" }

// FHIRType implements [Resource].
func (*HealthcareService) FHIRType() string { return "HealthcareService" }

// verhoeff tables for the SNOMED CT identifier check digit.
var (
	verhoeffD = [10][10]byte{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
	verhoeffP = [8][10]byte{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}
)

var sctidRE = regexp.MustCompile(`^[1-9][0-9]{5,17}$`)

// ValidSCTID reports whether s is a SNOMED CT identifier: 6 to 18 digits,
// no leading zero, the last a Verhoeff check digit.
func ValidSCTID(s string) bool {
	if !sctidRE.MatchString(s) {
		return false
	}
	c := byte(0)
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[i%8][s[len(s)-1-i]-'0']]
	}
	return c == 0
}

var nhsDigits = regexp.MustCompile(`^[0-9]{10}$`)

// checkNHSNumber refuses anything but ten digits with a valid check digit
// (spaces and hyphens too: the adapter takes stored, normalised numbers).
func checkNHSNumber(path, s string) []socialrx.FieldError {
	switch {
	case s == "":
		return []socialrx.FieldError{socialrx.Field(path, "required")}
	case !nhsDigits.MatchString(s):
		return []socialrx.FieldError{socialrx.Field(path, "must be exactly 10 digits")}
	}
	if _, err := referral.NormaliseNHSNumber(s); err != nil {
		return []socialrx.FieldError{socialrx.Field(path, "%s", ruleOf(err))}
	}
	return nil
}

// CheckCodedEvent checks a coded event before it is recorded: an
// idempotency key, a valid NHS number (ten digits, modulus 11), a SNOMED
// CT identifier with its check digit, a date and the referral it belongs
// to. Codes: invalid, naming every field at fault.
func CheckCodedEvent(e plugins.CodedEvent) error {
	var errs []socialrx.FieldError
	if e.IdempotencyKey == "" {
		errs = append(errs, socialrx.Field("/idempotency_key", "required"))
	}
	errs = append(errs, checkNHSNumber("/nhs_number", e.NHSNumber)...)
	switch {
	case e.SNOMED == "":
		errs = append(errs, socialrx.Field("/snomed", "required"))
	case !ValidSCTID(e.SNOMED):
		errs = append(errs, socialrx.Field("/snomed", "%q is not a SNOMED CT identifier (6 to 18 digits with a Verhoeff check digit)", e.SNOMED))
	}
	if e.Date.IsZero() {
		errs = append(errs, socialrx.Field("/date", "required"))
	}
	if e.ReferralID == "" {
		errs = append(errs, socialrx.Field("/referral_id", "required"))
	}
	return socialrx.Invalid(errs...)
}

// idempotencyValue is the identifier value for an idempotency key: the key
// itself when it is made of letters, digits and "-._:/" (which FHIR token
// search takes as they are), else "sha256:" and the key's SHA-256 in hex.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,128}$`)

// IdempotencyIdentifier returns the identifier, of system
// [SystemIdempotencyKey], that marks the record of a coded event so a
// retry with the same key finds it instead of recording it again.
func IdempotencyIdentifier(key string) Identifier {
	v := key
	if !plainKey.MatchString(key) {
		sum := sha256.Sum256([]byte(key))
		v = "sha256:" + hex.EncodeToString(sum[:])
	}
	return Identifier{System: SystemIdempotencyKey, Value: v}
}

// procedures are the concepts recorded as a Procedure; every other concept
// is recorded as an Observation (a situation or finding).
var procedures = map[string]bool{referral.SNOMEDReferred: true, SNOMEDPatientReferral: true}

// CodedEventToFHIR maps a coded event for the patient at patientRef to
// the resource a GP record files: a completed Procedure for "Referral to
// social prescribing service" (871731000000106) and other procedures, a
// final Observation for "Social prescribing declined" (871711000000103)
// and other situations. Either carries the idempotency identifier (see
// [IdempotencyIdentifier]), the SNOMED CT code and its term, the date, and
// is based on the referral's ServiceRequest by its socialrx identifier.
// Codes: invalid (see [CheckCodedEvent]).
func CodedEventToFHIR(e plugins.CodedEvent, patientRef string) (Resource, error) {
	if err := CheckCodedEvent(e); err != nil {
		return nil, err
	}
	ids := []Identifier{IdempotencyIdentifier(e.IdempotencyKey)}
	code := concept(SystemSNOMED, e.SNOMED, e.Display)
	subject := Reference{Reference: patientRef}
	basedOn := []Reference{{Type: "ServiceRequest", Identifier: &Identifier{System: SystemReferralID, Value: e.ReferralID}}}
	if procedures[e.SNOMED] {
		return &Procedure{ResourceType: "Procedure", Identifier: ids, BasedOn: basedOn, Status: "completed",
			Code: code, Subject: subject, PerformedDateTime: e.Date.String()}, nil
	}
	return &Observation{ResourceType: "Observation", Identifier: ids, BasedOn: basedOn, Status: "final",
		Code: code, Subject: subject, EffectiveDateTime: e.Date.String()}, nil
}
