package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	sqlitedriver "modernc.org/sqlite"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/internal/migrate"
	"github.com/socialrx/socialrx/plugins"
)

// migrations are the schema, as goose migrations (see internal/migrate): a
// change is a new file; a released one is never edited.
//
//go:embed migrations/*.sql
var migrations embed.FS

// limits bounds kinds and document ids, so a key stays a key; the input
// checks themselves are the contract's (plugins.Write.Check and the like).
var limits = plugins.Limits{Kind: 64, ID: 256}

// Store is a [plugins.Store] in one SQLite file, without cgo. It is safe for
// concurrent use; open one Store per file and process.
type Store struct {
	db *sql.DB
	// writes carries each write to the one writer goroutine, which commits
	// the writes waiting together in one transaction (group commit: one
	// fsync for many writes) instead of each caller spinning in SQLite's
	// busy handler; busy_timeout still covers other processes.
	writes chan *writeReq
	// closed ends the writer; stopped is closed when it has ended.
	closed, stopped chan struct{}
	closing         sync.Once
	// stop ends the goroutine that refreshes the planner's statistics.
	stop     chan struct{}
	stopOnce sync.Once
}

// writeReq is one write waiting for the writer: fn runs in the batch's
// transaction, and done receives its result once that has committed or
// failed.
type writeReq struct {
	ctx  context.Context
	op   string
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// maxBatch is the most writes one transaction commits.
const maxBatch = 64

// optimizeEvery is how often an open Store refreshes the query planner's
// statistics (PRAGMA optimize), so that they follow the tables as they grow.
const optimizeEvery = time.Hour

var _ plugins.Store = (*Store)(nil)

// Open opens or creates the database file at path and its schema. The file
// uses write-ahead logging, and every commit is synced to disk before the
// write returns (synchronous=FULL): an acknowledged write survives a crash
// of the process, the operating system or the power. A new file is created
// with mode 0600, and missing directories with 0700, whatever the umask;
// SQLite gives the -wal and -shm files the database's mode. Open migrates
// the schema of an older file in place. Codes: invalid
// (empty path or one with '?'), unavailable (the file cannot be created or
// opened, or was made by a newer version).
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, socialrx.Invalid(socialrx.Field("/path", "must be a file name without '?'"))
	}
	if path != ":memory:" && !strings.HasPrefix(path, "file:") {
		// SQLite would create the file 0644, readable by every user.
		if err := fileperm.Create(path); err != nil {
			return nil, socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: create %s: %w", path, err)
		}
	}
	// _txlock=immediate takes the write lock at BEGIN, so two writers never
	// both read and then fail to upgrade (SQLITE_BUSY without waiting).
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=analysis_limit(1000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_pragma=secure_delete(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: open %s: %w", path, err)
	}
	s := &Store{db: db, writes: make(chan *writeReq), closed: make(chan struct{}), stopped: make(chan struct{}), stop: make(chan struct{})}
	go s.writer()
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.optimize(context.Background(), "PRAGMA optimize=0x10002"); err != nil {
		s.Close()
		return nil, err
	}
	go s.optimizeLoop()
	return s, nil
}

// optimize refreshes the planner's statistics where SQLite judges them
// stale (a table that grew or shrank tenfold, or was never analysed), each
// ANALYZE reading at most analysis_limit rows per index. The hot queries
// name their index and do not depend on it; it keeps every other query's
// plan right as the tables grow. pragma is the form of PRAGMA optimize.
func (s *Store) optimize(ctx context.Context, pragma string) error {
	return s.inWrite(ctx, "optimize", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, pragma)
		return err
	})
}

// optimizeLoop runs PRAGMA optimize every optimizeEvery until Close.
func (s *Store) optimizeLoop() {
	t := time.NewTicker(optimizeEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			// A failure (say, the disk is full) leaves the old statistics;
			// the next tick tries again.
			_ = s.optimize(context.Background(), "PRAGMA optimize")
		}
	}
}

// migrate brings the file's schema up to date with goose and refuses one
// a newer build made. A file made before goose counted its schema version in
// PRAGMA user_version; the versions up to it are recorded as applied first,
// in one transaction that holds the write lock. Processes opening the file
// at once migrate one after the other (migrate.SQLiteLocker). user_version
// keeps the version after, so that builds before goose still refuse a
// newer file.
func (s *Store) migrate() error {
	ctx := context.Background()
	var mode string
	// Turning a new file to WAL, as the connection's first statement does,
	// can find another process migrating it and fail busy without waiting;
	// try again for as long as the busy timeout.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if err == nil {
			break
		}
		var de *sqlitedriver.Error
		busy := errors.As(err, &de) && (de.Code()&0xff == codeBusy || de.Code()&0xff == codeLocked)
		if !busy || time.Now().After(deadline) {
			return s.fail(ctx, "open", err)
		}
	}
	if !strings.EqualFold(mode, "wal") {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: journal mode is %s, want wal", mode)
	}
	err := s.inWrite(ctx, "upgrade schema", func(ctx context.Context, tx *sql.Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		var legacy []int64
		for i := int64(1); i <= v; i++ {
			legacy = append(legacy, i)
		}
		return migrate.Baseline(ctx, tx, goose.DialectSQLite3, legacy)
	})
	if err != nil {
		return err
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return s.fail(ctx, "migrate", err)
	}
	v, err := migrate.Up(ctx, goose.DialectSQLite3, s.db, fsys, goose.WithLocker(migrate.SQLiteLocker(2*time.Minute)))
	var newer *migrate.NewerError
	if errors.As(err, &newer) {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %w", err)
	}
	if err != nil {
		return s.fail(ctx, "migrate", err)
	}
	_, err = s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return s.fail(ctx, "migrate", err)
}

// Close closes the database; later calls return unavailable.
func (s *Store) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.closing.Do(func() { close(s.closed) })
	<-s.stopped
	return s.fail(context.Background(), "close", s.db.Close())
}

// SQLite primary result codes this package tells apart.
const (
	codeBusy       = 5
	codeLocked     = 6
	codeIOErr      = 10
	codeFull       = 13
	codeCantOpen   = 14
	codeConstraint = 19
)

// live returns an unavailable error when ctx is done.
func live(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %w", err)
	}
	return nil
}

// fail turns a database error into a socialrx.Error: a done context, a
// closed database, a busy or failing file are unavailable; a uniqueness
// violation is a conflict; anything else is internal. fail(nil) is nil.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var se *socialrx.Error
	if errors.As(err, &se) {
		return err
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %s: %w", op, errors.Join(ctx.Err(), err))
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "database is closed") {
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %s: %w", op, err)
	}
	var de *sqlitedriver.Error
	if errors.As(err, &de) {
		switch de.Code() & 0xff {
		case codeBusy, codeLocked, codeIOErr, codeFull, codeCantOpen:
			return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %s: %w", op, err)
		case codeConstraint:
			return socialrx.Errorf(socialrx.CodeConflict, "sqlite store: %s: %w", op, err)
		}
	}
	return socialrx.Errorf(socialrx.CodeInternal, "sqlite store: %s: %w", op, err)
}

// inWrite runs fn in a write transaction that commits when fn returns nil,
// and returns once it has: the writer may commit it together with other
// writes waiting at the same time, each in a savepoint of its own, so that
// a write that fails is undone alone. fn must use the ctx it is given (not
// the caller's, whose cancellation would interrupt the whole batch). A
// caller whose context ends before its write begins is refused; once it
// has begun, inWrite waits for the commit, so what it returns is what
// happened.
func (s *Store) inWrite(ctx context.Context, op string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := live(ctx); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, op: op, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- r:
		return <-r.done
	case <-ctx.Done():
		return live(ctx)
	case <-s.closed:
		return socialrx.Errorf(socialrx.CodeUnavailable, "sqlite store: %s: the store is closed", op)
	}
}

// writer commits the writes as they come, each batch of those waiting
// together in one transaction, until the store closes.
func (s *Store) writer() {
	defer close(s.stopped)
	for {
		var batch []*writeReq
		select {
		case r := <-s.writes:
			batch = append(batch, r)
		case <-s.closed:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.commit(batch)
	}
}

// commit runs a batch of writes in one transaction, each in a savepoint,
// and tells each its result once the transaction has committed. A write
// that fails is rolled back to its savepoint and the others go on; if the
// transaction itself fails, every write in it fails and none is kept.
func (s *Store) commit(batch []*writeReq) {
	ctx := context.Background()
	results := make([]error, len(batch))
	finish := func(txErr error) {
		for i, r := range batch {
			if results[i] == nil && txErr != nil {
				results[i] = s.fail(r.ctx, r.op, txErr)
			}
			r.done <- results[i]
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	defer tx.Rollback()
	for i, r := range batch {
		if err := live(r.ctx); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
			finish(err)
			return
		}
		err := r.fn(context.WithoutCancel(r.ctx), tx)
		if err != nil {
			results[i] = s.fail(r.ctx, r.op, err)
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO write"); err != nil {
				finish(err)
				return
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE write"); err != nil {
			finish(err)
			return
		}
	}
	finish(tx.Commit())
}

// micros and fromMicros convert times to and from the stored form.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

func optTime(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// now is the store's clock, at the precision it stores.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func notFound(kind plugins.Kind, id string) error {
	return socialrx.Errorf(socialrx.CodeNotFound, "%s %q not found", kind, id)
}

const docColumns = `kind, id, version, status, owner, partner, person, team, due_at, data, created_at, updated_at`

// scanDoc reads a row of docColumns.
func scanDoc(row interface{ Scan(...any) error }) (plugins.Document, error) {
	var d plugins.Document
	var due sql.NullInt64
	var created, updated int64
	var data []byte
	err := row.Scan(&d.Kind, &d.ID, &d.Version, &d.Status, &d.Owner, &d.Partner, &d.Person, &d.Team, &due, &data, &created, &updated)
	d.DueAt, d.Data = optTime(due), data
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	return d, err
}

// Get returns the current document. Codes: not_found, unavailable.
func (s *Store) Get(ctx context.Context, kind plugins.Kind, id string) (plugins.Document, error) {
	if err := live(ctx); err != nil {
		return plugins.Document{}, err
	}
	d, err := scanDoc(s.db.QueryRowContext(ctx, getSQL, kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return plugins.Document{}, notFound(kind, id)
	}
	return d, s.fail(ctx, "get", err)
}

// Create stores a new document at version 1 with its events and outbox
// messages in one transaction; a repeated IdempotencyKey returns the first
// result. Codes: invalid, conflict (the id exists or an outbox key or id
// was used), unavailable.
func (s *Store) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := w.Check(false, limits); err != nil {
		return plugins.Document{}, err
	}
	var out plugins.Document
	err := s.inWrite(ctx, "create", func(ctx context.Context, tx *sql.Tx) error {
		if w.IdempotencyKey != "" {
			var first []byte
			err := tx.QueryRowContext(ctx, firstCreateSQL, w.IdempotencyKey).Scan(&first)
			if err == nil {
				return json.Unmarshal(first, &out)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		t := now()
		d, err := insertDoc(ctx, tx, w.Document, t)
		if err != nil {
			return err
		}
		if err := appendRest(ctx, tx, d, w, 0, t); err != nil {
			return err
		}
		if w.IdempotencyKey != "" {
			result, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insertKeySQL, w.IdempotencyKey, result, micros(t)); err != nil {
				return err
			}
		}
		out = d
		return nil
	})
	if err != nil {
		return plugins.Document{}, err
	}
	return out, nil
}

func truncate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// insertDoc stores a new document at version 1, stamped t; one whose kind
// and id exist is a conflict.
func insertDoc(ctx context.Context, tx *sql.Tx, d plugins.Document, t time.Time) (plugins.Document, error) {
	var exists int
	err := tx.QueryRowContext(ctx, docExistsSQL, d.Kind, d.ID).Scan(&exists)
	if err == nil {
		return d, socialrx.Errorf(socialrx.CodeConflict, "%s %q already exists", d.Kind, d.ID)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return d, err
	}
	d.Version, d.CreatedAt, d.UpdatedAt = 1, t, t
	d.DueAt = truncate(d.DueAt)
	_, err = tx.ExecContext(ctx, insertDocSQL,
		d.Kind, d.ID, d.Version, d.Status, d.Owner, d.Partner, d.Person, d.Team, nullMicros(d.DueAt), []byte(d.Data), micros(t), micros(t))
	return d, err
}

// appendRest creates w's further documents, appends its events after seq
// and queues its messages.
func appendRest(ctx context.Context, tx *sql.Tx, d plugins.Document, w plugins.Write, seq int64, t time.Time) error {
	for _, a := range w.Also {
		if _, err := insertDoc(ctx, tx, a, t); err != nil {
			return err
		}
	}
	for _, e := range w.Events {
		seq++
		at := e.At
		if at.IsZero() {
			at = t
		}
		_, err := tx.ExecContext(ctx, insertEventSQL,
			d.Kind, d.ID, seq, e.Type, e.Actor, micros(at), nullBytes(e.Data))
		if err != nil {
			return err
		}
	}
	for _, m := range w.Outbox {
		var used int
		err := tx.QueryRowContext(ctx, outboxUsedSQL, m.ID, m.IdempotencyKey).Scan(&used)
		if err == nil {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q or its key %q was used", m.ID, m.IdempotencyKey)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		next := m.NextAttemptAt
		if next.IsZero() {
			next = t
		}
		_, err = tx.ExecContext(ctx, insertOutboxSQL,
			m.ID, m.IdempotencyKey, m.Target, []byte(m.Payload), micros(t), micros(next))
		if err != nil {
			return err
		}
	}
	return nil
}

// Update replaces a document whose stored version equals
// w.Document.Version, with its events and messages, in one transaction.
// Codes: invalid, not_found, conflict (stale version, used outbox key or
// id), unavailable.
func (s *Store) Update(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	if err := w.Check(true, limits); err != nil {
		return plugins.Document{}, err
	}
	var out plugins.Document
	err := s.inWrite(ctx, "update", func(ctx context.Context, tx *sql.Tx) error {
		d := w.Document
		var version, created int64
		err := tx.QueryRowContext(ctx, versionSQL, d.Kind, d.ID).Scan(&version, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(d.Kind, d.ID)
		}
		if err != nil {
			return err
		}
		if version != d.Version {
			return socialrx.Errorf(socialrx.CodeConflict, "%s %q is at version %d, not %d", d.Kind, d.ID, version, d.Version)
		}
		t := now()
		d.Version, d.CreatedAt, d.UpdatedAt = version+1, fromMicros(created), t
		d.DueAt = truncate(d.DueAt)
		_, err = tx.ExecContext(ctx, updateDocSQL,
			d.Version, d.Status, d.Owner, d.Partner, d.Person, d.Team, nullMicros(d.DueAt), []byte(d.Data), micros(t), d.Kind, d.ID)
		if err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRowContext(ctx, lastSeqSQL, d.Kind, d.ID).Scan(&seq); err != nil {
			return err
		}
		if err := appendRest(ctx, tx, d, w, seq, t); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return plugins.Document{}, err
	}
	return out, nil
}

// List returns one page of documents ordered by id, at most the limit and
// plugins.MaxPageBytes of data. Codes: invalid (no kind, bad limit or
// cursor), unavailable.
func (s *Store) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	limit, after, err := q.Check(limits)
	if err != nil {
		return plugins.Page{}, err
	}
	if err := live(ctx); err != nil {
		return plugins.Page{}, err
	}
	query, args := listSQL(q, after, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return plugins.Page{}, s.fail(ctx, "list", err)
	}
	defer rows.Close()
	// Rows are read one at a time and the page stops at the first that
	// does not fit, so large documents are never all in memory at once.
	pg := plugins.NewPager(limit)
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return plugins.Page{}, s.fail(ctx, "list", err)
		}
		if !pg.Add(d) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return plugins.Page{}, s.fail(ctx, "list", err)
	}
	return pg.Page(), nil
}

// Events returns a document's events with Seq > after, oldest first, at
// most limit (0 means all). Codes: not_found, unavailable.
func (s *Store) Events(ctx context.Context, kind plugins.Kind, id string, after int64, limit int) ([]plugins.Event, error) {
	if err := live(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, eventsSQL, kind, id, after, limit)
	if err != nil {
		return nil, s.fail(ctx, "events", err)
	}
	defer rows.Close()
	out := []plugins.Event{}
	for rows.Next() {
		var e plugins.Event
		var at int64
		var data []byte
		if err := rows.Scan(&e.Seq, &e.Type, &e.Actor, &at, &data); err != nil {
			return nil, s.fail(ctx, "events", err)
		}
		e.At, e.Data = fromMicros(at), data
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "events", err)
	}
	if len(out) == 0 {
		if _, err := s.Get(ctx, kind, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LeaseOutbox claims up to n undelivered messages due at now that no live
// lease holds, oldest first. Codes: invalid (no owner, Until not after now,
// n < 1), unavailable.
func (s *Store) LeaseOutbox(ctx context.Context, lease plugins.Lease, now time.Time, n int) ([]plugins.OutboxMessage, error) {
	if err := lease.Check(now, n); err != nil {
		return nil, err
	}
	var out []plugins.OutboxMessage
	err := s.inWrite(ctx, "lease outbox", func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, leaseOutboxSQL, micros(now), micros(now), n)
		if err != nil {
			return err
		}
		var seqs []int64
		for rows.Next() {
			var m plugins.OutboxMessage
			var seq, created, next int64
			var payload []byte
			if err := rows.Scan(&seq, &m.ID, &m.IdempotencyKey, &m.Target, &payload, &created, &m.Attempts, &next, &m.LastError); err != nil {
				rows.Close()
				return err
			}
			m.Payload, m.CreatedAt, m.NextAttemptAt = payload, fromMicros(created), fromMicros(next)
			out = append(out, m)
			seqs = append(seqs, seq)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, seq := range seqs {
			if _, err := tx.ExecContext(ctx, leaseOutboxSetSQL, lease.Owner, micros(lease.Until), seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// held checks, in tx, that lease.Owner holds message id, and reports
// whether it was delivered. Codes: not_found, conflict.
func held(ctx context.Context, tx *sql.Tx, id string, lease plugins.Lease) (delivered bool, err error) {
	var owner sql.NullString
	var at sql.NullInt64
	err = tx.QueryRowContext(ctx, heldSQL, id).Scan(&owner, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
	}
	if err != nil {
		return false, err
	}
	if !owner.Valid || owner.String != lease.Owner {
		return false, socialrx.Errorf(socialrx.CodeConflict, "outbox message %q is not leased by %q", id, lease.Owner)
	}
	return at.Valid, nil
}

// AckOutbox marks a message leased by lease.Owner delivered at at; a repeat
// by the same owner succeeds. Codes: not_found, conflict (another owner
// holds it, or no one), unavailable.
func (s *Store) AckOutbox(ctx context.Context, id string, lease plugins.Lease, at time.Time) error {
	return s.inWrite(ctx, "ack outbox", func(ctx context.Context, tx *sql.Tx) error {
		delivered, err := held(ctx, tx, id, lease)
		if err != nil || delivered {
			return err
		}
		_, err = tx.ExecContext(ctx, ackOutboxSQL, micros(at), id)
		return err
	})
}

// NackOutbox records a failed attempt of a message leased by lease.Owner
// and releases it until retryAt. Codes: not_found, conflict (another owner
// holds it, no one does, or it was delivered), unavailable.
func (s *Store) NackOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, retryAt time.Time) error {
	return s.inWrite(ctx, "nack outbox", func(ctx context.Context, tx *sql.Tx) error {
		delivered, err := held(ctx, tx, id, lease)
		if err != nil {
			return err
		}
		if delivered {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q was delivered", id)
		}
		_, err = tx.ExecContext(ctx, nackOutboxSQL,
			errMsg, micros(retryAt), id)
		return err
	})
}

// Erase removes a document, its events, the outbox messages about it and
// the record of the create that made it, and creates e.Also, in one
// transaction. SQLite's secure_delete (on for every Store) overwrites what
// is deleted with zeros, and a checkpoint then truncates the write-ahead
// log, so the content is gone from the file as well as from its tables.
// Codes: invalid, not_found, conflict (an Also document exists),
// unavailable.
func (s *Store) Erase(ctx context.Context, e plugins.Erasure) error {
	if err := e.Check(limits); err != nil {
		return err
	}
	err := s.inWrite(ctx, "erase", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE kind = ? AND id = ?`, e.Kind, e.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, notFound(e.Kind, e.ID))
		}
		for _, q := range []string{
			`DELETE FROM events WHERE kind = ? AND id = ?`,
			`DELETE FROM idempotency WHERE json_extract(result, '$.kind') = ? AND json_extract(result, '$.id') = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, e.Kind, e.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE instr(':' || idempotency_key || ':', ':' || ? || ':') > 0`, e.ID); err != nil {
			return err
		}
		return appendRest(ctx, tx, plugins.Document{}, plugins.Write{Also: e.Also}, 0, now())
	})
	if err != nil {
		return err
	}
	// Best effort: a reader holding an old snapshot keeps the log until it
	// ends, and the next checkpoint truncates it then.
	_, _ = s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}

// OutboxAbout returns every message whose idempotency key names the
// document id, delivered or not, oldest first. Codes: invalid (no id),
// unavailable.
func (s *Store) OutboxAbout(ctx context.Context, id string) ([]plugins.OutboxMessage, error) {
	if id == "" {
		return nil, socialrx.Invalid(socialrx.Field("/id", "is required"))
	}
	if err := live(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, idempotency_key, target, payload, created_at, attempts, next_attempt_at, last_error, delivered_at FROM outbox
		WHERE instr(':' || idempotency_key || ':', ':' || ? || ':') > 0 ORDER BY created_at, seq`, id)
	if err != nil {
		return nil, s.fail(ctx, "outbox about", err)
	}
	defer rows.Close()
	var out []plugins.OutboxMessage
	for rows.Next() {
		var m plugins.OutboxMessage
		var created, next int64
		var delivered sql.NullInt64
		var payload []byte
		if err := rows.Scan(&m.ID, &m.IdempotencyKey, &m.Target, &payload, &created, &m.Attempts, &next, &m.LastError, &delivered); err != nil {
			return nil, s.fail(ctx, "outbox about", err)
		}
		m.Payload, m.CreatedAt, m.NextAttemptAt, m.DeliveredAt = payload, fromMicros(created), fromMicros(next), optTime(delivered)
		out = append(out, m)
	}
	return out, s.fail(ctx, "outbox about", rows.Err())
}

// cmpErr is err when there is one, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// OutboxDepth counts messages neither delivered nor dead-lettered.
// Codes: unavailable.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	return s.count(ctx, "outbox depth", outboxDepthSQL)
}

// DeadLetterCount counts dead-lettered messages. Codes: unavailable.
func (s *Store) DeadLetterCount(ctx context.Context) (int, error) {
	return s.count(ctx, "dead letter count", deadLetterCountSQL)
}

func (s *Store) count(ctx context.Context, op, query string) (int, error) {
	if err := live(ctx); err != nil {
		return 0, err
	}
	var n int
	err := s.db.QueryRowContext(ctx, query).Scan(&n)
	return n, s.fail(ctx, op, err)
}

// DeadLetterOutbox records the last failed attempt of a message leased by
// lease.Owner and dead-letters it at at. Codes: not_found, conflict
// (another owner holds it, no one does, or it was delivered), unavailable.
func (s *Store) DeadLetterOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, at time.Time) error {
	return s.inWrite(ctx, "dead-letter outbox", func(ctx context.Context, tx *sql.Tx) error {
		delivered, err := held(ctx, tx, id, lease)
		if err != nil {
			return err
		}
		if delivered {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q was delivered", id)
		}
		_, err = tx.ExecContext(ctx, deadLetterSQL,
			errMsg, micros(at), id)
		return err
	})
}

const outboxColumns = `id, idempotency_key, target, payload, created_at, attempts, next_attempt_at, last_error, delivered_at, dead_at`

// scanOutbox reads a row of outboxColumns.
func scanOutbox(row interface{ Scan(...any) error }) (plugins.OutboxMessage, error) {
	var m plugins.OutboxMessage
	var created, next int64
	var delivered, dead sql.NullInt64
	var payload []byte
	err := row.Scan(&m.ID, &m.IdempotencyKey, &m.Target, &payload, &created, &m.Attempts, &next, &m.LastError, &delivered, &dead)
	m.Payload, m.CreatedAt, m.NextAttemptAt = payload, fromMicros(created), fromMicros(next)
	m.DeliveredAt, m.DeadAt = optTime(delivered), optTime(dead)
	return m, err
}

// DeadLetters returns one page of dead-lettered messages by id. Codes:
// invalid (bad limit or cursor), unavailable.
func (s *Store) DeadLetters(ctx context.Context, q plugins.DeadLetterQuery) (plugins.DeadLetterPage, error) {
	limit, after, err := q.Check()
	if err != nil {
		return plugins.DeadLetterPage{}, err
	}
	if err := live(ctx); err != nil {
		return plugins.DeadLetterPage{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE dead_at IS NOT NULL AND id > ? ORDER BY id LIMIT ?`, after, limit+1)
	if err != nil {
		return plugins.DeadLetterPage{}, s.fail(ctx, "dead letters", err)
	}
	defer rows.Close()
	pg := plugins.DeadLetterPage{Messages: []plugins.OutboxMessage{}}
	for rows.Next() {
		if len(pg.Messages) == limit {
			pg.Next = plugins.EncodeCursor(pg.Messages[limit-1].ID)
			break
		}
		m, err := scanOutbox(rows)
		if err != nil {
			return plugins.DeadLetterPage{}, s.fail(ctx, "dead letters", err)
		}
		pg.Messages = append(pg.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return plugins.DeadLetterPage{}, s.fail(ctx, "dead letters", err)
	}
	return pg, nil
}

// GetOutbox returns one message. Codes: not_found, unavailable.
func (s *Store) GetOutbox(ctx context.Context, id string) (plugins.OutboxMessage, error) {
	if err := live(ctx); err != nil {
		return plugins.OutboxMessage{}, err
	}
	m, err := scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return plugins.OutboxMessage{}, socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
	}
	return m, s.fail(ctx, "get outbox", err)
}

// RedriveOutbox puts a dead-lettered message back in the queue, due at at
// with no attempts. Codes: not_found, conflict (not dead-lettered),
// unavailable.
func (s *Store) RedriveOutbox(ctx context.Context, id string, at time.Time) (plugins.OutboxMessage, error) {
	var m plugins.OutboxMessage
	err := s.inWrite(ctx, "redrive outbox", func(ctx context.Context, tx *sql.Tx) error {
		var dead sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT dead_at FROM outbox WHERE id = ?`, id).Scan(&dead)
		if errors.Is(err, sql.ErrNoRows) {
			return socialrx.Errorf(socialrx.CodeNotFound, "outbox message %q not found", id)
		}
		if err != nil {
			return err
		}
		if !dead.Valid {
			return socialrx.Errorf(socialrx.CodeConflict, "outbox message %q is not dead-lettered", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`,
			micros(at), id); err != nil {
			return err
		}
		m, err = scanOutbox(tx.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
		return err
	})
	return m, err
}

// PruneOutbox deletes the messages delivered before deliveredBefore and
// the create idempotency keys stored before keysBefore. Codes: unavailable.
func (s *Store) PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (plugins.Pruned, error) {
	var p plugins.Pruned
	err := s.inWrite(ctx, "prune outbox", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, pruneDeliveredSQL, before(deliveredBefore))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		p.Delivered = int(n)
		if res, err = tx.ExecContext(ctx, pruneKeysSQL, before(keysBefore)); err != nil {
			return err
		}
		n, err = res.RowsAffected()
		p.IdempotencyKeys = int(n)
		return err
	})
	return p, err
}

// before is the stored form of a pruning bound: the zero time is before
// every stored time.
func before(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return micros(t)
}

// LeaseDue claims up to n documents of the kind due at now that no live
// lease holds, most overdue first. Codes: invalid (bad kind, no owner,
// Until not after now, n < 1), unavailable.
func (s *Store) LeaseDue(ctx context.Context, kind plugins.Kind, lease plugins.Lease, now time.Time, n int) ([]plugins.Document, error) {
	if err := lease.CheckDue(kind, now, n, limits); err != nil {
		return nil, err
	}
	var out []plugins.Document
	err := s.inWrite(ctx, "lease due", func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, leaseDueSQL, kind, micros(now), micros(now), n)
		if err != nil {
			return err
		}
		for rows.Next() {
			d, err := scanDoc(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range out {
			if _, err := tx.ExecContext(ctx, leaseDueSetSQL, lease.Owner, micros(lease.Until), d.Kind, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
