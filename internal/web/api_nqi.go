package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/sampling"
)

// The JSON API of the quality-infrastructure registers and the annual report:
//
//	GET  /api/v1/quality/{register}?q=&FIELD=&limit=&offset=  → {"total","items"}
//	POST /api/v1/quality/{register}                            → 201 with the record
//	GET  /api/v1/quality/{register}/{id}                       → the record
//	PUT  /api/v1/quality/{register}/{id} {…, "version"}        → the record
//	GET  /api/v1/quality/schema                                → the registers' fields
//	GET  /api/v1/reports/quality?year=2019                     → the report
//	GET  /api/v1/reports/quality/{key}?year=2019               → what stands behind a figure

// decodeNQIInput reads a JSON object of field values. Values may be strings or
// numbers (written as given) or null (empty); anything else is an error beside the
// field. version is taken out for edits.
func decodeNQIInput(r *http.Request) (nqi.Input, int, error) {
	var raw map[string]json.RawMessage
	if err := decodeJSON(r, &raw); err != nil {
		return nil, 0, err
	}
	if raw == nil {
		return nil, 0, qcity.Errorf(qcity.EMALFORMED, "web.json_not_object")
	}
	in := nqi.Input{}
	version := 0
	var errs []qcity.FieldError
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		if k == "version" {
			n, err := strconv.Atoi(string(v))
			if err != nil || n <= 0 {
				errs = append(errs, qcity.Field("version", "web.json_type", "want", "number"))
			}
			version = n
			continue
		}
		switch {
		case len(v) == 0 || string(v) == "null":
			in[k] = ""
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				errs = append(errs, qcity.Field(k, "web.json_type", "want", "string"))
				continue
			}
			in[k] = s
		case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
			in[k] = string(v)
		default:
			errs = append(errs, qcity.Field(k, "web.json_type", "want", "string"))
		}
	}
	if len(errs) > 0 {
		return nil, 0, qcity.Invalid(errs...)
	}
	return in, version, nil
}

func (s *Server) handleAPINQIList(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	f, err := s.nqiFilterOf(k, r.URL.Query())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.NQI.Find(r.Context(), k, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPINQIGet(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rec, err := s.NQI.Get(r.Context(), k, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rec)
}

func (s *Server) handleAPINQICreate(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	in, _, err := decodeNQIInput(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	delete(in, "version")
	rec, err := s.NQI.Create(r.Context(), k, in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/quality/"+k.Slug+"/"+strconv.FormatInt(rec.ID, 10))
	s.writeJSON(w, r, http.StatusCreated, rec)
}

func (s *Server) handleAPINQIUpdate(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in, version, err := decodeNQIInput(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if version <= 0 {
		s.renderError(w, r, qcity.Invalid(qcity.Field("version", "registry.required")))
		return
	}
	rec, err := s.NQI.Update(r.Context(), k, id, in, version)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rec)
}

// schemaField describes a field to API clients.
type schemaField struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Label    string   `json:"label"`
	LabelEN  string   `json:"label_en"`
	Required bool     `json:"required"`
	Computed bool     `json:"computed"`
	Options  []string `json:"options,omitempty"`
	Filter   bool     `json:"filter"`
	Min      *int     `json:"min,omitempty"`
	Max      *int     `json:"max,omitempty"`
	Default  string   `json:"default,omitempty"`
}

type schemaKind struct {
	Name    string        `json:"name"`
	Path    string        `json:"path"`
	Label   string        `json:"label"`
	LabelEN string        `json:"label_en"`
	Parent  string        `json:"parent,omitempty"`
	Fields  []schemaField `json:"fields"`
	Filters []string      `json:"filters"`
}

// nqiSchema describes every register: its path, fields, types, choices and filters.
func (s *Server) nqiSchema() []schemaKind {
	var out []schemaKind
	for _, k := range nqi.Kinds() {
		sk := schemaKind{Name: k.Name, Path: "/api/v1/quality/" + k.Slug, Parent: k.Parent,
			Label: s.Locale.T("zh-CN", "nqi.kind."+k.Name, nil), LabelEN: s.Locale.T("en", "nqi.kind."+k.Name, nil), Filters: []string{"q", "limit", "offset"}}
		for i := range k.Fields {
			f := &k.Fields[i]
			sf := schemaField{Name: f.Name, Type: f.Type.String(), Required: f.Required, Computed: f.Computed,
				Options: f.Options(), Filter: f.Filter || f.Type == nqi.TParent, Default: f.Default,
				Label: s.Locale.T("zh-CN", "nqi.f."+k.Name+"."+f.Name, nil), LabelEN: s.Locale.T("en", "nqi.f."+k.Name+"."+f.Name, nil)}
			if f.Type == nqi.TInt {
				lo, hi := f.Min, f.Max
				sf.Min, sf.Max = &lo, &hi
			}
			sk.Fields = append(sk.Fields, sf)
			if sf.Filter {
				sk.Filters = append(sk.Filters, f.Name)
			}
		}
		for _, ef := range k.Filters {
			sk.Filters = append(sk.Filters, ef.Name)
		}
		out = append(out, sk)
	}
	return out
}

func (s *Server) handleAPINQISchema(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]any{"registers": s.nqiSchema()})
}

// reportYear reads the year of a report request; it is required.
func reportYear(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	n, err := strconv.Atoi(v)
	if err != nil || nqi.ValidYear(n) != nil {
		return 0, qcity.Invalid(qcity.Field("year", "nqi.error.report_year", "min", nqi.FirstReportYear, "max", nqi.LastReportYear))
	}
	return n, nil
}

func (s *Server) handleAPIQualityReport(w http.ResponseWriter, r *http.Request) {
	year, err := reportYear(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := s.NQI.Report(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

func (s *Server) handleAPIQualityDrill(w http.ResponseWriter, r *http.Request) {
	year, err := reportYear(r)
	var errs []qcity.FieldError
	if err != nil {
		errs = append(errs, qcity.AsError(err).Fields...)
	}
	limit, offset, perrs := pageOf(r.URL.Query(), 100)
	errs = append(errs, perrs...)
	if limit > nqi.MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", nqi.MaxPageSize))
	}
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	d, err := s.NQI.Drill(r.Context(), r.PathValue("key"), year, limit, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	out := map[string]any{"key": d.Key, "year": d.Year}
	switch {
	case d.Kind != nil:
		out["register"] = d.Kind.Name
		out["total"] = d.Total
		out["items"] = d.Items
		if d.Coverage != nil {
			out["coverage_by_region"] = d.Coverage
			out["coverage_total"] = d.CoverageTotal
			out["coverage_on"] = d.CoverageOn
		}
	case d.Stats != nil:
		out["filter"] = map[string]any{"kind": d.Stats.Kind, "level": d.Stats.Level, "year": d.Stats.Year}
		out["total"] = d.StatsTotal
		rows := d.StatsRows
		if rows == nil {
			rows = []sampling.StatsRow{}
		}
		out["by_region"] = rows
	default:
		out["annual_report_year"] = d.RankingYear
		out["ranking"] = d.Ranking
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) handleAPIBenchmarkLeaders(w http.ResponseWriter, r *http.Request) {
	year, items, err := s.leaders(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"year": year, "items": items})
}
