package main_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// postgresURL returns SOCIALRX_POSTGRES_URL, or skips t when it is not set.
func postgresURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("SOCIALRX_POSTGRES_URL")
	if url == "" {
		t.Skip("SOCIALRX_POSTGRES_URL is not set: this test needs a PostgreSQL server (.ci/run sets it)")
	}
	return url
}

// freshSchema returns the name of a schema no other test uses, dropped
// with its tables when t ends.
func freshSchema(t *testing.T, url string) string {
	t.Helper()
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	schema := "e2e_" + hex.EncodeToString(raw)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			_, _ = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			_ = conn.Close(context.Background())
		}
	})
	return schema
}

// postgresStore is the store config of postgres-plugin on schema of the
// database at url.
func postgresStore(t *testing.T, url, schema string) config.PluginConfig {
	plugin := binaries(t)["postgres-plugin"]
	return config.PluginConfig{Plugin: &config.PluginBinary{Path: plugin[0], SHA256: plugin[1],
		Env: []string{"SOCIALRX_POSTGRES_URL=" + url, "SOCIALRX_POSTGRES_SCHEMA=" + schema}}}
}

// TestTwoHostsSharePostgres runs two `socialrx serve` processes on one
// PostgreSQL database (the store as a real plugin process each), updates
// the same referrals from both at once, and shows that no update is lost
// and every outbox message is delivered exactly once between them.
func TestTwoHostsSharePostgres(t *testing.T) {
	url := postgresURL(t)
	schema := freshSchema(t, url)

	var hosts []*server
	var dirs []string
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		cfgPath := writeConfig(t, dir, false)
		cfg, err := config.Load(cfgPath)
		require.NoError(t, err)
		cfg.Store = postgresStore(t, url, schema)
		b, _ := json.Marshal(cfg)
		require.NoError(t, os.WriteFile(cfgPath, b, 0o600))
		hosts = append(hosts, start(t, dir, cfgPath))
		dirs = append(dirs, dir)
	}

	// Referrals made on host A, accepted on host B.
	const referrals, writers = 4, 8
	doc := readFile(t, filepath.Join(tourDir, "referral.json"))
	var ids []string
	for i := 0; i < referrals; i++ {
		r := hosts[0].call("referrer", "POST", "/v1/referrals", doc)
		require.Equal(t, 201, r.status, string(r.body))
		var ref referral.Referral
		r.into(t, &ref)
		ids = append(ids, ref.ID)
		for i, to := range []string{"accepted", "active"} {
			r = hosts[1].call("link_worker", "POST", "/v1/referrals/"+ref.ID+"/status", map[string]any{"to": to}, "If-Match", fmt.Sprintf(`"%d"`, i+1))
			require.Equal(t, 200, r.status, string(r.body))
		}
	}

	// Every writer adds one signpost to every referral through either host,
	// reading the ETag and retrying on 412 as a careful client does.
	var wg sync.WaitGroup
	var mu sync.Mutex
	retries := 0
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			h := hosts[w%2]
			for _, id := range ids {
				for attempt := 0; ; attempt++ {
					g := h.call("link_worker", "GET", "/v1/referrals/"+id, nil)
					if g.status != 200 {
						t.Errorf("get %s: %d %s", id, g.status, g.body)
						return
					}
					r := h.call("link_worker", "POST", "/v1/referrals/"+id+"/signposts",
						map[string]any{"service_id": fmt.Sprintf("svc-%d", w)}, "If-Match", g.header.Get("ETag"))
					if r.status == 200 {
						break
					}
					if r.status != 412 || attempt > 200 {
						t.Errorf("signpost %s by writer %d: %d %s", id, w, r.status, r.body)
						return
					}
					mu.Lock()
					retries++
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	for _, id := range ids {
		var ref referral.Referral
		hosts[0].call("link_worker", "GET", "/v1/referrals/"+id, nil).into(t, &ref)
		services := map[string]bool{}
		for _, s := range ref.Signposts {
			services[s.ServiceID] = true
		}
		assert.Len(t, services, writers, "referral %s lost an update", id)
		assert.Len(t, ref.Signposts, writers, "referral %s has a duplicate", id)
	}

	// Both hosts deliver from the one outbox: every message once, across both.
	hosts[0].waitOutboxEmpty()
	hosts[1].waitOutboxEmpty()
	time.Sleep(300 * time.Millisecond)
	keys := map[string]int{}
	for _, dir := range dirs {
		for _, e := range messages(t, dir) {
			keys[e.Message.IdempotencyKey]++
		}
	}
	require.NotEmpty(t, keys)
	for k, n := range keys {
		assert.Equal(t, 1, n, "message %s delivered %d times", k, n)
	}
	signposted := 0
	for k := range keys {
		if strings.Contains(k, ":event") {
			signposted++
		}
	}
	t.Logf("%d concurrent signposts (%d retries after 412), %d messages delivered once each by two hosts", referrals*writers, retries, len(keys))
	assert.GreaterOrEqual(t, signposted, referrals*(writers+3), "an event per received, accepted, active and each signpost")
}
