// Package plugintest holds the conformance suites for the plugin contracts of
// package plugins: [TestStore], [TestMessenger] and [TestClinicalSystem].
// socialrx runs them against every adapter it ships, in process and through a
// real plugin process over gRPC; a local team runs them against its own
// adapter before it goes live.
//
// Call a suite from an ordinary test in your adapter's package, in or outside
// this module. The constructor gives the suite a fresh adapter for each
// subtest and registers its clean-up with t.Cleanup: in a test of your
// own, call plugintest.TestStore(t, func(t *testing.T) plugins.Store {...})
// with a constructor that opens your store on a file in t.TempDir(), as
// plugins/sqlite/store_test.go does (TestMessenger and TestClinicalSystem
// likewise; examples/external-plugin/webhook_test.go is a module outside
// this one doing it).
//
// Run it with `go test -race -run TestConformance/ -v` to see each behaviour
// as a named subtest (such as TestConformance/Outbox/LeaseLost), so a failure
// says which part of the contract the adapter breaks.
//
// Then run the suites again through your built plugin binary, over the gRPC
// wire the host uses: [BuildPlugin] builds the command once per test process
// and returns its path and SHA-256, [LaunchPlugin] starts it for one test and
// closes it when the test ends, and [Main], the package's TestMain, removes
// the binaries when the tests are done (make plugintest.Main your TestMain);
// the constructor you give a suite launches the binary with the arguments
// of a fresh store and returns the client's Store, as
// examples/sqlite-plugin/main_test.go does.
//
// A plugin written in another language, or built by another toolchain, is
// launched the same way: [Executable] gives the path and SHA-256 of any
// program (a Python script with a #! line, say) for [LaunchPlugin]; see
// examples/python-plugin. An author who writes no Go runs every suite the
// plugin's contracts call for from a checkout of socialrx, with the test
// TestPluginFromEnv of this package:
//
//	SOCIALRX_PLUGINTEST_EXECUTABLE=$PWD/my_plugin.py SOCIALRX_PLUGINTEST_ARGS='--spool {tmp}/out.jsonl' \
//		go test ./plugins/plugintest -run TestPluginFromEnv -v
//
// The suites talk to an adapter only through its interface, so they work the
// same over a gRPC wire: they compare values, never pointers, compare JSON by
// meaning (a store may reformat it) and compare times to the millisecond (a
// store may truncate or round to the microsecond or millisecond).
//
// Beyond the doc comments of package plugins, the suites hold adapters to
// these rules, which the host relies on:
//
//   - Every error is a socialrx.Error; invalid input names the field by JSON
//     pointer into the argument ("/document/data", "/events/0/type",
//     "/outbox/1/idempotency_key", "/limit", "/cursor") and nothing of the
//     call is applied. A store can check its input with plugins.Write.Check,
//     Query.Check, Lease.Check and Lease.CheckDue, which apply these rules.
//   - A call whose context is cancelled or past its deadline returns promptly
//     with code unavailable and applies nothing.
//   - A store starts empty; kinds are separate name spaces for ids; Create
//     ignores the caller's Version, CreatedAt and UpdatedAt, and sets
//     UpdatedAt to CreatedAt; Update keeps CreatedAt and replaces every other
//     field. Events need a type and an actor; their Seq is set by the store
//     and a zero At becomes the time of the write.
//   - A write's further documents (Write.Also) are created with it at
//     version 1, or, if any exists, nothing of the write is stored; a
//     replayed create creates none. Query.Team filters like Owner, and an
//     update may move a document to another team.
//   - Query.UpdatedSince includes documents updated at exactly that time;
//     the zero time and any time before year 1 do not filter.
//     Cursors are opaque; a cursor the store did not issue is invalid.
//   - Idempotency keys of creates are unique across the store: a repeated
//     key returns the first result even if the new write names another id.
//   - An outbox message queued with a zero NextAttemptAt may be leased at
//     once (the store sets it to CreatedAt); a lease is held by Lease.Owner
//     while Lease.Until is after the leasing call's now. Acking twice with
//     the same owner succeeds; acking or nacking a message whose lease another
//     owner took, that was never leased, or that a nack released is a
//     conflict. A lease needs an owner, n of at least 1, and an Until after
//     now. LeaseDue hands out the most overdue documents first.
//   - A messenger returns the same receipt ID for every send with one key,
//     with Duplicate set on all but the first; an invalid or refused message
//     does not use up its key; events (ChannelEvent) are not contact, so
//     do-not-contact does not stop them.
//   - A clinical system returns the same reference for every record with one
//     key; LookupPerson returns a JSON object with the person's
//     "nhs_number"; PullReferrals returns referral objects with an "id",
//     never the same one twice when paging with the returned cursors.
package plugintest
