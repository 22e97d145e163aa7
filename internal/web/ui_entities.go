package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

type listData struct {
	Filter     registry.EntityFilter
	Items      []registry.Entity
	Total      int
	Page       int
	Pages      int
	PrevOffset int
	NextOffset int
	HasPrev    bool
	HasNext    bool
	Statuses   []registry.Status
	Types      []registry.EntityType
}

func pageInfo(d *listData) {
	limit := max(d.Filter.Limit, 1)
	d.Page = d.Filter.Offset/limit + 1
	d.Pages = (d.Total + limit - 1) / limit
	d.HasPrev = d.Filter.Offset > 0
	d.PrevOffset = max(0, d.Filter.Offset-limit)
	d.HasNext = d.Filter.Offset+limit < d.Total
	d.NextOffset = d.Filter.Offset + limit
}

// listEntities runs the search behind the workspace list and the public search.
func (s *Server) listEntities(w http.ResponseWriter, r *http.Request, tmpl, nav, title string) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, title, nav)
	d := &listData{Statuses: registry.Statuses, Types: registry.EntityTypes}
	f, err := entityFilterOf(r)
	d.Filter = f
	if err == nil && (tmpl != "search" || strings.TrimSpace(f.Q) != "") {
		d.Items, d.Total, err = s.Registry.FindEntities(r.Context(), f)
	}
	status := http.StatusOK
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields, status = qe, s.fieldMessages(rq.Lang, qe), statusOf(qe.Code)
	}
	pageInfo(d)
	p.Data = d
	s.render(w, r, status, tmpl, p)
}

func (s *Server) handleEntityList(w http.ResponseWriter, r *http.Request) {
	s.listEntities(w, r, "entities", "entities", s.Locale.T(reqFrom(r.Context()).Lang, "ui.entities", nil))
}

func (s *Server) handlePublicSearch(w http.ResponseWriter, r *http.Request) {
	s.listEntities(w, r, "search", "search", s.Locale.T(reqFrom(r.Context()).Lang, "ui.search", nil))
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.home", nil), "home")
	p.Data = map[string]int{"entities": s.Registry.IndexLen()}
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Server) handleEntityExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := entityFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Render into memory first, so a failure half-way yields an error page rather than
	// a truncated file.
	var buf strings.Builder
	label := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	if _, err := s.Registry.ExportEntities(r.Context(), &buf, f, string(rq.Lang), label); err != nil {
		s.renderError(w, r, err)
		return
	}
	name := fmt.Sprintf("entities-%s.xlsx", s.Clock.Now().In(qcity.China).Format("20060102-150405"))
	writeXLSX(w, name, []byte(buf.String()))
}

type entityFormData struct {
	Input    registry.EntityInput
	Former   string
	Version  int
	Edit     bool
	Types    []registry.EntityType
	Statuses []registry.Status
}

func (s *Server) entityForm(r *http.Request, in registry.EntityInput, version int, edit bool) *entityFormData {
	return &entityFormData{Input: in, Former: strings.Join(in.FormerNames, "\n"), Version: version, Edit: edit,
		Types: registry.EntityTypes, Statuses: registry.Statuses}
}

func (s *Server) handleEntityNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.entity_new", nil), "entities")
	in := registry.EntityInput{Status: string(registry.StatusActive), Region: rq.Actor.Region}
	p.Data = s.entityForm(r, in, 0, false)
	s.render(w, r, http.StatusOK, "entity_form", p)
}

func entityInputOf(r *http.Request) registry.EntityInput {
	f := r.PostFormValue
	return registry.EntityInput{USCC: f("uscc"), Name: f("name"), Type: f("entity_type"),
		LegalRepresentative: f("legal_representative"), Address: f("address"), Region: f("region_code"),
		Industry: f("industry_code"), EstablishedOn: f("established_on"), Status: f("status"),
		RegisteredCapital: f("registered_capital"),
		FormerNames:       strings.FieldsFunc(f("former_names"), func(r rune) bool { return r == '\n' || r == '；' || r == ';' })}
}

// formFailure shows a form again with the user's input and each error beside its field.
func (s *Server) formFailure(w http.ResponseWriter, r *http.Request, err error, tmpl, title, nav string, data any) {
	qe := qcity.AsError(err)
	if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	rq := reqFrom(r.Context())
	p := s.newPage(r, title, nav)
	p.Error, p.Fields, p.Data = qe, s.fieldMessages(rq.Lang, qe), data
	s.render(w, r, statusOf(qe.Code), tmpl, p)
}

func (s *Server) handleEntityCreate(w http.ResponseWriter, r *http.Request) {
	in := entityInputOf(r)
	e, err := s.Registry.CreateEntity(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "entity_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.entity_new", nil),
			"entities", s.entityForm(r, in, 0, false))
		return
	}
	http.Redirect(w, r, "/entities/"+e.USCC+"?saved=1", http.StatusSeeOther)
}

type entityDetailData struct {
	Entity   registry.Entity
	Products []registry.Product
	Code     uscc.Code
	Product  registry.ProductInput
	CanEdit  bool
}

func (s *Server) entityDetail(w http.ResponseWriter, r *http.Request, tmpl, nav string) (*page, *entityDetailData, bool) {
	rq := reqFrom(r.Context())
	e, err := s.entityOfPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	products, err := s.Registry.FindProducts(r.Context(), e.ID)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	code, _ := uscc.Parse(e.USCC)
	d := &entityDetailData{Entity: e, Products: products, Code: code,
		CanEdit: rq.Actor.IsOfficial() && rq.Actor.CoversRegion(e.Region)}
	p := s.newPage(r, e.Name, nav)
	p.Data = d
	return p, d, true
}

func (s *Server) handleEntityDetail(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.entityDetail(w, r, "entity", "entities")
	if !ok {
		return
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("ui.saved")
	}
	s.render(w, r, http.StatusOK, "entity", p)
}

func (s *Server) handlePublicEntity(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.entityDetail(w, r, "public_entity", "search")
	if !ok {
		return
	}
	d.Entity = publicEntity(reqFrom(r.Context()).Actor, d.Entity)
	s.render(w, r, http.StatusOK, "public_entity", p)
}

func (s *Server) handleEntityEdit(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	e, err := s.entityOfPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !rq.Actor.CoversRegion(e.Region) {
		s.renderError(w, r, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region"))
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.entity_edit", nil), "entities")
	p.Data = s.entityForm(r, e.Input(), e.Version, true)
	s.render(w, r, http.StatusOK, "entity_form", p)
}

func (s *Server) handleEntityUpdate(w http.ResponseWriter, r *http.Request) {
	in := entityInputOf(r)
	in.USCC = r.PathValue("uscc")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	e, err := s.Registry.UpdateEntity(r.Context(), r.PathValue("uscc"), in, version)
	if err != nil {
		s.formFailure(w, r, err, "entity_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.entity_edit", nil),
			"entities", s.entityForm(r, in, version, true))
		return
	}
	http.Redirect(w, r, "/entities/"+e.USCC+"?saved=1", http.StatusSeeOther)
}

func (s *Server) handleProductCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	in := registry.ProductInput{Name: f("name"), Brand: f("brand"), Model: f("model"), Category: f("category"),
		StandardCode: f("standard_code")}
	_, err := s.Registry.AddProduct(r.Context(), r.PathValue("uscc"), in)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p, d, ok := s.entityDetail(w, r, "entity", "entities")
		if !ok {
			return
		}
		d.Product = in
		p.Error, p.Fields = qe, s.fieldMessages(reqFrom(r.Context()).Lang, qe)
		s.render(w, r, statusOf(qe.Code), "entity", p)
		return
	}
	http.Redirect(w, r, "/entities/"+uscc.Normalize(r.PathValue("uscc"))+"?saved=1#products", http.StatusSeeOther)
}
