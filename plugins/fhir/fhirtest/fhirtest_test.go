package fhirtest_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/fhir/fhirtest"
)

func TestMain(m *testing.M) {
	fhirtest.Start()
	code := m.Run()
	fhirtest.Stop()
	os.Exit(code)
}

func total(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "Patient")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var b struct {
		ResourceType string `json:"resourceType"`
		Total        int    `json:"total"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&b))
	require.Equal(t, "Bundle", b.ResourceType)
	return b.Total
}

// Each tenant is a separate, empty FHIR server.
func TestTenants(t *testing.T) {
	a, b := fhirtest.Tenant(t), fhirtest.Tenant(t)
	require.NotEqual(t, a, b)
	resp, err := http.Post(a+"Patient", "application/fhir+json", strings.NewReader(`{"resourceType":"Patient","birthDate":"1948-03-14"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, 1, total(t, a))
	assert.Equal(t, 0, total(t, b), "another tenant does not see it")

	// The server validates what it stores, as Medplum's server does.
	resp, err = http.Post(a+"Patient", "application/fhir+json", strings.NewReader(`{"resourceType":"Patient","birthDate":"14/03/1948"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
