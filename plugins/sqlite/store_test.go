package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

// mustOpen opens a store in a new file and closes it when the test ends.
func mustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "socialrx.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStoreConformance(t *testing.T) {
	plugintest.TestStore(t, func(t *testing.T) plugins.Store { return mustOpen(t) })
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "socialrx.db")
	s, err := sqlite.Open(path)
	require.NoError(t, err)
	w := plugins.Write{
		Document:       plugins.Document{Kind: plugins.KindReferral, ID: "r-1", Status: "received", Data: json.RawMessage(`{"a":1}`)},
		Events:         []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
		Outbox:         []plugins.OutboxMessage{{ID: "m-1", IdempotencyKey: "k-1", Target: "messenger", Payload: json.RawMessage(`{}`)}},
		IdempotencyKey: "create-r-1",
	}
	first, err := s.Create(ctx, w)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s, err = sqlite.Open(path)
	require.NoError(t, err)
	defer s.Close()
	got, err := s.Get(ctx, plugins.KindReferral, "r-1")
	require.NoError(t, err)
	assert.Equal(t, first, got, "the document as written")
	again, err := s.Create(ctx, w)
	require.NoError(t, err, "the idempotency key survives a reopen")
	assert.Equal(t, first, again)
	evs, err := s.Events(ctx, plugins.KindReferral, "r-1", 0, 0)
	require.NoError(t, err)
	assert.Len(t, evs, 1)
	depth, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)
}

func TestOpenBadPath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for name, path := range map[string]string{
		"empty":        "",
		"query string": filepath.Join(t.TempDir(), "x.db?mode=ro"),
		"under a file": filepath.Join(file, "x.db"),
		"a directory":  t.TempDir(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlite.Open(path)
			assert.Error(t, err)
			assert.Contains(t, []socialrx.Code{socialrx.CodeInvalid, socialrx.CodeUnavailable}, socialrx.ErrorCode(err), "%v", err)
		})
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Get(context.Background(), plugins.KindReferral, "x")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	_, err = s.Create(context.Background(), plugins.Write{Document: plugins.Document{Kind: plugins.KindReferral, ID: "x", Data: json.RawMessage(`{}`)}})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

// TestUpgradeFromVersion1 opens a file made before documents had a team:
// its documents stay, and they gain an empty team that updates can set.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	ddl, err := os.ReadFile("testdata/schema_v1.sql")
	require.NoError(t, err)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(string(ddl))
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO documents (kind, id, version, status, data, created_at, updated_at) VALUES ('referral', 'old', 1, 'received', '{"a":1}', 1, 1)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := sqlite.Open(path)
	require.NoError(t, err)
	defer s.Close()
	d, err := s.Get(ctx, plugins.KindReferral, "old")
	require.NoError(t, err)
	assert.Equal(t, "received", d.Status)
	assert.Empty(t, d.Team)
	d.Team = "team-1"
	_, err = s.Update(ctx, plugins.Write{Document: d})
	require.NoError(t, err)
	pg, err := s.List(ctx, plugins.Query{Kind: plugins.KindReferral, Team: "team-1"})
	require.NoError(t, err)
	require.Len(t, pg.Documents, 1)
	assert.Equal(t, "old", pg.Documents[0].ID)
}

// TestUpgradeToDeadLetters opens a file of schema version 2, from before
// dead letters and pruning, with a create idempotency key and a delivered
// message, and shows both survive the upgrade and can then be pruned: the
// old key counts from the upgrade, not from the epoch.
func TestUpgradeToDeadLetters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "socialrx.db")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`
CREATE TABLE idempotency (key TEXT PRIMARY KEY, result BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE outbox (
	seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, idempotency_key TEXT NOT NULL UNIQUE,
	target TEXT NOT NULL, payload BLOB NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '', delivered_at INTEGER,
	lease_owner TEXT, lease_until INTEGER);
INSERT INTO idempotency (key, result) VALUES ('old-key', '{"kind":"referral","id":"r-1","version":1,"data":{}}');
INSERT INTO outbox (id, idempotency_key, target, payload, created_at, next_attempt_at, delivered_at) VALUES ('m-1', 'k-1', 'messenger', '{}', 1, 1, 1);
PRAGMA user_version = 2;`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := sqlite.Open(path)
	require.NoError(t, err)
	defer s.Close()
	m, err := s.GetOutbox(ctx, "m-1")
	require.NoError(t, err)
	assert.Nil(t, m.DeadAt)
	assert.NotNil(t, m.DeliveredAt)

	p, err := s.PruneOutbox(ctx, time.Time{}, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, plugins.Pruned{}, p, "a key kept from before the upgrade is as new as the upgrade")
	p, err = s.PruneOutbox(ctx, time.Now(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, plugins.Pruned{Delivered: 1, IdempotencyKeys: 1}, p)
}

// TestMigrations: a new file is migrated with goose and keeps its version
// in user_version too (which builds before goose read); a file a newer build
// migrated further, by goose or before it, is refused and left as it was.
func TestMigrations(t *testing.T) {
	for _, tc := range []struct {
		name, change string
	}{
		{"newer by goose", "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)"},
		{"newer before goose", "DROP TABLE goose_db_version; PRAGMA user_version = 99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.db")
			s, err := sqlite.Open(path)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			db, err := sql.Open("sqlite", path)
			require.NoError(t, err)
			defer db.Close()
			var v, n int
			require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&v))
			require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0").Scan(&n))
			assert.Equal(t, n, v, "user_version is goose's version")
			assert.GreaterOrEqual(t, v, 2)

			_, err = db.Exec(tc.change)
			require.NoError(t, err)
			_, err = sqlite.Open(path)
			assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
			assert.ErrorContains(t, err, "newer than this build")
		})
	}
}

// TestOpenTogether: processes opening a new file at the same time all
// open it, and each migration is applied once.
func TestOpenTogether(t *testing.T) {
	for range 5 {
		path := filepath.Join(t.TempDir(), "s.db")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := sqlite.Open(path)
				if errs[i] = err; err == nil {
					errs[i] = s.Close()
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		var n, distinct int
		require.NoError(t, db.QueryRow("SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version").Scan(&n, &distinct))
		assert.Equal(t, distinct, n, "each migration applied once")
		require.NoError(t, db.Close())
	}
}
