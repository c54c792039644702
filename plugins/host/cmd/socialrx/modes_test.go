//go:build unix

package main_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

// dataConfig is a config whose store, messenger and tokens file are in
// data, embedded or (plugins set) as sqlite-plugin and devlog-plugin.
func dataConfig(t *testing.T, cfg config.Config, data string, plugins bool) config.Config {
	t.Helper()
	b := binaries(t)
	cfg.Addr = "127.0.0.1:0"
	cfg.TokensFile = filepath.Join(data, "tokens.json")
	cfg.Store = config.PluginConfig{SQLite: filepath.Join(data, "socialrx.db")}
	cfg.Messenger = config.PluginConfig{Log: filepath.Join(data, "messages.jsonl")}
	if plugins {
		cfg.Store = config.PluginConfig{Plugin: &config.PluginBinary{Path: b[sqlitePlugin][0], SHA256: b[sqlitePlugin][1],
			Args: []string{"-db", filepath.Join(data, "socialrx.db")}}}
		cfg.Messenger = config.PluginConfig{Plugin: &config.PluginBinary{Path: b["devlog-plugin"][0], SHA256: b["devlog-plugin"][1],
			Args: []string{"-log", filepath.Join(data, "messages.jsonl")}}}
	}
	return cfg
}

// serveWithUmask starts `socialrx serve` with cfg under umask mask.
func serveWithUmask(t *testing.T, dir string, cfg config.Config, mask string) *server {
	t.Helper()
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, j, 0o600))
	return startCmd(t, dir, exec.Command("sh", "-c", `umask `+mask+`; exec "$0" "$@"`, binaries(t)["socialrx"][0], "serve", "--config", path))
}

func perm(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Mode().Perm()
}

// On a first run under umask 000, which would leave new files open to
// every user, the host makes its data files 0600 and the directories it
// makes for them 0700, whether the store and messenger are embedded or
// plugin processes.
func TestDataFilesPrivate(t *testing.T) {
	for _, plugins := range []bool{false, true} {
		name := embedded
		if plugins {
			name = "plugins"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "var", "socialrx")
			s := serveWithUmask(t, dir, dataConfig(t, config.Config{}, data, plugins), "000")
			assert.Equal(t, 200, s.ready().status)

			for _, d := range []string{filepath.Join(dir, "var"), data} {
				assert.Equal(t, fs.FileMode(0o700), perm(t, d), d)
			}
			for _, f := range []string{"socialrx.db", "socialrx.db-wal", "socialrx.db-shm", "messages.jsonl", "tokens.json"} {
				assert.Equal(t, fs.FileMode(0o600), perm(t, filepath.Join(data, f)), f)
			}
			assert.NotContains(t, s.stderr.String(), "chmod 600", "no warnings")
		})
	}
}

// Data files that exist with a wider mode are left so, and the host, or
// the plugin whose file it is, warns of each.
func TestOpenDataFilesWarned(t *testing.T) {
	for _, plugins := range []bool{false, true} {
		name := embedded
		if plugins {
			name = "plugins"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, err := config.Load(filepath.Join(tourDir, "config.json")) // it has tokens, so the tokens file is only read
			require.NoError(t, err)
			cfg = dataConfig(t, cfg, dir, plugins)
			files := []string{cfg.TokensFile, filepath.Join(dir, "socialrx.db"), filepath.Join(dir, "messages.jsonl")}
			for _, f := range files {
				require.NoError(t, os.WriteFile(f, nil, 0o600))
				require.NoError(t, os.Chmod(f, 0o644))
			}
			require.NoError(t, os.WriteFile(cfg.TokensFile, []byte("[]"), 0o644))
			s := serveWithUmask(t, dir, cfg, "022")
			files = append(files, filepath.Join(dir, "socialrx.db-wal"), filepath.Join(dir, "socialrx.db-shm"))
			require.Eventually(t, func() bool {
				for _, f := range files {
					if !strings.Contains(s.stderr.String(), f) {
						return false
					}
				}
				return true
			}, 10*time.Second, 10*time.Millisecond, "a warning names each file: %s", s.stderr)
			assert.Contains(t, s.stderr.String(), "chmod 600")
			for _, f := range files {
				assert.Equal(t, fs.FileMode(0o644), perm(t, f), "%s keeps its mode", f)
			}
		})
	}
}
