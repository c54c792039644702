// Command nats-plugin serves the NATS JetStream messenger (package
// plugins/nats) as a socialrx plugin. It takes its settings from the
// environment:
//
//	SOCIALRX_NATS_URL               the servers, such as nats://nats-1:4222,nats://nats-2:4222
//	SOCIALRX_NATS_CREDS             a credentials file (optional)
//	SOCIALRX_NATS_STREAM            the JetStream stream (default SOCIALRX)
//	SOCIALRX_NATS_PREFIX            the subject prefix (default socialrx)
//	SOCIALRX_NATS_DUPLICATE_WINDOW  the de-duplication window of a stream it creates, such as 24h
//
// It creates the stream when it does not exist, and exits with an error
// (which the host logs, then relaunches the plugin with backoff) when NATS
// cannot be reached. A host runs it; run by hand it only says that it is a
// plugin.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	natsgo "github.com/nats-io/nats.go"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/nats"
)

func main() {
	log.SetFlags(0)
	if os.Getenv(plugins.MagicCookieKey) != plugins.MagicCookieValue {
		fmt.Fprintln(os.Stderr, "nats-plugin is a socialrx plugin: a socialrx host starts it (see examples/README.md)")
		os.Exit(1)
	}
	cfg := nats.Config{
		URL:    os.Getenv("SOCIALRX_NATS_URL"),
		Stream: os.Getenv("SOCIALRX_NATS_STREAM"),
		Prefix: os.Getenv("SOCIALRX_NATS_PREFIX"),
	}
	if cfg.URL == "" {
		log.Fatal("nats-plugin: set SOCIALRX_NATS_URL to the NATS servers, such as nats://127.0.0.1:4222")
	}
	if w := os.Getenv("SOCIALRX_NATS_DUPLICATE_WINDOW"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil {
			log.Fatalf("nats-plugin: SOCIALRX_NATS_DUPLICATE_WINDOW: %v", err)
		}
		cfg.DuplicateWindow = d
	}
	if creds := os.Getenv("SOCIALRX_NATS_CREDS"); creds != "" {
		cfg.Options = append(cfg.Options, natsgo.UserCredentials(creds))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	m, err := nats.Open(ctx, cfg)
	cancel()
	if err != nil {
		log.Fatalf("nats-plugin: %v", err)
	}
	if err := plugins.Serve(plugins.ServeConfig{Messenger: m}); err != nil {
		log.Fatalf("nats-plugin: %v", err)
	}
}
