package plugintest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// TestStore runs the conformance suite for [plugins.Store]. newStore must
// return a new, empty store for each call and register its clean-up (Close,
// removing files) with t.Cleanup; the suite calls it once per subtest.
func TestStore(t *testing.T, newStore func(t *testing.T) plugins.Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []storeTest
	}{
		{"Documents", []storeTest{
			{"CreateThenGet", storeCreateGet},
			{"CreateIgnoresStoreFields", storeCreateIgnoresStoreFields},
			{"CreateExistingID", storeCreateExisting},
			{"KindsAreSeparate", storeKinds},
			{"GetNotFound", storeGetNotFound},
			{"ReturnsCopies", storeCopies},
			{"Update", storeUpdate},
			{"UpdateStaleVersion", storeUpdateStale},
			{"UpdateNotFound", storeUpdateNotFound},
			{"InvalidCreate", storeInvalidCreate},
			{"InvalidUpdate", storeInvalidUpdate},
		}},
		{"Concurrency", []storeTest{
			{"OneWinnerPerVersion", storeOneWinner},
			{"NoLostUpdates", storeNoLostUpdates},
			{"CreateSameID", storeConcurrentCreate},
			{"CreateSameIdempotencyKey", storeConcurrentIdempotent},
		}},
		{"Idempotency", []storeTest{
			{"RepeatedCreate", storeIdempotentCreate},
			{"KeyWinsOverID", storeIdempotentOtherID},
		}},
		{"List", []storeTest{
			{"Empty", storeListEmpty},
			{"Filters", storeListFilters},
			{"UpdatedSince", storeListUpdatedSince},
			{"Paging", storeListPaging},
			{"DefaultLimit", storeListDefaultLimit},
			{"PagingWhileWriting", storeListPagingWhileWriting},
			{"LargeDocuments", storeListLargeDocuments},
			{"Invalid", storeListInvalid},
		}},
		{"Events", []storeTest{
			{"AppendOnlyNumbered", storeEvents},
			{"AfterAndLimit", storeEventsAfterLimit},
			{"NotFound", storeEventsNotFound},
			{"InvalidEvent", storeEventsInvalid},
		}},
		{"Also", []storeTest{
			{"CreatedWithTheWrite", storeAlso},
			{"ExistingRefusesTheWhole", storeAlsoExisting},
			{"Invalid", storeAlsoInvalid},
		}},
		{"Outbox", []storeTest{
			{"AtomicWithDocument", storeOutboxAtomic},
			{"KeyUsed", storeOutboxKeyUsed},
			{"LeaseAck", storeOutboxLeaseAck},
			{"Nack", storeOutboxNack},
			{"OldestFirstAndNotBeforeNextAttempt", storeOutboxOrder},
			{"LeaseLost", storeOutboxLeaseLost},
			{"ConcurrentWorkers", storeOutboxConcurrent},
			{"NotFound", storeOutboxNotFound},
			{"InvalidLease", storeOutboxInvalidLease},
			{"InvalidMessages", storeOutboxInvalid},
		}},
		{"DeadLetters", []storeTest{
			{"DeadLetterStopsRetries", storeDeadLetter},
			{"DeadLetterNeedsTheLease", storeDeadLetterLease},
			{"Paging", storeDeadLetterPaging},
			{"Redrive", storeRedrive},
			{"RedriveNotDead", storeRedriveNotDead},
			{"GetOutbox", storeGetOutbox},
		}},
		{"Prune", []storeTest{
			{"DeliveredOnly", storePruneDelivered},
			{"IdempotencyKeys", storePruneKeys},
		}},
		{"LeaseDue", []storeTest{
			{"MostOverdueFirst", storeLeaseDue},
			{"UpdateEndsClaim", storeLeaseDueUpdate},
			{"ConcurrentWorkers", storeLeaseDueConcurrent},
			{"Invalid", storeLeaseDueInvalid},
		}},
		{"Erase", []storeTest{
			{"RemovesEverythingOfTheDocument", storeErase},
			{"NotFound", storeEraseNotFound},
			{"AlsoExistingRefusesTheWhole", storeEraseAlsoExisting},
			{"Invalid", storeEraseInvalid},
			{"OutboxAbout", storeOutboxAbout},
		}},
		{"Context", []storeTest{
			{"Cancelled", storeCancelled},
		}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
			}
		})
	}
}

type storeTest struct {
	name string
	fn   func(t *testing.T, s plugins.Store)
}

const (
	kindA = plugins.KindReferral
	kindB = plugins.KindPlan
)

// doc returns a document of kind A with the id and a small data object.
func doc(id string) plugins.Document {
	return plugins.Document{Kind: kindA, ID: id, Data: obj("id", id, "n", 0)}
}

// msg returns an outbox message with a fresh id and key.
func msg(target string) plugins.OutboxMessage {
	id := uuid.NewString()
	return plugins.OutboxMessage{ID: id, IdempotencyKey: "key-" + id, Target: target, Payload: obj("message", id)}
}

// ev returns an event of the type.
func ev(typ string) plugins.Event {
	return plugins.Event{Type: typ, Actor: "suite", Data: obj("type", typ)}
}

func mustCreate(t *testing.T, s plugins.Store, w plugins.Write) plugins.Document {
	t.Helper()
	d, err := s.Create(t.Context(), w)
	noErr(t, err, "create "+w.Document.ID)
	return d
}

func mustUpdate(t *testing.T, s plugins.Store, w plugins.Write) plugins.Document {
	t.Helper()
	d, err := s.Update(t.Context(), w)
	noErr(t, err, "update "+w.Document.ID)
	return d
}

func mustGet(t *testing.T, s plugins.Store, kind plugins.Kind, id string) plugins.Document {
	t.Helper()
	d, err := s.Get(t.Context(), kind, id)
	noErr(t, err, "get "+id)
	return d
}

func depth(t *testing.T, s plugins.Store) int {
	t.Helper()
	n, err := s.OutboxDepth(t.Context())
	noErr(t, err, "outbox depth")
	return n
}

func events(t *testing.T, s plugins.Store, kind plugins.Kind, id string) []plugins.Event {
	t.Helper()
	es, err := s.Events(t.Context(), kind, id, 0, 0)
	noErr(t, err, "events of "+id)
	return es
}

func ids(ds []plugins.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func msgIDs(ms []plugins.OutboxMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// assertDoc compares two documents field by field, JSON by meaning and
// times to TimeTolerance.
func assertDoc(t *testing.T, want, got plugins.Document) {
	t.Helper()
	assert.Equal(t, want.Kind, got.Kind, "kind")
	assert.Equal(t, want.ID, got.ID, "id")
	assert.Equal(t, want.Version, got.Version, "version of %s", want.ID)
	assert.Equal(t, want.Status, got.Status, "status")
	assert.Equal(t, want.Owner, got.Owner, "owner")
	assert.Equal(t, want.Partner, got.Partner, "partner")
	assert.Equal(t, want.Person, got.Person, "person")
	assert.Equal(t, want.Team, got.Team, "team")
	assertOptTime(t, want.DueAt, got.DueAt, "due_at")
	assertJSON(t, want.Data, got.Data, "data")
	assertTime(t, want.CreatedAt, got.CreatedAt, "created_at")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "updated_at")
}

func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func timePtr(t time.Time) *time.Time { return &t }

// ---- documents -------------------------------------------------------------

func storeCreateGet(t *testing.T, s plugins.Store) {
	due := ms(time.Now().Add(48 * time.Hour))
	in := plugins.Document{
		Kind: kindA, ID: uuid.NewString(), Status: "received", Owner: "lw-1", Partner: "org-1", Person: "p-1",
		DueAt: &due, Data: json.RawMessage(`{"a": [1, 2, {"b": "ü €"}], "c": null, "d": true}`),
	}
	got := mustCreate(t, s, plugins.Write{Document: in, Events: []plugins.Event{ev("referral.received")}})
	want := in
	want.Version = 1
	want.CreatedAt, want.UpdatedAt = got.CreatedAt, got.CreatedAt
	assertDoc(t, want, got)
	assertNow(t, got.CreatedAt, "created_at")

	assertDoc(t, got, mustGet(t, s, kindA, in.ID))
}

func storeCreateIgnoresStoreFields(t *testing.T, s plugins.Store) {
	in := doc(uuid.NewString())
	in.Version = 7
	in.CreatedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	in.UpdatedAt = in.CreatedAt
	got := mustCreate(t, s, plugins.Write{Document: in})
	assert.Equal(t, int64(1), got.Version, "a created document is at version 1 whatever the caller says")
	assertNow(t, got.CreatedAt, "created_at")
	assertTime(t, got.CreatedAt, got.UpdatedAt, "updated_at of a new document")
}

func storeCreateExisting(t *testing.T, s plugins.Store) {
	first := mustCreate(t, s, plugins.Write{Document: doc("same")})
	again := doc("same")
	again.Data = obj("second", true)
	again.Status = "other"
	before := depth(t, s)
	_, err := s.Create(t.Context(), plugins.Write{Document: again, Events: []plugins.Event{ev("x")}, Outbox: []plugins.OutboxMessage{msg("messenger")}})
	assertCode(t, socialrx.CodeConflict, err, "create of an existing id")
	assertDoc(t, first, mustGet(t, s, kindA, "same"))
	assert.Empty(t, events(t, s, kindA, "same"), "a refused create appends no events")
	assert.Equal(t, before, depth(t, s), "a refused create queues nothing")
}

func storeKinds(t *testing.T, s plugins.Store) {
	custom := plugins.Kind("some_custom_kind")
	for _, k := range []plugins.Kind{kindA, kindB, custom} {
		mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: k, ID: "shared-id", Data: obj("kind", k)}})
	}
	for _, k := range []plugins.Kind{kindA, kindB, custom} {
		got := mustGet(t, s, k, "shared-id")
		assert.Equal(t, k, got.Kind)
		assertJSON(t, obj("kind", k), got.Data, "data of kind "+string(k))
		page, err := s.List(t.Context(), plugins.Query{Kind: k})
		noErr(t, err, "list")
		assert.Equal(t, []string{"shared-id"}, ids(page.Documents), "list of kind %s", k)
	}
}

func storeGetNotFound(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("here")})
	for name, c := range map[string]struct {
		kind plugins.Kind
		id   string
	}{
		"unknown id":     {kindA, "not-here"},
		"other kind":     {kindB, "here"},
		"unknown kind":   {"never_stored", "here"},
		"id differs cap": {kindA, "HERE"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Get(t.Context(), c.kind, c.id)
			assertCode(t, socialrx.CodeNotFound, err)
		})
	}
}

func storeCopies(t *testing.T, s plugins.Store) {
	due := ms(time.Now())
	in := doc("copy")
	in.DueAt = timePtr(due)
	w := plugins.Write{Document: in}
	created := mustCreate(t, s, w)
	// Change everything the caller still holds.
	for i := range in.Data {
		in.Data[i] = ' '
	}
	*in.DueAt = due.Add(time.Hour)
	for i := range created.Data {
		created.Data[i] = ' '
	}
	got := mustGet(t, s, kindA, "copy")
	assertJSON(t, obj("id", "copy", "n", 0), got.Data, "data after the caller changed its copies")
	assertOptTime(t, &due, got.DueAt, "due_at after the caller changed its copy")
	got.Data[0] = '['
	assertJSON(t, obj("id", "copy", "n", 0), mustGet(t, s, kindA, "copy").Data, "data after changing a returned document")
}

func storeUpdate(t *testing.T, s plugins.Store) {
	due := ms(time.Now().Add(time.Hour))
	in := plugins.Document{Kind: kindA, ID: "u", Status: "received", Owner: "lw-1", Partner: "org-1", Person: "p-1", DueAt: &due, Data: obj("n", 1)}
	v1 := mustCreate(t, s, plugins.Write{Document: in})
	time.Sleep(2 * time.Millisecond) // so that a millisecond clock moves

	next := v1
	next.Status, next.Owner, next.Partner, next.Person = "accepted", "lw-2", "org-2", "p-2"
	due2 := due.Add(24 * time.Hour)
	next.DueAt = &due2
	next.Data = obj("n", 2)
	next.CreatedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // ignored
	v2 := mustUpdate(t, s, plugins.Write{Document: next})
	want := next
	want.Version = 2
	want.CreatedAt = v1.CreatedAt
	want.UpdatedAt = v2.UpdatedAt
	assertDoc(t, want, v2)
	assert.True(t, v2.UpdatedAt.After(v1.UpdatedAt), "updated_at moves on: %s then %s", v1.UpdatedAt, v2.UpdatedAt)
	assertDoc(t, v2, mustGet(t, s, kindA, "u"))

	// Clearing: every field is replaced, including with empty values.
	cleared := plugins.Document{Kind: kindA, ID: "u", Version: 2, Data: obj()}
	v3 := mustUpdate(t, s, plugins.Write{Document: cleared})
	want = cleared
	want.Version = 3
	want.CreatedAt, want.UpdatedAt = v1.CreatedAt, v3.UpdatedAt
	assertDoc(t, want, v3)
	assertDoc(t, v3, mustGet(t, s, kindA, "u"))
}

func storeUpdateStale(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("s")})
	cur := mustGet(t, s, kindA, "s")
	cur.Data = obj("n", 1)
	cur = mustUpdate(t, s, plugins.Write{Document: cur})
	require.Equal(t, int64(2), cur.Version)
	before := depth(t, s)
	for _, v := range []int64{1, 3, 99} {
		t.Run(fmt.Sprintf("version %d", v), func(t *testing.T) {
			stale := cur
			stale.Version = v
			stale.Data = obj("n", "lost")
			_, err := s.Update(t.Context(), plugins.Write{Document: stale, Events: []plugins.Event{ev("x")}, Outbox: []plugins.OutboxMessage{msg("messenger")}})
			assertCode(t, socialrx.CodeConflict, err)
			assertDoc(t, cur, mustGet(t, s, kindA, "s"))
			assert.Empty(t, events(t, s, kindA, "s"), "a conflicting update appends no events")
			assert.Equal(t, before, depth(t, s), "a conflicting update queues nothing")
		})
	}
}

func storeUpdateNotFound(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("exists")})
	for name, d := range map[string]plugins.Document{
		"unknown id": {Kind: kindA, ID: "missing", Version: 1, Data: obj()},
		"other kind": {Kind: kindB, ID: "exists", Version: 1, Data: obj()},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Update(t.Context(), plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{msg("messenger")}})
			assertCode(t, socialrx.CodeNotFound, err)
			assert.Equal(t, 0, depth(t, s), "a failed update queues nothing")
		})
	}
	_, err := s.Get(t.Context(), kindA, "missing")
	assertCode(t, socialrx.CodeNotFound, err, "update must not create")
}

// invalidWrites are writes every store refuses, with the field each names.
func invalidWrites(id string, update bool) map[string]struct {
	w    plugins.Write
	path string
} {
	good := func() plugins.Write {
		d := doc(id)
		if update {
			d.Version = 1
		}
		return plugins.Write{Document: d, Events: []plugins.Event{ev("a")}, Outbox: []plugins.OutboxMessage{msg("messenger")}}
	}
	type c = struct {
		w    plugins.Write
		path string
	}
	with := func(f func(w *plugins.Write), path string) c {
		w := good()
		f(&w)
		return c{w, path}
	}
	cases := map[string]c{
		"no kind":                with(func(w *plugins.Write) { w.Document.Kind = "" }, "/document/kind"),
		"kind not a name":        with(func(w *plugins.Write) { w.Document.Kind = "Referral-1" }, "/document/kind"),
		"no id":                  with(func(w *plugins.Write) { w.Document.ID = "" }, "/document/id"),
		"no data":                with(func(w *plugins.Write) { w.Document.Data = nil }, "/document/data"),
		"data not JSON":          with(func(w *plugins.Write) { w.Document.Data = json.RawMessage(`{"a":`) }, "/document/data"),
		"data an array":          with(func(w *plugins.Write) { w.Document.Data = json.RawMessage(`[1]`) }, "/document/data"),
		"data null":              with(func(w *plugins.Write) { w.Document.Data = json.RawMessage(`null`) }, "/document/data"),
		"event without type":     with(func(w *plugins.Write) { w.Events[0].Type = "" }, "/events/0/type"),
		"event without actor":    with(func(w *plugins.Write) { w.Events[0].Actor = "" }, "/events/0/actor"),
		"event data not JSON":    with(func(w *plugins.Write) { w.Events[0].Data = json.RawMessage(`nope`) }, "/events/0/data"),
		"message without id":     with(func(w *plugins.Write) { w.Outbox[0].ID = "" }, "/outbox/0/id"),
		"message without key":    with(func(w *plugins.Write) { w.Outbox[0].IdempotencyKey = "" }, "/outbox/0/idempotency_key"),
		"message without target": with(func(w *plugins.Write) { w.Outbox[0].Target = "" }, "/outbox/0/target"),
		"payload not JSON":       with(func(w *plugins.Write) { w.Outbox[0].Payload = json.RawMessage(`{`) }, "/outbox/0/payload"),
		"no payload":             with(func(w *plugins.Write) { w.Outbox[0].Payload = nil }, "/outbox/0/payload"),
		"key twice in a write": with(func(w *plugins.Write) {
			m := msg("messenger")
			m.IdempotencyKey = w.Outbox[0].IdempotencyKey
			w.Outbox = append(w.Outbox, m)
		}, "/outbox/1/idempotency_key"),
		"id twice in a write": with(func(w *plugins.Write) {
			m := msg("messenger")
			m.ID = w.Outbox[0].ID
			w.Outbox = append(w.Outbox, m)
		}, "/outbox/1/id"),
	}
	if update {
		cases["version zero"] = with(func(w *plugins.Write) { w.Document.Version = 0 }, "/document/version")
		cases["version negative"] = with(func(w *plugins.Write) { w.Document.Version = -1 }, "/document/version")
	}
	return cases
}

func storeInvalidCreate(t *testing.T, s plugins.Store) {
	for name, c := range invalidWrites("new", false) {
		t.Run(name, func(t *testing.T) {
			_, err := s.Create(t.Context(), c.w)
			assertInvalid(t, err, c.path)
			_, err = s.Get(t.Context(), kindA, "new")
			assertCode(t, socialrx.CodeNotFound, err, "an invalid create stores nothing")
			assert.Equal(t, 0, depth(t, s), "an invalid create queues nothing")
		})
	}
	t.Run("every field at fault", func(t *testing.T) {
		_, err := s.Create(t.Context(), plugins.Write{
			Document: plugins.Document{Kind: kindA},
			Events:   []plugins.Event{{}},
		})
		assertInvalid(t, err, "/document/id", "/document/data", "/events/0/type")
	})
}

func storeInvalidUpdate(t *testing.T, s plugins.Store) {
	cur := mustCreate(t, s, plugins.Write{Document: doc("old")})
	for name, c := range invalidWrites("old", true) {
		t.Run(name, func(t *testing.T) {
			_, err := s.Update(t.Context(), c.w)
			assertInvalid(t, err, c.path)
			assertDoc(t, cur, mustGet(t, s, kindA, "old"))
			assert.Empty(t, events(t, s, kindA, "old"), "an invalid update appends nothing")
			assert.Equal(t, 0, depth(t, s), "an invalid update queues nothing")
		})
	}
}

// ---- concurrency -----------------------------------------------------------

func storeOneWinner(t *testing.T, s plugins.Store) {
	cur := mustCreate(t, s, plugins.Write{Document: doc("race")})
	for round := range 3 {
		var won atomic.Int32
		var winner atomic.Int64
		results := make([]error, workers)
		race(workers, func(i int) {
			next := cur
			next.Data = obj("round", round, "worker", i)
			_, err := s.Update(context.Background(), plugins.Write{
				Document: next,
				Events:   []plugins.Event{ev(fmt.Sprintf("round%d.worker%d", round, i))},
				Outbox:   []plugins.OutboxMessage{msg("messenger")},
			})
			results[i] = err
			if err == nil {
				won.Add(1)
				winner.Store(int64(i))
			}
		})
		require.Equal(t, int32(1), won.Load(), "round %d: exactly one of %d updates from version %d wins", round, workers, cur.Version)
		for i, err := range results {
			if int64(i) != winner.Load() {
				assertCode(t, socialrx.CodeConflict, err, "round %d worker %d", round, i)
			}
		}
		got := mustGet(t, s, kindA, "race")
		assert.Equal(t, cur.Version+1, got.Version)
		assertJSON(t, obj("round", round, "worker", winner.Load()), got.Data, "the winner's data is stored")
		cur = got
	}
	es := events(t, s, kindA, "race")
	assert.Len(t, es, 3, "one event per winning update")
	assert.Equal(t, 3, depth(t, s), "one outbox message per winning update")
}

func storeNoLostUpdates(t *testing.T, s plugins.Store) {
	const each = 3
	mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindA, ID: "counter", Data: obj("by", []int{})}})
	race(workers, func(i int) {
		for done := 0; done < each; {
			cur, err := s.Get(context.Background(), kindA, "counter")
			if !assert.NoError(t, err) {
				return
			}
			var data struct{ By []int }
			if !assert.NoError(t, json.Unmarshal(cur.Data, &data)) {
				return
			}
			cur.Data = obj("by", append(data.By, i))
			_, err = s.Update(context.Background(), plugins.Write{Document: cur, Events: []plugins.Event{ev(fmt.Sprint("by", i))}})
			switch socialrx.ErrorCode(err) {
			case "":
				done++
			case socialrx.CodeConflict: // lost the race; read again
			default:
				assert.NoError(t, err)
				return
			}
		}
	})
	got := mustGet(t, s, kindA, "counter")
	assert.Equal(t, int64(1+workers*each), got.Version)
	var data struct{ By []int }
	require.NoError(t, json.Unmarshal(got.Data, &data))
	count := map[int]int{}
	for _, w := range data.By {
		count[w]++
	}
	for i := range workers {
		assert.Equal(t, each, count[i], "worker %d's updates all survive", i)
	}
	assert.Len(t, events(t, s, kindA, "counter"), workers*each)
}

func storeConcurrentCreate(t *testing.T, s plugins.Store) {
	var won atomic.Int32
	race(workers, func(i int) {
		d := doc("one")
		d.Data = obj("worker", i)
		_, err := s.Create(context.Background(), plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{msg("messenger")}})
		if err == nil {
			won.Add(1)
			return
		}
		assertCode(t, socialrx.CodeConflict, err, "worker %d", i)
	})
	assert.Equal(t, int32(1), won.Load(), "exactly one create of an id wins")
	assert.Equal(t, 1, depth(t, s), "only the winner's message is queued")
}

func storeConcurrentIdempotent(t *testing.T, s plugins.Store) {
	got := make([]plugins.Document, workers)
	race(workers, func(i int) {
		d := doc(fmt.Sprint("idem-", i))
		d, err := s.Create(context.Background(), plugins.Write{Document: d, IdempotencyKey: "the-key", Outbox: []plugins.OutboxMessage{msg("messenger")}})
		assert.NoError(t, err, "worker %d", i)
		got[i] = d
	})
	winner := got[0].ID
	require.NotEmpty(t, winner)
	for i, d := range got {
		assert.Equal(t, winner, d.ID, "worker %d gets the first result", i)
		assert.Equal(t, int64(1), d.Version)
	}
	for i := range workers {
		id := fmt.Sprint("idem-", i)
		if id == winner {
			continue
		}
		_, err := s.Get(t.Context(), kindA, id)
		assertCode(t, socialrx.CodeNotFound, err, "a repeated key creates nothing (%s)", id)
	}
	assert.Equal(t, 1, depth(t, s), "a repeated key queues nothing")
}

// ---- idempotency -----------------------------------------------------------

func storeIdempotentCreate(t *testing.T, s plugins.Store) {
	w := plugins.Write{Document: doc("i"), IdempotencyKey: "create-i", Events: []plugins.Event{ev("a")}, Outbox: []plugins.OutboxMessage{msg("messenger")}}
	first := mustCreate(t, s, w)
	for n := range 3 {
		again, err := s.Create(t.Context(), w)
		noErr(t, err, "repeated create")
		assertDoc(t, first, again)
		assert.Len(t, events(t, s, kindA, "i"), 1, "repeat %d appends no events", n)
		assert.Equal(t, 1, depth(t, s), "repeat %d queues nothing (and does not trip on the used outbox key)", n)
	}
	// Without the key, the same id is a conflict.
	w.IdempotencyKey = ""
	_, err := s.Create(t.Context(), w)
	assertCode(t, socialrx.CodeConflict, err)
	// Another key for a new document works.
	w2 := plugins.Write{Document: doc("j"), IdempotencyKey: "create-j"}
	assert.Equal(t, "j", mustCreate(t, s, w2).ID)
}

func storeIdempotentOtherID(t *testing.T, s plugins.Store) {
	first := mustCreate(t, s, plugins.Write{Document: doc("first"), IdempotencyKey: "k"})
	second := doc("second")
	second.Data = obj("other", true)
	got, err := s.Create(t.Context(), plugins.Write{Document: second, IdempotencyKey: "k", Events: []plugins.Event{ev("x")}})
	noErr(t, err, "create with a used key")
	assertDoc(t, first, got)
	_, err = s.Get(t.Context(), kindA, "second")
	assertCode(t, socialrx.CodeNotFound, err, "a used key writes nothing")
	assert.Empty(t, events(t, s, kindA, "first"))
}

// ---- list ------------------------------------------------------------------

func list(t *testing.T, s plugins.Store, q plugins.Query) []plugins.Document {
	t.Helper()
	var all []plugins.Document
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10000, "paging does not end")
		p, err := s.List(t.Context(), q)
		noErr(t, err, "list")
		all = append(all, p.Documents...)
		if p.Next == "" {
			return all
		}
		require.NotEmpty(t, p.Documents, "a page with a next cursor has documents")
		q.Cursor = p.Next
	}
}

func storeListEmpty(t *testing.T, s plugins.Store) {
	p, err := s.List(t.Context(), plugins.Query{Kind: kindA})
	noErr(t, err, "list")
	assert.Empty(t, p.Documents)
	assert.Empty(t, p.Next)
	mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindB, ID: "b", Data: obj()}})
	p, err = s.List(t.Context(), plugins.Query{Kind: kindA, Status: "x"})
	noErr(t, err, "list")
	assert.Empty(t, p.Documents)
	assert.Empty(t, p.Next)
}

func storeListFilters(t *testing.T, s plugins.Store) {
	type fields struct{ status, owner, partner, person, team string }
	seed := map[string]fields{
		"d1": {"active", "lw-1", "org-1", "p-1", "team-1"},
		"d2": {"active", "lw-1", "org-2", "p-2", "team-2"},
		"d3": {"active", "lw-2", "org-1", "p-1", "team-1"},
		"d4": {"closed", "lw-1", "org-1", "p-3", ""},
		"d5": {"closed", "lw-2", "", "", "team-2"},
		"d6": {"", "", "", "", ""},
	}
	for id, f := range seed {
		mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindA, ID: id, Status: f.status, Owner: f.owner, Partner: f.partner, Person: f.person, Team: f.team, Data: obj("id", id)}})
	}
	// The same filter values on another kind must not leak in.
	mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindB, ID: "d1", Status: "active", Owner: "lw-1", Partner: "org-1", Person: "p-1", Team: "team-1", Data: obj()}})
	// An update moves a document between teams.
	d4 := mustGet(t, s, kindA, "d4")
	d4.Team = "team-2"
	mustUpdate(t, s, plugins.Write{Document: d4})

	cases := map[string]struct {
		q    plugins.Query
		want []string
	}{
		"kind only":        {plugins.Query{Kind: kindA}, []string{"d1", "d2", "d3", "d4", "d5", "d6"}},
		"status":           {plugins.Query{Kind: kindA, Status: "active"}, []string{"d1", "d2", "d3"}},
		"owner":            {plugins.Query{Kind: kindA, Owner: "lw-2"}, []string{"d3", "d5"}},
		"partner":          {plugins.Query{Kind: kindA, Partner: "org-1"}, []string{"d1", "d3", "d4"}},
		"person":           {plugins.Query{Kind: kindA, Person: "p-1"}, []string{"d1", "d3"}},
		"status and owner": {plugins.Query{Kind: kindA, Status: "active", Owner: "lw-1"}, []string{"d1", "d2"}},
		"team":             {plugins.Query{Kind: kindA, Team: "team-2"}, []string{"d2", "d4", "d5"}},
		"all five":         {plugins.Query{Kind: kindA, Status: "active", Owner: "lw-1", Partner: "org-1", Person: "p-1", Team: "team-1"}, []string{"d1"}},
		"no match":         {plugins.Query{Kind: kindA, Status: "closed", Partner: "org-2"}, nil},
		"unknown value":    {plugins.Query{Kind: kindA, Owner: "nobody"}, nil},
		"other kind":       {plugins.Query{Kind: kindB, Status: "active"}, []string{"d1"}},
		"pages of one":     {plugins.Query{Kind: kindA, Partner: "org-1", Limit: 1}, []string{"d1", "d3", "d4"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := list(t, s, c.q)
			assert.Equal(t, c.want, nilIfEmpty(ids(got)))
			for _, d := range got {
				assert.Equal(t, c.q.Kind, d.Kind)
				if c.q.Team != "" {
					assert.Equal(t, c.q.Team, d.Team, "a listed document carries its team")
				}
				assert.NotZero(t, d.Version)
				assert.NotEmpty(t, d.Data, "listed documents carry their data")
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func storeListUpdatedSince(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("a")})
	b := mustCreate(t, s, plugins.Write{Document: doc("b")})
	time.Sleep(5 * time.Millisecond) // so that a millisecond clock moves
	b.Data = obj("n", 1)
	mustUpdate(t, s, plugins.Write{Document: b})
	since := mustGet(t, s, kindA, "b").UpdatedAt
	mustCreate(t, s, plugins.Write{Document: doc("c")})

	cases := map[string]struct {
		q    plugins.Query
		want []string
	}{
		"zero does not filter":       {plugins.Query{Kind: kindA}, []string{"a", "b", "c"}},
		"before year 1":              {plugins.Query{Kind: kindA, UpdatedSince: time.Time{}.Add(-5 * time.Second)}, []string{"a", "b", "c"}},
		"year 1":                     {plugins.Query{Kind: kindA, UpdatedSince: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"a", "b", "c"}},
		"at an update, inclusive":    {plugins.Query{Kind: kindA, UpdatedSince: since}, []string{"b", "c"}},
		"in the future":              {plugins.Query{Kind: kindA, UpdatedSince: time.Now().Add(time.Hour)}, nil},
		"long ago":                   {plugins.Query{Kind: kindA, UpdatedSince: time.Now().Add(-time.Hour)}, []string{"a", "b", "c"}},
		"in another zone":            {plugins.Query{Kind: kindA, UpdatedSince: since.In(time.FixedZone("X", 5*3600))}, []string{"b", "c"}},
		"paged":                      {plugins.Query{Kind: kindA, UpdatedSince: since, Limit: 1}, []string{"b", "c"}},
		"combined with other fields": {plugins.Query{Kind: kindA, UpdatedSince: since, Status: "none"}, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, nilIfEmpty(ids(list(t, s, c.q))))
		})
	}
}

func storeListPaging(t *testing.T, s plugins.Store) {
	var want []string
	for i := range 23 {
		id := fmt.Sprintf("p%02d", (i*7)%23) // created out of order
		mustCreate(t, s, plugins.Write{Document: doc(id)})
		want = append(want, id)
	}
	want = sorted(want)
	for _, limit := range []int{1, 5, 7, 22, 23, 24, 1000} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			var got []string
			q := plugins.Query{Kind: kindA, Limit: limit}
			for pages := 0; ; pages++ {
				require.LessOrEqual(t, pages, 24)
				p, err := s.List(t.Context(), q)
				noErr(t, err, "list")
				assert.LessOrEqual(t, len(p.Documents), limit, "a page holds at most limit documents")
				got = append(got, ids(p.Documents)...)
				if p.Next == "" {
					break
				}
				assert.Len(t, p.Documents, limit, "only the last page is short")
				q.Cursor = p.Next
			}
			assert.Equal(t, want, got, "every document once, by id ascending")
		})
	}
	t.Run("exact multiple ends without an empty page", func(t *testing.T) {
		p, err := s.List(t.Context(), plugins.Query{Kind: kindA, Limit: 23})
		noErr(t, err, "list")
		assert.Len(t, p.Documents, 23)
		assert.Empty(t, p.Next, "the last page has no next cursor")
	})
}

// blob returns a document's data of exactly size bytes.
func blob(id string, size int) json.RawMessage {
	head := `{"id":"` + id + `","blob":"`
	return json.RawMessage(head + strings.Repeat("x", size-len(head)-2) + `"}`)
}

// storeListLargeDocuments: documents of 300 KiB fill a page's byte budget
// long before its limit. A page holds at most plugins.MaxPageBytes of data
// and is as full as the budget allows; one document larger than the budget
// comes alone; paging returns every document once, in order. Over gRPC a
// page of them all would pass the 4 MiB message limit.
func storeListLargeDocuments(t *testing.T, s plugins.Store) {
	const n, size = 16, 300 << 10
	var want []string
	for i := range n {
		id := fmt.Sprintf("big%02d", i)
		mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindA, ID: id, Data: blob(id, size)}})
		want = append(want, id)
	}
	mustCreate(t, s, plugins.Write{Document: plugins.Document{Kind: kindA, ID: "big07huge", Data: blob("big07huge", plugins.MaxPageBytes+1000)}})
	want = sorted(append(want, "big07huge"))

	for _, limit := range []int{0, 1000, 2} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			q := plugins.Query{Kind: kindA, Limit: limit}
			var got []string
			var last plugins.Page
			for pages := 0; ; pages++ {
				require.Less(t, pages, 2*len(want), "paging does not end")
				p, err := s.List(t.Context(), q)
				noErr(t, err, "list")
				require.NotEmpty(t, p.Documents, "a page has documents")
				if limit > 0 {
					assert.LessOrEqual(t, len(p.Documents), limit)
				}
				if bytes := dataBytes(p.Documents); len(p.Documents) > 1 {
					assert.LessOrEqual(t, bytes, plugins.MaxPageBytes, "a page holds at most MaxPageBytes of data")
				}
				if len(last.Documents) > 0 && (limit == 0 || len(last.Documents) < limit) {
					assert.Greater(t, dataBytes(last.Documents)+len(p.Documents[0].Data), plugins.MaxPageBytes,
						"a page stopped short of its limit is as full as the budget allows")
				}
				if slices.ContainsFunc(p.Documents, func(d plugins.Document) bool { return d.ID == "big07huge" }) {
					assert.Equal(t, []string{"big07huge"}, ids(p.Documents), "a document larger than the budget comes alone")
				}
				got = append(got, ids(p.Documents)...)
				if p.Next == "" {
					break
				}
				last, q.Cursor = p, p.Next
			}
			assert.Equal(t, want, got, "every document once, by id ascending")
		})
	}
	p, err := s.List(t.Context(), plugins.Query{Kind: kindA, Limit: 1000})
	noErr(t, err, "list")
	assert.NotEmpty(t, p.Next, "the first page stops early, with a next cursor")
	assert.Equal(t, []string{"big00", "big01", "big02"}, ids(p.Documents), "three of 300 KiB fit in 1 MiB, four do not")
}

// dataBytes is the size of the documents' data.
func dataBytes(ds []plugins.Document) int {
	n := 0
	for _, d := range ds {
		n += len(d.Data)
	}
	return n
}

func storeListDefaultLimit(t *testing.T, s plugins.Store) {
	for i := range 101 {
		mustCreate(t, s, plugins.Write{Document: doc(fmt.Sprintf("d%03d", i))})
	}
	p, err := s.List(t.Context(), plugins.Query{Kind: kindA})
	noErr(t, err, "list")
	assert.Len(t, p.Documents, 100, "limit 0 means 100")
	require.NotEmpty(t, p.Next)
	p, err = s.List(t.Context(), plugins.Query{Kind: kindA, Cursor: p.Next})
	noErr(t, err, "list")
	assert.Equal(t, []string{"d100"}, ids(p.Documents))
	assert.Empty(t, p.Next)
}

func storeListPagingWhileWriting(t *testing.T, s plugins.Store) {
	var original []string
	for i := range 30 {
		id := fmt.Sprintf("m%02d", i*2) // even numbers; odd ones arrive while paging
		mustCreate(t, s, plugins.Write{Document: doc(id)})
		original = append(original, id)
	}
	var got []string
	q := plugins.Query{Kind: kindA, Limit: 4}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 40)
		p, err := s.List(t.Context(), q)
		noErr(t, err, "list")
		got = append(got, ids(p.Documents)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
		// Between pages: create before and after the cursor, and update
		// documents on both sides of it.
		mustCreate(t, s, plugins.Write{Document: doc(fmt.Sprintf("m%02d-behind", pages*2))})   // behind or near the cursor
		mustCreate(t, s, plugins.Write{Document: doc(fmt.Sprintf("m%02d-ahead", 58-pages*2))}) // ahead of it
		for _, id := range []string{original[0], original[len(original)-1-pages]} {
			cur := mustGet(t, s, kindA, id)
			cur.Data = obj("touched", pages)
			mustUpdate(t, s, plugins.Write{Document: cur})
		}
	}
	assert.Empty(t, dups(got), "no document is listed twice")
	assert.True(t, slices.IsSorted(got), "ids ascend across pages: %v", got)
	for _, id := range original {
		assert.Contains(t, got, id, "a document present throughout is listed")
	}
}

func storeListInvalid(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("x")})
	cases := map[string]struct {
		q    plugins.Query
		path string
	}{
		"no kind":          {plugins.Query{}, "/kind"},
		"negative limit":   {plugins.Query{Kind: kindA, Limit: -1}, "/limit"},
		"limit too big":    {plugins.Query{Kind: kindA, Limit: 1001}, "/limit"},
		"made-up cursor":   {plugins.Query{Kind: kindA, Cursor: "not a cursor!"}, "/cursor"},
		"truncated cursor": {plugins.Query{Kind: kindA, Cursor: "%"}, "/cursor"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.List(t.Context(), c.q)
			assertInvalid(t, err, c.path)
		})
	}
	t.Run("limit 1000 is allowed", func(t *testing.T) {
		_, err := s.List(t.Context(), plugins.Query{Kind: kindA, Limit: 1000})
		assert.NoError(t, err)
	})
}

// ---- events ----------------------------------------------------------------

func storeEvents(t *testing.T, s plugins.Store) {
	at := ms(time.Now().Add(-time.Hour))
	e1 := plugins.Event{Seq: 42, Type: "referral.received", Actor: "gp-1", At: at, Data: obj("from", "")}
	e2 := plugins.Event{Type: "note", Actor: "lw-1", At: at.Add(time.Second)}
	d := mustCreate(t, s, plugins.Write{Document: doc("e"), Events: []plugins.Event{e1, e2}})
	d.Data = obj("n", 1)
	d = mustUpdate(t, s, plugins.Write{Document: d, Events: []plugins.Event{{Type: "referral.accepted", Actor: "lw-1", Data: obj("to", "accepted")}}})
	mustUpdate(t, s, plugins.Write{Document: d}) // no events

	got := events(t, s, kindA, "e")
	require.Len(t, got, 3)
	for i, e := range got {
		assert.Equal(t, int64(i+1), e.Seq, "events are numbered 1, 2, 3 by the store")
	}
	assert.Equal(t, "referral.received", got[0].Type)
	assert.Equal(t, "gp-1", got[0].Actor)
	assertTime(t, at, got[0].At, "at")
	assertJSON(t, e1.Data, got[0].Data, "event data")
	assert.Equal(t, "note", got[1].Type)
	assertJSON(t, nil, got[1].Data, "no event data")
	assert.Equal(t, "referral.accepted", got[2].Type)
	assertNow(t, got[2].At, "a zero event time becomes the time of the write")
	assertJSON(t, obj("to", "accepted"), got[2].Data, "event data")

	// A failed update appends nothing.
	d.Version = 1
	_, err := s.Update(t.Context(), plugins.Write{Document: d, Events: []plugins.Event{ev("lost")}})
	assertCode(t, socialrx.CodeConflict, err)
	assert.Len(t, events(t, s, kindA, "e"), 3)

	// Another document has its own log.
	mustCreate(t, s, plugins.Write{Document: doc("f"), Events: []plugins.Event{ev("own")}})
	other := events(t, s, kindA, "f")
	require.Len(t, other, 1)
	assert.Equal(t, int64(1), other[0].Seq)
	mustCreate(t, s, plugins.Write{Document: doc("g")})
	assert.Empty(t, events(t, s, kindA, "g"), "a document created without events has an empty log")
}

func storeEventsAfterLimit(t *testing.T, s plugins.Store) {
	var evs []plugins.Event
	for i := range 10 {
		evs = append(evs, ev(fmt.Sprint("e", i+1)))
	}
	mustCreate(t, s, plugins.Write{Document: doc("log"), Events: evs})
	cases := []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{0, 3, []int64{1, 2, 3}},
		{3, 0, []int64{4, 5, 6, 7, 8, 9, 10}},
		{3, 2, []int64{4, 5}},
		{9, 5, []int64{10}},
		{10, 0, nil},
		{99, 1, nil},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("after %d limit %d", c.after, c.limit), func(t *testing.T) {
			got, err := s.Events(t.Context(), kindA, "log", c.after, c.limit)
			noErr(t, err, "events")
			var seqs []int64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
				assert.Equal(t, fmt.Sprint("e", e.Seq), e.Type, "event %d is the one appended %d-th", e.Seq, e.Seq)
			}
			assert.Equal(t, c.want, seqs)
		})
	}
}

func storeEventsNotFound(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("has"), Events: []plugins.Event{ev("a")}})
	_, err := s.Events(t.Context(), kindA, "missing", 0, 0)
	assertCode(t, socialrx.CodeNotFound, err)
	_, err = s.Events(t.Context(), kindB, "has", 0, 0)
	assertCode(t, socialrx.CodeNotFound, err, "events of the id under another kind")
}

func storeEventsInvalid(t *testing.T, s plugins.Store) {
	d := mustCreate(t, s, plugins.Write{Document: doc("v"), Events: []plugins.Event{ev("a")}})
	_, err := s.Update(t.Context(), plugins.Write{Document: d, Events: []plugins.Event{ev("ok"), {Type: "no-actor"}}})
	assertInvalid(t, err, "/events/1/actor")
	assert.Len(t, events(t, s, kindA, "v"), 1, "no event of an invalid write is appended")
	assert.Equal(t, int64(1), mustGet(t, s, kindA, "v").Version)
}

// ---- outbox ----------------------------------------------------------------

// leaseFor returns a lease for the owner held for a minute after now.
func leaseFor(owner string, now time.Time) plugins.Lease {
	return plugins.Lease{Owner: owner, Until: now.Add(time.Minute)}
}

// later is a "now" safely after every message the test queued: the store
// stamps NextAttemptAt with its own clock, which may run a little ahead.
func later() time.Time { return ms(time.Now().Add(clockSkew)) }

func leaseOutbox(t *testing.T, s plugins.Store, l plugins.Lease, now time.Time, n int) []plugins.OutboxMessage {
	t.Helper()
	got, err := s.LeaseOutbox(t.Context(), l, now, n)
	noErr(t, err, "lease outbox")
	return got
}

// ---- further documents of a write ------------------------------------------

// audit returns a further document of another kind, as the host writes an
// audit entry with the change it records.
func audit(id string) plugins.Document {
	return plugins.Document{Kind: "audit", ID: id, Owner: "lw-1", Status: "create", Team: "team-1", Data: obj("target", id)}
}

func storeAlso(t *testing.T, s plugins.Store) {
	d := mustCreate(t, s, plugins.Write{Document: doc("a"), Also: []plugins.Document{audit("a-1"), audit("a-2")}})
	for _, id := range []string{"a-1", "a-2"} {
		got := mustGet(t, s, "audit", id)
		want := audit(id)
		want.Version, want.CreatedAt, want.UpdatedAt = 1, d.CreatedAt, d.CreatedAt
		assertDoc(t, want, got)
	}
	d.Data = obj("n", 1)
	d = mustUpdate(t, s, plugins.Write{Document: d, Also: []plugins.Document{audit("a-3")}})
	assert.Equal(t, int64(2), d.Version)
	assert.Equal(t, int64(1), mustGet(t, s, "audit", "a-3").Version, "a further document is new at version 1")
	assert.Equal(t, []string{"a-1", "a-2", "a-3"}, ids(list(t, s, plugins.Query{Kind: "audit", Team: "team-1"})))

	// A repeated create returns the first result and creates nothing more.
	w := plugins.Write{Document: doc("b"), Also: []plugins.Document{audit("b-1")}, IdempotencyKey: "also-key"}
	mustCreate(t, s, w)
	w.Also = []plugins.Document{audit("b-2")}
	mustCreate(t, s, w)
	_, err := s.Get(t.Context(), "audit", "b-2")
	assertCode(t, socialrx.CodeNotFound, err, "a replayed create writes no further documents")
}

func storeAlsoExisting(t *testing.T, s plugins.Store) {
	d := mustCreate(t, s, plugins.Write{Document: doc("x"), Also: []plugins.Document{audit("x-1")}})
	_, err := s.Create(t.Context(), plugins.Write{Document: doc("y"), Also: []plugins.Document{audit("y-1"), audit("x-1")}, Outbox: []plugins.OutboxMessage{msg("messenger")}})
	assertCode(t, socialrx.CodeConflict, err, "a create whose further document exists")
	for _, id := range []string{"y", "y-1"} {
		kind := kindA
		if id != "y" {
			kind = "audit"
		}
		_, err = s.Get(t.Context(), kind, id)
		assertCode(t, socialrx.CodeNotFound, err, "nothing of the refused create is stored: %s", id)
	}
	d.Data = obj("n", 1)
	_, err = s.Update(t.Context(), plugins.Write{Document: d, Also: []plugins.Document{audit("x-2"), audit("x-1")}, Events: []plugins.Event{ev("a")}})
	assertCode(t, socialrx.CodeConflict, err, "an update whose further document exists")
	assert.Equal(t, int64(1), mustGet(t, s, kindA, "x").Version, "the document of a refused update is unchanged")
	assert.Empty(t, events(t, s, kindA, "x"))
	_, err = s.Get(t.Context(), "audit", "x-2")
	assertCode(t, socialrx.CodeNotFound, err, "nothing of the refused update is stored")
	assert.Zero(t, depth(t, s))
}

func storeAlsoInvalid(t *testing.T, s plugins.Store) {
	bad := plugins.Document{Kind: "Audit", ID: "", Data: json.RawMessage(`[1]`)}
	_, err := s.Create(t.Context(), plugins.Write{Document: doc("v"), Also: []plugins.Document{audit("v-1"), bad, audit("v-1")}})
	assertInvalid(t, err, "/also/1/kind", "/also/1/id", "/also/1/data", "/also/2/id")
	_, err = s.Get(t.Context(), kindA, "v")
	assertCode(t, socialrx.CodeNotFound, err, "nothing of an invalid write is stored")
}

func storeOutboxAtomic(t *testing.T, s plugins.Store) {
	m1, m2 := msg("messenger"), msg("clinical")
	d := mustCreate(t, s, plugins.Write{Document: doc("o"), Outbox: []plugins.OutboxMessage{m1, m2}})
	assert.Equal(t, 2, depth(t, s), "a create queues its messages")

	m3 := msg("messenger")
	d.Data = obj("n", 1)
	d = mustUpdate(t, s, plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{m3}})
	assert.Equal(t, 3, depth(t, s), "an update queues its messages")

	t.Run("conflicting update", func(t *testing.T) {
		stale := d
		stale.Version = 1
		_, err := s.Update(t.Context(), plugins.Write{Document: stale, Outbox: []plugins.OutboxMessage{msg("messenger")}})
		assertCode(t, socialrx.CodeConflict, err)
		assert.Equal(t, 3, depth(t, s), "no message of a failed write is queued")
	})
	t.Run("create of an existing id", func(t *testing.T) {
		_, err := s.Create(t.Context(), plugins.Write{Document: doc("o"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
		assertCode(t, socialrx.CodeConflict, err)
		assert.Equal(t, 3, depth(t, s))
	})

	now := later()
	got := leaseOutbox(t, s, leaseFor("w", now), now, 10)
	require.Len(t, got, 3)
	byID := map[string]plugins.OutboxMessage{}
	for _, m := range got {
		byID[m.ID] = m
	}
	for _, want := range []plugins.OutboxMessage{m1, m2, m3} {
		m, ok := byID[want.ID]
		if !assert.True(t, ok, "message %s is leased", want.ID) {
			continue
		}
		assert.Equal(t, want.IdempotencyKey, m.IdempotencyKey)
		assert.Equal(t, want.Target, m.Target)
		assertJSON(t, want.Payload, m.Payload, "payload")
		assertNow(t, m.CreatedAt, "created_at")
		assertTime(t, m.CreatedAt, m.NextAttemptAt, "a new message may be tried at once")
		assert.Zero(t, m.Attempts)
		assert.Empty(t, m.LastError)
		assert.Nil(t, m.DeliveredAt)
	}
}

func storeOutboxKeyUsed(t *testing.T, s plugins.Store) {
	m := msg("messenger")
	d := mustCreate(t, s, plugins.Write{Document: doc("k1"), Outbox: []plugins.OutboxMessage{m}})

	reuse := msg("messenger")
	reuse.IdempotencyKey = m.IdempotencyKey
	_, err := s.Create(t.Context(), plugins.Write{Document: doc("k2"), Events: []plugins.Event{ev("a")}, Outbox: []plugins.OutboxMessage{msg("messenger"), reuse}})
	assertCode(t, socialrx.CodeConflict, err, "create with a used outbox key")
	_, err = s.Get(t.Context(), kindA, "k2")
	assertCode(t, socialrx.CodeNotFound, err, "the document of a refused write is not stored")
	assert.Equal(t, 1, depth(t, s), "none of a refused write's messages is queued")

	d.Data = obj("n", 1)
	_, err = s.Update(t.Context(), plugins.Write{Document: d, Events: []plugins.Event{ev("a")}, Outbox: []plugins.OutboxMessage{reuse}})
	assertCode(t, socialrx.CodeConflict, err, "update with a used outbox key")
	assert.Equal(t, int64(1), mustGet(t, s, kindA, "k1").Version, "the document of a refused update is unchanged")
	assert.Empty(t, events(t, s, kindA, "k1"))

	sameID := msg("messenger")
	sameID.ID = m.ID
	_, err = s.Update(t.Context(), plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{sameID}})
	assertCode(t, socialrx.CodeConflict, err, "update with a used outbox message id")
	assert.Equal(t, 1, depth(t, s))

	// A key stays used after delivery.
	now := later()
	l := leaseFor("w", now)
	got := leaseOutbox(t, s, l, now, 1)
	require.Len(t, got, 1)
	noErr(t, s.AckOutbox(t.Context(), got[0].ID, l, now), "ack")
	_, err = s.Update(t.Context(), plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{reuse}})
	assertCode(t, socialrx.CodeConflict, err, "a delivered message's key is still used")
}

func storeOutboxLeaseAck(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("a"), Outbox: []plugins.OutboxMessage{msg("messenger"), msg("messenger")}})
	now := later()
	la := leaseFor("worker-a", now)
	got := leaseOutbox(t, s, la, now, 5)
	require.Len(t, got, 2)
	assert.Empty(t, leaseOutbox(t, s, leaseFor("worker-b", now), now, 5), "leased messages are not leased again while the lease lives")
	assert.Empty(t, leaseOutbox(t, s, la, now, 5), "not even by the same owner")
	assert.Equal(t, 2, depth(t, s), "leased messages are still undelivered")

	noErr(t, s.AckOutbox(t.Context(), got[0].ID, la, now), "ack")
	assert.Equal(t, 1, depth(t, s), "an ack delivers")
	noErr(t, s.AckOutbox(t.Context(), got[0].ID, la, now), "a repeated ack by the same owner")
	assert.Equal(t, 1, depth(t, s))

	// After the lease lapses only the unacknowledged one comes back.
	after := la.Until
	again := leaseOutbox(t, s, leaseFor("worker-b", after), after, 5)
	assert.Equal(t, []string{got[1].ID}, msgIDs(again), "a delivered message is never leased again")
	noErr(t, s.AckOutbox(t.Context(), again[0].ID, leaseFor("worker-b", after), after), "ack")
	assert.Equal(t, 0, depth(t, s))
	assert.Empty(t, leaseOutbox(t, s, leaseFor("worker-c", after.Add(time.Hour)), after.Add(time.Hour), 5))
}

func storeOutboxNack(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("n"), Outbox: []plugins.OutboxMessage{msg("clinical")}})
	now := later()
	l := leaseFor("a", now)
	got := leaseOutbox(t, s, l, now, 1)
	require.Len(t, got, 1)
	id := got[0].ID

	retry := now.Add(10 * time.Minute)
	noErr(t, s.NackOutbox(t.Context(), id, l, "gp system timed out", retry), "nack")
	assert.Equal(t, 1, depth(t, s), "a nacked message is undelivered")
	assertCode(t, socialrx.CodeConflict, s.AckOutbox(t.Context(), id, l, now), "a nack releases the lease, so the owner cannot ack")
	assertCode(t, socialrx.CodeConflict, s.NackOutbox(t.Context(), id, l, "again", retry), "nor nack again")

	assert.Empty(t, leaseOutbox(t, s, leaseFor("b", now), now, 1), "not leased before its next attempt")
	assert.Empty(t, leaseOutbox(t, s, leaseFor("b", retry.Add(-time.Millisecond)), retry.Add(-time.Millisecond), 1), "not leased a moment before")
	l2 := leaseFor("b", retry)
	got = leaseOutbox(t, s, l2, retry, 1)
	require.Len(t, got, 1, "leased at its next attempt time")
	assert.Equal(t, 1, got[0].Attempts)
	assert.Equal(t, "gp system timed out", got[0].LastError)
	assertTime(t, retry, got[0].NextAttemptAt, "next_attempt_at")

	retry2 := retry.Add(time.Hour)
	noErr(t, s.NackOutbox(t.Context(), id, l2, "still down", retry2), "second nack")
	l3 := leaseFor("c", retry2)
	got = leaseOutbox(t, s, l3, retry2, 1)
	require.Len(t, got, 1)
	assert.Equal(t, 2, got[0].Attempts, "attempts count every failure")
	assert.Equal(t, "still down", got[0].LastError)
	noErr(t, s.AckOutbox(t.Context(), id, l3, retry2), "ack after retries")
	assert.Equal(t, 0, depth(t, s))
}

func storeOutboxOrder(t *testing.T, s plugins.Store) {
	var want []string
	for i := range 3 {
		m := msg("messenger")
		mustCreate(t, s, plugins.Write{Document: doc(fmt.Sprint("ord", 2-i)), Outbox: []plugins.OutboxMessage{m}})
		want = append(want, m.ID)
		time.Sleep(2 * time.Millisecond) // so that a millisecond clock moves
	}
	future := msg("messenger")
	future.NextAttemptAt = later().Add(time.Hour)
	mustCreate(t, s, plugins.Write{Document: doc("future"), Outbox: []plugins.OutboxMessage{future}})
	assert.Equal(t, 4, depth(t, s), "depth counts messages not yet due")

	now := later()
	var got []string
	for i := range 3 {
		one := leaseOutbox(t, s, leaseFor(fmt.Sprint("w", i), now), now, 1)
		require.Len(t, one, 1)
		got = append(got, one[0].ID)
	}
	assert.Equal(t, want, got, "oldest first")
	assert.Empty(t, leaseOutbox(t, s, leaseFor("w", now), now, 10), "a message is not leased before its NextAttemptAt")
	at := future.NextAttemptAt
	due := leaseOutbox(t, s, plugins.Lease{Owner: "w", Until: at.Add(time.Hour)}, at, 1)
	require.Len(t, due, 1)
	assert.Equal(t, want[0], due[0].ID, "at a later now the oldest, whose lease lapsed, comes first again")
	rest := leaseOutbox(t, s, leaseFor("w", at), at, 10)
	assert.Equal(t, []string{want[1], want[2], future.ID}, msgIDs(rest), "a message is leased from its NextAttemptAt on")
	assertTime(t, future.NextAttemptAt, rest[2].NextAttemptAt, "next_attempt_at set by the caller")
}

func storeOutboxLeaseLost(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("l"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
	now := later()
	a := leaseFor("a", now)
	got := leaseOutbox(t, s, a, now, 1)
	require.Len(t, got, 1)
	id := got[0].ID

	// a's lease lapses and b takes the message over.
	b := leaseFor("b", a.Until)
	got = leaseOutbox(t, s, b, a.Until, 1)
	require.Len(t, got, 1, "a lapsed lease can be taken over")
	assert.Equal(t, id, got[0].ID)

	assertCode(t, socialrx.CodeConflict, s.AckOutbox(t.Context(), id, a, a.Until), "the old owner's ack")
	assertCode(t, socialrx.CodeConflict, s.NackOutbox(t.Context(), id, a, "x", a.Until), "the old owner's nack")
	assert.Equal(t, 1, depth(t, s), "the old owner changed nothing")
	noErr(t, s.AckOutbox(t.Context(), id, b, a.Until), "the new owner's ack")
	assert.Equal(t, 0, depth(t, s))
	assertCode(t, socialrx.CodeConflict, s.AckOutbox(t.Context(), id, a, a.Until), "the old owner's ack after delivery")

	// A message nobody leased cannot be acknowledged.
	m := msg("messenger")
	mustCreate(t, s, plugins.Write{Document: doc("l2"), Outbox: []plugins.OutboxMessage{m}})
	assertCode(t, socialrx.CodeConflict, s.AckOutbox(t.Context(), m.ID, a, now), "ack without a lease")
	assertCode(t, socialrx.CodeConflict, s.NackOutbox(t.Context(), m.ID, a, "x", now), "nack without a lease")
	assert.Equal(t, 1, depth(t, s))
}

func storeOutboxConcurrent(t *testing.T, s plugins.Store) {
	const total = 40
	for i := range total / 4 {
		mustCreate(t, s, plugins.Write{Document: doc(fmt.Sprint("c", i)), Outbox: []plugins.OutboxMessage{msg("messenger"), msg("clinical"), msg("messenger"), msg("clinical")}})
	}
	now := later()
	var mu sync.Mutex
	var leased []string
	race(workers, func(i int) {
		l := leaseFor(fmt.Sprint("worker-", i), now)
		for {
			got, err := s.LeaseOutbox(context.Background(), l, now, 3)
			if !assert.NoError(t, err) || len(got) == 0 {
				return
			}
			for _, m := range got {
				assert.NoError(t, s.AckOutbox(context.Background(), m.ID, l, now), "worker %d acks its own lease", i)
			}
			mu.Lock()
			leased = append(leased, msgIDs(got)...)
			mu.Unlock()
		}
	})
	assert.Empty(t, dups(leased), "no message is leased by two workers")
	assert.Len(t, leased, total, "every message is leased")
	assert.Equal(t, 0, depth(t, s))
}

func storeOutboxNotFound(t *testing.T, s plugins.Store) {
	now := later()
	l := leaseFor("a", now)
	assertCode(t, socialrx.CodeNotFound, s.AckOutbox(t.Context(), "no-such-message", l, now))
	assertCode(t, socialrx.CodeNotFound, s.NackOutbox(t.Context(), "no-such-message", l, "x", now))
	assert.Empty(t, leaseOutbox(t, s, l, now, 10), "an empty outbox leases nothing")
	assert.Equal(t, 0, depth(t, s))
}

func storeOutboxInvalidLease(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("x"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
	now := later()
	cases := map[string]struct {
		l plugins.Lease
		n int
	}{
		"no owner":            {plugins.Lease{Until: now.Add(time.Minute)}, 1},
		"until not after now": {plugins.Lease{Owner: "a", Until: now}, 1},
		"until before now":    {plugins.Lease{Owner: "a", Until: now.Add(-time.Minute)}, 1},
		"n zero":              {leaseFor("a", now), 0},
		"n negative":          {leaseFor("a", now), -1},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.LeaseOutbox(t.Context(), c.l, now, c.n)
			assertCode(t, socialrx.CodeInvalid, err)
		})
	}
	assert.Len(t, leaseOutbox(t, s, leaseFor("a", now), now, 1), 1, "invalid leases claimed nothing")
}

func storeOutboxInvalid(t *testing.T, s plugins.Store) {
	cur := mustCreate(t, s, plugins.Write{Document: doc("m")})
	bad := msg("messenger")
	bad.Payload = json.RawMessage(`not json`)
	_, err := s.Update(t.Context(), plugins.Write{Document: cur, Outbox: []plugins.OutboxMessage{msg("messenger"), bad}})
	assertInvalid(t, err, "/outbox/1/payload")
	assert.Equal(t, 0, depth(t, s), "no message of an invalid write is queued")
	assert.Equal(t, int64(1), mustGet(t, s, kindA, "m").Version)
}

// ---- lease due -------------------------------------------------------------

func dueDoc(kind plugins.Kind, id string, due *time.Time) plugins.Write {
	return plugins.Write{Document: plugins.Document{Kind: kind, ID: id, DueAt: due, Data: obj("id", id)}}
}

func leaseDue(t *testing.T, s plugins.Store, l plugins.Lease, now time.Time, n int) []string {
	t.Helper()
	got, err := s.LeaseDue(t.Context(), kindA, l, now, n)
	noErr(t, err, "lease due")
	for _, d := range got {
		assert.Equal(t, kindA, d.Kind)
		assert.Equal(t, int64(1), d.Version)
		assertJSON(t, obj("id", d.ID), d.Data, "data of a due document")
	}
	return ids(got)
}

func storeLeaseDue(t *testing.T, s plugins.Store) {
	now := ms(time.Now())
	mustCreate(t, s, dueDoc(kindA, "d-later", timePtr(now.Add(-1*time.Hour))))
	mustCreate(t, s, dueDoc(kindA, "d-first", timePtr(now.Add(-3*time.Hour))))
	mustCreate(t, s, dueDoc(kindA, "d-second", timePtr(now.Add(-2*time.Hour))))
	mustCreate(t, s, dueDoc(kindA, "d-now", timePtr(now)))
	mustCreate(t, s, dueDoc(kindA, "d-future", timePtr(now.Add(time.Hour))))
	mustCreate(t, s, dueDoc(kindA, "d-never", nil))
	mustCreate(t, s, dueDoc(kindB, "d-other-kind", timePtr(now.Add(-4*time.Hour))))

	a := leaseFor("a", now)
	assert.Equal(t, []string{"d-first", "d-second"}, leaseDue(t, s, a, now, 2), "most overdue first, at most n")
	assert.Equal(t, []string{"d-later", "d-now"}, leaseDue(t, s, leaseFor("b", now), now, 10), "due at or before now, not leased, of the kind")
	assert.Empty(t, leaseDue(t, s, leaseFor("c", now), now, 10), "leased documents are not leased again while the lease lives")

	at := a.Until // a's lease lapses; b's (also until now+1m) too
	long := plugins.Lease{Owner: "c", Until: at.Add(24 * time.Hour)}
	assert.Equal(t, []string{"d-first", "d-second", "d-later", "d-now"}, leaseDue(t, s, long, at, 10), "lapsed leases can be taken over")
	far := now.Add(2 * time.Hour)
	assert.Equal(t, []string{"d-future"}, leaseDue(t, s, leaseFor("d", far), far, 10), "a document becomes due at its DueAt")

	got, err := s.LeaseDue(t.Context(), kindB, leaseFor("e", now), now, 10)
	noErr(t, err, "lease due of kind B")
	assert.Equal(t, []string{"d-other-kind"}, ids(got))
}

func storeLeaseDueUpdate(t *testing.T, s plugins.Store) {
	now := ms(time.Now())
	mustCreate(t, s, dueDoc(kindA, "x", timePtr(now.Add(-time.Hour))))
	require.Equal(t, []string{"x"}, leaseDue(t, s, leaseFor("a", now), now, 1))
	assert.Empty(t, leaseDue(t, s, leaseFor("b", now), now, 1))

	// The worker updates the document but leaves it due: the claim ends.
	cur := mustGet(t, s, kindA, "x")
	mustUpdate(t, s, plugins.Write{Document: cur})
	got, err := s.LeaseDue(t.Context(), kindA, leaseFor("b", now), now, 1)
	noErr(t, err, "lease due")
	assert.Equal(t, []string{"x"}, ids(got), "an update ends the claim")

	// Moving DueAt into the future or clearing it takes it off the schedule.
	cur = mustGet(t, s, kindA, "x")
	cur.DueAt = timePtr(now.Add(time.Hour))
	cur = mustUpdate(t, s, plugins.Write{Document: cur})
	got, err = s.LeaseDue(t.Context(), kindA, leaseFor("c", now), now, 1)
	noErr(t, err, "lease due")
	assert.Empty(t, got)
	cur.DueAt = nil
	mustUpdate(t, s, plugins.Write{Document: cur})
	tomorrow := now.Add(24 * time.Hour)
	got, err = s.LeaseDue(t.Context(), kindA, leaseFor("c", tomorrow), tomorrow, 1)
	noErr(t, err, "lease due")
	assert.Empty(t, got, "a document without DueAt is never due")
}

func storeLeaseDueConcurrent(t *testing.T, s plugins.Store) {
	const total = 30
	now := ms(time.Now())
	for i := range total {
		mustCreate(t, s, dueDoc(kindA, fmt.Sprintf("c%02d", i), timePtr(now.Add(-time.Duration(i+1)*time.Minute))))
	}
	var mu sync.Mutex
	var leased []string
	race(workers, func(i int) {
		l := leaseFor(fmt.Sprint("worker-", i), now)
		for {
			got, err := s.LeaseDue(context.Background(), kindA, l, now, 2)
			if !assert.NoError(t, err) || len(got) == 0 {
				return
			}
			mu.Lock()
			leased = append(leased, ids(got)...)
			mu.Unlock()
		}
	})
	assert.Empty(t, dups(leased), "no document is leased by two workers")
	assert.Len(t, leased, total)
}

func storeLeaseDueInvalid(t *testing.T, s plugins.Store) {
	now := ms(time.Now())
	mustCreate(t, s, dueDoc(kindA, "x", timePtr(now.Add(-time.Hour))))
	cases := map[string]struct {
		kind plugins.Kind
		l    plugins.Lease
		n    int
	}{
		"no kind":             {"", leaseFor("a", now), 1},
		"no owner":            {kindA, plugins.Lease{Until: now.Add(time.Minute)}, 1},
		"until not after now": {kindA, plugins.Lease{Owner: "a", Until: now}, 1},
		"n zero":              {kindA, leaseFor("a", now), 0},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.LeaseDue(t.Context(), c.kind, c.l, now, c.n)
			assertCode(t, socialrx.CodeInvalid, err)
		})
	}
	assert.Equal(t, []string{"x"}, leaseDue(t, s, leaseFor("a", now), now, 1), "invalid leases claimed nothing")
}

// ---- erasure ---------------------------------------------------------------

// keyed returns an outbox message with the idempotency key.
func keyed(key string) plugins.OutboxMessage {
	m := msg("messenger")
	m.IdempotencyKey = key
	return m
}

func storeErase(t *testing.T, s plugins.Store) {
	ctx := t.Context()
	now := later()
	// The document, made under a create key, with events and messages about
	// it (one delivered), and a neighbour whose id it is a prefix of.
	d := mustCreate(t, s, plugins.Write{Document: doc("e1"), IdempotencyKey: "erase-key", Events: []plugins.Event{ev("made")},
		Outbox: []plugins.OutboxMessage{keyed("referral:e1:0:event"), keyed("e1")}})
	d.Data = obj("name", "Margaret")
	mustUpdate(t, s, plugins.Write{Document: d, Events: []plugins.Event{ev("named")}, Outbox: []plugins.OutboxMessage{keyed("followup:e1")}})
	l := leaseFor("w", now)
	for _, m := range leaseOutbox(t, s, l, now, 1) {
		noErr(t, s.AckOutbox(ctx, m.ID, l, now), "ack")
	}
	mustCreate(t, s, plugins.Write{Document: doc("e1x"), Events: []plugins.Event{ev("made")}, Outbox: []plugins.OutboxMessage{keyed("referral:e1x:0:event")}})
	require.Equal(t, 3, depth(t, s))

	noErr(t, s.Erase(ctx, plugins.Erasure{Kind: kindA, ID: "e1", Also: []plugins.Document{audit("erased-e1")}}), "erase")

	_, err := s.Get(ctx, kindA, "e1")
	assertCode(t, socialrx.CodeNotFound, err, "the document is gone")
	_, err = s.Events(ctx, kindA, "e1", 0, 0)
	assertCode(t, socialrx.CodeNotFound, err, "its events are gone")
	assert.Equal(t, int64(1), mustGet(t, s, "audit", "erased-e1").Version, "the further document is created")
	assert.Equal(t, 1, depth(t, s), "its undelivered messages are gone")
	left := leaseOutbox(t, s, leaseFor("w2", now), now, 10)
	if assert.Len(t, left, 1) {
		assert.Equal(t, "referral:e1x:0:event", left[0].IdempotencyKey, "a message about another document stays")
	}
	assert.Len(t, events(t, s, kindA, "e1x"), 1, "another document's events stay")
	// Its delivered message is gone too: every key about it is free again.
	mustCreate(t, s, plugins.Write{Document: doc("reuse"), Outbox: []plugins.OutboxMessage{keyed("referral:e1:0:event"), keyed("e1"), keyed("followup:e1")}})
	// And the create key no longer returns it: a repeat creates anew.
	again := doc("e1")
	again.Data = obj("name", "someone else")
	got := mustCreate(t, s, plugins.Write{Document: again, IdempotencyKey: "erase-key"})
	assert.JSONEq(t, `{"name":"someone else"}`, string(got.Data))
	assert.Equal(t, int64(1), got.Version)
	assert.Empty(t, events(t, s, kindA, "e1"), "a document made again has a log of its own")
}

func storeEraseNotFound(t *testing.T, s plugins.Store) {
	err := s.Erase(t.Context(), plugins.Erasure{Kind: kindA, ID: "nobody", Also: []plugins.Document{audit("erased-nobody")}})
	assertCode(t, socialrx.CodeNotFound, err)
	_, err = s.Get(t.Context(), "audit", "erased-nobody")
	assertCode(t, socialrx.CodeNotFound, err, "nothing of a refused erasure is stored")
}

func storeEraseAlsoExisting(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("keep"), Events: []plugins.Event{ev("made")}, Outbox: []plugins.OutboxMessage{keyed("referral:keep:0")}, Also: []plugins.Document{audit("a-1")}})
	err := s.Erase(t.Context(), plugins.Erasure{Kind: kindA, ID: "keep", Also: []plugins.Document{audit("a-2"), audit("a-1")}})
	assertCode(t, socialrx.CodeConflict, err)
	mustGet(t, s, kindA, "keep")
	assert.Len(t, events(t, s, kindA, "keep"), 1, "nothing of a refused erasure is applied")
	assert.Equal(t, 1, depth(t, s))
	_, err = s.Get(t.Context(), "audit", "a-2")
	assertCode(t, socialrx.CodeNotFound, err)
}

func storeEraseInvalid(t *testing.T, s plugins.Store) {
	mustCreate(t, s, plugins.Write{Document: doc("v")})
	bad := plugins.Document{Kind: "Audit", ID: "", Data: json.RawMessage(`[1]`)}
	err := s.Erase(t.Context(), plugins.Erasure{Kind: "Bad", ID: "", Also: []plugins.Document{bad}})
	assertInvalid(t, err, "/kind", "/id", "/also/0/kind", "/also/0/id", "/also/0/data")
	err = s.Erase(t.Context(), plugins.Erasure{Kind: kindA, ID: "v", Also: []plugins.Document{{Kind: kindA, ID: "v", Data: obj()}}})
	assertInvalid(t, err, "/also/0/id")
	mustGet(t, s, kindA, "v")
}

func storeOutboxAbout(t *testing.T, s plugins.Store) {
	ctx := t.Context()
	now := later()
	d := mustCreate(t, s, plugins.Write{Document: doc("p1"), Outbox: []plugins.OutboxMessage{keyed("referral:p1:0:event"), keyed("p1x:0")}})
	mustUpdate(t, s, plugins.Write{Document: d, Outbox: []plugins.OutboxMessage{keyed("followup:p1")}})
	l := leaseFor("w", now)
	first := leaseOutbox(t, s, l, now, 1)
	require.Len(t, first, 1)
	noErr(t, s.AckOutbox(ctx, first[0].ID, l, now), "ack")

	got, err := s.OutboxAbout(ctx, "p1")
	noErr(t, err, "outbox about")
	keys := make([]string, len(got))
	for i, m := range got {
		keys[i] = m.IdempotencyKey
	}
	assert.Equal(t, []string{"referral:p1:0:event", "followup:p1"}, keys, "delivered or not, oldest first, and only those naming the id")
	if assert.Len(t, got, 2) {
		assert.NotNil(t, got[0].DeliveredAt, "a delivered message says when")
		assert.Nil(t, got[1].DeliveredAt)
		assert.NotEmpty(t, got[1].Payload)
	}
	none, err := s.OutboxAbout(ctx, "nobody")
	noErr(t, err, "outbox about nobody")
	assert.Empty(t, none)
	_, err = s.OutboxAbout(ctx, "")
	assertInvalid(t, err, "/id")
}

// ---- context ---------------------------------------------------------------

func storeCancelled(t *testing.T, s plugins.Store) {
	d := mustCreate(t, s, plugins.Write{Document: doc("c"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
	now := later()
	l := leaseFor("a", now)
	for name, ctx := range cancelled(t) {
		t.Run(name, func(t *testing.T) {
			next := d
			next.Data = obj("n", "cancelled")
			calls := map[string]func() error{
				"Get": func() error { _, err := s.Get(ctx, kindA, "c"); return err },
				"Create": func() error {
					_, err := s.Create(ctx, plugins.Write{Document: doc("new"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
					return err
				},
				"Update": func() error {
					_, err := s.Update(ctx, plugins.Write{Document: next, Outbox: []plugins.OutboxMessage{msg("messenger")}})
					return err
				},
				"List":             func() error { _, err := s.List(ctx, plugins.Query{Kind: kindA}); return err },
				"Events":           func() error { _, err := s.Events(ctx, kindA, "c", 0, 0); return err },
				"LeaseOutbox":      func() error { _, err := s.LeaseOutbox(ctx, l, now, 10); return err },
				"AckOutbox":        func() error { return s.AckOutbox(ctx, "x", l, now) },
				"NackOutbox":       func() error { return s.NackOutbox(ctx, "x", l, "x", now) },
				"OutboxDepth":      func() error { _, err := s.OutboxDepth(ctx); return err },
				"DeadLetterOutbox": func() error { return s.DeadLetterOutbox(ctx, "x", l, "x", now) },
				"DeadLetters":      func() error { _, err := s.DeadLetters(ctx, plugins.DeadLetterQuery{}); return err },
				"DeadLetterCount":  func() error { _, err := s.DeadLetterCount(ctx); return err },
				"GetOutbox":        func() error { _, err := s.GetOutbox(ctx, "x"); return err },
				"RedriveOutbox":    func() error { _, err := s.RedriveOutbox(ctx, "x", now); return err },
				"PruneOutbox":      func() error { _, err := s.PruneOutbox(ctx, now, now); return err },
				"LeaseDue":         func() error { _, err := s.LeaseDue(ctx, kindA, l, now, 10); return err },
				"Erase":            func() error { return s.Erase(ctx, plugins.Erasure{Kind: kindA, ID: "c"}) },
				"OutboxAbout":      func() error { _, err := s.OutboxAbout(ctx, "c"); return err },
			}
			for call, fn := range calls {
				t.Run(call, func(t *testing.T) {
					var err error
					promptly(t, call, func() { err = fn() })
					assertCode(t, socialrx.CodeUnavailable, err)
				})
			}
		})
	}
	// Nothing of the cancelled calls was applied.
	_, err := s.Get(t.Context(), kindA, "new")
	assertCode(t, socialrx.CodeNotFound, err, "a cancelled create stores nothing")
	assertDoc(t, d, mustGet(t, s, kindA, "c"))
	assert.Equal(t, 1, depth(t, s), "cancelled writes queue nothing")
	assert.Len(t, leaseOutbox(t, s, l, now, 10), 1, "a cancelled lease claims nothing")
}
