package web

import (
	"bytes"
	"net/http"

	"qcity"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

type importData struct {
	Result   *registry.ImportResult
	Filename string
	Columns  []sheet.Column
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.import", nil), "entities")
	p.Data = &importData{Columns: registry.EntityColumns}
	s.render(w, r, http.StatusOK, "import", p)
}

func (s *Server) handleImportTemplate(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var buf bytes.Buffer
	if err := sheet.Template(&buf, s.Locale.T(rq.Lang, "ui.entities", nil), registry.EntityColumns, string(rq.Lang)); err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="entities-template.xlsx"`)
	w.Write(buf.Bytes())
}

// handleImport takes an uploaded CSV or .xlsx file and imports it whole or not at all.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.import", nil), "entities")
	d := &importData{Columns: registry.EntityColumns}
	p.Data = d
	file, header, err := r.FormFile("file")
	if err != nil {
		p.Error = qcity.Invalid(qcity.Field("file", "ui.import_no_file"))
		p.Fields = s.fieldMessages(rq.Lang, p.Error)
		s.render(w, r, http.StatusUnprocessableEntity, "import", p)
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	res, err := s.Registry.ImportEntities(r.Context(), file, header.Filename, nil)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code == qcity.EINTERNAL || qe.Code == qcity.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		p.Error = qe
		s.render(w, r, statusOf(qe.Code), "import", p)
		return
	}
	d.Result = &res
	s.render(w, r, http.StatusOK, "import", p)
}

// RowError is one line of an import's error table.
type RowError struct {
	Row     int
	Column  string
	Message string
}

// ImportErrors renders the rows of an import error for the template.
func (p *page) ImportErrors() []RowError {
	if p.Error == nil {
		return nil
	}
	header := map[string]string{}
	for _, c := range registry.EntityColumns {
		if p.EN() {
			header[c.Field] = c.EN
		} else {
			header[c.Field] = c.ZH
		}
	}
	var out []RowError
	for _, f := range p.Error.Fields {
		col := header[f.Field]
		if col == "" {
			col = f.Field
		}
		out = append(out, RowError{Row: f.Row, Column: col, Message: p.S.Locale.T(p.R.Lang, f.Key, f.Args)})
	}
	return out
}
