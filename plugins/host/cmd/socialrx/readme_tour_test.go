package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireTourToolsEnv is set by .ci/run, which installs jq: there a
// missing curl or jq fails TestReadmeTour instead of skipping it.
const requireTourToolsEnv = "SOCIALRX_REQUIRE_JQ"

// repoRoot is the repository's root, where the README's tour runs.
const repoRoot = "../../../../"

// tourBlocks are the sh blocks of the README's tour section.
func tourBlocks(t *testing.T) []string {
	t.Helper()
	readme := string(readFile(t, filepath.Join(repoRoot, "README.md")))
	_, section, ok := strings.Cut(readme, "\n## A five-minute tour\n")
	require.True(t, ok, "the README has its tour")
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// The README's tour runs as it is written, on today's date: its client
// block, run literally by bash from the repository's root (where the
// README says to run it), against a fresh `socialrx serve` of the tour's
// config (the built binary, with the config's files in a new folder),
// fails on any refused request (its curl is --fail-with-body, and bash
// runs with -e and pipefail).
func TestReadmeTour(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := "the README's tour needs " + tool + " (.ci/run installs jq): " + err.Error()
			if os.Getenv(requireTourToolsEnv) != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	blocks := tourBlocks(t)
	require.Len(t, blocks, 2, "the tour is a serve command and the client's steps")
	assert.Equal(t, "go run ./plugins/host/cmd/socialrx serve --config examples/tour/config.json\n", blocks[0],
		"the server the test starts is the one the README starts: the tour's config, from the root")
	assert.Contains(t, blocks[1], "--fail-with-body", "a refused request fails the reader's run too")
	assert.NotContains(t, blocks[1], "cd ", "the steps run from the root, as the README says")

	dir := t.TempDir()
	s := start(t, dir, writeConfig(t, dir, false))
	bash := exec.Command("bash", "-e", "-o", "pipefail", "-c", blocks[1])
	bash.Dir = repoRoot
	bash.Env = append(os.Environ(), "API="+s.base)
	out, err := bash.CombinedOutput()
	require.NoError(t, err, "the tour failed:\n%s\nthe server's log:\n%s", out, s.stderr.String())
	t.Logf("the tour's output:\n%s", out)
	for _, want := range []string{`"pathway":`, `"outcome": "partial"`, `"Tuesday Gardening Club"`, `"attended": true`, `"time_point":"follow_up","scores":[`, `"suppressed": true`} {
		assert.Contains(t, string(out), want)
	}
	assert.NotContains(t, string(out), "9434765919", "the partner's view and the report hold no NHS number")
	s.waitOutboxEmpty()
	var events []string
	for _, e := range messages(t, dir) {
		events = append(events, e.Message.Event)
	}
	assert.Contains(t, events, "referral.accepted", "the referrer was told")
	assert.Contains(t, events, "onward_referral.requested", "the club was sent its view")
}
