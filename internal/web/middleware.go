package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/auth"
	"qcity/internal/locale"
)

const (
	sessionCookie = "qcity_session"
	csrfCookie    = "qcity_csrf"
	langCookie    = "qcity_lang"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

// request is the per-request state the middleware fills in for handlers.
type request struct {
	ID           string
	Lang         locale.Lang
	Actor        qcity.Actor
	User         *auth.User
	SessionToken string
	CSRF         string // the token forms must echo
	Route        *Route
	Start        time.Time
}

type reqKey struct{}

func reqFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(reqKey{}).(*request); ok {
		return r
	}
	return &request{Lang: locale.ZH, Actor: qcity.Anonymous}
}

// statusWriter records the status code and size for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// crossOrigin rejects unsafe cross-origin browser requests (by Sec-Fetch-Site and
// Origin); it is a second layer under the CSRF tokens.
var crossOrigin = http.NewCrossOriginProtection()

// serve is the outer middleware: request id, client address, security headers,
// recovery, logging, metrics, language and authentication.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := s.Clock.Now()
	rq := &request{ID: newRequestID(), Lang: locale.ZH, Actor: qcity.Anonymous, Start: start}
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && isToken(id) {
		rq.ID = id
	}
	sw := &statusWriter{ResponseWriter: w}
	h := sw.Header()
	h.Set("X-Request-Id", rq.ID)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")

	ip := s.clientIP(r)
	ctx := qcity.WithRequestID(r.Context(), rq.ID)
	ctx = qcity.WithClientIP(ctx, ip)
	ctx = context.WithValue(ctx, reqKey{}, rq)
	r = r.WithContext(ctx)

	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.Log.Error("panic", "request_id", rq.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if sw.status == 0 {
				s.renderError(sw, r, qcity.Internal(fmt.Errorf("panic: %v", p)))
			}
		}
		dur := s.Clock.Now().Sub(start)
		pattern := "unmatched"
		if rq.Route != nil {
			pattern = rq.Route.Method + " " + rq.Route.Pattern
		}
		s.metrics.observe(pattern, sw.status, dur)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.Log.Log(r.Context(), level, "request", "request_id", rq.ID, "method", r.Method, "path", r.URL.Path,
			"route", pattern, "status", sw.status, "bytes", sw.size, "duration_ms", float64(dur.Microseconds())/1000,
			"actor", rq.Actor.Name, "role", string(rq.Actor.Role), "ip", ip)
	}()

	rq.Lang = s.langOf(r)
	if err := s.authenticate(sw, r, rq); err != nil {
		s.renderError(sw, r, err)
		return
	}
	s.mux.ServeHTTP(sw, r.WithContext(qcity.WithActor(r.Context(), rq.Actor)))
}

func isToken(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// clientIP is the client's address: the connection's peer, unless the peer is one of
// Config.TrustedProxies, in which case the nearest address in X-Forwarded-For that is
// not a trusted proxy (proxies append, so the right end is the one a client cannot
// forge). Without trusted proxies the header is ignored: anyone could write it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.Config.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break // a malformed hop: trust nothing further left
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// langOf is the page language: Simplified Chinese unless the visitor chose English
// with the switch (a cookie). The browser's Accept-Language is not consulted: the
// bureau's system speaks Chinese first, whatever the machine's settings.
func (s *Server) langOf(r *http.Request) locale.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		return locale.Parse(c.Value)
	}
	return locale.ZH
}

// authenticate resolves the actor from a Bearer API key or the session cookie, and sets
// up the CSRF token for forms. A bad Bearer key is an error (401); a stale session
// cookie is simply dropped.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return qcity.Errorf(qcity.EUNAUTHORIZED, "auth.apikey_invalid")
		}
		k, err := s.Auth.APIKeyByToken(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		rq.Actor = k.Actor()
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		sess, u, err := s.Auth.SessionUser(r.Context(), c.Value)
		switch {
		case err == nil:
			rq.Actor, rq.User, rq.SessionToken, rq.CSRF = u.Actor(), &u, c.Value, sess.CSRFToken
			return nil
		case qcity.ErrorCode(err) == qcity.EUNAUTHORIZED:
			s.clearCookie(w, sessionCookie)
		default:
			return err
		}
	}
	// Anonymous visitors get a random CSRF cookie that their forms must echo
	// (double-submit), which protects the login form.
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 && isToken(c.Value) {
		rq.CSRF = c.Value
	} else {
		var b [32]byte
		rand.Read(b[:])
		rq.CSRF = base64.RawURLEncoding.EncodeToString(b[:])
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: rq.CSRF, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookie})
	}
	return nil
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookie})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookie,
		MaxAge: int(s.Auth.Config.SessionTTL / time.Second)})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// guard wraps a route's handler with its access check, CSRF check, body limit and, for
// non-public reads by API keys, the audit record.
func (s *Server) guard(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := reqFrom(r.Context())
		rq.Route = rt
		a := rq.Actor
		if !rt.Allows(a) {
			if !a.Authenticated() {
				if !rt.API() && r.Method == http.MethodGet {
					http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.renderError(w, r, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.login_required"))
				return
			}
			s.renderError(w, r, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden"))
			return
		}
		if rt.Limited && s.limiter != nil && !a.Authenticated() {
			if ok, wait := s.limiter.allow(qcity.ClientIPFrom(r.Context())); !ok {
				secs := int(wait / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				s.renderError(w, r, qcity.Errorf(qcity.ETOOMANY, "web.rate_limited", "seconds", secs))
				return
			}
		}
		if unsafeMethod(r.Method) {
			limit := s.Config.MaxBodyBytes
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = s.Config.MaxFileBytes
				if rt.MaxUpload > 0 {
					limit = rt.MaxUpload
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := s.checkCSRF(r, rq); err != nil {
				if rt.tooLarge != nil && qcity.ErrorCode(err) == qcity.ETOOLARGE {
					rt.tooLarge(w, r)
					return
				}
				s.renderError(w, r, err)
				return
			}
		}
		if (rt.NonPublic && a.Kind == qcity.ActorAPIKey || rt.CreditQuery) && r.Method == http.MethodGet {
			sw := &statusWriter{ResponseWriter: w}
			rt.handler(sw, r)
			if sw.status < 400 {
				s.auditRead(r, rt)
			}
			return
		}
		rt.handler(w, r)
	})
}

// checkCSRF accepts an unsafe request when it carries credentials a cross-site page
// cannot attach (an API key) or echoes the session's (or, before login, the cookie's)
// CSRF token, and when the browser does not flag it as cross-origin.
func (s *Server) checkCSRF(r *http.Request, rq *request) error {
	if rq.Actor.Kind == qcity.ActorAPIKey {
		return nil
	}
	if err := crossOrigin.Check(r); err != nil {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.csrf")
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(1 << 20)
		} else {
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return qcity.Errorf(qcity.ETOOLARGE, "web.body_too_large", "max_mib", tooBig.Limit>>20)
		}
		if err != nil {
			return qcity.Errorf(qcity.EINVALID, "web.bad_form")
		}
		got = r.PostFormValue(csrfField)
	}
	if rq.CSRF == "" || subtle.ConstantTimeCompare([]byte(got), []byte(rq.CSRF)) != 1 {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.csrf")
	}
	return nil
}

// auditRead records an API key's read of a non-public route.
func (s *Server) auditRead(r *http.Request, rt *Route) {
	now := s.Clock.Now().UTC()
	kind := "api"
	if rt.CreditQuery {
		kind = "credit_query"
	}
	err := audit.Write(r.Context(), s.DB, now, audit.Record{Action: audit.ActionRead, ObjectType: kind,
		ObjectID: rt.Pattern, Region: reqFrom(r.Context()).Actor.Region, Summary: r.URL.RequestURI()})
	if err != nil {
		s.Log.Error("audit read", "err", err, "request_id", reqFrom(r.Context()).ID)
	}
}
