// Package referral models referrals into a social prescribing service and
// onward from it: the person, who referred them and why, their consents,
// the referral's lifecycle, light-touch signposting with check-ins, and
// onward referrals to partner services with the closed loop of a
// FHIR/Gravity Task (requested, accepted or rejected, in progress, on hold,
// completed, failed, cancelled).
//
// The main flow:
//
//	r, err := referral.New(in, now)             // validates; status received
//	err = r.Accept(actor, now, "")              // link worker accepts
//	err = r.Start(actor, now)                   // first contact: active
//	o, err := referral.NewOnwardReferral(r, serviceID, partnerOrg, actor, now)
//	err = o.Transition(partner, referral.TaskAccepted, "", now)
//	err = r.Close(actor, referral.CloseGoalsMet, now, "")
//
// Each state change appends an [Event]. [ReferrerNotice] tells the referrer
// the outcome; [ClinicalEvents] lists the SNOMED CT codes a GP system must
// record; [PartnerViewOf] is all a partner organisation may see.
//
// The package is pure: no I/O, no clock reads (every call takes now), no
// global mutable state. Errors are [socialrx.Error] values with code
// invalid (naming every field and rule) or forbidden.
package referral
