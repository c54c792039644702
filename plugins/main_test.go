package plugins_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
)

// The tests launch testdata/memplugin as a real plugin process. It is built
// once per test run, without -race so that each launch is quick; the wire
// code it runs is race-checked in this process through plugins.NewPipe.
const (
	// modeEnv tells memplugin what to serve.
	modeEnv = "SOCIALRX_TEST_PLUGIN"
	// markerEnv names a file memplugin writes "started" to when it starts
	// and "closed" to when Serve has closed its adapters.
	markerEnv = "SOCIALRX_TEST_MARKER"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "socialrx-plugins-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	binSum    string
	buildErr  error
)

// memplugin returns the path and SHA-256 of the built test plugin.
func memplugin(t testing.TB) (string, string) {
	t.Helper()
	buildOnce.Do(func() {
		binPath = filepath.Join(binDir, "memplugin")
		out, err := exec.Command("go", "build", "-o", binPath, "./testdata/memplugin").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
			return
		}
		binSum, buildErr = sha256File(binPath)
	})
	require.NoError(t, buildErr)
	return binPath, binSum
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build ./testdata/memplugin: " + e.err.Error() + "\n" + e.out
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// launch starts memplugin serving mode.
func launch(t testing.TB, mode string, tune func(*plugins.ClientConfig)) *plugins.Client {
	t.Helper()
	path, sum := memplugin(t)
	cfg := plugins.ClientConfig{
		Path: path, SHA256: sum, Env: []string{modeEnv + "=" + mode},
		Logger: hclog.NewNullLogger(),
	}
	if tune != nil {
		tune(&cfg)
	}
	c, err := plugins.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}
