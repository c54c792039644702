package nats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
)

// FuzzCheckMessage: every message Send accepts goes to a literal subject
// under the prefix (no wildcards, no empty tokens, nothing a subscriber's
// filter could misread) with a body that validates against the published
// schema.
func FuzzCheckMessage(f *testing.F) {
	f.Add("k", "event", "referral.accepted", "partner", "", "", []byte(`{"a":1}`))
	f.Add("k", "email", "", "referrer", "a@example.org", "Hello", []byte(nil))
	f.Add("k", "event", "referral.*", "person", "", "", []byte(`[]`))
	f.Add("k\r\n", "sms", "a..b", "landlord", " ", "\xff", []byte(`{`))
	f.Add("", "pigeon", ">", "", "", "", []byte(`null`))
	f.Fuzz(func(t *testing.T, key, channel, event, role, address, body string, data []byte) {
		msg := plugins.Message{IdempotencyKey: key, Channel: plugins.Channel(channel), Event: event,
			To: plugins.Recipient{Role: plugins.Role(role), Address: address}, Body: body, Data: data}
		if err := checkMessage(msg); err != nil {
			return
		}
		subject := Subject(DefaultPrefix, msg.Channel, msg.Event)
		tokens := strings.Split(subject, ".")
		for _, tok := range tokens {
			assert.True(t, validToken(tok), "subject %q has a bad token %q", subject, tok)
		}
		assert.Equal(t, DefaultPrefix, tokens[0])
		b, err := json.Marshal(newPayload(msg, time.Now()))
		require.NoError(t, err)
		assert.NoError(t, Validate(b), "payload %s", b)
	})
}
