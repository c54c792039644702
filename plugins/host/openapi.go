package host

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"

	"github.com/socialrx/socialrx/internal/schema"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI generates the OpenAPI 3.1 document of the routes from the same
// Go types the handlers decode and encode.
func openAPI(routes []route) ([]byte, error) {
	r := schema.Reflector()
	r.ExpandedStruct = false
	components := map[string]any{}
	ref := func(v any) map[string]any {
		s := r.Reflect(v)
		for name, def := range s.Definitions {
			components[name] = def
		}
		name := strings.TrimPrefix(s.Ref, "#/$defs/")
		if name == "" {
			name = reflect.TypeOf(v).Name()
			components[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
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
