// Package referral models referrals into a social prescribing service and
// onward from it: the person, who referred them and why, their consents,
// the referral's lifecycle, light-touch signposting with check-ins, and
// onward referrals to partner services with the closed loop of a
// FHIR/Gravity Task (requested, accepted or rejected, in progress, on hold,
// completed, failed, cancelled).
//
// The main flow is the package's Example (example_test.go): [New]
// validates a referral (status received); the link worker accepts it
// ([Referral.Accept]) and makes first contact ([Referral.Apply] of a
// [Change] to active);
// [NewOnwardReferral] refers the person on to a partner's service, whose
// Task the partner moves ([OnwardReferral.Transition]); [Referral.Close]
// ends it with a reason.
//
// Each state change appends an [Event]. [ReferrerNotice] tells the referrer
// the outcome; [ClinicalEvents] lists the SNOMED CT codes a GP system must
// record; [PartnerViewOf] is all a partner organisation may see.
//
// The package is pure: no I/O, no clock reads (every call takes now), no
// global mutable state. Errors are [socialrx.Error] values with code
// invalid (naming every field and rule) or forbidden.
package referral
