package fhir_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/fhir"
)

// The tests' FHIR server: Medplum's FHIR router and in-memory repository
// behind testdata/medplum-server/server.mjs, started once per test binary
// on a free loopback port. Each test gets its own tenant, an empty server.
const serverDir = "testdata/medplum-server"

// requireServerEnv makes the tests fail, not skip, when the server cannot
// start (set it in CI, where Node and the packages are installed).
const requireServerEnv = "SOCIALRX_REQUIRE_FHIR_SERVER"

var medplum struct {
	once  sync.Once
	base  string
	skip  string
	err   error
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   bytes.Buffer
}

func TestMain(m *testing.M) {
	// Boot the server while the first tests compile the FHIR schema.
	go medplum.once.Do(startMedplum)
	code := m.Run()
	medplum.once.Do(func() {})
	stopMedplum()
	os.Exit(code)
}

func startMedplum() {
	node, err := exec.LookPath("node")
	if err != nil {
		medplum.skip = "node is not installed: the FHIR server tests need Node.js 20.19 or later and `npm ci --prefix plugins/fhir/testdata/medplum-server`"
		return
	}
	if _, err := os.Stat(filepath.Join(serverDir, "node_modules", "@medplum", "fhir-router", "package.json")); err != nil {
		medplum.skip = "the Medplum packages are not installed: run `npm ci --prefix plugins/fhir/testdata/medplum-server`"
		return
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = serverDir
	cmd.Stderr = &medplum.log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		medplum.err = err
		return
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		medplum.err = err
		return
	}
	if err := cmd.Start(); err != nil {
		medplum.err = fmt.Errorf("start the Medplum server: %w", err)
		return
	}
	medplum.cmd, medplum.stdin = cmd, stdin
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
	case l, ok := <-line:
		base, found := strings.CutPrefix(l, "listening ")
		if !ok || !found {
			medplum.err = fmt.Errorf("the Medplum server did not start (%q):\n%s", l, medplum.log.String())
			return
		}
		medplum.base = base
	case <-time.After(2 * time.Minute):
		medplum.err = fmt.Errorf("the Medplum server did not start within 2 minutes:\n%s", medplum.log.String())
	}
}

// stopMedplum closes the server's standard input, which ends it.
func stopMedplum() {
	if medplum.cmd == nil {
		return
	}
	_ = medplum.stdin.Close()
	done := make(chan struct{})
	go func() { _ = medplum.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = medplum.cmd.Process.Kill()
		<-done
	}
}

// tenant returns the base URL of a new, empty FHIR server, or skips the
// test when Node or the Medplum packages are missing.
func tenant(t testing.TB) string {
	t.Helper()
	medplum.once.Do(startMedplum)
	if medplum.skip != "" {
		if os.Getenv(requireServerEnv) != "" {
			t.Fatalf("%s is set but %s", requireServerEnv, medplum.skip)
		}
		t.Skip(medplum.skip)
	}
	require.NoError(t, medplum.err)
	return medplum.base + "/fhir/" + strings.ReplaceAll(uuid.NewString(), "-", "") + "/"
}

// sent counts the resources the adapter sent in these tests, each checked
// against the official FHIR R4 schema on its way out.
var sent atomic.Int64

// schemaChecking checks every request body the adapter sends against the
// official FHIR R4 schema: whatever it writes to a server must be valid.
type schemaChecking struct {
	t    testing.TB
	next http.RoundTripper
}

func (s schemaChecking) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		assert.NoError(s.t, validateFHIR(s.t, b), "%s %s sent a resource that is not valid FHIR R4:\n%s", req.Method, req.URL, b)
		sent.Add(1)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	return s.next.RoundTrip(req)
}

// newClient returns a client of a new, empty FHIR server whose requests
// are checked against the official schema.
func newClient(t testing.TB) *fhir.Client {
	t.Helper()
	officialSchema(t)
	c, err := fhir.New(fhir.Config{BaseURL: tenant(t), HTTPClient: &http.Client{
		Timeout:   time.Minute,
		Transport: schemaChecking{t, http.DefaultTransport},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// The people on the tests' servers.
const (
	knownNHS   = "9434765919"
	unknownNHS = "9000000017"
)

// addPatient puts a person on the server as a Patient.
func addPatient(t testing.TB, c *fhir.Client, nhs string) string {
	t.Helper()
	p := newReferral(t, nil).Person
	p.NHSNumber = nhs
	ref, created, err := c.Create(context.Background(), fhir.PatientOf(p), &fhir.Identifier{System: fhir.SystemNHSNumber, Value: nhs})
	require.NoError(t, err)
	require.True(t, created)
	return ref
}

// count returns how many resources of the type carry the identifier.
func count(t testing.TB, c *fhir.Client, typ string, id fhir.Identifier) int {
	t.Helper()
	found, err := c.SearchByIdentifier(context.Background(), typ, id)
	require.NoError(t, err)
	return len(found)
}

// decodeJSON decodes JSON into a new T.
func decodeJSON[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), "%s", b)
	return v
}
