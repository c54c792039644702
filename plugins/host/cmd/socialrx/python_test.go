package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// requirePythonEnv is set by .ci/run, where the Python plugin's Debian
// packages are installed: there a missing one fails the test.
const requirePythonEnv = "SOCIALRX_REQUIRE_PYTHON_PLUGIN"

// A real `socialrx serve` whose messenger is the Python plugin, configured
// as the tour's config.python.json names it: the referrer hears of the
// acceptance through it, and the host stops it when it stops.
func TestPythonMessenger(t *testing.T) {
	if out, err := exec.Command("/usr/bin/python3", "-c", "import grpc, google.protobuf, cryptography").CombinedOutput(); err != nil {
		msg := "the Python plugin needs python3-grpcio, python3-protobuf and python3-cryptography: " + string(out)
		if os.Getenv(requirePythonEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	path := writeConfig(t, dir, false)
	cfg, err := config.Load(path)
	require.NoError(t, err)
	py, err := config.Load(filepath.Join(tourDir, "config.python.json"))
	require.NoError(t, err)
	require.NotNil(t, py.Messenger.Plugin)
	m := *py.Messenger.Plugin
	m.Path, err = filepath.Abs(filepath.Join(tourDir, m.Path)) // relative to examples/tour, where the tour runs
	require.NoError(t, err)
	m.Args = []string{"--spool", filepath.Join(dir, "messages.jsonl")}
	cfg.Messenger = config.PluginConfig{Plugin: &m}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, j, 0o600))

	s := start(t, dir, path)
	r := s.ready()
	require.Equal(t, 200, r.status, "ready once the Python messenger is up: %s", r.body)
	kids := children(t, s.cmd.Process.Pid)
	require.Len(t, kids, 1, "the messenger is the host's one plugin process")
	assert.Contains(t, filepath.Base(kids[0].exe), "python3", "the plugin process is Python")

	r = s.call("referrer", "POST", "/v1/referrals", readFile(t, filepath.Join(tourDir, "referral.json")), "Idempotency-Key", "gp-py-1")
	require.Equal(t, 201, r.status, string(r.body))
	var ref referral.Referral
	r.into(t, &ref)
	r = s.call("link_worker", "POST", "/v1/referrals/"+ref.ID+"/status", map[string]any{"to": "accepted"}, "If-Match", `"1"`)
	require.Equal(t, 200, r.status, string(r.body))
	s.waitOutboxEmpty()

	var accepted int
	sent := messages(t, dir)
	t.Logf("%d messages delivered through the Python plugin (pid %d)", len(sent), kids[0].pid)
	for _, e := range sent {
		assert.True(t, strings.HasPrefix(e.ReceiptID, "spool-"), "every message went through the Python plugin: %s", e.ReceiptID)
		if e.Message.Event == "referral.accepted" && e.Message.To.Address == "asha.patel@riverside.example.nhs.uk" {
			accepted++
		}
	}
	assert.Equal(t, 1, accepted, "the referrer was told of the acceptance, once")

	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "serve exits 0 on SIGTERM")
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	assert.False(t, running(kids[0].pid), "the Python plugin stopped with the host")
	assert.NotContains(t, s.stderr.String(), "failed to exit gracefully", "the plugin stopped when asked, not killed")
}
