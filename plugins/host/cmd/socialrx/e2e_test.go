package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/host/internal/apitest"
	"github.com/socialrx/socialrx/plugins/plugintest"
	"github.com/socialrx/socialrx/referral"
)

// TestMain removes the plugin binaries the tests build, and says how much
// traffic the OpenAPI document was checked against.
func TestMain(m *testing.M) { plugintest.Main(reporting{m}) }

type reporting struct{ m *testing.M }

func (r reporting) Run() int {
	code := r.m.Run()
	if c := checker.Load(); c != nil {
		fmt.Println(c.Summary())
		if os.Getenv("SOCIALRX_OPENAPI_PAIRS") != "" {
			for _, p := range c.Pairs() {
				fmt.Println("  ", p)
			}
		}
	}
	return code
}

// checker checks every request the tests send to a socialrx serve, and
// every response, against the OpenAPI document the first server served.
var checker atomic.Pointer[apitest.Checker]

// client is an HTTP client that fails the test on any exchange that does
// not agree with the API's OpenAPI document.
func (s *server) client(timeout time.Duration) *http.Client {
	s.t.Helper()
	c := checker.Load()
	if c == nil {
		res, err := http.Get(s.base + "/v1/openapi.json")
		require.NoError(s.t, err)
		defer res.Body.Close()
		doc, err := io.ReadAll(res.Body)
		require.NoError(s.t, err)
		require.Equal(s.t, http.StatusOK, res.StatusCode)
		c, err = apitest.New(doc)
		require.NoError(s.t, err, "the served OpenAPI document is valid")
		if !checker.CompareAndSwap(nil, c) {
			c = checker.Load()
		}
	}
	return &http.Client{Timeout: timeout, Transport: c.Transport(s.t, nil)}
}

// binaries builds socialrx and the plugins the tests run, once per test
// run, and returns their paths and SHA-256 sums by name.
func binaries(t *testing.T) map[string][2]string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs real processes; skipped with -short")
	}
	out := map[string][2]string{}
	for name, pkg := range map[string]string{"socialrx": ".", "devlog-plugin": "../../../../examples/devlog-plugin",
		"sqlite-plugin":   "../../../../examples/sqlite-plugin",
		"postgres-plugin": "../../../../examples/postgres-plugin"} {
		path, sum := plugintest.BuildPlugin(t, pkg)
		out[name] = [2]string{path, sum}
	}
	return out
}

// server is a running `socialrx serve`.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	dir  string
	// stderr is its log (JSON lines) and its plugins'.
	stderr *syncBuffer
	// stdout is what it printed for the operator.
	stdout *syncBuffer
}

// syncBuffer is a bytes.Buffer a process writes while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tourDir holds the tour's config and documents (examples/tour).
const tourDir = "../../../../examples/tour"

// secrets are the tour config's token secrets by role.
var secrets = map[referral.Role]string{"admin": "tour-admin", "referrer": "tour-gp", "link_worker": "tour-link-worker",
	"partner": "tour-partner", "commissioner": "tour-commissioner"}

// writeConfig writes the tour's config into dir with its files moved
// there, listening on a free port, and with the development messenger as
// a real plugin process when pluginMessenger is set.
func writeConfig(t *testing.T, dir string, pluginMessenger bool) string {
	t.Helper()
	b := binaries(t)
	cfg, err := config.Load(filepath.Join(tourDir, "config.json"))
	require.NoError(t, err)
	cfg.Addr = "127.0.0.1:0"
	cfg.Store.SQLite = filepath.Join(dir, "socialrx.db")
	cfg.TokensFile = filepath.Join(dir, "tokens.json")
	cfg.Messenger = config.PluginConfig{Log: filepath.Join(dir, "messages.jsonl")}
	cfg.OutboxEvery, cfg.SchedulerEvery, cfg.Lease = "100ms", "1s", "2s"
	if pluginMessenger {
		cfg.Messenger = config.PluginConfig{Plugin: &config.PluginBinary{Path: b["devlog-plugin"][0], SHA256: b["devlog-plugin"][1],
			Args: []string{"-log", filepath.Join(dir, "messages.jsonl")}}}
	}
	j, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, j, 0o600))
	return path
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs `socialrx serve --config` and waits until it listens.
func start(t *testing.T, dir, config string) *server {
	t.Helper()
	return startCmd(t, dir, exec.Command(binaries(t)["socialrx"][0], "serve", "--config", config))
}

// startCmd runs cmd, a command that runs `socialrx serve`, in dir and
// waits until it listens.
func startCmd(t *testing.T, dir string, cmd *exec.Cmd) *server {
	t.Helper()
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	s := &server{t: t, cmd: cmd, dir: dir, stderr: stderr, stdout: &syncBuffer{}}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			_, _ = s.stdout.Write([]byte(sc.Text() + "\n"))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case s.base = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("socialrx serve did not start: %s", stderr.String())
	}
	return s
}

// ready waits until /readyz answers 200 (the plugins answer and the
// directory is in memory), and returns its last answer.
func (s *server) ready() reply {
	s.t.Helper()
	var r reply
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r = s.call("", "GET", "/readyz", nil); r.status == http.StatusOK || time.Now().After(deadline) {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (s *server) call(role referral.Role, method, path string, body any, headers ...string) reply {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			b, err = json.Marshal(body)
			require.NoError(s.t, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+secrets[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := s.client(0).Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{res.StatusCode, res.Header, b}
}

func (r reply) into(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// messages reads the devlog file.
func messages(t *testing.T, dir string) []devlog.Entry {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "messages.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	es, err := devlog.ReadLog(f)
	require.NoError(t, err)
	return es
}

// waitOutboxEmpty polls /metrics until the outbox is delivered.
func (s *server) waitOutboxEmpty() {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := s.call(referral.RoleAdmin, "GET", "/metrics", nil)
		if strings.Contains(string(r.body), "\nsocialrx_outbox_depth 0\n") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatal("the outbox did not empty")
}

// TestTour is the five-minute tour of the README, step by step, against a
// real `socialrx serve` on every deployment of the store: embedded SQLite,
// and SQLite and PostgreSQL as plugin processes (with the messenger as a
// plugin process too).
func TestTour(t *testing.T) {
	for _, store := range []string{embedded, sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) { tour(t, store) })
	}
}

func tour(t *testing.T, store string) {
	su := setUp(t, store)
	dir := su.dir
	s := start(t, dir, su.config)

	r0 := s.ready()
	require.Equal(t, 200, r0.status, "ready once the messenger plugin is up: %s", r0.body)

	// 1. A GP refers Peggy.
	r := s.call("referrer", "POST", "/v1/referrals", readFile(t, filepath.Join(tourDir, "referral.json")), "Idempotency-Key", "gp-2026-11-02-1")
	require.Equal(t, 201, r.status, string(r.body))
	var ref referral.Referral
	r.into(t, &ref)
	id := ref.ID

	// 2. A link worker accepts and triages.
	r = s.call("link_worker", "POST", "/v1/referrals/"+id+"/status", map[string]any{"to": "accepted"}, "If-Match", `"1"`)
	require.Equal(t, 200, r.status, string(r.body))
	r = s.call("link_worker", "POST", "/v1/referrals/"+id+"/status", map[string]any{"to": "active"}, "If-Match", `"2"`)
	require.Equal(t, 200, r.status, string(r.body))
	assessment := map[string]any{"assessed_at": time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), "assessed_by": "lw-sam",
		"needs": []any{map[string]any{"need": "loneliness_isolation", "severity": "high"}}, "circumstances": []string{"lives_alone"},
		"readiness": "considering", "support_network": "limited"}
	r = s.call("link_worker", "POST", "/v1/referrals/"+id+"/plans", assessment)
	require.Equal(t, 201, r.status, string(r.body))
	var pl struct {
		ID     string `json:"id"`
		Triage []struct {
			Level   int `json:"level"`
			Reasons []struct {
				Text string `json:"text"`
			} `json:"reasons"`
		} `json:"triage"`
	}
	r.into(t, &pl)
	require.NotEmpty(t, pl.Triage)
	assert.NotZero(t, pl.Triage[0].Level)

	// 3. The directory is imported; the link worker matches and refers on.
	r = s.call("admin", "POST", "/v1/directory/import", readFile(t, filepath.Join(tourDir, "directory.json")))
	require.Equal(t, 200, r.status, string(r.body))
	r = s.call("link_worker", "POST", "/v1/directory/match", map[string]any{"person": map[string]any{"needs": []string{"nature_gardening", "loneliness_isolation"}, "barriers": []string{"cost"},
		"location": map[string]any{"latitude": 51.488, "longitude": -0.110}}})
	require.Equal(t, 200, r.status, string(r.body))
	var match struct {
		Suggestions []struct {
			ID      string   `json:"id"`
			Reasons []string `json:"reasons"`
		} `json:"suggestions"`
	}
	r.into(t, &match)
	require.NotEmpty(t, match.Suggestions, string(r.body))
	assert.NotEmpty(t, match.Suggestions[0].Reasons)
	r = s.call("", "GET", "/oruk/", nil)
	require.Equal(t, 200, r.status, string(r.body))
	var root struct {
		Version    string `json:"version"`
		OpenAPIURL string `json:"openapi_url"`
	}
	r.into(t, &root)
	assert.Equal(t, "HSDS-UK-3.0", root.Version)
	assert.Equal(t, s.base+"/oruk/openapi.json", root.OpenAPIURL, "an absolute openapi_url, from the request's host")
	assert.Equal(t, 200, s.call("", "GET", strings.TrimPrefix(root.OpenAPIURL, s.base), nil).status)
	r = s.call("", "GET", "/oruk/service_at_locations?search=garden&day=TU&start_time=09:00", nil)
	require.Equal(t, 200, r.status, string(r.body))
	assert.Contains(t, string(r.body), `"location_id":"`)
	assert.Equal(t, 400, s.call("", "GET", "/oruk/services?text=garden", nil).status, "an unknown parameter is refused")
	r = s.call("", "GET", "/oruk/services/"+match.Suggestions[0].ID, nil)
	require.Equal(t, 200, r.status, string(r.body))
	var best struct {
		ID             string `json:"id"`
		OrganizationID string `json:"organization_id"`
	}
	r.into(t, &best)
	r = s.call("link_worker", "POST", "/v1/referrals/"+id+"/onward-referrals", map[string]any{"service_id": best.ID, "partner": best.OrganizationID, "note": "Peggy would like to try the Tuesday group"})
	require.Equal(t, 201, r.status, string(r.body))
	var onward referral.OnwardReferral
	r.into(t, &onward)

	// 4. The partner accepts and reports that Peggy came.
	r = s.call("partner", "GET", "/v1/onward-referrals", nil)
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), onward.ID)
	r = s.call("partner", "GET", "/v1/onward-referrals/"+onward.ID, nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, `"1"`, r.header.Get("ETag"))
	assert.NotContains(t, string(r.body), "9434765919", "minimal sharing: no NHS number")
	r = s.call("partner", "POST", "/v1/onward-referrals/"+onward.ID+"/status", map[string]any{"to": "accepted"})
	require.Equal(t, 428, r.status, "an update needs If-Match: %s", r.body)
	r = s.call("partner", "POST", "/v1/onward-referrals/"+onward.ID+"/status", map[string]any{"to": "accepted"}, "If-Match", `"1"`)
	require.Equal(t, 200, r.status, string(r.body))
	r = s.call("partner", "POST", "/v1/onward-referrals/"+onward.ID+"/attendance", map[string]any{"date": time.Now().UTC().Format("2006-01-02"), "attended": true}, "If-Match", `"2"`)
	require.Equal(t, 200, r.status, string(r.body))

	// 5. Baseline and follow-up wellbeing.
	for point, v := range map[string]int{"baseline": 2, "follow_up": 4} {
		var answers []map[string]any
		for _, item := range []string{"optimism", "useful", "relaxed", "dealing_with_problems", "thinking_clearly", "close_to_others", "own_mind"} {
			answers = append(answers, map[string]any{"item": item, "value": v})
		}
		r = s.call("link_worker", "POST", "/v1/referrals/"+id+"/measurements", map[string]any{"instrument": "swemwbs", "instrument_version": "1",
			"time_point": point, "date": time.Now().UTC().Format("2006-01-02"), "mode": "in_person", "answers": answers})
		require.Equal(t, 201, r.status, string(r.body))
	}

	// 6. The commissioner reads the report; small numbers are suppressed.
	r = s.call("commissioner", "GET", "/v1/reports/outcomes?breakdown=triage_level", nil)
	require.Equal(t, 200, r.status, string(r.body))
	assert.Contains(t, string(r.body), "suppress")
	assert.NotContains(t, string(r.body), "9434765919")

	// The messenger plugin wrote what the host sent: the referrer heard of
	// the acceptance, the partner got its minimal view.
	s.waitOutboxEmpty()
	var toReferrer, toPartner int
	for _, e := range messages(t, dir) {
		switch {
		case e.Message.Event == "referral.accepted" && e.Message.To.Address == "asha.patel@riverside.example.nhs.uk":
			toReferrer++
		case e.Message.Event == "onward_referral.requested" && e.Message.Channel == "email":
			toPartner++
			assert.NotContains(t, e.Message.Body, "9434765919")
		}
	}
	assert.Equal(t, 1, toReferrer)
	assert.Equal(t, 1, toPartner)

	// SIGTERM: the host stops cleanly, stopping its plugin too.
	terminate(t, s)
}

// terminate sends serve SIGTERM and waits for it to exit 0.
func terminate(t *testing.T, s *server) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "serve exits 0 on SIGTERM")
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
}
