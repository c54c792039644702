package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
)

// BenchmarkListByPerson measures the host's duplicate check (List of a
// kind by person) on stores of 1,000 and 100,000 documents, in one run: with
// the query reading the person index its cost does not grow with the store.
// The files are filled without ANALYZE, as a host's file is between its
// hourly PRAGMA optimize runs.
func BenchmarkListByPerson(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "bench.db"))
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			fill(b, s, n)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				// Each person has two documents of every kind, so each
				// list finds two referrals among the other kinds', at
				// either size.
				pg, err := s.List(ctx, plugins.Query{Kind: plugins.KindReferral, Person: fmt.Sprintf("person-%d", i%(n/10)), Limit: 100})
				if err != nil || len(pg.Documents) != 2 {
					b.Fatalf("list: %v, %d documents", err, len(pg.Documents))
				}
				i++
			}
		})
	}
}
