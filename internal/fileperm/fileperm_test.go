//go:build unix

package fileperm_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/fileperm"
)

// withUmask runs f with the process's umask set to mask. The tests of this
// package do not run in parallel, so nothing else sees it.
func withUmask(t *testing.T, mask int, f func()) {
	t.Helper()
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	f()
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Mode().Perm()
}

// What the package creates is 0600, in directories 0700, whether the umask
// would widen (000) or narrow (277) the mode.
func TestCreatedPrivateWhateverTheUmask(t *testing.T) {
	for _, mask := range []int{0o000, 0o022, 0o277} {
		t.Run(fmt.Sprintf("umask %03o", mask), func(t *testing.T) {
			dir := t.TempDir()
			withUmask(t, mask, func() {
				f, err := fileperm.OpenFile(filepath.Join(dir, "a", "b", "log"), os.O_RDWR)
				require.NoError(t, err)
				_, err = f.WriteString("x")
				require.NoError(t, err, "the owner can write it")
				require.NoError(t, f.Close())
				require.NoError(t, fileperm.Create(filepath.Join(dir, "a", "db")))
				require.NoError(t, fileperm.WriteFile(filepath.Join(dir, "c", "tokens.json"), []byte("[]")))
			})
			for _, d := range []string{"a", "a/b", "c"} {
				assert.Equal(t, fileperm.DirMode, mode(t, filepath.Join(dir, d)), d)
			}
			for _, f := range []string{"a/b/log", "a/db", "c/tokens.json"} {
				assert.Equal(t, fileperm.FileMode, mode(t, filepath.Join(dir, f)), f)
			}
			assert.Empty(t, fileperm.Exposed(filepath.Join(dir, "a/b/log"), filepath.Join(dir, "a/db"), filepath.Join(dir, "c/tokens.json")))
		})
	}
}

// A file or directory the operator made keeps its mode; Exposed names the
// files that let others in.
func TestExistingKeepTheirMode(t *testing.T) {
	dir := t.TempDir()
	open, shared, missing := filepath.Join(dir, "open.log"), filepath.Join(dir, "shared.db"), filepath.Join(dir, "missing")
	require.NoError(t, os.WriteFile(open, []byte("1\n"), 0o600))
	require.NoError(t, os.Chmod(open, 0o644))
	require.NoError(t, os.WriteFile(shared, nil, 0o600))
	require.NoError(t, os.Chmod(shared, 0o640))
	require.NoError(t, os.Chmod(dir, 0o755))

	f, err := fileperm.OpenFile(open, os.O_RDWR|os.O_CREATE)
	require.NoError(t, err)
	b := make([]byte, 2)
	_, err = f.Read(b)
	require.NoError(t, err)
	assert.Equal(t, "1\n", string(b), "opened, not replaced")
	require.NoError(t, f.Close())
	require.NoError(t, fileperm.Create(shared))
	require.NoError(t, fileperm.MkdirAll(dir))

	assert.Equal(t, fs.FileMode(0o644), mode(t, open))
	assert.Equal(t, fs.FileMode(0o640), mode(t, shared))
	assert.Equal(t, fs.FileMode(0o755), mode(t, dir))
	got := fileperm.Exposed(open, shared, missing, dir)
	assert.Equal(t, []fileperm.Exposure{{Path: open, Mode: 0o644}, {Path: shared, Mode: 0o640}}, got)
	assert.Contains(t, got[0].String(), "chmod 600")
}

// WriteFile replaces a file whole and leaves nothing else behind; the new
// file is private even where the old one was not.
func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	require.NoError(t, os.Chmod(path, 0o644))
	require.NoError(t, fileperm.WriteFile(path, []byte("new")))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	assert.Equal(t, fileperm.FileMode, mode(t, path))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "no temporary file is left")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "file"), nil, 0o600))
	assert.Error(t, fileperm.WriteFile(filepath.Join(dir, "file", "x"), nil), "a file where a directory should be")
}
