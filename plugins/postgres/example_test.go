package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/postgres"
)

// Open, create a referral with its first event and a message to send, and
// update it with compare-and-swap. (Not run: it needs a database.)
func ExampleOpen() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, postgres.Config{URL: os.Getenv("SOCIALRX_POSTGRES_URL"), Schema: "socialrx"})
	if err != nil {
		log.Fatal(err) // unavailable: the database cannot be reached
	}
	defer s.Close()

	doc, err := s.Create(ctx, plugins.Write{
		Document: plugins.Document{Kind: plugins.KindReferral, ID: "r-1", Status: "received", Owner: "lw-1",
			Data: json.RawMessage(`{"id":"r-1","status":"received"}`)},
		Events: []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
		Outbox: []plugins.OutboxMessage{{ID: "m-1", IdempotencyKey: "r-1/received", Target: "messenger",
			Payload: json.RawMessage(`{"channel":"event","event":"referral.received","to":{"role":"link_worker","id":"lw-1"}}`)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	doc.Status, doc.Data = "accepted", json.RawMessage(`{"id":"r-1","status":"accepted"}`)
	doc, err = s.Update(ctx, plugins.Write{Document: doc, Events: []plugins.Event{{Type: "referral.accepted", Actor: "lw-1"}}})
	switch socialrx.ErrorCode(err) {
	case "":
		fmt.Println(doc.Version) // 2
	case socialrx.CodeConflict:
		fmt.Println("someone updated r-1 since we read it: read it again and retry")
	default:
		log.Fatal(err)
	}
}

// A database that cannot be reached is unavailable, so the host retries.
func ExampleOpen_unavailable() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := postgres.Open(ctx, postgres.Config{URL: "postgres://socialrx@127.0.0.1:1/socialrx?sslmode=disable"})
	fmt.Println(socialrx.ErrorCode(err))
	// Output: unavailable
}
