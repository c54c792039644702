package host

import (
	"embed"
	"strings"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/nats/payload"
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
		"subject_request":     Subject{},
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

// messages is the schema of the body of every message the NATS messenger
// publishes, the contract with its subscribers.
var messages = schema.Set{"nats_payload": {JSON: payload.Schema, Validate: payload.Validate}}

// timeless adapts a package's ValidateAs that has no rule about the present.
func timeless(validate func(name string, doc []byte) error) func(string, []byte, time.Time) error {
	return func(name string, doc []byte, _ time.Time) error { return validate(name, doc) }
}

// registry is every published schema: the domain packages', the request
// bodies' and the messages', each from the package that owns it.
var registry = []struct {
	schemas  func() map[string][]byte
	validate func(name string, doc []byte, now time.Time) error
}{
	{referral.Schemas, referral.ValidateAs},
	{plan.Schemas, timeless(plan.ValidateAs)},
	{directory.Schemas, timeless(directory.ValidateAs)},
	{outcomes.Schemas, timeless(outcomes.ValidateAs)},
	{requests.Schemas, timeless(requests.Validate)},
	{messages.Schemas, timeless(messages.Validate)},
}

// Schemas returns every published JSON Schema by name, as copies: the
// domain aggregates of packages referral, plan, directory and outcomes,
// the service's request bodies and the NATS message payload. It is the
// one list the HTTP API and the command line serve.
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
// digit, consents, no date of birth after now …), reporting every failing
// pointer at once, the schema's and the rules' side by side. It is the one
// validation of documents: the command line's validate runs it, and so
// does the HTTP API on every request body (through [Service.Validate],
// with the service's clock). A name may end in ".json" or ".schema.json".
// Codes: not_found (no such schema), invalid (every failing pointer).
func ValidateAs(name string, doc []byte, now time.Time) error {
	name = SchemaName(name)
	validate, ok := owners()[name]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q", name)
	}
	return validate(name, doc, now)
}

// Validate is [ValidateAs] as of the service's clock. Codes: not_found,
// invalid.
func (s *Service) Validate(name string, doc []byte) error { return ValidateAs(name, doc, s.now()) }

// owners maps each schema name to the validation of the package that publishes it.
var owners = sync.OnceValue(func() map[string]func(string, []byte, time.Time) error {
	out := map[string]func(string, []byte, time.Time) error{}
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
