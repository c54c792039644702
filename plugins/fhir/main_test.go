package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/fhir"
	"github.com/socialrx/socialrx/plugins/fhir/fhirtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if testing.Verbose() {
		fmt.Printf("fhir: %d documents checked against the R4 schema and invariants; %d request bodies sent to the FHIR server\n", checked.Load(), sent.Load())
	}
	fhirtest.Stop()
	os.Exit(code)
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
	fhirtest.Start() // boots in the background while the schema compiles
	officialSchema(t)
	return clientOf(t, fhirtest.Tenant(t))
}

// clientOf returns a client of the server at base whose requests are
// checked against the official schema.
func clientOf(t testing.TB, base string) *fhir.Client {
	t.Helper()
	c, err := fhir.New(fhir.Config{BaseURL: base, HTTPClient: &http.Client{
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
