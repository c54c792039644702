package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/postgres"
)

// URLEnv names the environment variable with the test database's URL.
const URLEnv = "SOCIALRX_POSTGRES_URL"

// dbURL returns the test database URL, or skips tb when none is set.
func dbURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(URLEnv)
	if u == "" {
		tb.Skip(URLEnv + " is not set: point it at a PostgreSQL database, such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the postgres store tests")
	}
	return u
}

// withParam returns u with the query parameter k=v.
func withParam(tb testing.TB, u, k, v string) string {
	tb.Helper()
	p, err := url.Parse(u)
	require.NoError(tb, err)
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}

// freshSchema returns the name of a schema no other test uses, dropped with
// everything in it when tb ends.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	u := dbURL(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "socialrx_test_" + hex.EncodeToString(b)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// openIn opens a store on schema, closed when tb ends.
func openIn(tb testing.TB, schema string, params ...string) *postgres.Store {
	tb.Helper()
	u := dbURL(tb)
	if len(params) == 0 {
		params = []string{"pool_max_conns", "4"}
	}
	for i := 0; i+1 < len(params); i += 2 {
		u = withParam(tb, u, params[i], params[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, postgres.Config{URL: u, Schema: schema})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// openStore opens a store on a fresh schema of its own.
func openStore(tb testing.TB) *postgres.Store {
	tb.Helper()
	return openIn(tb, freshSchema(tb))
}

// admin opens a plain connection to the test database with search_path set
// to schema, closed when tb ends.
func admin(tb testing.TB, schema string) *pgx.Conn {
	tb.Helper()
	u := dbURL(tb)
	if schema != "" {
		u = withParam(tb, u, "search_path", schema)
	}
	conn, err := pgx.Connect(context.Background(), u)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}
