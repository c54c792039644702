package fhir_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/fhir"
)

// The error mapping, for answers a healthy FHIR server does not give on
// demand: each case is one canned HTTP answer, not a FHIR server.
func TestErrorMapping(t *testing.T) {
	outcome := func(expr string) string {
		return `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","details":{"text":"bad value"},"expression":["` + expr + `"]}]}`
	}
	cases := map[string]struct {
		status int
		body   string
		code   socialrx.Code
		path   string
	}{
		"400 with an OperationOutcome":  {400, outcome("Patient.name[0].given"), socialrx.CodeInvalid, "/Patient/name/0/given"},
		"422 without a body":            {422, ``, socialrx.CodeInvalid, ""},
		"405":                           {405, ``, socialrx.CodeInvalid, ""},
		"404":                           {404, outcome("x"), socialrx.CodeNotFound, ""},
		"410":                           {410, ``, socialrx.CodeNotFound, ""},
		"409":                           {409, ``, socialrx.CodeConflict, ""},
		"412":                           {412, outcome("x"), socialrx.CodeConflict, ""},
		"401":                           {401, ``, socialrx.CodeUnavailable, ""},
		"403":                           {403, ``, socialrx.CodeUnavailable, ""},
		"408":                           {408, ``, socialrx.CodeUnavailable, ""},
		"429":                           {429, ``, socialrx.CodeUnavailable, ""},
		"500":                           {500, `<html>oops</html>`, socialrx.CodeUnavailable, ""},
		"502":                           {502, ``, socialrx.CodeUnavailable, ""},
		"503":                           {503, outcome("x"), socialrx.CodeUnavailable, ""},
		"200 that is not JSON":          {200, `<html>login</html>`, socialrx.CodeUnavailable, ""},
		"200 that is not a Bundle":      {200, `{"resourceType":"Patient","id":"1"}`, socialrx.CodeUnavailable, ""},
		"200 with a broken resource":    {200, `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"1","birthDate":7}}]}`, socialrx.CodeUnavailable, ""},
		"200 with a partial birth date": {200, `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"1","birthDate":"1948","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}}]}`, socialrx.CodeUnavailable, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/fhir+json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := fhir.New(fhir.Config{BaseURL: srv.URL + "/fhir"})
			require.NoError(t, err)
			_, err = c.LookupPerson(t.Context(), knownNHS)
			require.Equal(t, tc.code, socialrx.ErrorCode(err), "error: %v", err)
			if tc.status != 200 {
				assert.Contains(t, err.Error(), " "+http.StatusText(tc.status), "the message names the status")
			}
			if tc.path != "" {
				assert.Equal(t, tc.path, socialrx.ErrorFields(err)[0].Path)
			}
		})
	}
}

func TestNetworkErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c, err := fhir.New(fhir.Config{BaseURL: "http://" + addr + "/fhir"})
	require.NoError(t, err)
	_, err = c.LookupPerson(t.Context(), knownNHS)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "nobody listening: %v", err)

	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"resourceType":"Bundle","type":"searchset","entry":[` + strings.Repeat(" ", 2048) + `]}`))
	}))
	defer big.Close()
	c, err = fhir.New(fhir.Config{BaseURL: big.URL, MaxResponseBytes: 1024})
	require.NoError(t, err)
	_, err = c.LookupPerson(t.Context(), knownNHS)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "an answer over the limit: %v", err)

	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	c, err = fhir.New(fhir.Config{BaseURL: slow.URL})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	go cancel()
	_, err = c.LookupPerson(ctx, knownNHS)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "cancelled mid-request: %v", err)
}

func TestNewInvalid(t *testing.T) {
	for _, base := range []string{"", "fhir.example.org", "ftp://fhir.example.org/", "http://"} {
		_, err := fhir.New(fhir.Config{BaseURL: base})
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%q", base)
	}
}
