package host

import (
	"embed"
	"strings"
	"sync"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/referral"
)

//go:embed schemas/*.schema.json
var requestSchemas embed.FS

// RequestTypes returns the request bodies the service defines, by the name
// of their published schema.
func RequestTypes() map[string]any {
	return map[string]any{
		"status_change":       StatusChange{},
		"consent_change":      ConsentChange{},
		"signpost_request":    SignpostRequest{},
		"check_in_request":    CheckInRequest{},
		"onward_request":      OnwardRequest{},
		"task_change":         TaskChange{},
		"attendance_request":  AttendanceRequest{},
		"feedback_request":    FeedbackRequest{},
		"goal_request":        GoalRequest{},
		"plan_status_change":  PlanStatusChange{},
		"extension_request":   ExtensionRequest{},
		"directory_query":     directory.Query{},
		"match_request":       MatchRequest{},
		"measurement_request": MeasurementRequest{},
	}
}

// requests are the published schemas of the request bodies.
var requests = func() schema.Set {
	set := schema.Set{}
	for name := range RequestTypes() {
		b, err := requestSchemas.ReadFile("schemas/" + name + ".schema.json")
		if err != nil {
			panic("host: missing committed schema " + name)
		}
		set[name] = schema.Published{JSON: b, Validate: schema.MustCompile(name+".schema.json", b).Validate}
	}
	return set
}()

// registry is every published schema: the domain packages' and the
// request bodies', each from the package that owns it.
var registry = []struct {
	schemas  func() map[string][]byte
	validate func(name string, doc []byte) error
}{
	{referral.Schemas, referral.ValidateAs},
	{plan.Schemas, plan.ValidateAs},
	{directory.Schemas, directory.ValidateAs},
	{outcomes.Schemas, outcomes.ValidateAs},
	{requests.Schemas, requests.Validate},
}

// Schemas returns every published JSON Schema by name, as copies: the
// domain aggregates of packages referral, plan, directory and outcomes and
// the service's request bodies. It is the one list the HTTP API and the
// command line serve.
func Schemas() map[string][]byte {
	out := map[string][]byte{}
	for _, r := range registry {
		for name, b := range r.schemas() {
			if _, dup := out[name]; dup {
				panic("host: two packages publish a schema named " + name)
			}
			out[name] = b
		}
	}
	return out
}

// ValidateAs checks a document against the named published schema and,
// for domain aggregates, the domain's own rules (an NHS number's check
// digit, consents …). A name may end in ".json" or ".schema.json". Codes:
// not_found (no such schema), invalid (every failing pointer).
func ValidateAs(name string, doc []byte) error {
	name = SchemaName(name)
	validate, ok := owners()[name]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q", name)
	}
	return validate(name, doc)
}

// owners maps each schema name to the validation of the package that publishes it.
var owners = sync.OnceValue(func() map[string]func(string, []byte) error {
	out := map[string]func(string, []byte) error{}
	for _, r := range registry {
		for name := range r.schemas() {
			out[name] = r.validate
		}
	}
	return out
})

// SchemaName trims ".json" and ".schema.json" from a schema's file name.
func SchemaName(file string) string {
	return strings.TrimSuffix(strings.TrimSuffix(file, ".json"), ".schema")
}
