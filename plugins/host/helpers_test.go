package host_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
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

// recordingMessenger is a test double of a messaging provider: it keeps
// what it was asked to send, once per idempotency key, and refuses people
// who asked not to be contacted, as the Messenger contract says.
type recordingMessenger struct {
	mu   sync.Mutex
	sent map[string]plugins.Message
	fail error
}

func (m *recordingMessenger) Send(_ context.Context, msg plugins.Message) (plugins.Receipt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return plugins.Receipt{}, m.fail
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

func (m *recordingMessenger) events(event string) []plugins.Message {
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

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a host over the memory store with a token per role.
type env struct {
	t         testing.TB
	store     *memory.Store
	messenger *recordingMessenger
	clinical  *memory.FakeClinicalSystem
	clock     *clock
	svc       *host.Service
	srv       *httptest.Server
	h         *host.Handler
}

func (e *env) handler(*testing.T) *host.Handler { return e.h }

var tokens = map[referral.Role]host.Token{
	referral.RoleAdmin:        {ID: "admin", Role: referral.RoleAdmin},
	referral.RoleLinkWorker:   {ID: "lw-sam", Role: referral.RoleLinkWorker},
	referral.RoleReferrer:     {ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001"},
	referral.RolePartner:      {ID: "garden-lead", Role: referral.RolePartner, Organisation: "org-garden"},
	referral.RoleCommissioner: {ID: "icb", Role: referral.RoleCommissioner},
}

// secret is the bearer secret of a role's test token.
func secret(r referral.Role) string { return "secret-" + string(r) }

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, store: memory.New(), messenger: &recordingMessenger{}, clinical: memory.NewFakeClinicalSystem(),
		clock: &clock{t: time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)}}
	svc, err := host.NewService(host.Options{Store: e.store, Messenger: e.messenger, Clinical: e.clinical, Now: e.clock.Now,
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}})
	require.NoError(t, err)
	e.svc = svc
	var ts []host.Token
	for role, tok := range tokens {
		tok.SHA256 = host.HashToken(secret(role))
		ts = append(ts, tok)
	}
	ts = append(ts,
		host.Token{ID: "other-lead", Role: referral.RolePartner, Organisation: "org-other", SHA256: host.HashToken("other-partner")},
		host.Token{ID: "dr-jones", Role: referral.RoleReferrer, Organisation: "B82002", SHA256: host.HashToken("other-referrer")})
	tk, err := host.NewTokens(ts)
	require.NoError(t, err)
	h, err := host.NewHandler(svc, host.HandlerOptions{Tokens: tk})
	require.NoError(t, err)
	e.h = h
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

func principal(r referral.Role) host.Principal {
	t := tokens[r]
	return host.Principal{ID: t.ID, Role: t.Role, Organisation: t.Organisation}
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// do sends a request as role (empty: no token) with optional headers.
func (e *env) do(role referral.Role, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+secret(role))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// referralDoc is the test referral document (a GP referral of Peggy).
func referralDoc(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/referral_new.json")
	require.NoError(t, err)
	return b
}

var errUnavailable = socialrx.Errorf(socialrx.CodeUnavailable, "provider down")

func assessmentDoc(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/assessment.json")
	require.NoError(t, err)
	return b
}

func assessmentMap() map[string]any {
	b, err := os.ReadFile("testdata/assessment.json")
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

func directoryDoc() []byte {
	b, err := os.ReadFile("testdata/directory.json")
	if err != nil {
		panic(err)
	}
	return b
}
