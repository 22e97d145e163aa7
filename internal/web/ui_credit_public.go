package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/registry"
	"qcity/internal/sheet"
	"qcity/internal/translog"
)

// The public credit portal (信用信息公示), as the national publicity system shows it:
// one search box, an entity's credit profile in tabs, the public lists with their
// exports, and the tamper-evident log with each record's inclusion proof. Nothing here
// shows a risk class or a record that is not public.

type creditSearchData struct {
	Q     string
	Items []registry.Entity
	Pager
}

func (s *Server) handleCreditSearch(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.portal", nil), "credit_portal")
	f, err := entityFilterOf(r)
	d := &creditSearchData{Q: strings.TrimSpace(f.Q)}
	p.Data = d
	status := http.StatusOK
	if err == nil && d.Q != "" {
		var total int
		d.Items, total, err = s.Registry.FindEntities(r.Context(), f)
		d.Pager = newPager(total, f.Limit, f.Offset)
	}
	if err != nil {
		var done bool
		if status, done = s.showFailure(w, r, p, err); done {
			return
		}
	}
	s.render(w, r, status, "credit_search", p)
}

type creditProfileData struct {
	credit.Profile
	Today qcity.Date
}

// handleCreditProfile shows an entity's public credit profile. It is a credit query:
// the guard writes every call to the audit log.
func (s *Server) handleCreditProfile(w http.ResponseWriter, r *http.Request) {
	prof, err := s.Credit.Profile(r.Context(), r.PathValue("uscc"), s.Sampling)
	if qcity.ErrorCode(err) == qcity.EINVALID {
		err = qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", r.PathValue("uscc"))
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	prof.Entity = publicEntity(qcity.Anonymous, prof.Entity)
	p := s.newPage(r, prof.Entity.Name, "credit_portal")
	p.Data = &creditProfileData{Profile: prof, Today: qcity.DateOf(s.Clock.Now())}
	s.render(w, r, http.StatusOK, "credit_profile", p)
}

// --- Public lists -----------------------------------------------------------------

type publicListData struct {
	Kind              string // abnormal | serious | penalties
	Q, Region, Active string
	Items             []credit.ListEntry
	ExportQuery       string
	Pager
}

// publicList runs one of the public lists for the page or its export.
func (s *Server) publicList(r *http.Request, kind, q, region, active string, limit, offset int) ([]credit.ListEntry, int, error) {
	ctx := r.Context()
	switch kind {
	case "abnormal":
		return s.Credit.PublicAbnormalList(ctx, credit.AbnormalFilter{Q: q, Region: region, Limit: limit, Offset: offset}, active)
	case "serious":
		return s.Credit.PublicSeriousList(ctx, credit.SeriousFilter{Q: q, Region: region, Limit: limit, Offset: offset}, active)
	}
	return s.Credit.PublicPenaltyList(ctx, credit.PenaltyFilter{Q: q, Region: region, Limit: limit, Offset: offset})
}

func (s *Server) publicListPage(w http.ResponseWriter, r *http.Request, kind string) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.list_"+kind, nil), "list_"+kind)
	v := r.URL.Query()
	d := &publicListData{Kind: kind, Q: strings.TrimSpace(v.Get("q")), Region: strings.TrimSpace(v.Get("region")),
		Active: strings.TrimSpace(v.Get("active"))}
	p.Data = d
	eq := url.Values{}
	for _, k := range []string{"q", "region", "active"} {
		if x := v.Get(k); x != "" {
			eq.Set(k, x)
		}
	}
	d.ExportQuery = eq.Encode()
	status := http.StatusOK
	q, region, active, limit, offset, err := listQuery(r)
	if err == nil {
		var total int
		d.Items, total, err = s.publicList(r, kind, q, region, active, limit, offset)
		d.Pager = newPager(total, limit, offset)
	}
	if err != nil {
		var done bool
		if status, done = s.showFailure(w, r, p, err); done {
			return
		}
	}
	s.render(w, r, status, "credit_lists", p)
}

func (s *Server) handlePublicAbnormalList(w http.ResponseWriter, r *http.Request) {
	s.publicListPage(w, r, "abnormal")
}

func (s *Server) handlePublicSeriousList(w http.ResponseWriter, r *http.Request) {
	s.publicListPage(w, r, "serious")
}

func (s *Server) handlePublicPenaltyList(w http.ResponseWriter, r *http.Request) {
	s.publicListPage(w, r, "penalties")
}

// The columns of the public list exports.
var (
	abnormalExportColumns = []sheet.Column{
		{Field: "name", ZH: "名称", EN: "Name"},
		{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC"},
		{Field: "reason", ZH: "列入经营异常名录原因", EN: "Reason for listing"},
		{Field: "listed_on", ZH: "列入日期", EN: "Listed on", Type: sheet.Date},
		{Field: "decision_no", ZH: "列入决定书文号", EN: "Decision number"},
		{Field: "authority", ZH: "作出决定机关", EN: "Authority"},
		{Field: "state", ZH: "状态", EN: "State"},
		{Field: "removed_on", ZH: "移出日期", EN: "Removed on", Type: sheet.Date},
		{Field: "removal_reason", ZH: "移出原因", EN: "Reason for removal"},
		{Field: "log_index", ZH: "日志序号", EN: "Log index", Type: sheet.Number},
	}
	seriousExportColumns = []sheet.Column{
		{Field: "name", ZH: "名称", EN: "Name"},
		{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC"},
		{Field: "legal_rep", ZH: "法定代表人（负责人）", EN: "Legal representative"},
		{Field: "circumstances", ZH: "列入严重违法失信名单情形", EN: "Circumstances"},
		{Field: "listed_on", ZH: "列入日期", EN: "Listed on", Type: sheet.Date},
		{Field: "expires_on", ZH: "届满日期", EN: "Expires on", Type: sheet.Date},
		{Field: "decision_no", ZH: "列入决定书文号", EN: "Decision number"},
		{Field: "authority", ZH: "作出决定机关", EN: "Authority"},
		{Field: "state", ZH: "状态", EN: "State"},
		{Field: "removed_on", ZH: "移出日期", EN: "Removed on", Type: sheet.Date},
		{Field: "log_index", ZH: "日志序号", EN: "Log index", Type: sheet.Number},
	}
	penaltyExportColumns = []sheet.Column{
		{Field: "name", ZH: "名称", EN: "Name"},
		{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC"},
		{Field: "legal_rep", ZH: "法定代表人（负责人）", EN: "Legal representative"},
		{Field: "decision_no", ZH: "行政处罚决定书文号", EN: "Decision number"},
		{Field: "kinds", ZH: "处罚种类", EN: "Penalty kinds"},
		{Field: "fine", ZH: "罚款金额（元）", EN: "Fine (yuan)", Type: sheet.Number},
		{Field: "confiscated", ZH: "没收金额（元）", EN: "Confiscated (yuan)", Type: sheet.Number},
		{Field: "violation", ZH: "违法行为类型及事实", EN: "Violation"},
		{Field: "basis", ZH: "处罚依据", EN: "Legal basis"},
		{Field: "decided_on", ZH: "处罚决定日期", EN: "Decided on", Type: sheet.Date},
		{Field: "published_on", ZH: "公示日期", EN: "Published on", Type: sheet.Date},
		{Field: "publicity_ends_on", ZH: "公示截止日期", EN: "Published until", Type: sheet.Date},
		{Field: "authority", ZH: "处罚机关", EN: "Authority"},
		{Field: "log_index", ZH: "日志序号", EN: "Log index", Type: sheet.Number},
	}
)

// publicExport writes a public list, as filtered, to .xlsx (at most 200,000 rows).
func (s *Server) publicExport(w http.ResponseWriter, r *http.Request, kind string) {
	rq := reqFrom(r.Context())
	q, region, active, _, _, err := listQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	const maxRows, batch = 200_000, credit.MaxPageSize
	first, total, err := s.publicList(r, kind, q, region, active, batch, 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if total > maxRows {
		s.renderError(w, r, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxRows, "count", total))
		return
	}
	t := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	cols := map[string][]sheet.Column{"abnormal": abnormalExportColumns, "serious": seriousExportColumns, "penalties": penaltyExportColumns}[kind]
	logIndex := func(i int64) string {
		if i < 0 {
			return ""
		}
		return strconv.FormatInt(i, 10)
	}
	row := func(e credit.ListEntry) []string {
		switch st := e.State.(type) {
		case credit.AbnormalState:
			return []string{e.Name, e.USCC, t("credit.reason." + st.Reason), st.ListedOn.String(), st.DecisionNo, st.Authority,
				t("credit.astate." + st.State), dateText(st.RemovedOn), st.RemovalReason, logIndex(e.LogIndex)}
		case credit.SeriousState:
			var circ []string
			for _, c := range st.Circumstances {
				circ = append(circ, t("credit.circ."+c))
			}
			return []string{e.Name, e.USCC, e.LegalRep, strings.Join(circ, "；"), st.ListedOn.String(), st.ExpiresOn.String(),
				st.DecisionNo, st.Authority, t("credit.sstate." + st.State), dateText(st.RemovedOn), logIndex(e.LogIndex)}
		case credit.PenaltyState:
			var kinds []string
			for _, k := range st.Kinds {
				kinds = append(kinds, t("credit.kind."+k))
			}
			return []string{e.Name, e.USCC, e.LegalRep, st.DecisionNo, strings.Join(kinds, "、"), st.Fine, st.Confiscated,
				st.Violation, st.Basis, st.DecidedOn.String(), st.PublishedOn.String(), st.PublicityEndsOn.String(), st.Authority,
				logIndex(e.LogIndex)}
		}
		return nil
	}
	var buf bytes.Buffer
	var ferr error
	err = sheet.WriteXLSX(&buf, t("creditui.list_"+kind), cols, string(rq.Lang), func(yield func([]string) bool) {
		page, offset := first, 0
		for {
			for _, e := range page {
				if !yield(row(e)) {
					return
				}
			}
			if len(page) < batch {
				return
			}
			offset += batch
			if page, _, ferr = s.publicList(r, kind, q, region, active, batch, offset); ferr != nil {
				return
			}
		}
	})
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	if err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	writeXLSX(w, kind+"-"+s.Clock.Now().In(qcity.China).Format("20060102")+".xlsx", buf.Bytes())
}

func dateText(d qcity.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func (s *Server) handlePublicAbnormalExport(w http.ResponseWriter, r *http.Request) {
	s.publicExport(w, r, "abnormal")
}

func (s *Server) handlePublicSeriousExport(w http.ResponseWriter, r *http.Request) {
	s.publicExport(w, r, "serious")
}

func (s *Server) handlePublicPenaltyExport(w http.ResponseWriter, r *http.Request) {
	s.publicExport(w, r, "penalties")
}

// --- The tamper-evident log (透明日志) -------------------------------------------------

// logRow is a stored record with its decoded envelope.
type logRow struct {
	translog.Stored
	Env translog.Envelope
}

type logPageData struct {
	Key       string
	Head      translog.Head
	Rows      []logRow
	VerifyCmd string
	Pager
}

// siteURL is the address this server answers at, for the verification command.
func (s *Server) siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.Config.SecureCookie {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func decodeRows(recs []translog.Stored) []logRow {
	out := make([]logRow, 0, len(recs))
	for _, rec := range recs {
		env, _ := translog.Decode(rec.Data)
		out = append(out, logRow{Stored: rec, Env: env})
	}
	return out
}

func (s *Server) handleLogPage(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.log", nil), "log")
	limit, offset, errs := pageOf(r.URL.Query(), 50)
	if limit > translog.MaxRecords || limit == 0 {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", translog.MaxRecords))
	}
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	h, err := s.TransLog.Head(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	recs, err := translog.Latest(r.Context(), s.DB, limit, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Data = &logPageData{Key: s.TransLog.VerifierKey(), Head: h, Rows: decodeRows(recs),
		VerifyCmd: "qcity log verify --url " + s.siteURL(r) + " --key " + s.TransLog.VerifierKey(),
		Pager:     newPager(int(h.Size), limit, offset)}
	s.render(w, r, http.StatusOK, "credit_log", p)
}

type logRecordData struct {
	logRow
	JSON       string
	LeafHash   string
	Head       translog.Head
	Proof      []string
	Verified   bool
	Key        string
	History    []logRow // every record about the same object
	VerifyCmd  string
	ProofQuery string
}

// handleLogRecord shows one record with its inclusion proof in the current tree,
// checked here against the signed checkpoint: the page says 已验证 only when the
// checkpoint's signature and the proof both hold.
func (s *Server) handleLogRecord(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	idx, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	if err != nil || idx < 0 {
		s.renderError(w, r, qcity.Errorf(qcity.ENOTFOUND, "web.not_found"))
		return
	}
	ctx := r.Context()
	recs, err := translog.ReadRecords(ctx, s.DB, idx, idx+1)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(recs) == 0 {
		s.renderError(w, r, qcity.Errorf(qcity.ENOTFOUND, "web.not_found"))
		return
	}
	rec := recs[0]
	h, err := s.TransLog.Head(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	env, err := translog.Decode(rec.Data)
	if err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	d := &logRecordData{logRow: logRow{Stored: rec, Env: env}, Head: h, Key: s.TransLog.VerifierKey(),
		LeafHash: tlog.RecordHash(rec.Data).String(), VerifyCmd: "qcity log verify --url " + s.siteURL(r) + " --key " + s.TransLog.VerifierKey(),
		ProofQuery: url.Values{"index": {strconv.FormatInt(idx, 10)}, "size": {strconv.FormatInt(h.Size, 10)}}.Encode()}
	var pretty bytes.Buffer
	if json.Indent(&pretty, rec.Data, "", "  ") == nil {
		d.JSON = pretty.String()
	}
	proof, err := translog.ProveInclusion(ctx, s.DB, idx, h.Size)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Proof = translog.EncodeProof(proof)
	cp, cerr := translog.OpenCheckpoint([]byte(h.Checkpoint), s.TransLog.VerifierKey())
	if cerr == nil {
		cerr = tlog.CheckRecord(proof, cp.Size, cp.Root, idx, tlog.RecordHash(rec.Data))
	}
	if cerr != nil {
		s.Log.Error("log record does not verify", "index", idx, "err", cerr, "request_id", rq.ID)
	}
	d.Verified = cerr == nil
	if hist, err := translog.RecordsOf(ctx, s.DB, rec.Ref); err == nil {
		d.History = decodeRows(hist)
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.log_record", map[string]any{"index": idx}), "log")
	p.Data = d
	s.render(w, r, http.StatusOK, "credit_log_record", p)
}
