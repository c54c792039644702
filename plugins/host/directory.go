package host

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// dirCache is the in-memory search index over the stored directory. Each
// search first folds in what changed in the store since the last one, so
// hosts sharing a store see each other's imports.
type dirCache struct {
	mu     sync.Mutex
	ix     *directory.Index
	synced time.Time
}

// index returns the directory index, brought up to date with the store.
func (s *Service) index(ctx context.Context) (*directory.Index, error) {
	c := &s.dir
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix == nil {
		ix, err := directory.NewIndex()
		if err != nil {
			return nil, err
		}
		c.ix = ix
	}
	// Look back a little: a write may commit with an update time just
	// before the last sync started.
	since := c.synced.Add(-5 * time.Second)
	started := time.Now()
	cursor := ""
	for {
		pg, err := s.o.Store.List(ctx, plugins.Query{Kind: plugins.KindService, UpdatedSince: since, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, d := range pg.Documents {
			var svc directory.Service
			if err := json.Unmarshal(d.Data, &svc); err != nil {
				return nil, socialrx.Errorf(socialrx.CodeInternal, "stored service %s: %v", d.ID, err)
			}
			if err := c.ix.Put(svc); err != nil {
				return nil, err
			}
		}
		if cursor = pg.Next; cursor == "" {
			break
		}
	}
	c.synced = started
	return c.ix, nil
}

// ImportReport says what an ORUK import stored and what it skipped.
type ImportReport struct {
	// Imported counts the services stored (created or updated).
	Imported int `json:"imported"`
	// Organizations counts the organizations stored.
	Organizations int `json:"organizations"`
	// Skipped are the services refused, each with every failing field.
	Skipped []directory.Skipped `json:"skipped,omitempty"`
}

// ImportORUK imports an ORUK document: a service_list page, one
// service_full, or an organization with its services. Bad services in a
// list are skipped and reported; the good ones are stored. progress, if
// not nil, is called after each service. Only admins may import. Codes:
// forbidden, invalid (a document that is none of these, or one bad
// service), unavailable.
func (s *Service) ImportORUK(ctx context.Context, p Principal, doc []byte, progress func(done, total int)) (ImportReport, error) {
	var rep ImportReport
	if err := forbid(p, "import the directory", referral.RoleAdmin, referral.RoleSystem); err != nil {
		return rep, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(doc, &probe); err != nil {
		return rep, socialrx.Invalid(socialrx.Field("", "not a JSON object: %v", err))
	}
	var services []directory.Service
	var orgs []directory.Organization
	switch {
	case probe["contents"] != nil:
		pg, skipped, err := directory.DecodeServicePage(doc)
		if err != nil {
			return rep, err
		}
		services, rep.Skipped = pg.Contents, skipped
	case probe["services"] != nil && probe["organization"] == nil:
		o, err := directory.DecodeOrganization(doc)
		if err != nil {
			return rep, err
		}
		services = o.Services
		orgs = append(orgs, o.Organization)
	default:
		svc, err := directory.DecodeService(doc)
		if err != nil {
			return rep, err
		}
		services = []directory.Service{svc}
	}
	for _, svc := range services {
		if svc.Organization != nil {
			orgs = append(orgs, *svc.Organization)
		}
	}
	for _, o := range orgs {
		if err := s.upsert(ctx, p, plugins.Document{Kind: plugins.KindOrganization, ID: o.ID, Data: mustJSON(o)}); err != nil {
			return rep, err
		}
		rep.Organizations++
	}
	for i, svc := range services {
		d := plugins.Document{Kind: plugins.KindService, ID: svc.ID, Status: string(svc.Status), Partner: svc.OrganizationID, Data: mustJSON(svc)}
		if err := s.upsert(ctx, p, d); err != nil {
			return rep, err
		}
		rep.Imported++
		if progress != nil {
			progress(i+1, len(services))
		}
	}
	return rep, nil
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
	ix, err := s.index(ctx)
	if err != nil {
		return directory.SearchResult{}, err
	}
	return ix.Search(q)
}

// Match ranks directory services for a person, with the reasons in
// words (link workers and admins). Codes: forbidden, invalid, unavailable.
func (s *Service) Match(ctx context.Context, p Principal, in MatchRequest) (directory.MatchResult, error) {
	if err := forbid(p, "match services", staff...); err != nil {
		return directory.MatchResult{}, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return directory.MatchResult{}, err
	}
	return ix.Match(in.Person, s.now(), in.Options)
}

// ORUKServices is the public ORUK read API's service list: a page of
// active services matching text. Codes: invalid, unavailable.
func (s *Service) ORUKServices(ctx context.Context, text string, page, perPage int) (directory.ServicePage, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return directory.ServicePage{}, err
	}
	res, err := ix.Search(directory.Query{Text: text, Status: []directory.Status{directory.StatusActive}, Page: page, PerPage: perPage})
	if err != nil {
		return directory.ServicePage{}, err
	}
	return ix.Page(res), nil
}

// ORUKService is one service for the public ORUK read API. Codes:
// not_found, unavailable.
func (s *Service) ORUKService(ctx context.Context, id string) (directory.Service, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return directory.Service{}, err
	}
	return ix.Get(id)
}

// ORUKPage is the ORUK paging envelope around any list.
type ORUKPage[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

// orukPage cuts one page (from 1) of perPage items (default 50) out of all.
func orukPage[T any](all []T, page, perPage int) ORUKPage[T] {
	if perPage <= 0 {
		perPage = 50
	}
	if page <= 0 {
		page = 1
	}
	pages := (len(all) + perPage - 1) / perPage
	lo := min((page-1)*perPage, len(all))
	hi := min(lo+perPage, len(all))
	items := append([]T{}, all[lo:hi]...)
	return ORUKPage[T]{TotalItems: len(all), TotalPages: pages, PageNumber: page, Size: len(items),
		FirstPage: page == 1, LastPage: page >= pages, Empty: len(all) == 0, Contents: items}
}

// allServices returns every active service in the index, by id.
func (s *Service) allServices(ctx context.Context) ([]directory.Service, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var out []directory.Service
	page := 1
	for {
		res, err := ix.Search(directory.Query{Status: []directory.Status{directory.StatusActive}, Page: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		pg := ix.Page(res)
		out = append(out, pg.Contents...)
		if pg.LastPage || pg.Empty {
			break
		}
		page++
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ORUKServiceAtLocations lists every service-at-location of active services.
func (s *Service) ORUKServiceAtLocations(ctx context.Context, page, perPage int) (ORUKPage[directory.ServiceAtLocation], error) {
	all, err := s.allServices(ctx)
	if err != nil {
		return ORUKPage[directory.ServiceAtLocation]{}, err
	}
	var sals []directory.ServiceAtLocation
	for _, svc := range all {
		for _, sal := range svc.ServiceAtLocations {
			if sal.ServiceID == "" {
				sal.ServiceID = svc.ID
			}
			sals = append(sals, sal)
		}
	}
	return orukPage(sals, page, perPage), nil
}

// ORUKTaxonomyTerms lists the taxonomy terms used by active services.
func (s *Service) ORUKTaxonomyTerms(ctx context.Context, page, perPage int) (ORUKPage[directory.TaxonomyTerm], error) {
	all, err := s.allServices(ctx)
	if err != nil {
		return ORUKPage[directory.TaxonomyTerm]{}, err
	}
	seen := map[string]bool{}
	var terms []directory.TaxonomyTerm
	for _, svc := range all {
		for _, a := range svc.Attributes {
			if t := a.TaxonomyTerm; t != nil && !seen[t.ID] {
				seen[t.ID] = true
				terms = append(terms, *t)
			}
		}
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i].ID < terms[j].ID })
	return orukPage(terms, page, perPage), nil
}

// Taxonomy is an ORUK taxonomy: a named vocabulary of terms.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ORUKTaxonomies lists the taxonomies the terms of active services come from.
func (s *Service) ORUKTaxonomies(ctx context.Context, page, perPage int) (ORUKPage[Taxonomy], error) {
	terms, err := s.ORUKTaxonomyTerms(ctx, 1, 1<<30)
	if err != nil {
		return ORUKPage[Taxonomy]{}, err
	}
	seen := map[string]bool{}
	var out []Taxonomy
	for _, t := range terms.Contents {
		id := t.TaxonomyID
		if id == "" {
			id = t.Taxonomy
		}
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Taxonomy{ID: id, Name: t.Taxonomy, Description: "Terms from the " + t.Taxonomy + " taxonomy"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return orukPage(out, page, perPage), nil
}
