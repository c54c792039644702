package directory

import (
	"time"

	"github.com/socialrx/socialrx"
)

// Extensions holds what link workers know and ORUK 3.0 has no field for.
// It travels as the "socialrx" member of a service; ORUK consumers, whose
// schemas allow extra members, ignore it.
type Extensions struct {
	// Welcome says whether anyone may come or only people invited.
	Welcome Welcome `json:"welcome,omitempty"`
	// ComplexNeeds says whether, and how many at once, the service can welcome people with complex needs.
	ComplexNeeds *ComplexNeeds `json:"complex_needs,omitempty"`
	// Capacity is the number of places available, as HSDS 3.1's service_capacity.
	Capacity *Capacity `json:"capacity,omitempty"`
	// LastVerified says when the entry was last checked with the service, and by whom.
	LastVerified *Verification `json:"last_verified,omitempty"`
	// NextSteps are services to progress to after this one, such as the next level of a course.
	NextSteps []NextStep `json:"next_steps,omitempty"`
	// Needs are the need codes the service meets, beyond those its name and taxonomy terms show.
	Needs []socialrx.Need `json:"needs,omitempty"`
	// WaysToWellbeing are the five ways to wellbeing the service supports.
	WaysToWellbeing []Way `json:"ways_to_wellbeing,omitempty"`
	// Notes are link workers' own notes on the service (word of mouth).
	Notes []Note `json:"notes,omitempty" jsonschema:"maxItems=500"`
	// Ratings are link workers' ratings of the service.
	Ratings []Rating `json:"ratings,omitempty" jsonschema:"maxItems=500"`
}

// Welcome says who may join a service.
type Welcome string

// The welcome values.
const (
	// WelcomeOpen: anyone may come along; newcomers are welcome.
	WelcomeOpen Welcome = "open"
	// WelcomeInvitationOnly: people join only when invited or referred in.
	WelcomeInvitationOnly Welcome = "invitation_only"
)

var welcomes = []Welcome{WelcomeOpen, WelcomeInvitationOnly}

// EnumValues lists the welcome values, for JSON Schema reflection.
func (Welcome) EnumValues() []string { return socialrx.EnumStrings(welcomes) }

// ComplexNeeds says whether a service can welcome people with complex needs.
type ComplexNeeds struct {
	// Welcomed is true when the service can support people with complex needs.
	Welcomed bool `json:"welcomed"`
	// AtOnce is how many people with complex needs it can support at the same time.
	AtOnce int `json:"at_once,omitempty" jsonschema:"minimum=1,maximum=10000"`
	// Notes says what support there is, or why not.
	Notes string `json:"notes,omitempty"`
}

// Capacity is the number of places a service has, after HSDS 3.1's
// service_capacity (whose unit is an object; here it is its name).
type Capacity struct {
	// Available is the number of places free now; 0 means full.
	Available int `json:"available" jsonschema:"minimum=0,maximum=100000"`
	// Maximum is the number of places in all.
	Maximum int `json:"maximum,omitempty" jsonschema:"minimum=1,maximum=100000"`
	// Unit names what is counted, such as "places" or "allotment plots".
	Unit string `json:"unit,omitempty" jsonschema:"maxLength=200"`
	// Description adds details, such as a waiting list.
	Description string `json:"description,omitempty"`
	// Updated is when the numbers were last updated.
	Updated time.Time `json:"updated"`
}

// Verification records a check of an entry with the service.
type Verification struct {
	// Date is the day the entry was checked.
	Date socialrx.Date `json:"date"`
	// By names who checked it.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// Note says how, such as "phoned the organiser".
	Note string `json:"note,omitempty"`
}

// NextStep names a service to progress to after this one.
type NextStep struct {
	// ServiceID is the UUID of the next service.
	ServiceID string `json:"service_id" jsonschema:"format=uuid"`
	// Note says when or why to move on.
	Note string `json:"note,omitempty"`
}

// Way is one of the five ways to wellbeing.
type Way string

// The five ways to wellbeing.
const (
	WayConnect      Way = "connect"
	WayBeActive     Way = "be_active"
	WayTakeNotice   Way = "take_notice"
	WayKeepLearning Way = "keep_learning"
	WayGive         Way = "give"
)

var waysToWellbeing = []Way{WayConnect, WayBeActive, WayTakeNotice, WayKeepLearning, WayGive}

// EnumValues lists the five ways to wellbeing, for JSON Schema reflection.
func (Way) EnumValues() []string { return socialrx.EnumStrings(waysToWellbeing) }

// Note is a link worker's note on a service.
type Note struct {
	// By names the link worker.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// At is when the note was written.
	At time.Time `json:"at"`
	// Text is the note.
	Text string `json:"text" jsonschema:"minLength=1,maxLength=4000"`
}

// Rating is a link worker's rating of a service, from 1 to 5 stars.
type Rating struct {
	// By names the link worker.
	By string `json:"by" jsonschema:"minLength=1,maxLength=128"`
	// At is when the rating was given.
	At time.Time `json:"at"`
	// Stars is the rating, 1 (poor) to 5 (excellent).
	Stars int `json:"stars" jsonschema:"minimum=1,maximum=5"`
	// Comment says why.
	Comment string `json:"comment,omitempty" jsonschema:"maxLength=4000"`
}
