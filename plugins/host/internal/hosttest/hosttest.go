// Package hosttest holds what the tests of the host service and of its
// HTTP API share: a service over the memory store with a recording
// messenger, the fake clinical system and a settable clock, the test
// principals, and the test documents (a GP referral of Peggy, an
// assessment, an ORUK directory).
package hosttest

import (
	"context"
	"embed"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/referral"
)

//go:embed testdata/*.json
var testdata embed.FS

// Doc returns a test document: "referral_new.json" (a GP referral of
// Peggy), "assessment.json" or "directory.json" (an ORUK service list).
func Doc(name string) []byte {
	b, err := testdata.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

// Map returns a test document decoded as a JSON object.
func Map(name string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(Doc(name), &m); err != nil {
		panic(err)
	}
	return m
}

// RecordingMessenger is a test double of a messaging provider: it keeps
// what it was asked to send, once per idempotency key, and refuses people
// who asked not to be contacted, as the Messenger contract says. Setting
// Fail makes every send fail with that error.
type RecordingMessenger struct {
	mu   sync.Mutex
	sent map[string]plugins.Message
	Fail error
}

// Send implements plugins.Messenger.
func (m *RecordingMessenger) Send(_ context.Context, msg plugins.Message) (plugins.Receipt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return plugins.Receipt{}, m.Fail
	}
	if msg.To.DoNotContact && msg.Channel != plugins.ChannelEvent {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeForbidden, "do not contact")
	}
	if m.sent == nil {
		m.sent = map[string]plugins.Message{}
	}
	_, dup := m.sent[msg.IdempotencyKey]
	m.sent[msg.IdempotencyKey] = msg
	return plugins.Receipt{ID: msg.IdempotencyKey, At: time.Now(), Duplicate: dup}, nil
}

// SetFail sets the error every send fails with (nil: sends succeed).
func (m *RecordingMessenger) SetFail(err error) {
	m.mu.Lock()
	m.Fail = err
	m.mu.Unlock()
}

// Events returns the messages sent for an event type.
func (m *RecordingMessenger) Events(event string) []plugins.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []plugins.Message
	for _, msg := range m.sent {
		if msg.Event == event {
			out = append(out, msg)
		}
	}
	return out
}

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Principals are the test callers by role: a referrer of practice A81001
// and a partner of org-garden among them.
var Principals = map[referral.Role]host.Principal{
	referral.RoleAdmin:        {ID: "admin", Role: referral.RoleAdmin},
	referral.RoleLinkWorker:   {ID: "lw-sam", Role: referral.RoleLinkWorker},
	referral.RoleReferrer:     {ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001"},
	referral.RolePartner:      {ID: "garden-lead", Role: referral.RolePartner, Organisation: "org-garden"},
	referral.RoleCommissioner: {ID: "icb", Role: referral.RoleCommissioner},
}

// Env is a service over the memory store, on Monday 2 November 2026, 11:00 UTC.
type Env struct {
	Store     *memory.Store
	Messenger *RecordingMessenger
	Clinical  *memory.FakeClinicalSystem
	Clock     *Clock
	Svc       *host.Service
}

// New returns a service over a new memory store, with a team inbox.
func New(t testing.TB) *Env {
	t.Helper()
	e := &Env{Store: memory.New(), Messenger: &RecordingMessenger{}, Clinical: memory.NewFakeClinicalSystem(),
		Clock: &Clock{t: time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)}}
	svc, err := host.NewService(host.Options{Store: e.Store, Messenger: e.Messenger, Clinical: e.Clinical, Now: e.Clock.Now,
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}})
	require.NoError(t, err)
	e.Svc = svc
	return e
}
