package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// componentName is what OpenAPI allows as a component's name.
var componentName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// openAPI generates the OpenAPI 3.1 document of the routes from the same
// route table the handlers are registered from: every path (as a client
// writes it: "/oruk/" for the mux's "/oruk/{$}", and a preflight on
// "/oruk/{path...}" as an OPTIONS operation on each ORUK path), its path,
// header and query parameters, request body, every status the route can
// answer (each problem status by what the route does) and its security.
// The schemas are reflected from the Go types the handlers decode and
// encode; name gives each Go type its component name, and two distinct
// types given one name are an error, never a silent merge. With prefix,
// the document has only the routes under it, their paths relative to it
// (the server URL).
func openAPI(routes []route, name func(reflect.Type) string, prefix string) ([]byte, error) {
	r := schema.Reflector()
	r.ExpandedStruct = false
	named := map[string]reflect.Type{}
	clashes := map[string]bool{}
	r.Namer = func(t reflect.Type) string {
		n := name(t)
		if n == "" {
			return ""
		}
		if prev, ok := named[n]; ok && prev != t {
			clashes[fmt.Sprintf("%s and %s are both named %q", prev, t, n)] = true
		}
		named[n] = t
		return n
	}
	components := map[string]any{}
	ref := func(v any) map[string]any {
		s := r.Reflect(v)
		schema.Limit(s)
		for n, def := range s.Definitions {
			components[n] = def
		}
		n := strings.TrimPrefix(s.Ref, "#/$defs/")
		if n == "" {
			n = r.Namer(reflect.TypeOf(v))
			s.Definitions, s.Version = nil, ""
			components[n] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + n}
	}
	problem := map[string]any{"application/problem+json": map[string]any{"schema": ref(Problem{})}}
	if prefix != "" {
		routes = slices.DeleteFunc(slices.Clone(routes), func(rt route) bool { return !strings.HasPrefix(rt.Path, prefix+"/") })
	}
	// docPath is the path of a mux pattern as the document gives it.
	docPath := func(p string) string {
		p = strings.TrimSuffix(p, "{$}")
		return strings.TrimPrefix(p, prefix)
	}
	paths := map[string]map[string]any{}
	add := func(path, method string, op map[string]any) {
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		op["operationId"] = operationID(method, path)
		paths[path][strings.ToLower(method)] = op
	}
	for _, rt := range routes {
		if strings.HasSuffix(rt.Path, "{path...}") {
			continue // an OPTIONS operation on each path under it, below
		}
		add(docPath(rt.Path), rt.Method, operation(rt, ref, problem))
	}
	for _, rt := range routes {
		base, wild := strings.CutSuffix(rt.Path, "{path...}")
		if !wild {
			continue
		}
		for _, other := range routes {
			if p := docPath(other.Path); strings.HasPrefix(other.Path, base) && other.Path != rt.Path && paths[p][strings.ToLower(rt.Method)] == nil {
				add(p, rt.Method, operation(route{Method: rt.Method, Path: other.Path, Summary: rt.Summary, Public: rt.Public,
					Static: rt.Static, Status: rt.Status, Response: rt.Response, Media: rt.Media}, ref, problem))
			}
		}
	}
	if len(clashes) > 0 {
		return nil, fmt.Errorf("openapi: component names collide: %s", strings.Join(slices.Sorted(maps.Keys(clashes)), "; "))
	}
	for n := range components {
		if !componentName.MatchString(n) {
			return nil, fmt.Errorf("openapi: component name %q is not of the form %s", n, componentName)
		}
	}
	info := map[string]any{"title": "socialrx host API", "version": "1",
		"description": "Referrals, plans, the directory and outcomes of a social prescribing service. Bodies are validated against the published JSON Schemas; errors are RFC 9457 problems. A query parameter a route does not declare is refused (400)."}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    info,
		"paths":   paths,
		"components": map[string]any{
			"schemas":         components,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
	if prefix != "" {
		info["title"] = "socialrx Open Referral UK read API"
		info["description"] = "The public Open Referral UK 3.0 (HSDS-UK 3.0) read API of a socialrx host. Lists carry each item's one-to-one fields; single items are fully nested. A query parameter an endpoint does not declare is refused (400)."
		doc["servers"] = []any{map[string]any{"url": prefix, "description": "relative to this document"}}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	// Schemas reflected as documents refer to their definitions under
	// $defs; in OpenAPI they live under components.
	return []byte(strings.ReplaceAll(string(b), "#/$defs/", "#/components/schemas/")), nil
}

// operation is the OpenAPI operation of a route.
func operation(rt route, ref func(any) map[string]any, problem map[string]any) map[string]any {
	op := map[string]any{"summary": rt.Summary}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string", "maxLength": 1024}})
	}
	for _, p := range rt.Query {
		s := p.Schema
		if p.Many {
			s = map[string]any{"type": "array", "items": p.Schema, "maxItems": 100}
		}
		// Values such as times (10:00) and breakdowns (rows:columns) hold
		// characters a client may send as they are.
		q := map[string]any{"name": p.Name, "in": "query", "required": false, "description": p.Description, "schema": s, "allowReserved": true}
		if p.Many {
			q["style"], q["explode"] = "form", true
		}
		params = append(params, q)
	}
	if rt.Create {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "description": "Makes a retried create return what the first one made (422 when reused for a different body).",
			"schema": map[string]any{"type": "string", "maxLength": 200}})
	}
	if rt.Update {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "description": "The ETag of the version the update changes (428 without, 412 when stale).",
			"schema": map[string]any{"type": "string", "maxLength": 40}})
	}
	if !rt.Public {
		params = append(params, map[string]any{"name": "X-Purpose", "in": "header", "description": "Why the caller reads or changes the record, kept in the audit log.",
			"schema": map[string]any{"type": "string", "maxLength": host.MaxPurpose}})
	}
	if params != nil {
		op["parameters"] = params
	}
	switch {
	case rt.Body != nil:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.Body)}}}
	case rt.RawBody:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
	ok := map[string]any{"description": "OK"}
	content := map[string]any{}
	switch {
	case rt.OrResponse != nil:
		content["application/json"] = map[string]any{"schema": map[string]any{"anyOf": []any{ref(rt.Response), ref(rt.OrResponse)}}}
	case rt.Response != nil:
		content["application/json"] = map[string]any{"schema": ref(rt.Response)}
	}
	for mt, s := range rt.Media {
		if s == "" {
			s = map[string]any{"type": "string"}
		}
		content[mt] = map[string]any{"schema": s}
	}
	if len(content) > 0 {
		ok["content"] = content
	}
	status := rt.Status
	switch {
	case status != 0:
	case rt.Create:
		status = http.StatusCreated
		ok["description"] = "Created"
		ok["headers"] = map[string]any{
			"Location": map[string]any{"description": "Where the new record is read.", "schema": map[string]any{"type": "string"}},
			"ETag":     map[string]any{"description": "The new record's version.", "schema": map[string]any{"type": "string"}},
		}
	default:
		status = http.StatusOK
	}
	if status == http.StatusNoContent {
		ok = map[string]any{"description": "No Content"}
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	for _, st := range problemStatuses(rt) {
		responses[strconv.Itoa(st)] = map[string]any{"description": http.StatusText(st) + " (RFC 9457 problem)", "content": problem}
	}
	op["responses"] = responses
	if rt.Public {
		op["security"] = []any{}
	}
	return op
}

// problemStatuses are the error statuses a route can answer, by what it
// does.
func problemStatuses(rt route) []int {
	// Every route refuses an undeclared query parameter and a malformed
	// Authorization header.
	out := []int{http.StatusBadRequest, http.StatusUnauthorized}
	add := func(when bool, sts ...int) {
		if when {
			out = append(out, sts...)
		}
	}
	add(!rt.Public, http.StatusForbidden)
	add(pathParam.MatchString(rt.Path), http.StatusNotFound)
	add(rt.Create || rt.Update || rt.RawBody, http.StatusConflict)
	add(rt.Update, http.StatusPreconditionFailed, http.StatusPreconditionRequired)
	add(rt.Body != nil || rt.RawBody, http.StatusRequestEntityTooLarge)
	add(rt.Body != nil, http.StatusUnsupportedMediaType)
	add(rt.Create, http.StatusUnprocessableEntity)
	add(!rt.Static, http.StatusInternalServerError, http.StatusServiceUnavailable)
	out = append(out, rt.Problems...)
	slices.Sort(out)
	return slices.Compact(out)
}

// componentNamer names the Go types the routes use as OpenAPI components:
// a type's own name, qualified with its package's name ("plan.Contact")
// where types of two packages share that name, and a generic type's name
// joined to its type arguments' ("List_Referral").
func componentNamer(routes []route) func(reflect.Type) string {
	pkgs := map[string]map[string]bool{} // bare name → packages that have a type of that name
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			if t.Kind() == reflect.Map {
				walk(t.Key())
			}
			t = t.Elem()
		}
		if seen[t] {
			return
		}
		seen[t] = true
		if t.Name() != "" && t.PkgPath() != "" {
			base, _, _ := strings.Cut(t.Name(), "[")
			if pkgs[base] == nil {
				pkgs[base] = map[string]bool{}
			}
			pkgs[base][t.PkgPath()] = true
		}
		if t.Kind() == reflect.Struct {
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeOf(Problem{}))
	for _, rt := range routes {
		for _, v := range []any{rt.Body, rt.Response} {
			if v != nil {
				walk(reflect.TypeOf(v))
			}
		}
	}
	// qualify names a type of package path pkg by its bare name, or by
	// package and name where another package has a type of that name.
	qualify := func(pkg, bare string) string {
		if len(pkgs[bare]) > 1 {
			return pkg[strings.LastIndex(pkg, "/")+1:] + "." + bare
		}
		return bare
	}
	return func(t reflect.Type) string {
		if t.Name() == "" {
			return ""
		}
		base, args, generic := strings.Cut(t.Name(), "[")
		n := qualify(t.PkgPath(), base)
		if !generic {
			return n
		}
		for _, arg := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
			pkg, bare := "", arg
			if i := strings.LastIndex(arg, "."); i >= 0 {
				pkg, bare = arg[:i], arg[i+1:]
			}
			n += "_" + qualify(pkg, bare)
		}
		return n
	}
}

// operationID names an operation by its method and path:
// "get_v1_referrals_by_id".
func operationID(method, path string) string {
	p := pathParam.ReplaceAllString(path, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(strings.Trim(p, "/"))
	if p == "" {
		p = "root"
	}
	return strings.ToLower(method) + "_" + p
}
