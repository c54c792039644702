package plugintest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/socialrx/socialrx/plugins"
)

// BenchmarkStore measures a store's Get and Create, as sub-benchmarks Get
// and Create, so that every adapter and transport (in process, over gRPC)
// is measured the same way. Create reports creates/s; each create is one
// durable commit for a store that has them. newStore returns an empty store
// and registers its clean-up with b.Cleanup.
//
//	func BenchmarkStore(b *testing.B) {
//		plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store { … })
//	}
func BenchmarkStore(b *testing.B, newStore func(b *testing.B) plugins.Store) {
	b.Run("Get", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		const docs = 1000
		for i := range docs {
			if _, err := s.Create(ctx, BenchWrite(benchID(i))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, plugins.KindReferral, benchID(i%docs)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Create", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Create(ctx, BenchWrite(benchID(i))); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "creates/s")
	})
}

func benchID(i int) string { return fmt.Sprintf("bench-%08d", i) }

// benchData is a referral-sized document (about 2 KB of JSON).
var benchData = func() json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"status": "received", "urgency": "routine", "needs": []string{"loneliness", "debt"},
		"person":   map[string]any{"given_name": "Ada", "family_name": "Okafor", "nhs_number": "9434765919", "postcode": "E1 6AN"},
		"referrer": map[string]any{"kind": "gp", "name": "Dr Patel", "organisation": "High Street Surgery"},
		"reason":   strings.Repeat("Lives alone since her husband died and rarely goes out. ", 30),
	})
	return b
}()

// BenchWrite is the create [BenchmarkStore] measures: a referral-sized
// document (about 2 KB of JSON) with one event and one outbox message, as
// the host writes when a referral arrives. An adapter's own benchmarks use
// it to compare with BenchmarkStore's numbers.
func BenchWrite(id string) plugins.Write {
	return plugins.Write{
		Document: plugins.Document{Kind: plugins.KindReferral, ID: id, Status: "received", Owner: "lw-1", Person: "p-1", Data: benchData},
		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
		Outbox: []plugins.OutboxMessage{{
			ID: id + "-m", IdempotencyKey: id + "-k", Target: "messenger",
			Payload: json.RawMessage(`{"channel":"email","to":{"role":"referrer"}}`),
		}},
	}
}
