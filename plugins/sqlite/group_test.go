package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// groupWrite is a create of document id with one event and one outbox
// message, as the host writes a referral.
func groupWrite(id, key string) plugins.Write {
	return plugins.Write{
		Document: plugins.Document{Kind: "referral", ID: id, Person: "p-" + id, Data: json.RawMessage(`{"n":1}`)},
		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp", Data: json.RawMessage(`{}`)}},
		Outbox:   []plugins.OutboxMessage{{ID: "m-" + key, IdempotencyKey: key, Target: "messenger", Payload: json.RawMessage(`{}`)}},
	}
}

// Concurrent writes are committed together, and one that fails in a batch
// fails alone: 200 writers at once, of which every fifth reuses an id and
// every seventh an outbox key already taken. Each refused write leaves
// nothing (no document, event or message); every other write is whole.
func TestGroupCommitFailsAWriteAlone(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	_, err := s.Create(ctx, groupWrite("taken", "taken-key"))
	require.NoError(t, err)

	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id, key := fmt.Sprintf("r-%03d", i), fmt.Sprintf("k-%03d", i)
			switch {
			case i%5 == 0:
				id = "taken"
			case i%7 == 0:
				key = "taken-key"
			}
			_, errs[i] = s.Create(ctx, groupWrite(id, key))
		})
	}
	wg.Wait()

	ok := 1 // the first write
	for i, err := range errs {
		id := fmt.Sprintf("r-%03d", i)
		if i%5 == 0 || i%7 == 0 {
			assert.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err), "write %d: %v", i, err)
			if i%5 != 0 {
				_, err := s.Get(ctx, "referral", id)
				assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "refused write %d left its document", i)
			}
			continue
		}
		require.NoError(t, err, "write %d", i)
		ok++
		d, err := s.Get(ctx, "referral", id)
		require.NoError(t, err)
		assert.Equal(t, int64(1), d.Version)
		evs, err := s.Events(ctx, "referral", id, 0, 0)
		require.NoError(t, err)
		assert.Len(t, evs, 1, "write %d has its event", i)
	}
	depth, err := s.OutboxDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, ok, depth, "one message per write kept, none of a refused one")
	pg, err := s.List(ctx, plugins.Query{Kind: "referral", Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, pg.Documents, ok)
}

// A write whose context has ended before it began is refused and leaves
// nothing; the others in its batch commit.
func TestGroupCommitSkipsACancelledWrite(t *testing.T) {
	s := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Create(ctx, groupWrite("gone", "gone-key"))
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
	_, err = s.Get(context.Background(), "referral", "gone")
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
	_, err = s.Create(context.Background(), groupWrite("kept", "kept-key"))
	require.NoError(t, err)
}

// BenchmarkConcurrentCreates creates referral-shaped documents from 32
// goroutines at once: with group commit the writes waiting together share
// one transaction and one fsync.
func BenchmarkConcurrentCreates(b *testing.B) {
	s := mustOpen(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(16) // × GOMAXPROCS goroutines
	var next sync.Mutex
	i := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			next.Lock()
			i++
			id := fmt.Sprintf("r-%09d", i)
			next.Unlock()
			if _, err := s.Create(ctx, groupWrite(id, "k"+id)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
