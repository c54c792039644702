// Package fileperm keeps the files that hold people's data private to the
// user the host runs as: the SQLite database and its -wal and -shm files,
// the tokens file and the development message log. What it creates is mode
// 0600, and the directories it creates for them 0700, exactly, whatever the
// umask; a file that already exists keeps the mode its owner gave it (who
// may have meant it: a backup group, say), and [Exposed] names it when that
// mode lets others in, for the host to warn.
//
// The package's Example (example_test.go) creates a file with [OpenFile]
// and names it with [Exposed] once it is opened up.
package fileperm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// The modes of what this package creates.
const (
	FileMode fs.FileMode = 0o600
	DirMode  fs.FileMode = 0o700
)

// MkdirAll creates dir and its missing parents with mode 0700, leaving the
// directories that exist as they are.
func MkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: errors.New("not a directory")}
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := MkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, DirMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // made meanwhile by someone else
		}
		return err
	}
	return os.Chmod(dir, DirMode) // the umask may have taken bits away
}

// OpenFile opens the file at path with flag (os.O_RDWR, say, or
// os.O_WRONLY|os.O_APPEND), creating it and its missing directories first
// when it does not exist: the file 0600, the directories 0700. An existing
// file keeps its mode. os.O_CREATE and os.O_EXCL in flag are ignored.
func OpenFile(path string, flag int) (*os.File, error) {
	flag &^= os.O_CREATE | os.O_EXCL
	f, err := os.OpenFile(path, flag, 0)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	if err := MkdirAll(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err = os.OpenFile(path, flag|os.O_CREATE|os.O_EXCL, FileMode)
	if errors.Is(err, fs.ErrExist) {
		return os.OpenFile(path, flag, 0) // made meanwhile by someone else
	}
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(FileMode); err != nil { // the umask may have taken bits away
		f.Close()
		return nil, err
	}
	return f, nil
}

// Create makes sure a file exists at path, creating an empty one (0600,
// in directories made 0700) when there is none, so that a program that
// opens it next, such as SQLite, finds it private.
func Create(path string) error {
	f, err := OpenFile(path, os.O_RDONLY)
	if err != nil {
		return err
	}
	return f.Close()
}

// WriteFile replaces the file at path with data, atomically: it writes a
// new file (0600) beside it, syncs it and renames it over the old one, so
// that a crash leaves the old file or the new, never a torn one. Missing
// directories are made 0700. The new file has mode 0600 even where the old
// one had another.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := MkdirAll(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(FileMode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Exposure is a file that lets users other than its owner in.
type Exposure struct {
	Path string
	Mode fs.FileMode // its permission bits
}

// String says what is wrong and how to fix it.
func (e Exposure) String() string {
	return fmt.Sprintf("%s has mode %04o, which lets other users read or change it; socialrx leaves it so: chmod 600 it to make it private",
		e.Path, e.Mode)
}

// Exposed returns those of paths that exist with a mode letting users
// other than their owner read or write them. Files that do not exist are
// skipped. On Windows, where modes do not show who may read a file, it
// returns nothing.
func Exposed(paths ...string) []Exposure {
	if runtime.GOOS == "windows" {
		return nil
	}
	var out []Exposure
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			out = append(out, Exposure{Path: p, Mode: perm})
		}
	}
	return out
}
