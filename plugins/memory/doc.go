// Package memory holds in-memory adapters: [Store], a [plugins.Store] for
// tests and for embedding socialrx where nothing needs to survive a
// restart, and [FakeClinicalSystem], a made-up GP system for tests and
// development. Both are safe for concurrent use and pass the conformance
// suites of package plugintest.
//
// The main flow, as the host uses a store:
//
//	s := memory.New()
//	defer s.Close()
//	d, err := s.Create(ctx, plugins.Write{
//		Document: plugins.Document{Kind: plugins.KindReferral, ID: id, Status: "received", Data: doc},
//		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
//		Outbox:   []plugins.OutboxMessage{{ID: msgID, IdempotencyKey: key, Target: "messenger", Payload: msg}},
//	})
//	d.Status = "accepted"
//	d, err = s.Update(ctx, plugins.Write{Document: d}) // conflict if someone updated it first
//	msgs, err := s.LeaseOutbox(ctx, lease, now, 10)   // then AckOutbox or NackOutbox each
package memory
