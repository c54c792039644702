package plan

import "slices"

// enum is a string code type with a fixed set of values.
type enum interface {
	~string
	Valid() bool
	EnumValues() []string
}

// oneOf reports whether v is one of the values its type enumerates.
func oneOf[T enum](v T) bool { return v.Valid() }

// Severity says how much a need weighs on the person, as the link worker judges it.
type Severity string

// The severities, lowest first.
const (
	SeverityLow      Severity = "low"
	SeverityModerate Severity = "moderate"
	SeverityHigh     Severity = "high"
)

var severityValues = []string{"low", "moderate", "high"}

// EnumValues lists the severities, for JSON Schema reflection.
func (Severity) EnumValues() []string { return slices.Clone(severityValues) }

// Valid reports whether v is one of the severities.
func (v Severity) Valid() bool { return slices.Contains(severityValues, string(v)) }

// rank orders severities: low 1, moderate 2, high 3, anything else 0.
func (s Severity) rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityModerate:
		return 2
	case SeverityHigh:
		return 3
	}
	return 0
}

// CrisisKind is a practical crisis that needs hands-on help now.
type CrisisKind string

// The practical crises.
const (
	CrisisHousing          CrisisKind = "housing"
	CrisisDebt             CrisisKind = "debt"
	CrisisBenefitsDeadline CrisisKind = "benefits_deadline"
	CrisisFood             CrisisKind = "food"
)

var crisisKindValues = []string{"housing", "debt", "benefits_deadline", "food"}

// EnumValues lists the crisis kinds, for JSON Schema reflection.
func (CrisisKind) EnumValues() []string { return slices.Clone(crisisKindValues) }

// Valid reports whether v is one of the crisis kinds.
func (v CrisisKind) Valid() bool { return slices.Contains(crisisKindValues, string(v)) }

// RiskFlag is a risk that needs help beyond the link worker.
type RiskFlag string

// The risk flags.
const (
	RiskSuicidalThoughts     RiskFlag = "suicidal_thoughts"
	RiskSelfHarm             RiskFlag = "self_harm"
	RiskSafeguarding         RiskFlag = "safeguarding_concern"
	RiskAlcoholMisuse        RiskFlag = "alcohol_misuse"
	RiskSubstanceMisuse      RiskFlag = "substance_misuse"
	RiskSeriousMentalIllness RiskFlag = "serious_mental_illness"
)

var riskFlagValues = []string{"suicidal_thoughts", "self_harm", "safeguarding_concern", "alcohol_misuse", "substance_misuse", "serious_mental_illness"}

// EnumValues lists the risk flags, for JSON Schema reflection.
func (RiskFlag) EnumValues() []string { return slices.Clone(riskFlagValues) }

// Valid reports whether v is one of the risk flags.
func (v RiskFlag) Valid() bool { return slices.Contains(riskFlagValues, string(v)) }

// Circumstance is something about the person's life that makes support harder to reach.
type Circumstance string

// The circumstances.
const (
	CircumstanceLivesAlone        Circumstance = "lives_alone"
	CircumstanceCaringDuties      Circumstance = "caring_duties"
	CircumstanceFrailtyOrMobility Circumstance = "frailty_or_mobility"
	CircumstanceDigitalExclusion  Circumstance = "digital_exclusion"
	CircumstanceLanguageNeeds     Circumstance = "language_needs"
)

var circumstanceValues = []string{"lives_alone", "caring_duties", "frailty_or_mobility", "digital_exclusion", "language_needs"}

// EnumValues lists the circumstances, for JSON Schema reflection.
func (Circumstance) EnumValues() []string { return slices.Clone(circumstanceValues) }

// Valid reports whether v is one of the circumstances.
func (v Circumstance) Valid() bool { return slices.Contains(circumstanceValues, string(v)) }

// Readiness is how ready the person is to make a change, in plain words.
type Readiness string

// The stages of readiness.
const (
	ReadinessNotReady     Readiness = "not_ready"
	ReadinessConsidering  Readiness = "considering"
	ReadinessReady        Readiness = "ready"
	ReadinessTakingAction Readiness = "taking_action"
)

var readinessValues = []string{"not_ready", "considering", "ready", "taking_action"}

// EnumValues lists the stages of readiness, for JSON Schema reflection.
func (Readiness) EnumValues() []string { return slices.Clone(readinessValues) }

// Valid reports whether v is one of the stages of readiness.
func (v Readiness) Valid() bool { return slices.Contains(readinessValues, string(v)) }

// SupportNetwork is how much help the person has from family, friends and neighbours.
type SupportNetwork string

// The support networks.
const (
	NetworkNone    SupportNetwork = "none"
	NetworkLimited SupportNetwork = "limited"
	NetworkGood    SupportNetwork = "good"
)

var supportNetworkValues = []string{"none", "limited", "good"}

// EnumValues lists the support networks, for JSON Schema reflection.
func (SupportNetwork) EnumValues() []string { return slices.Clone(supportNetworkValues) }

// Valid reports whether v is one of the support networks.
func (v SupportNetwork) Valid() bool { return slices.Contains(supportNetworkValues, string(v)) }

// Level is the level of support from triage: 1 (least) to 3 (most).
type Level int

// The levels of support.
const (
	Level1 Level = 1
	Level2 Level = 2
	Level3 Level = 3
)

// Valid reports whether l is 1, 2 or 3.
func (l Level) Valid() bool { return l >= Level1 && l <= Level3 }

// Pathway is the kind of support a level gives.
type Pathway string

// The pathways.
const (
	// PathwaySignpost: the person chooses for themselves; give information, check in later.
	PathwaySignpost Pathway = "signpost"
	// PathwayShortTerm: a navigator solves a specific, often practical problem over 6 to 8 weeks.
	PathwayShortTerm Pathway = "short_term_navigator"
	// PathwayLongTerm: a connector builds confidence and habits over three months or more.
	PathwayLongTerm Pathway = "long_term_connector"
)

var pathwayValues = []string{"signpost", "short_term_navigator", "long_term_connector"}

// EnumValues lists the pathways, for JSON Schema reflection.
func (Pathway) EnumValues() []string { return slices.Clone(pathwayValues) }

// Valid reports whether v is one of the pathways.
func (v Pathway) Valid() bool { return slices.Contains(pathwayValues, string(v)) }

// Label returns the pathway in plain words.
func (p Pathway) Label() string {
	switch p {
	case PathwaySignpost:
		return "light signposting"
	case PathwayShortTerm:
		return "short-term navigator"
	case PathwayLongTerm:
		return "long-term connector"
	}
	return string(p)
}

// Escalation is a specialist service the link worker must bring in; the
// person may carry on with the link worker in parallel.
type Escalation string

// The escalations.
const (
	EscalateMentalHealth    Escalation = "specialist_mental_health"
	EscalateSubstanceMisuse Escalation = "substance_misuse_service"
	EscalateSafeguarding    Escalation = "safeguarding"
)

var escalationValues = []string{"specialist_mental_health", "substance_misuse_service", "safeguarding"}

// EnumValues lists the escalations, for JSON Schema reflection.
func (Escalation) EnumValues() []string { return slices.Clone(escalationValues) }

// Valid reports whether v is one of the escalations.
func (v Escalation) Valid() bool { return slices.Contains(escalationValues, string(v)) }

// Status is where a plan is in its life: active, paused or closed.
type Status string

// The plan statuses. See [CanTransition] for the moves between them.
const (
	StatusActive Status = "active"
	StatusPaused Status = "paused"
	StatusClosed Status = "closed"
)

var statusValues = []string{"active", "paused", "closed"}

// EnumValues lists the plan statuses, for JSON Schema reflection.
func (Status) EnumValues() []string { return slices.Clone(statusValues) }

// Valid reports whether v is one of the plan statuses.
func (v Status) Valid() bool { return slices.Contains(statusValues, string(v)) }

// PauseReason says why a plan is paused.
type PauseReason string

// The pause reasons.
const (
	PauseHospitalStay  PauseReason = "hospital_stay"
	PauseCaring        PauseReason = "caring"
	PausePersonsChoice PauseReason = "persons_choice"
	PauseOther         PauseReason = "other"
)

var pauseReasonValues = []string{"hospital_stay", "caring", "persons_choice", "other"}

// EnumValues lists the pause reasons, for JSON Schema reflection.
func (PauseReason) EnumValues() []string { return slices.Clone(pauseReasonValues) }

// Valid reports whether v is one of the pause reasons.
func (v PauseReason) Valid() bool { return slices.Contains(pauseReasonValues, string(v)) }

// CloseReason says why a plan was closed.
type CloseReason string

// The close reasons.
const (
	CloseCompleted   CloseReason = "completed"
	CloseDisengaged  CloseReason = "disengaged"
	CloseDeclined    CloseReason = "declined"
	CloseMovedAway   CloseReason = "moved_away"
	CloseTransferred CloseReason = "transferred"
	CloseDied        CloseReason = "died"
	CloseOther       CloseReason = "other"
)

var closeReasonValues = []string{"completed", "disengaged", "declined", "moved_away", "transferred", "died", "other"}

// EnumValues lists the close reasons, for JSON Schema reflection.
func (CloseReason) EnumValues() []string { return slices.Clone(closeReasonValues) }

// Valid reports whether v is one of the close reasons.
func (v CloseReason) Valid() bool { return slices.Contains(closeReasonValues, string(v)) }

// GoalStatus is where a goal stands. See [CanMoveGoal] for the moves.
type GoalStatus string

// The goal statuses.
const (
	GoalNotStarted GoalStatus = "not_started"
	GoalInProgress GoalStatus = "in_progress"
	GoalAchieved   GoalStatus = "achieved"
	GoalChanged    GoalStatus = "changed"
	GoalDropped    GoalStatus = "dropped"
)

var goalStatusValues = []string{"not_started", "in_progress", "achieved", "changed", "dropped"}

// EnumValues lists the goal statuses, for JSON Schema reflection.
func (GoalStatus) EnumValues() []string { return slices.Clone(goalStatusValues) }

// Valid reports whether v is one of the goal statuses.
func (v GoalStatus) Valid() bool { return slices.Contains(goalStatusValues, string(v)) }

// BarrierKind is something that stands between the person and a goal.
type BarrierKind string

// The barriers.
const (
	BarrierCost             BarrierKind = "cost"
	BarrierTransport        BarrierKind = "transport"
	BarrierConfidence       BarrierKind = "confidence"
	BarrierAnxietyNewPlaces BarrierKind = "anxiety_new_places"
	BarrierMobility         BarrierKind = "mobility"
	BarrierDigital          BarrierKind = "digital"
	BarrierLanguage         BarrierKind = "language"
	BarrierCaring           BarrierKind = "caring"
	BarrierReadiness        BarrierKind = "readiness"
	BarrierOther            BarrierKind = "other"
)

var barrierKindValues = []string{"cost", "transport", "confidence", "anxiety_new_places", "mobility", "digital", "language", "caring", "readiness", "other"}

// EnumValues lists the barriers, for JSON Schema reflection.
func (BarrierKind) EnumValues() []string { return slices.Clone(barrierKindValues) }

// Valid reports whether v is one of the barriers.
func (v BarrierKind) Valid() bool { return slices.Contains(barrierKindValues, string(v)) }

// SupportKind is help that removes a barrier.
type SupportKind string

// The kinds of support.
const (
	SupportBuddyEscort      SupportKind = "buddy_escort"
	SupportFriendlyFace     SupportKind = "volunteer_friendly_face"
	SupportTravelDirections SupportKind = "travel_directions"
	SupportInterpreter      SupportKind = "interpreter"
	SupportFundedPlace      SupportKind = "funded_place"
	SupportTransport        SupportKind = "community_transport"
	SupportDigitalHelp      SupportKind = "digital_help"
	SupportLargePrint       SupportKind = "large_print"
	SupportReplacementCare  SupportKind = "replacement_care"
	SupportOther            SupportKind = "other"
)

var supportKindValues = []string{"buddy_escort", "volunteer_friendly_face", "travel_directions", "interpreter", "funded_place", "community_transport", "digital_help", "large_print", "replacement_care", "other"}

// EnumValues lists the kinds of support, for JSON Schema reflection.
func (SupportKind) EnumValues() []string { return slices.Clone(supportKindValues) }

// Valid reports whether v is one of the kinds of support.
func (v SupportKind) Valid() bool { return slices.Contains(supportKindValues, string(v)) }

// ActivityKind says how an agreed activity is linked: a signpost (the
// person goes on their own) or an onward referral (the partner receives it).
type ActivityKind string

// The activity kinds.
const (
	ActivitySignpost       ActivityKind = "signpost"
	ActivityOnwardReferral ActivityKind = "onward_referral"
)

var activityKindValues = []string{"signpost", "onward_referral"}

// EnumValues lists the activity kinds, for JSON Schema reflection.
func (ActivityKind) EnumValues() []string { return slices.Clone(activityKindValues) }

// Valid reports whether v is one of the activity kinds.
func (v ActivityKind) Valid() bool { return slices.Contains(activityKindValues, string(v)) }

// ContactKind is how the link worker and the person were in touch.
type ContactKind string

// The contact kinds.
const (
	ContactHomeVisit  ContactKind = "home_visit"
	ContactFaceToFace ContactKind = "face_to_face"
	ContactPhone      ContactKind = "phone"
	ContactVideo      ContactKind = "video"
	ContactMessage    ContactKind = "message"
)

var contactKindValues = []string{"home_visit", "face_to_face", "phone", "video", "message"}

// EnumValues lists the contact kinds, for JSON Schema reflection.
func (ContactKind) EnumValues() []string { return slices.Clone(contactKindValues) }

// Valid reports whether v is one of the contact kinds.
func (v ContactKind) Valid() bool { return slices.Contains(contactKindValues, string(v)) }

// Label returns the contact kind in plain words.
func (k ContactKind) Label() string {
	switch k {
	case ContactHomeVisit:
		return "a home visit"
	case ContactFaceToFace:
		return "a face-to-face meeting"
	case ContactPhone:
		return "a phone call"
	case ContactVideo:
		return "a video call"
	case ContactMessage:
		return "a message"
	}
	return string(k)
}
