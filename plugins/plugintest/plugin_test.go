package plugintest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// memplugin is the test plugin of package plugins: the memory store served
// with plugins.Serve when SOCIALRX_TEST_PLUGIN is "memory".
const memplugin = "../testdata/memplugin"

func TestMain(m *testing.M) { plugintest.Main(m) }

// BuildPlugin builds once, however many tests ask at once, and the sum is
// the binary's SHA-256.
func TestBuildPlugin(t *testing.T) {
	type built struct{ path, sum string }
	got := make([]built, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			p, s := plugintest.BuildPlugin(t, memplugin)
			got[i] = built{p, s}
		})
	}
	wg.Wait()
	for _, b := range got[1:] {
		assert.Equal(t, got[0], b, "one build per process")
	}
	bin, err := os.ReadFile(got[0].path)
	require.NoError(t, err)
	sum := sha256.Sum256(bin)
	assert.Equal(t, hex.EncodeToString(sum[:]), got[0].sum)
}

// recorder is a testing.TB that records a failure instead of failing the
// test; FailNow ends the goroutine, as testing's does.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	logs   []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) FailNow() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	runtime.Goexit()
}

// run calls fn with r in a goroutine of its own, as a test would.
func (r *recorder) run(fn func(tb testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
}

// A package that does not build fails the test with the compiler's words.
func TestBuildPluginFails(t *testing.T) {
	for name, pkg := range map[string]string{
		"no such package":  "./no/such/plugin",
		"does not compile": "./testdata/broken",
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{TB: t}
			r.run(func(tb testing.TB) { plugintest.BuildPlugin(tb, pkg) })
			assert.True(t, r.failed)
			assert.Contains(t, strings.Join(r.logs, "\n"), "go build "+pkg)
		})
	}
}

// LaunchPlugin gives a running plugin whose contracts work, and closes it
// when the test ends.
func TestLaunchPlugin(t *testing.T) {
	path, sum := plugintest.BuildPlugin(t, memplugin)
	var (
		c *plugins.Client
		s plugins.Store
	)
	t.Run("launch", func(t *testing.T) {
		c = plugintest.LaunchPlugin(t, plugins.ClientConfig{Path: path, SHA256: sum,
			Env: []string{"SOCIALRX_TEST_PLUGIN=memory"}, Logger: hclog.NewNullLogger()})
		require.True(t, c.Status().Up)
		var err error
		s, err = c.Store()
		require.NoError(t, err)
		d, err := s.Create(t.Context(), plugins.Write{Document: plugins.Document{
			Kind: plugins.KindPlan, ID: "p-1", Data: json.RawMessage(`{}`)}})
		require.NoError(t, err)
		assert.Equal(t, int64(1), d.Version)
	})
	require.NotNil(t, s)
	assert.False(t, c.Status().Up, "closed when the test ended")
	_, err := s.Get(t.Context(), plugins.KindPlan, "p-1")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

// A plugin that does not start fails the test, with the code of the cause.
func TestLaunchPluginFails(t *testing.T) {
	path, _ := plugintest.BuildPlugin(t, memplugin)
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) {
		plugintest.LaunchPlugin(tb, plugins.ClientConfig{Path: path, SHA256: strings.Repeat("0", 64), Logger: hclog.NewNullLogger()})
	})
	assert.True(t, r.failed)
	assert.Contains(t, strings.Join(r.logs, "\n"), `code "forbidden"`)
}
