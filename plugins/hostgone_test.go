//go:build linux

package plugins_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// hostEnv makes the test binary a host for TestPluginDiesWithHost: it
// holds the path and SHA-256 of the plugin to launch.
const hostEnv = "SOCIALRX_TEST_HOST"

// TestHelperHost is not a test: TestPluginDiesWithHost runs the test
// binary as a host process with only this test and hostEnv set. It
// launches memplugin, ends many OS threads of its own (as goroutines locked
// to a thread do when they return) to show that none of them takes the
// plugin with it, prints the plugin's pid and waits to be killed.
func TestHelperHost(t *testing.T) {
	bin := os.Getenv(hostEnv)
	if bin == "" {
		t.Skip("the host process of TestPluginDiesWithHost")
	}
	path, sum, _ := strings.Cut(bin, ":")
	c, err := plugins.NewClient(plugins.ClientConfig{Path: path, SHA256: sum, Env: []string{modeEnv + "=memory"}, Logger: hclog.NewNullLogger()})
	require.NoError(t, err)
	pid := c.Status().PID
	for range 200 {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(done)
		}()
		<-done
	}
	s, err := c.Store()
	require.NoError(t, err)
	_, err = s.Get(t.Context(), plugins.KindPlan, "nothing")
	require.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "the plugin still answers: %v", err)
	st := c.Status()
	require.True(t, st.Up && st.PID == pid && st.Restarts == 0, "the plugin survived 200 thread exits: %+v", st)
	fmt.Printf("plugin %d\n", pid)
	select {}
}

// A host killed with SIGKILL takes its plugin with it: the kernel kills
// the plugin at once (the parent-death signal), before the plugin could
// notice and close its adapters. And the threads the host's runtime ends
// while it runs do not kill the plugin (TestHelperHost).
func TestPluginDiesWithHost(t *testing.T) {
	path, sum := memplugin(t)
	marker := filepath.Join(t.TempDir(), "marker")
	host := exec.Command(os.Args[0], "-test.run=^TestHelperHost$")
	host.Env = append(os.Environ(), hostEnv+"="+path+":"+sum, markerEnv+"="+marker)
	var stderr bytes.Buffer
	host.Stderr = &stderr
	out, err := host.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, host.Start())
	t.Cleanup(func() { _ = host.Process.Kill(); _ = host.Wait() })
	pid := 0
	var said []string
	sc := bufio.NewScanner(out)
	for pid == 0 && sc.Scan() {
		said = append(said, sc.Text())
		if n, ok := strings.CutPrefix(sc.Text(), "plugin "); ok {
			pid, _ = strconv.Atoi(n)
		}
	}
	if pid == 0 {
		_ = host.Process.Kill()
		_ = host.Wait()
		t.Fatalf("the host did not keep its plugin up:\n%s\n%s", strings.Join(said, "\n"), stderr.String())
	}
	require.True(t, running(pid))

	require.NoError(t, host.Process.Signal(syscall.SIGKILL))
	killed := time.Now()
	_ = host.Wait()
	require.Eventually(t, func() bool { return !running(pid) }, liveness, time.Millisecond, "plugin %d outlived its host", pid)
	t.Logf("plugin %d gone %v after its host was killed", pid, time.Since(killed).Round(time.Millisecond))
	b, err := os.ReadFile(marker)
	require.NoError(t, err)
	assert.Equal(t, "started", string(b), "the kernel killed the plugin; it did not stop by itself")
}

// The second line: a plugin whose parent dies without the kernel killing
// it (here a shell that started it, as a wrapper script would) notices
// that its parent is gone, closes its adapters and exits.
func TestPluginStopsWhenParentIsGone(t *testing.T) {
	path, _ := memplugin(t)
	marker := filepath.Join(t.TempDir(), "marker")
	sh := exec.Command("sh", "-c", `"$0" & echo $!; wait`, path)
	sh.Env = append(os.Environ(), plugins.MagicCookieKey+"="+plugins.MagicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=1",
		modeEnv+"=memory", markerEnv+"="+marker)
	out, err := sh.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sh.Start())
	t.Cleanup(func() { _ = sh.Process.Kill(); _ = sh.Wait() })
	sc := bufio.NewScanner(out)
	require.True(t, sc.Scan())
	pid, err := strconv.Atoi(sc.Text())
	require.NoError(t, err)
	t.Cleanup(func() {
		if running(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	require.True(t, sc.Scan(), "the plugin's handshake line")
	require.Contains(t, sc.Text(), "|grpc", "the plugin serves")

	require.NoError(t, sh.Process.Signal(syscall.SIGKILL))
	killed := time.Now()
	_ = sh.Wait()
	require.Eventually(t, func() bool { return !running(pid) }, liveness, time.Millisecond, "plugin %d outlived its parent", pid)
	t.Logf("plugin %d gone %v after its parent was killed", pid, time.Since(killed).Round(time.Millisecond))
	b, err := os.ReadFile(marker)
	require.NoError(t, err)
	assert.Equal(t, "closed", string(b), "Serve closed the adapters before the plugin exited")
}

// running reports whether pid is a live process: neither gone nor a zombie
// waiting for its new parent to reap it.
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// "pid (comm) state …"; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}
