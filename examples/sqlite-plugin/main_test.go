package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

// The tests build this command once per test run (without -race, so each
// launch is quick) and launch it as a real plugin process.
func TestMain(m *testing.M) { plugintest.Main(m) }

// launch runs the plugin on the database file db.
func launch(tb testing.TB, db string, tune func(*plugins.ClientConfig)) (*plugins.Client, plugins.Store) {
	tb.Helper()
	path, sum := plugintest.BuildPlugin(tb, ".")
	cfg := plugins.ClientConfig{Path: path, SHA256: sum, Args: []string{"-db", db}, Logger: hclog.NewNullLogger()}
	if tune != nil {
		tune(&cfg)
	}
	c := plugintest.LaunchPlugin(tb, cfg)
	s, err := c.Store()
	require.NoError(tb, err)
	return c, s
}

// The Store conformance suite through the plugin process, one process and
// one database file per subtest.
func TestConformance(t *testing.T) {
	plugintest.TestStore(t, func(t *testing.T) plugins.Store {
		_, s := launch(t, filepath.Join(t.TempDir(), "socialrx.db"), nil)
		return s
	})
}

// Killing the plugin (SIGKILL) while eight goroutines create documents:
// the calls fail with unavailable instead of hanging, the plugin is
// relaunched on the same file, and every create acknowledged before the
// kill is there afterwards.
func TestKillMidLoad(t *testing.T) {
	db := filepath.Join(t.TempDir(), "socialrx.db")
	c, s := launch(t, db, func(cfg *plugins.ClientConfig) {
		cfg.CallTimeout = 10 * time.Second
		cfg.HealthInterval = 50 * time.Millisecond
		cfg.MinBackoff = 20 * time.Millisecond
	})
	const workers = 8
	var (
		mu       sync.Mutex
		acked    []string
		failures []error
		latency  []time.Duration // from the kill to each worker's failure
		killedAt atomic.Pointer[time.Time]
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("w%d-%06d", w, i)
				_, err := s.Create(context.Background(), write(id))
				mu.Lock()
				if err == nil {
					acked = append(acked, id)
					mu.Unlock()
					if killedAt.Load() != nil {
						return // a create the relaunched plugin took; the load is over
					}
					continue
				}
				failures = append(failures, err)
				if k := killedAt.Load(); k != nil {
					latency = append(latency, time.Since(*k))
				}
				mu.Unlock()
				return // the first failure ends this worker
			}
		})
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 200 || len(failures) > 0
	}, time.Minute, time.Millisecond, "the load gets going")
	mu.Lock()
	require.Empty(t, failures, "no create fails before the kill")
	mu.Unlock()

	first := c.Status().PID
	now := time.Now()
	killedAt.Store(&now)
	require.NoError(t, syscall.Kill(first, syscall.SIGKILL))

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("calls hung after the plugin was killed")
	}
	mu.Lock()
	require.NotEmpty(t, failures, "the calls in flight at the kill fail")
	for _, err := range failures {
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	}
	t.Logf("%d creates acknowledged; %d calls failed, %v after the kill", len(acked), len(failures), latency)
	mu.Unlock()

	require.Eventually(t, func() bool {
		st := c.Status()
		return st.Up && st.PID != first
	}, time.Minute, 10*time.Millisecond, "the plugin is relaunched")
	assert.Equal(t, 1, c.Status().Restarts)

	for _, id := range acked {
		d, err := s.Get(t.Context(), plugins.KindPlan, id)
		if assert.NoError(t, err, "acknowledged create %s is lost", id) {
			assert.Equal(t, int64(1), d.Version)
			assert.JSONEq(t, `{"n":1}`, string(d.Data))
		}
	}
	_, err := s.Create(t.Context(), write("after"))
	assert.NoError(t, err, "the relaunched plugin takes writes")
}

func write(id string) plugins.Write {
	return plugins.Write{Document: plugins.Document{Kind: plugins.KindPlan, ID: id, Data: json.RawMessage(`{"n":1}`)}}
}

// BenchmarkStore measures Get and Create in process and through the plugin
// process, on a database file in the benchmark's temporary directory, so
// that the cost of the plugin boundary can be read off as a ratio.
func BenchmarkStore(b *testing.B) {
	b.Run("inprocess", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			s, err := sqlite.Open(filepath.Join(b.TempDir(), "socialrx.db"))
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			return s
		})
	})
	b.Run("plugin", func(b *testing.B) {
		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store {
			_, s := launch(b, filepath.Join(b.TempDir(), "socialrx.db"), nil)
			return s
		})
	})
}
