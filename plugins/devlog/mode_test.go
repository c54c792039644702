//go:build unix

package devlog_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/devlog"
)

// The log, which holds names and addresses, is private to its owner, as
// is the directory Open makes for it.
func TestOpenCreatesPrivateLog(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	path := filepath.Join(dir, "messages.jsonl")
	m, err := devlog.Open(path)
	require.NoError(t, err)
	defer m.Close()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	fi, err = os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm())
}
