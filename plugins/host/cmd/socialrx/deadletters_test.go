package main_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

// deadLettersIn dead-letters one message per subject in the store of the
// host configured at path, through the store itself (a real dead letter,
// as a worker makes one), and returns their ids.
func deadLettersIn(t *testing.T, path string, subjects ...string) []string {
	t.Helper()
	cfg, err := config.Load(path)
	require.NoError(t, err)
	var s plugins.Store
	if p := cfg.Store.Plugin; p != nil {
		c, err := plugins.NewClient(plugins.ClientConfig{Path: p.Path, Args: p.Args, Env: p.Env, SHA256: p.SHA256, Logger: hclog.NewNullLogger()})
		require.NoError(t, err)
		defer c.Close()
		s, err = c.Store()
		require.NoError(t, err)
	} else {
		db, err := sqlite.Open(cfg.Store.SQLite)
		require.NoError(t, err)
		defer db.Close()
		s = db
	}
	ctx := t.Context()
	var ids []string
	for _, subject := range subjects {
		id := uuid.NewString()
		payload, err := json.Marshal(plugins.Message{IdempotencyKey: "e2e:" + id, To: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@example.org"},
			Channel: plugins.ChannelEmail, Event: "e2e.dead_letter", Subject: subject, Body: "A message whose delivery failed for the last time."})
		require.NoError(t, err)
		_, err = s.Create(ctx, plugins.Write{Document: plugins.Document{Kind: "fixture", ID: id, Data: json.RawMessage(`{}`)},
			Outbox: []plugins.OutboxMessage{{ID: id, IdempotencyKey: "e2e:" + id, Target: "messenger", Payload: payload}}})
		require.NoError(t, err)
		now := time.Now().Add(time.Second)
		l := plugins.Lease{Owner: "e2e", Until: now.Add(time.Minute)}
		got, err := s.LeaseOutbox(ctx, l, now, 1)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.NoError(t, s.DeadLetterOutbox(ctx, id, l, "smtp: mailbox unavailable", now))
		ids = append(ids, id)
	}
	return ids
}

// TestDeadLettersCommand lists, shows and re-drives dead letters with the
// command line on each store, then starts the host and sees the re-driven
// one delivered, the other not, and the command's work in the audit log.
func TestDeadLettersCommand(t *testing.T) {
	for _, store := range []string{embedded, sqlitePlugin, postgresPlugin} {
		t.Run(store, func(t *testing.T) {
			su := setUp(t, store)
			ids := deadLettersIn(t, su.config, "send me again", "leave me be")

			code, out, errOut := socialrx(t, "deadletters", "list", "--config", su.config)
			require.Equal(t, 0, code, errOut)
			for _, id := range ids {
				assert.Contains(t, out, id)
			}
			assert.Contains(t, out, "smtp: mailbox unavailable")
			assert.Contains(t, out, "2 dead letters")

			code, out, errOut = socialrx(t, "deadletters", "show", "--config", su.config, ids[0])
			require.Equal(t, 0, code, errOut)
			var dl host.DeadLetter
			require.NoError(t, json.Unmarshal([]byte(out), &dl), out)
			assert.Equal(t, ids[0], dl.ID)
			assert.Equal(t, 1, dl.Attempts)
			assert.Contains(t, string(dl.Payload), "send me again")

			code, out, errOut = socialrx(t, "deadletters", "redrive", "--config", su.config, ids[0])
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "re-driven "+ids[0])
			code, _, errOut = socialrx(t, "deadletters", "redrive", "--config", su.config, ids[0])
			assert.Equal(t, 1, code, "a second re-drive is refused")
			assert.Contains(t, errOut, "not dead-lettered")
			code, _, errOut = socialrx(t, "deadletters", "show", "--config", su.config, "no-such-id")
			assert.Equal(t, 1, code)
			assert.Contains(t, errOut, "not_found")

			for _, args := range [][]string{{"deadletters"}, {"deadletters", "frob"}, {"deadletters", "show", "--config", su.config},
				{"deadletters", "list", "extra", "--config", su.config}, {"deadletters", "redrive", "--nope", ids[1]}} {
				code, _, _ := socialrx(t, args...)
				assert.Equal(t, 2, code, "usage error: %q", args)
			}

			s := start(t, su.dir, su.config)
			deadline := time.Now().Add(30 * time.Second)
			subjects := func() []string {
				var out []string
				for _, e := range messages(t, su.dir) {
					if e.Message.Event == "e2e.dead_letter" {
						out = append(out, e.Message.Subject)
					}
				}
				return out
			}
			for len(subjects()) == 0 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			assert.Equal(t, []string{"send me again"}, subjects(), "the re-driven message is delivered, the other stays dead")

			r := s.call("admin", "GET", "/v1/admin/dead-letters", nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			var pg struct {
				Items []host.DeadLetter `json:"items"`
			}
			r.into(t, &pg)
			require.Len(t, pg.Items, 1)
			assert.Equal(t, ids[1], pg.Items[0].ID)

			r = s.call("admin", "GET", "/v1/audit?limit=1000", nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			var audit struct {
				Items []host.AuditEntry `json:"items"`
			}
			r.into(t, &audit)
			actions := map[string]int{}
			for _, a := range audit.Items {
				if a.Who.ID == "socialrx-cli" && a.Kind == host.KindDeadLetter {
					actions[a.Action]++
				}
			}
			assert.Equal(t, map[string]int{"list": 1, "read": 1, "redrive": 2}, actions, "the command's list, show and both re-drives are audited")
		})
	}
}
