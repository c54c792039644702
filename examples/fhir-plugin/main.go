// Command fhir-plugin serves the FHIR R4 clinical adapter (package
// plugins/fhir) as a socialrx plugin: coded events go to the GP record as
// Procedures and Observations, people are looked up by NHS number, and
// social prescribing referrals are pulled from the server. It takes its
// settings from the environment:
//
//	SOCIALRX_FHIR_BASE_URL  the FHIR R4 base, such as https://gp.example.org/fhir/R4
//	SOCIALRX_FHIR_TOKEN     a bearer token for the server (optional)
//	SOCIALRX_FHIR_TIMEOUT   how long one request may take, such as 30s (default 30s)
//
// A host runs it; run by hand it only says that it is a plugin.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/fhir"
)

func main() {
	log.SetFlags(0)
	if os.Getenv(plugins.MagicCookieKey) != plugins.MagicCookieValue {
		fmt.Fprintln(os.Stderr, "fhir-plugin is a socialrx plugin: a socialrx host starts it (see examples/README.md)")
		os.Exit(1)
	}
	cfg, err := config(os.Getenv)
	if err != nil {
		log.Fatalf("fhir-plugin: %v", err)
	}
	c, err := fhir.New(cfg)
	if err != nil {
		log.Fatalf("fhir-plugin: set SOCIALRX_FHIR_BASE_URL: %v", err)
	}
	if err := plugins.Serve(plugins.ServeConfig{Clinical: c}); err != nil {
		log.Fatalf("fhir-plugin: %v", err)
	}
}

// config reads the adapter's settings from the environment.
func config(getenv func(string) string) (fhir.Config, error) {
	timeout := 30 * time.Second
	if s := getenv("SOCIALRX_FHIR_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return fhir.Config{}, fmt.Errorf("SOCIALRX_FHIR_TIMEOUT %q is not a positive duration such as 30s", s)
		}
		timeout = d
	}
	cfg := fhir.Config{BaseURL: getenv("SOCIALRX_FHIR_BASE_URL"), HTTPClient: &http.Client{Timeout: timeout}}
	if tok := getenv("SOCIALRX_FHIR_TOKEN"); tok != "" {
		cfg.Header = http.Header{"Authorization": {"Bearer " + tok}}
	}
	return cfg, nil
}
