// Package sqlite is the embedded default [plugins.Store] of the socialrx
// host: one SQLite file through modernc.org/sqlite (pure Go, no cgo). It
// passes the Store conformance suite of package plugintest.
//
// The file is opened in write-ahead-log mode with synchronous=FULL, so a
// write that returned is on disk: it survives a crash of the process, the
// operating system or the power (synchronous=NORMAL with WAL would survive
// only a process crash, and an acknowledged referral, or a queued message to
// a GP, must not vanish). Each Create, Update, lease, ack and nack is one
// transaction that takes the write lock at BEGIN (BEGIN IMMEDIATE), so a
// document, its events and its outbox messages are stored together or not
// at all, and compare-and-swap on the version cannot race. Readers never
// wait for the writer. The schema (with indexes on every filter field) is
// created and migrated on open by goose, from the SQL files in migrations/
// (see internal/migrate; a file made before goose is taken over in place),
// and a file a newer build migrated is refused; processes opening a file
// at once migrate it one after the other, and a busy timeout covers
// another process holding the lock.
// The database holds people's data, so Open creates it private (0600), and
// SQLite's -wal and -shm files follow its mode.
//
// ExampleOpen (example_test.go) is the main flow: [Open] a file, create a
// document with its events and outbox messages, update it (conflict if it
// changed meanwhile) and list documents.
//
// Every statement on a hot path reads through an index whatever the file
// holds: a List names the index of its most selective filter (INDEXED BY),
// since SQLite without fresh statistics would walk the primary key and
// visit every document of the kind, and TestHotQueryPlans explains each
// statement on a file of 20,000 documents. Open and, hourly, an open Store
// run PRAGMA optimize so that the statistics follow the tables for the
// other queries.
//
// Times are stored as microseconds, as PostgreSQL keeps them.
package sqlite
