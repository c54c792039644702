package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

// Relative paths in a config file are taken from the file's folder, not
// from where socialrx is started: run from another folder, with --config
// relative to the working directory (as a flag is), the database, the
// message log and the tokens land beside the config, for the embedded
// store and for plugin processes named by relative paths with relative
// arguments (on PostgreSQL the data is in the database, and the plugin's
// binary, the message log and the tokens are beside the config). serve
// says where they are when it starts, and logs its shutdown.
func TestConfigPathsRelativeToTheFile(t *testing.T) {
	for _, store := range []string{embedded, sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) {
			b := binaries(t)
			root := t.TempDir()
			etc, elsewhere := filepath.Join(root, "etc"), filepath.Join(root, "elsewhere")
			require.NoError(t, os.Mkdir(etc, 0o700))
			require.NoError(t, os.Mkdir(elsewhere, 0o700))
			cfg := config.Config{Addr: "127.0.0.1:0", TokensFile: "tokens.json",
				Store: config.PluginConfig{SQLite: "data/socialrx.db"}, Messenger: config.PluginConfig{Log: "data/messages.jsonl"}}
			data := filepath.Join(etc, "data", "socialrx.db") + " (embedded SQLite)"
			files := []string{"data/socialrx.db", "data/messages.jsonl", "tokens.json"}
			if store != embedded {
				for _, p := range []string{store, "devlog-plugin"} {
					require.NoError(t, os.Symlink(b[p][0], filepath.Join(etc, p)))
				}
				cfg.Store = config.PluginConfig{Plugin: &config.PluginBinary{Path: store, SHA256: b[store][1], Args: []string{"-db", "data/socialrx.db"}}}
				cfg.Messenger = config.PluginConfig{Plugin: &config.PluginBinary{Path: "devlog-plugin", SHA256: b["devlog-plugin"][1], Args: []string{"-log", "data/messages.jsonl"}}}
				data = "wherever the store plugin " + filepath.Join(etc, store) + " keeps it"
			}
			if store == postgresPlugin {
				url := postgresURL(t)
				cfg.Store = postgresStore(t, url, freshSchema(t, url))
				cfg.Store.Plugin.Path = postgresPlugin
				files = files[1:]
			}
			j, err := json.Marshal(cfg)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(etc, "config.json"), j, 0o600))

			s := startCmd(t, elsewhere, exec.Command(b["socialrx"][0], "serve", "--config", "../etc/config.json"))
			assert.Equal(t, 200, s.ready().status)
			for _, f := range files {
				assert.FileExists(t, filepath.Join(etc, f), "beside the config")
			}
			left, err := os.ReadDir(elsewhere)
			require.NoError(t, err)
			assert.Empty(t, left, "nothing in the working directory")
			out := s.stdout.String()
			assert.Contains(t, out, "data:     "+data+"\n")
			if store == embedded {
				assert.Contains(t, out, "messages: "+filepath.Join(etc, "data", "messages.jsonl")+" (development log: written here, not sent)\n")
			} else {
				assert.Contains(t, out, "messages: sent by the messenger plugin "+filepath.Join(etc, "devlog-plugin")+"\n")
			}
			assert.Contains(t, out, "tokens:   "+filepath.Join(etc, "tokens.json")+"\n")
			assert.Contains(t, out, "First run: an admin token was made")

			terminate(t, s)
			assert.Contains(t, s.stderr.String(), `"msg":"shutting down: finishing the requests in flight, then a last outbox delivery"`)
			assert.Contains(t, s.stderr.String(), `"msg":"stopped"`)
		})
	}
}

// The built binary says which commit it was built from, when the Go
// toolchain recorded one (go build in a git checkout records it unless
// -buildvcs=false, as GOFLAGS may say), and claims none otherwise.
func TestVersionOfTheBuiltBinary(t *testing.T) {
	bin := binaries(t)["socialrx"][0]
	out, err := exec.Command(bin, "version").Output()
	require.NoError(t, err)
	recorded, err := exec.Command("go", "version", "-m", bin).Output()
	require.NoError(t, err)
	rev := regexp.MustCompile(`\bvcs\.revision=([0-9a-f]+)`).FindSubmatch(recorded)
	if rev == nil {
		assert.Regexp(t, `^socialrx \S+, go1\.\S+\n$`, string(out), "no commit recorded, none claimed")
		t.Logf("the toolchain recorded no commit (GOFLAGS=%q): %s", os.Getenv("GOFLAGS"), out)
		return
	}
	assert.Regexp(t, `^socialrx \S+, commit `+string(rev[1])+`( \(with uncommitted changes\))? of \S+, go1\.`, string(out))
}
