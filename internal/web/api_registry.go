package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/locale"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// usccResult is the answer of GET /api/v1/uscc/{code}, the same shape for valid and
// invalid codes.
type usccResult struct {
	Valid                     bool   `json:"valid"`
	Code                      string `json:"code"`
	RegistrationAuthority     string `json:"registration_authority"`
	RegistrationAuthorityName string `json:"registration_authority_name"`
	EntityType                string `json:"entity_type"`
	EntityTypeName            string `json:"entity_type_name"`
	RegionCode                string `json:"region_code"`
	RegionName                string `json:"region_name"`
	OrgCode                   string `json:"org_code"`
	Error                     string `json:"error"`
	ErrorEN                   string `json:"error_en"`
	ErrorKey                  string `json:"error_key"`
}

// handleAPIUSCC validates a unified social credit code and explains it; 200 for valid
// and invalid codes alike.
func (s *Server) handleAPIUSCC(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("code")
	code := uscc.Normalize(raw)
	res := usccResult{Code: code}
	lang := reqFrom(r.Context()).Lang
	c, err := uscc.Parse(code)
	if err != nil {
		qe := qcity.AsError(err)
		res.Error = s.Locale.T(locale.ZH, qe.Key, qe.Args)
		res.ErrorEN = s.Locale.T(locale.EN, qe.Key, qe.Args)
		res.ErrorKey = qe.Key
		if len(code) > 64 {
			res.Code = code[:64]
		}
	} else {
		res.Valid = true
		res.RegistrationAuthority = string(c.Authority)
		res.RegistrationAuthorityName = s.Locale.T(lang, c.AuthorityKey(), nil)
		res.EntityType = string(c.Type)
		res.EntityTypeName = s.Locale.T(lang, c.EntityTypeKey(), nil)
		res.RegionCode = c.RegionCode
		res.RegionName = s.Registry.Regions().FullName(c.RegionCode)
		res.OrgCode = c.OrgCode
	}
	s.writeJSON(w, r, http.StatusOK, res)
}

type regionJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code"`
	Level      int    `json:"level"`
}

func regionOf(d region.Division) regionJSON {
	return regionJSON{Code: d.Code, Name: d.Name, ParentCode: d.ParentCode, Level: d.Level}
}

// handleAPIRegions lists the jurisdiction (the prefecture and its counties), or with
// ?parent=CODE the children of any division (?parent= with no value: the provinces).
func (s *Server) handleAPIRegions(w http.ResponseWriter, r *http.Request) {
	cat := s.Registry.Regions()
	if r.URL.Query().Has("parent") {
		parent := strings.TrimSpace(r.URL.Query().Get("parent"))
		if parent != "" {
			if _, ok := cat.Get(parent); !ok {
				s.renderError(w, r, qcity.Invalid(qcity.Field("parent", "region.unknown", "code", parent)))
				return
			}
		}
		items := []regionJSON{}
		for _, d := range cat.Children(parent) {
			items = append(items, regionOf(d))
		}
		s.writeJSON(w, r, http.StatusOK, map[string]any{"parent": parent, "items": items})
		return
	}
	items := []regionJSON{}
	for _, d := range s.Jurisdiction.Counties {
		items = append(items, regionOf(d))
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"jurisdiction": regionOf(s.Jurisdiction.Prefecture), "items": items})
}

// handleAPIIndustries lists GB/T 4754 classes: the sections, or with ?parent=CODE the
// children of a class.
func (s *Server) handleAPIIndustries(w http.ResponseWriter, r *http.Request) {
	cat := s.Registry.Industries()
	parent := strings.TrimSpace(r.URL.Query().Get("parent"))
	items := []map[string]any{}
	list := cat.Sections()
	if parent != "" {
		if _, ok := cat.Get(parent); !ok {
			s.renderError(w, r, qcity.Invalid(qcity.Field("parent", "industry.unknown", "code", parent)))
			return
		}
		list = cat.Children(parent)
	}
	for _, c := range list {
		items = append(items, map[string]any{"code": c.Code, "name": c.Name, "parent_code": c.ParentCode,
			"section": c.Section, "level": c.Level})
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"parent": parent, "items": items})
}

// entityFilterOf reads the list filters of entity lists (UI and API).
func entityFilterOf(r *http.Request) (registry.EntityFilter, error) {
	q := r.URL.Query()
	f := registry.EntityFilter{Q: q.Get("q"), Region: strings.TrimSpace(q.Get("region")),
		Industry: strings.TrimSpace(q.Get("industry")), Status: strings.TrimSpace(q.Get("status")),
		Type: strings.TrimSpace(q.Get("type"))}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 20)
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	return f, nil
}

// publicEntity hides internal bookkeeping from callers outside the bureau.
func publicEntity(a qcity.Actor, e registry.Entity) registry.Entity {
	if !a.IsOfficial() {
		e.NeedsCheck = false
		e.Source = ""
	}
	return e
}

func (s *Server) handleAPIEntityList(w http.ResponseWriter, r *http.Request) {
	f, err := entityFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Registry.FindEntities(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a := reqFrom(r.Context()).Actor
	for i := range items {
		items[i] = publicEntity(a, items[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "limit": f.Limit, "offset": f.Offset, "items": items})
}

func (s *Server) handleAPIEntity(w http.ResponseWriter, r *http.Request) {
	e, err := s.entityOfPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, publicEntity(reqFrom(r.Context()).Actor, e))
}

func (s *Server) handleAPIEntityCreate(w http.ResponseWriter, r *http.Request) {
	var in registry.EntityInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	e, err := s.Registry.CreateEntity(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/entities/"+e.USCC)
	s.writeJSON(w, r, http.StatusCreated, e)
}

// entityUpdate is the body of PUT /api/v1/entities/{uscc}: the whole entity and the
// version it was read at.
type entityUpdate struct {
	registry.EntityInput
	Version int `json:"version"`
}

func (s *Server) handleAPIEntityUpdate(w http.ResponseWriter, r *http.Request) {
	var in entityUpdate
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	if in.Version <= 0 {
		s.renderError(w, r, qcity.Invalid(qcity.Field("version", "registry.required")))
		return
	}
	code := r.PathValue("uscc")
	if in.USCC != "" && uscc.Normalize(in.USCC) != uscc.Normalize(code) {
		s.renderError(w, r, qcity.Invalid(qcity.Field("uscc", "registry.uscc_immutable")))
		return
	}
	e, err := s.Registry.UpdateEntity(r.Context(), code, in.EntityInput, in.Version)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, e)
}

func (s *Server) handleAPIProductList(w http.ResponseWriter, r *http.Request) {
	e, err := s.entityOfPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, err := s.Registry.FindProducts(r.Context(), e.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": len(items), "items": items})
}

func (s *Server) handleAPIProductCreate(w http.ResponseWriter, r *http.Request) {
	var in registry.ProductInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Registry.AddProduct(r.Context(), r.PathValue("uscc"), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, p)
}

func orgFilterOf(r *http.Request) (registry.OrganisationFilter, error) {
	q := r.URL.Query()
	f := registry.OrganisationFilter{Kind: strings.TrimSpace(q.Get("kind")), Q: q.Get("q"),
		Region: strings.TrimSpace(q.Get("region")), Status: strings.TrimSpace(q.Get("status"))}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 20)
	if f.Limit > registry.MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", registry.MaxPageSize))
	}
	if f.Kind != "" {
		ok := false
		for _, k := range registry.OrgKinds {
			ok = ok || string(k) == f.Kind
		}
		if !ok {
			errs = append(errs, qcity.Field("kind", "registry.org_kind_unknown", "value", f.Kind))
		}
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

func (s *Server) handleAPIOrgList(w http.ResponseWriter, r *http.Request) {
	f, err := orgFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Registry.FindOrganisations(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	return id, nil
}

func (s *Server) handleAPIOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o, err := s.Registry.FindOrganisationByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, o)
}

func (s *Server) handleAPIOrgCreate(w http.ResponseWriter, r *http.Request) {
	var in registry.OrganisationInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	o, err := s.Registry.CreateOrganisation(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/organisations/"+strconv.FormatInt(o.ID, 10))
	s.writeJSON(w, r, http.StatusCreated, o)
}

type orgUpdate struct {
	registry.OrganisationInput
	Version int `json:"version"`
}

func (s *Server) handleAPIOrgUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in orgUpdate
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	if in.Version <= 0 {
		s.renderError(w, r, qcity.Invalid(qcity.Field("version", "registry.required")))
		return
	}
	o, err := s.Registry.UpdateOrganisation(r.Context(), id, in.OrganisationInput, in.Version)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, o)
}

// auditFilterOf reads the audit log filters; a county official is held to its region.
func auditFilterOf(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	a := reqFrom(r.Context()).Actor
	f := audit.Filter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		ObjectType: strings.TrimSpace(q.Get("object_type")), ObjectID: strings.TrimSpace(q.Get("object_id")),
		Region: strings.TrimSpace(q.Get("region"))}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 50)
	for _, p := range []struct {
		name string
		end  bool
	}{{"from", false}, {"to", true}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		d, err := qcity.ParseDate(v)
		if err != nil {
			errs = append(errs, qcity.Field(p.name, "registry.date_format", "value", v))
			continue
		}
		t := d.Time().Add(-8 * time.Hour) // midnight in China
		if p.end {
			t = t.Add(24 * time.Hour)
			f.To = t
		} else {
			f.From = t
		}
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	if a.Region != "" && !strings.HasPrefix(f.Region, a.Region) {
		f.Region = a.Region
	}
	return f, nil
}

func (s *Server) handleAPIAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := audit.Find(r.Context(), s.DB, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if items == nil {
		items = []audit.Entry{}
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) {
	a := reqFrom(r.Context()).Actor
	s.writeJSON(w, r, http.StatusOK, map[string]any{"kind": a.Kind, "name": a.Name, "role": a.Role,
		"region_code": a.Region, "uscc": a.USCC})
}

// entityOfPath finds the entity named by the {uscc} path value; a malformed code is
// simply not found.
func (s *Server) entityOfPath(r *http.Request) (registry.Entity, error) {
	e, err := s.Registry.FindEntityByUSCC(r.Context(), r.PathValue("uscc"))
	if qcity.ErrorCode(err) == qcity.EINVALID {
		err = qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", uscc.Normalize(r.PathValue("uscc")))
	}
	return e, err
}

// pageOf reads the limit and offset query parameters.
func pageOf(q url.Values, defLimit int) (limit, offset int, errs []qcity.FieldError) {
	var fe *qcity.FieldError
	if limit, fe = intParam(q, "limit", defLimit); fe != nil {
		errs = append(errs, *fe)
	}
	if offset, fe = intParam(q, "offset", 0); fe != nil {
		errs = append(errs, *fe)
	}
	return limit, offset, errs
}
