// Package migrate is the one way the SQL stores (plugins/sqlite and
// plugins/postgres) migrate their schemas: versioned SQL files embedded in
// the store's package, applied in order by github.com/pressly/goose/v3 and
// recorded in goose's table (goose_db_version). A schema change is a new
// file NNNN_what.sql beginning "-- +goose Up"; a released file is never
// edited.
//
// Before goose, each store kept its own record of what was applied (SQLite's
// user_version, PostgreSQL's schema_migrations); a store calls [Baseline]
// with those versions, once, so goose takes over without applying them
// again.
package migrate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// Table is goose's record of the applied migrations.
const Table = "goose_db_version"

// Baseline records versions as applied in goose's table, which it creates,
// in tx: for a database migrated before goose. It does nothing when the
// table exists already or versions is empty. dialect is
// database.DialectSQLite3 or database.DialectPostgres.
func Baseline(ctx context.Context, tx *sql.Tx, dialect database.Dialect, versions []int64) error {
	if len(versions) == 0 {
		return nil
	}
	store, err := database.NewStore(dialect, Table)
	if err != nil {
		return err
	}
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + Table + "'"
	if dialect == database.DialectPostgres {
		q = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '" + Table + "'"
	}
	var n int
	if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil || n > 0 {
		return err
	}
	if err := store.CreateVersionTable(ctx, tx); err != nil {
		return err
	}
	for _, v := range append([]int64{0}, versions...) {
		if err := store.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return err
		}
	}
	return nil
}

// NewerError says the database was migrated by a newer build than this one.
type NewerError struct {
	// Database is the version the database is at; Known the newest this
	// build has.
	Database, Known int64
}

// Error says the versions and what to do.
func (e *NewerError) Error() string {
	return fmt.Sprintf("the database schema is at version %d, newer than this build knows (up to %d); upgrade socialrx", e.Database, e.Known)
}

// Up applies the migrations of fsys (files NNNN_what.sql at its root) that
// db has not applied, each in a transaction of its own, and returns the
// version db is then at. It refuses, with a *[NewerError], a database a
// newer build migrated further than fsys goes. opts add goose options, such
// as a session locker.
func Up(ctx context.Context, dialect goose.Dialect, db *sql.DB, fsys fs.FS, opts ...goose.ProviderOption) (int64, error) {
	opts = append([]goose.ProviderOption{goose.WithSlog(slog.New(slog.DiscardHandler)), goose.WithDisableGlobalRegistry(true)}, opts...)
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return 0, err
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return 0, err
	}
	if current > known {
		return 0, &NewerError{Database: current, Known: known}
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// SQLiteLocker returns a goose lock.Locker for a SQLite database: a row in
// a table of its own (goose_lock), so that processes opening one file at
// the same time migrate it one after the other. A lock left by a process
// that died lapses after ttl.
func SQLiteLocker(ttl time.Duration) lock.Locker {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &sqliteLocker{owner: hex.EncodeToString(b), ttl: ttl}
}

type sqliteLocker struct {
	owner string
	ttl   time.Duration
}

// Lock waits until it holds the lock, or ctx ends.
func (l *sqliteLocker) Lock(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS goose_lock (
		id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, until INTEGER NOT NULL)`); err != nil {
		return err
	}
	for {
		now := time.Now().UnixMicro()
		res, err := db.ExecContext(ctx, `INSERT INTO goose_lock (id, owner, until) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE goose_lock.until < ?`,
			l.owner, now+l.ttl.Microseconds(), now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Unlock releases the lock if this locker holds it.
func (l *sqliteLocker) Unlock(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `DELETE FROM goose_lock WHERE id = 1 AND owner = ?`, l.owner)
	return err
}
