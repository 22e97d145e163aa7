package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"qcity"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

type importData struct {
	Result   *registry.ImportResult
	Filename string
	Columns  []sheet.Column
	Job      *importProgress // a background import still running or just finished
}

// Percent is how far a running job is, for its progress bar.
func (d *importData) Percent() int {
	if d.Job == nil || d.Job.Total == 0 {
		return 0
	}
	return 100 * d.Job.Done / d.Job.Total
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
	writeXLSX(w, "entities-template.xlsx", buf.Bytes())
}

// handleImport takes an uploaded CSV or .xlsx file and imports it whole or not at all.
// A small file is imported while the browser waits; a larger one runs in the
// background and the browser is sent to a page that shows its progress.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.import", nil), "entities")
	d := &importData{Columns: registry.EntityColumns}
	p.Data = d
	file, header, ok := s.uploadedFile(w, r, p, "import")
	if !ok {
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	if header.Size > s.Config.SyncImportBytes && rq.User != nil {
		data, err := io.ReadAll(file)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		// The job outlives the request, but keeps its actor for the audit log.
		ctx := context.WithoutCancel(r.Context())
		job := s.jobs.start(ctx, s.Clock.Now(), rq.User.ID, header.Filename,
			func(ctx context.Context, progress func(string, int, int)) (any, error) {
				return s.Registry.ImportEntities(ctx, bytes.NewReader(data), header.Filename, progress)
			})
		http.Redirect(w, r, "/entities/import/jobs/"+job.ID, http.StatusSeeOther)
		return
	}
	res, err := s.Registry.ImportEntities(r.Context(), file, header.Filename, nil)
	s.importOutcome(w, r, p, d, res, err)
}

// importOutcome renders the result of an import: the count, or the table of errors.
func (s *Server) importOutcome(w http.ResponseWriter, r *http.Request, p *page, d *importData, res registry.ImportResult, err error) {
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

// handleImportJob shows a background import: its progress while it runs (the page
// refreshes itself), then its outcome. With ?wait=1 it answers only when the job has
// finished (or after 30 seconds), for clients that would rather wait than poll.
func (s *Server) handleImportJob(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var owner int64
	if rq.User != nil {
		owner = rq.User.ID
	}
	job, err := s.jobs.get(r.PathValue("job"), owner)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("wait") == "1" {
		select {
		case <-job.finished:
		case <-r.Context().Done():
			return
		case <-time.After(30 * time.Second):
		}
	}
	st := job.snapshot()
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.import", nil), "entities")
	d := &importData{Columns: registry.EntityColumns, Filename: job.Filename, Job: &st}
	p.Data = d
	if !st.Finished {
		p.Refresh = 1
		s.render(w, r, http.StatusOK, "import", p)
		return
	}
	res, _ := st.Result.(registry.ImportResult)
	s.importOutcome(w, r, p, d, res, st.Err)
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
