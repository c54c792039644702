package plugins_test

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

// protocLine is the line of a generated file that names the protoc
// version; it is left out of the comparison so that another protoc build
// does not count as stale.
var protocLine = regexp.MustCompile(`(?m)^//.*protoc\s+v[0-9.]+\n`)

// The committed Go code of the wire is what proto/generate.sh makes from
// the .proto now. Regenerate with `plugins/proto/generate.sh`.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if _, err := exec.LookPath("protoc"); err != nil {
		t.Skip("protoc is not installed (apt-get install protobuf-compiler), so the freshness of the generated code is not checked")
	}
	if testing.Short() {
		t.Skip("-short: not regenerating the wire code")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", "proto/generate.sh", out)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "proto/generate.sh: %s", b)

	const dir = "socialrx/plugin/v1"
	for _, name := range []string{"plugin.pb.go", "plugin_grpc.pb.go"} {
		fresh, err := os.ReadFile(filepath.Join(out, dir, name))
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join("proto", dir, name))
		require.NoError(t, err)
		if line, want, got := firstDiff(protocLine.ReplaceAllString(string(fresh), ""), protocLine.ReplaceAllString(string(committed), "")); line > 0 {
			assert.Fail(t, "stale generated code", "proto/%s/%s is stale (line %d: generated %q, committed %q): run plugins/proto/generate.sh and commit the result",
				dir, name, line, want, got)
		}
	}
}

// firstDiff returns the first line (from 1) where a and b differ and the two
// lines, or 0 when they are equal.
func firstDiff(a, b string) (int, string, string) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || (i >= len(al)) != (i >= len(bl)) {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}
