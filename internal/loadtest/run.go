package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the raw SQLite baseline, the driver the store uses

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/dirgen"
)

// The operations of the cells: the host's, then the baselines'.
const (
	OpCreate = "create referral"
	OpGet    = "get referral"
	OpStatus = "status change"
	OpSearch = "directory search"

	BaseBare      = "bare net/http, same bytes as get"
	BaseSQLite1   = "raw SQLite insert, 1 per tx"
	BaseSQLite64  = "raw SQLite insert, 64 per tx (rows/s)"
	BasePgx       = "raw pgx INSERT"
	BaseIndex     = "in-process index search"
	baselineStore = "baseline"
)

// Ops are the host operations each store is driven with, in order.
var Ops = []string{OpCreate, OpGet, OpStatus, OpSearch}

// Cell is one measurement: an operation on a store (or a baseline) from
// a number of concurrent clients for a while.
type Cell struct {
	Store, Op string
	Clients   int
	// Ops is how many operations completed without error, Units how many
	// rows or requests they made (64 per operation of BaseSQLite64).
	Ops, Units int
	// Errors is how many failed; FirstError says what the first one was.
	Errors     int
	FirstError string
	Elapsed    time.Duration
	// P50 and P99 are latencies of the operations that completed.
	P50, P99 time.Duration
}

// PerSec is units per second.
func (c Cell) PerSec() float64 {
	if c.Elapsed <= 0 {
		return 0
	}
	return float64(c.Units) / c.Elapsed.Seconds()
}

// Result is a run: its options and every cell, baselines first (though
// they are measured last, after the hosts are closed).
type Result struct {
	Options Options
	Cells   []Cell
}

// Run fills each store of o and measures it and the baselines.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.N < 2 || o.M < 1 || o.Duration <= 0 || len(o.Clients) == 0 || len(o.Stores) == 0 {
		return nil, errors.New("need at least 2 referrals, 1 service, some clients, a duration and a store")
	}
	if o.N/2 < slices.Max(o.Clients) {
		return nil, fmt.Errorf("-n %d makes %d active referrals, fewer than the %d clients changing statuses (one each)", o.N, o.N/2, slices.Max(o.Clients))
	}
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if o.Dir == "" {
		o.Dir = os.TempDir()
	}
	tmp, err := os.MkdirTemp(o.Dir, "socialrx-loadtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	res := &Result{Options: o}
	services := generate(o.M)
	ix, err := directory.NewIndex(services...)
	if err != nil {
		return nil, err
	}
	creates := atomic.Int64{}
	creates.Store(int64(o.N))
	var getBody []byte // a GET referral's bytes, for the bare net/http baseline
	for k, store := range o.Stores {
		dir := filepath.Join(tmp, store)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		logf("%s: starting the host", store)
		s, err := startHost(store, dir, o.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", store, err)
		}
		cells, err := func() ([]Cell, error) {
			t0 := time.Now()
			if err := s.fill(ctx, services, o.N, func(f string, a ...any) { logf(store+": "+f, a...) }); err != nil {
				return nil, err
			}
			logf("%s: filled with %d referrals and %d services in %s", store, o.N, o.M, time.Since(t0).Round(time.Millisecond))
			d := newDriver(s, &creates)
			var cells []Cell
			if k == 0 {
				if getBody, err = d.getBody(ctx); err != nil {
					return nil, err
				}
			}
			for _, op := range Ops {
				for _, n := range o.Clients {
					c := measure(ctx, n, o.Duration, d.op(op))
					c.Store, c.Op = store, op
					logf("%s", c.row(nil))
					cells = append(cells, c)
				}
			}
			return cells, nil
		}()
		err = errors.Join(err, s.stop())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", store, err)
		}
		res.Cells = append(res.Cells, cells...)
	}
	// The baselines run last, when no host is left in the process (its
	// outbox worker still delivering what the fill sent, its heap).
	base, err := baselines(ctx, o, filepath.Join(tmp, "raw.db"), getBody, ix, logf)
	if err != nil {
		return nil, err
	}
	res.Cells = append(base, res.Cells...)
	return res, ctx.Err()
}

// measure runs op from clients goroutines for d and returns the cell.
// op is given its client's number and how many operations that client
// made before; it returns how many units it made.
func measure(ctx context.Context, clients int, d time.Duration, op func(ctx context.Context, client, i int) (int, error)) Cell {
	var mu sync.Mutex
	var lat []time.Duration
	c := Cell{Clients: clients}
	start := time.Now()
	var wg sync.WaitGroup
	for client := range clients {
		wg.Go(func() {
			var mine []time.Duration
			var units, errs int
			var first string
			for i := 0; time.Since(start) < d && ctx.Err() == nil; i++ {
				t0 := time.Now()
				n, err := op(ctx, client, i)
				if err != nil {
					if errs++; first == "" {
						first = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t0))
				units += n
			}
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, mine...)
			c.Units += units
			c.Errors += errs
			if c.FirstError == "" {
				c.FirstError = first
			}
		})
	}
	wg.Wait()
	c.Elapsed = time.Since(start)
	c.Ops = len(lat)
	if len(lat) > 0 {
		slices.Sort(lat)
		c.P50, c.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return c
}

// searches are the directory searches of the run: what link workers ask.
func searches() []directory.Query {
	headingley := dirgen.Places[1].Point
	return []directory.Query{
		{Text: "walking group", Status: []directory.Status{directory.StatusActive}, FreeOnly: true, Near: &headingley, RadiusKm: 3},
		{Needs: []socialrx.Need{socialrx.NeedLoneliness}, Access: []directory.Access{directory.AccessStepFree}, Near: &headingley, RadiusKm: 2},
		{Text: "community", Page: 2},
	}
}

// driver makes the host's operations over HTTP.
type driver struct {
	s       *server
	client  *http.Client
	creates *atomic.Int64
	queries [][]byte
	// status is what each status-changing client knows of its referral.
	status []refState
}

type refState struct {
	known, onHold bool
	version       string
}

func newDriver(s *server, creates *atomic.Int64) *driver {
	d := &driver{s: s, creates: creates, status: make([]refState, len(s.active)),
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}}
	for _, q := range searches() {
		b, _ := json.Marshal(q)
		d.queries = append(d.queries, b)
	}
	return d
}

// do makes a request as p and returns the response body, or an error
// unless the status is want.
func (d *driver) do(ctx context.Context, who, method, path string, body []byte, want int, header ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.s.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+secrets()[who])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := d.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != want {
		err = fmt.Errorf("%s %s: %d, want %d: %.300s", method, path, res.StatusCode, want, b)
	}
	return res, b, err
}

// getBody returns the body of a GET of the first referral.
func (d *driver) getBody(ctx context.Context) ([]byte, error) {
	_, b, err := d.do(ctx, linkWorker.ID, "GET", "/v1/referrals/"+d.s.referrals[0], nil, http.StatusOK)
	return b, err
}

// op returns the operation named, as measure runs it.
func (d *driver) op(name string) func(ctx context.Context, client, i int) (int, error) {
	switch name {
	case OpCreate:
		return func(ctx context.Context, _, _ int) (int, error) {
			_, _, err := d.do(ctx, referrer.ID, "POST", "/v1/referrals", referralBody(int(d.creates.Add(1))), http.StatusCreated)
			return 1, err
		}
	case OpGet:
		return func(ctx context.Context, client, i int) (int, error) {
			id := d.s.referrals[(client*7919+i*104729)%len(d.s.referrals)]
			_, _, err := d.do(ctx, linkWorker.ID, "GET", "/v1/referrals/"+id, nil, http.StatusOK)
			return 1, err
		}
	case OpStatus:
		return func(ctx context.Context, client, _ int) (int, error) { return 1, d.changeStatus(ctx, client) }
	case OpSearch:
		return func(ctx context.Context, client, i int) (int, error) {
			_, _, err := d.do(ctx, linkWorker.ID, "POST", "/v1/directory/search", d.queries[(client+i)%len(d.queries)], http.StatusOK)
			return 1, err
		}
	}
	panic("loadtest: no operation " + name)
}

// changeStatus moves the client's own active referral on hold, or back to
// active, with the version it last saw.
func (d *driver) changeStatus(ctx context.Context, client int) error {
	st, id := &d.status[client], d.s.active[client]
	if !st.known {
		res, b, err := d.do(ctx, linkWorker.ID, "GET", "/v1/referrals/"+id, nil, http.StatusOK)
		if err != nil {
			return err
		}
		var r struct{ Status string }
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		*st = refState{known: true, onHold: r.Status == "on_hold", version: res.Header.Get("ETag")}
	}
	body := `{"to":"on_hold","reason":"person_choice"}`
	if st.onHold {
		body = `{"to":"active"}`
	}
	res, _, err := d.do(ctx, linkWorker.ID, "POST", "/v1/referrals/"+id+"/status", []byte(body), http.StatusOK, "If-Match", st.version)
	if err != nil {
		st.known = false // read it again next time
		return err
	}
	st.onHold, st.version = !st.onHold, res.Header.Get("ETag")
	return nil
}

// baselines measures what the host is compared with at each number of
// clients: a bare net/http handler serving body, raw SQLite inserts on
// the disk at db, raw pgx inserts when o has a database, and the
// in-process index answering the run's searches.
func baselines(ctx context.Context, o Options, db string, body []byte, ix *directory.Index, logf func(string, ...any)) ([]Cell, error) {
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"1"`)
		_, _ = w.Write(body)
	}))
	defer bare.Close()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	get := func(ctx context.Context, _, _ int) (int, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", bare.URL, nil)
		if err != nil {
			return 0, err
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, err = io.Copy(io.Discard, res.Body)
		return 1, err
	}
	raw, err := sql.Open("sqlite", db+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1) // SQLite has one writer: queue in Go, not in busy waits
	if _, err := raw.ExecContext(ctx, "CREATE TABLE raw (id TEXT PRIMARY KEY, data BLOB NOT NULL)"); err != nil {
		return nil, err
	}
	doc := referralBody(0)
	var rows atomic.Int64
	insert := func(per int) func(ctx context.Context, _, _ int) (int, error) {
		return func(ctx context.Context, _, _ int) (int, error) {
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				return 0, err
			}
			for range per {
				if _, err := tx.ExecContext(ctx, "INSERT INTO raw (id, data) VALUES (?, ?)", "raw-"+strconv.FormatInt(rows.Add(1), 10), doc); err != nil {
					_ = tx.Rollback()
					return 0, err
				}
			}
			return per, tx.Commit()
		}
	}
	ops := []struct {
		name string
		op   func(ctx context.Context, client, i int) (int, error)
	}{{BaseBare, get}, {BaseSQLite1, insert(1)}, {BaseSQLite64, insert(64)}}
	if o.PostgresURL != "" {
		pool, schema, err := rawPool(ctx, o.PostgresURL, slices.Max(o.Clients))
		if err != nil {
			return nil, err
		}
		defer func() { pool.Close(); _ = dropSchema(o.PostgresURL, schema) }()
		ops = append(ops, struct {
			name string
			op   func(ctx context.Context, client, i int) (int, error)
		}{BasePgx, func(ctx context.Context, _, _ int) (int, error) {
			_, err := pool.Exec(ctx, "INSERT INTO raw (id, data) VALUES ($1, $2)", "raw-"+strconv.FormatInt(rows.Add(1), 10), doc)
			return 1, err
		}})
	}
	qs := searches()
	ops = append(ops, struct {
		name string
		op   func(ctx context.Context, client, i int) (int, error)
	}{BaseIndex, func(_ context.Context, client, i int) (int, error) {
		_, err := ix.Search(qs[(client+i)%len(qs)])
		return 1, err
	}})
	var cells []Cell
	for _, b := range ops {
		for _, n := range o.Clients {
			c := measure(ctx, n, o.Duration, b.op)
			c.Store, c.Op = baselineStore, b.name
			logf("%s", c.row(nil))
			cells = append(cells, c)
		}
	}
	return cells, nil
}

// rawPool connects to a new schema with a plain table for the raw pgx
// baseline, with up to conns connections (at most 16, the database's
// other users need some).
func rawPool(ctx context.Context, u string, conns int) (*pgxpool.Pool, string, error) {
	schema := "loadtest_raw_" + randHex()
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, "", err
	}
	cfg.MaxConns = int32(min(conns, 16))
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, "", err
	}
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+schema+"; CREATE TABLE "+schema+".raw (id text PRIMARY KEY, data jsonb NOT NULL)"); err != nil {
		pool.Close()
		return nil, "", err
	}
	return pool, schema, nil
}

// baseline returns the baseline cell op at clients, if measured.
func (r *Result) baseline(op string, clients int) (Cell, bool) {
	if r == nil {
		return Cell{}, false
	}
	for _, c := range r.Cells {
		if c.Store == baselineStore && c.Op == op && c.Clients == clients {
			return c, true
		}
	}
	return Cell{}, false
}

// ratios says how c compares with its baselines in r.
func (c Cell) ratios(r *Result) string {
	var parts []string
	of := func(op, label string) {
		if b, ok := r.baseline(op, c.Clients); ok && b.PerSec() > 0 {
			parts = append(parts, fmt.Sprintf("%.1f%% of %s", 100*c.PerSec()/b.PerSec(), label))
		}
	}
	switch {
	case c.Store == baselineStore:
	case c.Op == OpGet:
		of(BaseBare, "bare net/http")
	case c.Op == OpSearch:
		of(BaseIndex, "index")
		if b, ok := r.baseline(BaseIndex, c.Clients); ok && b.P50 > 0 {
			parts = append(parts, fmt.Sprintf("p50 %.0f× index", float64(c.P50)/float64(b.P50)))
		}
	case strings.HasPrefix(c.Store, "postgres"):
		of(BasePgx, "raw pgx")
	default:
		of(BaseSQLite1, "raw SQLite 1/tx")
		of(BaseSQLite64, "64/tx")
	}
	return strings.Join(parts, ", ")
}

// row is c as a row of the table.
func (c Cell) row(r *Result) string {
	return fmt.Sprintf("| %s | %s | %d | %.0f | %s | %s | %d | %s |", c.Store, c.Op, c.Clients, c.PerSec(), ms(c.P50), ms(c.P99), c.Errors, c.ratios(r))
}

// ms writes a latency in milliseconds, to three significant figures.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'g', 3, 64)
}

// Table is the run as a Markdown table, under a line saying what was run
// where.
func (r *Result) Table() string {
	var b strings.Builder
	o := r.Options
	fmt.Fprintf(&b, "%d referrals and %d directory services in each store, %s per cell; %s/%s, %d cores.\n\n",
		o.N, o.M, o.Duration, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	b.WriteString("| store | operation | clients | per second | p50 ms | p99 ms | errors | compared with the baselines |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, c := range r.Cells {
		b.WriteString(c.row(r) + "\n")
	}
	return b.String()
}
