package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/socialrx/socialrx/internal/schema"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// componentName is what OpenAPI allows as a component's name.
var componentName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// openAPI generates the OpenAPI 3.1 document of the routes from the same
// Go types the handlers decode and encode. name gives each Go type its
// component name; two distinct types given one name are an error, never a
// silent merge.
func openAPI(routes []route, name func(reflect.Type) string) ([]byte, error) {
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
	paths := map[string]map[string]any{}
	problem := map[string]any{"description": "A problem (RFC 9457)", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref(Problem{})}}}
	for _, rt := range routes {
		op := map[string]any{"summary": rt.Summary, "operationId": operationID(rt)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if rt.Create {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string"}})
		}
		if rt.Update {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.Body)}}}
		}
		ok := map[string]any{"description": "OK"}
		if rt.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.Response)}}
		}
		status := "200"
		if rt.Create {
			status = "201"
		}
		op["responses"] = map[string]any{status: ok, "default": problem}
		if rt.Public {
			op["security"] = []any{}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	if len(clashes) > 0 {
		return nil, fmt.Errorf("openapi: component names collide: %s", strings.Join(slices.Sorted(maps.Keys(clashes)), "; "))
	}
	for n := range components {
		if !componentName.MatchString(n) {
			return nil, fmt.Errorf("openapi: component name %q is not of the form %s", n, componentName)
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "socialrx host API", "version": "1",
			"description": "Referrals, plans, the directory and outcomes of a social prescribing service. Bodies are validated against the published JSON Schemas; errors are RFC 9457 problems."},
		"paths": paths,
		"components": map[string]any{
			"schemas":         components,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	// Schemas reflected as documents refer to their definitions under
	// $defs; in OpenAPI they live under components.
	return []byte(strings.ReplaceAll(string(b), "#/$defs/", "#/components/schemas/")), nil
}

func operationID(rt route) string {
	p := pathParam.ReplaceAllString(rt.Path, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(strings.Trim(p, "/"))
	return strings.ToLower(rt.Method) + "_" + p
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
