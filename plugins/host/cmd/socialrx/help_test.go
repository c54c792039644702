package main

import (
	"flag"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaves are the paths of every command that runs, from the table.
func leaves() [][]string {
	var out [][]string
	commands.walk(nil, func(p []string, _ *command) { out = append(out, p) })
	return out
}

// flagNames are the flags a command declares.
func flagNames(c *command) []string {
	var names []string
	c.flagSet(nil).VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

var flagInHelp = regexp.MustCompile(`(?:^|[\s('"])--?([a-z][a-z-]*)`)

// named are the flags a help text names.
func named(help string) []string {
	var out []string
	for _, m := range flagInHelp.FindAllStringSubmatch(help, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// Every command's help, however asked for, exits 0 on stdout and names
// each flag the command accepts, with a one-line description, and no
// other flag.
func TestEveryCommandsHelp(t *testing.T) {
	require.NotEmpty(t, leaves())
	for _, path := range leaves() {
		t.Run(strings.Join(path, "_"), func(t *testing.T) {
			c := commands
			for _, p := range path {
				c = c.sub(p)
			}
			code, out, errOut := runCmd(append(slices.Clone(path), "--help")...)
			require.Equal(t, 0, code, errOut)
			assert.Empty(t, errOut)
			assert.Contains(t, out, "usage: socialrx "+strings.Join(path, " "))
			assert.Contains(t, out, upperFirst(c.summary))
			want := flagNames(c)
			assert.ElementsMatch(t, want, named(out), "the flags %s --help names are the ones it accepts:\n%s", path, out)
			for _, f := range want {
				assert.Regexp(t, `(?m)^  --`+f+`( [A-Z:|]+)?\s{3,}\S.*$`, out, "--%s has a one-line description", f)
			}
			for _, ask := range [][]string{append(slices.Clone(path), "-h"), append([]string{"help"}, path...)} {
				code, again, _ := runCmd(ask...)
				assert.Equal(t, 0, code, ask)
				assert.Equal(t, out, again, "%q gives the same help", ask)
			}
			if c.args != "" {
				min, _ := c.arity()
				args := append(slices.Clone(path), slices.Repeat([]string{"x"}, min)...)
				code, again, _ := runCmd(append(args, "--help")...)
				assert.Equal(t, 0, code, "--help after the arguments is help too")
				assert.Equal(t, out, again)
			}
		})
	}
}

// socialrx help (and --help, -h) lists every command with its one-line
// summary, and each group of commands lists its own.
func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCmd("help")
	require.Equal(t, 0, code)
	for _, ask := range []string{"--help", "-h"} {
		code, again, _ := runCmd(ask)
		assert.Equal(t, 0, code)
		assert.Equal(t, out, again)
	}
	assert.Contains(t, out, "exit status: 0 ok")
	for _, path := range leaves() {
		c := commands
		for _, p := range path {
			c = c.sub(p)
		}
		assert.NotContains(t, c.summary, "\n")
		assert.Regexp(t, `(?m)^  `+regexp.QuoteMeta(strings.TrimSpace(strings.Join(path, " ")+" "+c.args))+`\s+`+regexp.QuoteMeta(c.summary)+`$`, out)
	}
	assert.Equal(t, []string{"help"}, named(out), "socialrx help names no flag but --help")
	for _, group := range commands.subs {
		if group.subs == nil {
			continue
		}
		code, gout, errOut := runCmd(group.name, "--help")
		require.Equal(t, 0, code, errOut)
		for _, s := range group.subs {
			assert.Contains(t, gout, "  "+s.name+" ", group.name)
			assert.Contains(t, gout, s.summary)
		}
		code, _, errOut = runCmd(group.name)
		assert.Equal(t, 2, code, "%s needs a subcommand", group.name)
		assert.Contains(t, errOut, "socialrx "+group.name+" needs a command")
	}
	code, cfg, _ := runCmd("help", "config")
	require.Equal(t, 0, code)
	assert.Contains(t, cfg, "The socialrx config file")
}

// Unknown commands, flags and arguments are refused with exit 2 and a
// reason, before anything runs.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		reason string
	}{
		{nil, "socialrx needs a command"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"plugins", "dance"}, `socialrx plugins: unknown command "dance"`},
		{[]string{"plugins"}, "socialrx plugins needs a command"},
		{[]string{"serve", "--bogus"}, "socialrx serve: flag provided but not defined: -bogus"},
		{[]string{"serve", "extra"}, `socialrx serve: takes no arguments, but was given ["extra"]`},
		{[]string{"plugins", "check", "--addr", "x"}, "flag provided but not defined: -addr"},
		{[]string{"export", "oruk", "--max-pages", "2"}, "flag provided but not defined: -max-pages"},
		{[]string{"schema", "--config", "x"}, "flag provided but not defined: -config"},
		{[]string{"schema", "a", "b"}, `takes [NAME], but was given 2 arguments: ["a" "b"]`},
		{[]string{"version", "now"}, "socialrx version: takes no arguments"},
		{[]string{"import", "oruk"}, "socialrx import oruk: missing FILE|URL"},
		{[]string{"import", "oruk", "a.json", "b.json"}, "takes FILE|URL, but was given 2 arguments"},
		{[]string{"import", "oruk", "--max-pages", "0", "a.json"}, "--max-pages must be 1 or more"},
		{[]string{"import", "oruk", "--max-pages", "many", "a.json"}, `invalid value "many" for flag -max-pages`},
		{[]string{"import", "postcodes"}, "missing FILE"},
		{[]string{"validate", "f.json"}, "--type is required"},
		{[]string{"validate", "--type", "referral"}, "missing FILE|URL..."},
		{[]string{"validate", "f.json", "--type", "referral"}, `"--type" after the arguments: flags go before them`},
		{[]string{"help", "nope"}, `no command "nope"`},
		{[]string{"help", "import", "nope"}, `no command "import nope"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.reason)
			assert.Contains(t, errOut, "usage: socialrx")
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCmd("version")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `^socialrx \S+.*, `+regexp.QuoteMeta(runtime.Version())+"\n$", out)

	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}
	assert.Equal(t, "socialrx v1.2.3, go1.26.8", versionLine(bi))
	bi.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: "d728f0001dbdfa3a1ae3af81c0e332d1e04ea333"},
		{Key: "vcs.time", Value: "2026-12-01T23:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	assert.Equal(t, "socialrx v1.2.3, commit d728f0001dbdfa3a1ae3af81c0e332d1e04ea333 (with uncommitted changes) of 2026-12-01T23:00:00Z, go1.26.8", versionLine(bi))
	bi.Main.Version = ""
	assert.Contains(t, versionLine(bi), "socialrx (devel), commit")
}
