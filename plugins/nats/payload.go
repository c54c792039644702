package nats

import (
	_ "embed"
	"encoding/json"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/nats/payload"
)

// Payload is the JSON body of every message the Messenger publishes, the
// contract with subscribers; package payload defines it and its schema.
type Payload = payload.Payload

// Recipient is whom a published message is for.
type Recipient = payload.Recipient

// PayloadSchema is the JSON Schema (2020-12) of [Payload], as
// /v1/schemas/nats_payload.json serves it.
var PayloadSchema = payload.Schema

// Validate checks a published message body against [PayloadSchema].
// Codes: invalid, naming every failing JSON pointer.
func Validate(doc []byte) error { return payload.Validate(doc) }

// newPayload is the body published for msg at now.
func newPayload(msg plugins.Message, now time.Time) Payload {
	return Payload{
		IdempotencyKey: msg.IdempotencyKey,
		Channel:        msg.Channel,
		Event:          msg.Event,
		To: Recipient{Role: msg.To.Role, ID: msg.To.ID, Name: msg.To.Name, Address: msg.To.Address,
			DoNotContact: msg.To.DoNotContact},
		Subject: msg.Subject,
		Body:    msg.Body,
		Data:    msg.Data,
		SentAt:  now.UTC(),
	}
}

// maxKeyLen bounds idempotency keys.
const maxKeyLen = 512

// checkMessage validates msg and returns every problem at once.
func checkMessage(msg plugins.Message) error {
	var fs []socialrx.FieldError
	switch k := msg.IdempotencyKey; {
	case k == "":
		fs = append(fs, socialrx.Field("/idempotency_key", "is required"))
	case len(k) > maxKeyLen || !utf8.ValidString(k) || strings.IndexFunc(k, unicode.IsControl) >= 0:
		fs = append(fs, socialrx.Field("/idempotency_key", "must be at most %d bytes of UTF-8 without control characters", maxKeyLen))
	}
	switch msg.To.Role {
	case plugins.RoleLinkWorker, plugins.RolePartner, plugins.RoleReferrer, plugins.RolePerson:
	case "":
		fs = append(fs, socialrx.Field("/to/role", "is required"))
	default:
		fs = append(fs, socialrx.Field("/to/role", "must be link_worker, partner, referrer or person"))
	}
	switch msg.Channel {
	case plugins.ChannelEmail, plugins.ChannelSMS, plugins.ChannelLetter:
		if strings.TrimSpace(msg.To.Address) == "" {
			fs = append(fs, socialrx.Field("/to/address", "is required for %s", msg.Channel))
		}
	case plugins.ChannelEvent:
		if msg.Event == "" {
			fs = append(fs, socialrx.Field("/event", "is required for an event"))
		}
	case "":
		fs = append(fs, socialrx.Field("/channel", "is required"))
	default:
		fs = append(fs, socialrx.Field("/channel", "must be email, sms, letter or event"))
	}
	if msg.Event != "" && !validSubject(msg.Event) {
		fs = append(fs, socialrx.Field("/event", "must be dot-separated tokens of letters, digits, '_' and '-', such as referral.accepted"))
	}
	for _, f := range []struct{ path, v string }{
		{"/to/id", msg.To.ID}, {"/to/name", msg.To.Name}, {"/to/address", msg.To.Address},
		{"/subject", msg.Subject}, {"/body", msg.Body},
	} {
		if !utf8.ValidString(f.v) {
			fs = append(fs, socialrx.Field(f.path, "must be UTF-8"))
		}
	}
	if len(msg.Data) > 0 && !json.Valid(msg.Data) {
		fs = append(fs, socialrx.Field("/data", "must be JSON"))
	}
	return socialrx.Invalid(fs...)
}

// validToken reports whether s is one subject token of letters, digits,
// '_' and '-' (no wildcards, separators or spaces).
func validToken(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// validSubject reports whether s is dot-separated valid tokens.
func validSubject(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, t := range strings.Split(s, ".") {
		if !validToken(t) {
			return false
		}
	}
	return true
}
