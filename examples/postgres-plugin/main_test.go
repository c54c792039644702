package main_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/plugins/postgres"
)

// The tests build this command once per test run (without -race, so each
// launch is quick) and launch it as a real plugin process.
func TestMain(m *testing.M) { plugintest.Main(m) }

// dbURL returns the test database URL, or skips tb when none is set.
func dbURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("SOCIALRX_POSTGRES_URL")
	if u == "" {
		tb.Skip("SOCIALRX_POSTGRES_URL is not set: point it at a PostgreSQL database, such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the postgres plugin tests")
	}
	return u
}

// withParam returns u with the query parameter k=v.
func withParam(tb testing.TB, u, k, v string) string {
	tb.Helper()
	p, err := url.Parse(u)
	require.NoError(tb, err)
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}

// freshSchema returns a schema name no other test uses, dropped with its
// tables when tb ends.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	u := dbURL(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "socialrx_test_" + hex.EncodeToString(b)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// launch starts the plugin with the settings in env and returns its client.
func launch(tb testing.TB, env ...string) *plugins.Client {
	tb.Helper()
	path, sum := plugintest.BuildPlugin(tb, ".")
	return plugintest.LaunchPlugin(tb, plugins.ClientConfig{Path: path, SHA256: sum, Env: env, Logger: hclog.NewNullLogger()})
}

// The Store conformance suite through the plugin process, one process and
// one schema per subtest.
func TestConformance(t *testing.T) {
	u := dbURL(t)
	plugintest.TestStore(t, func(t *testing.T) plugins.Store {
		s, err := launch(t, "SOCIALRX_POSTGRES_URL="+withParam(t, u, "pool_max_conns", "4"), "SOCIALRX_POSTGRES_SCHEMA="+freshSchema(t)).Store()
		require.NoError(t, err)
		return s
	})
}

// With the database down the plugin does not start; the host gets
// unavailable, not a hang, and the plugin's own error names the cause.
func TestDatabaseDownAtStart(t *testing.T) {
	dbURL(t)
	path, sum := plugintest.BuildPlugin(t, ".")
	logs := &lockedBuffer{}
	c, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, StartTimeout: 20 * time.Second,
		Env:    []string{"SOCIALRX_POSTGRES_URL=postgres://postgres@127.0.0.1:1/test?sslmode=disable"},
		Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug})})
	if err == nil {
		t.Cleanup(func() { _ = c.Close() })
		_, err = c.Store()
	}
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	t.Logf("host: %v", err)
	assert.Contains(t, logs.String(), "127.0.0.1", "the plugin's log says which database it could not reach")
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

// BenchmarkStore measures Get and Create in process and through the plugin
// process, each on a fresh schema, so that the cost of the plugin boundary
// can be read off as a ratio.
func BenchmarkStore(b *testing.B) {
	u := dbURL(b)
	b.Run("inprocess", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			s, err := postgres.Open(context.Background(), postgres.Config{URL: u, Schema: freshSchema(b)})
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			return s
		})
	})
	b.Run("plugin", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			s, err := launch(b, "SOCIALRX_POSTGRES_URL="+u, "SOCIALRX_POSTGRES_SCHEMA="+freshSchema(b)).Store()
			require.NoError(b, err)
			return s
		})
	})
}
