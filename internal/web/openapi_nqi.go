package web

import (
	"encoding/json"
	"fmt"
	"strings"

	"qcity/internal/locale"
	"qcity/internal/nqi"
)

// The OpenAPI description of the quality-infrastructure API is built from the same
// register descriptions that drive the API, so it cannot drift from it, and merged
// into the hand-written openapi.json when the server starts.

type jsonObj = map[string]any

func errResp(desc string) jsonObj {
	return jsonObj{"description": desc, "content": jsonObj{"application/json": jsonObj{"schema": jsonObj{"$ref": "#/components/schemas/ErrorBody"}}}}
}

func okResp(desc string, schema jsonObj) jsonObj {
	return jsonObj{"description": desc, "content": jsonObj{"application/json": jsonObj{"schema": schema}}}
}

func ref(name string) jsonObj { return jsonObj{"$ref": "#/components/schemas/" + name} }

func queryParam(name, desc, typ string) jsonObj {
	return jsonObj{"name": name, "in": "query", "required": false, "description": desc, "schema": jsonObj{"type": typ}}
}

var bearerOrSession = []jsonObj{{"bearer": []string{}}, {"session": []string{}}}

// fieldSchema is the JSON schema of a field's value as the API returns it.
func fieldSchema(f *nqi.Field, label string) jsonObj {
	s := jsonObj{"description": label}
	switch f.Type {
	case nqi.TDate:
		s["type"], s["format"] = []string{"string", "null"}, "date"
	case nqi.TYear, nqi.TInt, nqi.TParent, nqi.TOrg:
		s["type"] = []string{"integer", "null"}
		if f.Type == nqi.TInt {
			s["minimum"], s["maximum"] = f.Min, f.Max
		}
	case nqi.TMoney:
		s["type"] = []string{"string", "null"}
		s["description"] = label + " (yuan, two decimals)"
	case nqi.TEnum:
		s["type"], s["enum"] = "string", append([]string{""}, f.Options()...)
	default:
		s["type"] = "string"
	}
	return s
}

// schemaName is the component name of a register's record: Standards → QualityStandards.
func schemaName(k *nqi.Kind) string {
	var b strings.Builder
	b.WriteString("Quality")
	for _, part := range strings.Split(k.Name, "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// nqiOpenAPI returns the paths and schemas of the quality-infrastructure API.
func (s *Server) nqiOpenAPI() (paths, schemas jsonObj) {
	paths, schemas = jsonObj{}, jsonObj{}
	en := func(key string) string { return s.Locale.T(locale.EN, key, nil) }
	for _, k := range nqi.Kinds() {
		name := schemaName(k)
		kindEN := en("nqi.kind." + k.Name)
		rec := jsonObj{"id": jsonObj{"type": "integer"}, "version": jsonObj{"type": "integer"},
			"created_at": jsonObj{"type": "string", "format": "date-time"}, "updated_at": jsonObj{"type": "string", "format": "date-time"}}
		input := jsonObj{}
		var required []string
		params := []jsonObj{queryParam("q", "Keyword: a fragment of the searchable fields, or an entity's name or USCC", "string")}
		for i := range k.Fields {
			f := &k.Fields[i]
			label := en("nqi.f." + k.Name + "." + f.Name)
			rec[f.Name] = fieldSchema(f, label)
			if f.Type == nqi.TUSCC && f.Entity || f.Type == nqi.TOrg || f.Type == nqi.TParent {
				rec[f.Name+"_name"] = jsonObj{"type": "string", "description": "Name of the " + strings.ToLower(label)}
			}
			if f.Input() {
				in := jsonObj{"type": []string{"string", "number", "null"}, "description": label + " (" + f.Type.String() + ")"}
				if f.Type == nqi.TEnum {
					in["description"] = label + ": " + strings.Join(f.Options(), " | ")
				}
				if f.Default != "" {
					in["default"] = f.Default
				}
				input[f.Name] = in
				if f.Required && f.Default == "" {
					required = append(required, f.Name)
				}
			}
			if f.Filter || f.Type == nqi.TParent {
				desc := label
				if f.Type == nqi.TEnum {
					desc += ": " + strings.Join(f.Options(), " | ") + " (several separated by commas)"
				}
				if f.Type == nqi.TRegion || f.Type == nqi.TRegionAny {
					desc += ": GB/T 2260 code or prefix"
				}
				typ := "string"
				if f.Type == nqi.TYear || f.Type == nqi.TParent || f.Type == nqi.TOrg {
					typ = "integer"
				}
				params = append(params, queryParam(f.Name, desc, typ))
			}
		}
		for _, ef := range k.Filters {
			desc := en("nqi.filter." + ef.Name)
			switch {
			case ef.Options != nil:
				desc += ": " + strings.Join(ef.Options, " | ")
			case ef.Date:
				desc += ": YYYY-MM-DD"
			case ef.Year:
				desc += ": a year"
			}
			params = append(params, queryParam(ef.Name, desc, "string"))
		}
		params = append(params, queryParam("limit", "Page size (at most 1000)", "integer"), queryParam("offset", "Offset", "integer"))
		schemas[name] = jsonObj{"type": "object", "description": en("nqi.kind_intro." + k.Name), "properties": rec}
		inputSchema := jsonObj{"type": "object", "description": "Field values as text (numbers accepted); computed fields are ignored", "properties": input}
		if len(required) > 0 {
			inputSchema["required"] = required
		}
		schemas[name+"Input"] = inputSchema
		update := jsonObj{"allOf": []jsonObj{ref(name + "Input"), {"type": "object", "required": []string{"version"},
			"properties": jsonObj{"version": jsonObj{"type": "integer", "description": "The version read; 409 if the record changed since"}}}}}
		schemas[name+"Update"] = update
		tags := []string{"quality"}
		idParam := jsonObj{"name": "id", "in": "path", "required": true, "schema": jsonObj{"type": "integer"}}
		base := "/api/v1/quality/" + k.Slug
		paths[base] = jsonObj{
			"get": jsonObj{"summary": kindEN, "description": en("nqi.kind_intro." + k.Name), "tags": tags, "security": bearerOrSession,
				"parameters": params, "responses": jsonObj{
					"200": okResp("A page of records", jsonObj{"type": "object", "required": []string{"total", "items"},
						"properties": jsonObj{"total": jsonObj{"type": "integer"}, "items": jsonObj{"type": "array", "items": ref(name)}}}),
					"401": errResp("Not authenticated"), "403": errResp("Not allowed"), "422": errResp("Bad filter")}},
			"post": jsonObj{"summary": "Enter: " + kindEN, "tags": tags, "security": bearerOrSession,
				"requestBody": jsonObj{"required": true, "content": jsonObj{"application/json": jsonObj{"schema": ref(name + "Input")}}},
				"responses": jsonObj{"201": okResp("Created", ref(name)), "400": errResp("Malformed JSON"), "401": errResp("Not authenticated"),
					"403": errResp("Not allowed (role or region)"), "409": errResp("Duplicate"), "422": errResp("Invalid fields")}},
		}
		paths[base+"/{id}"] = jsonObj{
			"get": jsonObj{"summary": kindEN + ": one record", "tags": tags, "security": bearerOrSession, "parameters": []jsonObj{idParam},
				"responses": jsonObj{"200": okResp("The record", ref(name)), "401": errResp("Not authenticated"),
					"403": errResp("Not allowed"), "404": errResp("No such record")}},
			"put": jsonObj{"summary": "Edit: " + kindEN, "description": "Fields left out keep their values.", "tags": tags,
				"security": bearerOrSession, "parameters": []jsonObj{idParam},
				"requestBody": jsonObj{"required": true, "content": jsonObj{"application/json": jsonObj{"schema": ref(name + "Update")}}},
				"responses": jsonObj{"200": okResp("The record", ref(name)), "400": errResp("Malformed JSON"), "401": errResp("Not authenticated"),
					"403": errResp("Not allowed"), "404": errResp("No such record"), "409": errResp("Changed meanwhile, or duplicate"),
					"422": errResp("Invalid fields")}},
		}
	}
	yearParam := jsonObj{"name": "year", "in": "query", "required": true, "description": "The report's year (2000–2100)", "schema": jsonObj{"type": "integer"}}
	keys := append([]string(nil), nqi.IndicatorKeys...)
	schemas["QualityIndicator"] = jsonObj{"type": "object", "required": []string{"key", "label", "value", "numerator", "denominator", "unit"},
		"properties": jsonObj{
			"key":         jsonObj{"type": "string", "enum": keys},
			"label":       jsonObj{"type": "string", "description": "Chinese label"},
			"label_en":    jsonObj{"type": "string"},
			"section":     jsonObj{"type": "string", "enum": []string{"quality", "infrastructure", "development", "credit"}},
			"value":       jsonObj{"type": "number", "description": "A count, or a percentage to two decimals (rounded half to even on the counts)"},
			"numerator":   jsonObj{"type": []string{"integer", "null"}, "description": "Passed, filed, covered; for a count the count"},
			"denominator": jsonObj{"type": []string{"integer", "null"}, "description": "Judged, due, existing; null for a count"},
			"unit":        jsonObj{"type": "string", "description": "% for rates; batch, standard, project, organisation, enterprise or record for counts"},
			"records":     jsonObj{"type": "string", "description": "The register whose records the figure counts, if any"},
		}}
	schemas["QualityReport"] = jsonObj{"type": "object", "required": []string{"year", "indicators"}, "properties": jsonObj{
		"year":               jsonObj{"type": "integer"},
		"as_of":              jsonObj{"type": "string", "format": "date", "description": "31 December of the year: point-in-time figures are counted that day"},
		"annual_report_year": jsonObj{"type": "integer", "description": "The year of the annual reports whose rate is shown (the year before)"},
		"indicators":         jsonObj{"type": "array", "items": ref("QualityIndicator")},
		"ranking": jsonObj{"type": "array", "items": jsonObj{"type": "object", "properties": jsonObj{
			"region_code": jsonObj{"type": "string"}, "name": jsonObj{"type": "string"}, "due": jsonObj{"type": "integer"},
			"filed": jsonObj{"type": "integer"}, "rate": jsonObj{"type": "number"}, "rank": jsonObj{"type": "integer"}}}},
		"generated_at": jsonObj{"type": "string", "format": "date-time"},
	}}
	tags := []string{"quality"}
	paths["/api/v1/reports/quality"] = jsonObj{"get": jsonObj{"summary": "The city's annual quality report",
		"description": "Public: the report is published, so no login is needed (anonymous callers are limited per address, like the other public lookups; a 429 says when to come back). Every indicator is computed from records when asked: pass rates from the sampling statistics, the annual report rate from the credit records, the rest from the quality-infrastructure registers. What stands behind a figure (/api/v1/reports/quality/{key}) is for officials.",
		"tags":        tags, "parameters": []jsonObj{yearParam},
		"responses": jsonObj{"200": okResp("The report", ref("QualityReport")), "422": errResp("Bad year"),
			"429": errResp("Too many anonymous requests from the address")}}}
	paths["/api/v1/reports/quality/{key}"] = jsonObj{"get": jsonObj{"summary": "What stands behind one figure of the report",
		"description": "Records counted (register figures: register, total, items), statistics by district (sampling figures: filter, total, by_region) or the districts' ranking (annual_report_rate).",
		"tags":        tags, "security": bearerOrSession, "parameters": []jsonObj{
			{"name": "key", "in": "path", "required": true, "schema": jsonObj{"type": "string", "enum": keys}}, yearParam,
			queryParam("limit", "Page size of records (at most 1000)", "integer"), queryParam("offset", "Offset", "integer")},
		"responses": jsonObj{"200": okResp("The drill-down", jsonObj{"type": "object", "required": []string{"key", "year"}}),
			"401": errResp("Not authenticated"), "403": errResp("Officials only"), "404": errResp("Unknown indicator"), "422": errResp("Bad year or page")}}}
	paths["/api/v1/quality/benchmarks/leaders"] = jsonObj{"get": jsonObj{"summary": "Benchmarking leaders of a year",
		"tags": tags, "security": bearerOrSession, "parameters": []jsonObj{queryParam("year", "Year (default: last year)", "integer")},
		"responses": jsonObj{"200": okResp("Leading products, most leading indicators first", jsonObj{"type": "object", "properties": jsonObj{
			"year": jsonObj{"type": "integer"}, "items": jsonObj{"type": "array", "items": ref(schemaName(nqi.Benchmarks))}}}),
			"401": errResp("Not authenticated"), "403": errResp("Officials only"), "422": errResp("Bad year")}}}
	paths["/api/v1/quality/schema"] = jsonObj{"get": jsonObj{"summary": "The quality-infrastructure registers: paths, fields, types, choices, filters",
		"tags": tags, "responses": jsonObj{"200": okResp("The registers", jsonObj{"type": "object", "properties": jsonObj{
			"registers": jsonObj{"type": "array", "items": jsonObj{"type": "object"}}}})}}}
	return paths, schemas
}

// mergeOpenAPI adds paths and schemas to the hand-written description.
func mergeOpenAPI(doc []byte, paths, schemas jsonObj) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("web: openapi.json: %w", err)
	}
	ps, _ := d["paths"].(map[string]any)
	comp, _ := d["components"].(map[string]any)
	ss, _ := comp["schemas"].(map[string]any)
	if ps == nil || ss == nil {
		return nil, fmt.Errorf("web: openapi.json has no paths or schemas")
	}
	for k, v := range paths {
		if _, dup := ps[k]; dup {
			return nil, fmt.Errorf("web: openapi path %s described twice", k)
		}
		ps[k] = v
	}
	for k, v := range schemas {
		if _, dup := ss[k]; dup {
			return nil, fmt.Errorf("web: openapi schema %s described twice", k)
		}
		ss[k] = v
	}
	return json.MarshalIndent(d, "", "  ")
}
