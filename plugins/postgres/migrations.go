package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/migrate"
)

// migrationFiles holds the schema migrations, named NNNN_what.sql, applied
// by goose (see internal/migrate). A migration is never edited once
// released: add a new file instead.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// legacyChecksums are the SHA-256 sums of the migrations as they were
// before goose, when the table schema_migrations recorded each applied
// migration with its sum: Open records those as applied in goose's table
// the first time, if their sums match.
var legacyChecksums = map[int64]string{
	1: "74647617504ffb1b432450c99ca18be1eb40f83b1003d16abfe6dc810d55a911",
	2: "26cd4143bdda3db90248c5150762674a7b2cdd5be2f9d3d92ff00df5ab9e877a",
}

// migrate applies the pending migrations with goose, under the schema's
// advisory lock, so hosts starting at the same time migrate once. A schema
// migrated before goose (the table schema_migrations) has what it applied
// recorded in goose's table first, in a transaction that holds the same
// lock. Each migration goose applies is also recorded in
// schema_migrations, when that exists, so that builds before goose still
// refuse a schema migrated further than they know.
func (s *Store) migrate(ctx context.Context) error {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	key := migrationLockKey(s.schema)
	legacy := false
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		ident := pgx.Identifier{s.schema}.Sanitize()
		for _, q := range []string{"SELECT pg_advisory_xact_lock(" + fmt.Sprint(key) + ")", "CREATE SCHEMA IF NOT EXISTS " + ident, "SET LOCAL search_path TO " + ident} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&legacy); err != nil || !legacy {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT version, name, checksum FROM schema_migrations ORDER BY version")
		if err != nil {
			return err
		}
		defer rows.Close()
		var versions []int64
		for rows.Next() {
			var v int64
			var name, sum string
			if err := rows.Scan(&v, &name, &sum); err != nil {
				return err
			}
			want, ok := legacyChecksums[v]
			switch {
			case name == "goose":
				// recorded by this build for older ones; goose's table knows it
			case !ok:
				return socialrx.Errorf(socialrx.CodeInternal,
					"postgres: schema %q has migration %d (%s), newer than this build knows; upgrade socialrx", s.schema, v, name)
			case sum != want:
				return socialrx.Errorf(socialrx.CodeInternal,
					"postgres: migration %d (%s) was changed after schema %q applied it", v, name, s.schema)
			default:
				versions = append(versions, v)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return migrate.Baseline(ctx, tx, goose.DialectPostgres, versions)
	})
	if err != nil {
		return s.migrateErr(ctx, err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(key), lock.WithLockTimeout(1, 600))
	if err != nil {
		return s.migrateErr(ctx, err)
	}
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return s.migrateErr(ctx, err)
	}
	v, err := migrate.Up(ctx, goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return s.migrateErr(ctx, err)
	}
	if legacy {
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, checksum)
			SELECT g, 'goose', '' FROM generate_series(1, $1::integer) AS g ON CONFLICT (version) DO NOTHING`, v)
	}
	return s.migrateErr(ctx, err)
}

// migrateErr maps an error of migrate: a schema newer than this build is
// internal, as are the refusals migrate makes itself.
func (s *Store) migrateErr(ctx context.Context, err error) error {
	var newer *migrate.NewerError
	var se *socialrx.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &newer):
		return socialrx.Errorf(socialrx.CodeInternal, "postgres: schema %q: %w", s.schema, err)
	case errors.As(err, &se):
		return err
	}
	return mapErr(ctx, "migrate", err)
}

// inTx runs fn in a transaction of db that commits when fn returns nil.
func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
