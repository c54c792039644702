package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// api is the HTTP API over a test host (memory store), with a token per
// role: "secret-<role>".
type api struct {
	url string
	env *hosttest.Env
}

func newAPI(t *testing.T) api {
	t.Helper()
	e := hosttest.New(t)
	var ts []httpapi.Token
	for role, p := range hosttest.Principals {
		ts = append(ts, httpapi.Token{ID: p.ID, Role: p.Role, Organisation: p.Organisation, Team: p.Team, SHA256: httpapi.HashToken("secret-" + string(role))})
	}
	tk, err := httpapi.NewTokens(ts)
	require.NoError(t, err)
	h, err := httpapi.NewHandler(e.Svc, httpapi.Options{Tokens: tk})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return api{url: srv.URL, env: e}
}

// post sends body as role, with headers, and returns the status and body.
func (a api) post(t *testing.T, role referral.Role, path string, body []byte, headers ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", a.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer secret-"+string(role))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, b
}

// cliConfig writes a config for the command line on a fresh SQLite store.
func cliConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"store":{"sqlite":"`+filepath.Join(dir, "db")+`"},"messenger":{"log":"`+filepath.Join(dir, "m.jsonl")+`"},"tokens_file":"`+filepath.Join(dir, "t.json")+`"}`), 0o600))
	return cfg
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func svcJSON(n int, name string) string {
	return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","name":%q,"status":"active"}`, n, name)
}

func page(envelope string, items ...string) []byte {
	if envelope != "" {
		envelope += ","
	}
	return []byte(`{` + envelope + `"contents":[` + strings.Join(items, ",") + `]}`)
}

// TestImportStatuses: a script can tell an import's outcome from the
// command's exit status and from the API's HTTP status, the same way for
// the same document: complete (0, 200), partly imported (3 unless
// --allow-partial, 200 with the report), nothing imported (1, 422 with the
// report), refused whole (1, 400); the ORUK 1.x example feed imports.
func TestImportStatuses(t *testing.T) {
	v1page, err := os.ReadFile("../../../../directory/testdata/oruk1/examples/services_page1.json")
	require.NoError(t, err)
	full := `"total_items":2,"total_pages":1,"page_number":1,"size":2,"first_page":true,"last_page":true,"empty":false`
	tests := []struct {
		name     string
		doc      []byte
		exit     int
		status   int
		outcome  string
		pointers []string // the refused fields, or the envelope's problems
	}{
		{"complete", page(full, svcJSON(1, "Walks"), svcJSON(2, "Lunch")), 0, 200, "complete", nil},
		{"all rejected", page(full, `{"id":"x","name":"Walks","status":"active"}`, `{"id":"00000000-0000-4000-8000-000000000002","name":"","status":"open"}`),
			1, 422, "rejected", []string{"/contents/0/id", "/contents/1/name", "/contents/1/status"}},
		{"partly rejected", page(full, svcJSON(1, "Walks"), `{"id":"00000000-0000-4000-8000-000000000002","name":"Lunch","status":"active","email":"nobody"}`),
			exitPartial, 200, "partial", []string{"/contents/1/email"}},
		{"inconsistent envelope", page(`"total_items":1,"total_pages":1,"page_number":1,"size":5,"first_page":true,"last_page":true,"empty":true`, svcJSON(1, "Walks"), svcJSON(2, "Lunch")),
			exitPartial, 200, "partial", []string{"/empty", "/size", "/total_items"}},
		{"ORUK 1.0 feed page", v1page, 0, 200, "complete", nil},
		{"not an ORUK document", []byte(`[]`), 1, 400, "", []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeTemp(t, "feed.json", tc.doc)
			code, out, errOut := runCmd("import", "oruk", "--config", cliConfig(t), file)
			assert.Equal(t, tc.exit, code, "exit status\n%s%s", out, errOut)
			assert.NotContains(t, out+errOut, "json.RawMessage", "no Go type names")
			if tc.outcome != "" {
				assert.Contains(t, out, "outcome "+tc.outcome)
			}
			for _, p := range tc.pointers {
				assert.Contains(t, out+errOut, p+":", "the command names the pointer")
			}
			if tc.exit == exitPartial {
				code, _, _ := runCmd("import", "oruk", "--config", cliConfig(t), "--allow-partial", file)
				assert.Equal(t, 0, code, "--allow-partial accepts a partial import")
			}

			a := newAPI(t)
			status, body := a.post(t, referral.RoleAdmin, "/v1/directory/import", tc.doc)
			require.Equal(t, tc.status, status, "HTTP status: %s", body)
			var res struct {
				httpapi.Problem
				Report   *reportJSON `json:"report"`
				Outcome  string      `json:"outcome"`
				Skipped  []skipJSON  `json:"skipped"`
				Envelope []fieldJSON `json:"envelope"`
			}
			require.NoError(t, json.Unmarshal(body, &res), string(body))
			var got []string
			switch {
			case status == 422:
				assert.Equal(t, "rejected", res.Report.Outcome, "the problem carries the report")
				for _, e := range res.Errors {
					got = append(got, e.Pointer)
				}
			case status == 400:
				assert.NotContains(t, res.Detail+string(body), "Go value")
				for _, e := range res.Errors {
					got = append(got, e.Pointer)
				}
			default:
				assert.Equal(t, tc.outcome, res.Outcome)
				for _, s := range res.Skipped {
					for _, f := range s.Fields {
						got = append(got, f.Path)
					}
				}
				for _, f := range res.Envelope {
					got = append(got, f.Path)
				}
			}
			assert.ElementsMatch(t, tc.pointers, got)
		})
	}
}

type fieldJSON struct {
	Path string `json:"path"`
	Rule string `json:"rule"`
}

type skipJSON struct {
	Fields []fieldJSON `json:"fields"`
}

type reportJSON struct {
	Outcome string `json:"outcome"`
}

// feedServer serves pages of a feed by the query parameter page (from 1):
// pages[i] is page i+1. It counts the requests.
func feedServer(t *testing.T, pages [][]byte, ignorePage bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		p := 1
		if s := r.URL.Query().Get("page"); s != "" && !ignorePage {
			_, _ = fmt.Sscan(s, &p)
		}
		if p < 1 || p > len(pages) {
			http.NotFound(w, r)
			return
		}
		assert.Equal(t, "10", r.URL.Query().Get("per_page"), "the feed's own parameters are kept")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pages[p-1])
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// threePages is a paged ORUK 3.0 feed of five services, two a page.
func threePages() [][]byte {
	env := func(n int, size int) string {
		return fmt.Sprintf(`"total_items":5,"total_pages":3,"page_number":%d,"size":%d,"first_page":%t,"last_page":%t,"empty":false`, n, size, n == 1, n == 3)
	}
	return [][]byte{
		page(env(1, 2), svcJSON(1, "One"), svcJSON(2, "Two")),
		page(env(2, 2), svcJSON(3, "Three"), svcJSON(4, "Four")),
		page(env(3, 1), svcJSON(5, "Five")),
	}
}

// TestImportFollowsPages: an import from a URL reads every page of a
// paged feed (ORUK 3.0 or 1.x), with a progress bar, up to --max-pages,
// saying so when the limit stops it; a feed that does not page is caught.
func TestImportFollowsPages(t *testing.T) {
	srv, requests := feedServer(t, threePages(), false)
	cfg := cliConfig(t)
	code, out, errOut := runCmd("import", "oruk", "--config", cfg, srv.URL+"/services?per_page=10")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "imported 5 services and 0 organizations from 3 pages (ORUK 3.0); skipped 0; outcome complete")
	assert.Equal(t, int32(3), requests.Load())
	assert.Contains(t, errOut, "100% 5/5", "the progress bar counts the feed's services")
	code, out, _ = runCmd("export", "oruk", "--config", cfg)
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"total_items":5`, "all five pages' services were stored")

	t.Run("max pages", func(t *testing.T) {
		code, out, errOut := runCmd("import", "oruk", "--config", cliConfig(t), "--max-pages", "2", srv.URL+"/services?per_page=10")
		assert.Equal(t, exitPartial, code, out+errOut)
		assert.Contains(t, out, "imported 4 services")
		assert.Contains(t, errOut, "stopped after 2 pages (--max-pages 2); the feed says it has 3 pages")
		code, _, _ = runCmd("import", "oruk", "--config", cliConfig(t), "--max-pages", "2", "--allow-partial", srv.URL+"/services?per_page=10")
		assert.Equal(t, 0, code)
	})

	t.Run("ORUK 1.x", func(t *testing.T) {
		var pages [][]byte
		for _, n := range []string{"1", "2"} {
			b, err := os.ReadFile("../../../../directory/testdata/oruk1/examples/services_page" + n + ".json")
			require.NoError(t, err)
			pages = append(pages, b)
		}
		v1, _ := feedServer(t, pages, false)
		code, out, errOut := runCmd("import", "oruk", "--config", cliConfig(t), v1.URL+"/services?per_page=10")
		require.Equal(t, 0, code, out+errOut)
		assert.Contains(t, out, "imported 3 services and 3 organizations from 2 pages (ORUK 1.0)")
		assert.Contains(t, out, "/content/*/deliverable_type: not carried")

		code, out, _ = runCmd("validate", "--type", "oruk-service-list", v1.URL+"/services?per_page=10")
		assert.Equal(t, 0, code, out)
		assert.Contains(t, out, "valid ORUK 1.0 service_list: 3 services in 2 pages")
	})

	t.Run("a feed that ignores page", func(t *testing.T) {
		same, _ := feedServer(t, threePages(), true)
		code, out, errOut := runCmd("import", "oruk", "--config", cliConfig(t), same.URL+"/services?per_page=10")
		assert.Equal(t, exitPartial, code, out+errOut)
		assert.Contains(t, out, "feed: page 2: the feed answered page=2 with page 1")
	})

	t.Run("the pages do not add up", func(t *testing.T) {
		pages := threePages()
		pages[2] = page(`"total_items":5,"total_pages":3,"page_number":3,"size":0,"first_page":false,"last_page":true,"empty":true`)
		short, _ := feedServer(t, pages, false)
		code, out, _ := runCmd("import", "oruk", "--config", cliConfig(t), short.URL+"/services?per_page=10")
		assert.Equal(t, exitPartial, code, out)
		assert.Contains(t, out, "feed: the 3 pages held 4 items, but the first said 5 in all")
	})
}

// TestValidateORUK: validate checks a feed without importing it, naming
// every problem at its pointer.
func TestValidateORUK(t *testing.T) {
	bad := writeTemp(t, "bad.json", page(`"total_items":2,"size":2`, svcJSON(1, "Walks"), `{"id":"x","name":"Lunch","status":"active"}`))
	code, out, _ := runCmd("validate", "--type", "oruk-service-list", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "bad.json: skipped: service 1 (x): /contents/1/id:")

	svc := writeTemp(t, "svc.json", []byte(svcJSON(1, "Walks")))
	code, out, _ = runCmd("validate", "--type", "oruk-service", svc)
	assert.Equal(t, 0, code, out)
	code, out, _ = runCmd("validate", "--type", "oruk-service-list", svc)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "svc.json: /: must be an ORUK service list")

	arr := writeTemp(t, "arr.json", []byte(`[]`))
	code, out, _ = runCmd("validate", "--type", "oruk-service-list", arr)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "arr.json: /: must be a JSON object")
	assert.NotContains(t, out, "Go value")
}
