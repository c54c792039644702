package plugintest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// Executable launches any program, not only a Go build: here a shell
// script that runs the test plugin, as a wrapper script of an installed
// plugin would.
func TestExecutable(t *testing.T) {
	bin, _ := plugintest.BuildPlugin(t, memplugin)
	script := filepath.Join(t.TempDir(), "plugin.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nexec '"+bin+"' \"$@\"\n"), 0o755))
	path, sum := plugintest.Executable(t, script)
	assert.Equal(t, script, path)
	c := plugintest.LaunchPlugin(t, plugins.ClientConfig{Path: path, SHA256: sum,
		Env: []string{"SOCIALRX_TEST_PLUGIN=memory"}, Logger: hclog.NewNullLogger()})
	s, err := c.Store()
	require.NoError(t, err)
	_, err = s.OutboxDepth(t.Context())
	require.NoError(t, err)
}

// A path that is no program fails the test, saying why.
func TestExecutableFails(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plugin.py")
	require.NoError(t, os.WriteFile(plain, []byte("print()\n"), 0o644))
	for name, c := range map[string]struct{ path, says string }{
		"missing":        {filepath.Join(dir, "nothing"), "no such file"},
		"a directory":    {dir, "not a regular file"},
		"not executable": {plain, "chmod +x"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{TB: t}
			r.run(func(tb testing.TB) { plugintest.Executable(tb, c.path) })
			assert.True(t, r.failed)
			assert.Contains(t, strings.Join(r.logs, "\n"), c.says)
		})
	}
}

// The environment of TestPluginFromEnv.
const (
	executableEnv = "SOCIALRX_PLUGINTEST_EXECUTABLE"
	argsEnv       = "SOCIALRX_PLUGINTEST_ARGS"
	knownEnv      = "SOCIALRX_PLUGINTEST_KNOWN_NHS_NUMBER"
	unknownEnv    = "SOCIALRX_PLUGINTEST_UNKNOWN_NHS_NUMBER"
)

// TestPluginFromEnv runs the conformance suite of every contract a plugin
// serves, through the plugin program named by SOCIALRX_PLUGINTEST_EXECUTABLE,
// so that an author who does not write Go can check a plugin from a
// checkout of socialrx (an absolute path: go test runs in the package's
// directory):
//
//	SOCIALRX_PLUGINTEST_EXECUTABLE=/path/to/my_plugin.py \
//	SOCIALRX_PLUGINTEST_ARGS='--spool {tmp}/spool.jsonl' \
//	go test ./plugins/plugintest -run TestPluginFromEnv -v
//
// SOCIALRX_PLUGINTEST_ARGS are the plugin's arguments, split at spaces,
// with {tmp} replaced by a new empty directory for each launch (the suites
// launch the plugin afresh for each subtest). The program gets the test's
// environment, so its own settings can be set there too. A clinical system
// needs SOCIALRX_PLUGINTEST_KNOWN_NHS_NUMBER and
// SOCIALRX_PLUGINTEST_UNKNOWN_NHS_NUMBER (see plugintest.Clinical).
func TestPluginFromEnv(t *testing.T) {
	exe := os.Getenv(executableEnv)
	if exe == "" {
		t.Skip(executableEnv + " names no plugin program to check")
	}
	path, sum := plugintest.Executable(t, exe)
	launch := func(t *testing.T) *plugins.Client {
		args := strings.Fields(os.Getenv(argsEnv))
		for i, a := range args {
			if strings.Contains(a, "{tmp}") {
				args[i] = strings.ReplaceAll(a, "{tmp}", t.TempDir())
			}
		}
		return plugintest.LaunchPlugin(t, plugins.ClientConfig{Path: path, SHA256: sum, Args: args})
	}
	contracts := launch(t).Status().Contracts
	require.NotEmpty(t, contracts, "the plugin serves no contract")
	t.Logf("%s serves %v", path, contracts)
	for _, contract := range contracts {
		t.Run(contract, func(t *testing.T) {
			switch contract {
			case plugins.ContractStore:
				plugintest.TestStore(t, func(t *testing.T) plugins.Store {
					s, err := launch(t).Store()
					require.NoError(t, err)
					return s
				})
			case plugins.ContractMessenger:
				plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
					m, err := launch(t).Messenger()
					require.NoError(t, err)
					return m
				})
			case plugins.ContractClinical:
				known, unknown := os.Getenv(knownEnv), os.Getenv(unknownEnv)
				require.NotEmpty(t, known, "a clinical system needs %s", knownEnv)
				require.NotEmpty(t, unknown, "a clinical system needs %s", unknownEnv)
				plugintest.TestClinicalSystem(t, func(t *testing.T) plugintest.Clinical {
					c, err := launch(t).Clinical()
					require.NoError(t, err)
					return plugintest.Clinical{System: c, KnownNHSNumber: known, UnknownNHSNumber: unknown}
				})
			default:
				t.Errorf("the plugin serves %q, which is no contract of protocol version %d", contract, plugins.ProtocolVersion)
			}
		})
	}
}
