package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHarness runs the harness at a small size on every store of the
// deployment matrix (postgres-plugin and the raw pgx baseline only when
// SOCIALRX_POSTGRES_URL is set), so that it cannot rot: every cell made
// progress without an error and the table has a row for each. It asserts
// no timings.
func TestHarness(t *testing.T) {
	o := Options{Stores: Stores, N: 60, M: 100, Clients: []int{1, 8}, Duration: 250 * time.Millisecond,
		Dir: t.TempDir(), PostgresURL: os.Getenv(PostgresURLEnv), Log: t.Logf}
	if o.PostgresURL == "" {
		t.Logf("%s is not set: postgres-plugin and the raw pgx baseline are left out", PostgresURLEnv)
		o.Stores = Stores[:2]
	}
	res, err := Run(context.Background(), o)
	require.NoError(t, err)
	t.Log("\n" + res.Table())

	want := []string{BaseBare, BaseSQLite1, BaseSQLite64, BaseIndex}
	if o.PostgresURL != "" {
		want = append(want, BasePgx)
	}
	ops := map[string][]string{baselineStore: want}
	for _, s := range o.Stores {
		ops[s] = Ops
	}
	got := map[string]map[string][]int{}
	for _, c := range res.Cells {
		assert.Positive(t, c.Ops, "%s %s at %d clients made no progress", c.Store, c.Op, c.Clients)
		assert.Zero(t, c.Errors, "%s %s at %d clients: %s", c.Store, c.Op, c.Clients, c.FirstError)
		assert.GreaterOrEqual(t, c.P99, c.P50, "%s %s", c.Store, c.Op)
		if got[c.Store] == nil {
			got[c.Store] = map[string][]int{}
		}
		got[c.Store][c.Op] = append(got[c.Store][c.Op], c.Clients)
	}
	for store, names := range ops {
		assert.Len(t, got[store], len(names), store)
		for _, op := range names {
			assert.Equal(t, o.Clients, got[store][op], "%s %s", store, op)
		}
	}

	lines := strings.Split(strings.TrimSpace(res.Table()), "\n")
	require.Len(t, lines, 4+len(res.Cells), "a title, a blank line, the header, the rule and a row per cell")
	for _, l := range lines[2:] {
		assert.Equal(t, 9, strings.Count(l, "|"), "eight columns: %s", l)
	}
	for _, l := range lines[4:] {
		if !strings.HasPrefix(l, "| "+baselineStore+" ") {
			assert.Contains(t, l, "% of ", "a host row is compared with a baseline: %s", l)
		}
	}
}

// TestNHSNumbersDistinct checks that the people the harness makes are
// distinct and valid, so that no create is a duplicate of another.
func TestNHSNumbersDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 20000 {
		n := nhsNumber(i)
		require.Len(t, n, 10)
		prev, dup := seen[n]
		require.False(t, dup, "person %d has the NHS number of person %d", i, prev)
		seen[n] = i
	}
}

// TestRunRefusesTooFewReferrals: each status-changing client needs an
// active referral of its own.
func TestRunRefusesTooFewReferrals(t *testing.T) {
	_, err := Run(context.Background(), Options{Stores: []string{"sqlite"}, N: 10, M: 10, Clients: []int{8}, Duration: time.Second})
	require.ErrorContains(t, err, "fewer than the 8 clients")
}
