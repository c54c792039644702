package nats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/nats"
)

// Publish a domain event once, however often the outbox retries it. (Not
// run: it needs a NATS server.)
func ExampleOpen() {
	ctx := context.Background()
	m, err := nats.Open(ctx, nats.Config{URL: "nats://127.0.0.1:4222"})
	if err != nil {
		log.Fatal(err) // unavailable: NATS cannot be reached
	}
	defer m.Close()
	msg := plugins.Message{IdempotencyKey: "r-1/accepted", Channel: plugins.ChannelEvent, Event: "referral.accepted",
		To: plugins.Recipient{Role: plugins.RolePartner, ID: "org-1"}, Data: json.RawMessage(`{"referral_id":"r-1"}`)}
	first, _ := m.Send(ctx, msg)
	again, _ := m.Send(ctx, msg) // a retry: nothing is published
	fmt.Println(first.ID == again.ID, again.Duplicate)
}
