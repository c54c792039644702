package main_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// The tests build this command once per test run (without -race, so each
// launch is quick) and launch it as a real plugin process.
func TestMain(m *testing.M) { plugintest.Main(m) }

// natsURL returns the test server's URL, or skips tb when none is set.
func natsURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("SOCIALRX_NATS_URL")
	if u == "" {
		tb.Skip("SOCIALRX_NATS_URL is not set: point it at a NATS server with JetStream, such as " +
			"nats://127.0.0.1:4222, to run the NATS plugin tests")
	}
	return u
}

// freshEnv returns the plugin's settings for a stream and prefix no other
// test uses; the stream is deleted when tb ends.
func freshEnv(tb testing.TB) []string {
	tb.Helper()
	u := natsURL(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	stream := "SOCIALRX_TEST_" + strings.ToUpper(id)
	tb.Cleanup(func() {
		nc, err := natsgo.Connect(u)
		if err != nil {
			tb.Errorf("delete stream %s: %v", stream, err)
			return
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		require.NoError(tb, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := js.DeleteStream(ctx, stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			tb.Errorf("delete stream %s: %v", stream, err)
		}
	})
	return []string{"SOCIALRX_NATS_URL=" + u, "SOCIALRX_NATS_STREAM=" + stream,
		"SOCIALRX_NATS_PREFIX=socialrx-test-" + id + ".socialrx", "SOCIALRX_NATS_DUPLICATE_WINDOW=1h"}
}

// launch starts the plugin with the settings in env.
func launch(tb testing.TB, env []string) plugins.Messenger {
	tb.Helper()
	path, sum := plugintest.BuildPlugin(tb, ".")
	c := plugintest.LaunchPlugin(tb, plugins.ClientConfig{Path: path, SHA256: sum, Env: env, Logger: hclog.NewNullLogger()})
	m, err := c.Messenger()
	require.NoError(tb, err)
	return m
}

// The Messenger conformance suite through the plugin process, one process
// and one stream per subtest.
func TestConformance(t *testing.T) {
	natsURL(t)
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger { return launch(t, freshEnv(t)) })
}

// Through the plugin, a repeated key is still published once and the
// receipt says so.
func TestDuplicateThroughPlugin(t *testing.T) {
	env := freshEnv(t)
	m := launch(t, env)
	msg := plugins.Message{IdempotencyKey: "k1", Channel: plugins.ChannelEvent, Event: "referral.accepted",
		To: plugins.Recipient{Role: plugins.RolePartner, ID: "org-1"}}
	first, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	again, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID)
	assert.True(t, again.Duplicate)
	assert.True(t, first.At.Equal(again.At))
}

// With NATS unreachable the plugin does not start; the host gets
// unavailable, not a hang.
func TestNATSDownAtStart(t *testing.T) {
	natsURL(t)
	path, sum := plugintest.BuildPlugin(t, ".")
	c, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second,
		Env: []string{"SOCIALRX_NATS_URL=nats://127.0.0.1:1"}, Logger: hclog.NewNullLogger()})
	if err == nil {
		t.Cleanup(func() { _ = c.Close() })
		_, err = c.Messenger()
	}
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}
