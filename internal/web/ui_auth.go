package web

import (
	"net/http"

	"qcity"
)

type loginData struct {
	Username string
	Next     string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	next := safeNext(r.URL.Query().Get("next"))
	if rq.Actor.Authenticated() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.login", nil), "")
	p.Data = loginData{Next: next}
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	u, err := s.Auth.Authenticate(r.Context(), username, password, qcity.ClientIPFrom(r.Context()))
	if err == nil {
		var token string
		token, _, err = s.Auth.CreateSession(r.Context(), u.ID, qcity.ClientIPFrom(r.Context()), r.UserAgent())
		if err == nil {
			s.setSessionCookie(w, token)
			if next == "/" && u.Actor().IsOfficial() {
				next = "/entities"
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	qe := qcity.AsError(err)
	if qe.Code == qcity.EINTERNAL {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.login", nil), "")
	p.Error = qe
	p.Data = loginData{Username: username, Next: next}
	s.render(w, r, statusOf(qe.Code), "login", p)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	if rq.SessionToken != "" {
		if err := s.Auth.Logout(r.Context(), rq.SessionToken); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.account", nil), "account")
	if r.URL.Query().Get("changed") == "1" {
		p.Flash = s.Locale.T(rq.Lang, "ui.password_changed", nil)
	}
	s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	if rq.User == nil {
		s.renderError(w, r, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden"))
		return
	}
	newPass := r.PostFormValue("new_password")
	if newPass != r.PostFormValue("confirm_password") {
		p := s.newPage(r, s.Locale.T(rq.Lang, "ui.account", nil), "account")
		p.Error = qcity.Invalid(qcity.Field("confirm_password", "ui.password_mismatch"))
		p.Fields = s.fieldMessages(rq.Lang, p.Error)
		s.render(w, r, http.StatusUnprocessableEntity, "account", p)
		return
	}
	err := s.Auth.ChangePassword(r.Context(), rq.User.ID, r.PostFormValue("old_password"), newPass, rq.SessionToken)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p := s.newPage(r, s.Locale.T(rq.Lang, "ui.account", nil), "account")
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
		s.render(w, r, http.StatusUnprocessableEntity, "account", p)
		return
	}
	http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
}
