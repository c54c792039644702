// Command postgres-plugin serves the PostgreSQL store (package
// plugins/postgres) as a socialrx plugin, so that several hosts can share
// one database. It takes its settings from the environment:
//
//	SOCIALRX_POSTGRES_URL     the database, such as postgres://socialrx@db:5432/socialrx?sslmode=verify-full&pool_max_conns=16
//	SOCIALRX_POSTGRES_SCHEMA  the schema holding the tables (default public)
//
// It applies the schema migrations when it starts, and exits with an error
// (which the host logs, then relaunches the plugin with backoff) when the
// database cannot be reached. A host runs it; run by hand it only says that
// it is a plugin.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/postgres"
)

func main() {
	log.SetFlags(0)
	if os.Getenv(plugins.MagicCookieKey) != plugins.MagicCookieValue {
		fmt.Fprintln(os.Stderr, "postgres-plugin is a socialrx plugin: a socialrx host starts it (see examples/README.md)")
		os.Exit(1)
	}
	cfg := postgres.Config{URL: os.Getenv("SOCIALRX_POSTGRES_URL"), Schema: os.Getenv("SOCIALRX_POSTGRES_SCHEMA")}
	if cfg.URL == "" {
		log.Fatal("postgres-plugin: set SOCIALRX_POSTGRES_URL to the database's URL, such as postgres://socialrx@db:5432/socialrx")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	s, err := postgres.Open(ctx, cfg)
	cancel()
	if err != nil {
		log.Fatalf("postgres-plugin: %v", err)
	}
	if err := plugins.Serve(plugins.ServeConfig{Store: s}); err != nil {
		log.Fatalf("postgres-plugin: %v", err)
	}
}
