package host

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
)

// DefaultDirectoryRefresh is how long a Service searches its copy of the
// directory before it reads what changed in the store since: how long an
// import through another host sharing the store may take to show.
const DefaultDirectoryRefresh = 5 * time.Second

// dirLookBack is how far before the newest update it has seen a refresh
// reads again: a write may commit after a later one, and hosts sharing a
// store may stamp updates by clocks that differ (as much as the store
// contract allows a store's clock to differ from the host's).
const dirLookBack = time.Minute

// dirApplyBatch is how many services a refresh puts into the index per
// hold of the write lock, so that searches are not held up for long.
const dirApplyBatch = 100

// dirCache is the Service's in-memory copy of the stored directory.
//
// Searches read the index under mu's read lock, for the in-memory work
// only. A refresh reads what changed in the store since the last one
// without holding mu, then puts the changed services into the index under
// mu's write lock, each service whole, so that no reader sees a service
// half-updated and the store is never asked while a search waits.
//
// Refreshes are lazy: a request that finds the last refresh older than
// Options.DirectoryRefresh (by the Service's clock) refreshes, one at a time;
// others keep searching the index as it is meanwhile. Only the first load
// makes requests wait. An import through this Service refreshes before it
// returns, so its own import shows in its next search at once.
type dirCache struct {
	mu sync.RWMutex
	ix *directory.Index

	// last is when the last refresh began by the Service's clock; nil
	// until the first load.
	last atomic.Pointer[time.Time]
	// loaded is set once the first load has succeeded.
	loaded atomic.Bool

	// refresh is held by the one goroutine refreshing, which alone uses
	// the fields below.
	refresh sync.Mutex
	// newest is the latest UpdatedAt of a service read, by the store's
	// clock; zero while none has been.
	newest time.Time
	// versions are the versions of the stored services read, so that a
	// refresh that reads one again leaves the index alone.
	versions map[string]int64
}

// withIndex calls read with the directory index, refreshed if it is due.
// read must not keep the index or anything it returns that the index
// holds (Search, Match, Get and Page return copies).
func (s *Service) withIndex(ctx context.Context, read func(ix *directory.Index) error) error {
	if err := s.syncDirectory(ctx, false); err != nil {
		return err
	}
	c := &s.dir
	c.mu.RLock()
	defer c.mu.RUnlock()
	return read(c.ix)
}

// syncDirectory refreshes the directory when it is due or forced. A due
// refresh that finds another under way leaves it to that one; a forced one
// waits for it and refreshes after. It returns an error only when the
// directory was never loaded: afterwards, a failed refresh is logged and
// searches use what was loaded last.
func (s *Service) syncDirectory(ctx context.Context, force bool) error {
	c := &s.dir
	due := func() bool {
		last := c.last.Load()
		now := s.now()
		return last == nil || now.Before(*last) || now.Sub(*last) >= s.o.DirectoryRefresh
	}
	switch {
	case force:
		c.refresh.Lock()
	case s.o.DirectoryInBackground && c.loaded.Load():
		return nil // the embedder refreshes it
	case !due():
		return nil
	case c.last.Load() == nil:
		c.refresh.Lock() // the first load: wait for it
	case !c.refresh.TryLock():
		return nil // another request is refreshing; search what is loaded
	}
	defer c.refresh.Unlock()
	if !force && !due() {
		return nil // refreshed while this one waited
	}
	began := s.now()
	err := s.refreshDirectory(ctx)
	switch {
	case err == nil:
		c.last.Store(&began)
		c.loaded.Store(true)
		return nil
	case c.last.Load() == nil:
		return err
	case force:
		// The next request tries again.
		c.last.Store(&time.Time{})
	default:
		// Try again after the interval, rather than on every request
		// while the store is down.
		c.last.Store(&began)
	}
	s.o.Logger.Warn("directory refresh failed; searching the directory as last loaded", "err", err)
	return nil
}

// SyncDirectory reads what changed in the stored directory since the last
// refresh into the Service's in-memory copy, waiting for a refresh under
// way; with Options.DirectoryInBackground the embedder calls it every
// DirectoryRefresh. A failed refresh after the first load is logged and
// the copy kept. Codes: unavailable (the directory was never loaded).
func (s *Service) SyncDirectory(ctx context.Context) error {
	return s.syncDirectory(ctx, true)
}

// DirectoryLoaded reports whether the directory has been loaded into
// memory, so that searches answer without waiting on the store.
func (s *Service) DirectoryLoaded() bool { return s.dir.loaded.Load() }

// refreshDirectory reads the services changed since the last refresh and
// puts them into the index. The caller holds s.dir.refresh. A stored
// service that does not decode or check is logged and left out, so that
// one bad document cannot stop the whole directory.
func (s *Service) refreshDirectory(ctx context.Context) error {
	c := &s.dir
	var since time.Time // zero: all
	if !c.newest.IsZero() {
		since = c.newest.Add(-dirLookBack)
	}
	newest := c.newest
	read := map[string]int64{}
	var changed []directory.Service
	cursor := ""
	for {
		pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindService, UpdatedSince: since, Cursor: cursor, Limit: 1000})
		if err != nil {
			return err
		}
		for _, d := range pg.Documents {
			if d.UpdatedAt.After(newest) {
				newest = d.UpdatedAt
			}
			if v, ok := c.versions[d.ID]; ok && v == d.Version {
				continue
			}
			read[d.ID] = d.Version
			var svc directory.Service
			if err := s.decodeDoc(d, &svc); err != nil {
				s.o.Logger.Warn("stored service does not decode; left out of the directory", "id", d.ID, "version", d.Version, "err", err)
				continue
			}
			if err := svc.Check(); err != nil {
				s.o.Logger.Warn("stored service breaks the directory's rules; left out of the directory", "id", d.ID, "version", d.Version, "err", err)
				continue
			}
			changed = append(changed, svc)
		}
		if cursor = pg.Next; cursor == "" {
			break
		}
	}
	for batch := range slices.Chunk(changed, dirApplyBatch) {
		c.mu.Lock()
		for _, svc := range batch {
			if err := c.ix.Put(svc); err != nil { // checked above
				s.o.Logger.Warn("stored service refused by the index", "id", svc.ID, "err", err)
			}
		}
		c.mu.Unlock()
	}
	if c.versions == nil {
		c.versions = map[string]int64{}
	}
	maps.Copy(c.versions, read)
	c.newest = newest
	return nil
}

// upsert creates a document or replaces it if its data changed.
func (s *Service) upsert(ctx context.Context, p Principal, d plugins.Document) error {
	cur, err := s.o.Store.Get(ctx, d.Kind, d.ID)
	switch socialrx.ErrorCode(err) {
	case socialrx.CodeNotFound:
		_, err = s.o.Store.Create(ctx, plugins.Write{Document: d, Events: []plugins.Event{{Type: string(d.Kind) + ".imported", Actor: p.ID, At: s.now()}}})
		return err
	case "":
		if bytes.Equal(compact(cur.Data), compact(d.Data)) {
			return nil
		}
		if err := s.writable(cur); err != nil {
			return err
		}
		d.Version = cur.Version
		_, err = s.o.Store.Update(ctx, plugins.Write{Document: d, Events: []plugins.Event{{Type: string(d.Kind) + ".imported", Actor: p.ID, At: s.now()}}})
		return err
	}
	return err
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

// SearchServices searches the directory (link workers and admins).
// Codes: forbidden, invalid, unavailable.
func (s *Service) SearchServices(ctx context.Context, p Principal, q directory.Query) (directory.SearchResult, error) {
	if err := forbid(p, "search the directory", staff...); err != nil {
		return directory.SearchResult{}, err
	}
	var res directory.SearchResult
	err := s.withIndex(ctx, func(ix *directory.Index) (err error) {
		res, err = ix.Search(q)
		return err
	})
	return res, err
}

// Match ranks directory services for a person, with the reasons in
// words (link workers and admins). Codes: forbidden, invalid, unavailable.
func (s *Service) Match(ctx context.Context, p Principal, in MatchRequest) (directory.MatchResult, error) {
	if err := forbid(p, "match services", staff...); err != nil {
		return directory.MatchResult{}, err
	}
	var res directory.MatchResult
	err := s.withIndex(ctx, func(ix *directory.Index) (err error) {
		res, err = ix.Match(in.Person, s.now(), in.Options)
		return err
	})
	return res, err
}

// ORUKService is one service for the public ORUK read API. Codes:
// not_found, unavailable.
func (s *Service) ORUKService(ctx context.Context, id string) (directory.Service, error) {
	var svc directory.Service
	err := s.withIndex(ctx, func(ix *directory.Index) (err error) {
		svc, err = ix.Get(id)
		return err
	})
	return svc, err
}
