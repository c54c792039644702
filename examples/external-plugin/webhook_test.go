package webhook_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"

	webhook "example.org/socialrx-webhook"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// gateway is a messaging gateway on loopback that keeps the idempotency
// keys it has seen, as the protocol in the package doc says.
type gateway struct {
	mu   sync.Mutex
	seen map[string][]byte
	sent [][]byte
}

func newGateway(t *testing.T) (*gateway, string) {
	g := &gateway{seen: map[string][]byte{}}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL + "/v1/messages"
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	var msg plugins.Message
	if r.Method != http.MethodPost || key == "" || json.NewDecoder(r.Body).Decode(&msg) != nil {
		http.Error(w, "a message needs POST, JSON and an Idempotency-Key", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if first, ok := g.seen[key]; ok {
		_, _ = w.Write(first)
		return
	}
	first, _ := json.Marshal(map[string]any{"id": "gw-" + uuid.NewString(), "accepted_at": time.Now().UTC()})
	g.seen[key] = first
	body, _ := json.Marshal(msg)
	g.sent = append(g.sent, body)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(first)
}

func (g *gateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sent)
}

// The Messenger conformance suite, in process.
func TestConformance(t *testing.T) {
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
		_, url := newGateway(t)
		return webhook.New(url, nil)
	})
}

// The same suite through the built plugin, as a host runs it.
func TestPluginConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the plugin; skipped with -short")
	}
	bin, sum := plugintest.BuildPlugin(t, "./cmd/webhook-plugin")
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
		_, url := newGateway(t)
		c := plugintest.LaunchPlugin(t, plugins.ClientConfig{Path: bin, SHA256: sum,
			Env: []string{"SOCIALRX_WEBHOOK_URL=" + url}, Logger: hclog.NewNullLogger()})
		m, err := c.Messenger()
		require.NoError(t, err)
		return m
	})
}

// What the gateway answers decides the code the host sees.
func TestGatewayAnswers(t *testing.T) {
	msg := plugins.Message{IdempotencyKey: "k-1", Channel: plugins.ChannelSMS, Body: "hello",
		To: plugins.Recipient{Role: plugins.RolePerson, ID: "p-1", Address: "+447700900123"}}
	tests := []struct {
		name   string
		status int
		body   string
		code   socialrx.Code
	}{
		{"forbidden", http.StatusForbidden, "opted out", socialrx.CodeForbidden},
		{"refused", http.StatusUnprocessableEntity, "number not in service", socialrx.CodeInvalid},
		{"down", http.StatusServiceUnavailable, "try later", socialrx.CodeUnavailable},
		{"no receipt", http.StatusCreated, `{"id":""}`, socialrx.CodeUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := webhook.New(srv.URL, nil).Send(t.Context(), msg)
			assert.Equal(t, tc.code, socialrx.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), tc.body)
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		_, err := webhook.New(srv.URL, nil).Send(t.Context(), msg)
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	})
	t.Run("sent once", func(t *testing.T) {
		g, url := newGateway(t)
		m := webhook.New(url, nil)
		first, err := m.Send(t.Context(), msg)
		require.NoError(t, err)
		again, err := m.Send(t.Context(), msg)
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID)
		assert.True(t, again.Duplicate)
		assert.Equal(t, 1, g.count())
	})
}

// This module is outside socialrx, as a local team's would be: Go refuses
// it socialrx's internal packages, so it builds on the public SDK alone.
func TestInternalPackagesRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build; skipped with -short")
	}
	dir, err := os.MkdirTemp(".", "probe-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(`package main

import _ "github.com/socialrx/socialrx/internal/fileperm"

func main() {}
`), 0o600))
	out, err := exec.Command("go", "build", "-o", os.DevNull, "./"+filepath.Base(dir)).CombinedOutput()
	require.Error(t, err, "an internal package of socialrx must not build here")
	assert.Contains(t, string(out), "use of internal package github.com/socialrx/socialrx/internal/fileperm not allowed")
}
