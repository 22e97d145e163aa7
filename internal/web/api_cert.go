package web

import (
	"net/http"
	"net/url"
	"strings"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/locale"
)

// The certification API (认证监管): the public list, verification and QR tokens; the
// bodies' registration, status changes, renewals and answers to flags; the officials'
// leads, cases and oversight figures.

// Role sets of the certification routes.
var (
	// certRegistrars record certificates: the bodies, and city-level officials on a
	// body's notice.
	certRegistrars = []qcity.Role{qcity.RoleCertificationBody, qcity.RoleAdmin, qcity.RoleCityOfficial}
	// certViewers see the registry's working lists: bodies (their own) and officials.
	certViewers = []qcity.Role{qcity.RoleCertificationBody, qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial}
)

func (s *Server) registerCertRoutes() {
	pub := func(method, pattern string, h http.HandlerFunc) { s.handle(method, pattern, Public, nil, h) }
	// lookup: public, and limited for anonymous callers (each unknown number is a lead).
	lookup := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Public, nil, h).Limited = true
	}
	nonPublic := func(method, pattern string, roles []qcity.Role, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, roles, h).NonPublic = true
	}
	official := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, officials, h).NonPublic = true
	}

	// Public portal: verification (证书查验), certificate pages, QR codes.
	lookup("GET", "/certificates", s.handleCertVerifyPage)
	lookup("GET", "/certificates/{number}", s.handleCertPage)
	pub("GET", "/certificates/{number}/qr.png", s.handleCertQRPNG)
	pub("GET", "/certificates/{number}/qr.svg", s.handleCertQRSVG)
	pub("GET", "/certificates/{number}/sheet", s.handleCertSheet)
	lookup("GET", "/q/{token}", s.handleCertToken)
	// Bodies' portal and officials' registry.
	nonPublic("GET", "/cert", certViewers, s.handleCertList)
	nonPublic("GET", "/cert/export", certViewers, s.handleCertExport)
	nonPublic("GET", "/cert/new", certRegistrars, s.handleCertNew)
	nonPublic("POST", "/cert", certRegistrars, s.handleCertCreate)
	nonPublic("GET", "/cert/import", certRegistrars, s.handleCertImportForm)
	nonPublic("GET", "/cert/import/template", certRegistrars, s.handleCertTemplate)
	nonPublic("POST", "/cert/import", certRegistrars, s.handleCertImport)
	nonPublic("POST", "/certificates/{number}/status", certRegistrars, s.handleCertStatus)
	nonPublic("POST", "/certificates/{number}/renew", certRegistrars, s.handleCertRenew)
	nonPublic("GET", "/cert/flags", certViewers, s.handleCertFlags)
	nonPublic("GET", "/cert/flags/export", certViewers, s.handleCertFlagsExport)
	nonPublic("POST", "/cert/flags/{id}/response", certRegistrars, s.handleCertFlagRespond)
	official("GET", "/cert/leads", s.handleCertLeads)
	official("GET", "/cert/leads/export", s.handleCertLeadsExport)
	official("POST", "/cert/leads/{id}/dismiss", s.handleCertLeadDismiss)
	official("GET", "/cert/cases", s.handleCertCases)
	official("GET", "/cert/cases/export", s.handleCertCasesExport)
	official("POST", "/cert/cases", s.handleCertCaseOpen)
	official("GET", "/cert/cases/{id}", s.handleCertCase)
	upload := s.handle("POST", "/cert/cases/{id}/evidence", Roles, officials, s.handleCertCaseEvidence)
	upload.NonPublic, upload.MaxUpload = true, certification.MaxTotalBytes+1<<20
	official("GET", "/cert/cases/documents/{id}", s.handleCertCaseDocument)
	official("POST", "/cert/cases/{id}/outcome", s.handleCertCaseOutcome)
	official("POST", "/cert/cases/{id}/penalty", s.handleCertCasePenalty)
	official("POST", "/cert/cases/{id}/serious", s.handleCertCaseSerious)
	official("GET", "/cert/bodies", s.handleCertBodies)
	official("GET", "/cert/bodies/export", s.handleCertBodiesExport)
	// Approvals are granted above the city; the city's own officials record them.
	nonPublic("POST", "/cert/bodies/{id}/accreditation", []qcity.Role{qcity.RoleAdmin, qcity.RoleCityOfficial}, s.handleCertAccreditation)
	official("GET", "/cert/oversight", s.handleCertOversight)

	// JSON API.
	lookup("GET", "/api/v1/certificates", s.handleAPICertList)
	nonPublic("POST", "/api/v1/certificates", certRegistrars, s.handleAPICertCreate)
	pub("GET", "/api/v1/certificates/key", s.handleAPICertKey)
	lookup("GET", "/api/v1/certificates/{number}", s.handleAPICert)
	lookup("GET", "/api/v1/certificates/{number}/verify", s.handleAPICertVerify)
	pub("GET", "/api/v1/certificates/{number}/token", s.handleAPICertToken)
	nonPublic("POST", "/api/v1/certificates/{number}/status", certRegistrars, s.handleAPICertStatus)
	nonPublic("POST", "/api/v1/certificates/{number}/renew", certRegistrars, s.handleAPICertRenew)
	nonPublic("GET", "/api/v1/certification/flags", certViewers, s.handleAPICertFlags)
	nonPublic("POST", "/api/v1/certification/flags/{id}/response", certRegistrars, s.handleAPICertFlagRespond)
	official("GET", "/api/v1/certification/leads", s.handleAPICertLeads)
	official("GET", "/api/v1/certification/cases", s.handleAPICertCases)
	official("POST", "/api/v1/certification/cases", s.handleAPICertCaseOpen)
	official("GET", "/api/v1/certification/oversight", s.handleAPICertOversight)
}

// localizeWarnings fills the Chinese and English texts of warnings.
func (s *Server) localizeWarnings(ws []certification.Warning) {
	for i := range ws {
		ws[i].Message = s.Locale.T(locale.ZH, ws[i].Key, ws[i].Args)
		ws[i].MessageEN = s.Locale.T(locale.EN, ws[i].Key, ws[i].Args)
	}
}

// certFilterOf reads the list filters of the API and the pages.
func certFilterOf(q url.Values, defLimit int) (certification.Filter, []qcity.FieldError) {
	limit, offset, errs := pageOf(q, defLimit)
	return certification.Filter{Q: q.Get("q"), HolderUSCC: q.Get("holder_uscc"), Issuer: q.Get("issuer"), Status: q.Get("status"),
		Scheme: q.Get("scheme"), Region: q.Get("region"), Limit: limit, Offset: offset}, errs
}

func (s *Server) handleAPICertList(w http.ResponseWriter, r *http.Request) {
	f, errs := certFilterOf(r.URL.Query(), certification.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Certification.FindCertificates(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPICertCreate(w http.ResponseWriter, r *http.Request) {
	var in certification.CertificateInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	res, err := s.Certification.RegisterCertificate(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localizeWarnings(res.Warnings)
	s.writeJSON(w, r, http.StatusCreated, res)
}

func (s *Server) handleAPICertKey(w http.ResponseWriter, r *http.Request) {
	key, err := s.Certification.TokenKey()
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(key + "\n"))
}

// certDetail is a certificate with its history, as the API and the page give it.
type certDetail struct {
	certification.Certificate
	History []certification.Event `json:"history"`
}

func (s *Server) handleAPICert(w http.ResponseWriter, r *http.Request) {
	c, err := s.Certification.FindCertificate(r.Context(), r.PathValue("number"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h, err := s.Certification.History(r.Context(), c.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, certDetail{Certificate: c, History: h})
}

func (s *Server) handleAPICertVerify(w http.ResponseWriter, r *http.Request) {
	v, err := s.Certification.Verify(r.Context(), r.PathValue("number"), certification.VerifyOptions{Holder: r.URL.Query().Get("holder")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localizeWarnings(v.Warnings)
	s.writeJSON(w, r, http.StatusOK, v)
}

// baseURL is the address the server is reached at, for the links QR codes carry.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// tokenURL is what a certificate's QR code carries: the landing page of its token.
func tokenURL(r *http.Request, token string) string { return baseURL(r) + "/q/" + token }

func (s *Server) handleAPICertToken(w http.ResponseWriter, r *http.Request) {
	t, c, err := s.Certification.TokenOf(r.Context(), r.PathValue("number"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"token": t, "url": tokenURL(r, t), "number": c.Number})
}

func (s *Server) handleAPICertStatus(w http.ResponseWriter, r *http.Request) {
	var in certification.StatusChange
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.Certification.ChangeStatus(r.Context(), r.PathValue("number"), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, c)
}

func (s *Server) handleAPICertRenew(w http.ResponseWriter, r *http.Request) {
	var in certification.Renewal
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.Certification.Renew(r.Context(), r.PathValue("number"), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, c)
}

func flagFilterOf(q url.Values) (certification.FlagFilter, []qcity.FieldError) {
	limit, offset, errs := pageOf(q, 50)
	return certification.FlagFilter{State: q.Get("state"), Number: q.Get("number"), Limit: limit, Offset: offset}, errs
}

func (s *Server) handleAPICertFlags(w http.ResponseWriter, r *http.Request) {
	f, errs := flagFilterOf(r.URL.Query())
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Certification.FindFlags(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPICertFlagRespond(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in certification.FlagResponse
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	f, err := s.Certification.RespondFlag(r.Context(), id, in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, f)
}

func (s *Server) handleAPICertLeads(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, errs := pageOf(q, 50)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Certification.FindLeads(r.Context(), certification.LeadFilter{State: q.Get("state"), Kind: q.Get("kind"),
		Q: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPICertCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, errs := pageOf(q, 50)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Certification.FindCases(r.Context(), certification.CaseFilter{State: q.Get("state"), Q: q.Get("q"),
		Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPICertCaseOpen(w http.ResponseWriter, r *http.Request) {
	var in certification.CaseInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.Certification.OpenCase(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, c)
}

// localizeAnomalies fills the Chinese and English texts of anomalies.
func (s *Server) localizeAnomalies(as []certification.Anomaly) {
	for i := range as {
		as[i].Text = s.Locale.T(locale.ZH, as[i].Key, as[i].Args)
		as[i].TextEN = s.Locale.T(locale.EN, as[i].Key, as[i].Args)
	}
}

func (s *Server) handleAPICertOversight(w http.ResponseWriter, r *http.Request) {
	o, err := s.Certification.Oversight(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localizeAnomalies(o.Anomalies)
	s.writeJSON(w, r, http.StatusOK, o)
}
