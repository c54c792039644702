package plan

import (
	"slices"

	"github.com/socialrx/socialrx"
)

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

var severities = []Severity{SeverityLow, SeverityModerate, SeverityHigh}

// EnumValues lists the severities, for JSON Schema reflection.
func (Severity) EnumValues() []string { return socialrx.EnumStrings(severities) }

// Valid reports whether v is one of the severities.
func (v Severity) Valid() bool { return slices.Contains(severities, v) }

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

var crisisKinds = []CrisisKind{CrisisHousing, CrisisDebt, CrisisBenefitsDeadline, CrisisFood}

// EnumValues lists the crisis kinds, for JSON Schema reflection.
func (CrisisKind) EnumValues() []string { return socialrx.EnumStrings(crisisKinds) }

// Valid reports whether v is one of the crisis kinds.
func (v CrisisKind) Valid() bool { return slices.Contains(crisisKinds, v) }

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

var riskFlags = []RiskFlag{RiskSuicidalThoughts, RiskSelfHarm, RiskSafeguarding, RiskAlcoholMisuse, RiskSubstanceMisuse, RiskSeriousMentalIllness}

// EnumValues lists the risk flags, for JSON Schema reflection.
func (RiskFlag) EnumValues() []string { return socialrx.EnumStrings(riskFlags) }

// Valid reports whether v is one of the risk flags.
func (v RiskFlag) Valid() bool { return slices.Contains(riskFlags, v) }

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

var circumstances = []Circumstance{CircumstanceLivesAlone, CircumstanceCaringDuties, CircumstanceFrailtyOrMobility, CircumstanceDigitalExclusion, CircumstanceLanguageNeeds}

// EnumValues lists the circumstances, for JSON Schema reflection.
func (Circumstance) EnumValues() []string { return socialrx.EnumStrings(circumstances) }

// Valid reports whether v is one of the circumstances.
func (v Circumstance) Valid() bool { return slices.Contains(circumstances, v) }

// Readiness is how ready the person is to make a change, in plain words.
type Readiness string

// The stages of readiness.
const (
	ReadinessNotReady     Readiness = "not_ready"
	ReadinessConsidering  Readiness = "considering"
	ReadinessReady        Readiness = "ready"
	ReadinessTakingAction Readiness = "taking_action"
)

var readinessStages = []Readiness{ReadinessNotReady, ReadinessConsidering, ReadinessReady, ReadinessTakingAction}

// EnumValues lists the stages of readiness, for JSON Schema reflection.
func (Readiness) EnumValues() []string { return socialrx.EnumStrings(readinessStages) }

// Valid reports whether v is one of the stages of readiness.
func (v Readiness) Valid() bool { return slices.Contains(readinessStages, v) }

// SupportNetwork is how much help the person has from family, friends and neighbours.
type SupportNetwork string

// The support networks.
const (
	NetworkNone    SupportNetwork = "none"
	NetworkLimited SupportNetwork = "limited"
	NetworkGood    SupportNetwork = "good"
)

var supportNetworks = []SupportNetwork{NetworkNone, NetworkLimited, NetworkGood}

// EnumValues lists the support networks, for JSON Schema reflection.
func (SupportNetwork) EnumValues() []string { return socialrx.EnumStrings(supportNetworks) }

// Valid reports whether v is one of the support networks.
func (v SupportNetwork) Valid() bool { return slices.Contains(supportNetworks, v) }

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

var pathways = []Pathway{PathwaySignpost, PathwayShortTerm, PathwayLongTerm}

// EnumValues lists the pathways, for JSON Schema reflection.
func (Pathway) EnumValues() []string { return socialrx.EnumStrings(pathways) }

// Valid reports whether v is one of the pathways.
func (v Pathway) Valid() bool { return slices.Contains(pathways, v) }

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

var escalations = []Escalation{EscalateMentalHealth, EscalateSubstanceMisuse, EscalateSafeguarding}

// EnumValues lists the escalations, for JSON Schema reflection.
func (Escalation) EnumValues() []string { return socialrx.EnumStrings(escalations) }

// Valid reports whether v is one of the escalations.
func (v Escalation) Valid() bool { return slices.Contains(escalations, v) }

// Status is where a plan is in its life: active, paused or closed.
type Status string

// The plan statuses. See [CanTransition] for the moves between them.
const (
	StatusActive Status = "active"
	StatusPaused Status = "paused"
	StatusClosed Status = "closed"
)

var statuses = []Status{StatusActive, StatusPaused, StatusClosed}

// EnumValues lists the plan statuses, for JSON Schema reflection.
func (Status) EnumValues() []string { return socialrx.EnumStrings(statuses) }

// Valid reports whether v is one of the plan statuses.
func (v Status) Valid() bool { return slices.Contains(statuses, v) }

// PauseReason says why a plan is paused.
type PauseReason string

// The pause reasons.
const (
	PauseHospitalStay  PauseReason = "hospital_stay"
	PauseCaring        PauseReason = "caring"
	PausePersonsChoice PauseReason = "persons_choice"
	PauseOther         PauseReason = "other"
)

var pauseReasons = []PauseReason{PauseHospitalStay, PauseCaring, PausePersonsChoice, PauseOther}

// EnumValues lists the pause reasons, for JSON Schema reflection.
func (PauseReason) EnumValues() []string { return socialrx.EnumStrings(pauseReasons) }

// Valid reports whether v is one of the pause reasons.
func (v PauseReason) Valid() bool { return slices.Contains(pauseReasons, v) }

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

var closeReasons = []CloseReason{CloseCompleted, CloseDisengaged, CloseDeclined, CloseMovedAway, CloseTransferred, CloseDied, CloseOther}

// EnumValues lists the close reasons, for JSON Schema reflection.
func (CloseReason) EnumValues() []string { return socialrx.EnumStrings(closeReasons) }

// Valid reports whether v is one of the close reasons.
func (v CloseReason) Valid() bool { return slices.Contains(closeReasons, v) }

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

var goalStatuses = []GoalStatus{GoalNotStarted, GoalInProgress, GoalAchieved, GoalChanged, GoalDropped}

// EnumValues lists the goal statuses, for JSON Schema reflection.
func (GoalStatus) EnumValues() []string { return socialrx.EnumStrings(goalStatuses) }

// Valid reports whether v is one of the goal statuses.
func (v GoalStatus) Valid() bool { return slices.Contains(goalStatuses, v) }

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

var barrierKinds = []BarrierKind{BarrierCost, BarrierTransport, BarrierConfidence, BarrierAnxietyNewPlaces, BarrierMobility, BarrierDigital, BarrierLanguage, BarrierCaring, BarrierReadiness, BarrierOther}

// EnumValues lists the barriers, for JSON Schema reflection.
func (BarrierKind) EnumValues() []string { return socialrx.EnumStrings(barrierKinds) }

// Valid reports whether v is one of the barriers.
func (v BarrierKind) Valid() bool { return slices.Contains(barrierKinds, v) }

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

var supportKinds = []SupportKind{SupportBuddyEscort, SupportFriendlyFace, SupportTravelDirections, SupportInterpreter, SupportFundedPlace, SupportTransport, SupportDigitalHelp, SupportLargePrint, SupportReplacementCare, SupportOther}

// EnumValues lists the kinds of support, for JSON Schema reflection.
func (SupportKind) EnumValues() []string { return socialrx.EnumStrings(supportKinds) }

// Valid reports whether v is one of the kinds of support.
func (v SupportKind) Valid() bool { return slices.Contains(supportKinds, v) }

// ActivityKind says how an agreed activity is linked: a signpost (the
// person goes on their own) or an onward referral (the partner receives it).
type ActivityKind string

// The activity kinds.
const (
	ActivitySignpost       ActivityKind = "signpost"
	ActivityOnwardReferral ActivityKind = "onward_referral"
)

var activityKinds = []ActivityKind{ActivitySignpost, ActivityOnwardReferral}

// EnumValues lists the activity kinds, for JSON Schema reflection.
func (ActivityKind) EnumValues() []string { return socialrx.EnumStrings(activityKinds) }

// Valid reports whether v is one of the activity kinds.
func (v ActivityKind) Valid() bool { return slices.Contains(activityKinds, v) }

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

var contactKinds = []ContactKind{ContactHomeVisit, ContactFaceToFace, ContactPhone, ContactVideo, ContactMessage}

// EnumValues lists the contact kinds, for JSON Schema reflection.
func (ContactKind) EnumValues() []string { return socialrx.EnumStrings(contactKinds) }

// Valid reports whether v is one of the contact kinds.
func (v ContactKind) Valid() bool { return slices.Contains(contactKinds, v) }

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
