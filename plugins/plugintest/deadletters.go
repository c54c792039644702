package plugintest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// ---- dead letters and pruning ------------------------------------------------

func deadCount(t *testing.T, s plugins.Store) int {
	t.Helper()
	n, err := s.DeadLetterCount(t.Context())
	noErr(t, err, "dead letter count")
	return n
}

func getOutbox(t *testing.T, s plugins.Store, id string) plugins.OutboxMessage {
	t.Helper()
	m, err := s.GetOutbox(t.Context(), id)
	noErr(t, err, "get outbox "+id)
	return m
}

// deadLetter queues a message on a new document and dead-letters it at now.
func deadLetter(t *testing.T, s plugins.Store, docID string, now time.Time) plugins.OutboxMessage {
	t.Helper()
	m := msg("messenger")
	mustCreate(t, s, plugins.Write{Document: doc(docID), Outbox: []plugins.OutboxMessage{m}})
	l := leaseFor("dl-"+docID, now)
	got := leaseOutbox(t, s, l, now, 100)
	require.Contains(t, msgIDs(got), m.ID)
	for _, g := range got {
		if g.ID != m.ID {
			noErr(t, s.NackOutbox(t.Context(), g.ID, l, "not this one", now), "release")
		}
	}
	noErr(t, s.DeadLetterOutbox(t.Context(), m.ID, l, "mail server gone", now), "dead-letter")
	return m
}

func storeDeadLetter(t *testing.T, s plugins.Store) {
	m := msg("messenger")
	mustCreate(t, s, plugins.Write{Document: doc("d"), Outbox: []plugins.OutboxMessage{m}})
	now := later()
	l := leaseFor("a", now)
	got := leaseOutbox(t, s, l, now, 1)
	require.Len(t, got, 1)
	noErr(t, s.NackOutbox(t.Context(), m.ID, l, "first failure", now), "nack")
	l = leaseFor("b", now)
	require.Len(t, leaseOutbox(t, s, l, now, 1), 1)
	assert.Equal(t, 0, deadCount(t, s))

	noErr(t, s.DeadLetterOutbox(t.Context(), m.ID, l, "last failure", now), "dead-letter")
	assert.Equal(t, 0, depth(t, s), "a dead letter does not wait to be delivered")
	assert.Equal(t, 1, deadCount(t, s))
	far := now.Add(24 * time.Hour)
	assert.Empty(t, leaseOutbox(t, s, leaseFor("c", far), far, 10), "a dead letter is never leased again")

	dead := getOutbox(t, s, m.ID)
	assert.Equal(t, 2, dead.Attempts, "the last attempt counts")
	assert.Equal(t, "last failure", dead.LastError)
	require.NotNil(t, dead.DeadAt)
	assertTime(t, now, *dead.DeadAt, "dead_at")
	assert.Nil(t, dead.DeliveredAt)
	assertJSON(t, m.Payload, dead.Payload, "payload")

	assertCode(t, socialrx.CodeConflict, s.AckOutbox(t.Context(), m.ID, l, now), "dead-lettering releases the lease: no ack")
	assertCode(t, socialrx.CodeConflict, s.NackOutbox(t.Context(), m.ID, l, "x", now), "nor nack")
	assertCode(t, socialrx.CodeConflict, s.DeadLetterOutbox(t.Context(), m.ID, l, "x", now), "nor dead-letter again")
	assert.Equal(t, 2, getOutbox(t, s, m.ID).Attempts, "the refused calls changed nothing")
}

func storeDeadLetterLease(t *testing.T, s plugins.Store) {
	now := later()
	l := leaseFor("a", now)
	assertCode(t, socialrx.CodeNotFound, s.DeadLetterOutbox(t.Context(), "no-such-message", l, "x", now))

	m := msg("clinical")
	mustCreate(t, s, plugins.Write{Document: doc("dl"), Outbox: []plugins.OutboxMessage{m}})
	assertCode(t, socialrx.CodeConflict, s.DeadLetterOutbox(t.Context(), m.ID, l, "x", now), "without a lease")
	require.Len(t, leaseOutbox(t, s, l, now, 1), 1)
	assertCode(t, socialrx.CodeConflict, s.DeadLetterOutbox(t.Context(), m.ID, leaseFor("b", now), "x", now), "with another's lease")
	noErr(t, s.AckOutbox(t.Context(), m.ID, l, now), "ack")
	assertCode(t, socialrx.CodeConflict, s.DeadLetterOutbox(t.Context(), m.ID, l, "x", now), "once delivered")
	assert.Equal(t, 0, deadCount(t, s))
	assert.Nil(t, getOutbox(t, s, m.ID).DeadAt)
}

func storeDeadLetterPaging(t *testing.T, s plugins.Store) {
	now := later()
	var want []string
	for i := range 5 {
		want = append(want, deadLetter(t, s, fmt.Sprint("p", i), now).ID)
	}
	mustCreate(t, s, plugins.Write{Document: doc("alive"), Outbox: []plugins.OutboxMessage{msg("messenger")}})
	slices.Sort(want)

	var got []string
	cursor := ""
	for range 4 {
		pg, err := s.DeadLetters(t.Context(), plugins.DeadLetterQuery{Cursor: cursor, Limit: 2})
		noErr(t, err, "dead letters")
		assert.LessOrEqual(t, len(pg.Messages), 2)
		for _, m := range pg.Messages {
			assert.NotNil(t, m.DeadAt, "only dead letters are listed")
			assert.Equal(t, "mail server gone", m.LastError)
		}
		got = append(got, msgIDs(pg.Messages)...)
		if cursor = pg.Next; cursor == "" {
			break
		}
	}
	assert.Equal(t, want, got, "every dead letter once, by id")

	all, err := s.DeadLetters(t.Context(), plugins.DeadLetterQuery{})
	noErr(t, err, "dead letters, default limit")
	assert.Equal(t, want, msgIDs(all.Messages))
	assert.Empty(t, all.Next)

	for name, q := range map[string]plugins.DeadLetterQuery{
		"limit too large": {Limit: plugins.MaxDeadLetterPage + 1},
		"limit negative":  {Limit: -1},
		"foreign cursor":  {Cursor: "not-a-cursor"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.DeadLetters(t.Context(), q)
			assertCode(t, socialrx.CodeInvalid, err)
		})
	}
}

func storeRedrive(t *testing.T, s plugins.Store) {
	now := later()
	m := deadLetter(t, s, "r", now)
	at := now.Add(time.Hour)
	back, err := s.RedriveOutbox(t.Context(), m.ID, at)
	noErr(t, err, "redrive")
	assert.Equal(t, m.ID, back.ID)
	assert.Nil(t, back.DeadAt, "no longer dead")
	assert.Equal(t, 0, back.Attempts, "attempts start again")
	assert.Equal(t, "mail server gone", back.LastError, "the last error is kept for the record")
	assertTime(t, at, back.NextAttemptAt, "next_attempt_at")
	assert.Equal(t, 0, deadCount(t, s))
	assert.Equal(t, 1, depth(t, s))

	assert.Empty(t, leaseOutbox(t, s, leaseFor("w", now), now, 10), "not before the time it was re-driven to")
	l := leaseFor("w", at)
	got := leaseOutbox(t, s, l, at, 10)
	require.Len(t, got, 1, "a re-driven message is leased again")
	assert.Equal(t, m.ID, got[0].ID)
	noErr(t, s.AckOutbox(t.Context(), m.ID, l, at), "ack")
	assert.Equal(t, 0, depth(t, s))
	assertCode(t, socialrx.CodeConflict, func() error { _, err := s.RedriveOutbox(t.Context(), m.ID, at); return err }(), "a delivered message is not re-driven")
}

func storeRedriveNotDead(t *testing.T, s plugins.Store) {
	now := later()
	_, err := s.RedriveOutbox(t.Context(), "no-such-message", now)
	assertCode(t, socialrx.CodeNotFound, err)
	m := msg("messenger")
	mustCreate(t, s, plugins.Write{Document: doc("rn"), Outbox: []plugins.OutboxMessage{m}})
	_, err = s.RedriveOutbox(t.Context(), m.ID, now)
	assertCode(t, socialrx.CodeConflict, err, "a waiting message is not re-driven")
	l := leaseFor("a", now)
	require.Len(t, leaseOutbox(t, s, l, now, 1), 1)
	_, err = s.RedriveOutbox(t.Context(), m.ID, now)
	assertCode(t, socialrx.CodeConflict, err, "nor a leased one")
	noErr(t, s.AckOutbox(t.Context(), m.ID, l, now), "the lease still holds")
}

func storeGetOutbox(t *testing.T, s plugins.Store) {
	_, err := s.GetOutbox(t.Context(), "no-such-message")
	assertCode(t, socialrx.CodeNotFound, err)
	m := msg("clinical")
	mustCreate(t, s, plugins.Write{Document: doc("g"), Outbox: []plugins.OutboxMessage{m}})
	got := getOutbox(t, s, m.ID)
	assert.Equal(t, m.ID, got.ID)
	assert.Equal(t, m.IdempotencyKey, got.IdempotencyKey)
	assert.Equal(t, m.Target, got.Target)
	assertJSON(t, m.Payload, got.Payload, "payload")
	assert.Zero(t, got.Attempts)
	assert.Nil(t, got.DeliveredAt)
	assert.Nil(t, got.DeadAt)
	assert.False(t, got.CreatedAt.IsZero(), "created_at is set")

	now := later()
	l := leaseFor("a", now)
	require.Len(t, leaseOutbox(t, s, l, now, 1), 1)
	noErr(t, s.AckOutbox(t.Context(), m.ID, l, now), "ack")
	got = getOutbox(t, s, m.ID)
	require.NotNil(t, got.DeliveredAt, "a delivered message can still be inspected")
	assertTime(t, now, *got.DeliveredAt, "delivered_at")
}

func storePruneDelivered(t *testing.T, s plugins.Store) {
	early, late, waiting := msg("messenger"), msg("messenger"), msg("messenger")
	mustCreate(t, s, plugins.Write{Document: doc("pe"), Outbox: []plugins.OutboxMessage{early, late}})
	now := later()
	l := leaseFor("a", now)
	require.Len(t, leaseOutbox(t, s, l, now, 2), 2)
	noErr(t, s.AckOutbox(t.Context(), early.ID, l, now), "ack early")
	noErr(t, s.AckOutbox(t.Context(), late.ID, l, now.Add(2*time.Hour)), "ack late")
	mustCreate(t, s, plugins.Write{Document: doc("pw"), Outbox: []plugins.OutboxMessage{waiting}})
	dead := deadLetter(t, s, "pd", now)

	p, err := s.PruneOutbox(t.Context(), time.Time{}, time.Time{})
	noErr(t, err, "prune nothing")
	assert.Equal(t, plugins.Pruned{}, p, "zero times prune nothing")

	p, err = s.PruneOutbox(t.Context(), now.Add(time.Hour), time.Time{})
	noErr(t, err, "prune")
	assert.Equal(t, plugins.Pruned{Delivered: 1}, p, "only the message delivered before the bound")
	_, err = s.GetOutbox(t.Context(), early.ID)
	assertCode(t, socialrx.CodeNotFound, err, "the pruned message is gone")
	assert.NotNil(t, getOutbox(t, s, late.ID).DeliveredAt, "one delivered after the bound stays")
	assert.Nil(t, getOutbox(t, s, waiting.ID).DeliveredAt, "a waiting message stays")
	assert.NotNil(t, getOutbox(t, s, dead.ID).DeadAt, "a dead letter stays")
	assert.Equal(t, 1, depth(t, s))
	assert.Equal(t, 1, deadCount(t, s))

	p, err = s.PruneOutbox(t.Context(), now.Add(time.Hour), time.Time{})
	noErr(t, err, "prune again")
	assert.Equal(t, plugins.Pruned{}, p, "pruning twice deletes nothing more")

	// The pruned message's key may be used again.
	reuse := msg("messenger")
	reuse.IdempotencyKey = early.IdempotencyKey
	mustCreate(t, s, plugins.Write{Document: doc("pr"), Outbox: []plugins.OutboxMessage{reuse}})
}

func storePruneKeys(t *testing.T, s plugins.Store) {
	w := plugins.Write{Document: doc("pk"), IdempotencyKey: "create-pk"}
	first := mustCreate(t, s, w)
	mustCreate(t, s, plugins.Write{Document: doc("pk2")})

	p, err := s.PruneOutbox(t.Context(), time.Time{}, ms(time.Now().Add(-clockSkew)))
	noErr(t, err, "prune none yet")
	assert.Equal(t, 0, p.IdempotencyKeys, "a key stored after the bound stays")
	again, err := s.Create(t.Context(), w)
	noErr(t, err, "a repeated create")
	assert.Equal(t, first.Version, again.Version, "still returns the first result")

	p, err = s.PruneOutbox(t.Context(), time.Time{}, later())
	noErr(t, err, "prune keys")
	assert.Equal(t, plugins.Pruned{IdempotencyKeys: 1}, p)
	_, err = s.Create(t.Context(), w)
	assertCode(t, socialrx.CodeConflict, err, "once its key is pruned, a repeated create is an existing id")
	assertDoc(t, first, mustGet(t, s, kindA, "pk"))
}
