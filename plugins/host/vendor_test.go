package host_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

// RequireSecondValidatorEnv names the environment variable that makes
// TestASecondValidatorAgrees fail, rather than skip, when no Python with
// jsonschema is at hand; .ci/run sets it.
const RequireSecondValidatorEnv = "SOCIALRX_REQUIRE_PYTHON_JSONSCHEMA"

// secondValidator finds a python3 whose jsonschema validates draft
// 2020-12: $SOCIALRX_PYTHON if set, else the system's (Debian's
// python3-jsonschema), else the first on PATH.
func secondValidator(t *testing.T) string {
	candidates := []string{"/usr/bin/python3", "python3"}
	if py := os.Getenv("SOCIALRX_PYTHON"); py != "" {
		candidates = []string{py}
	}
	for _, py := range candidates {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "from jsonschema import Draft202012Validator").Run() == nil {
			return path
		}
	}
	msg := "no python3 with jsonschema 4 (draft 2020-12): apt-get install python3-jsonschema"
	if os.Getenv(RequireSecondValidatorEnv) != "" {
		t.Fatal(msg + " (" + RequireSecondValidatorEnv + " is set)")
	}
	t.Skip(msg)
	return ""
}

// vendorCorpus is every document in the repository's testdata that has a
// published schema, good and bad, by the schema it is read as.
func vendorCorpus(t *testing.T) map[string]string {
	docs := map[string]string{
		"../../referral/testdata/referral_valid.json":                   "referral",
		"../../referral/testdata/referral_five_errors.json":             "referral",
		"../../examples/tour/referral.json":                             "referral",
		"internal/hosttest/testdata/referral_new.json":                  "referral",
		"internal/hosttest/testdata/assessment.json":                    "assessment",
		"../../plan/testdata/older_people_rules.json":                   "ruleset",
		"../../plan/default_rules.json":                                 "ruleset",
		"../../outcomes/testdata/custom_instrument.json":                "instrument",
		"../../directory/testdata/oruk/examples/service_full.json":      "service",
		"../../directory/testdata/oruk/examples/organization_full.json": "organization",
	}
	for _, pattern := range []string{"testdata/good/*.json", "cmd/socialrx/testdata/bad/*/*.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, files, pattern)
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			if strings.Contains(pattern, "bad") {
				name = filepath.Base(filepath.Dir(f))
			}
			docs[f] = name
		}
	}
	return docs
}

// TestASecondValidatorAgrees runs a second, independent JSON Schema
// 2020-12 validator (Python's jsonschema, testdata/second_validator.py)
// over every published schema, which it must find a valid 2020-12 schema,
// and over every document of the repository's testdata that has one: its
// verdict, and the pointers it finds at fault, must be ours, document by
// document. It is what a vendor validating against our schemas with
// their own tools would see.
func TestASecondValidatorAgrees(t *testing.T) {
	py := secondValidator(t)
	dir := t.TempDir()
	published := host.Schemas()
	job := struct {
		Schemas   map[string]string   `json:"schemas"`
		Documents []map[string]string `json:"documents"`
	}{Schemas: map[string]string{}}
	for name, b := range published {
		p := filepath.Join(dir, name+".schema.json")
		require.NoError(t, os.WriteFile(p, b, 0o600))
		job.Schemas[name] = p
	}
	corpus := vendorCorpus(t)
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range corpus {
			if !yield(p) {
				return
			}
		}
	})
	for _, p := range paths {
		require.Contains(t, published, corpus[p], p)
		job.Documents = append(job.Documents, map[string]string{"schema": corpus[p], "path": p})
	}
	in, err := json.Marshal(job)
	require.NoError(t, err)
	cmd := exec.Command(py, "testdata/second_validator.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var res struct {
		Version   string            `json:"version"`
		Schemas   map[string]string `json:"schemas"`
		Documents []struct {
			Path     string   `json:"path"`
			Valid    bool     `json:"valid"`
			Pointers []string `json:"pointers"`
			Note     string   `json:"note"`
		} `json:"documents"`
	}
	require.NoError(t, json.Unmarshal(out, &res), string(out))
	t.Logf("python jsonschema %s: %d schemas, %d documents", res.Version, len(res.Schemas), len(res.Documents))

	require.Len(t, res.Schemas, len(published))
	for name, why := range res.Schemas {
		assert.Empty(t, why, "%s is not a valid 2020-12 schema to jsonschema %s", name, res.Version)
	}
	require.Len(t, res.Documents, len(paths))
	valid, invalid := 0, 0
	for _, d := range res.Documents {
		name := corpus[d.Path]
		b, err := os.ReadFile(d.Path)
		require.NoError(t, err)
		v, err := schema.Compile(name+".schema.json", published[name])
		require.NoError(t, err)
		ours := ourPointers(v.Validate(b))
		assert.Equal(t, d.Valid, len(ours) == 0, "%s as %s: jsonschema says valid=%t, we say %v", d.Path, name, d.Valid, ours)
		if d.Valid {
			valid++
		} else {
			invalid++
		}
		if d.Note == "" {
			assert.Equal(t, d.Pointers, append([]string{}, ours...), "%s as %s: the pointers at fault", d.Path, name)
		}
	}
	assert.Positive(t, valid, "the corpus has valid documents")
	assert.Positive(t, invalid, "the corpus has invalid documents")
	t.Logf("verdicts agree on %d valid and %d invalid documents", valid, invalid)
}

// ourPointers are the distinct pointers a validation error names, sorted,
// but for those of the rules of text every document obeys whatever its
// schema (NUL, UTF-8; see package schema), which no standard validator
// has. (Numbers out of range need no exception: every published number
// has a minimum and a maximum, which an infinity breaks.)
func ourPointers(err error) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		if strings.Contains(f.Rule, "NUL") || strings.Contains(f.Rule, "UTF-") {
			continue
		}
		if !seen[f.Path] {
			seen[f.Path] = true
			out = append(out, f.Path)
		}
	}
	slices.Sort(out)
	return out
}
