// Package postgres is a [plugins.Store] on PostgreSQL, for deployments where
// several socialrx hosts share one database.
//
// Documents are rows with their JSON in a jsonb column and the filter fields
// (status, owner, partner, person, updated_at, due_at) in indexed columns.
// Every Create and Update is one SQL statement, so the document, its events
// and its outbox messages commit together or not at all; updates are
// compare-and-swap on the version column, so two hosts racing on the same
// row never lose an update. Outbox workers and schedulers on several hosts
// claim work with FOR UPDATE SKIP LOCKED, so each message is leased by one
// worker at a time.
//
// Every statement on a hot path reads through an index, in the plan made
// for its values and in the generic plan a connection caches after five
// executions (TestHotQueryPlans explains each on 20,000 documents): a List
// filter on a partial index also states the index's condition, and the
// lease statements look the claimed rows up by key rather than joining. No
// foreign key is checked on a write: the store keeps its events with their
// document itself (see migrations/0004_plans.sql).
//
// ExampleOpen (example_test.go) is the main flow: [Open] a [Store] on a
// database (unavailable when it cannot be reached, as
// ExampleOpen_unavailable shows), create a document and update it
// (conflict if someone updated it first).
//
// Open applies the schema migrations (embedded SQL files, applied by goose
// and recorded in the table goose_db_version; see internal/migrate) under
// an advisory lock, so hosts starting at the same time migrate once and
// wait for each other.
// Timestamps are kept to the microsecond, PostgreSQL's precision: the times
// a Store returns are UTC and truncated to the microsecond, and the times it
// sets itself (CreatedAt, UpdatedAt) are rounded up, never before the call.
package postgres

import (
	"context"
	"hash/fnv"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// Config says how to reach the database.
type Config struct {
	// URL is a PostgreSQL connection string in pgx's syntax, such as
	// "postgres://socialrx@db:5432/socialrx?sslmode=verify-full&pool_max_conns=16".
	// The pool_* parameters size the connection pool (pool_max_conns
	// defaults to 4 or the number of CPUs); "" uses libpq's defaults and
	// the PG* environment variables.
	URL string
	// Schema is the PostgreSQL schema holding the store's tables, created if
	// missing; "" means "public". Several stores can share a database in
	// different schemas.
	Schema string
	// ConnectTimeout bounds each connection attempt when the URL sets no
	// connect_timeout; 0 means 5 seconds.
	ConnectTimeout time.Duration
}

// Store is a [plugins.Store] on PostgreSQL. It is safe for concurrent use,
// also by several hosts sharing one database.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	closed atomic.Bool
}

var _ plugins.Store = (*Store)(nil)

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Open connects to the database, applies any pending schema migrations and
// returns the store. Codes: invalid (a bad URL or schema name), unavailable
// (the database cannot be reached, refuses the login, or a context ends),
// internal (the database holds a newer schema than this build knows, or an
// applied migration was altered).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Schema == "" {
		cfg.Schema = "public"
	}
	if !schemaName.MatchString(cfg.Schema) {
		return nil, socialrx.Invalid(socialrx.Field("/schema", "must be a lower-case SQL identifier: letters, digits and underscores, not starting with a digit"))
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// pgconn's ParseConfigError redacts the password.
		return nil, &socialrx.Error{Code: socialrx.CodeInvalid, Message: "postgres: bad connection URL: " + err.Error(),
			Fields: []socialrx.FieldError{socialrx.Field("/url", err.Error())}, Err: err}
	}
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "socialrx"
	}
	pc.ConnConfig.RuntimeParams["search_path"] = cfg.Schema
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
		if pc.ConnConfig.ConnectTimeout <= 0 {
			pc.ConnConfig.ConnectTimeout = 5 * time.Second
		}
	}
	// When a call's context ends mid-statement, ask the server to cancel the
	// statement (so a statement waiting on a lock does not commit later),
	// and give up on the connection if the server does not answer in time.
	pc.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, mapErr(ctx, "open", err)
	}
	s := &Store{pool: pool, schema: cfg.Schema}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pool, waiting for connections in use to be
// returned. Calls after Close fail with unavailable. It returns nil.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.pool.Close()
	}
	return nil
}

// Ping checks that the database answers. Codes: unavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return mapErr(ctx, "ping", s.pool.Ping(ctx))
}

// check refuses calls on a closed store or with a context that has ended.
func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return socialrx.Errorf(socialrx.CodeUnavailable, "postgres: the store is closed")
	}
	if err := ctx.Err(); err != nil {
		return socialrx.Errorf(socialrx.CodeUnavailable, "postgres: %w", err)
	}
	return nil
}

// migrationLockKey is the advisory lock that serialises migrations of one
// schema across every host sharing the database.
func migrationLockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("socialrx.postgres.migrate." + schema))
	return int64(h.Sum64())
}
