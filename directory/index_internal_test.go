package directory

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCursorAndPostings checks the postings list and its galloping cursor
// against a plain set, over random inserts, removals and seeks.
func TestCursorAndPostings(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 50; round++ {
		var p postings
		set := map[int32]uint32{}
		for i := 0; i < 300; i++ {
			slot := int32(r.IntN(500))
			if r.IntN(4) == 0 {
				p.remove(slot)
				delete(set, slot)
				continue
			}
			f := uint32(1 + r.IntN(7))
			isNew := p.add(slot, f)
			_, had := set[slot]
			assert.Equal(t, !had, isNew)
			set[slot] |= f
		}
		require.True(t, slices.IsSortedFunc(p.ids, func(a, b uint32) int { return int(a>>fieldBits) - int(b>>fieldBits) }))
		require.Len(t, p.ids, len(set))
		c := cursor{ids: p.ids}
		for slot := int32(0); slot < 520; slot += int32(1 + r.IntN(9)) {
			f, ok := c.seek(slot)
			want, has := set[slot]
			assert.Equal(t, has, ok, "slot %d", slot)
			assert.Equal(t, want, f)
			assert.Equal(t, want, p.fields(slot))
		}
	}
}

// TestBestKeepsTheTopInOrder checks the streaming top-k against a sort.
func TestBestKeepsTheTopInOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	docs := make([]*doc, 200)
	for i := range docs {
		docs[i] = &doc{nameKey: string(rune('a' + r.IntN(5))), svc: Service{ID: idFor(i)}}
	}
	for _, k := range []int{1, 5, 20, 200, 500} {
		var all []hit
		top := best{k: k}
		for _, d := range docs {
			h := hit{d: d, score: float64(r.IntN(4)), hav: float64(r.IntN(3)) - 1}
			all = append(all, h)
			top.push(h)
		}
		slices.SortFunc(all, compareHits)
		assert.Equal(t, all[:min(k, len(all))], top.sorted(), "k=%d", k)
	}
}

func idFor(i int) string { return string(rune('A'+i/26)) + string(rune('a'+i%26)) }
