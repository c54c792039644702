package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
)

// planRows is how many documents (and outbox messages, and create keys)
// the plan test stores: enough that the planner, given statistics, would
// never read a whole table for one of them.
const planRows = 20000

// planStore opens a store on a schema of its own, dropped when t ends, or
// skips t when SOCIALRX_POSTGRES_URL is not set.
func planStore(t *testing.T) *Store {
	t.Helper()
	u := os.Getenv("SOCIALRX_POSTGRES_URL")
	if u == "" {
		t.Skip("SOCIALRX_POSTGRES_URL is not set: point it at a PostgreSQL database, such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to explain the store's queries")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "socialrx_plans_" + hex.EncodeToString(b)
	ctx := context.Background()
	s, err := Open(ctx, Config{URL: u, Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := s.pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
		_ = s.Close()
	})
	return s
}

// fillPlans stores planRows documents spread over five kinds, planRows/10
// people (two documents of each kind per person), 50 owners, 20 partners,
// 10 teams and 5 statuses, with two events each, planRows outbox messages
// (most delivered a month ago, some pending, some dead-lettered) and
// planRows create keys.
func fillPlans(t *testing.T, s *Store) {
	t.Helper()
	kinds := []string{string(plugins.KindReferral), string(plugins.KindPlan), string(plugins.KindMeasurement),
		string(plugins.KindOnwardReferral), string(plugins.KindService)}
	ctx := context.Background()
	_, err := s.pool.Exec(ctx, `
INSERT INTO documents (kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at, last_seq)
SELECT ($1::text[])[i % 5 + 1], format('doc-%s', lpad(i::text, 7, '0')), 1, 'status-' || i % 5, 'owner-' || i % 50,
	'partner-' || i % 20, 'person-' || i / 10, 'team-' || i % 10, CASE WHEN i % 10 = 0 THEN now() + interval '1 hour' END,
	'{"n": 1}', now() - ($2 - i) * interval '1 minute', now() - ($2 - i) * interval '1 minute', 2
FROM generate_series(0, $2 - 1) AS i`, kinds, planRows)
	require.NoError(t, err)
	_, err = s.pool.Exec(ctx, `
INSERT INTO events (kind, id, seq, type, actor, at) SELECT kind, id, s, 'made', 'actor', created_at FROM documents, generate_series(1, 2) AS s;
INSERT INTO create_keys (key, kind, id, created_at) SELECT 'key-' || id, kind, id, created_at FROM documents;
INSERT INTO outbox (id, idempotency_key, target, payload, created_at, next_attempt_at, delivered_at, dead_at)
SELECT 'msg-' || id, 'msg-key-' || id, 'messenger', '{}', created_at - interval '1 month', created_at - interval '1 month',
	CASE WHEN n % 20 > 1 THEN created_at - interval '1 month' END, CASE WHEN n % 20 = 1 THEN created_at END
FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM documents) AS d`)
	require.NoError(t, err)
}

// literal spells v as an SQL literal, for EXPLAIN EXECUTE.
func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int, int64:
		return fmt.Sprint(v)
	case time.Time:
		return "'" + v.Format(time.RFC3339Nano) + "'"
	case []string:
		return "'{}'"
	case *time.Time:
		if v == nil {
			return "NULL"
		}
		return literal(*v)
	case *int:
		if v == nil {
			return "NULL"
		}
		return literal(*v)
	case []byte:
		return literal(string(v))
	case plugins.Kind:
		return literal(string(v))
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	panic(fmt.Sprintf("no literal for %T", v))
}

// planNode is a node of EXPLAIN (FORMAT JSON)'s plan tree.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	Plans        []planNode `json:"Plans"`
}

// walk lists n and the nodes under it as "Node Type on relation using
// index" lines.
func (n planNode) walk(out []string) []string {
	out = append(out, strings.TrimSpace(n.NodeType+" on "+n.RelationName+" using "+n.IndexName))
	for _, c := range n.Plans {
		out = c.walk(out)
	}
	return out
}

// explain returns the nodes of the plan PostgreSQL makes for query with
// args under plan_cache_mode mode: force_generic_plan is the plan a
// connection caches for a statement after five executions, made without
// the values; force_custom_plan the one made for these values.
func explain(t *testing.T, s *Store, mode, query string, args []any) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := s.pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET plan_cache_mode = "+mode)
	require.NoError(t, err)
	defer conn.Exec(ctx, "RESET plan_cache_mode") //nolint:errcheck // the connection goes back to the pool either way
	_, err = conn.Conn().Prepare(ctx, "hot", query)
	require.NoError(t, err)
	defer conn.Conn().Deallocate(ctx, "hot") //nolint:errcheck // as above
	lits := make([]string, len(args))
	for i, a := range args {
		lits[i] = literal(a)
	}
	execute := "EXECUTE hot"
	if len(lits) > 0 {
		execute += "(" + strings.Join(lits, ", ") + ")"
	}
	var out []byte
	require.NoError(t, conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+execute).Scan(&out))
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	require.NoError(t, json.Unmarshal(out, &plans))
	require.Len(t, plans, 1)
	return plans[0].Plan.walk(nil)
}

// TestHotQueryPlans explains every statement the store runs on a hot path,
// as the store runs it, on a schema of planRows documents: neither the
// plan made for the values nor the generic plan a connection caches may
// read any of the store's tables whole (Seq Scan), and each reads through
// the index its filter has, before and after ANALYZE.
func TestHotQueryPlans(t *testing.T) {
	s := planStore(t)
	fillPlans(t, s)
	now := micro(time.Now())
	monthAgo := now.AddDate(0, -1, 0)
	none := []string{}
	write := func(extra ...any) []any {
		// $1..$19, the writeArgs of a write with no events, messages or
		// further documents, then $20..$28 (alsoArgs) and $29 (team).
		args := append([]any{}, extra...)
		args = append(args, none, none, none, none, none, none, none, none, none)
		for range 9 {
			args = append(args, none)
		}
		return append(args, "team-1")
	}
	type hot struct {
		query string
		args  []any
		// want are indexes the plan must read through.
		want []string
		// periodic marks the statements a host runs on a timer rather
		// than per request, which need the statistics autovacuum keeps
		// (their partial indexes look no smaller than the table before).
		periodic bool
	}
	hots := map[string]hot{
		"Get":                   {getSQL, []any{plugins.KindReferral, "doc-0000005"}, []string{"documents_pkey"}, false},
		"Create":                {createSQL, write(plugins.KindReferral, "doc-new", "s", "o", "p", "person-1", nil, []byte(`{}`), "key-new", now), nil, false},
		"Create: repeated key":  {firstCreateSQL, []any{"key-doc-0000005"}, []string{"create_keys_pkey", "documents_pkey"}, false},
		"Update":                {updateSQL, write(plugins.KindReferral, "doc-0000005", 1, "s", "o", "p", "person-1", nil, []byte(`{}`), now), []string{"documents_pkey"}, false},
		"Update: version":       {versionSQL, []any{plugins.KindReferral, "doc-0000005"}, []string{"documents_pkey"}, false},
		"Events":                {eventsSQL, []any{plugins.KindReferral, "doc-0000005", 0, (*int)(nil)}, []string{"documents_pkey", "events_pkey"}, false},
		"LeaseOutbox":           {leaseOutboxSQL, []any{"w", now.Add(time.Minute), now, 10}, []string{"outbox_queue_idx", "outbox_pkey"}, false},
		"AckOutbox":             {ackOutboxSQL, []any{"msg-doc-0000005", "w", now}, []string{"outbox_pkey"}, false},
		"AckOutbox: lease lost": {leaseLostSQL, []any{"msg-doc-0000005"}, []string{"outbox_pkey"}, false},
		"NackOutbox":            {nackOutboxSQL, []any{"msg-doc-0000005", "w", "e", now}, []string{"outbox_pkey"}, false},
		"DeadLetterOutbox":      {deadLetterSQL, []any{"msg-doc-0000005", "w", "e", now}, nil, false},
		"OutboxDepth":           {outboxDepthSQL, nil, []string{"outbox_queue_idx"}, false},
		"DeadLetterCount":       {deadLetterCountSQL, nil, []string{"outbox_dead_idx"}, true},
		"PruneOutbox":           {pruneSQL, []any{monthAgo.AddDate(0, 0, -7), monthAgo.AddDate(0, 0, -7)}, []string{"outbox_delivered_idx", "create_keys_created_idx"}, true},
		"LeaseDue":              {leaseDueQuery, []any{plugins.KindReferral, "w", now.Add(time.Minute), now, 10}, []string{"documents_due_idx", "documents_pkey"}, false},
	}
	for name, q := range map[string]struct {
		q     plugins.Query
		index string
	}{
		"List by kind":                  {plugins.Query{Kind: plugins.KindReferral}, "documents_pkey"},
		"List by person":                {plugins.Query{Kind: plugins.KindReferral, Person: "person-5"}, "documents_person_idx"},
		"List by person and status":     {plugins.Query{Kind: plugins.KindMeasurement, Person: "person-5", Status: "status-2"}, "documents_person_idx"},
		"List by owner":                 {plugins.Query{Kind: plugins.KindPlan, Owner: "owner-3"}, "documents_owner_idx"},
		"List by partner":               {plugins.Query{Kind: plugins.KindOnwardReferral, Partner: "partner-3"}, "documents_partner_idx"},
		"List by partner, status, team": {plugins.Query{Kind: plugins.KindOnwardReferral, Partner: "partner-3", Status: "status-3", Team: "team-3"}, ""},
		"List by team":                  {plugins.Query{Kind: plugins.KindReferral, Team: "team-5"}, "documents_team_idx"},
		"List by status":                {plugins.Query{Kind: plugins.KindReferral, Status: "status-0"}, ""},
		"List by status, owner, team":   {plugins.Query{Kind: plugins.KindReferral, Status: "status-0", Owner: "owner-5", Team: "team-5"}, ""},
		"List changes (updated since)":  {plugins.Query{Kind: plugins.KindService, UpdatedSince: time.Now().Add(-10 * time.Minute)}, ""},
	} {
		query, args := listSQL(q.q, "doc-0000100", 100)
		var want []string
		if q.index != "" {
			want = []string{q.index}
		}
		hots[name] = hot{query, args, want, false}
	}

	check := func(t *testing.T, analysed bool) {
		for name, h := range hots {
			if h.periodic && !analysed {
				continue
			}
			for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
				t.Run(name+"/"+mode, func(t *testing.T) {
					nodes := explain(t, s, mode, h.query, h.args)
					all := strings.Join(nodes, "\n")
					for _, n := range nodes {
						assert.NotRegexp(t, `^Seq Scan on (documents|events|outbox|create_keys) `, n, "no node reads a whole table:\n%s", all)
					}
					for _, index := range h.want {
						assert.Contains(t, all, " using "+index, "the plan reads through %s:\n%s", index, all)
					}
				})
			}
		}
	}
	t.Run("before ANALYZE", func(t *testing.T) { check(t, false) })
	_, err := s.pool.Exec(context.Background(), "ANALYZE")
	require.NoError(t, err)
	t.Run("after ANALYZE", func(t *testing.T) { check(t, true) })
}

// TestNoForeignKeyOnTheWritePath shows the schema has no foreign key (whose
// per-connection cached check once cost most of the server's CPU) and that
// the store keeps the invariant one kept: an Erase racing Updates of the
// same document leaves none of its events behind.
func TestNoForeignKeyOnTheWritePath(t *testing.T) {
	s := planStore(t)
	ctx := context.Background()
	var fks int
	require.NoError(t, s.pool.QueryRow(ctx, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace").Scan(&fks))
	assert.Zero(t, fks, "foreign keys in the store's schema")

	for i := range 20 {
		id := fmt.Sprintf("race-%d", i)
		d, err := s.Create(ctx, plugins.Write{Document: plugins.Document{Kind: plugins.KindReferral, ID: id, Data: json.RawMessage(`{}`)},
			Events: []plugins.Event{{Type: "made", Actor: "a"}}})
		require.NoError(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				w := plugins.Write{Document: d, Events: []plugins.Event{{Type: "changed", Actor: "a"}}}
				next, err := s.Update(ctx, w)
				if err != nil {
					return // not_found once the erase committed
				}
				d = next
			}
		}()
		time.Sleep(time.Millisecond)
		require.NoError(t, s.Erase(ctx, plugins.Erasure{Kind: plugins.KindReferral, ID: id}))
		<-done
		var left int
		require.NoError(t, s.pool.QueryRow(ctx, "SELECT count(*) FROM events WHERE kind = $1 AND id = $2", string(plugins.KindReferral), id).Scan(&left))
		assert.Zero(t, left, "events of erased %s", id)
	}
}
