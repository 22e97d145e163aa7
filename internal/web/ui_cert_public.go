package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/registry"
)

// The public pages of certification (认证证书查验): verification by number or holder,
// the certificate's page with its live status and QR code, the printable verification
// sheet, and the landing page a scanned QR code opens.

// CertURL is the address of a certificate's page (numbers may hold a "/").
func (p *page) CertURL(number string) string { return "/certificates/" + url.PathEscape(number) }

// CertBadge is the badge class of a certificate status, after UI.md's colours: valid
// green, suspended orange, revoked red, cancelled and expired grey.
func (p *page) CertBadge(st certification.Status) string {
	switch st {
	case certification.StatusValid:
		return "status-active"
	case certification.StatusSuspended:
		return "warn"
	case certification.StatusRevoked:
		return "red"
	}
	return "grey"
}

// Today is the bureau's date.
func (p *page) Today() qcity.Date { return qcity.DateOf(p.S.Clock.Now()) }

// TokenErrText says why a token does not verify, in the page's language.
func (p *page) TokenErrText(e *certification.TokenError) string {
	return p.S.Locale.T(p.R.Lang, e.Key, e.Args)
}

// WarnText is a warning in the page's language.
func (p *page) WarnText(w certification.Warning) string { return p.S.Locale.T(p.R.Lang, w.Key, w.Args) }

// ReasonText is the text of a status reason with its CCC article, if any.
func (p *page) ReasonText(scheme certification.Scheme, code string) string {
	if code == "" {
		return ""
	}
	t := p.T("cert.reason." + code)
	if r, ok := certification.ReasonOf(code); ok && r.Article != "" && scheme == certification.SchemeCCC {
		t += p.T("certui.article", "article", r.Article)
	}
	return t
}

type certVerifyData struct {
	Number, Holder string
	By             string // number | holder
	Tried          bool
	Result         *certification.Verification
	Items          []certification.Certificate
	Pager
}

// handleCertVerifyPage is the public verification page: a number (with, optionally,
// the holder who showed it), or a holder's name or USCC to list its certificates.
func (s *Server) handleCertVerifyPage(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	q := r.URL.Query()
	d := &certVerifyData{Number: strings.TrimSpace(q.Get("number")), Holder: strings.TrimSpace(q.Get("holder")), By: q.Get("by")}
	p := s.newPage(r, s.Locale.T(rq.Lang, "certui.verify_title", nil), "cert_verify")
	p.Data = d
	status := http.StatusOK
	switch {
	case d.By == "holder" && d.Holder != "":
		d.Tried = true
		limit, offset, errs := pageOf(q, 20)
		if len(errs) > 0 {
			s.renderError(w, r, qcity.Invalid(errs...))
			return
		}
		items, total, err := s.Certification.FindCertificates(r.Context(), certification.Filter{Q: d.Holder, Limit: limit, Offset: offset})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.Items, d.Pager = items, newPager(total, limit, offset)
	case d.Number != "":
		d.Tried, d.By = true, "number"
		v, err := s.Certification.Verify(r.Context(), d.Number, certification.VerifyOptions{Holder: d.Holder})
		if err != nil {
			qe := qcity.AsError(err)
			if qe.Code != qcity.EINVALID {
				s.renderError(w, r, err)
				return
			}
			p.Error, p.Fields, status = qe, s.fieldMessages(rq.Lang, qe), statusOf(qe.Code)
			break
		}
		d.Result = &v
	}
	s.render(w, r, status, "cert_verify", p)
}

type certPageData struct {
	C        certification.Certificate
	History  []certification.Event
	Verify   certification.Verification
	Token    string
	TokenURL string
	QRSVG    template.HTML
	Check    *certification.TokenCheck
	// For the issuing body (or a city official): the changes it may record now.
	CanAct    bool
	Statuses  []certification.Status
	Reasons   map[certification.Status][]certification.Reason
	CanRenew  bool
	Flags     []certification.Flag
	Today     qcity.Date
	RenewFrom qcity.Date
}

// certPage gathers a certificate's page.
func (s *Server) certPage(r *http.Request, number string) (*certPageData, error) {
	c, err := s.Certification.FindCertificate(r.Context(), number)
	if err != nil {
		return nil, err
	}
	d := &certPageData{C: c, Today: qcity.DateOf(s.Clock.Now()), Reasons: map[certification.Status][]certification.Reason{}}
	if d.History, err = s.Certification.History(r.Context(), c.ID); err != nil {
		return nil, err
	}
	if d.Verify, err = s.Certification.Verify(r.Context(), c.Number, certification.VerifyOptions{NoLead: true}); err != nil {
		return nil, err
	}
	if t, _, err := s.Certification.TokenOf(r.Context(), c.Number); err == nil {
		d.Token, d.TokenURL = t, tokenURL(r, t)
		if qr, err := certification.EncodeQR(d.TokenURL); err == nil {
			d.QRSVG = template.HTML(qr.SVG()) // built from the module matrix alone: no input text inside
		}
	}
	a := reqFrom(r.Context()).Actor
	d.CanAct = a.Authenticated() && (a.Role == qcity.RoleAdmin || a.Role == qcity.RoleCityOfficial ||
		a.Role == qcity.RoleCertificationBody && a.OrgID == c.BodyID)
	if d.CanAct {
		from := c.Status
		if from != certification.StatusExpired && d.Today.After(c.ExpiresOn) {
			from = certification.StatusExpired
		}
		for _, st := range certification.Statuses {
			if rs := certification.ReasonsTo(from, st); len(rs) > 0 {
				d.Statuses = append(d.Statuses, st)
				d.Reasons[st] = rs
			}
		}
		d.CanRenew = certification.MayRenew(c.Scheme, c.Status, c.ExpiresOn, d.Today) && c.BodyStatus == registry.OrgValid
		d.RenewFrom = c.ExpiresOn.AddDays(-90)
		d.Flags, _, _ = s.Certification.FindFlags(r.Context(), certification.FlagFilter{Number: c.Number, Limit: 20})
	}
	return d, nil
}

// handleCertPage shows a certificate: its facts, live status and warnings, history, QR
// code, and for its body the status, renewal and flag forms.
func (s *Server) handleCertPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.certPage(r, r.PathValue("number"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, d.C.Number, "cert_verify")
	s.flashSaved(p, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "cert_detail", p)
}

func (s *Server) certQR(w http.ResponseWriter, r *http.Request) (*certification.QR, bool) {
	t, _, err := s.Certification.TokenOf(r.Context(), r.PathValue("number"))
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	qr, err := certification.EncodeQR(tokenURL(r, t))
	if err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return nil, false
	}
	return qr, true
}

func (s *Server) handleCertQRPNG(w http.ResponseWriter, r *http.Request) {
	qr, ok := s.certQR(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(qr.PNG(8))
}

func (s *Server) handleCertQRSVG(w http.ResponseWriter, r *http.Request) {
	qr, ok := s.certQR(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'none'")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + qr.SVG()))
}

// handleCertSheet is the printable verification sheet (证书验证单): A4, bureau header,
// the certificate, its live status on the day printed, the QR code, the token and the
// public key to check it offline.
func (s *Server) handleCertSheet(w http.ResponseWriter, r *http.Request) {
	d, err := s.certPage(r, r.PathValue("number"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.CanAct = false
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.sheet_title", nil), "cert_verify")
	p.Data = struct {
		*certPageData
		Key     string
		Printed string
	}{d, func() string { k, _ := s.Certification.TokenKey(); return k }(), s.Clock.Now().In(qcity.China).Format("2006-01-02 15:04")}
	s.render(w, r, http.StatusOK, "cert_sheet", p)
}

// handleCertToken is what a scanned QR code opens: the token checked against this
// server's key, and the live status of the certificate it names.
func (s *Server) handleCertToken(w http.ResponseWriter, r *http.Request) {
	tc, err := s.Certification.CheckToken(r.Context(), r.PathValue("token"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.token_title", nil), "cert_verify")
	p.Data = &tc
	status := http.StatusOK
	if !tc.Valid {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "cert_token", p)
}

// CertStatuses lists the certificate statuses, for filters.
func (p *page) CertStatuses() []certification.Status { return certification.Statuses }
