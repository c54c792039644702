package plugintest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// builds are the plugin binaries BuildPlugin made in this test process, in
// a directory Main removes.
var builds struct {
	mu    sync.Mutex
	main  bool // Main runs the tests
	dir   string
	byPkg map[string]*build
}

// build is one plugin command built once.
type build struct {
	once      sync.Once
	path, sum string
	err       error
}

// Main runs the tests of m, removes the plugin binaries [BuildPlugin] built
// and exits with the tests' code. Call it as the TestMain of a package that
// builds plugins:
//
//	func TestMain(m *testing.M) { plugintest.Main(m) }
func Main(m interface{ Run() int }) {
	builds.mu.Lock()
	builds.main = true
	builds.mu.Unlock()
	code := m.Run()
	builds.mu.Lock()
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
	}
	builds.mu.Unlock()
	os.Exit(code)
}

// BuildPlugin builds the plugin command pkg, as `go build` names a package
// ("." for the package under test, "./cmd/myplugin"), once per test process,
// and returns the binary's path and SHA-256 for [plugins.ClientConfig]. It
// builds without -race, so that each launch is quick. It fails tb when the
// build fails, with the compiler's output, and when the package's TestMain
// is not [Main], which removes the binaries when the tests end.
func BuildPlugin(tb testing.TB, pkg string) (path, sum string) {
	tb.Helper()
	builds.mu.Lock()
	b, dir, err := builds.byPkg[pkg], builds.dir, error(nil)
	switch {
	case !builds.main:
		err = errors.New("plugintest.BuildPlugin: the package's TestMain must be plugintest.Main, which removes the built plugins")
	case dir == "":
		dir, err = os.MkdirTemp("", "socialrx-plugintest-")
		builds.dir = dir
	}
	if err == nil && b == nil {
		b = &build{}
		if builds.byPkg == nil {
			builds.byPkg = map[string]*build{}
		}
		builds.byPkg[pkg] = b
	}
	builds.mu.Unlock()
	require.NoError(tb, err)
	b.once.Do(func() { b.path, b.sum, b.err = buildPlugin(dir, pkg) })
	require.NoError(tb, b.err)
	return b.path, b.sum
}

// buildPlugin builds pkg into a directory of its own below dir and returns
// the binary's path and SHA-256.
func buildPlugin(dir, pkg string) (string, string, error) {
	abs, err := filepath.Abs(pkg)
	if err != nil {
		return "", "", err
	}
	sub, err := os.MkdirTemp(dir, "plugin-")
	if err != nil {
		return "", "", err
	}
	path := filepath.Join(sub, filepath.Base(abs))
	if out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	sum, err := fileSHA256(path)
	return path, sum, err
}

// Executable returns the absolute path and the SHA-256 of a plugin program
// that is not a Go package built by [BuildPlugin]: a script in Python or
// another language with a #! line, or a binary another toolchain built.
// Hand them to [LaunchPlugin] in a [plugins.ClientConfig]. It fails tb when
// path is not an executable regular file. The host checks the SHA-256 of
// this file only: modules a script loads from beside it are not covered.
func Executable(tb testing.TB, path string) (abs, sum string) {
	tb.Helper()
	abs, err := filepath.Abs(path)
	require.NoError(tb, err)
	st, err := os.Stat(abs)
	require.NoError(tb, err, "plugin executable")
	require.True(tb, st.Mode().IsRegular(), "plugin %s is not a regular file", abs)
	require.NotZero(tb, st.Mode().Perm()&0o111, "plugin %s is not executable (chmod +x it)", abs)
	sum, err = fileSHA256(abs)
	require.NoError(tb, err)
	return abs, sum
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
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

// LaunchPlugin starts the plugin cfg names with [plugins.NewClient],
// typically with the Path and SHA256 of [BuildPlugin] or [Executable], fails
// tb when it does not start, and closes it when tb ends.
func LaunchPlugin(tb testing.TB, cfg plugins.ClientConfig) *plugins.Client {
	tb.Helper()
	c, err := plugins.NewClient(cfg)
	require.NoError(tb, err, "launch plugin %s (code %q)", cfg.Path, socialrx.ErrorCode(err))
	tb.Cleanup(func() { _ = c.Close() })
	return c
}
