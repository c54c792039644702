package schema

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// UpdateEnv names the environment variable that makes [CheckFresh] rewrite
// stale schema files instead of failing: SOCIALRX_UPDATE_SCHEMAS=1 go test ./...
const UpdateEnv = "SOCIALRX_UPDATE_SCHEMAS"

// CheckFresh fails t when the committed schema file differs from the schema
// reflected from v now. With UpdateEnv set it rewrites the file instead.
func CheckFresh(t testing.TB, file, name string, v any) {
	t.Helper()
	got, err := Reflect(name, v)
	if err != nil {
		t.Fatalf("reflect %s: %v", name, err)
	}
	if _, err := Compile(file, got); err != nil {
		t.Fatalf("the schema reflected for %s does not compile: %v", file, err)
	}
	if os.Getenv(UpdateEnv) != "" {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%s: %v (run with %s=1 to create it)", file, err, UpdateEnv)
	}
	if string(want) != string(got) {
		t.Fatalf("%s is stale: the Go types changed; regenerate with %s=1 go test ./... and commit it", file, UpdateEnv)
	}
}

// CheckPublished fails t unless a package publishes exactly the schemas
// named in types, each fresh (as [CheckFresh], in dir/<name>.schema.json)
// and embedded as committed. published is what the package's Schemas
// returns.
func CheckPublished(t *testing.T, dir string, published map[string][]byte, types map[string]any) {
	t.Helper()
	if got, want := slices.Sorted(maps.Keys(published)), slices.Sorted(maps.Keys(types)); !slices.Equal(got, want) {
		t.Errorf("the package publishes %v; the test expects %v", got, want)
	}
	for name, v := range types {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name+".schema.json")
			CheckFresh(t, file, name, v)
			if os.Getenv(UpdateEnv) != "" {
				return // the binary embeds the file as it was before the update
			}
			committed, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if string(committed) != string(published[name]) {
				t.Errorf("the embedded %s is not the committed file", file)
			}
		})
	}
}
