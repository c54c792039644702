package plugintest

import (
	"context"
	"slices"
	"testing"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// FuzzList fuzzes a store's List with cursors, limits and filters as they
// arrive from outside (the host takes them from HTTP query strings): List
// must refuse bad ones as invalid, and otherwise return a page in id order
// within the limit, matching the filter, whose Next continues after it.
// newStore returns an empty store; the fuzz target fills it once.
//
//	func FuzzList(f *testing.F) { plugintest.FuzzList(f, func(f *testing.F) plugins.Store { … }) }
func FuzzList(f *testing.F, newStore func(f *testing.F) plugins.Store) {
	ctx := context.Background()
	s := newStore(f)
	for i, id := range []string{"a", "b", "c", "é", "z\x00", "~"} {
		status := []string{"active", "closed"}[i%2]
		_, err := s.Create(ctx, plugins.Write{Document: plugins.Document{Kind: kindA, ID: id, Status: status, Data: obj("i", i)}})
		if err != nil {
			f.Fatal(err)
		}
	}
	first, err := s.List(ctx, plugins.Query{Kind: kindA, Limit: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(first.Next, 2, "")
	f.Add("", 0, "active")
	f.Add("not a cursor", 5, "")
	f.Add("aWQ6", 1, "closed")
	f.Add(first.Next+"=", 1001, "")
	f.Add(first.Next[:len(first.Next)-1], -1, "")
	f.Fuzz(func(t *testing.T, cursor string, limit int, status string) {
		q := plugins.Query{Kind: kindA, Cursor: cursor, Limit: limit, Status: status}
		p, err := s.List(ctx, q)
		if err != nil {
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("List(%+v): want nil or invalid, got %v", q, err)
			}
			return
		}
		pageMax := limit
		if pageMax == 0 {
			pageMax = 100
		}
		got := ids(p.Documents)
		if len(got) > pageMax || !slices.IsSorted(got) || len(dups(got)) > 0 {
			t.Fatalf("List(%+v) = %q: want at most %d ids, ascending, once each", q, got, pageMax)
		}
		for _, d := range p.Documents {
			if d.Kind != kindA || (status != "" && d.Status != status) {
				t.Fatalf("List(%+v) returned %s %s with status %q", q, d.Kind, d.ID, d.Status)
			}
		}
		if p.Next == "" {
			return
		}
		if len(got) != pageMax {
			t.Fatalf("List(%+v): a page with a next cursor is full: %d of %d", q, len(got), pageMax)
		}
		q.Cursor = p.Next
		next, err := s.List(ctx, q)
		if err != nil {
			t.Fatalf("List with the returned Next: %v", err)
		}
		if len(next.Documents) > 0 && next.Documents[0].ID <= got[len(got)-1] {
			t.Fatalf("the next page starts at %q, not after %q", next.Documents[0].ID, got[len(got)-1])
		}
	})
}
