package hosttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

// PostgresURLEnv names the environment variable with the URL of the
// PostgreSQL database the postgres-plugin deployment uses, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test gets
// a schema of its own in it.
const PostgresURLEnv = "SOCIALRX_POSTGRES_URL"

// The deployments [Matrix] runs a test on.
const (
	// SQLite is package plugins/sqlite in the host's process, on a file.
	SQLite = "sqlite"
	// SQLitePlugin is examples/sqlite-plugin, a plugin process over gRPC, on a file.
	SQLitePlugin = "sqlite-plugin"
	// PostgresPlugin is examples/postgres-plugin, a plugin process over
	// gRPC, on a schema of its own.
	PostgresPlugin = "postgres-plugin"
)

// Deployments are the deployments [Matrix] runs a test on, in order.
var Deployments = []string{SQLite, SQLitePlugin, PostgresPlugin}

// The plugin commands, as go build names them, so that they build from the
// directory of any package's tests.
const (
	sqlitePluginPkg   = "github.com/socialrx/socialrx/examples/sqlite-plugin"
	postgresPluginPkg = "github.com/socialrx/socialrx/examples/postgres-plugin"
)

// Matrix runs run as a subtest per deployment (see [Deployments]), each
// on an Env over a new, empty database of that deployment, made with
// opts. A package that calls it needs plugintest.Main as its TestMain.
func Matrix(t *testing.T, run func(t *testing.T, e *Env), opts ...Option) {
	t.Helper()
	for _, d := range Deployments {
		t.Run(d, func(t *testing.T) {
			run(t, Open(t, d, opts...))
		})
	}
}

// Open returns an Env over a new, empty database of the deployment ("memory"
// or one of [Deployments]), removed when t ends. It skips t on
// postgres-plugin when SOCIALRX_POSTGRES_URL is not set, and fails it on a
// deployment it does not know.
func Open(t testing.TB, deployment string, opts ...Option) *Env {
	t.Helper()
	var connect func(testing.TB) plugins.Store
	var where string
	switch deployment {
	case "memory":
		return New(t, opts...)
	case SQLite:
		db := filepath.Join(t.TempDir(), "socialrx.db")
		where = db
		connect = func(t testing.TB) plugins.Store {
			t.Helper()
			s, err := sqlite.Open(db)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
	case SQLitePlugin:
		db := filepath.Join(t.TempDir(), "socialrx.db")
		where = db
		path, sum := plugintest.BuildPlugin(t, sqlitePluginPkg)
		connect = func(t testing.TB) plugins.Store {
			t.Helper()
			return launch(t, plugins.ClientConfig{Path: path, SHA256: sum, Args: []string{"-db", db}})
		}
	case PostgresPlugin:
		u := os.Getenv(PostgresURLEnv)
		if u == "" {
			t.Skip(PostgresURLEnv + " is not set: point it at a PostgreSQL database, such as " +
				"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the postgres-plugin leg")
		}
		schema := freshSchema(t, u)
		where = schema
		path, sum := plugintest.BuildPlugin(t, postgresPluginPkg)
		env := []string{PostgresURLEnv + "=" + withParam(t, u, "pool_max_conns", "4"), "SOCIALRX_POSTGRES_SCHEMA=" + schema}
		connect = func(t testing.TB) plugins.Store {
			t.Helper()
			return launch(t, plugins.ClientConfig{Path: path, SHA256: sum, Env: env})
		}
	default:
		t.Fatalf("hosttest: no deployment %q; want memory or one of %v", deployment, Deployments)
	}
	e := newEnv(t, deployment, connect, opts)
	e.DB = where
	return e
}

// launch starts a store plugin, closed when t ends.
func launch(t testing.TB, cfg plugins.ClientConfig) plugins.Store {
	t.Helper()
	cfg.Logger = hclog.NewNullLogger()
	s, err := plugintest.LaunchPlugin(t, cfg).Store()
	require.NoError(t, err)
	return s
}

// freshSchema returns the name of a schema no other test uses, dropped
// with everything in it when t ends (after the plugins on it are closed,
// which t.Cleanup registered later).
func freshSchema(t testing.TB, u string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "hosttest_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// withParam returns u with the query parameter k=v.
func withParam(t testing.TB, u, k, v string) string {
	t.Helper()
	p, err := url.Parse(u)
	require.NoError(t, err)
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}
