package host_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// The services of hosttest's directory.json: two good ones and a bad one.
const (
	gardenID = "5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60"
	choirID  = "c18f7385-9c86-41ce-8e45-8eac9d1f2a07"
)

// The directory works on every store: import, search, match, and the
// public ORUK list and single service.
func TestDirectoryOnEveryStore(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx, lw := t.Context(), as(referral.RoleLinkWorker)
		rep, err := e.Svc.ImportORUK(ctx, as(referral.RoleAdmin), hosttest.Doc("directory.json"), nil)
		require.NoError(t, err)
		assert.Equal(t, 2, rep.Imported)
		assert.Equal(t, 1, rep.Organizations)
		assert.Len(t, rep.Skipped, 1)

		searches := []struct {
			name string
			q    directory.Query
			want []string
		}{
			{"text", directory.Query{Text: "garden"}, []string{gardenID}},
			{"all", directory.Query{}, []string{gardenID, choirID}},
			{"nothing", directory.Query{Text: "bowls"}, nil},
		}
		for _, tt := range searches {
			t.Run("search "+tt.name, func(t *testing.T) {
				res, err := e.Svc.SearchServices(ctx, lw, tt.q)
				require.NoError(t, err, "code %q", socialrx.ErrorCode(err))
				assert.ElementsMatch(t, tt.want, hitIDs(res.Hits))
				assert.Equal(t, len(tt.want), res.TotalItems)
			})
		}

		m, err := e.Svc.Match(ctx, lw, matchGardening())
		require.NoError(t, err, "code %q", socialrx.ErrorCode(err))
		require.NotEmpty(t, m.Suggestions)
		assert.Equal(t, gardenID, m.Suggestions[0].ID)

		pg, err := e.Svc.ORUKServices(ctx, host.ORUKQuery{Page: 1, PerPage: 1})
		require.NoError(t, err, "code %q", socialrx.ErrorCode(err))
		assert.Equal(t, 2, pg.TotalItems)
		assert.Equal(t, 2, pg.TotalPages)
		assert.Len(t, pg.Contents, 1)

		svc, err := e.Svc.ORUKService(ctx, gardenID)
		require.NoError(t, err, "code %q", socialrx.ErrorCode(err))
		assert.Equal(t, "Tuesday Gardening Club", svc.Name)
		require.NotNil(t, svc.Organization)
		assert.Equal(t, "Kennington Community Gardens", svc.Organization.Name)
		_, err = e.Svc.ORUKService(ctx, "c0000000-0000-4000-8000-000000000000")
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "%v", err)

		// A second host on the same database has loaded the directory; a
		// service the first imports shows on the first at once, and on the
		// second once its refresh interval has passed.
		peer := e.Peer(t)
		assert.Equal(t, 2, searchCount(t, peer, directory.Query{}))
		walks := walkID(1)
		_, err = e.Svc.ImportORUK(ctx, as(referral.RoleAdmin), walkDoc(1, 0), nil)
		require.NoError(t, err)
		assert.Equal(t, 3, searchCount(t, e, directory.Query{}), "the importing host sees its import at once")
		assert.Equal(t, 2, searchCount(t, peer, directory.Query{}), "the other host searches its copy until the interval passes")
		e.Clock.Add(host.DefaultDirectoryRefresh)
		assert.Equal(t, 3, searchCount(t, peer, directory.Query{}), "and then sees the import")
		got, err := peer.Svc.ORUKService(ctx, walks)
		require.NoError(t, err)
		assert.Equal(t, "Walk 001 gen 0", got.Name)

		// An update of one service replaces it, on both hosts.
		_, err = peer.Svc.ImportORUK(ctx, as(referral.RoleAdmin), walkDoc(1, 1), nil)
		require.NoError(t, err)
		e.Clock.Add(host.DefaultDirectoryRefresh)
		for _, h := range []*hosttest.Env{e, peer} {
			got, err := h.Svc.ORUKService(ctx, walks)
			require.NoError(t, err)
			assert.Equal(t, "Walk 001 gen 1", got.Name)
			assert.Equal(t, 3, searchCount(t, h, directory.Query{}))
		}
	})
}

// One bad stored service, or a store that stops answering, does not take
// the directory down: the bad service is left out, and searches use the
// directory as last loaded until the store answers again.
func TestDirectorySurvivesBadDataAndAStoreDown(t *testing.T) {
	e := hosttest.Open(t, hosttest.SQLite)
	ctx := t.Context()
	for _, data := range []string{`{"id":"bad","name":""}`, `{"name":5}`} {
		_, err := e.Store.Create(ctx, plugins.Write{Document: plugins.Document{Kind: plugins.KindService, ID: "bad" + fmt.Sprint(len(data)), Data: json.RawMessage(data)}})
		require.NoError(t, err)
	}
	_, err := e.Svc.ImportORUK(ctx, as(referral.RoleAdmin), hosttest.Doc("directory.json"), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, searchCount(t, e, directory.Query{}), "the bad services are left out")

	require.NoError(t, e.Store.Close())
	e.Clock.Add(host.DefaultDirectoryRefresh)
	assert.Equal(t, 2, searchCount(t, e, directory.Query{}), "the directory as last loaded")
	_, err = e.Svc.ORUKService(ctx, gardenID)
	assert.NoError(t, err)

	// A host that never loaded the directory says the store is unavailable.
	down := hosttest.Open(t, hosttest.SQLite)
	require.NoError(t, down.Store.Close())
	_, err = down.Svc.SearchServices(ctx, as(referral.RoleLinkWorker), directory.Query{})
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

// searchCount returns how many services a search as a link worker finds.
func searchCount(t *testing.T, e *hosttest.Env, q directory.Query) int {
	t.Helper()
	res, err := e.Svc.SearchServices(t.Context(), as(referral.RoleLinkWorker), q)
	require.NoError(t, err, "code %q", socialrx.ErrorCode(err))
	return res.TotalItems
}

// walkID is the id of generated walk service i.
func walkID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// walk returns generated service i at generation gen, as a JSON object: the
// garden service of directory.json with another id, with gen in both its
// name and its description, so that a reader can tell a whole service from
// a half-updated one.
func walk(i, gen int) map[string]any {
	svc := hosttest.Map("directory.json")["contents"].([]any)[0].(map[string]any)
	svc["id"] = walkID(i)
	svc["name"] = fmt.Sprintf("Walk %03d gen %d", i, gen)
	svc["description"] = fmt.Sprintf("A gardening walk, generation %d.", gen)
	return svc
}

// walkDoc is walk as an ORUK service_full document.
func walkDoc(i, gen int) []byte { return mustJSON(walk(i, gen)) }

// walkList is walks from to to-1 as an ORUK service_list page.
func walkList(from, to int) []byte {
	var contents []any
	for i := from; i < to; i++ {
		contents = append(contents, walk(i, 0))
	}
	return mustJSON(map[string]any{"total_items": len(contents), "total_pages": 1, "page_number": 1, "size": len(contents),
		"first_page": true, "last_page": true, "empty": len(contents) == 0, "contents": contents})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// wholeWalk reports whether a walk's name and description are of the same
// generation.
func wholeWalk(svc directory.Service) bool {
	var i, gen, gen2 int
	if _, err := fmt.Sscanf(svc.Name, "Walk %d gen %d", &i, &gen); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(svc.Description, "A gardening walk, generation %d.", &gen2); err != nil {
		return false
	}
	return gen == gen2
}

// Searches, matches and the ORUK list and service run on two hosts while
// one imports lists of services and updates single services and the clock
// moves on, so that both hosts refresh their directories all the while.
// Every read sees whole services; on each reader, counts never go back; on
// the importing host, a read never misses an import that completed before
// it began. Run with -race.
func TestDirectoryReadsDuringImports(t *testing.T) {
	e := hosttest.New(t)
	peer := e.Peer(t)
	const lists, perList, updates = 8, 10, 40
	var (
		imported atomic.Int64 // services whose import completed
		writing  sync.WaitGroup
		stop     atomic.Bool
	)
	ctx, admin := t.Context(), as(referral.RoleAdmin)
	writing.Go(func() {
		for l := range lists {
			_, err := e.Svc.ImportORUK(ctx, admin, walkList(l*perList, (l+1)*perList), nil)
			if !assert.NoError(t, err) {
				return
			}
			imported.Store(int64((l + 1) * perList))
		}
	})
	writing.Go(func() {
		for u := range updates {
			n := int(imported.Load())
			if n == 0 {
				time.Sleep(time.Millisecond)
				continue
			}
			_, err := e.Svc.ImportORUK(ctx, admin, walkDoc(u%n, u), nil)
			if !assert.NoError(t, err) {
				return
			}
		}
	})
	writing.Go(func() {
		for range 20 {
			e.Clock.Add(host.DefaultDirectoryRefresh)
			time.Sleep(2 * time.Millisecond)
		}
	})

	var reading sync.WaitGroup
	reader := func(h *hosttest.Env, own bool) {
		lw := as(referral.RoleLinkWorker)
		var searched, matched, listed int
		for !stop.Load() {
			before := 0
			if own {
				before = int(imported.Load())
			}
			res, err := h.Svc.SearchServices(ctx, lw, directory.Query{Text: "walk", PerPage: 100})
			if !assert.NoError(t, err) {
				return
			}
			assert.GreaterOrEqual(t, res.TotalItems, max(before, searched), "search")
			searched = res.TotalItems

			m, err := h.Svc.Match(ctx, lw, matchGardening())
			if !assert.NoError(t, err) {
				return
			}
			assert.GreaterOrEqual(t, m.Considered, max(before, matched), "match")
			matched = m.Considered

			pg, err := h.Svc.ORUKServices(ctx, host.ORUKQuery{Search: "walk", Page: 1, PerPage: 100})
			if !assert.NoError(t, err) {
				return
			}
			assert.GreaterOrEqual(t, pg.TotalItems, max(before, listed), "ORUK list")
			listed = pg.TotalItems
			for _, svc := range pg.Contents {
				assert.True(t, wholeWalk(svc), "a whole service: %q, %q", svc.Name, svc.Description)
			}
			if before > 0 {
				svc, err := h.Svc.ORUKService(ctx, walkID(before-1))
				if assert.NoError(t, err, "an imported service") {
					assert.True(t, wholeWalk(svc), "a whole service: %q, %q", svc.Name, svc.Description)
				}
			}
		}
	}
	for i := range 6 {
		h, own := e, true
		if i%3 == 2 {
			h, own = peer, false
		}
		reading.Go(func() { reader(h, own) })
	}
	writing.Wait()
	stop.Store(true)
	reading.Wait()

	e.Clock.Add(host.DefaultDirectoryRefresh)
	for _, h := range []*hosttest.Env{e, peer} {
		assert.Equal(t, lists*perList, searchCount(t, h, directory.Query{Text: "walk"}))
	}
}

func hitIDs(hs []directory.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func matchGardening() host.MatchRequest {
	lat, lon := 51.4880, -0.1100
	return host.MatchRequest{Person: directory.Person{Needs: []socialrx.Need{socialrx.NeedNatureGardening},
		Location: &directory.Point{Latitude: lat, Longitude: lon}}}
}

// With DirectoryInBackground, searches never read the store once the
// directory is loaded: another host's import shows only after
// SyncDirectory, however much time passes, and the first load is what
// DirectoryLoaded reports.
func TestDirectoryInBackground(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := t.Context()
		_, err := e.Svc.ImportORUK(ctx, as(referral.RoleAdmin), hosttest.Doc("directory.json"), nil)
		require.NoError(t, err)

		bg := e.Peer(t, func(o *host.Options) { o.DirectoryInBackground = true })
		assert.False(t, bg.Svc.DirectoryLoaded(), "nothing loaded before the first sync")
		require.NoError(t, bg.Svc.SyncDirectory(ctx))
		assert.True(t, bg.Svc.DirectoryLoaded())
		assert.Equal(t, 2, searchCount(t, bg, directory.Query{}))

		_, err = e.Svc.ImportORUK(ctx, as(referral.RoleAdmin), walkDoc(1, 0), nil)
		require.NoError(t, err)
		e.Clock.Add(10 * host.DefaultDirectoryRefresh)
		assert.Equal(t, 2, searchCount(t, bg, directory.Query{}), "a search does not refresh")
		require.NoError(t, bg.Svc.SyncDirectory(ctx))
		assert.Equal(t, 3, searchCount(t, bg, directory.Query{}), "the sync brings the other host's import")

		// Its own import shows at once, as without the option.
		_, err = bg.Svc.ImportORUK(ctx, as(referral.RoleAdmin), walkDoc(2, 0), nil)
		require.NoError(t, err)
		assert.Equal(t, 4, searchCount(t, bg, directory.Query{}))
	})
}
