package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins/host"
)

// The public Open Referral UK read API, under /oruk/: every endpoint of the
// ORUK 3.0 OpenAPI (the root, services, service_at_locations, taxonomies
// and taxonomy_terms, each listed and by id), with every query parameter
// its lists take. Lists carry each item's one-to-one fields, as ORUK's
// list schemas do; the single-item endpoints the whole item.

// ORUK versions and profile, as the root of the API states them.
const (
	// ORUKVersion is the HSDS-UK version the API follows.
	ORUKVersion = "HSDS-UK-3.0"
	// ORUKProfile is where the profile the API follows is described.
	ORUKProfile = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
)

// ORUKRoot is the answer of the ORUK API's root: which HSDS-UK version and
// profile it follows, and where its OpenAPI document is.
type ORUKRoot struct {
	// Version is the HSDS-UK version, "HSDS-UK-3.0".
	Version string `json:"version" jsonschema:"maxLength=32"`
	// Profile is the URL of the profile's description.
	Profile string `json:"profile" jsonschema:"format=uri"`
	// OpenAPIURL is the absolute URL of the OpenAPI document of the ORUK API.
	OpenAPIURL string `json:"openapi_url" jsonschema:"format=uri"`
}

// orukListQuery are the query parameters of the lists of services and
// service-at-locations: those the ORUK OpenAPI gives them, and
// organization_id and modified_after, which it defines for lists too.
var orukListQuery = []param{
	strParam("search", "Full text search: every word must match a service's name, description, organization or taxonomy terms.", 500),
	orukPageParams[0], orukPageParams[1],
	strParam("taxonomy_term_id", "Services with this taxonomy term (by id, or by name).", 200),
	strParam("taxonomy_id", "Services with a term from this taxonomy (by id, or by name).", 200),
	strParam("organization_id", "Services of this organization.", 200),
	numParam("minimum_age", "Services whose minimum age (0 when they give none) is at least this.", 0, 150),
	numParam("maximum_age", "Services that give a maximum age of at most this.", 0, 150),
	patternParam("start_time", "Services with a schedule that opens at or after this time, HH:MM (with day and end_time, the same schedule).", clockPattern, 8),
	patternParam("end_time", "Services with a schedule that closes at or before this time, HH:MM (with day and start_time, the same schedule).", clockPattern, 8),
	strParam("day", "Services with a schedule that runs on this day (with start_time and end_time, the same schedule).", 0, orukDays()...),
	strParam("postcode", "A UK postcode: services whose service areas (GeoJSON extents) leave it out are left out, and results come nearest first. Needs the postcodes loaded (socialrx import postcodes).", 16),
	numParam("proximity", "With postcode: only results with a location within this many metres of the postcode's centroid.", 1, 1000000),
	{Name: "modified_after", Description: "Services last modified at or after this time (RFC 3339).", Schema: map[string]any{"type": "string", "format": "date-time", "maxLength": 64}},
}

// orukPageParams are ORUK's paging parameters.
var orukPageParams = []param{
	intParam("page", "Page number of paginated result, from 1.", 1, 100000),
	intParam("per_page", "Number of results requested in a single page, 1 to 100 (default 50).", 1, 100),
}

const clockPattern = `^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$`

// orukDays are the values of the day parameter: iCalendar's (as in a
// schedule's byday) and the days' names.
func orukDays() []string {
	out := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	return append(out, directory.Day("").EnumValues()...)
}

var icalDays = map[string]directory.Day{"MO": directory.Monday, "TU": directory.Tuesday, "WE": directory.Wednesday,
	"TH": directory.Thursday, "FR": directory.Friday, "SA": directory.Saturday, "SU": directory.Sunday}

// orukQuery reads the ORUK list parameters (orukListQuery).
func orukQuery(c *call) (host.ORUKQuery, error) {
	q := host.ORUKQuery{Search: c.str("search"), Page: c.integer("page"), PerPage: c.integer("per_page"),
		TaxonomyTermID: c.str("taxonomy_term_id"), TaxonomyID: c.str("taxonomy_id"), OrganizationID: c.str("organization_id"),
		MinimumAge: c.number("minimum_age"), MaximumAge: c.number("maximum_age"),
		StartTime: c.str("start_time"), EndTime: c.str("end_time"), Postcode: c.str("postcode")}
	q.Day = directory.Day(c.str("day"))
	if d, ok := icalDays[string(q.Day)]; ok {
		q.Day = d
	}
	if p := c.number("proximity"); p != nil {
		q.ProximityMetres = *p
	}
	if s := c.str("modified_after"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, socialrx.Invalid(socialrx.Field("/modified_after", "query parameter \"modified_after\" must be an RFC 3339 time such as 2025-01-31T09:00:00Z"))
		}
		q.ModifiedAfter = t
	}
	return q, nil
}

// cors opens the ORUK read API to every origin, as the ORUK profile asks.
func cors(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Accept, Content-Type")
}

// baseURL is the absolute URL the API is reached at: the configured public
// URL, or the request's scheme and host.
func (h *Handler) baseURL(r *http.Request) string {
	if h.publicURL != "" {
		return h.publicURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// orukRoutes are the routes of the public ORUK read API.
func (h *Handler) orukRoutes() []route {
	s := h.svc
	public := func(rt route) route {
		next := rt.h
		rt.Public, rt.h = true, func(c *call) error { cors(c.w); return next(c) }
		return rt
	}
	list := func(path, summary string, resp any, query []param, get func(c *call) (any, error)) route {
		return public(route{Method: "GET", Path: path, Summary: summary, Response: resp, Query: query,
			h: func(c *call) error {
				v, err := get(c)
				if err != nil {
					return err
				}
				return c.ok(0, v)
			}})
	}
	one := func(path, summary string, resp any, get func(c *call, id string) (any, error)) route {
		return list(path, summary, resp, nil, func(c *call) (any, error) { return get(c, c.id("id")) })
	}
	return []route{
		public(route{Method: "OPTIONS", Path: "/oruk/{path...}", Summary: "CORS preflight for the ORUK read API", Status: http.StatusNoContent, Static: true,
			h: func(c *call) error {
				c.w.WriteHeader(http.StatusNoContent)
				return nil
			}}),
		list("/oruk/{$}", "ORUK: the HSDS-UK version and profile this API follows, and its OpenAPI document", ORUKRoot{}, nil, func(c *call) (any, error) {
			return ORUKRoot{Version: ORUKVersion, Profile: ORUKProfile, OpenAPIURL: h.baseURL(c.r) + "/oruk/openapi.json"}, nil
		}),
		public(route{Method: "GET", Path: "/oruk/openapi.json", Summary: "The OpenAPI 3.1 document of the ORUK read API alone, its paths relative to /oruk", Static: true,
			Media: map[string]any{"application/json": map[string]any{"type": "object"}},
			h: func(c *call) error {
				c.w.Header().Set("Content-Type", "application/json")
				_, err := c.w.Write(h.orukOpenAPI)
				return err
			}}),
		list("/oruk/services", "ORUK: a page of active services, each with its one-to-one fields", directory.ServicePage{}, orukListQuery, func(c *call) (any, error) {
			q, err := orukQuery(c)
			if err != nil {
				return nil, err
			}
			return s.ORUKServices(c.ctx, q)
		}),
		public(route{Method: "GET", Path: "/oruk/services/{id}", Summary: "ORUK: one service, fully nested", Response: directory.Service{},
			h: func(c *call) error {
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
			}}),
		list("/oruk/service_at_locations", "ORUK: a page of the service-at-locations of active services, with their locations' and services' one-to-one fields", host.ORUKPage[directory.ServiceAt]{}, orukListQuery, func(c *call) (any, error) {
			q, err := orukQuery(c)
			if err != nil {
				return nil, err
			}
			return s.ORUKServiceAtLocations(c.ctx, q)
		}),
		one("/oruk/service_at_locations/{id}", "ORUK: one service-at-location, fully nested, with its service", directory.ServiceAt{}, func(c *call, id string) (any, error) {
			return s.ORUKServiceAtLocation(c.ctx, id)
		}),
		list("/oruk/taxonomies", "ORUK: a page of the taxonomies the active services' terms come from", host.ORUKPage[host.Taxonomy]{}, orukPageParams, func(c *call) (any, error) {
			return s.ORUKTaxonomies(c.ctx, c.integer("page"), c.integer("per_page"))
		}),
		one("/oruk/taxonomies/{id}", "ORUK: one taxonomy with the terms active services use", host.Taxonomy{}, func(c *call, id string) (any, error) {
			return s.ORUKTaxonomy(c.ctx, id)
		}),
		list("/oruk/taxonomy_terms", "ORUK: a page of the taxonomy terms active services use", host.ORUKPage[directory.TaxonomyTerm]{}, orukPageParams, func(c *call) (any, error) {
			return s.ORUKTaxonomyTerms(c.ctx, c.integer("page"), c.integer("per_page"))
		}),
		one("/oruk/taxonomy_terms/{id}", "ORUK: one taxonomy term", directory.TaxonomyTerm{}, func(c *call, id string) (any, error) {
			return s.ORUKTaxonomyTerm(c.ctx, id)
		}),
	}
}

// orukPrefix is where the ORUK read API is served.
const orukPrefix = "/oruk"

// isORUK reports whether a route is part of the ORUK read API.
func isORUK(path string) bool { return strings.HasPrefix(path, orukPrefix+"/") }
