// Package payload is the contract of the NATS messenger with its
// subscribers: the JSON body of every message it publishes ([Payload])
// and that body's JSON Schema ([Schema], payload.schema.json, published
// by the host as "nats_payload"). It is a package of its own so that the
// host can serve the schema without linking the NATS client.
package payload

import (
	_ "embed"
	"encoding/json"
	"time"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins"
)

// Payload is the JSON body of every message the Messenger publishes, the
// contract with subscribers (payload.schema.json, which [Validate] checks).
type Payload struct {
	// IdempotencyKey identifies the message; it is also the Nats-Msg-Id
	// header. A subscriber that must never act twice de-duplicates on it.
	IdempotencyKey string `json:"idempotency_key" jsonschema:"minLength=1,maxLength=256"`
	// Channel is how the message travels: "event" for a domain event, or
	// the channel a gateway should deliver it by.
	Channel plugins.Channel `json:"channel" jsonschema:"enum=email,enum=sms,enum=letter,enum=event"`
	// Event is the domain event type, such as "referral.accepted"; for
	// events it is also the end of the subject.
	Event string `json:"event,omitempty" jsonschema:"pattern=^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$,maxLength=200"`
	// To is whom the message is for.
	To Recipient `json:"to"`
	// Subject is the subject line of an email or letter.
	Subject string `json:"subject,omitempty" jsonschema:"maxLength=1000"`
	// Body is the text of an email, SMS or letter.
	Body string `json:"body,omitempty" jsonschema:"maxLength=100000"`
	// Data is the machine-readable content of an event, any JSON value.
	Data json.RawMessage `json:"data,omitempty"`
	// SentAt is when socialrx first published the message (UTC).
	SentAt time.Time `json:"sent_at"`
}

// Recipient is whom a published message is for.
type Recipient struct {
	// Role is the recipient's role.
	Role plugins.Role `json:"role" jsonschema:"enum=link_worker,enum=partner,enum=referrer,enum=person"`
	// ID is the recipient's id in socialrx (link worker, organisation, person).
	ID string `json:"id,omitempty" jsonschema:"maxLength=128"`
	// Name is how to address them.
	Name string `json:"name,omitempty" jsonschema:"maxLength=200"`
	// Address is the email address, phone number or postal address; empty
	// for events.
	Address string `json:"address,omitempty" jsonschema:"maxLength=500"`
	// DoNotContact is set on events about a person who asked not to be
	// contacted: a subscriber must not contact them because of it.
	DoNotContact bool `json:"do_not_contact,omitempty"`
}

// Schema is the JSON Schema (2020-12) of [Payload], payload.schema.json.
//
//go:embed payload.schema.json
var Schema []byte

var validator = schema.MustCompile(schema.BaseID+"nats_payload.schema.json", Schema)

// Validate checks a published message body against [Schema]. Codes:
// invalid, naming every failing JSON pointer.
func Validate(doc []byte) error { return validator.Validate(doc) }
