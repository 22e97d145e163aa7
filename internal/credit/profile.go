package credit

import (
	"context"
	"strings"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/translog"
)

// ListEntry is one entry of a public list (abnormal, serious, penalties): who, the
// public state the log holds for it, and the index of the log record behind it, so a
// reader can fetch its inclusion proof.
type ListEntry struct {
	Ref      string `json:"ref"`
	ID       int64  `json:"id"`
	USCC     string `json:"uscc"`
	Name     string `json:"name"`
	Region   string `json:"region_code"`
	State    any    `json:"public_state"`
	LogIndex int64  `json:"log_index"` // -1 if the entry is not in the log
	// LegalRep is the legal representative's name, shown while the entry is published
	// (the log holds only a commitment to it).
	LegalRep string `json:"legal_rep,omitempty"`
	// Legacy is the three-year flag of records listed under the 2014 rules.
	Legacy bool `json:"legacy_transfer_flag,omitempty"`
	// Individual: an individual business's abnormal mark.
	Individual bool `json:"individual,omitempty"`
}

// logIndexes returns the index of the newest log record of each ref.
func logIndexes(ctx context.Context, q db.Querier, refs []string) (map[string]int64, error) {
	out := map[string]int64{}
	for len(refs) > 0 {
		chunk := refs[:min(len(refs), 500)]
		refs = refs[len(chunk):]
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r
		}
		rows, err := q.Query(ctx, `SELECT ref, MAX(idx) FROM translog_records WHERE ref IN (?`+strings.Repeat(",?", len(chunk)-1)+`) GROUP BY ref`, args...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var ref string
			var idx int64
			if err := rows.Scan(&ref, &idx); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			out[ref] = idx
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, qcity.Internal(err)
		}
	}
	return out, nil
}

// opened returns the value behind a commitment while its opening exists.
func opened(ctx context.Context, q db.Querier, c string) string {
	if c == "" {
		return ""
	}
	_, v, ok, _ := translog.Opening(ctx, q, c)
	if !ok {
		return ""
	}
	return v
}

func (s *Service) entries(ctx context.Context, refs []string, build func(i int, idx map[string]int64) ListEntry) ([]ListEntry, error) {
	idx, err := logIndexes(ctx, s.DB, refs)
	if err != nil {
		return nil, err
	}
	out := make([]ListEntry, len(refs))
	for i := range refs {
		out[i] = build(i, idx)
	}
	return out, nil
}

func indexOr(idx map[string]int64, ref string) int64 {
	if i, ok := idx[ref]; ok {
		return i
	}
	return -1
}

// activeOf maps the API's active=true|false to a state filter.
func activeOf(active string, on, off string) string {
	switch active {
	case "true", "1":
		return on
	case "false", "0":
		return off
	}
	return ""
}

// PublicAbnormalList is the public abnormal list: active=true in force, false ended,
// "" every public entry.
func (s *Service) PublicAbnormalList(ctx context.Context, f AbnormalFilter, active string) ([]ListEntry, int, error) {
	switch active {
	case "true", "1":
		f.State = StateListed
	case "false", "0":
		f.State = "ended"
	default:
		f.State = ""
	}
	items, total, err := s.FindAbnormals(ctx, f, false)
	if err != nil {
		return nil, 0, err
	}
	refs := make([]string, len(items))
	for i, a := range items {
		refs[i] = abnormalRef(a.ID)
	}
	out, err := s.entries(ctx, refs, func(i int, idx map[string]int64) ListEntry {
		a := items[i]
		return ListEntry{Ref: refs[i], ID: a.ID, USCC: a.USCC, Name: a.Name, Region: a.Region, State: a.PublicState(),
			LogIndex: indexOr(idx, refs[i]), Legacy: a.Legacy, Individual: a.Individual}
	})
	return out, total, err
}

// PublicSeriousList is the public serious list: active=true listed now, false ended.
func (s *Service) PublicSeriousList(ctx context.Context, f SeriousFilter, active string) ([]ListEntry, int, error) {
	f.State = activeOf(active, "active", "")
	items, total, err := s.FindSeriousList(ctx, f, false)
	if err != nil {
		return nil, 0, err
	}
	if active == "false" || active == "0" {
		kept := items[:0]
		for _, l := range items {
			if l.State != SeriousListed && l.State != SeriousRemovalApplied {
				kept = append(kept, l)
			}
		}
		items = kept
	}
	refs := make([]string, len(items))
	for i, l := range items {
		refs[i] = seriousRef(l.ID)
	}
	return s.entriesSerious(ctx, items, refs, total)
}

func (s *Service) entriesSerious(ctx context.Context, items []Serious, refs []string, total int) ([]ListEntry, int, error) {
	out, err := s.entries(ctx, refs, func(i int, idx map[string]int64) ListEntry {
		l := items[i]
		e := ListEntry{Ref: refs[i], ID: l.ID, USCC: l.USCC, Name: l.Name, Region: l.Region, State: l.PublicState(),
			LogIndex: indexOr(idx, refs[i])}
		if l.State == SeriousListed || l.State == SeriousRemovalApplied {
			e.LegalRep = opened(ctx, s.DB, l.LegalRepCommitment)
		}
		return e
	})
	return out, total, err
}

// PublicPenaltyList lists the penalties published now.
func (s *Service) PublicPenaltyList(ctx context.Context, f PenaltyFilter) ([]ListEntry, int, error) {
	f.State = ""
	items, total, err := s.FindPenalties(qcity.WithActor(ctx, qcity.Anonymous), f)
	if err != nil {
		return nil, 0, err
	}
	refs := make([]string, len(items))
	for i, p := range items {
		refs[i] = penaltyRef(p.ID)
	}
	out, err := s.entries(ctx, refs, func(i int, idx map[string]int64) ListEntry {
		p := items[i]
		return ListEntry{Ref: refs[i], ID: p.ID, USCC: p.USCC, Name: p.Name, Region: p.Region, State: p.PublicState(),
			LogIndex: indexOr(idx, refs[i]), LegalRep: opened(ctx, s.DB, p.LegalRepCommitment)}
	})
	return out, total, err
}

// Profile is an entity's public credit profile.
type Profile struct {
	Entity        registry.Entity     `json:"entity"`
	Status        ProfileStatus       `json:"status"`
	Reports       []ReportSummary     `json:"annual_reports"`
	Abnormal      []ListEntry         `json:"abnormal"`
	Serious       []ListEntry         `json:"serious"`
	Penalties     []ListEntry         `json:"penalties"`
	Announcements []AnnouncementEntry `json:"sampling_announcements"`
	// Certificates are the certificates the entity holds (认证证书), valid ones first.
	Certificates []certification.Summary `json:"certificates"`
	Records      []LogRecord             `json:"log_records"`
	Checkpoint   string                  `json:"checkpoint,omitempty"`
}

// ProfileStatus sums up the entity's standing.
type ProfileStatus struct {
	AbnormalListed bool `json:"abnormal_listed"`
	SeriousListed  bool `json:"serious_listed"`
	PublishedPen   int  `json:"published_penalties"`
	FailedSamples  int  `json:"failed_samples"`
}

// ReportSummary is one year's report as published.
type ReportSummary struct {
	Year    int        `json:"year"`
	Due     bool       `json:"due"`
	Filed   bool       `json:"filed"`
	FiledOn qcity.Date `json:"filed_on"`
	Late    bool       `json:"late"`
	Report  *Report    `json:"report,omitempty"`
}

// AnnouncementEntry is a sampling announcement on a profile.
type AnnouncementEntry struct {
	sampling.Announcement
	LogIndex int64 `json:"log_index"`
}

// LogRecord is a log record about the entity, decoded.
type LogRecord struct {
	Index int64      `json:"index"`
	Kind  string     `json:"kind"`
	Ref   string     `json:"ref"`
	Date  qcity.Date `json:"date"`
}

// Certificates is what the profile needs of certification: the certificates an entity
// holds (certification.Service).
type Certificates interface {
	CertificatesOf(ctx context.Context, uscc string) ([]certification.Summary, error)
}

// Sampling is what the profile needs of sampling: failed-sample announcements.
type Sampling interface {
	AnnouncementsAbout(ctx context.Context, entityID int64, limit int) ([]sampling.Announcement, error)
}

// Profile returns the public credit profile of the entity with the USCC: registration
// data, annual reports (published fields only), list status with reasons and dates,
// published penalties, failed-sampling announcements and the log records behind them.
func (s *Service) Profile(ctx context.Context, code string, smp Sampling) (Profile, error) {
	var p Profile
	e, err := s.Registry.FindEntityByUSCC(ctx, code)
	if err != nil {
		return p, err
	}
	p.Entity = e
	anon := qcity.WithActor(ctx, qcity.Anonymous)
	reports, err := s.ReportsOf(anon, e.ID, false)
	if err != nil {
		return p, err
	}
	byYear := map[int]*Report{}
	for i := range reports {
		byYear[reports[i].Year] = &reports[i]
	}
	today := s.today()
	df := DueFacts{Type: string(e.Type), EstablishedOn: e.EstablishedOn, Status: string(e.Status)}
	for y := LastClosedReportYear(today) + 1; y >= max(e.EstablishedOn.Year, LastClosedReportYear(today)-4); y-- {
		rs := ReportSummary{Year: y, Due: ReportDue(df, y) && !today.Before(ReportWindowOpens(y))}
		if r, ok := byYear[y]; ok {
			rs.Filed, rs.FiledOn, rs.Late, rs.Report = true, r.FiledOn, r.Late, r
		}
		if rs.Due || rs.Filed {
			p.Reports = append(p.Reports, rs)
		}
	}
	if p.Abnormal, _, err = s.PublicAbnormalList(ctx, AbnormalFilter{EntityID: e.ID, Limit: 100}, ""); err != nil {
		return p, err
	}
	if p.Serious, _, err = s.PublicSeriousList(ctx, SeriousFilter{EntityID: e.ID, Limit: 100}, ""); err != nil {
		return p, err
	}
	if p.Penalties, _, err = s.PublicPenaltyList(ctx, PenaltyFilter{EntityID: e.ID, Limit: 100}); err != nil {
		return p, err
	}
	for _, a := range p.Abnormal {
		if a.State.(AbnormalState).State == StateListed {
			p.Status.AbnormalListed = true
		}
	}
	for _, l := range p.Serious {
		if l.State.(SeriousState).State == SeriousListed {
			p.Status.SeriousListed = true
		}
	}
	p.Status.PublishedPen = len(p.Penalties)
	p.Announcements = []AnnouncementEntry{}
	if smp != nil {
		anns, err := smp.AnnouncementsAbout(ctx, e.ID, 50)
		if err != nil {
			return p, err
		}
		refs := make([]string, len(anns))
		for i, a := range anns {
			refs[i] = sampling.AnnouncementRef(a.ID)
		}
		idx, err := logIndexes(ctx, s.DB, refs)
		if err != nil {
			return p, err
		}
		for i, a := range anns {
			p.Announcements = append(p.Announcements, AnnouncementEntry{Announcement: a, LogIndex: indexOr(idx, refs[i])})
			if a.Status == sampling.AnnouncementPublished {
				p.Status.FailedSamples++
			}
		}
	}
	p.Certificates = []certification.Summary{}
	if s.Certificates != nil {
		if p.Certificates, err = s.Certificates.CertificatesOf(ctx, e.USCC); err != nil {
			return p, err
		}
	}
	recs, err := translog.RecordsAbout(ctx, s.DB, e.USCC, 100)
	if err != nil {
		return p, err
	}
	p.Records = []LogRecord{}
	for _, r := range recs {
		env, err := translog.Decode(r.Data)
		if err != nil {
			continue
		}
		p.Records = append(p.Records, LogRecord{Index: r.Index, Kind: r.Kind, Ref: r.Ref, Date: env.Date})
	}
	if s.Log != nil {
		if h, err := s.Log.Head(ctx); err == nil {
			p.Checkpoint = h.Checkpoint
		}
	}
	return p, nil
}
