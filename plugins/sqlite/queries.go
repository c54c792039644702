package sqlite

import (
	"strings"
	"time"

	"github.com/socialrx/socialrx/plugins"
)

// The statements the store runs on its hot paths, named so that the plan
// test (plans_internal_test.go) explains the very strings the store runs.
// Each reads through an index whatever the table holds: its shape leaves the
// planner one indexed access path (a key, or an INDEXED BY clause), so the
// cost of a call does not grow with the number of stored rows.
const (
	getSQL          = `SELECT ` + docColumns + ` FROM documents WHERE kind = ? AND id = ?`
	docExistsSQL    = `SELECT 1 FROM documents WHERE kind = ? AND id = ?`
	insertDocSQL    = `INSERT INTO documents (` + docColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	firstCreateSQL  = `SELECT result FROM idempotency WHERE key = ?`
	insertKeySQL    = `INSERT INTO idempotency (key, result, created_at) VALUES (?, ?, ?)`
	insertEventSQL  = `INSERT INTO events (kind, id, seq, type, actor, at, data) VALUES (?, ?, ?, ?, ?, ?, ?)`
	outboxUsedSQL   = `SELECT 1 FROM outbox WHERE id = ? OR idempotency_key = ?`
	insertOutboxSQL = `INSERT INTO outbox (id, idempotency_key, target, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)`
	versionSQL      = `SELECT version, created_at FROM documents WHERE kind = ? AND id = ?`
	updateDocSQL    = `UPDATE documents SET version = ?, status = ?, owner = ?, partner = ?, person = ?, team = ?, due_at = ?, data = ?, updated_at = ?,
			lease_owner = NULL, lease_until = NULL WHERE kind = ? AND id = ?`
	lastSeqSQL = `SELECT COALESCE(MAX(seq), 0) FROM events WHERE kind = ? AND id = ?`
	eventsSQL  = `SELECT seq, type, actor, at, data FROM events WHERE kind = ? AND id = ? AND seq > ? ORDER BY seq LIMIT ?`
	// leaseOutboxSQL walks outbox_queue, which holds only the messages
	// neither delivered nor dead-lettered, in queue order.
	leaseOutboxSQL = `SELECT seq, id, idempotency_key, target, payload, created_at, attempts, next_attempt_at, last_error FROM outbox INDEXED BY outbox_queue
			WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ? AND (lease_owner IS NULL OR lease_until <= ?)
			ORDER BY created_at, seq LIMIT ?`
	leaseOutboxSetSQL  = `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE seq = ?`
	heldSQL            = `SELECT lease_owner, delivered_at FROM outbox WHERE id = ?`
	ackOutboxSQL       = `UPDATE outbox SET delivered_at = ? WHERE id = ?`
	nackOutboxSQL      = `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`
	deadLetterSQL      = `UPDATE outbox SET attempts = attempts + 1, last_error = ?, dead_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`
	outboxDepthSQL     = `SELECT COUNT(*) FROM outbox INDEXED BY outbox_queue WHERE delivered_at IS NULL AND dead_at IS NULL`
	deadLetterCountSQL = `SELECT COUNT(*) FROM outbox INDEXED BY outbox_dead WHERE dead_at IS NOT NULL`
	pruneDeliveredSQL  = `DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?`
	pruneKeysSQL       = `DELETE FROM idempotency WHERE created_at < ?`
	leaseDueSQL        = `SELECT ` + docColumns + ` FROM documents INDEXED BY documents_due
			WHERE kind = ? AND due_at IS NOT NULL AND due_at <= ? AND (lease_owner IS NULL OR lease_until <= ?)
			ORDER BY due_at, id LIMIT ?`
	leaseDueSetSQL = `UPDATE documents SET lease_owner = ?, lease_until = ? WHERE kind = ? AND id = ?`
)

// listIndexes are the List filters in the order listSQL prefers their
// indexes, most selective first: each index is (kind, column, id), so with
// the kind and the column fixed it yields the page in id order from the
// cursor on, and the other filters only drop rows of that range.
var listIndexes = []struct{ col, index string }{
	{"person", "documents_person"},
	{"owner", "documents_owner"},
	{"partner", "documents_partner"},
	{"team", "documents_team"},
	{"status", "documents_status"},
}

// listSQL is the statement and arguments of one List page of q after the
// cursor's id, limit+1 rows (the extra one tells there is a next page). It
// names the index to read: SQLite without fresh statistics walks the
// primary key instead, visiting every document of the kind. A change feed
// (UpdatedSince alone) reads documents_updated and sorts the changes, few
// when the feed is followed.
func listSQL(q plugins.Query, after string, limit int) (string, []any) {
	vals := map[string]string{"status": q.Status, "owner": q.Owner, "partner": q.Partner, "person": q.Person, "team": q.Team}
	index := ""
	for _, f := range listIndexes {
		if vals[f.col] != "" {
			index = f.index
			break
		}
	}
	where := []string{"kind = ?", "id > ?"}
	args := []any{q.Kind, after}
	for _, col := range []string{"status", "owner", "partner", "person", "team"} {
		if vals[col] != "" {
			where = append(where, col+" = ?")
			args = append(args, vals[col])
		}
	}
	if !q.UpdatedSince.IsZero() {
		if index == "" {
			index = "documents_updated"
		}
		where = append(where, "updated_at >= ?")
		args = append(args, micros(q.UpdatedSince.Truncate(time.Microsecond)))
	}
	from := "documents"
	if index != "" {
		from += " INDEXED BY " + index
	}
	args = append(args, limit+1)
	return `SELECT ` + docColumns + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id LIMIT ?`, args
}
