package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sj "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/apitest"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// The test directory of the ORUK read API (hosttest's oruk_directory.json).
const (
	orgA        = "0a000000-0000-4000-8000-000000000001"
	musicTaxID  = "7a000000-0000-4000-8000-000000000002"
	singingTerm = "7e000000-0000-4000-8000-000000000002"
	gardenSvc   = "5e000000-0000-4000-8000-000000000001" // London; TU 10–12; 18–65; modified 2025-03; London area
	choirSvc    = "5e000000-0000-4000-8000-000000000002" // Manchester; TH 14–15:30; up to 25; modified 2024
	walksSvc    = "5e000000-0000-4000-8000-000000000003" // London and online; MO 9–10, SA 14–16; 50 up; area in words
	closedSvc   = "5e000000-0000-4000-8000-000000000004" // inactive: never listed
	phoneSvc    = "5e000000-0000-4000-8000-000000000005" // no location; modified 2025-06; Manchester area
	gardenSite  = "5a100000-0000-4000-8000-000000000001"
	choirSite   = "5a100000-0000-4000-8000-000000000002"
	walksSite   = "5a100000-0000-4000-8000-000000000003"
	onlineSite  = "5a100000-0000-4000-8000-000000000004"
)

// orukEnv is the HTTP API over the ORUK test directory, with the ONS
// Postcode Directory sample loaded.
func orukEnv(t *testing.T) *env {
	t.Helper()
	e := newEnvOn(t, hosttest.New(t))
	res := e.do(referral.RoleAdmin, "POST", "/v1/directory/import", hosttest.Doc("oruk_directory.json"))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	f, err := os.Open(filepath.Join("..", "internal", "hosttest", "testdata", "onspd_sample.csv"))
	require.NoError(t, err)
	defer f.Close()
	rep, err := e.Svc.ImportPostcodes(t.Context(), principal(referral.RoleAdmin), f, nil)
	require.NoError(t, err)
	require.Equal(t, 6, rep.Imported, "JE2 4WD has no coordinates")
	return e
}

// orukAPI is the official ORUK OpenAPI document, as far as the walk reads it.
type orukAPI struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]orukParam `json:"parameters"`
	} `json:"components"`
}

type orukParam struct {
	Ref    string `json:"$ref"`
	Name   string `json:"name"`
	In     string `json:"in"`
	Schema struct {
		Type string `json:"type"`
	} `json:"schema"`
}

func readORUK(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oruk", name))
	require.NoError(t, err)
	return b
}

// orukSchemas validates ORUK responses against the official schemas: the
// response schema the ORUK OpenAPI gives each endpoint (the paging
// envelope with the list schema's items, or the item's schema), each URL
// it refers to served from testdata.
type orukSchemas struct {
	c     *sj.Compiler
	api   map[string]any
	paths map[string]*sj.Schema
}

const orukSchemaBase = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"

func newORUKSchemas(t *testing.T) *orukSchemas {
	t.Helper()
	c := sj.NewCompiler()
	c.AssertFormat()
	add := func(url, file string) {
		doc, err := sj.UnmarshalJSON(bytes.NewReader(readORUK(t, file)))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(url, doc))
	}
	for _, f := range []string{"service", "service_list", "service_at_location", "service_at_location_list"} {
		add(orukSchemaBase+"compiled/"+f+".json", f+".json")
	}
	add(orukSchemaBase+"taxonomy.json", "taxonomy.json")
	add(orukSchemaBase+"taxonomy_term.json", "taxonomy_term.json")
	add("https://openreferraluk.org/validator/api_details.json", "api_details.json")
	var api map[string]any
	require.NoError(t, json.Unmarshal(readORUK(t, "openapi.json"), &api))
	return &orukSchemas{c: c, api: api, paths: map[string]*sj.Schema{}}
}

// forPath compiles the schema of the 200 response the ORUK OpenAPI gives a
// path, its #/components/... references replaced by what they name.
func (o *orukSchemas) forPath(t *testing.T, path string) *sj.Schema {
	t.Helper()
	if sch, ok := o.paths[path]; ok {
		return sch
	}
	if path == "/service_at_locations/{id}" {
		// ORUK's OpenAPI gives this endpoint the service schema, by a slip
		// its description and its example (service_at_location_full)
		// contradict: the compiled service_at_location schema is its own.
		return o.compile(t, orukSchemaBase+"compiled/service_at_location.json")
	}
	s := dig(o.api, "paths", path, "get", "responses", "200", "content", "application/json", "schema")
	require.NotNil(t, s, path)
	var inline func(v any) any
	inline = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
				return inline(dig(o.api, strings.Split(ref[2:], "/")...))
			}
			out := map[string]any{}
			for k, c := range x {
				out[k] = inline(c)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, c := range x {
				out[i] = inline(c)
			}
			return out
		}
		return v
	}
	url := "https://openreferral.org/oruk/openapi" + strings.ReplaceAll(path, "/", "_") + ".json"
	require.NoError(t, o.c.AddResource(url, inline(s)))
	sch, err := o.c.Compile(url)
	require.NoError(t, err, path)
	o.paths[path] = sch
	return sch
}

func (o *orukSchemas) compile(t *testing.T, url string) *sj.Schema {
	t.Helper()
	sch, err := o.c.Compile(url)
	require.NoError(t, err, url)
	return sch
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func validates(t *testing.T, sch *sj.Schema, body []byte, what string) {
	t.Helper()
	inst, err := sj.UnmarshalJSON(bytes.NewReader(body))
	require.NoError(t, err, what)
	assert.NoError(t, sch.Validate(inst), "%s: the official ORUK schema refuses it: %s", what, body)
}

// page is an ORUK list page as the walk reads it.
type page struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []struct {
		ID         string          `json:"id"`
		ServiceID  string          `json:"service_id"`
		LocationID string          `json:"location_id"`
		Service    json.RawMessage `json:"service"`
		Location   json.RawMessage `json:"location"`
		Schedules  json.RawMessage `json:"schedules"`
	} `json:"contents"`
}

func (p page) ids() []string {
	var out []string
	for _, c := range p.Contents {
		out = append(out, c.ID)
	}
	return out
}

// TestORUKEndpointsAndParameters walks every endpoint of the official
// ORUK OpenAPI and every parameter it defines (those each endpoint lists,
// and those it defines for lists but gives no endpoint), read from the
// document itself so that none can be forgotten: each is supported, its
// filter checked on the results, or refused with a 400 problem that names
// it. A parameter the ORUK OpenAPI lists for an endpoint must be
// supported. Every answer validates against the official schemas.
func TestORUKEndpointsAndParameters(t *testing.T) {
	e := orukEnv(t)
	schemas := newORUKSchemas(t)
	var api orukAPI
	require.NoError(t, json.Unmarshal(readORUK(t, "openapi.json"), &api))

	// get asks the API for path?query (its ORUK form, under /oruk) and
	// checks the answer against the official schema of path.
	get := func(t *testing.T, path, query string) response {
		t.Helper()
		u := "/oruk" + path
		if query != "" {
			u += "?" + query
		}
		res := e.do("", "GET", u, nil)
		if res.status == http.StatusOK {
			assert.Equal(t, "*", res.header.Get("Access-Control-Allow-Origin"))
			validates(t, schemas.forPath(t, strings.Replace(path, knownID(path), "{id}", 1)), res.body, u)
		}
		return res
	}
	list := func(t *testing.T, path, query string) page {
		t.Helper()
		q := "per_page=100"
		if query != "" {
			q = query + "&" + q
		}
		res := get(t, path, q)
		require.Equal(t, http.StatusOK, res.status, "%s?%s: %s", path, q, res.body)
		var p page
		res.decode(t, &p)
		assert.Equal(t, len(p.Contents), p.Size)
		assert.Equal(t, p.Size, p.TotalItems, "one page holds them all")
		return p
	}
	all := map[string][]string{}
	for _, path := range []string{"/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"} {
		all[path] = list(t, path, "").ids()
	}
	require.ElementsMatch(t, []string{gardenSvc, choirSvc, walksSvc, phoneSvc}, all["/services"], "the active services")
	require.ElementsMatch(t, []string{gardenSite, choirSite, walksSite, onlineSite}, all["/service_at_locations"])
	require.Len(t, all["/taxonomies"], 2)
	require.Len(t, all["/taxonomy_terms"], 3)

	// filters are the checks of the parameters of the lists of services
	// and service-at-locations: the query, and the services and sites
	// (service-at-locations) it must find; ordered when the order is
	// specified too.
	type filter struct {
		query           string
		services, sites []string
		ordered         bool
	}
	filters := map[string]filter{
		"search":           {"search=garden", []string{gardenSvc}, []string{gardenSite}, false},
		"taxonomy_term_id": {"taxonomy_term_id=" + singingTerm, []string{choirSvc, phoneSvc}, []string{choirSite}, false},
		"taxonomy_id":      {"taxonomy_id=" + musicTaxID, []string{choirSvc, phoneSvc}, []string{choirSite}, false},
		"organization_id":  {"organization_id=" + orgA, []string{gardenSvc, walksSvc}, []string{gardenSite, walksSite, onlineSite}, false},
		"minimum_age":      {"minimum_age=18", []string{gardenSvc, walksSvc}, []string{gardenSite, walksSite, onlineSite}, false},
		"maximum_age":      {"maximum_age=30", []string{choirSvc}, []string{choirSite}, false},
		"start_time":       {"start_time=13:00", []string{choirSvc, walksSvc}, []string{choirSite, walksSite, onlineSite}, false},
		"end_time":         {"end_time=11:00", []string{walksSvc}, []string{walksSite, onlineSite}, false},
		"day":              {"day=TU", []string{gardenSvc}, []string{gardenSite}, false},
		// Manchester: the London garden's area leaves it out; the walks'
		// area is in words (cannot be tested) and the choir gives none;
		// nearest first, the unplaced last.
		"postcode":       {"postcode=" + url.QueryEscape("M1 1AD"), []string{choirSvc, walksSvc, phoneSvc}, []string{choirSite, walksSite, onlineSite}, true},
		"proximity":      {"postcode=SE19ZZ&proximity=500", []string{walksSvc}, []string{walksSite}, false},
		"modified_after": {"modified_after=2025-01-01T00:00:00Z", []string{gardenSvc, phoneSvc}, []string{gardenSite}, false},
	}
	// pagingChecks check page and per_page on any list.
	paging := map[string]func(t *testing.T, path string){
		"per_page": func(t *testing.T, path string) {
			res := get(t, path, "per_page=1")
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			var p page
			res.decode(t, &p)
			n := len(all[path])
			assert.Equal(t, []any{1, n, n, 1, true, n == 1}, []any{p.Size, p.TotalItems, p.TotalPages, p.PageNumber, p.FirstPage, p.LastPage})
			assert.Equal(t, all[path][:1], p.ids())
		},
		"page": func(t *testing.T, path string) {
			res := get(t, path, "page=2&per_page=1")
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			var p page
			res.decode(t, &p)
			assert.Equal(t, []any{2, false}, []any{p.PageNumber, p.FirstPage})
			assert.Equal(t, all[path][1:2], p.ids())
			res = get(t, path, "page=99&per_page=1")
			require.Equal(t, http.StatusOK, res.status)
			res.decode(t, &p)
			assert.Empty(t, p.Contents, "past the last page")
			assert.True(t, p.LastPage)
		},
	}

	walked := 0
	for _, path := range slices.Sorted(mapKeys(api.Paths)) {
		item := api.Paths[path]
		var pathParams []orukParam
		if raw, ok := item["parameters"]; ok {
			require.NoError(t, json.Unmarshal(raw, &pathParams))
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Parameters []orukParam `json:"parameters"`
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			listed := map[string]orukParam{}
			for _, p := range append(pathParams, op.Parameters...) {
				if p.Ref != "" {
					p = api.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				listed[p.Name] = p
			}
			every := copyMap(listed)
			for _, p := range api.Components.Parameters {
				if _, ok := every[p.Name]; !ok {
					every[p.Name] = p
				}
			}
			for _, name := range slices.Sorted(mapKeys(every)) {
				p := every[name]
				_, isListed := listed[name]
				walked++
				t.Run(strings.ToUpper(method)+" "+path+" "+name, func(t *testing.T) {
					switch {
					case p.In == "path":
						id := knownID(path)
						res := get(t, strings.Replace(path, "{id}", id, 1), "")
						require.Equal(t, http.StatusOK, res.status, string(res.body))
						var got struct {
							ID string `json:"id"`
						}
						res.decode(t, &got)
						assert.Equal(t, id, got.ID)
						res = get(t, strings.Replace(path, "{id}", "c0000000-0000-4000-8000-000000000000", 1), "")
						assert.Equal(t, http.StatusNotFound, res.status)
					case paging[name] != nil && strings.Count(path, "/") == 1 && path != "/":
						paging[name](t, path)
					case filters[name].query != "" && (path == "/services" || path == "/service_at_locations"):
						f := filters[name]
						got := list(t, path, f.query)
						want := f.services
						if path == "/service_at_locations" {
							want = f.sites
							for _, c := range got.Contents {
								assert.NotEmpty(t, c.LocationID, "a service-at-location names its location")
								assert.NotEmpty(t, c.Service, "a service-at-location carries its service")
							}
						}
						if f.ordered {
							assert.Equal(t, want, got.ids(), f.query)
						} else {
							assert.ElementsMatch(t, want, got.ids(), f.query)
						}
						assert.NotEqual(t, len(all[path]), len(got.Contents), "%s filters", f.query)
					default:
						assert.False(t, isListed, "the ORUK OpenAPI lists %s for %s: it must be supported", name, path)
						res := get(t, strings.Replace(path, "{id}", knownID(path), 1), name+"="+sample(p))
						require.Equal(t, http.StatusBadRequest, res.status, "%s is neither supported nor refused: %s", name, res.body)
						pr := problemOf(t, res)
						assert.Contains(t, pr.Detail, name)
						require.NotEmpty(t, pr.Errors)
						assert.Equal(t, "/"+name, pr.Errors[0].Pointer)
					}
				})
			}
		}
	}
	assert.Equal(t, 5*18+4*19, walked, "9 endpoints × the 18 query parameters of the ORUK OpenAPI, and the id of 4")
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func copyMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// knownID is an id of the test directory for a path's {id}, or "{id}".
func knownID(path string) string {
	switch {
	case strings.HasPrefix(path, "/services/"):
		return gardenSvc
	case strings.HasPrefix(path, "/service_at_locations/"):
		return walksSite
	case strings.HasPrefix(path, "/taxonomies/"):
		return musicTaxID
	case strings.HasPrefix(path, "/taxonomy_terms/"):
		return singingTerm
	}
	return "{id}"
}

// sample is a value of a parameter's type.
func sample(p orukParam) string {
	switch p.Schema.Type {
	case "boolean":
		return "true"
	case "integer", "number":
		return "1"
	}
	return "x"
}

func problemOf(t *testing.T, r response) httpapi.Problem {
	t.Helper()
	var p httpapi.Problem
	r.decode(t, &p)
	return p
}

// TestORUKRootAndItems: the root says which HSDS-UK version and profile
// the API follows with an absolute openapi_url (from the request, or the
// configured public URL) that serves a valid OpenAPI document; the single
// items are whole and validate against the official schemas; lists carry
// one-to-one fields only.
func TestORUKRootAndItems(t *testing.T) {
	e := orukEnv(t)
	schemas := newORUKSchemas(t)

	res := e.do("", "GET", "/oruk/", nil)
	require.Equal(t, http.StatusOK, res.status)
	validates(t, schemas.forPath(t, "/"), res.body, "/oruk/")
	validates(t, schemas.compile(t, "https://openreferraluk.org/validator/api_details.json"), res.body, "/oruk/ as the ORUK validator reads it")
	var root httpapi.ORUKRoot
	res.decode(t, &root)
	assert.Equal(t, httpapi.ORUKRoot{Version: "HSDS-UK-3.0", Profile: httpapi.ORUKProfile, OpenAPIURL: e.srv.URL + "/oruk/openapi.json"}, root)
	doc, err := e.client().Get(root.OpenAPIURL)
	require.NoError(t, err)
	defer doc.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(doc.Body)
	require.NoError(t, err)
	_, err = apitest.New(b.Bytes())
	assert.NoError(t, err, "openapi_url serves a valid OpenAPI document")

	tk, err := httpapi.NewTokens(nil)
	require.NoError(t, err)
	h, err := httpapi.NewHandler(e.Svc, httpapi.Options{Tokens: tk, PublicURL: "https://directory.example.org/"})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	got, err := e.client().Get(srv.URL + "/oruk/")
	require.NoError(t, err)
	defer got.Body.Close()
	require.NoError(t, json.NewDecoder(got.Body).Decode(&root))
	assert.Equal(t, "https://directory.example.org/oruk/openapi.json", root.OpenAPIURL)
	_, err = httpapi.NewHandler(e.Svc, httpapi.Options{Tokens: tk, PublicURL: "directory.example.org"})
	assert.Error(t, err, "a public URL must be absolute")

	// /services/{id} is the whole service; the list carries one-to-one fields.
	res = e.do("", "GET", "/oruk/services/"+gardenSvc, nil)
	require.Equal(t, http.StatusOK, res.status)
	validates(t, schemas.compile(t, orukSchemaBase+"compiled/service.json"), res.body, "service")
	for _, nested := range []string{`"schedules"`, `"service_at_locations"`, `"attributes"`, `"service_areas"`} {
		assert.Contains(t, string(res.body), nested)
	}
	res = e.do("", "GET", "/oruk/services?search=garden", nil)
	for _, nested := range []string{`"schedules"`, `"service_at_locations"`, `"attributes"`, `"service_areas"`} {
		assert.NotContains(t, string(res.body), nested, "a list carries one-to-one fields only")
	}
	assert.Contains(t, string(res.body), `"organization_id":"`+orgA+`"`)

	// A service-at-location in full: its location with addresses, its
	// service without the list of its locations. ORUK's OpenAPI gives this
	// endpoint the service schema, by a slip its description and its
	// example (service_at_location_full) contradict: it is validated
	// against the compiled service_at_location schema.
	res = e.do("", "GET", "/oruk/service_at_locations/"+walksSite, nil)
	require.Equal(t, http.StatusOK, res.status)
	validates(t, schemas.compile(t, orukSchemaBase+"compiled/service_at_location.json"), res.body, "service_at_location")
	var sal struct {
		ServiceID, LocationID string
		Location              struct{ Addresses []any }
		Service               map[string]any
	}
	res.decode(t, &sal)
	assert.Equal(t, walksSvc, sal.Service["id"])
	assert.NotContains(t, sal.Service, "service_at_locations")
	assert.Contains(t, sal.Service, "schedules")
	assert.NotEmpty(t, sal.Location.Addresses)

	// Taxonomies: a feed's taxonomy_id, or an id made from the taxonomy's
	// name, the same on every host; with its terms when read by id.
	res = e.do("", "GET", "/oruk/taxonomies/"+musicTaxID, nil)
	require.Equal(t, http.StatusOK, res.status)
	validates(t, schemas.compile(t, orukSchemaBase+"taxonomy.json"), res.body, "taxonomy")
	assert.Contains(t, string(res.body), singingTerm)
	res = e.do("", "GET", "/oruk/taxonomy_terms?per_page=100", nil)
	var terms struct {
		Contents []struct {
			TaxonomyID string `json:"taxonomy_id"`
		} `json:"contents"`
	}
	res.decode(t, &terms)
	for _, term := range terms.Contents {
		require.NotEmpty(t, term.TaxonomyID)
		assert.Equal(t, http.StatusOK, e.do("", "GET", "/oruk/taxonomies/"+term.TaxonomyID, nil).status)
		assert.Equal(t, http.StatusOK, e.do("", "GET", "/oruk/services?taxonomy_id="+term.TaxonomyID, nil).status)
	}

	// Bad values are refused at their parameter, never ignored.
	for q, ptr := range map[string]string{
		"proximity=500":                   "/proximity",
		"postcode=nowhere":                "/postcode",
		"postcode=JE2+4WD":                "/postcode", // in ONSPD, without coordinates
		"day=someday":                     "/day",
		"start_time=25:00":                "/start_time",
		"minimum_age=old":                 "/minimum_age",
		"modified_after=yesterday":        "/modified_after",
		"per_page=1000":                   "/per_page",
		"page=0":                          "/page",
		"search=a&search=b":               "/search",
		"text=garden":                     "/text",
		"organization_id=" + orgA:         "",
		"taxonomy_id=socialrx-activities": "",
	} {
		res := e.do("", "GET", "/oruk/service_at_locations?"+q, nil)
		if ptr == "" {
			assert.Equal(t, http.StatusOK, res.status, "%s: %s", q, res.body)
			continue
		}
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", q, res.body)
		assert.Equal(t, ptr, problemOf(t, res).Errors[0].Pointer, q)
	}
}
