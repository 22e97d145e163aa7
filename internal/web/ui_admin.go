package web

import (
	"net/http"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/auth"
	"qcity/internal/registry"
)

type orgListData struct {
	Filter registry.OrganisationFilter
	Items  []registry.Organisation
	Total  int
	Kinds  []registry.OrgKind
}

func (s *Server) handleOrgList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.organisations", nil), "organisations")
	f, err := orgFilterOf(r)
	d := &orgListData{Filter: f, Kinds: registry.OrgKinds}
	if err == nil {
		d.Items, d.Total, err = s.Registry.FindOrganisations(r.Context(), f)
	}
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "organisations", p)
}

type orgFormData struct {
	ID       int64
	Input    registry.OrganisationInput
	Version  int
	Kinds    []registry.OrgKind
	Statuses []registry.OrgStatus
}

func orgInputOf(r *http.Request) registry.OrganisationInput {
	f := r.PostFormValue
	return registry.OrganisationInput{Kind: f("kind"), Name: f("name"), USCC: f("uscc"), Region: f("region_code"),
		Address: f("address"), AccreditationNo: f("accreditation_no"), Scope: f("scope"), Status: f("status"),
		ValidUntil: f("valid_until"), Contact: f("contact"), Phone: f("phone")}
}

func (s *Server) handleOrgNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.org_new", nil), "organisations")
	p.Data = &orgFormData{Input: registry.OrganisationInput{Kind: r.URL.Query().Get("kind"), Region: rq.Actor.Region,
		Status: string(registry.OrgValid)}, Kinds: registry.OrgKinds, Statuses: registry.OrgStatuses}
	s.render(w, r, http.StatusOK, "org_form", p)
}

func (s *Server) handleOrgCreate(w http.ResponseWriter, r *http.Request) {
	in := orgInputOf(r)
	_, err := s.Registry.CreateOrganisation(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "org_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.org_new", nil), "organisations",
			&orgFormData{Input: in, Kinds: registry.OrgKinds, Statuses: registry.OrgStatuses})
		return
	}
	http.Redirect(w, r, "/organisations?kind="+in.Kind, http.StatusSeeOther)
}

func (s *Server) handleOrgEdit(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
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
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.org_edit", nil), "organisations")
	p.Data = &orgFormData{ID: o.ID, Input: o.Input(), Version: o.Version, Kinds: registry.OrgKinds, Statuses: registry.OrgStatuses}
	s.render(w, r, http.StatusOK, "org_form", p)
}

func (s *Server) handleOrgUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := orgInputOf(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	o, err := s.Registry.UpdateOrganisation(r.Context(), id, in, version)
	if err != nil {
		s.formFailure(w, r, err, "org_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.org_edit", nil), "organisations",
			&orgFormData{ID: id, Input: in, Version: version, Kinds: registry.OrgKinds, Statuses: registry.OrgStatuses})
		return
	}
	http.Redirect(w, r, "/organisations?kind="+string(o.Kind), http.StatusSeeOther)
}

type auditData struct {
	Filter  audit.Filter
	From    string
	To      string
	Items   []audit.Entry
	Total   int
	Actions []string
	HasPrev bool
	HasNext bool
	Prev    int
	Next    int
}

func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.audit", nil), "audit")
	f, err := auditFilterOf(r)
	d := &auditData{Filter: f, Actions: audit.Actions, From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	if err == nil {
		d.Items, d.Total, err = audit.Find(r.Context(), s.DB, f)
	}
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	limit := max(f.Limit, 1)
	d.HasPrev, d.Prev = f.Offset > 0, max(0, f.Offset-limit)
	d.HasNext, d.Next = f.Offset+limit < d.Total, f.Offset+limit
	p.Data = d
	s.render(w, r, http.StatusOK, "audit", p)
}

type usersData struct {
	Users    []auth.User
	Input    auth.NewUser
	Roles    []qcity.Role
	Counties any
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, in auth.NewUser, err error) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.users", nil), "users")
	users, ferr := s.Auth.FindUsers(r.Context())
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	if err != nil {
		qe := qcity.AsError(err)
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	in.Password = ""
	p.Data = &usersData{Users: users, Input: in, Roles: qcity.Roles, Counties: s.Jurisdiction.Counties}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("ui.saved")
	}
	s.render(w, r, status, "users", p)
}

func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, http.StatusOK, auth.NewUser{}, nil)
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	in := auth.NewUser{Username: f("username"), DisplayName: f("display_name"), Password: f("password"),
		Role: qcity.Role(f("role")), Region: f("region"), USCC: f("uscc")}
	if _, err := s.Auth.CreateUser(r.Context(), in); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.usersPage(w, r, statusOf(qe.Code), in, err)
		return
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, err := pathID(r)
	if err == nil && disabled && id == reqFrom(r.Context()).Actor.ID {
		err = qcity.Errorf(qcity.EINVALID, "ui.cannot_disable_self")
	}
	if err == nil {
		err = s.Auth.SetUserDisabled(r.Context(), id, disabled)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
}

func (s *Server) handleUserDisable(w http.ResponseWriter, r *http.Request) { s.setDisabled(w, r, true) }
func (s *Server) handleUserEnable(w http.ResponseWriter, r *http.Request)  { s.setDisabled(w, r, false) }

type apiKeysData struct {
	Keys     []auth.APIKey
	NewKey   string
	Roles    []qcity.Role
	Counties any
	Name     string
	Role     string
	Region   string
}

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request, status int, d *apiKeysData, err error) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.apikeys", nil), "apikeys")
	keys, ferr := s.Auth.FindAPIKeys(r.Context())
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	d.Keys, d.Roles, d.Counties = keys, auth.APIKeyRoles, s.Jurisdiction.Counties
	if err != nil {
		qe := qcity.AsError(err)
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("ui.saved")
	}
	p.Data = d
	s.render(w, r, status, "apikeys", p)
}

func (s *Server) handleAPIKeyList(w http.ResponseWriter, r *http.Request) {
	s.apiKeysPage(w, r, http.StatusOK, &apiKeysData{}, nil)
}

func (s *Server) handleAPIKeyCreate(w http.ResponseWriter, r *http.Request) {
	d := &apiKeysData{Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), Region: strings.TrimSpace(r.PostFormValue("region"))}
	key, _, err := s.Auth.CreateAPIKey(r.Context(), auth.APIKeyInput{Name: d.Name, Role: qcity.Role(d.Role), Region: d.Region, USCC: r.PostFormValue("uscc")})
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.apiKeysPage(w, r, statusOf(qe.Code), d, err)
		return
	}
	// The key is shown once, on this response, and never stored.
	s.apiKeysPage(w, r, http.StatusOK, &apiKeysData{NewKey: key}, nil)
}

func (s *Server) handleAPIKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, err = s.Auth.RevokeAPIKey(r.Context(), strconv.FormatInt(id, 10))
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/apikeys?saved=1", http.StatusSeeOther)
}
