// Package hosttest holds what the tests of the host service and of its
// HTTP API share: a service with a recording messenger, the fake clinical
// system and a settable clock, over the memory store ([New]) or over each
// store a deployment may use ([Matrix]); the test principals, and the test
// documents (a GP referral of Peggy, an assessment, an ORUK directory).
//
// A host feature counts as done when it works on every deployment. Write
// its test once, as a function of an [Env], and run it on each with
// [Matrix]; the test binary's TestMain is plugintest.Main, which removes the
// plugin binaries Matrix builds (see plugins/host/main_test.go, and
// plugins/host/oruk_test.go for tests written so).
//
// Matrix runs a subtest per deployment: "sqlite" (package plugins/sqlite in
// process on a file in the test's temporary directory), "sqlite-plugin"
// (examples/sqlite-plugin as a plugin process over gRPC, on such a file)
// and "postgres-plugin" (examples/postgres-plugin on a schema of its own,
// dropped when the test ends). The postgres leg skips unless
// SOCIALRX_POSTGRES_URL names a database. The plugin binaries are built
// once per test binary, without -race. Options give every leg a variant of
// the host, and [Env.Peer] a second host on the same database. [New] is the
// quick memory-store Env for tests of logic that does not depend on the
// store.
package hosttest

import (
	"context"
	"embed"
	"encoding/json"
	"slices"
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

// Env is a host service on a store, on Monday 2 November 2026, 11:00 UTC
// by its Clock (the store stamps CreatedAt and UpdatedAt by its own clock,
// which is the real time).
type Env struct {
	// Deployment names the store: "memory" for [New], else one of
	// [Deployments].
	Deployment string
	// DB is where the deployment keeps its data, for tests that read the
	// raw store: the SQLite file of sqlite and sqlite-plugin, the
	// PostgreSQL schema of postgres-plugin (in the database
	// SOCIALRX_POSTGRES_URL names); "" for memory.
	DB        string
	Store     plugins.Store
	Messenger *RecordingMessenger
	Clinical  *memory.FakeClinicalSystem
	Clock     *Clock
	Svc       *host.Service

	opts    []Option
	connect func(testing.TB) plugins.Store
}

// Option changes the options of the service an Env makes, after the
// defaults are set: a variant of the host under test.
type Option func(*host.Options)

// New returns a service over a new memory store, with a team inbox.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	s := memory.New()
	return newEnv(t, "memory", func(testing.TB) plugins.Store { return s }, opts)
}

func newEnv(t testing.TB, deployment string, connect func(testing.TB) plugins.Store, opts []Option) *Env {
	t.Helper()
	e := &Env{Deployment: deployment, Store: connect(t), Messenger: &RecordingMessenger{}, Clinical: memory.NewFakeClinicalSystem(),
		Clock: &Clock{t: time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)}, opts: opts, connect: connect}
	e.Svc = e.service(t)
	return e
}

// service makes a service over e's store, messenger, clinical system and
// clock with e's options.
func (e *Env) service(t testing.TB) *host.Service {
	t.Helper()
	o := host.Options{Store: e.Store, Messenger: e.Messenger, Clinical: e.Clinical, Now: e.Clock.Now,
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}}
	for _, opt := range e.opts {
		opt(&o)
	}
	svc, err := host.NewService(o)
	require.NoError(t, err)
	return svc
}

// Peer returns a second host on the same database as e, as when several
// hosts share one store: a new Service with caches of its own, over a
// connection of its own (a second plugin process on the plugin
// deployments, a second handle on the SQLite file, the same memory store),
// sharing e's messenger, clinical system and clock. opts are applied after
// e's.
func (e *Env) Peer(t testing.TB, opts ...Option) *Env {
	t.Helper()
	p := *e
	p.Store = e.connect(t)
	p.opts = append(slices.Clone(e.opts), opts...)
	p.Svc = p.service(t)
	return &p
}

// ImportDirectory imports the test directory (directory.json) as an admin,
// so that onward referrals to the gardening club can be made.
func (e *Env) ImportDirectory(t testing.TB) {
	t.Helper()
	_, err := e.Svc.ImportORUK(context.Background(), Principals[referral.RoleAdmin], Doc("directory.json"), nil)
	require.NoError(t, err)
}
