package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// The quality-infrastructure registers (质量基础) in the officials' workspace, and
// benchmarking in the enterprise portal: one set of pages serves every register,
// driven by its description (internal/nqi): list with filters, export, template and
// import; a record with its child records; forms that show each error beside its
// field in the user's language, keeping what was typed.

// nqiFilterOf reads a register's list filters from the query: the keyword, each
// filterable field, the register's own filters, limit and offset. A bad value is an
// error beside its parameter.
func (s *Server) nqiFilterOf(k *nqi.Kind, q url.Values) (nqi.Filter, error) {
	f := nqi.Filter{Q: strings.TrimSpace(q.Get("q")), Fields: map[string]string{}, Extra: map[string]string{}}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 20)
	if f.Limit > nqi.MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", nqi.MaxPageSize))
	}
	if len([]rune(f.Q)) > 100 {
		errs = append(errs, qcity.Field("q", "registry.text_length", "max", 100))
	}
	for i := range k.Fields {
		fd := &k.Fields[i]
		if !fd.Filter && fd.Type != nqi.TParent {
			continue
		}
		v := strings.TrimSpace(q.Get(fd.Name))
		if v == "" {
			continue
		}
		bad := func(key string, args ...any) { errs = append(errs, qcity.Field(fd.Name, key, args...)) }
		switch fd.Type {
		case nqi.TEnum:
			for _, x := range strings.Split(v, ",") {
				if !slices.Contains(fd.Options(), x) {
					bad("nqi.error.enum", "value", x)
				}
			}
		case nqi.TYear:
			if n, err := strconv.Atoi(v); err != nil || n < 1949 || n > 2100 {
				bad("nqi.error.year", "value", v)
			}
		case nqi.TParent, nqi.TOrg, nqi.TInt:
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
				bad("nqi.error.reference", "value", v)
			}
		case nqi.TRegion, nqi.TRegionAny:
			if d, ok := s.Registry.Regions().Get(v); !ok || d.Level < 1 || d.Level > 3 {
				bad("region.unknown", "code", v)
			}
		case nqi.TUSCC:
			v = uscc.Normalize(v)
			if err := uscc.Validate(v); err != nil {
				qe := qcity.AsError(err)
				errs = append(errs, qcity.FieldError{Field: fd.Name, Key: qe.Key, Args: qe.Args})
			}
		}
		f.Fields[fd.Name] = v
	}
	for _, ef := range k.Filters {
		v := strings.TrimSpace(q.Get(ef.Name))
		if v == "" {
			continue
		}
		switch {
		case ef.Options != nil && !slices.Contains(ef.Options, v):
			errs = append(errs, qcity.Field(ef.Name, "nqi.error.enum", "value", v))
		case ef.Date:
			if _, err := qcity.ParseDate(v); err != nil {
				errs = append(errs, qcity.Field(ef.Name, "nqi.error.date", "value", v))
			}
		case ef.Year:
			if n, err := strconv.Atoi(v); err != nil || n < 1949 || n > 2100 {
				errs = append(errs, qcity.Field(ef.Name, "nqi.error.year", "value", v))
			}
		}
		f.Extra[ef.Name] = v
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

// nqiCell is one cell of a register's table or one value of a record's page.
type nqiCell struct {
	Text  string
	Sub   string // a second line: the name beside a code
	Href  string
	Class string // a badge class for enumerations
	Mono  bool
	Num   bool
}

// badgeClasses colour enumeration values as the rest of qcity does: green for valid
// and passed, blue for what is under way, orange for what needs attention, red for
// failures and revocations, grey for what is over.
var badgeClasses = map[string]string{
	"valid": "q-good", "in_force": "q-good", "pass": "q-good", "passed": "q-good", "met": "q-good", "leading": "q-good",
	"compliant": "q-good", "repaid": "q-good", "completed": "q-good", "yes": "q-good", "rectified": "q-good",
	"in_progress": "q-info", "approved": "q-info", "evaluating": "q-info", "published": "q-info", "active": "q-info",
	"planned": "q-info", "pending": "q-info", "meeting": "q-info", "drafting": "q-info", "in_use": "q-info",
	"suspended": "q-warn", "rectification_ordered": "q-warn", "stopped": "q-warn", "lapsed": "q-warn",
	"defaulted": "q-warn", "incomplete": "q-warn", "compensated": "q-warn",
	"revoked": "q-bad", "fail": "q-bad", "failed": "q-bad", "below": "q-bad", "not_met": "q-bad", "case_filed": "q-bad",
	"products_seized": "q-bad",
	"withdrawn":       "q-off", "expired": "q-off", "scrapped": "q-off", "terminated": "q-off", "closed": "q-off", "no": "q-off",
}

// Cell renders a field of a record for a table or a record page.
func (p *page) Cell(r *nqi.Record, f *nqi.Field) nqiCell {
	v := r.Display(f)
	c := nqiCell{Text: v}
	switch f.Type {
	case nqi.TEnum:
		if v != "" {
			c.Text = p.T("nqi.enum." + f.Enum + "." + v)
			c.Class = badgeClasses[v]
			if c.Class == "" && f.Name != "level" && f.Name != "direction" {
				c.Class = "q-plain"
			}
		}
	case nqi.TUSCC:
		c.Mono = true
		if name := r.Names[f.Name]; name != "" {
			c.Sub = name
			if p.R.Actor.IsOfficial() {
				c.Href = "/entities/" + v
			}
		}
	case nqi.TOrg:
		c.Text = r.Names[f.Name]
		if c.Text == "" {
			c.Text = v
		}
	case nqi.TParent:
		c.Text = r.Names[f.Name]
		if pk := nqi.KindByName(r.Kind.Parent); pk != nil && v != "" {
			c.Href = "/quality/" + pk.Slug + "/" + v
		}
	case nqi.TRegion, nqi.TRegionAny:
		c.Text = p.RegionName(v)
	case nqi.TMoney:
		if v != "" {
			whole, frac, _ := strings.Cut(v, ".")
			n, _ := strconv.Atoi(whole)
			c.Text = formatInt(n) + "." + frac
		}
		c.Num = true
	case nqi.TInt:
		if n, ok := r.Int(f.Name); ok {
			c.Text = formatInt(int(n))
		}
		c.Num = true
	case nqi.TCode, nqi.TValue, nqi.TUnit:
		c.Mono = f.Type != nqi.TUnit
	}
	return c
}

// FLabel is a field's label.
func (p *page) FLabel(k *nqi.Kind, f *nqi.Field) string { return p.T("nqi.f." + k.Name + "." + f.Name) }

// KindName is a register's name.
func (p *page) KindName(k *nqi.Kind) string { return p.T("nqi.kind." + k.Name) }

// EnumLabel is an enumeration value's label.
func (p *page) EnumLabel(f *nqi.Field, v string) string { return p.T("nqi.enum." + f.Enum + "." + v) }

// HasHint reports whether a field has a hint in the catalogue.
func (p *page) Hint(k *nqi.Kind, f *nqi.Field) string {
	switch f.Type {
	case nqi.TValue:
		return p.T("nqi.ui.value_hint")
	case nqi.TOrg:
		return p.T("nqi.ui.org_hint")
	case nqi.TCode:
		if f.Name == "code" || strings.Contains(f.Name, "standard") || f.Name == "replaces" {
			return p.T("nqi.ui.code_hint")
		}
	}
	return ""
}

// listFields are the columns of a register's table.
func listFields(k *nqi.Kind) []*nqi.Field {
	var out []*nqi.Field
	for i := range k.Fields {
		if k.Fields[i].List {
			out = append(out, &k.Fields[i])
		}
	}
	return out
}

// inputFields are a register's form fields.
func inputFields(k *nqi.Kind) []*nqi.Field {
	var out []*nqi.Field
	for i := range k.Fields {
		if k.Fields[i].Input() {
			out = append(out, &k.Fields[i])
		}
	}
	return out
}

// filterField is one filter of a list page.
type filterField struct {
	Name    string
	Label   string
	Type    string // select, year, date, text
	Options [][2]string
	Value   string
}

func (s *Server) nqiFilters(p *page, k *nqi.Kind, q url.Values) []filterField {
	var out []filterField
	for i := range k.Fields {
		f := &k.Fields[i]
		if !f.Filter {
			continue
		}
		ff := filterField{Name: f.Name, Label: p.FLabel(k, f), Value: q.Get(f.Name), Type: "text"}
		switch f.Type {
		case nqi.TEnum:
			ff.Type = "select"
			for _, o := range f.Options() {
				ff.Options = append(ff.Options, [2]string{o, p.EnumLabel(f, o)})
			}
		case nqi.TYear:
			ff.Type = "year"
		case nqi.TRegion, nqi.TRegionAny:
			ff.Type = "select"
			for _, c := range s.Jurisdiction.Counties {
				ff.Options = append(ff.Options, [2]string{c.Code, c.Name})
			}
		case nqi.TOrg, nqi.TParent:
			continue
		}
		out = append(out, ff)
	}
	for _, ef := range k.Filters {
		ff := filterField{Name: ef.Name, Label: p.T("nqi.filter." + ef.Name), Value: q.Get(ef.Name), Type: "text"}
		switch {
		case ef.Options != nil:
			ff.Type = "select"
			for _, o := range ef.Options {
				ff.Options = append(ff.Options, [2]string{o, p.T("nqi.filter." + ef.Name + "." + o)})
			}
		case ef.Date:
			ff.Type = "date"
		case ef.Year:
			ff.Type = "year"
		}
		out = append(out, ff)
	}
	return out
}

// nqiListData is what the list page shows.
type nqiListData struct {
	Kind       *nqi.Kind
	Fields     []*nqi.Field
	Filters    []filterField
	Filter     nqi.Filter
	Items      []*nqi.Record
	Total      int
	Page       int
	Pages      int
	PrevOffset int
	NextOffset int
	HasPrev    bool
	HasNext    bool
	Query      string // the filters as a query, for export links
	CanWrite   bool
	Parent     *nqi.Record
	Coverage   []coverageRow
	CoverageOn qcity.Date
	Today      qcity.Date
}

type coverageRow struct {
	Region, Name   string
	Covered, Total int
}

func (s *Server) handleNQIList(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil), "q_"+k.Name)
	q := r.URL.Query()
	d := &nqiListData{Kind: k, Fields: listFields(k), Filters: s.nqiFilters(p, k, q), Today: qcity.DateOf(s.Clock.Now())}
	d.CanWrite = nqi.CanWrite(rq.Actor, k)
	f, err := s.nqiFilterOf(k, q)
	d.Filter = f
	if err == nil {
		d.Items, d.Total, err = s.NQI.Find(r.Context(), k, f)
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
	limit := max(f.Limit, 1)
	d.Page, d.Pages = f.Offset/limit+1, (d.Total+limit-1)/limit
	d.HasPrev, d.PrevOffset = f.Offset > 0, max(0, f.Offset-limit)
	d.HasNext, d.NextOffset = f.Offset+limit < d.Total, f.Offset+limit
	eq := url.Values{}
	for key, v := range q {
		if key != "offset" && key != "limit" && key != "saved" && key != "imported" {
			eq[key] = v
		}
	}
	d.Query = eq.Encode()
	if k == nqi.BrightKitchens && rq.Actor.IsOfficial() {
		rows, total, err := s.NQI.KitchenCoverage(r.Context(), d.Today)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.CoverageOn = d.Today
		for _, c := range rows {
			d.Coverage = append(d.Coverage, coverageRow{Region: c.Region, Name: p.RegionName(c.Region), Covered: int(c.Covered), Total: int(c.Total)})
		}
		d.Coverage = append(d.Coverage, coverageRow{Region: "total", Name: p.T("nqi.report.total"), Covered: int(total.Covered), Total: int(total.Total)})
	}
	if n := q.Get("imported"); n != "" {
		p.Flash = p.T("nqi.ui.imported", "n", n)
	}
	p.Data = d
	s.render(w, r, status, "quality_list", p)
}

func (s *Server) handleNQIExport(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	rq := reqFrom(r.Context())
	f, err := s.nqiFilterOf(k, r.URL.Query())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if _, err := s.NQI.Export(r.Context(), k, &buf, f, string(rq.Lang)); err != nil {
		s.renderError(w, r, err)
		return
	}
	name := fmt.Sprintf("%s-%s.xlsx", k.Slug, s.Clock.Now().In(qcity.China).Format("20060102-150405"))
	writeXLSX(w, name, buf.Bytes())
}

func (s *Server) handleNQITemplate(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	rq := reqFrom(r.Context())
	var buf bytes.Buffer
	if err := s.NQI.Template(&buf, k, string(rq.Lang)); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, k.Slug+"-template.xlsx", buf.Bytes())
}

// nqiImportData is the import outcome page: each row's errors.
type nqiImportData struct {
	Kind     *nqi.Kind
	Filename string
	Rows     []RowError
}

func (s *Server) handleNQIImport(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.ui.import", nil)+" · "+s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil), "q_"+k.Name)
	d := &nqiImportData{Kind: k}
	p.Data = d
	file, header, ok := s.uploadedFile(w, r, p, "quality_import")
	if !ok {
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	res, err := s.NQI.Import(r.Context(), k, file, header.Filename)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code == qcity.EINTERNAL || qe.Code == qcity.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		p.Error = qe
		labels := map[string]string{}
		for _, c := range s.NQI.Columns(k) {
			labels[c.Field] = c.ZH
			if p.EN() {
				labels[c.Field] = c.EN
			}
		}
		for _, fe := range qe.Fields {
			col := labels[fe.Field]
			if col == "" {
				col = fe.Field
			}
			d.Rows = append(d.Rows, RowError{Row: fe.Row, Column: col, Message: s.Locale.T(rq.Lang, fe.Key, fe.Args)})
		}
		s.render(w, r, statusOf(qe.Code), "quality_import", p)
		return
	}
	http.Redirect(w, r, "/quality/"+k.Slug+"?imported="+strconv.Itoa(res.Rows), http.StatusSeeOther)
}

// nqiFormData is what a register's form shows.
type nqiFormData struct {
	Kind    *nqi.Kind
	Fields  []*nqi.Field
	Input   nqi.Input
	ID      int64
	Version int
	Parent  *nqi.Record
	Fixed   map[string]bool                    // fields shown but not editable (the parent; an enterprise's own code)
	Orgs    map[string][]registry.Organisation // choices of organisation fields
	Regions [][2]string
	Back    string
}

// Value returns what the form shows in a field.
func (d *nqiFormData) Value(name string) string { return d.Input[name] }

func (s *Server) nqiForm(r *http.Request, k *nqi.Kind, in nqi.Input, id int64, version int) (*nqiFormData, error) {
	rq := reqFrom(r.Context())
	d := &nqiFormData{Kind: k, Fields: inputFields(k), Input: in, ID: id, Version: version, Fixed: map[string]bool{},
		Orgs: map[string][]registry.Organisation{}, Back: "/quality/" + k.Slug}
	d.Regions = append(d.Regions, [2]string{s.Jurisdiction.Prefecture.Code, s.Jurisdiction.Prefecture.Name})
	for _, c := range s.Jurisdiction.Counties {
		d.Regions = append(d.Regions, [2]string{c.Code, c.Name})
	}
	for _, f := range d.Fields {
		switch f.Type {
		case nqi.TOrg:
			for _, ok := range f.OrgKinds {
				orgs, _, err := s.Registry.FindOrganisations(r.Context(), registry.OrganisationFilter{Kind: string(ok), Limit: registry.MaxPageSize})
				if err != nil {
					return nil, err
				}
				d.Orgs[f.Name] = append(d.Orgs[f.Name], orgs...)
			}
		case nqi.TParent:
			if pid, err := strconv.ParseInt(in[f.Name], 10, 64); err == nil && pid > 0 {
				if p, err := s.NQI.Get(r.Context(), nqi.KindByName(k.Parent), pid); err == nil {
					d.Parent = p
					d.Fixed[f.Name] = true
					d.Back = "/quality/" + p.Kind.Slug + "/" + strconv.FormatInt(pid, 10)
				}
			}
		}
	}
	if rq.Actor.Role == qcity.RoleEnterprise && k.EntityField != "" {
		in[k.EntityField] = rq.Actor.USCC
		d.Fixed[k.EntityField] = true
	}
	if id != 0 {
		d.Back = "/quality/" + k.Slug + "/" + strconv.FormatInt(id, 10)
	}
	return d, nil
}

func (s *Server) handleNQINew(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	rq := reqFrom(r.Context())
	in := nqi.Input{}
	for _, f := range inputFields(k) {
		in[f.Name] = f.Default
		if v := r.URL.Query().Get(f.Name); v != "" {
			in[f.Name] = v
		}
		if f.Type == nqi.TParent && r.URL.Query().Get("parent") != "" {
			in[f.Name] = r.URL.Query().Get("parent")
		}
		if f.Type == nqi.TRegion && in[f.Name] == "" && f.Required {
			in[f.Name] = rq.Actor.Region
			if in[f.Name] == "" {
				in[f.Name] = s.Jurisdiction.Prefecture.Code
			}
		}
	}
	d, err := s.nqiForm(r, k, in, 0, 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.ui.new_kind", map[string]any{"kind": s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil)}), "q_"+k.Name)
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_form", p)
}

// formInput reads a register's form.
func formInput(r *http.Request, k *nqi.Kind) nqi.Input {
	in := nqi.Input{}
	for _, f := range inputFields(k) {
		in[f.Name] = r.PostFormValue(f.Name)
	}
	return in
}

func (s *Server) nqiFormFailure(w http.ResponseWriter, r *http.Request, err error, k *nqi.Kind, in nqi.Input, id int64, version int) {
	qe := qcity.AsError(err)
	if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	rq := reqFrom(r.Context())
	d, ferr := s.nqiForm(r, k, in, id, version)
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	title := "nqi.ui.new_kind"
	if id != 0 {
		title = "nqi.ui.edit_kind"
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, title, map[string]any{"kind": s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil)}), "q_"+k.Name)
	p.Error, p.Fields, p.Data = qe, s.fieldMessages(rq.Lang, qe), d
	s.render(w, r, statusOf(qe.Code), "quality_form", p)
}

func (s *Server) handleNQICreate(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	in := formInput(r, k)
	if a := reqFrom(r.Context()).Actor; a.Role == qcity.RoleEnterprise && k.EntityField != "" {
		in[k.EntityField] = a.USCC
	}
	rec, err := s.NQI.Create(r.Context(), k, in)
	if err != nil {
		s.nqiFormFailure(w, r, err, k, in, 0, 0)
		return
	}
	http.Redirect(w, r, s.afterSave(k, rec), http.StatusSeeOther)
}

// afterSave is where a saved record's form leads: the parent's page for a child
// record, else the record's own.
func (s *Server) afterSave(k *nqi.Kind, rec *nqi.Record) string {
	if pf := k.ParentField(); pf != nil {
		if pid, ok := rec.Int(pf.Name); ok {
			return "/quality/" + nqi.KindByName(k.Parent).Slug + "/" + strconv.FormatInt(pid, 10) + "?saved=1#" + k.Slug
		}
	}
	return "/quality/" + k.Slug + "/" + strconv.FormatInt(rec.ID, 10) + "?saved=1"
}

func nqiID(w http.ResponseWriter, r *http.Request, s *Server) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, qcity.Errorf(qcity.ENOTFOUND, "nqi.error.not_found"))
		return 0, false
	}
	return id, true
}

// nqiChild is a child register's records on a record's page.
type nqiChild struct {
	Kind     *nqi.Kind
	Fields   []*nqi.Field
	Items    []*nqi.Record
	Total    int
	CanWrite bool
}

// nqiDetailData is what a record's page shows.
type nqiDetailData struct {
	Kind     *nqi.Kind
	Rec      *nqi.Record
	Fields   []*nqi.Field
	Children []nqiChild
	CanWrite bool
	Today    qcity.Date
	Overdue  bool
	Cap      string // the fund's share of a defaulted loan's loss, in yuan
}

func (s *Server) handleNQIDetail(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	id, ok := nqiID(w, r, s)
	if !ok {
		return
	}
	rq := reqFrom(r.Context())
	rec, err := s.NQI.Get(r.Context(), k, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &nqiDetailData{Kind: k, Rec: rec, Today: qcity.DateOf(s.Clock.Now()), CanWrite: nqi.CanWrite(rq.Actor, k)}
	for i := range k.Fields {
		d.Fields = append(d.Fields, &k.Fields[i])
	}
	for _, ck := range k.Children() {
		if !nqi.CanRead(rq.Actor, ck) {
			continue
		}
		items, total, err := s.NQI.Find(r.Context(), ck, nqi.Filter{Fields: map[string]string{ck.ParentField().Name: strconv.FormatInt(id, 10)}, Limit: 500})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		var fields []*nqi.Field
		for _, f := range listFields(ck) {
			if f.Type != nqi.TParent {
				fields = append(fields, f)
			}
		}
		d.Children = append(d.Children, nqiChild{Kind: ck, Fields: fields, Items: items, Total: total, CanWrite: nqi.CanWrite(rq.Actor, ck)})
	}
	if k == nqi.Instruments {
		next := rec.Date("next_due_on")
		d.Overdue = rec.Str("status") == "in_use" && (next.IsZero() || next.Before(d.Today) || rec.Str("last_result") == "fail")
	}
	if k == nqi.FundLoans {
		if loss, ok := rec.Int("loss"); ok {
			d.Cap = nqi.FormatYuan(nqi.CompensationCap(loss, rec.IntOr("coverage_pct", 0)))
		}
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil)+" · "+rec.LabelText(), "q_"+k.Name)
	if k.Parent != "" {
		p.Nav = "q_" + k.Parent
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("nqi.ui.saved")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_detail", p)
}

func (s *Server) handleNQIEdit(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	id, ok := nqiID(w, r, s)
	if !ok {
		return
	}
	rq := reqFrom(r.Context())
	rec, err := s.NQI.Get(r.Context(), k, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, err := s.nqiForm(r, k, rec.Input(), id, rec.Version)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.ui.edit_kind", map[string]any{"kind": s.Locale.T(rq.Lang, "nqi.kind."+k.Name, nil)}), "q_"+k.Name)
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_form", p)
}

func (s *Server) handleNQIUpdate(w http.ResponseWriter, r *http.Request, k *nqi.Kind) {
	id, ok := nqiID(w, r, s)
	if !ok {
		return
	}
	in := formInput(r, k)
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.nqiFormFailure(w, r, qcity.Invalid(qcity.Field("version", "nqi.error.edit_conflict")), k, in, id, 0)
		return
	}
	rec, err := s.NQI.Update(r.Context(), k, id, in, version)
	if err != nil {
		s.nqiFormFailure(w, r, err, k, in, id, version)
		return
	}
	http.Redirect(w, r, s.afterSave(k, rec), http.StatusSeeOther)
}

// The hub of the registers.
type qualityHomeData struct {
	Groups []qualityGroup
	Year   int
}

type qualityGroup struct {
	Key   string
	Kinds []qualityKindCount
}

type qualityKindCount struct {
	Kind  *nqi.Kind
	Count int
}

// hubGroups arranges the top-level registers on the hub page.
var hubGroups = []struct {
	key   string
	kinds []*nqi.Kind
}{
	{"standards", []*nqi.Kind{nqi.Standards, nqi.PilotProjects, nqi.Benchmarks}},
	{"metrology", []*nqi.Kind{nqi.Qualifications, nqi.Instruments}},
	{"development", []*nqi.Kind{nqi.QualityOfficers, nqi.IPEnterprises, nqi.Brands, nqi.FundLoans, nqi.ImprovementProjects, nqi.QualityEvents}},
	{"supervision", []*nqi.Kind{nqi.Campaigns, nqi.BrightKitchens}},
}

func (s *Server) handleQualityHome(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.ui.home", nil), "q_home")
	d := &qualityHomeData{Year: qcity.DateOf(s.Clock.Now()).Year - 1}
	for _, g := range hubGroups {
		qg := qualityGroup{Key: g.key}
		for _, k := range g.kinds {
			_, n, err := s.NQI.Find(r.Context(), k, nqi.Filter{Limit: 1})
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			qg.Kinds = append(qg.Kinds, qualityKindCount{Kind: k, Count: n})
		}
		d.Groups = append(d.Groups, qg)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_home", p)
}

// The benchmarking leaders (对标领跑者).
type leadersData struct {
	Year  int
	Years []int
	Items []*nqi.Record
}

func (s *Server) leaders(r *http.Request) (int, []*nqi.Record, error) {
	q := r.URL.Query()
	year := qcity.DateOf(s.Clock.Now()).Year - 1
	if v := strings.TrimSpace(q.Get("year")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || nqi.ValidYear(n) != nil {
			return 0, nil, qcity.Invalid(qcity.Field("year", "nqi.error.report_year", "min", nqi.FirstReportYear, "max", nqi.LastReportYear))
		}
		year = n
	}
	items, err := s.NQI.Leaders(r.Context(), year)
	return year, items, err
}

func (s *Server) handleBenchmarkLeaders(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.ui.leaders", nil), "q_benchmarks")
	year, items, err := s.leaders(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &leadersData{Year: year, Items: items}
	for y := qcity.DateOf(s.Clock.Now()).Year; y >= 2015; y-- {
		d.Years = append(d.Years, y)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_leaders", p)
}

// qTable is a table of records for the qtable template.
type qTable struct {
	P      *page
	Kind   *nqi.Kind
	Fields []*nqi.Field
	Items  []*nqi.Record
	Edit   bool
	Empty  string
}

// QTable prepares a table of records of a register.
func (p *page) QTable(k *nqi.Kind, fields []*nqi.Field, items []*nqi.Record, edit bool) qTable {
	return qTable{P: p, Kind: k, Fields: fields, Items: items, Edit: edit, Empty: p.T("ui.no_results")}
}
