package nats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/nats"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func TestConformance(t *testing.T) {
	natsURL(t)
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger { return openWith(t, freshConfig(t)) })
}

// received is one message a subscriber read from the stream.
type received struct {
	subject, msgID string
	payload        nats.Payload
}

// consumeAll reads every message in the stream through an ordered
// consumer, as a subscribing system would.
func consumeAll(t *testing.T, cfg nats.Config) []received {
	t.Helper()
	js := jsFor(t, cfg.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, cfg.Stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{cfg.Prefix + ".>"}})
	require.NoError(t, err)
	var out []received
	for {
		batch, err := cons.Fetch(100, jetstream.FetchMaxWait(500*time.Millisecond))
		require.NoError(t, err)
		n := 0
		for m := range batch.Messages() {
			n++
			require.NoError(t, nats.Validate(m.Data()), "every published body validates against payload.schema.json: %s", m.Data())
			var p nats.Payload
			require.NoError(t, json.Unmarshal(m.Data(), &p))
			out = append(out, received{subject: m.Subject(), msgID: m.Headers().Get(natsgo.MsgIdHdr), payload: p})
		}
		require.NoError(t, batch.Error())
		if n == 0 {
			return out
		}
	}
}

// A subscriber on the stream receives exactly one message per idempotency
// key, however often and from however many hosts it was sent.
func TestSubscriberGetsOneMessagePerKey(t *testing.T) {
	cfg := freshConfig(t)
	hosts := []*nats.Messenger{openWith(t, cfg), openWith(t, cfg)}
	ctx := context.Background()
	msgs := []plugins.Message{
		{IdempotencyKey: "k-event", Channel: plugins.ChannelEvent, Event: "referral.accepted",
			To: plugins.Recipient{Role: plugins.RolePartner, ID: "org-1"}, Data: json.RawMessage(`{"referral_id":"r-1"}`)},
		{IdempotencyKey: "k-event-dnc", Channel: plugins.ChannelEvent, Event: "referral.closed",
			To: plugins.Recipient{Role: plugins.RolePerson, ID: "p-9", DoNotContact: true}},
		{IdempotencyKey: "k-email", Channel: plugins.ChannelEmail, Event: "referral.accepted",
			To:      plugins.Recipient{Role: plugins.RoleReferrer, ID: "gp-1", Name: "Dr Okafor", Address: "referrals@example.org"},
			Subject: "Referral accepted", Body: "We have accepted your referral."},
		{IdempotencyKey: "k-sms", Channel: plugins.ChannelSMS,
			To: plugins.Recipient{Role: plugins.RolePerson, ID: "p-1", Address: "+447700900123"}, Body: "See you Tuesday."},
		{IdempotencyKey: "k-letter", Channel: plugins.ChannelLetter,
			To: plugins.Recipient{Role: plugins.RolePartner, ID: "org-1", Address: "1 High Street, London E1 1AA"}, Body: "Dear Garden Club"},
	}
	receipts := make([][]plugins.Receipt, len(msgs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, m := range msgs {
		for try := range 4 { // four sends per key, racing, from two hosts
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := hosts[try%2].Send(ctx, m)
				if assert.NoError(t, err) {
					mu.Lock()
					receipts[i] = append(receipts[i], r)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for i, rs := range receipts {
		require.Len(t, rs, 4)
		firsts := 0
		for _, r := range rs {
			assert.Equal(t, rs[0].ID, r.ID, "%s: one receipt per key", msgs[i].IdempotencyKey)
			assert.True(t, rs[0].At.Equal(r.At), "%s: the first receipt's time", msgs[i].IdempotencyKey)
			if !r.Duplicate {
				firsts++
			}
		}
		assert.Equal(t, 1, firsts, "%s: one send is the first", msgs[i].IdempotencyKey)
	}

	got := consumeAll(t, cfg)
	require.Len(t, got, len(msgs), "exactly one message per key reaches the stream")
	byKey := map[string]received{}
	for _, r := range got {
		byKey[r.payload.IdempotencyKey] = r
	}
	want := map[string]string{
		"k-event":     cfg.Prefix + ".referral.accepted",
		"k-event-dnc": cfg.Prefix + ".referral.closed",
		"k-email":     cfg.Prefix + ".message.email",
		"k-sms":       cfg.Prefix + ".message.sms",
		"k-letter":    cfg.Prefix + ".message.letter",
	}
	for i, m := range msgs {
		r, ok := byKey[m.IdempotencyKey]
		if !assert.True(t, ok, m.IdempotencyKey) {
			continue
		}
		assert.Equal(t, want[m.IdempotencyKey], r.subject)
		assert.Equal(t, m.IdempotencyKey, r.msgID, "the key is the Nats-Msg-Id header")
		assert.Equal(t, m.Channel, r.payload.Channel)
		assert.Equal(t, m.Event, r.payload.Event)
		assert.Equal(t, m.To.Role, r.payload.To.Role)
		assert.Equal(t, m.To.Address, r.payload.To.Address)
		assert.Equal(t, m.To.DoNotContact, r.payload.To.DoNotContact)
		assert.Equal(t, m.Body, r.payload.Body)
		if len(m.Data) > 0 {
			assert.JSONEq(t, string(m.Data), string(r.payload.Data))
		}
		assert.True(t, receipts[i][0].At.Equal(r.payload.SentAt), "the receipt's time is the payload's sent_at")
	}
}

func TestSendInvalid(t *testing.T) {
	m := openWith(t, freshConfig(t))
	good := plugins.Message{IdempotencyKey: "k", Channel: plugins.ChannelEvent, Event: "referral.accepted",
		To: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "lw-1"}}
	for _, tc := range []struct {
		name string
		edit func(*plugins.Message)
		path string
	}{
		{"event without name", func(m *plugins.Message) { m.Event = "" }, "/event"},
		{"event with a wildcard", func(m *plugins.Message) { m.Event = "referral.*" }, "/event"},
		{"event with a tail wildcard", func(m *plugins.Message) { m.Event = "referral.>" }, "/event"},
		{"event with a space", func(m *plugins.Message) { m.Event = "referral accepted" }, "/event"},
		{"event with an empty token", func(m *plugins.Message) { m.Event = "referral..accepted" }, "/event"},
		{"event ending in a dot", func(m *plugins.Message) { m.Event = "referral." }, "/event"},
		{"key with a newline", func(m *plugins.Message) { m.IdempotencyKey = "a\r\nNats-Msg-Id: b" }, "/idempotency_key"},
		{"data not JSON", func(m *plugins.Message) { m.Data = json.RawMessage(`{"a":`) }, "/data"},
		{"body not UTF-8", func(m *plugins.Message) { m.Body = "\xff" }, "/body"},
		{"too big for the server", func(m *plugins.Message) {
			m.Channel, m.To.Address = plugins.ChannelEmail, "a@example.org"
			m.Body = string(make([]byte, 2<<20))
		}, "/body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := good
			tc.edit(&msg)
			_, err := m.Send(context.Background(), msg)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			fields := socialrx.ErrorFields(err)
			require.NotEmpty(t, fields)
			assert.Equal(t, tc.path, fields[0].Path)
		})
	}
}

func TestOpenFails(t *testing.T) {
	u := natsURL(t)
	taken := freshConfig(t)
	taken.Prefix = "socialrx-test-other"
	openWith(t, taken) // a stream that takes other subjects
	elsewhere := freshConfig(t)
	elsewhere.Stream = taken.Stream
	for _, tc := range []struct {
		name string
		cfg  nats.Config
		code socialrx.Code
		says string
	}{
		{"NATS unreachable", nats.Config{URL: "nats://user:secret@127.0.0.1:1"}, socialrx.CodeUnavailable, "127.0.0.1:1"},
		{"prefix with a wildcard", nats.Config{URL: u, Prefix: "socialrx.*"}, socialrx.CodeInvalid, "/prefix"},
		{"stream with a dot", nats.Config{URL: u, Stream: "A.B"}, socialrx.CodeInvalid, "/stream"},
		{"window longer than max age", nats.Config{URL: u, DuplicateWindow: time.Hour, MaxAge: time.Minute}, socialrx.CodeInvalid, "/duplicate_window"},
		{"stream takes other subjects", elsewhere, socialrx.CodeInvalid, "socialrx-test-other.>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			m, err := nats.Open(ctx, tc.cfg)
			require.Error(t, err)
			assert.Nil(t, m)
			assert.Equal(t, tc.code, socialrx.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "secret", "no password in errors")
		})
	}
}

// When the connection to NATS is lost, Send fails fast with unavailable
// (the host's outbox retries later) and works again once NATS is back.
func TestNATSLostAndBack(t *testing.T) {
	cfg := freshConfig(t)
	view := cfg // a subscriber reading the real server
	p := newProxy(t, cfg.URL)
	cfg.URL = p.URL()
	cfg.Options = []natsgo.Option{natsgo.ReconnectWait(50 * time.Millisecond)}
	m := openWith(t, cfg)
	ctx := context.Background()
	msg := func(key string) plugins.Message {
		return plugins.Message{IdempotencyKey: key, Channel: plugins.ChannelEvent, Event: "plan.reviewed",
			To: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "lw-1"}}
	}
	_, err := m.Send(ctx, msg("before"))
	require.NoError(t, err)

	p.down()
	short, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = m.Send(short, msg("during"))
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	assert.NotErrorIs(t, err, context.DeadlineExceeded, "fails because the connection is lost, not by waiting out its deadline")
	assert.NoError(t, short.Err())

	p.up(t)
	var r plugins.Receipt
	require.Eventually(t, func() bool {
		r, err = m.Send(ctx, msg("during"))
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "sends again after reconnecting: %v", err)
	assert.False(t, r.Duplicate, "the failed send published nothing")

	keys := map[string]int{}
	for _, got := range consumeAll(t, view) {
		keys[got.payload.IdempotencyKey]++
	}
	assert.Equal(t, map[string]int{"before": 1, "during": 1}, keys)
}

func TestValidate(t *testing.T) {
	ok := `{"idempotency_key":"k","channel":"event","event":"referral.accepted","to":{"role":"partner","id":"org-1"},"data":{"a":[1]},"sent_at":"2026-01-02T03:04:05Z"}`
	require.NoError(t, nats.Validate([]byte(ok)))
	for _, tc := range []struct {
		name, doc, path string
	}{
		{"not JSON", `{`, ""},
		{"no key", `{"channel":"event","to":{"role":"partner"},"sent_at":"2026-01-02T03:04:05Z"}`, "/idempotency_key"},
		{"unknown channel", `{"idempotency_key":"k","channel":"pigeon","to":{"role":"partner"},"sent_at":"2026-01-02T03:04:05Z"}`, "/channel"},
		{"unknown role", `{"idempotency_key":"k","channel":"sms","to":{"role":"landlord"},"sent_at":"2026-01-02T03:04:05Z"}`, "/to/role"},
		{"bad time", `{"idempotency_key":"k","channel":"sms","to":{"role":"person"},"sent_at":"yesterday"}`, "/sent_at"},
		{"event with a wildcard", `{"idempotency_key":"k","channel":"event","event":"a.*","to":{"role":"person"},"sent_at":"2026-01-02T03:04:05Z"}`, "/event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := nats.Validate([]byte(tc.doc))
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.Contains(t, paths, tc.path, "%v", err)
		})
	}
}

func ExampleSubject() {
	fmt.Println(nats.Subject(nats.DefaultPrefix, plugins.ChannelEvent, "referral.accepted"))
	fmt.Println(nats.Subject(nats.DefaultPrefix, plugins.ChannelSMS, ""))
	// Output:
	// socialrx.referral.accepted
	// socialrx.message.sms
}

// FuzzValidate: validating any body a subscriber receives never panics and
// either passes or names the fields at fault.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`{"idempotency_key":"k","channel":"event","event":"referral.accepted","to":{"role":"partner"},"sent_at":"2026-01-02T03:04:05Z"}`,
		`{"idempotency_key":"","channel":"x","to":{},"sent_at":"x"}`, `{`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := nats.Validate(doc)
		if err != nil {
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.NotEmpty(t, socialrx.ErrorFields(err))
		}
	})
}
