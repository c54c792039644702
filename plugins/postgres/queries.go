package postgres

import (
	"strconv"
	"strings"

	"github.com/socialrx/socialrx/plugins"
)

// The statements the store runs on its hot paths besides those next to
// their methods (createSQL, updateSQL, eventsSQL, leaseOutboxSQL,
// leaseDueSQL), named so that the plan test (plans_internal_test.go)
// explains the very strings the store runs.
const (
	getSQL        = "SELECT " + docCols + " FROM documents WHERE kind = $1 AND id = $2"
	versionSQL    = "SELECT version FROM documents WHERE kind = $1 AND id = $2"
	leaseLostSQL  = "SELECT lease_owner, delivered_at FROM outbox WHERE id = $1"
	ackOutboxSQL  = "UPDATE outbox SET delivered_at = $3, lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL"
	nackOutboxSQL = `UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
		lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL`
	deadLetterSQL = `UPDATE outbox SET attempts = attempts + 1, last_error = $3, dead_at = $4,
		lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL AND dead_at IS NULL`
	outboxDepthSQL     = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
	deadLetterCountSQL = "SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL"
	pruneSQL           = `WITH d AS (
		DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1 RETURNING 1
	), k AS (
		DELETE FROM create_keys WHERE created_at < $2 RETURNING 1
	)
	SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM k)`
)

var (
	// firstCreateSQL reads the document a used create idempotency key made.
	firstCreateSQL = "SELECT " + prefixed("d.", docCols) + " FROM create_keys k JOIN documents d ON d.kind = k.kind AND d.id = k.id WHERE k.key = $1"
	// leaseDueQuery is leaseDueSQL returning the claimed documents.
	leaseDueQuery = leaseDueSQL + prefixed("d.", docCols)
)

// listSQL is the statement and arguments of one List page of q after the
// cursor's id (none when ""), limit+1 candidates.
//
// The owner, partner, person and team indexes are partial (WHERE col <>
// ”), and a prepared statement's generic plan cannot prove that col = $n
// implies it; each filter therefore also says col <> ” (always true, as
// List adds a filter only for a value), so the index serves every plan the
// server caches, not just the custom plans of its first executions.
func listSQL(q plugins.Query, after string, limit int) (string, []any) {
	var sql strings.Builder
	sql.WriteString("SELECT " + docCols + " FROM documents WHERE kind = $1")
	args := []any{string(q.Kind)}
	add := func(cond string, v any) {
		args = append(args, v)
		sql.WriteString(" AND " + cond + " $" + strconv.Itoa(len(args)))
	}
	for _, f := range []struct {
		col, v  string
		partial bool
	}{
		{"status", q.Status, false}, {"owner", q.Owner, true}, {"partner", q.Partner, true}, {"person", q.Person, true}, {"team", q.Team, true},
	} {
		if f.v != "" {
			if f.partial {
				sql.WriteString(" AND " + f.col + " <> ''")
			}
			add(f.col+" =", f.v)
		}
	}
	if !q.UpdatedSince.IsZero() {
		add("updated_at >=", micro(q.UpdatedSince))
	}
	if after != "" {
		add("id >", after)
	}
	args = append(args, limit+1)
	sql.WriteString(" ORDER BY id LIMIT $" + strconv.Itoa(len(args)))
	// candidates are the next limit+1 documents; sized numbers them and adds
	// up the data of the ones before each, as the client receives it
	// (jsonb's text; never more than the Pager counts).
	args = append(args, plugins.MaxPageBytes)
	return `SELECT ` + docCols + ` FROM (
	SELECT ` + docCols + `, row_number() OVER w AS n,
		sum(octet_length(data::text)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
	FROM (` + sql.String() + `) AS candidates
	WINDOW w AS (ORDER BY id)
) AS sized
WHERE n <= 2 OR before <= $` + strconv.Itoa(len(args)) + `
ORDER BY id`, args
}
