package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"qcity"
	"qcity/internal/screening"
	"qcity/internal/sheet"
	"qcity/internal/uscc"
)

// The screening page (信用核查) for officials and procurement staff: paste a list or
// upload a file of bidders, read the results, export them, print the certificate; and
// the public verification of a certificate.

// ScreeningColumns are the columns of a bidders file and its template.
var ScreeningColumns = []sheet.Column{
	{Field: "ref", ZH: "序号", EN: "Ref", Aliases: []string{"编号", "no"}, Example: "1"},
	{Field: "name", ZH: "名称", EN: "Name", Aliases: []string{"单位名称", "企业名称", "投标人", "供应商"}, Example: "湛江市霞山区海滨水产有限公司"},
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC", Aliases: []string{"信用代码", "credit_code"}, Example: "91440803MA4W12345X"},
	{Field: "legal_representative", ZH: "法定代表人", EN: "Legal representative", Aliases: []string{"法人", "负责人"}, Example: "张三"},
}

// screeningResultColumns are the columns of a result export.
var screeningResultColumns = []sheet.Column{
	{Field: "ref", ZH: "序号", EN: "Ref"},
	{Field: "name", ZH: "名称", EN: "Name"},
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC"},
	{Field: "status", ZH: "核查结果", EN: "Result"},
	{Field: "match", ZH: "匹配主体", EN: "Matched entity"},
	{Field: "match_uscc", ZH: "匹配主体代码", EN: "Matched USCC"},
	{Field: "score", ZH: "匹配分值", EN: "Score", Type: sheet.Number},
	{Field: "restrictions", ZH: "限制事项", EN: "Restrictions"},
	{Field: "basis", ZH: "依据", EN: "Legal basis"},
	{Field: "notes", ZH: "说明", EN: "Notes"},
}

type screeningPage struct {
	Purposes  []string
	Purpose   string
	Text      string
	History   []screening.Screening
	Decisions []screening.Decision
	Max       int
}

func (s *Server) screeningForm(r *http.Request, d *screeningPage) {
	d.Purposes, d.Max = screening.Purposes, screening.MaxSubjects
	if d.Purpose == "" {
		d.Purpose = screening.PurposeProcurement
	}
	d.History, _, _ = s.Screening.History(r.Context(), 20, 0)
	d.Decisions, _ = s.Screening.Decisions(r.Context())
}

func (s *Server) handleScreeningPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "screenui.title", nil), "screening")
	d := &screeningPage{}
	s.screeningForm(r, d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("screenui.saved")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "screening", p)
}

// parseSubjectLines reads pasted lines: name, credit code and legal representative,
// separated by tabs or commas, in any order (a valid-looking code is recognised).
func parseSubjectLines(text string) ([]screening.Subject, []qcity.FieldError) {
	var out []screening.Subject
	var errs []qcity.FieldError
	n := 0
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n++
		if n > screening.MaxSubjects {
			return nil, []qcity.FieldError{qcity.Field("subjects", "screening.too_many", "max", screening.MaxSubjects, "n", n)}
		}
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == '\t' || r == ',' || r == '，' || r == ';' || r == '；' })
		subj := screening.Subject{Ref: strconv.Itoa(n)}
		for _, f := range fields {
			f = strings.TrimSpace(f)
			switch {
			case f == "":
			case looksLikeCode(f) && subj.USCC == "":
				subj.USCC = f
			case subj.Name == "":
				subj.Name = f
			case subj.LegalRepresentative == "":
				subj.LegalRepresentative = f
			}
		}
		if utf8.RuneCountInString(subj.Name) > 200 {
			errs = append(errs, qcity.Field("subjects", "screenui.line_too_long", "line", n))
		}
		out = append(out, subj)
	}
	if n == 0 {
		errs = append(errs, qcity.Field("subjects", "screening.no_subjects"))
	}
	return out, errs
}

func looksLikeCode(s string) bool {
	s = uscc.Normalize(s)
	if len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// subjectsFromFile reads an uploaded bidders file.
func subjectsFromFile(f io.Reader, name string) ([]screening.Subject, error) {
	rd, err := sheet.Open(f, name, ScreeningColumns, sheet.Limits{MaxBytes: 8 << 20, MaxRows: screening.MaxSubjects + 1, MaxCellRunes: 300})
	if err != nil {
		return nil, err
	}
	var out []screening.Subject
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		ref := row.Get("ref")
		if ref == "" {
			ref = strconv.Itoa(row.Line)
		}
		out = append(out, screening.Subject{Ref: ref, Name: row.Get("name"), USCC: row.Get("uscc"), LegalRepresentative: row.Get("legal_representative")})
	}
	if len(out) > screening.MaxSubjects {
		return nil, qcity.Invalid(qcity.Field("file", "screening.too_many", "max", screening.MaxSubjects, "n", len(out)))
	}
	return out, nil
}

func (s *Server) handleScreeningRun(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "screenui.title", nil), "screening")
	d := &screeningPage{Purpose: r.FormValue("purpose"), Text: r.FormValue("subjects")}
	var subjects []screening.Subject
	var err error
	if file, header, ferr := r.FormFile("file"); ferr == nil && header.Size > 0 {
		defer file.Close()
		subjects, err = subjectsFromFile(file, header.Filename)
	} else {
		var errs []qcity.FieldError
		subjects, errs = parseSubjectLines(d.Text)
		if len(errs) > 0 {
			err = qcity.Invalid(errs...)
		}
	}
	var sc screening.Screening
	if err == nil {
		sc, err = s.Screening.Screen(r.Context(), screening.Request{Purpose: d.Purpose, Subjects: subjects})
	}
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ETOOLARGE {
			s.renderError(w, r, err)
			return
		}
		s.screeningForm(r, d)
		p.Error, p.Fields, p.Data = qe, s.fieldMessages(rq.Lang, qe), d
		s.render(w, r, statusOf(qe.Code), "screening", p)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/screening/%d", sc.ID), http.StatusSeeOther)
}

type screeningResultPage struct {
	screening.Screening
	Input []screening.Subject
	Rows  []screeningRow
}

type screeningRow struct {
	screening.Result
	Subject screening.Subject
}

func (s *Server) loadScreening(r *http.Request) (*screeningResultPage, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sc, subjects, err := s.Screening.Find(r.Context(), id)
	if err != nil {
		return nil, err
	}
	s.localize(sc.Results)
	d := &screeningResultPage{Screening: sc, Input: subjects}
	for i, res := range sc.Results {
		row := screeningRow{Result: res}
		if i < len(subjects) {
			row.Subject = subjects[i]
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func (s *Server) handleScreeningResult(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadScreening(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "screenui.result_title", nil), "screening")
	p.Data = d
	s.render(w, r, http.StatusOK, "screening_result", p)
}

func (s *Server) handleScreeningCertificatePrint(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadScreening(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "screenui.certificate", nil), "screening")
	p.Data = d
	s.render(w, r, http.StatusOK, "screening_certificate", p)
}

func (s *Server) handleScreeningExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	d, err := s.loadScreening(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	zh := rq.Lang == "zh-CN"
	var buf bytes.Buffer
	err = sheet.WriteXLSX(&buf, s.Locale.T(rq.Lang, "screenui.title", nil), screeningResultColumns, string(rq.Lang), func(yield func([]string) bool) {
		for _, row := range d.Rows {
			var lists, basis, notes []string
			for _, x := range row.Restrictions {
				reason := x.Reason
				b := x.LegalBasis + "：" + x.Measure
				if !zh {
					reason, b = x.ReasonEN, x.LegalBasisEN+": "+x.MeasureEN
				}
				lists = append(lists, s.Locale.T(rq.Lang, "screening.list."+x.List, nil)+"（"+x.DecisionNo+"）"+reason)
				basis = append(basis, b)
			}
			for _, n := range row.Notes {
				notes = append(notes, map[bool]string{true: n.Text, false: n.TextEN}[zh])
			}
			var match, matchCode, score string
			if row.Match != nil {
				match, matchCode, score = row.Match.Name, row.Match.USCC, strconv.FormatFloat(row.Match.Score, 'f', 3, 64)
			}
			if !yield([]string{row.Ref, row.Subject.Name, row.Subject.USCC, s.Locale.T(rq.Lang, "screening.status."+row.Status, nil),
				match, matchCode, score, strings.Join(lists, "\n"), strings.Join(basis, "\n"), strings.Join(notes, "\n")}) {
				return
			}
		}
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, fmt.Sprintf("screening-%d.xlsx", d.ID), buf.Bytes())
}

func (s *Server) handleScreeningTemplate(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var buf bytes.Buffer
	if err := sheet.Template(&buf, s.Locale.T(rq.Lang, "screenui.title", nil), ScreeningColumns, string(rq.Lang)); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, "screening-template.xlsx", buf.Bytes())
}

func (s *Server) handleScreeningDecision(w http.ResponseWriter, r *http.Request) {
	_, err := s.Screening.MarkFalsePositive(r.Context(), r.FormValue("subject_name"), r.FormValue("entity_uscc"), r.FormValue("note"))
	if err != nil && qcity.ErrorCode(err) != qcity.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/screening?saved=1#decisions", http.StatusSeeOther)
}

func (s *Server) handleScreeningDecisionRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Screening.RevokeDecision(r.Context(), id)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/screening?saved=1#decisions", http.StatusSeeOther)
}

// handleScreeningVerify is the public check of a printed certificate.
func (s *Server) handleScreeningVerify(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "screenui.verify_title", nil), "verify")
	type verifyPage struct {
		Code  string
		Cert  *screening.Certificate
		Tried bool
	}
	d := &verifyPage{Code: strings.TrimSpace(r.URL.Query().Get("code"))}
	status := http.StatusOK
	if d.Code != "" {
		d.Tried = true
		c, err := s.Screening.Certificate(r.Context(), d.Code)
		switch {
		case err == nil:
			d.Cert = &c
		case qcity.ErrorCode(err) == qcity.ENOTFOUND:
			status = http.StatusNotFound
		default:
			s.renderError(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, status, "screening_verify", p)
}
