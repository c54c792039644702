//go:build unix

package sqlite_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/sqlite"
)

// The database and its -wal and -shm files are private to their owner,
// as are the directories Open makes for them; SQLite alone would make the
// files 0644. A file the operator made keeps its mode.
func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "socialrx")
	path := filepath.Join(dir, "socialrx.db")
	s, err := sqlite.Open(path)
	require.NoError(t, err)
	defer s.Close()
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), f)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm(), d)
	}

	shared := filepath.Join(t.TempDir(), "shared.db")
	require.NoError(t, os.WriteFile(shared, nil, 0o600))
	require.NoError(t, os.Chmod(shared, 0o640))
	s2, err := sqlite.Open(shared)
	require.NoError(t, err)
	defer s2.Close()
	fi, err := os.Stat(shared + "-wal")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "the -wal follows the database's mode")
}
