package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
)

// planRows is how many documents (and outbox messages, and idempotency
// keys) the plan test stores: enough that a walk of a table costs far more
// than a search, so a planner with statistics would never choose it.
const planRows = 5000

// planKinds are the kinds the plan test's documents are spread over.
var planKinds = []plugins.Kind{plugins.KindReferral, plugins.KindPlan, plugins.KindMeasurement, plugins.KindOnwardReferral, plugins.KindService}

// fill stores n documents spread over planKinds and n/10 people (two
// documents of each kind per person, however large n), 50 owners,
// 20 partners, 10 teams and 5 statuses, with two events each, n outbox
// messages (most delivered, some pending, some dead-lettered) and n create
// idempotency keys, in one transaction through the store's own statements.
func fill(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	base := time.Now().Add(-time.Duration(n) * time.Second)
	require.NoError(t, s.inWrite(ctx, "fill", func(_ context.Context, tx *sql.Tx) error {
		for i := range n {
			at := micros(base.Add(time.Duration(i) * time.Second))
			kind := planKinds[i%len(planKinds)]
			id := fmt.Sprintf("doc-%07d", i)
			var due any
			if i%10 == 0 {
				due = at + int64(time.Hour/time.Microsecond)
			}
			if _, err := tx.ExecContext(ctx, insertDocSQL, kind, id, 1, fmt.Sprintf("status-%d", i%5), fmt.Sprintf("owner-%d", i%50),
				fmt.Sprintf("partner-%d", i%20), fmt.Sprintf("person-%d", i/(2*len(planKinds))), fmt.Sprintf("team-%d", i%10), due, []byte(`{"n":1}`), at, at); err != nil {
				return err
			}
			for seq := 1; seq <= 2; seq++ {
				if _, err := tx.ExecContext(ctx, insertEventSQL, kind, id, seq, "made", "actor", at, nil); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, insertKeySQL, "key-"+id, []byte(`{}`), at); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insertOutboxSQL, "msg-"+id, "msg-key-"+id, "messenger", []byte(`{}`), at, at); err != nil {
				return err
			}
			switch {
			case i%20 == 0: // pending
			case i%20 == 1:
				_, err := tx.ExecContext(ctx, deadLetterSQL, "gave up", at, "msg-"+id)
				if err != nil {
					return err
				}
			default:
				if _, err := tx.ExecContext(ctx, ackOutboxSQL, at, "msg-"+id); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// bareScan matches a plan step that reads a whole table (SCAN without an
// index) or sorts rows the index did not order.
var bareScan = regexp.MustCompile(`^SCAN \w+$`)

// plan returns the steps of SQLite's plan for query with args, one line
// each.
func plan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		steps = append(steps, detail)
	}
	require.NoError(t, rows.Err())
	return steps
}

// TestHotQueryPlans explains every statement the store runs on a hot path,
// as the store runs it, on a file of planRows documents: each must search
// an index (or scan only a partial index of the rows it is about), never
// walk a table, both with the statistics of the empty file Open analysed
// and after ANALYZE of the full one. The inserts are not listed: they read
// nothing but the unique indexes they maintain.
func TestHotQueryPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "plans.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	fill(t, s, planRows)

	now := micros(time.Now())
	list := func(q plugins.Query) (string, []any) { return listSQL(q, "doc-0000100", 100) }
	type hot struct {
		query string
		args  []any
		// want is the step that reads the rows: the index and the terms
		// it searches by.
		want string
	}
	hots := map[string]hot{
		"Get":                     {getSQL, []any{plugins.KindReferral, "doc-0000005"}, "SEARCH documents USING PRIMARY KEY (kind=? AND id=?)"},
		"Create: id exists":       {docExistsSQL, []any{plugins.KindReferral, "doc-0000005"}, "SEARCH documents USING PRIMARY KEY (kind=? AND id=?)"},
		"Create: idempotency key": {firstCreateSQL, []any{"key-doc-0000005"}, "SEARCH idempotency USING PRIMARY KEY (key=?)"},
		"Create: outbox id used":  {outboxUsedSQL, []any{"msg-doc-0000005", "msg-key-doc-0000005"}, "SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)"},
		"Update: version":         {versionSQL, []any{plugins.KindReferral, "doc-0000005"}, "SEARCH documents USING PRIMARY KEY (kind=? AND id=?)"},
		"Update: document":        {updateDocSQL, make([]any, 11), "SEARCH documents USING PRIMARY KEY (kind=? AND id=?)"},
		"Update: last seq":        {lastSeqSQL, []any{plugins.KindReferral, "doc-0000005"}, "SEARCH events USING PRIMARY KEY (kind=? AND id=?)"},
		"Events":                  {eventsSQL, []any{plugins.KindReferral, "doc-0000005", 0, -1}, "SEARCH events USING PRIMARY KEY (kind=? AND id=? AND seq>?)"},
		"LeaseOutbox":             {leaseOutboxSQL, []any{now, now, 10}, "SCAN outbox USING INDEX outbox_queue"},
		"LeaseOutbox: claim":      {leaseOutboxSetSQL, []any{"w", now, 5}, "SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)"},
		"AckOutbox: held":         {heldSQL, []any{"msg-doc-0000005"}, "SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)"},
		"AckOutbox":               {ackOutboxSQL, []any{now, "msg-doc-0000005"}, "SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)"},
		"NackOutbox":              {nackOutboxSQL, []any{"e", now, "msg-doc-0000005"}, "SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)"},
		"DeadLetterOutbox":        {deadLetterSQL, []any{"e", now, "msg-doc-0000005"}, "SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)"},
		"OutboxDepth":             {outboxDepthSQL, nil, "SCAN outbox USING INDEX outbox_queue"},
		"DeadLetterCount":         {deadLetterCountSQL, nil, "SCAN outbox USING INDEX outbox_dead"},
		"PruneOutbox: delivered":  {pruneDeliveredSQL, []any{now}, "SEARCH outbox USING INDEX outbox_delivered (delivered_at>? AND delivered_at<?)"},
		"PruneOutbox: keys":       {pruneKeysSQL, []any{now}, "SEARCH idempotency USING INDEX idempotency_created (created_at<?)"},
		"LeaseDue":                {leaseDueSQL, []any{plugins.KindReferral, now, now, 10}, "SEARCH documents USING INDEX documents_due (kind=? AND due_at>? AND due_at<?)"},
		"LeaseDue: claim":         {leaseDueSetSQL, []any{"w", now, plugins.KindReferral, "doc-0000005"}, "SEARCH documents USING PRIMARY KEY (kind=? AND id=?)"},
	}
	for name, q := range map[string]plugins.Query{
		"List by kind":                  {Kind: plugins.KindReferral},
		"List by person":                {Kind: plugins.KindReferral, Person: "person-5"},
		"List by person and status":     {Kind: plugins.KindMeasurement, Person: "person-5", Status: "status-2"},
		"List by owner":                 {Kind: plugins.KindPlan, Owner: "owner-3"},
		"List by partner":               {Kind: plugins.KindOnwardReferral, Partner: "partner-3"},
		"List by partner, status, team": {Kind: plugins.KindOnwardReferral, Partner: "partner-3", Status: "status-3", Team: "team-3"},
		"List by team":                  {Kind: plugins.KindReferral, Team: "team-5"},
		"List by status":                {Kind: plugins.KindReferral, Status: "status-0"},
		"List by status, owner, team":   {Kind: plugins.KindReferral, Status: "status-0", Owner: "owner-5", Team: "team-5"},
		"List changes (updated since)":  {Kind: plugins.KindService, UpdatedSince: time.Now().Add(-time.Minute)},
	} {
		query, args := list(q)
		col := "id>?"
		switch {
		case q.Person != "":
			col = "person=? AND id>?"
		case q.Owner != "":
			col = "owner=? AND id>?"
		case q.Partner != "":
			col = "partner=? AND id>?"
		case q.Team != "":
			col = "team=? AND id>?"
		case q.Status != "":
			col = "status=? AND id>?"
		case !q.UpdatedSince.IsZero():
			col = "updated_at>?"
		}
		index := "PRIMARY KEY"
		for _, f := range listIndexes {
			if strings.Contains(col, f.col+"=") {
				index = "INDEX " + f.index
				break
			}
		}
		if !q.UpdatedSince.IsZero() {
			index = "INDEX documents_updated"
		}
		hots[name] = hot{query, args, "SEARCH documents USING " + index + " (kind=? AND " + col + ")"}
	}

	check := func(t *testing.T) {
		for name, h := range hots {
			t.Run(name, func(t *testing.T) {
				steps := plan(t, s, h.query, h.args...)
				assert.Contains(t, steps, h.want, "the plan reads through its index")
				for _, step := range steps {
					assert.NotRegexp(t, bareScan, step, "no step walks a table")
				}
				if !strings.Contains(name, "updated since") {
					assert.NotContains(t, strings.Join(steps, "\n"), "TEMP B-TREE", "the index gives the order; nothing is sorted")
				}
			})
		}
	}
	t.Run("statistics of the empty file", check)
	_, err = s.db.Exec("ANALYZE")
	require.NoError(t, err)
	t.Run("after ANALYZE", check)
}

// TestOpenRefreshesStatistics shows Open runs PRAGMA optimize: a file
// filled since its statistics were taken has them taken again on the next
// open, so every other query is planned for the tables as they are.
func TestOpenRefreshesStatistics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	s, err := Open(path)
	require.NoError(t, err)
	fill(t, s, planRows)
	require.NoError(t, s.Close())

	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	var stat string
	require.NoError(t, s.db.QueryRow(`SELECT stat FROM sqlite_stat1 WHERE tbl = 'documents' AND idx = 'documents_person'`).Scan(&stat))
	var rows int
	_, err = fmt.Sscan(stat, &rows)
	require.NoError(t, err)
	// ANALYZE reads at most analysis_limit rows of an index and estimates
	// the rest.
	assert.Greater(t, rows, planRows/2, "the person index's statistics count the documents stored since: %s", stat)
}
