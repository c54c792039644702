package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/postgres"
)

func doc(id string) plugins.Document {
	return plugins.Document{Kind: plugins.KindReferral, ID: id, Status: "received", Owner: "lw-1",
		Data: json.RawMessage(`{"id":"` + id + `","n":0}`)}
}

func outbox(id string) plugins.OutboxMessage {
	return plugins.OutboxMessage{ID: id, IdempotencyKey: "key-" + id, Target: "messenger",
		Payload: json.RawMessage(`{"idempotency_key":"key-` + id + `"}`)}
}

func TestCreateGetUpdate(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	before := time.Now()
	due := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.FixedZone("x", 3600))
	d := doc("r1")
	d.DueAt = &due
	created, err := s.Create(ctx, plugins.Write{Document: d,
		Events: []plugins.Event{{Type: "referral.received", Actor: "gp", At: before, Data: json.RawMessage(`{"a":1}`)}},
		Outbox: []plugins.OutboxMessage{outbox("o1")}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Version)
	assert.False(t, created.CreatedAt.Before(before), "created_at is not before the call")
	assert.Equal(t, created.CreatedAt, created.UpdatedAt)
	assert.Equal(t, time.UTC, created.CreatedAt.Location())
	require.NotNil(t, created.DueAt)
	assert.True(t, due.Truncate(time.Microsecond).Equal(*created.DueAt), "due_at kept to the microsecond")

	got, err := s.Get(ctx, plugins.KindReferral, "r1")
	require.NoError(t, err)
	assert.Equal(t, created, got, "Create returns what Get reads")
	assert.JSONEq(t, string(d.Data), string(got.Data))

	got.Data = json.RawMessage(`{"id":"r1","n":1}`)
	got.Status = "accepted"
	got.DueAt = nil
	updated, err := s.Update(ctx, plugins.Write{Document: got,
		Events: []plugins.Event{{Type: "referral.accepted", Actor: "lw-1", At: before}, {Type: "note", Actor: "lw-1", At: before}}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Version)
	assert.Equal(t, created.CreatedAt, updated.CreatedAt)
	assert.False(t, updated.UpdatedAt.Before(created.UpdatedAt))
	assert.Nil(t, updated.DueAt)

	again, err := s.Get(ctx, plugins.KindReferral, "r1")
	require.NoError(t, err)
	assert.Equal(t, updated, again)

	evs, err := s.Events(ctx, plugins.KindReferral, "r1", 0, 0)
	require.NoError(t, err)
	require.Len(t, evs, 3)
	for i, e := range evs {
		assert.Equal(t, int64(i+1), e.Seq)
	}
	assert.Equal(t, []string{"referral.received", "referral.accepted", "note"}, []string{evs[0].Type, evs[1].Type, evs[2].Type})
	assert.JSONEq(t, `{"a":1}`, string(evs[0].Data))
	assert.Nil(t, evs[1].Data)

	tail, err := s.Events(ctx, plugins.KindReferral, "r1", 1, 1)
	require.NoError(t, err)
	require.Len(t, tail, 1)
	assert.Equal(t, int64(2), tail[0].Seq)

	none, err := s.Events(ctx, plugins.KindReferral, "r1", 3, 0)
	require.NoError(t, err)
	assert.Empty(t, none)

	n, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := s.Get(ctx, plugins.KindReferral, "nope"); return err }},
		{"get id with NUL", func() error { _, err := s.Get(ctx, plugins.KindReferral, "a\x00b"); return err }},
		{"get bad kind", func() error { _, err := s.Get(ctx, "Bad Kind", "x"); return err }},
		{"update", func() error {
			d := doc("nope")
			d.Version = 1
			_, err := s.Update(ctx, plugins.Write{Document: d})
			return err
		}},
		{"events", func() error { _, err := s.Events(ctx, plugins.KindReferral, "nope", 0, 0); return err }},
		{"events id not UTF-8", func() error { _, err := s.Events(ctx, plugins.KindReferral, "\xff", 0, 0); return err }},
		{"ack", func() error { return s.AckOutbox(ctx, "nope", plugins.Lease{Owner: "w"}, time.Now()) }},
		{"nack", func() error { return s.NackOutbox(ctx, "nope", plugins.Lease{Owner: "w"}, "x", time.Now()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(tc.call()))
		})
	}
}

func TestBadWritesChangeNothing(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	_, err := s.Create(ctx, plugins.Write{Document: doc("existing"), Outbox: []plugins.OutboxMessage{outbox("used")}})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		write func(*plugins.Write)
		code  socialrx.Code
		field string
	}{
		{"no kind", func(w *plugins.Write) { w.Document.Kind = "" }, socialrx.CodeInvalid, "/document/kind"},
		{"kind with capitals", func(w *plugins.Write) { w.Document.Kind = "Referral" }, socialrx.CodeInvalid, "/document/kind"},
		{"no id", func(w *plugins.Write) { w.Document.ID = "" }, socialrx.CodeInvalid, "/document/id"},
		{"id with NUL", func(w *plugins.Write) { w.Document.ID = "a\x00" }, socialrx.CodeInvalid, "/document/id"},
		{"id not UTF-8", func(w *plugins.Write) { w.Document.ID = "\xc3" }, socialrx.CodeInvalid, "/document/id"},
		{"status not UTF-8", func(w *plugins.Write) { w.Document.Status = "\xc3" }, socialrx.CodeInvalid, "/document/status"},
		{"no data", func(w *plugins.Write) { w.Document.Data = nil }, socialrx.CodeInvalid, "/document/data"},
		{"data an array", func(w *plugins.Write) { w.Document.Data = json.RawMessage(`[1]`) }, socialrx.CodeInvalid, "/document/data"},
		{"data not JSON", func(w *plugins.Write) { w.Document.Data = json.RawMessage(`{"a":`) }, socialrx.CodeInvalid, "/document/data"},
		{"data with \\u0000", func(w *plugins.Write) { w.Document.Data = json.RawMessage(`{"a":"\u0000"}`) }, socialrx.CodeInvalid, "/document/data"},
		{"data with a lone surrogate", func(w *plugins.Write) { w.Document.Data = json.RawMessage(`{"a":"\ud800x"}`) }, socialrx.CodeInvalid, "/document/data"},
		{"event without type", func(w *plugins.Write) { w.Events = []plugins.Event{{Type: "ok", Actor: "x"}, {Actor: "x"}} }, socialrx.CodeInvalid, "/events/1/type"},
		{"event data not JSON", func(w *plugins.Write) {
			w.Events = []plugins.Event{{Type: "x", Actor: "t", Data: json.RawMessage(`{`)}}
		}, socialrx.CodeInvalid, "/events/0/data"},
		{"outbox without key", func(w *plugins.Write) {
			w.Outbox = []plugins.OutboxMessage{{ID: "o", Target: "messenger", Payload: json.RawMessage(`{}`)}}
		}, socialrx.CodeInvalid, "/outbox/0/idempotency_key"},
		{"outbox without payload", func(w *plugins.Write) { m := outbox("p"); m.Payload = nil; w.Outbox = []plugins.OutboxMessage{m} }, socialrx.CodeInvalid, "/outbox/0/payload"},
		{"outbox key used before", func(w *plugins.Write) {
			m := outbox("fresh")
			m.IdempotencyKey = "key-used"
			w.Outbox = []plugins.OutboxMessage{m}
		}, socialrx.CodeConflict, ""},
		{"outbox id used before", func(w *plugins.Write) {
			m := outbox("used")
			m.IdempotencyKey = "other"
			w.Outbox = []plugins.OutboxMessage{m}
		}, socialrx.CodeConflict, ""},
		{"outbox key twice in one write", func(w *plugins.Write) {
			a, b := outbox("a"), outbox("b")
			b.IdempotencyKey = a.IdempotencyKey
			w.Outbox = []plugins.OutboxMessage{a, b}
		}, socialrx.CodeInvalid, "/outbox/1/idempotency_key"},
		{"event without actor", func(w *plugins.Write) { w.Events = []plugins.Event{{Type: "x"}} }, socialrx.CodeInvalid, "/events/0/actor"},
		{"event data an array", func(w *plugins.Write) {
			w.Events = []plugins.Event{{Type: "x", Actor: "t", Data: json.RawMessage(`[]`)}}
		}, socialrx.CodeInvalid, "/events/0/data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, op := range []string{"create", "update"} {
				cur, err := s.Get(ctx, plugins.KindReferral, "existing")
				require.NoError(t, err)
				w := plugins.Write{Document: doc("new-" + op), Events: []plugins.Event{{Type: "x", Actor: "t"}}}
				if op == "update" {
					w.Document = cur
				}
				tc.write(&w)
				if op == "create" {
					_, err = s.Create(ctx, w)
				} else {
					_, err = s.Update(ctx, w)
				}
				require.Error(t, err, op)
				assert.Equal(t, tc.code, socialrx.ErrorCode(err), "%s: %v", op, err)
				if tc.field != "" {
					fields := socialrx.ErrorFields(err)
					require.NotEmpty(t, fields, op)
					assert.Equal(t, tc.field, fields[0].Path, op)
				}
				// Nothing was written: no document, no event, no outbox message.
				_, err = s.Get(ctx, plugins.KindReferral, "new-create")
				assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
				after, err := s.Get(ctx, plugins.KindReferral, "existing")
				require.NoError(t, err)
				assert.Equal(t, cur, after, "update left the document alone")
				evs, err := s.Events(ctx, plugins.KindReferral, "existing", 0, 0)
				require.NoError(t, err)
				assert.Empty(t, evs)
				n, err := s.OutboxDepth(ctx)
				require.NoError(t, err)
				assert.Equal(t, 1, n)
			}
		})
	}
}

func TestCreateConflictAndIdempotency(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	_, err := s.Create(ctx, plugins.Write{Document: doc("a")})
	require.NoError(t, err)
	_, err = s.Create(ctx, plugins.Write{Document: doc("a")})
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "%v", err)

	// Racing creates with one idempotency key: one document, every caller
	// gets it, and the losers write nothing (not even their outbox).
	const n = 8
	results := make([]plugins.Document, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Create(ctx, plugins.Write{Document: doc(fmt.Sprintf("k%d", i)), IdempotencyKey: "same",
				Outbox: []plugins.OutboxMessage{outbox(fmt.Sprintf("k%d", i))}})
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, results[0], results[i])
	}
	page, err := s.List(ctx, plugins.Query{Kind: plugins.KindReferral})
	require.NoError(t, err)
	assert.Len(t, page.Documents, 2, "a and the one idempotent create")
	depth, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)

	// A replay after an update returns the document as it is now.
	cur := results[0]
	cur.Status = "accepted"
	upd, err := s.Update(ctx, plugins.Write{Document: cur})
	require.NoError(t, err)
	replay, err := s.Create(ctx, plugins.Write{Document: doc("k-late"), IdempotencyKey: "same"})
	require.NoError(t, err)
	assert.Equal(t, upd, replay)
}

func TestUpdateVersions(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	d, err := s.Create(ctx, plugins.Write{Document: doc("v")})
	require.NoError(t, err)
	for _, tc := range []struct {
		version int64
		code    socialrx.Code
	}{{0, socialrx.CodeInvalid}, {2, socialrx.CodeConflict}, {-1, socialrx.CodeInvalid}, {1, ""}, {1, socialrx.CodeConflict}, {2, ""}} {
		w := d
		w.Version = tc.version
		_, err := s.Update(ctx, plugins.Write{Document: w})
		assert.Equal(t, tc.code, socialrx.ErrorCode(err), "version %d: %v", tc.version, err)
	}
	got, err := s.Get(ctx, plugins.KindReferral, "v")
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
}

func TestList(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	var all []string
	for i := range 25 {
		d := doc(fmt.Sprintf("doc-%02d", (i*7)%25)) // created out of id order
		d.Status = []string{"received", "accepted"}[i%2]
		d.Partner = []string{"", "p1", "p2"}[i%3]
		d.Person = fmt.Sprintf("person-%d", i%4)
		_, err := s.Create(ctx, plugins.Write{Document: d})
		require.NoError(t, err)
		all = append(all, d.ID)
	}
	other := doc("doc-00")
	other.Kind = plugins.KindPlan
	_, err := s.Create(ctx, plugins.Write{Document: other})
	require.NoError(t, err)
	sort.Strings(all)

	var seen []string
	q := plugins.Query{Kind: plugins.KindReferral, Limit: 4}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		page, err := s.List(ctx, q)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(page.Documents), 4)
		for _, d := range page.Documents {
			seen = append(seen, d.ID)
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	assert.Equal(t, all, seen, "every page in id order, no gaps or repeats")

	mid := time.Now()
	d, err := s.Get(ctx, plugins.KindReferral, "doc-03")
	require.NoError(t, err)
	d.Status = "closed"
	_, err = s.Update(ctx, plugins.Write{Document: d})
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		q    plugins.Query
		want int
	}{
		{"status", plugins.Query{Status: "received"}, 12},
		{"partner", plugins.Query{Partner: "p1"}, 8},
		{"person", plugins.Query{Person: "person-1"}, 6},
		{"owner", plugins.Query{Owner: "lw-1"}, 25},
		{"owner nobody", plugins.Query{Owner: "lw-2"}, 0},
		{"updated since", plugins.Query{UpdatedSince: mid}, 1},
		{"status and partner", plugins.Query{Status: "accepted", Partner: "p2"}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Kind = plugins.KindReferral
			page, err := s.List(ctx, tc.q)
			require.NoError(t, err)
			assert.Len(t, page.Documents, tc.want)
			assert.Empty(t, page.Next)
			assert.NotNil(t, page.Documents)
			for _, d := range page.Documents {
				if tc.q.Status != "" {
					assert.Equal(t, tc.q.Status, d.Status)
				}
				if tc.q.Partner != "" {
					assert.Equal(t, tc.q.Partner, d.Partner)
				}
			}
		})
	}

	for _, tc := range []struct {
		name  string
		q     plugins.Query
		field string
	}{
		{"no kind", plugins.Query{}, "/kind"},
		{"limit too big", plugins.Query{Kind: plugins.KindReferral, Limit: 1001}, "/limit"},
		{"negative limit", plugins.Query{Kind: plugins.KindReferral, Limit: -1}, "/limit"},
		{"cursor not base64", plugins.Query{Kind: plugins.KindReferral, Cursor: "!!"}, "/cursor"},
		{"cursor an id", plugins.Query{Kind: plugins.KindReferral, Cursor: "doc-01"}, "/cursor"},
		{"status not UTF-8", plugins.Query{Kind: plugins.KindReferral, Status: "\xff"}, "/status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.List(ctx, tc.q)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			fields := socialrx.ErrorFields(err)
			require.Len(t, fields, 1)
			assert.Equal(t, tc.field, fields[0].Path)
		})
	}
}

func TestOutboxLeases(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	t0 := time.Now()
	later := outbox("later")
	later.NextAttemptAt = t0.Add(time.Hour)
	_, err := s.Create(ctx, plugins.Write{Document: doc("a"), Outbox: []plugins.OutboxMessage{outbox("m1"), outbox("m2"), later}})
	require.NoError(t, err)
	_, err = s.Create(ctx, plugins.Write{Document: doc("b"), Outbox: []plugins.OutboxMessage{outbox("m3")}})
	require.NoError(t, err)
	now := time.Now()

	w1 := plugins.Lease{Owner: "w1", Until: now.Add(time.Minute)}
	w2 := plugins.Lease{Owner: "w2", Until: now.Add(time.Minute)}
	got, err := s.LeaseOutbox(ctx, w1, now, 2)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"m1", "m2"}, []string{got[0].ID, got[1].ID}, "oldest first")
	assert.JSONEq(t, `{"idempotency_key":"key-m1"}`, string(got[0].Payload))

	rest, err := s.LeaseOutbox(ctx, w2, now, 10)
	require.NoError(t, err)
	require.Len(t, rest, 1, "m1, m2 are leased; 'later' is not due")
	assert.Equal(t, "m3", rest[0].ID)

	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(s.AckOutbox(ctx, "m1", w2, now)), "w2 does not hold m1")
	require.NoError(t, s.AckOutbox(ctx, "m1", w1, now))
	require.NoError(t, s.AckOutbox(ctx, "m1", w1, now), "a repeated ack by the holder is fine")
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(s.NackOutbox(ctx, "m1", w1, "x", now)), "delivered already")

	retry := now.Add(10 * time.Second)
	require.NoError(t, s.NackOutbox(ctx, "m2", w1, "smtp down", retry))
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(s.AckOutbox(ctx, "m2", w1, now)), "the nack released the lease")

	depth, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, depth)

	// Before retryAt m2 is not offered; after it, it is, with its history.
	none, err := s.LeaseOutbox(ctx, w1, now, 10)
	require.NoError(t, err)
	assert.Empty(t, none)
	at := retry.Add(time.Second)
	again, err := s.LeaseOutbox(ctx, plugins.Lease{Owner: "w1", Until: at.Add(time.Minute)}, at, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "m3's lease lives until now+1m; later is not due")
	assert.Equal(t, "m2", again[0].ID)
	assert.Equal(t, 1, again[0].Attempts)
	assert.Equal(t, "smtp down", again[0].LastError)

	// Once the leases lapse, another worker takes m2 and m3, and w2 has lost m3.
	lapsed := now.Add(2 * time.Minute)
	taken, err := s.LeaseOutbox(ctx, plugins.Lease{Owner: "w3", Until: lapsed.Add(time.Minute)}, lapsed, 10)
	require.NoError(t, err)
	require.Len(t, taken, 2)
	assert.Equal(t, []string{"m2", "m3"}, []string{taken[0].ID, taken[1].ID})
	assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(s.AckOutbox(ctx, "m3", w2, lapsed)))

	for _, tc := range []struct {
		name  string
		lease plugins.Lease
		n     int
		field string
	}{
		{"no owner", plugins.Lease{Until: now.Add(time.Minute)}, 1, "/lease/owner"},
		{"lapsed lease", plugins.Lease{Owner: "w", Until: now}, 1, "/lease/until"},
		{"n zero", plugins.Lease{Owner: "w", Until: now.Add(time.Minute)}, 0, "/n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.LeaseOutbox(ctx, tc.lease, now, tc.n)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			require.Len(t, socialrx.ErrorFields(err), 1)
			assert.Equal(t, tc.field, socialrx.ErrorFields(err)[0].Path)
		})
	}
}

// Workers on two hosts (two stores, two pools) leasing from one outbox get
// every message exactly once.
func TestOutboxLeasedOnceAcrossHosts(t *testing.T) {
	t.Parallel()
	schema := freshSchema(t)
	hosts := []*postgres.Store{openIn(t, schema), openIn(t, schema)}
	ctx := context.Background()
	const docs, per = 20, 3
	for i := range docs {
		var ms []plugins.OutboxMessage
		for j := range per {
			ms = append(ms, outbox(fmt.Sprintf("m%d-%d", i, j)))
		}
		_, err := hosts[i%2].Create(ctx, plugins.Write{Document: doc(fmt.Sprintf("d%d", i)), Outbox: ms})
		require.NoError(t, err)
	}
	var mu sync.Mutex
	delivered := map[string]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := hosts[w%2]
			for {
				now := time.Now()
				lease := plugins.Lease{Owner: fmt.Sprintf("host%d/w%d", w%2, w), Until: now.Add(time.Minute)}
				ms, err := s.LeaseOutbox(ctx, lease, now, 4)
				if !assert.NoError(t, err) || len(ms) == 0 {
					return
				}
				for _, m := range ms {
					mu.Lock()
					delivered[m.ID]++
					mu.Unlock()
					assert.NoError(t, s.AckOutbox(ctx, m.ID, lease, time.Now()))
				}
			}
		}()
	}
	wg.Wait()
	assert.Len(t, delivered, docs*per)
	for id, n := range delivered {
		assert.Equal(t, 1, n, id)
	}
	depth, err := hosts[0].OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Zero(t, depth)
}

func TestLeaseDue(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := context.Background()
	now := time.Now()
	for i, off := range []time.Duration{-time.Hour, -time.Minute, time.Hour, 0} {
		d := doc(fmt.Sprintf("d%d", i))
		if i < 3 {
			due := now.Add(off)
			d.DueAt = &due
		}
		_, err := s.Create(ctx, plugins.Write{Document: d})
		require.NoError(t, err)
	}
	plan := doc("p")
	plan.Kind = plugins.KindPlan
	plan.DueAt = &now
	_, err := s.Create(ctx, plugins.Write{Document: plan})
	require.NoError(t, err)

	a := plugins.Lease{Owner: "a", Until: now.Add(time.Minute)}
	got, err := s.LeaseDue(ctx, plugins.KindReferral, a, now, 10)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"d0", "d1"}, []string{got[0].ID, got[1].ID}, "earliest due first")

	b := plugins.Lease{Owner: "b", Until: now.Add(time.Minute)}
	none, err := s.LeaseDue(ctx, plugins.KindReferral, b, now, 10)
	require.NoError(t, err)
	assert.Empty(t, none, "both are leased by a")

	// Updating d0 ends a's claim on it; d1's lease lapses after a minute.
	upd := got[0]
	_, err = s.Update(ctx, plugins.Write{Document: upd})
	require.NoError(t, err)
	again, err := s.LeaseDue(ctx, plugins.KindReferral, b, now, 10)
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.Equal(t, "d0", again[0].ID)
	lapsed := now.Add(2 * time.Minute)
	later, err := s.LeaseDue(ctx, plugins.KindReferral, plugins.Lease{Owner: "c", Until: lapsed.Add(time.Minute)}, lapsed, 10)
	require.NoError(t, err)
	assert.Len(t, later, 2, "both leases lapsed")

	_, err = s.LeaseDue(ctx, "", b, now, 1)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
}

// Two hosts doing read-modify-write on the same rows with compare-and-swap
// lose no update: every successful update is counted in the data.
func TestRacingHostsLoseNoUpdate(t *testing.T) {
	t.Parallel()
	schema := freshSchema(t)
	hosts := []*postgres.Store{openIn(t, schema), openIn(t, schema)}
	ctx := context.Background()
	ids := []string{"x", "y"}
	for _, id := range ids {
		_, err := hosts[0].Create(ctx, plugins.Write{Document: doc(id)})
		require.NoError(t, err)
	}
	type counter struct {
		ID string `json:"id"`
		N  int    `json:"n"`
	}
	const writers, each = 6, 10
	var conflicts sync.Map
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := hosts[w%2]
			for i := range each {
				id := ids[(w+i)%2]
				for {
					d, err := s.Get(ctx, plugins.KindReferral, id)
					if !assert.NoError(t, err) {
						return
					}
					var c counter
					require.NoError(t, json.Unmarshal(d.Data, &c))
					c.N++
					d.Data, _ = json.Marshal(c)
					_, err = s.Update(ctx, plugins.Write{Document: d, Events: []plugins.Event{{Type: "inc", Actor: fmt.Sprint(w)}}})
					if socialrx.ErrorCode(err) == socialrx.CodeConflict {
						conflicts.Store(w, true)
						continue
					}
					if assert.NoError(t, err) {
						break
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, id := range ids {
		d, err := hosts[1].Get(ctx, plugins.KindReferral, id)
		require.NoError(t, err)
		var c counter
		require.NoError(t, json.Unmarshal(d.Data, &c))
		assert.Equal(t, int64(c.N+1), d.Version, "one version per counted update")
		evs, err := hosts[1].Events(ctx, plugins.KindReferral, id, 0, 0)
		require.NoError(t, err)
		assert.Len(t, evs, c.N, "one event per update, no gaps")
		for i, e := range evs {
			assert.Equal(t, int64(i+1), e.Seq)
		}
		total += c.N
	}
	assert.Equal(t, writers*each, total)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	schema := freshSchema(t)
	s := openIn(t, schema)
	ctx := context.Background()
	d, err := s.Create(ctx, plugins.Write{Document: doc("locked")})
	require.NoError(t, err)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Get(cancelled, plugins.KindReferral, "locked")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	assert.ErrorIs(t, err, context.Canceled)

	// Another session holds the row; the update waits on it until its
	// context ends mid-request, then fails and changes nothing.
	conn := admin(t, schema)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT 1 FROM documents WHERE id = 'locked' FOR UPDATE")
	require.NoError(t, err)
	short, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel2()
	w := d
	w.Status = "accepted"
	_, err = s.Update(short, plugins.Write{Document: w, Events: []plugins.Event{{Type: "x", Actor: "t"}}, Outbox: []plugins.OutboxMessage{outbox("c")}})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, tx.Rollback(ctx))

	got, err := s.Get(ctx, plugins.KindReferral, "locked")
	require.NoError(t, err, "the store works after a cancelled call")
	assert.Equal(t, d, got)
	depth, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Zero(t, depth)
	_, err = s.Update(ctx, plugins.Write{Document: w})
	require.NoError(t, err)
}

// A connection killed by the server mid-session fails calls with
// unavailable at worst, and the pool recovers.
func TestConnectionLost(t *testing.T) {
	t.Parallel()
	schema := freshSchema(t)
	s := openIn(t, schema, "pool_max_conns", "2", "application_name", schema)
	ctx := context.Background()
	_, err := s.Create(ctx, plugins.Write{Document: doc("a")})
	require.NoError(t, err)
	conn := admin(t, "")
	_, err = conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", schema)
	require.NoError(t, err)

	ok := false
	for range 5 {
		_, err := s.Get(ctx, plugins.KindReferral, "a")
		if err == nil {
			ok = true
			break
		}
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
	}
	assert.True(t, ok, "the pool reconnects")
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is fine")
	_, err := s.Get(context.Background(), plugins.KindReferral, "a")
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	_, err = s.Create(context.Background(), plugins.Write{Document: doc("a")})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
}

func TestOpenFails(t *testing.T) {
	t.Parallel()
	u := dbURL(t)
	for _, tc := range []struct {
		name string
		cfg  postgres.Config
		code socialrx.Code
		says string
	}{
		{"database down", postgres.Config{URL: "postgres://postgres@127.0.0.1:1/test?sslmode=disable"}, socialrx.CodeUnavailable, "127.0.0.1"},
		{"no such database", postgres.Config{URL: withParam(t, replaceDB(t, u, "socialrx_no_such_db"), "sslmode", "disable")}, socialrx.CodeUnavailable, "socialrx_no_such_db"},
		{"bad URL", postgres.Config{URL: "postgres://postgres:secret@127.0.0.1:5432/test?pool_max_conns=x"}, socialrx.CodeInvalid, "pool_max_conns"},
		{"bad schema", postgres.Config{URL: u, Schema: "Robert'); DROP TABLE students;--"}, socialrx.CodeInvalid, "/schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := postgres.Open(ctx, tc.cfg)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.Equal(t, tc.code, socialrx.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "secret", "no password in errors")
		})
	}
}

func replaceDB(t *testing.T, u, db string) string {
	p, err := url.Parse(u)
	require.NoError(t, err)
	p.Path = "/" + db
	return p.String()
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	schema := freshSchema(t)
	ctx := context.Background()

	// Hosts starting at once on an empty schema: all open, each migration
	// is applied once.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, postgres.Config{URL: withParam(t, dbURL(t), "pool_max_conns", "2"), Schema: schema})
			errs[i] = err
			if err == nil {
				_ = s.Close()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	// And opening again applies nothing.
	s := openIn(t, schema)
	_, err := s.Create(ctx, plugins.Write{Document: doc("kept")})
	require.NoError(t, err)
	s2 := openIn(t, schema)
	_, err = s2.Get(ctx, plugins.KindReferral, "kept")
	require.NoError(t, err, "a second open keeps the data")

	conn := admin(t, schema)
	var n, distinct int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT version_id) FROM goose_db_version").Scan(&n, &distinct))
	assert.Equal(t, distinct, n)
	assert.GreaterOrEqual(t, n, 1)

	// A database migrated by a newer build is refused rather than used.
	for _, tc := range []struct {
		name, sql, says string
	}{
		{"newer schema", "INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)", "newer than this build"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := conn.Begin(ctx)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, tc.sql)
			require.NoError(t, err)
			require.NoError(t, tx.Commit(ctx))
			_, err = postgres.Open(ctx, postgres.Config{URL: dbURL(t), Schema: schema})
			assert.Equal(t, socialrx.CodeInternal, socialrx.ErrorCode(err))
			assert.ErrorContains(t, err, tc.says)
		})
		// Undo for the next case.
		_, err := conn.Exec(ctx, "DELETE FROM goose_db_version WHERE version_id = 9999")
		require.NoError(t, err)
	}
}
