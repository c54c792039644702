package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/postgres"
)

// legacySchema makes, in schema, what the store made before goose: the
// migrations 0001 and 0002 as they were released (without goose's
// annotation) recorded in schema_migrations with their SHA-256, and one
// document.
func legacySchema(t *testing.T, schema string) {
	t.Helper()
	ctx := context.Background()
	conn := admin(t, "")
	_, err := conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	conn = admin(t, schema)
	_, err = conn.Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
		checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	for i, name := range []string{"0001_init.sql", "0002_team.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		require.NoError(t, err)
		released := strings.TrimPrefix(string(b), "-- +goose Up\n")
		sum := sha256.Sum256([]byte(released))
		_, err = conn.Exec(ctx, released)
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
			i+1, strings.TrimSuffix(name[5:], ".sql"), hex.EncodeToString(sum[:]))
		require.NoError(t, err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO documents (kind, id, version, status, team, data, created_at, updated_at)
		VALUES ('referral', 'old', 3, 'active', 'north', '{"id":"old","n":7}', now(), now())`)
	require.NoError(t, err)
}

// TestMigrateFromBeforeGoose opens schemas the store migrated before it
// used goose: one as released is taken over in place, keeping its data,
// and migrates with goose from then on; one with an edited or an unknown
// migration is refused, as before.
func TestMigrateFromBeforeGoose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name, change, refused string
	}{
		{"as released", "", ""},
		{"edited migration", "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", "was changed"},
		{"newer migration", "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')", "newer than this build"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema := freshSchema(t)
			legacySchema(t, schema)
			conn := admin(t, schema)
			if tc.change != "" {
				_, err := conn.Exec(ctx, tc.change)
				require.NoError(t, err)
			}
			s, err := postgres.Open(ctx, postgres.Config{URL: dbURL(t), Schema: schema})
			if tc.refused != "" {
				assert.Equal(t, socialrx.CodeInternal, socialrx.ErrorCode(err))
				assert.ErrorContains(t, err, tc.refused)
				return
			}
			require.NoError(t, err)
			defer s.Close()
			d, err := s.Get(ctx, plugins.KindReferral, "old")
			require.NoError(t, err)
			assert.Equal(t, int64(3), d.Version)
			assert.Equal(t, "north", d.Team)
			assert.JSONEq(t, `{"id":"old","n":7}`, string(d.Data))

			var applied []int64
			rows, err := conn.Query(ctx, "SELECT version_id FROM goose_db_version ORDER BY id")
			require.NoError(t, err)
			for rows.Next() {
				var v int64
				require.NoError(t, rows.Scan(&v))
				applied = append(applied, v)
			}
			require.NoError(t, rows.Err())
			assert.Equal(t, []int64{0, 1, 2}, applied[:3], "the released migrations are recorded, not applied again")
			var legacy int
			require.NoError(t, conn.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&legacy))
			assert.Equal(t, applied[len(applied)-1], int64(legacy), "schema_migrations follows, so that older builds refuse a newer schema")

			again, err := postgres.Open(ctx, postgres.Config{URL: dbURL(t), Schema: schema})
			require.NoError(t, err, "a second open applies nothing")
			require.NoError(t, again.Close())
		})
	}
}
