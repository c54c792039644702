package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e strings.Builder
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := runCmd("schema")
	require.Equal(t, 0, code)
	for _, name := range []string{"referral", "plan", "measurement", "assessment", "status_change"} {
		assert.Contains(t, strings.Fields(out), name)
	}
	code, out, _ = runCmd("schema", "referral")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"$id": "https://github.com/socialrx/socialrx/schemas/v1/referral.schema.json"`)
	code, _, errOut := runCmd("schema", "nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no schema")
}

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	b, err := os.ReadFile("../../../../examples/tour/referral.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(good, b, 0o600))
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(string(b), "9434765919", "9434765918", 1)), 0o600))

	code, out, _ := runCmd("validate", "--type", "referral", good)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "good.json: valid")

	code, out, errOut := runCmd("validate", "--type", "referral", good, bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "bad.json: /person/nhs_number: fails the modulus 11 check digit")
	assert.Contains(t, errOut, "1 of 2 documents are invalid")

	code, _, _ = runCmd("validate", good)
	assert.Equal(t, 2, code, "no --type is a usage error")
	code, _, _ = runCmd("validate", "--type", "shoe", good)
	assert.Equal(t, 1, code)
}

func TestUsage(t *testing.T) {
	code, _, errOut := runCmd()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage:")
	code, _, _ = runCmd("frobnicate")
	assert.Equal(t, 2, code)
	code, _, _ = runCmd("plugins", "dance")
	assert.Equal(t, 2, code)
}

func TestImportExportORUK(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"store":{"sqlite":"`+filepath.Join(dir, "db")+`"},"messenger":{"log":"`+filepath.Join(dir, "m.jsonl")+`"},"tokens_file":"`+filepath.Join(dir, "t.json")+`"}`), 0o600))
	code, out, errOut := runCmd("import", "oruk", "--config", cfg, "../../../../examples/tour/directory.json")
	require.Equal(t, exitPartial, code, "one service of the tour's list is broken on purpose: partly imported\n%s", errOut)
	assert.Contains(t, out, "imported 2 services and 1 organizations from 1 page (ORUK 3.0); skipped 1; outcome partial")
	code, _, errOut = runCmd("import", "oruk", "--config", cfg, "--allow-partial", "../../../../examples/tour/directory.json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "100%")
	code, out, errOut = runCmd("export", "oruk", "--config", cfg)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"total_items":2`)
	assert.Contains(t, out, "Tuesday Gardening Club")

	code, out, errOut = runCmd("import", "postcodes", "--config", cfg, "../../internal/hosttest/testdata/onspd_sample.csv")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "imported 6 postcodes; 1 without coordinates; 0 bad rows\n", out)
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("name,x\nA,1\n"), 0o600))
	code, _, errOut = runCmd("import", "postcodes", "--config", cfg, bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the header must name a postcode column")
	code, _, _ = runCmd("import", "postcodes", "--config", cfg)
	assert.Equal(t, 2, code, "no file is a usage error")
}
