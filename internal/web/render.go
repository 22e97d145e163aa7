package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/locale"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(s *Server) (*templates, error) {
	funcs := template.FuncMap{
		"date": func(v any) string {
			switch d := v.(type) {
			case qcity.Date:
				return d.String()
			case time.Time:
				if d.IsZero() {
					return ""
				}
				return d.In(qcity.China).Format("2006-01-02 15:04:05")
			case *time.Time:
				if d == nil {
					return ""
				}
				return d.In(qcity.China).Format("2006-01-02 15:04:05")
			}
			return fmt.Sprint(v)
		},
		"num":       formatInt,
		"neg":       func(n int) int { return -n },
		"hasPrefix": strings.HasPrefix,
		"dict":      func() map[string]string { return map[string]string{} },
		"add":       func(a, b int) int { return a + b },
		"join":      strings.Join,
		"percent":   func(n, d int) string { return formatPercent(n, d) },
		"int":       func(n int64) int { return int(n) },
		"rate": func(n, d int) string { // the rate alone: 98.59%
			r, _, _ := strings.Cut(formatPercent(n, d), "（")
			return r
		},
		"counts": func(n, d int) string { // the counts alone: （31,008 / 31,451）
			if d == 0 {
				return ""
			}
			return "（" + formatInt(n) + " / " + formatInt(d) + "）"
		},
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		tp, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		t.pages[name] = tp
	}
	return t, nil
}

// formatInt writes n with thousands separators: 31451 → 31,451.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatPercent shows n/d to two decimals with the counts beside it, computed from the
// integers: 98.59%（31,008 / 31,451）.
func formatPercent(n, d int) string {
	if d == 0 {
		return "—"
	}
	// Round half to even on the exact quotient, in integers: 10000·n/d.
	q, r := (int64(n)*10000)/int64(d), (int64(n)*10000)%int64(d)
	if 2*r > int64(d) || (2*r == int64(d) && q%2 == 1) {
		q++
	}
	return fmt.Sprintf("%d.%02d%%（%s / %s）", q/100, q%100, formatInt(n), formatInt(d))
}

// page is what every template receives.
type page struct {
	S       *Server
	R       *request
	Title   string
	Nav     string // the highlighted navigation entry
	Flash   string
	Error   *qcity.Error
	Fields  map[string][]string // field → messages
	Data    any
	Path    string
	Query   url.Values
	Request *http.Request
	Refresh int // seconds before the page reloads itself (progress pages); 0 = never
}

// T translates key into the request's language; args are alternating name, value.
func (p *page) T(key string, args ...any) string {
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return p.S.Locale.T(p.R.Lang, key, m)
}

// ShowNav reports whether the page has the left navigation: for officials, labs,
// enterprises and certification bodies logged in through the browser.
func (p *page) ShowNav() bool {
	a := p.R.Actor
	return a.Kind == qcity.ActorUser && (a.IsOfficial() || a.Role == qcity.RoleLab || a.Role == qcity.RoleEnterprise ||
		a.Role == qcity.RoleCertificationBody)
}

// EN reports whether the page is in English.
func (p *page) EN() bool { return p.R.Lang == locale.EN }

// Lang returns the page's language tag for the html element.
func (p *page) Lang() string { return string(p.R.Lang) }

// ErrMsg renders the page's error banner text.
func (p *page) ErrMsg() string {
	if p.Error == nil {
		return ""
	}
	return p.S.Locale.T(p.R.Lang, p.Error.Key, p.Error.Args)
}

// FieldErr returns the messages for one form field.
func (p *page) FieldErr(field string) []string { return p.Fields[field] }

// RegionName returns the Chinese or English display of a region code.
func (p *page) RegionName(code string) string {
	if code == "" {
		return ""
	}
	if d, ok := p.S.Registry.Regions().Get(code); ok {
		return d.Name
	}
	return code
}

// IndustryName returns the name of a GB/T 4754 code.
func (p *page) IndustryName(code string) string {
	if c, ok := p.S.Registry.Industries().Get(code); ok {
		return c.Name
	}
	return code
}

// QueryWith returns the current query with key set to value (for pagination links).
func (p *page) QueryWith(key, value string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set(key, value)
	return "?" + q.Encode()
}

// Can reports whether the actor may use the route with the given method and pattern,
// so the UI shows only the buttons that work.
func (p *page) Can(method, pattern string) bool {
	for _, r := range p.S.routes {
		if r.Method == method && r.Pattern == pattern {
			return r.Allows(p.R.Actor)
		}
	}
	return false
}

func (s *Server) newPage(r *http.Request, title, nav string) *page {
	return &page{S: s, R: reqFrom(r.Context()), Title: title, Nav: nav, Path: r.URL.Path, Query: r.URL.Query(),
		Request: r}
}

// render executes a page template into a buffer and writes it, so a template error
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.renderError(w, r, qcity.Internal(fmt.Errorf("web: no template %q", name)))
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.Log.Error("template", "name", name, "err", err, "request_id", p.R.ID)
		if p.Error == nil || p.Error.Code != qcity.EINTERNAL {
			s.renderError(w, r, qcity.Internal(err))
		} else {
			http.Error(w, "internal error "+p.R.ID, http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeJSON encodes v into a buffer first, so an encoding failure never sends half a
// response.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// statusOf maps an error code to the HTTP status.
func statusOf(code string) int {
	switch code {
	case qcity.EINVALID:
		return http.StatusUnprocessableEntity
	case qcity.EMALFORMED:
		return http.StatusBadRequest
	case qcity.ENOTFOUND:
		return http.StatusNotFound
	case qcity.ECONFLICT:
		return http.StatusConflict
	case qcity.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case qcity.EFORBIDDEN:
		return http.StatusForbidden
	case qcity.ETOOMANY:
		return http.StatusTooManyRequests
	case qcity.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the JSON error body: the code, the message in Chinese and English, the
// per-field errors and the request id to quote to the administrator.
type apiError struct {
	Code      string          `json:"code"`
	Key       string          `json:"key"`
	Message   string          `json:"message"`
	MessageEN string          `json:"message_en"`
	Fields    []apiFieldError `json:"fields,omitempty"`
	RequestID string          `json:"request_id"`
}

type apiFieldError struct {
	Row       int            `json:"row,omitempty"`
	Field     string         `json:"field"`
	Key       string         `json:"key"`
	Args      map[string]any `json:"args,omitempty"`
	Message   string         `json:"message"`
	MessageEN string         `json:"message_en"`
}

func (s *Server) apiErrorOf(r *http.Request, qe *qcity.Error) apiError {
	rq := reqFrom(r.Context())
	e := apiError{Code: qe.Code, Key: qe.Key, Message: s.Locale.T(locale.ZH, qe.Key, qe.Args),
		MessageEN: s.Locale.T(locale.EN, qe.Key, qe.Args), RequestID: rq.ID}
	for _, f := range qe.Fields {
		e.Fields = append(e.Fields, apiFieldError{Row: f.Row, Field: f.Field, Key: f.Key, Args: f.Args,
			Message: s.Locale.T(locale.ZH, f.Key, f.Args), MessageEN: s.Locale.T(locale.EN, f.Key, f.Args)})
	}
	return e
}

// renderError answers with err as JSON (API routes) or an error page. Internal errors
// are logged in full and shown only as a generic message with the request id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	qe := qcity.AsError(err)
	rq := reqFrom(r.Context())
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		qe = qcity.Errorf(qcity.ETOOLARGE, "web.body_too_large", "max_mib", max(1, tooBig.Limit>>20))
	}
	if qe.Code == qcity.EINTERNAL {
		s.Log.Error("internal error", "request_id", rq.ID, "path", r.URL.Path, "err", err)
		qe = &qcity.Error{Code: qcity.EINTERNAL, Key: "error.internal"}
	}
	status := statusOf(qe.Code)
	if strings.HasPrefix(r.URL.Path, "/api/") || wantsJSON(r) {
		s.writeJSON(w, r, status, map[string]any{"error": s.apiErrorOf(r, qe)})
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "web.error_title", nil), "")
	p.Error = qe
	s.render(w, r, status, "error", p)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") &&
		!strings.Contains(r.Header.Get("Accept"), "text/html")
}

// fieldMessages turns an error's field errors into messages per field.
func (s *Server) fieldMessages(lang locale.Lang, qe *qcity.Error) map[string][]string {
	m := map[string][]string{}
	if qe == nil {
		return m
	}
	for _, f := range qe.Fields {
		m[f.Field] = append(m[f.Field], s.Locale.T(lang, f.Key, f.Args))
	}
	return m
}

// decodeJSON reads a JSON body strictly into v: unknown fields, wrong types, trailing
// data and oversized bodies are errors naming what is wrong.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return qcity.Errorf(qcity.EMALFORMED, "web.json_content_type")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return qcity.Errorf(qcity.EMALFORMED, "web.json_trailing")
		}
		return nil
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return qcity.Errorf(qcity.ETOOLARGE, "web.body_too_large", "max_mib", max(1, tooBig.Limit>>20))
	case errors.As(err, &typeErr) && typeErr.Type == reflect.TypeFor[qcity.Date]():
		return &qcity.Error{Code: qcity.EINVALID, Key: "error.invalid_fields",
			Fields: []qcity.FieldError{qcity.Field(typeErr.Field, "registry.date_format", "value", typeErr.Value)}}
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return qcity.Errorf(qcity.EMALFORMED, "web.json_not_object")
		}
		return &qcity.Error{Code: qcity.EINVALID, Key: "error.invalid_fields",
			Fields: []qcity.FieldError{qcity.Field(field, "web.json_type", "want", jsonTypeName(typeErr.Type.String()))}}
	case errors.As(err, &syntaxErr):
		return qcity.Errorf(qcity.EMALFORMED, "web.json_syntax", "offset", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &qcity.Error{Code: qcity.EINVALID, Key: "error.invalid_fields",
			Fields: []qcity.FieldError{qcity.Field(name, "web.json_unknown_field", "field", name)}}
	case err.Error() == "EOF":
		return qcity.Errorf(qcity.EMALFORMED, "web.json_empty")
	}
	return qcity.Errorf(qcity.EMALFORMED, "web.json_syntax", "offset", 0)
}

func jsonTypeName(t string) string {
	switch {
	case t == "string":
		return "string"
	case strings.HasPrefix(t, "[]"):
		return "array"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "float"):
		return "number"
	case t == "bool":
		return "boolean"
	}
	return "object"
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// intParam reads an optional non-negative integer query parameter.
func intParam(q url.Values, name string, def int) (int, *qcity.FieldError) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > math.MaxInt32 {
		f := qcity.Field(name, "web.int_param", "name", name)
		return 0, &f
	}
	return n, nil
}

// safeNext returns next if it is a local path, else "/": login redirects never leave
// the site. Besides "//host", browsers read a backslash as a slash and drop tabs and
// newlines from URLs ("/\t/host" is "//host"), and http.Redirect cleans the path
// ("/./\\host" becomes "/\\host"), so a next carrying any of them is refused.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(c rune) bool { return c == '\\' || c < 0x20 || c == 0x7f }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "/"
	}
	return next
}

// Counties lists the jurisdiction's districts and counties, for filters and forms.
func (p *page) Counties() any { return p.S.Jurisdiction.Counties }

// LangURL is the link that switches the language and returns to this page.
func (p *page) LangURL(to string) string {
	return "/lang?to=" + url.QueryEscape(to) + "&next=" + url.QueryEscape(p.Request.URL.RequestURI())
}

// uploadedFile returns the form's "file" upload. Without one it shows the page again
// (template tmpl) with the error beside the file field, and reports false.
func (s *Server) uploadedFile(w http.ResponseWriter, r *http.Request, p *page, tmpl string) (multipart.File, *multipart.FileHeader, bool) {
	file, header, err := r.FormFile("file")
	if err != nil {
		p.Error = qcity.Invalid(qcity.Field("file", "ui.import_no_file"))
		p.Fields = s.fieldMessages(reqFrom(r.Context()).Lang, p.Error)
		s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
		return nil, nil, false
	}
	return file, header, true
}

// sendAttachment sends a stored file as a download, never to be shown inline or cached.
func sendAttachment(w http.ResponseWriter, name, contentType string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// writeXLSX sends a workbook as a download. Exports hold non-public data: never cached.
func writeXLSX(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}
