// Package memory holds in-memory adapters: [Store], a [plugins.Store] for
// tests and for embedding socialrx where nothing needs to survive a
// restart, and [FakeClinicalSystem], a made-up GP system for tests and
// development. Both are safe for concurrent use and pass the conformance
// suites of package plugintest.
//
// ExampleStore (example_test.go) is the main flow, as the host uses a
// store: [Store.Create] a document with its events and outbox messages in
// one write, [Store.Update] it (conflict if someone updated it first), and
// lease the outbox. ExampleFakeClinicalSystem shows the fake GP system.
package memory
