package schema

import (
	"os"
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
