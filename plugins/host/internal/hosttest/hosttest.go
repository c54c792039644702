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
	mu    sync.Mutex
	sent  map[string]plugins.Message
	order []string
	Fail  error
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
	if !dup {
		m.order = append(m.order, msg.IdempotencyKey)
	}
	m.sent[msg.IdempotencyKey] = msg
	return plugins.Receipt{ID: msg.IdempotencyKey, At: time.Now(), Duplicate: dup}, nil
}

// SetFail sets the error every send fails with (nil: sends succeed).
func (m *RecordingMessenger) SetFail(err error) {
	m.mu.Lock()
	m.Fail = err
	m.mu.Unlock()
}

// Sent returns every message sent, once per key, in the order first sent.
func (m *RecordingMessenger) Sent() []plugins.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]plugins.Message, len(m.order))
	for i, k := range m.order {
		out[i] = m.sent[k]
	}
	return out
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

// The Tuesday Gardening Club of directory.json, and the organisation that
// runs it.
const (
	GardenService = "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60"
	GardenOrg     = "0d6c5a9e-3f2b-4c1d-8e7f-6a5b4c3d2e10"
)

// Principals are the test callers by role: a referrer of practice A81001
// and a link worker, both of team "north"; the partner that runs the
// gardening club.
var Principals = map[referral.Role]host.Principal{
	referral.RoleAdmin:        {ID: "admin", Role: referral.RoleAdmin},
	referral.RoleLinkWorker:   {ID: "lw-sam", Role: referral.RoleLinkWorker, Team: "north"},
	referral.RoleReferrer:     {ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001", Team: "north"},
	referral.RolePartner:      {ID: "garden-lead", Role: referral.RolePartner, Organisation: GardenOrg},
	referral.RoleCommissioner: {ID: "icb", Role: referral.RoleCommissioner},
}

// Others are callers who must not reach the cases of Principals: a link
// worker of team "south", a referrer of another practice, a partner that
// runs no service the tests refer to.
var Others = map[referral.Role]host.Principal{
	referral.RoleLinkWorker: {ID: "lw-kim", Role: referral.RoleLinkWorker, Team: "south"},
	referral.RoleReferrer:   {ID: "dr-jones", Role: referral.RoleReferrer, Organisation: "B82002", Team: "south"},
	referral.RolePartner:    {ID: "other-lead", Role: referral.RolePartner, Organisation: "org-other"},
}

// Env is a service over the memory store, on Monday 2 November 2026, 11:00 UTC.
type Env struct {
	Store     *memory.Store
	Messenger *RecordingMessenger
	Clinical  *memory.FakeClinicalSystem
	Clock     *Clock
	Svc       *host.Service
}

// New returns a service over a new memory store, with a team inbox and
// the test directory imported. options, if given, change the service's
// options before it is made.
func New(t testing.TB, options ...func(*host.Options)) *Env {
	t.Helper()
	e := &Env{Store: memory.New(), Messenger: &RecordingMessenger{}, Clinical: memory.NewFakeClinicalSystem(),
		Clock: &Clock{t: time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)}}
	o := host.Options{Store: e.Store, Messenger: e.Messenger, Clinical: e.Clinical, Now: e.Clock.Now,
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}}
	for _, f := range options {
		f(&o)
	}
	svc, err := host.NewService(o)
	require.NoError(t, err)
	e.Svc = svc
	_, err = svc.ImportORUK(context.Background(), Principals[referral.RoleAdmin], Doc("directory.json"), nil)
	require.NoError(t, err)
	return e
}
