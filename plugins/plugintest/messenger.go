package plugintest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// TestMessenger runs the conformance suite for [plugins.Messenger].
// newMessenger returns a messenger that accepts the recipients the suite
// makes up (a sandbox or test account for a real provider) and registers its
// clean-up with t.Cleanup; the suite calls it once per subtest.
func TestMessenger(t *testing.T, newMessenger func(t *testing.T) plugins.Messenger) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, m plugins.Messenger)
	}{
		{"EveryChannel", messengerChannels},
		{"Idempotent", messengerIdempotent},
		{"ConcurrentSameKey", messengerConcurrent},
		{"Invalid", messengerInvalid},
		{"DoNotContact", messengerDoNotContact},
		{"Cancelled", messengerCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newMessenger(t)) })
	}
}

// messages returns a valid message per channel, each with a fresh key.
func messages() map[plugins.Channel]plugins.Message {
	key := func() string { return "suite-" + uuid.NewString() }
	return map[plugins.Channel]plugins.Message{
		plugins.ChannelEmail: {
			IdempotencyKey: key(), Channel: plugins.ChannelEmail,
			To:      plugins.Recipient{Role: plugins.RoleReferrer, ID: "gp-1", Name: "Dr Okafor", Address: "referrals@example.org"},
			Event:   "referral.accepted",
			Subject: "Referral accepted", Body: "We have accepted your referral.",
		},
		plugins.ChannelSMS: {
			IdempotencyKey: key(), Channel: plugins.ChannelSMS,
			To:   plugins.Recipient{Role: plugins.RolePerson, ID: "p-1", Name: "Ada", Address: "+447700900123"},
			Body: "Your link worker will call you on Tuesday.",
		},
		plugins.ChannelLetter: {
			IdempotencyKey: key(), Channel: plugins.ChannelLetter,
			To:      plugins.Recipient{Role: plugins.RolePartner, ID: "org-1", Name: "Garden Club", Address: "1 High Street, London E1 1AA"},
			Subject: "New referral", Body: "A person would like to join.",
		},
		plugins.ChannelEvent: {
			IdempotencyKey: key(), Channel: plugins.ChannelEvent,
			To:    plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "lw-1"},
			Event: "referral.received", Data: obj("referral_id", "r-1"),
		},
	}
}

func messengerChannels(t *testing.T, m plugins.Messenger) {
	seen := map[string]bool{}
	for ch, msg := range messages() {
		t.Run(string(ch), func(t *testing.T) {
			r, err := m.Send(t.Context(), msg)
			noErr(t, err, "send")
			assert.NotEmpty(t, r.ID, "a receipt has the provider's reference")
			assert.False(t, r.Duplicate, "a first send is not a duplicate")
			assertNow(t, r.At, "receipt at")
			assert.False(t, seen[r.ID], "every message has its own receipt id")
			seen[r.ID] = true
		})
	}
}

func messengerIdempotent(t *testing.T, m plugins.Messenger) {
	msg := messages()[plugins.ChannelEmail]
	first, err := m.Send(t.Context(), msg)
	noErr(t, err, "send")
	for range 3 {
		again, err := m.Send(t.Context(), msg)
		noErr(t, err, "repeated send")
		assert.Equal(t, first.ID, again.ID, "a repeated key returns the first receipt")
		assert.True(t, again.Duplicate, "a repeated key is marked duplicate")
		assertTime(t, first.At, again.At, "the first receipt's time")
	}
	// The key decides, not the content.
	changed := msg
	changed.Body = "another body"
	again, err := m.Send(t.Context(), changed)
	noErr(t, err, "send with a used key")
	assert.Equal(t, first.ID, again.ID)
	assert.True(t, again.Duplicate)

	other := messages()[plugins.ChannelEmail]
	r, err := m.Send(t.Context(), other)
	noErr(t, err, "send with a new key")
	assert.NotEqual(t, first.ID, r.ID)
	assert.False(t, r.Duplicate)
}

func messengerConcurrent(t *testing.T, m plugins.Messenger) {
	msg := messages()[plugins.ChannelSMS]
	receipts := make([]plugins.Receipt, workers)
	var firsts atomic.Int32
	race(workers, func(i int) {
		r, err := m.Send(context.Background(), msg)
		if !assert.NoError(t, err, "worker %d", i) {
			return
		}
		receipts[i] = r
		if !r.Duplicate {
			firsts.Add(1)
		}
	})
	assert.Equal(t, int32(1), firsts.Load(), "exactly one send of a key is not a duplicate")
	for i, r := range receipts {
		assert.Equal(t, receipts[0].ID, r.ID, "worker %d gets the same receipt", i)
	}
}

func messengerInvalid(t *testing.T, m plugins.Messenger) {
	with := func(ch plugins.Channel, f func(*plugins.Message)) plugins.Message {
		msg := messages()[ch]
		f(&msg)
		return msg
	}
	cases := map[string]struct {
		msg  plugins.Message
		path string
	}{
		"no key":                 {with(plugins.ChannelEmail, func(m *plugins.Message) { m.IdempotencyKey = "" }), "/idempotency_key"},
		"no recipient":           {with(plugins.ChannelEmail, func(m *plugins.Message) { m.To = plugins.Recipient{} }), "/to/role"},
		"unknown role":           {with(plugins.ChannelEmail, func(m *plugins.Message) { m.To.Role = "landlord" }), "/to/role"},
		"no channel":             {with(plugins.ChannelEmail, func(m *plugins.Message) { m.Channel = "" }), "/channel"},
		"unknown channel":        {with(plugins.ChannelEmail, func(m *plugins.Message) { m.Channel = "pigeon" }), "/channel"},
		"email without address":  {with(plugins.ChannelEmail, func(m *plugins.Message) { m.To.Address = "" }), "/to/address"},
		"sms without address":    {with(plugins.ChannelSMS, func(m *plugins.Message) { m.To.Address = "" }), "/to/address"},
		"letter without address": {with(plugins.ChannelLetter, func(m *plugins.Message) { m.To.Address = "" }), "/to/address"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := m.Send(t.Context(), c.msg)
			assertInvalid(t, err, c.path)
			if c.msg.IdempotencyKey == "" {
				return
			}
			// The key was not used up: the corrected message goes out.
			fixed := messages()[c.msg.Channel]
			if c.msg.Channel == "" || c.msg.Channel == "pigeon" {
				fixed = messages()[plugins.ChannelEmail]
			}
			fixed.IdempotencyKey = c.msg.IdempotencyKey
			r, err := m.Send(t.Context(), fixed)
			noErr(t, err, "send the corrected message")
			assert.False(t, r.Duplicate, "an invalid message does not use up its key")
		})
	}
}

func messengerDoNotContact(t *testing.T, m plugins.Messenger) {
	for ch, msg := range messages() {
		t.Run(string(ch), func(t *testing.T) {
			msg.To.DoNotContact = true
			r, err := m.Send(t.Context(), msg)
			if ch == plugins.ChannelEvent {
				noErr(t, err, "an event is not contact")
				assert.NotEmpty(t, r.ID)
				return
			}
			assertCode(t, socialrx.CodeForbidden, err, "a person who asked not to be contacted")
			// A refusal does not use up the key.
			msg.To.DoNotContact = false
			r, err = m.Send(t.Context(), msg)
			noErr(t, err, "send after consent was given again")
			assert.False(t, r.Duplicate, "a refused message does not use up its key")
		})
	}
}

func messengerCancelled(t *testing.T, m plugins.Messenger) {
	for name, ctx := range cancelled(t) {
		t.Run(name, func(t *testing.T) {
			msg := messages()[plugins.ChannelEmail]
			var err error
			promptly(t, "Send", func() { _, err = m.Send(ctx, msg) })
			assertCode(t, socialrx.CodeUnavailable, err)
			r, err := m.Send(t.Context(), msg)
			require.NoError(t, err)
			assert.False(t, r.Duplicate, "a cancelled send sent nothing")
		})
	}
}
