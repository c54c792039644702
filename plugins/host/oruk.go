package host

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

// ORUKQuery is a query of the public ORUK read API's lists of services and
// service-at-locations: the query parameters of the ORUK OpenAPI. A zero
// field does not filter.
type ORUKQuery struct {
	// Search is free text (search).
	Search string
	// Page is the page, from 1 (page); PerPage its size, 1 to 100, default
	// 50 (per_page).
	Page, PerPage int
	// TaxonomyTermID keeps services with this taxonomy term (taxonomy_term_id).
	TaxonomyTermID string
	// TaxonomyID keeps services with a term from this taxonomy, by id or
	// name (taxonomy_id).
	TaxonomyID string
	// OrganizationID keeps the services of this organization (organization_id).
	OrganizationID string
	// MinimumAge keeps services whose minimum age (0 when none is given)
	// is at least this (minimum_age).
	MinimumAge *float64
	// MaximumAge keeps services whose maximum age is at most this (maximum_age).
	MaximumAge *float64
	// StartTime keeps services with a schedule that opens at or after
	// this, HH:MM (start_time); EndTime one that closes at or before this
	// (end_time); Day one that runs on this day (day). One schedule must
	// meet every one given.
	StartTime, EndTime string
	Day                directory.Day
	// Postcode is a UK postcode (postcode): services whose service areas
	// leave it out are left out, and results come nearest first. Its
	// coordinates come from the postcodes loaded by ImportPostcodes.
	Postcode string
	// ProximityMetres, with Postcode, keeps services (and
	// service-at-locations) with a location within this many metres of the
	// postcode's centroid (proximity).
	ProximityMetres float64
	// ModifiedAfter keeps services last modified at or after this time
	// (modified_after).
	ModifiedAfter time.Time
}

// DefaultORUKPerPage is the page size of the ORUK lists when none is asked for.
const DefaultORUKPerPage = 50

// directoryQuery turns q into a directory query of active services, with
// the postcode's centroid when it has one. Codes: invalid (an unknown or
// malformed postcode, a proximity without a postcode), unavailable.
func (s *Service) directoryQuery(ctx context.Context, q ORUKQuery) (directory.Query, *directory.Point, error) {
	dq := directory.Query{Text: q.Search, Status: []directory.Status{directory.StatusActive},
		MinimumAgeFrom: q.MinimumAge, MaximumAgeTo: q.MaximumAge, ModifiedSince: q.ModifiedAfter}
	if q.TaxonomyTermID != "" {
		dq.TaxonomyTerms = []string{q.TaxonomyTermID}
	}
	if q.TaxonomyID != "" {
		dq.Taxonomies = []string{q.TaxonomyID}
	}
	if q.OrganizationID != "" {
		dq.Organizations = []string{q.OrganizationID}
	}
	if q.Day != "" || q.StartTime != "" || q.EndTime != "" {
		dq.Session = &directory.Session{Day: q.Day, OpensFrom: q.StartTime, ClosesBy: q.EndTime}
	}
	if q.ProximityMetres > 0 && q.Postcode == "" {
		return dq, nil, socialrx.Invalid(socialrx.Field("/proximity", "needs a postcode to measure from"))
	}
	if q.Postcode == "" {
		return dq, nil, nil
	}
	pt, err := s.Postcode(ctx, q.Postcode)
	if err != nil {
		return dq, nil, err
	}
	dq.Near, dq.Covers = &pt.Point, &pt.Point
	if q.ProximityMetres > 0 {
		dq.RadiusKm = q.ProximityMetres / 1000
	}
	return dq, &pt.Point, nil
}

// ORUKServices is the public ORUK read API's list of services: a page of
// the active services that match q, each with its one-to-one fields only
// (as ORUK's service_list carries them). Codes: invalid, unavailable.
func (s *Service) ORUKServices(ctx context.Context, q ORUKQuery) (directory.ServicePage, error) {
	dq, _, err := s.directoryQuery(ctx, q)
	if err != nil {
		return directory.ServicePage{}, err
	}
	dq.Page, dq.PerPage = q.Page, cmp.Or(q.PerPage, DefaultORUKPerPage)
	var pg directory.ServicePage
	err = s.withIndex(ctx, func(ix *directory.Index) error {
		res, err := ix.Search(dq)
		if err != nil {
			return err
		}
		pg = ix.Page(res)
		return nil
	})
	for i := range pg.Contents {
		pg.Contents[i] = pg.Contents[i].Summary()
	}
	return pg, err
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
	perPage = cmp.Or(perPage, DefaultORUKPerPage)
	page = max(page, 1)
	pages := (len(all) + perPage - 1) / perPage
	lo := min((page-1)*perPage, len(all))
	hi := min(lo+perPage, len(all))
	items := append([]T{}, all[lo:hi]...)
	return ORUKPage[T]{TotalItems: len(all), TotalPages: pages, PageNumber: page, Size: len(items),
		FirstPage: page == 1, LastPage: page >= pages, Empty: len(all) == 0, Contents: items}
}

// matching returns every service that matches dq, in the order of the
// search.
func (s *Service) matching(ctx context.Context, dq directory.Query) ([]directory.Service, error) {
	var out []directory.Service
	err := s.withIndex(ctx, func(ix *directory.Index) error {
		for page := 1; ; page++ {
			dq.Page, dq.PerPage = page, 100
			res, err := ix.Search(dq)
			if err != nil {
				return err
			}
			pg := ix.Page(res)
			out = append(out, pg.Contents...)
			if pg.LastPage || pg.Empty {
				return nil
			}
		}
	})
	return out, err
}

// ORUKServiceAtLocations is the public ORUK read API's list of
// service-at-locations: those of the active services that match q, in
// list form. With a postcode they come nearest first; with a proximity
// too, only those whose own location is within it. Codes: invalid,
// unavailable.
func (s *Service) ORUKServiceAtLocations(ctx context.Context, q ORUKQuery) (ORUKPage[directory.ServiceAt], error) {
	dq, from, err := s.directoryQuery(ctx, q)
	if err != nil {
		return ORUKPage[directory.ServiceAt]{}, err
	}
	all, err := s.matching(ctx, dq)
	if err != nil {
		return ORUKPage[directory.ServiceAt]{}, err
	}
	type site struct {
		at directory.ServiceAt
		km float64 // -1: not placed or no postcode
	}
	var sites []site
	for _, svc := range all {
		for _, a := range svc.Sites() {
			km := -1.0
			if l := a.Location; from != nil && l != nil && l.Latitude != nil && l.Longitude != nil {
				km = directory.DistanceKm(*from, directory.Point{Latitude: *l.Latitude, Longitude: *l.Longitude})
			}
			if dq.RadiusKm > 0 && (km < 0 || km > dq.RadiusKm) {
				continue
			}
			sites = append(sites, site{a.Summary(), km})
		}
	}
	if from != nil {
		slices.SortStableFunc(sites, func(a, b site) int {
			if (a.km < 0) != (b.km < 0) { // the unplaced last
				return cmp.Compare(b.km, a.km)
			}
			return cmp.Compare(a.km, b.km)
		})
	}
	out := make([]directory.ServiceAt, len(sites))
	for i, st := range sites {
		out[i] = st.at
	}
	return orukPage(out, q.Page, q.PerPage), nil
}

// ORUKServiceAtLocation is one service-at-location in full, the service
// with it, for the public ORUK read API. Codes: not_found, unavailable.
func (s *Service) ORUKServiceAtLocation(ctx context.Context, id string) (directory.ServiceAt, error) {
	var out *directory.ServiceAt
	err := s.withIndex(ctx, func(ix *directory.Index) error {
		for page := 1; out == nil; page++ {
			res, err := ix.Search(directory.Query{Page: page, PerPage: 100})
			if err != nil {
				return err
			}
			pg := ix.Page(res)
			for _, svc := range pg.Contents {
				for _, a := range svc.Sites() {
					if a.ID == id {
						out = &a
					}
				}
			}
			if pg.LastPage || pg.Empty {
				break
			}
		}
		return nil
	})
	if err == nil && out == nil {
		err = socialrx.Errorf(socialrx.CodeNotFound, "no service_at_location %q in the directory", id)
	}
	if err != nil {
		return directory.ServiceAt{}, err
	}
	return *out, nil
}

// terms returns the taxonomy terms used by active services, by id.
func (s *Service) terms(ctx context.Context) ([]directory.TaxonomyTerm, error) {
	all, err := s.matching(ctx, directory.Query{Status: []directory.Status{directory.StatusActive}})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var terms []directory.TaxonomyTerm
	for _, svc := range all {
		for _, a := range svc.Attributes {
			if t := a.TaxonomyTerm; t != nil && !seen[t.ID] {
				seen[t.ID] = true
				tt := *t
				if tt.TaxonomyID == "" && tt.Taxonomy != "" {
					tt.TaxonomyID = taxonomyID(tt.Taxonomy)
				}
				terms = append(terms, tt)
			}
		}
	}
	slices.SortFunc(terms, func(a, b directory.TaxonomyTerm) int { return cmp.Compare(a.ID, b.ID) })
	return terms, nil
}

// taxonomyNamespace names the taxonomies that a feed gives by name only:
// each gets the UUID (version 5) of its name in this namespace, so that
// it has the same id on every host.
var taxonomyNamespace = uuid.MustParse("6f1d3c2a-7b64-4e0e-9a55-3c2f1b8e4d70")

func taxonomyID(name string) string { return uuid.NewSHA1(taxonomyNamespace, []byte(name)).String() }

// ORUKTaxonomyTerms lists the taxonomy terms used by active services. A
// term that names its taxonomy but gives no taxonomy_id gets the id of
// that taxonomy ([ORUKTaxonomies]). Codes: unavailable.
func (s *Service) ORUKTaxonomyTerms(ctx context.Context, page, perPage int) (ORUKPage[directory.TaxonomyTerm], error) {
	terms, err := s.terms(ctx)
	return orukPage(terms, page, perPage), err
}

// ORUKTaxonomyTerm is one taxonomy term used by an active service. Codes:
// not_found, unavailable.
func (s *Service) ORUKTaxonomyTerm(ctx context.Context, id string) (directory.TaxonomyTerm, error) {
	terms, err := s.terms(ctx)
	if err != nil {
		return directory.TaxonomyTerm{}, err
	}
	if i := slices.IndexFunc(terms, func(t directory.TaxonomyTerm) bool { return t.ID == id }); i >= 0 {
		return terms[i], nil
	}
	return directory.TaxonomyTerm{}, socialrx.Errorf(socialrx.CodeNotFound, "no taxonomy term %q in the directory", id)
}

// Taxonomy is an ORUK taxonomy: a named vocabulary of terms.
type Taxonomy struct {
	// ID is the taxonomy's UUID: the feed's taxonomy_id, or one made from
	// its name when the feed gives none.
	ID string `json:"id" jsonschema:"format=uuid"`
	// Name is the taxonomy's name.
	Name string `json:"name" jsonschema:"maxLength=200"`
	// Description describes the taxonomy.
	Description string `json:"description" jsonschema:"maxLength=400"`
	// TaxonomyTerms are the taxonomy's terms that active services use,
	// given with one taxonomy only (GET /taxonomies/{id}).
	TaxonomyTerms []directory.TaxonomyTerm `json:"taxonomy_terms,omitempty" jsonschema:"maxItems=10000"`
}

// taxonomies returns the taxonomies the terms of active services come
// from, with their terms, by id.
func (s *Service) taxonomies(ctx context.Context) ([]Taxonomy, error) {
	terms, err := s.terms(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Taxonomy{}
	var out []*Taxonomy
	for _, t := range terms {
		if t.TaxonomyID == "" {
			continue
		}
		tx := byID[t.TaxonomyID]
		if tx == nil {
			name := cmp.Or(t.Taxonomy, t.TaxonomyID)
			tx = &Taxonomy{ID: t.TaxonomyID, Name: name, Description: "Terms from the " + name + " taxonomy"}
			byID[t.TaxonomyID] = tx
			out = append(out, tx)
		}
		tx.TaxonomyTerms = append(tx.TaxonomyTerms, t)
	}
	slices.SortFunc(out, func(a, b *Taxonomy) int { return cmp.Compare(a.ID, b.ID) })
	res := make([]Taxonomy, len(out))
	for i, tx := range out {
		res[i] = *tx
	}
	return res, nil
}

// ORUKTaxonomies lists the taxonomies the terms of active services come
// from, without their terms. Codes: unavailable.
func (s *Service) ORUKTaxonomies(ctx context.Context, page, perPage int) (ORUKPage[Taxonomy], error) {
	all, err := s.taxonomies(ctx)
	for i := range all {
		all[i].TaxonomyTerms = nil
	}
	return orukPage(all, page, perPage), err
}

// ORUKTaxonomy is one taxonomy with its terms that active services use.
// Codes: not_found, unavailable.
func (s *Service) ORUKTaxonomy(ctx context.Context, id string) (Taxonomy, error) {
	all, err := s.taxonomies(ctx)
	if err != nil {
		return Taxonomy{}, err
	}
	if i := slices.IndexFunc(all, func(t Taxonomy) bool { return t.ID == id }); i >= 0 {
		return all[i], nil
	}
	return Taxonomy{}, socialrx.Errorf(socialrx.CodeNotFound, "no taxonomy %q in the directory", id)
}
