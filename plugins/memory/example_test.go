package memory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
)

// A referral is stored with an event and a message to the referrer in one
// write; a stale update is refused; a worker delivers the message.
func ExampleStore() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	d, _ := s.Create(ctx, plugins.Write{
		Document: plugins.Document{Kind: plugins.KindReferral, ID: "r-1", Status: "received", Data: json.RawMessage(`{"needs":["loneliness"]}`)},
		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
		Outbox:   []plugins.OutboxMessage{{ID: "m-1", IdempotencyKey: "r-1/received", Target: "messenger", Payload: json.RawMessage(`{}`)}},
	})
	fmt.Println(d.ID, "version", d.Version)

	stale := d
	d.Status = "accepted"
	d, _ = s.Update(ctx, plugins.Write{Document: d, Events: []plugins.Event{{Type: "referral.accepted", Actor: "lw-1"}}})
	_, err := s.Update(ctx, plugins.Write{Document: stale})
	fmt.Println(d.Status, "version", d.Version, "; stale update:", socialrx.ErrorCode(err))

	now := time.Now()
	lease := plugins.Lease{Owner: "worker-1", Until: now.Add(time.Minute)}
	msgs, _ := s.LeaseOutbox(ctx, lease, now, 10)
	for _, m := range msgs {
		_ = s.AckOutbox(ctx, m.ID, lease, now)
	}
	depth, _ := s.OutboxDepth(ctx)
	fmt.Println("delivered", len(msgs), "left", depth)
	// Output:
	// r-1 version 1
	// accepted version 2 ; stale update: conflict
	// delivered 1 left 0
}

// The fake GP system knows a few made-up people.
func ExampleFakeClinicalSystem() {
	ctx := context.Background()
	gp := memory.NewFakeClinicalSystem()
	p, _ := gp.LookupPerson(ctx, memory.FakeNHSNumbers[0])
	var person struct {
		GivenName string `json:"given_name"`
	}
	_ = json.Unmarshal(p, &person)
	fmt.Println(person.GivenName)
	_, err := gp.LookupPerson(ctx, memory.FakeUnknownNHSNumber)
	fmt.Println(socialrx.ErrorCode(err))
	// Output:
	// Ada
	// not_found
}
