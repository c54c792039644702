package httpapi

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/socialrx/socialrx/plugins/host"
)

// schemaRoutes list the published JSON Schemas for vendors; each is served
// by GET /v1/schemas/{name} (a system route).
func schemaRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/schemas", Summary: "List the published JSON Schemas, with their $id and where each is served", Public: true, Response: SchemaList{},
			h: func(c *call) error { return c.ok(0, schemaList()) }},
	}
}

// SchemaList is the list of the published JSON Schemas.
type SchemaList struct {
	// Schemas are every published schema, by name.
	Schemas []SchemaEntry `json:"schemas" jsonschema:"maxItems=1000"`
}

// SchemaEntry is one published JSON Schema.
type SchemaEntry struct {
	// Name is the schema's name, such as "referral".
	Name string `json:"name" jsonschema:"maxLength=64"`
	// ID is the schema's $id: stable, with the contract's version in it.
	ID string `json:"id" jsonschema:"format=uri"`
	// URL is where this API serves it, /v1/schemas/<name>.json.
	URL string `json:"url" jsonschema:"maxLength=200"`
	// Title is the schema's title.
	Title string `json:"title,omitempty" jsonschema:"maxLength=200"`
}

// schemaList lists host.Schemas by name.
func schemaList() SchemaList {
	all := host.Schemas()
	out := SchemaList{Schemas: make([]SchemaEntry, 0, len(all))}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		var head struct {
			ID    string `json:"$id"`
			Title string `json:"title"`
		}
		_ = json.Unmarshal(all[name], &head) // the host's tests compile every one
		out.Schemas = append(out.Schemas, SchemaEntry{Name: name, ID: head.ID, URL: "/v1/schemas/" + name + ".json", Title: head.Title})
	}
	return out
}
