package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins/host"
)

// pageParams reads ORUK's page and per_page query parameters. Codes: invalid.
func pageParams(r *http.Request) (page, perPage int, err error) {
	q := r.URL.Query()
	var errs []socialrx.FieldError
	num := func(name string, lo, hi int) int {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			errs = append(errs, socialrx.Field("/"+name, "must be a whole number from %d to %d", lo, hi))
		}
		return n
	}
	page, perPage = num("page", 1, 1<<20), num("per_page", 1, 100)
	return page, perPage, socialrx.Invalid(errs...)
}

// ImportProblem is the answer to an import in which every service offered
// was refused (422): the problem, whose errors are every refused
// service's fields, and the import's report.
type ImportProblem struct {
	Problem
	// Report is the import's report, outcome "rejected".
	Report host.ImportReport `json:"report"`
}

// cors opens the ORUK read API to every origin, as the ORUK profile asks.
func cors(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Accept, Content-Type")
}

// directoryRoutes are the directory routes: import, search and match for
// staff, and the public ORUK read API.
func (h *Handler) directoryRoutes() []route {
	s := h.svc
	orukList := func(path, summary string, resp any, list func(c *call, page, per int) (any, error)) route {
		return route{Method: "GET", Path: path, Summary: summary, Public: true, Response: resp,
			h: func(c *call) error {
				cors(c.w)
				page, per, err := pageParams(c.r)
				if err != nil {
					return err
				}
				v, err := list(c, page, per)
				if err != nil {
					return err
				}
				return c.ok(0, v)
			}}
	}
	return []route{
		{Method: "POST", Path: "/v1/directory/import", Summary: "Import an ORUK service list page, service or organization, ORUK 3.0 or 1.x (admins). " +
			"200 with the report when every service was stored (outcome complete) or some were (partial: some refused, or the envelope disagrees with the contents); " +
			"422, a problem with the report, when every service offered was refused (rejected); 400 when the document is refused whole", Response: host.ImportReport{},
			h: func(c *call) error {
				b, err := readLimited(c.r, MaxImportBytes)
				if err != nil {
					return err
				}
				rep, err := s.ImportORUK(c.ctx, c.p, b, nil)
				if errors.Is(err, host.ErrNothingImported) {
					writeProblemBody(c.w, http.StatusUnprocessableEntity, ImportProblem{Problem: problemOf(err), Report: rep})
					return nil
				}
				if err != nil {
					return err
				}
				return c.ok(0, rep)
			}},
		{Method: "POST", Path: "/v1/directory/search", Summary: "Search the directory", Body: directory.Query{}, Schema: "directory_query", Response: directory.SearchResult{},
			h: func(c *call) error {
				var q directory.Query
				if err := c.body(&q); err != nil {
					return err
				}
				res, err := s.SearchServices(c.ctx, c.p, q)
				if err != nil {
					return err
				}
				return c.ok(0, res)
			}},
		{Method: "POST", Path: "/v1/directory/match", Summary: "Rank services for one person, with reasons", Body: host.MatchRequest{}, Schema: "match_request", Response: directory.MatchResult{},
			h: func(c *call) error {
				var in host.MatchRequest
				if err := c.body(&in); err != nil {
					return err
				}
				res, err := s.Match(c.ctx, c.p, in)
				if err != nil {
					return err
				}
				return c.ok(0, res)
			}},
		{Method: "OPTIONS", Path: "/oruk/{path...}", Summary: "CORS preflight for the ORUK read API", Public: true,
			h: func(c *call) error {
				cors(c.w)
				c.w.WriteHeader(http.StatusNoContent)
				return nil
			}},
		{Method: "GET", Path: "/oruk/{$}", Summary: "ORUK API root", Public: true,
			h: func(c *call) error {
				cors(c.w)
				return c.ok(0, map[string]string{"version": "3.0", "profile": "https://openreferraluk.org/", "openapi_url": "/v1/openapi.json"})
			}},
		orukList("/oruk/services", "ORUK: list active services (text, page, per_page)", directory.ServicePage{}, func(c *call, page, per int) (any, error) {
			return s.ORUKServices(c.ctx, c.r.URL.Query().Get("text"), page, per)
		}),
		{Method: "GET", Path: "/oruk/services/{id}", Summary: "ORUK: one service", Public: true, Response: directory.Service{},
			h: func(c *call) error {
				cors(c.w)
				svc, err := s.ORUKService(c.ctx, c.id("id"))
				if err != nil {
					return err
				}
				b, err := directory.EncodeService(svc)
				if err != nil {
					return err
				}
				c.w.Header().Set("Content-Type", "application/json")
				_, err = c.w.Write(b)
				return err
			}},
		orukList("/oruk/service_at_locations", "ORUK: list service-at-locations", host.ORUKPage[directory.ServiceAtLocation]{}, func(c *call, page, per int) (any, error) {
			return s.ORUKServiceAtLocations(c.ctx, page, per)
		}),
		orukList("/oruk/taxonomies", "ORUK: list taxonomies", host.ORUKPage[host.Taxonomy]{}, func(c *call, page, per int) (any, error) {
			return s.ORUKTaxonomies(c.ctx, page, per)
		}),
		orukList("/oruk/taxonomy_terms", "ORUK: list taxonomy terms", host.ORUKPage[directory.TaxonomyTerm]{}, func(c *call, page, per int) (any, error) {
			return s.ORUKTaxonomyTerms(c.ctx, page, per)
		}),
	}
}
