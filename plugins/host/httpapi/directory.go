package httpapi

import (
	"errors"
	"net/http"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins/host"
)

// ImportProblem is the answer to an import in which every service offered
// was refused (422): the problem, whose errors are every refused
// service's fields, and the import's report.
type ImportProblem struct {
	Problem
	// Report is the import's report, outcome "rejected".
	Report host.ImportReport `json:"report"`
}

// directoryRoutes are the directory routes: import, search and match for
// staff, and the public ORUK read API (orukRoutes).
func (h *Handler) directoryRoutes() []route {
	s := h.svc
	return append([]route{
		{Method: "POST", Path: "/v1/directory/import", Summary: "Import an ORUK service list page, service or organization, ORUK 3.0 or 1.x (admins). " +
			"200 with the report when every service was stored (outcome complete) or some were (partial: some refused, or the envelope disagrees with the contents); " +
			"422, a problem with the report, when every service offered was refused (rejected); 400 when the document is refused whole", Response: host.ImportReport{}, RawBody: true,
			Problems: []int{http.StatusUnprocessableEntity},
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
	}, h.orukRoutes()...)
}
