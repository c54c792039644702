package main_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// The stores the kill tests run on. With the store as a plugin process the
// messenger is one too (devlog-plugin), so a kill of the host leaves two
// plugin processes behind unless they die with it.
const (
	embedded       = "embedded"        // SQLite and the devlog messenger in the host's process
	sqlitePlugin   = "sqlite-plugin"   // sqlite-plugin and devlog-plugin
	postgresPlugin = "postgres-plugin" // postgres-plugin and devlog-plugin
)

// setup is a host's configuration for a kill test and what to watch.
type setup struct {
	dir, config string
	// store is the store plugin's binary ("" when embedded).
	store string
	// pgURL and app, for PostgreSQL: the database, and the
	// application_name of the plugin's connections in pg_stat_activity.
	pgURL, app string
}

// setUp writes the config of a host with the given store: the tour's, as
// writeConfig makes it, with the store replaced.
func setUp(t *testing.T, store string) setup {
	t.Helper()
	dir := t.TempDir()
	su := setup{dir: dir, config: writeConfig(t, dir, store != embedded)}
	if store == embedded {
		return su
	}
	cfg, err := config.Load(su.config)
	require.NoError(t, err)
	b := binaries(t)
	switch store {
	case sqlitePlugin:
		cfg.Store = config.PluginConfig{Plugin: &config.PluginBinary{Path: b[sqlitePlugin][0], SHA256: b[sqlitePlugin][1],
			Args: []string{"-db", filepath.Join(dir, "socialrx.db")}}}
	case postgresPlugin:
		su.pgURL = postgresURL(t)
		raw := make([]byte, 6)
		_, _ = rand.Read(raw)
		su.app = "socialrx-e2e-" + hex.EncodeToString(raw)
		u, err := url.Parse(su.pgURL)
		require.NoError(t, err)
		q := u.Query()
		q.Set("application_name", su.app)
		u.RawQuery = q.Encode()
		cfg.Store = postgresStore(t, u.String(), freshSchema(t, su.pgURL))
	}
	su.store = cfg.Store.Plugin.Path
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(su.config, j, 0o600))
	return su
}

// plugins returns the plugin processes of s, failing t unless they are
// the store and the messenger, and kills any of them still running when t
// ends, so that a failing test leaves no orphans behind.
func (su setup) plugins(t *testing.T, s *server) []proc {
	t.Helper()
	ps := children(t, s.cmd.Process.Pid)
	var exes []string
	for _, p := range ps {
		exes = append(exes, p.exe)
		t.Cleanup(func() {
			if running(p.pid) {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
		})
	}
	require.ElementsMatch(t, []string{su.store, binaries(t)["devlog-plugin"][0]}, exes, "the host runs the store and the messenger as plugins")
	return ps
}

// pgConnections counts the connections named app in pg_stat_activity.
func pgConnections(t *testing.T, pgURL, app string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n))
	return n
}

// attempt is one POST /v1/referrals of a burst.
type attempt struct {
	key        string
	status     int    // 0 when no answer came
	id         string // the referral's id, on 201
	start, end time.Time
}

// burst creates the tour's referral from several clients at once, each
// request with an Idempotency-Key of its own, until halted. A client stops
// when the host does not answer at all, and pauses a little after an
// error answer as a careful client would; each sends at most 5,000
// requests.
type burst struct {
	mu       sync.Mutex
	attempts []attempt
	stop     chan struct{}
	wg       sync.WaitGroup
}

func (s *server) burst(clients int) *burst {
	doc := readFile(s.t, filepath.Join(tourDir, "referral.json"))
	client := s.client(30 * time.Second)
	b := &burst{stop: make(chan struct{})}
	for w := range clients {
		b.wg.Go(func() {
			for i := range 5000 {
				select {
				case <-b.stop:
					return
				default:
				}
				a := attempt{key: fmt.Sprintf("burst-%d-%d", w, i), start: time.Now()}
				req, _ := http.NewRequest("POST", s.base+"/v1/referrals", bytes.NewReader(doc))
				req.Header.Set("Authorization", "Bearer "+secrets["referrer"])
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", a.key)
				res, err := client.Do(req)
				if err == nil {
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					a.status = res.StatusCode
					var r referral.Referral
					if a.status == http.StatusCreated && json.Unmarshal(body, &r) == nil {
						a.id = r.ID
					}
				}
				a.end = time.Now()
				b.mu.Lock()
				b.attempts = append(b.attempts, a)
				b.mu.Unlock()
				switch {
				case err != nil:
					return // the host is gone
				case a.status != http.StatusCreated:
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	return b
}

// acked counts the creates acknowledged with 201 that started after since.
func (b *burst) acked(since time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, a := range b.attempts {
		if a.id != "" && a.start.After(since) {
			n++
		}
	}
	return n
}

// halt stops the clients and returns every attempt.
func (b *burst) halt() []attempt {
	close(b.stop)
	b.wg.Wait()
	return b.attempts
}

// ids are the referral ids of the acknowledged attempts.
func ids(as []attempt) []string {
	var out []string
	for _, a := range as {
		if a.id != "" {
			out = append(out, a.id)
		}
	}
	return out
}

// all pages through the list at path as role and returns its items.
func (s *server) all(role referral.Role, path string) []json.RawMessage {
	s.t.Helper()
	var items []json.RawMessage
	cursor := ""
	for {
		r := s.call(role, "GET", path+"?limit=1000&cursor="+url.QueryEscape(cursor), nil)
		require.Equal(s.t, http.StatusOK, r.status, string(r.body))
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		r.into(s.t, &page)
		items = append(items, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return items
		}
	}
}

// checkAcked shows that every referral whose create was acknowledged with
// 201 is stored and has its audit entry (action "create", the referral as
// target), and returns how many are missing and how many lack their entry.
func checkAcked(t *testing.T, s *server, acked []string) (missing, unaudited int) {
	t.Helper()
	audited := map[string]bool{}
	for _, raw := range s.all("admin", "/v1/audit") {
		var e host.AuditEntry
		require.NoError(t, json.Unmarshal(raw, &e))
		if e.Action == "create" && e.Kind == "referral" {
			audited[e.Target] = true
		}
	}
	for _, id := range acked {
		r := s.call("link_worker", "GET", "/v1/referrals/"+id, nil)
		if !assert.Equal(t, http.StatusOK, r.status, "referral %s was acknowledged with 201", id) {
			missing++
		}
		if !assert.True(t, audited[id], "the acknowledged create of referral %s has its audit entry", id) {
			unaudited++
		}
	}
	return missing, unaudited
}

// checkDelivered shows that the outbox empties and every message in the
// devlog file was delivered once, among them the received event of each of
// the referrals.
func checkDelivered(t *testing.T, s *server, referrals []string) int {
	t.Helper()
	s.waitOutboxEmpty()
	keys := map[string]int{}
	for _, e := range messages(t, s.dir) {
		keys[e.Message.IdempotencyKey]++
	}
	for k, n := range keys {
		assert.Equal(t, 1, n, "message %s delivered %d times", k, n)
	}
	for _, id := range referrals {
		assert.Equal(t, 1, keys["referral:"+id+":0:event"], "the received event of %s was delivered", id)
	}
	return len(keys)
}

// TestKillDuringBurst kills the host with SIGKILL while creates are in
// flight, and shows that its plugin processes die with it (and with them
// their PostgreSQL connections); that, after a restart, every create that
// got a 201 is stored with its audit entry; and that every queued message
// is delivered exactly once.
func TestKillDuringBurst(t *testing.T) {
	for _, store := range []string{embedded, sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) {
			su := setUp(t, store)
			s := start(t, su.dir, su.config)
			var plugins []proc
			if store != embedded {
				plugins = su.plugins(t, s)
			}
			if su.app != "" {
				require.Positive(t, pgConnections(t, su.pgURL, su.app), "the store plugin is connected as %s", su.app)
			}

			began := time.Now()
			b := s.burst(8)
			require.Eventually(t, func() bool { return b.acked(began) >= 100 }, time.Minute, 5*time.Millisecond, "creates succeed")
			require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
			killed := time.Now()
			_ = s.cmd.Wait()
			attempts := b.halt()
			acked := ids(attempts)

			// No plugin process outlives the host, nor its connections.
			var survivors []proc
			gone := func() bool {
				survivors = slices.DeleteFunc(slices.Clone(plugins), func(p proc) bool { return !running(p.pid) })
				return len(survivors) == 0
			}
			assert.Eventually(t, gone, 5*time.Second, 5*time.Millisecond, "plugin processes outlived the host: %v", plugins)
			pluginsGone := time.Since(killed)
			if su.app != "" {
				assert.Eventually(t, func() bool { return pgConnections(t, su.pgURL, su.app) == 0 }, 5*time.Second, 20*time.Millisecond,
					"the store plugin's PostgreSQL connections outlived the host")
				t.Logf("the store plugin's PostgreSQL connections gone %v after the kill", time.Since(killed).Round(time.Millisecond))
			}

			s = start(t, su.dir, su.config)
			missing, unaudited := checkAcked(t, s, acked)
			delivered := checkDelivered(t, s, acked)
			t.Logf("%d creates attempted, %d acknowledged with 201 before SIGKILL; after restart %d of them present, %d without audit entry; "+
				"%d plugin processes gone %v after the kill; %d messages delivered once each",
				len(attempts), len(acked), len(acked)-missing, unaudited, len(plugins), pluginsGone.Round(time.Millisecond), delivered)
		})
	}
}

// TestStorePluginKilledDuringBurst kills the store's plugin process (not
// the host) with SIGKILL while creates are in flight, and shows that the
// calls made while it is down fail fast with 503; that the host relaunches
// it and creates succeed again; that every create acknowledged with 201 is
// stored with its audit entry; and that a client retrying each failed
// create with its Idempotency-Key ends with exactly one referral per key.
func TestStorePluginKilledDuringBurst(t *testing.T) {
	for _, store := range []string{sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) {
			su := setUp(t, store)
			s := start(t, su.dir, su.config)
			var old proc
			for _, p := range su.plugins(t, s) {
				if p.exe == su.store {
					old = p
				}
			}

			began := time.Now()
			b := s.burst(8)
			require.Eventually(t, func() bool { return b.acked(began) >= 100 }, time.Minute, 5*time.Millisecond, "creates succeed")
			require.NoError(t, syscall.Kill(old.pid, syscall.SIGKILL))
			killed := time.Now()

			// The host relaunches the store plugin, and creates succeed again.
			var relaunched time.Duration
			require.Eventually(t, func() bool {
				for _, p := range children(t, s.cmd.Process.Pid) {
					if p.exe == su.store && p.pid != old.pid {
						relaunched = time.Since(killed)
						return true
					}
				}
				return false
			}, time.Minute, 5*time.Millisecond, "the host relaunches the store plugin")
			back := time.Now()
			require.Eventually(t, func() bool { return b.acked(back) >= 50 }, time.Minute, 5*time.Millisecond, "creates succeed after the relaunch")
			attempts := b.halt()
			assert.Equal(t, http.StatusOK, s.call("", "GET", "/readyz", nil).status, "ready again")

			// Every call that failed, failed fast with 503.
			var failed []attempt
			var latencies []time.Duration
			firstOK := time.Duration(0)
			for _, a := range attempts {
				switch {
				case a.status == http.StatusCreated:
					if d := a.end.Sub(killed); a.start.After(killed) && (firstOK == 0 || d < firstOK) {
						firstOK = d
					}
				default:
					failed = append(failed, a)
					latencies = append(latencies, a.end.Sub(a.start))
					assert.Equal(t, http.StatusServiceUnavailable, a.status, "create %s (0: no answer)", a.key)
				}
			}
			require.NotEmpty(t, failed, "some creates fail while the store is down")
			slices.Sort(latencies)
			slowest := latencies[len(latencies)-1]
			assert.Less(t, slowest, 2*time.Second, "a create during the outage fails fast")

			acked := ids(attempts)
			missing, unaudited := checkAcked(t, s, acked)

			// A client retries each failed create with its key: each gets
			// 201, and no key makes a second referral.
			for _, a := range failed {
				r := s.call("referrer", "POST", "/v1/referrals", readFile(t, filepath.Join(tourDir, "referral.json")), "Idempotency-Key", a.key)
				require.Equal(t, http.StatusCreated, r.status, "retry of %s: %s", a.key, r.body)
				var ref referral.Referral
				r.into(t, &ref)
				acked = append(acked, ref.ID)
			}
			stored := s.all("link_worker", "/v1/referrals")
			assert.Len(t, stored, len(attempts), "one referral per Idempotency-Key")
			delivered := checkDelivered(t, s, acked)

			t.Logf("%d creates attempted by 8 clients, %d acknowledged with 201, %d present afterwards, %d without audit entry; "+
				"store plugin relaunched %v after SIGKILL, first create that started after the kill acknowledged %v after it; "+
				"%d creates failed with 503 in %v (median) to %v (slowest); after retrying them %d referrals for %d keys; %d messages delivered once each",
				len(attempts), len(ids(attempts)), len(ids(attempts))-missing, unaudited,
				relaunched.Round(time.Millisecond), firstOK.Round(time.Millisecond),
				len(failed), latencies[len(latencies)/2].Round(time.Microsecond), slowest.Round(time.Microsecond), len(stored), len(attempts), delivered)
		})
	}
}
