package credit

import (
	"context"
	"fmt"
	"os"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Summary is what one run of the rules engine did.
type Summary struct {
	Date           qcity.Date    `json:"date"`
	Skipped        bool          `json:"skipped"` // another run (or instance) already ran this date
	ReportYear     int           `json:"report_year"`
	Proposed       int           `json:"proposed"`
	Withdrawn      int           `json:"withdrawn"`
	SeriousExpired int           `json:"serious_expired"`
	PenaltiesEnded int           `json:"penalties_ended"`
	MarksEnded     int           `json:"marks_ended"`
	Reminders      int           `json:"reminders"`
	RiskWritten    int           `json:"risk_written"`
	RiskFull       bool          `json:"risk_full"`
	Took           time.Duration `json:"took_ns"`
}

// Changes is the number of records the run changed.
func (s Summary) Changes() int {
	return s.Proposed + s.Withdrawn + s.SeriousExpired + s.PenaltiesEnded + s.MarksEnded + s.Reminders + s.RiskWritten
}

// Instance names this process in rules_runs.
var Instance = func() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d", h, os.Getpid())
}()

const riskMonthKey = "credit/risk_month"

// RunRules performs every date-driven step due on day on, in one transaction:
//   - listing proposals for entities that had not filed the last closed year's report
//     by 30 June (to be decided within 10 WD), and withdrawal of those that filed since;
//   - expiry of serious-list listings at the end of their term;
//   - end of publicity of penalties whose term is over (the personal-data openings are
//     erased) and of individual businesses' abnormal marks on the next 30 June;
//   - worklist reminders: proposals and applications near or past their deadline,
//     listings about to expire, licence-revocation candidates;
//   - the monthly recomputation of every risk class (first run of a month).
//
// Each step acts only on records still due, so a second run changes nothing, and a run
// for a later date catches up on whatever an earlier missed day left. A run is
// recorded under its date; a date already run is skipped unless force is set, which is
// how several instances sharing one PostgreSQL database run each date once: the first
// to insert the date's row runs, the others wait on its key and then find it taken.
func (s *Service) RunRules(ctx context.Context, on qcity.Date, force bool) (Summary, error) {
	start := time.Now()
	sum := Summary{Date: on, ReportYear: LastClosedReportYear(on)}
	ctx = qcity.WithActor(ctx, qcity.System("rules"))
	now := s.Clock.Now().UTC()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		sum = Summary{Date: on, ReportYear: LastClosedReportYear(on)}
		res, err := tx.Exec(ctx, `INSERT INTO rules_runs (run_date, instance, started_at) VALUES (?, ?, ?)
			ON CONFLICT (run_date) DO NOTHING`, on, Instance, now)
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if !force {
				sum.Skipped = true
				return nil
			}
		}
		if sum.ReportYear >= 2013 {
			if sum.Proposed, sum.Withdrawn, err = s.proposeUnfiled(ctx, tx, sum.ReportYear, on); err != nil {
				return err
			}
		}
		var recs []logRec
		r, err := s.expireSerious(ctx, tx, on)
		if err != nil {
			return err
		}
		sum.SeriousExpired = len(r)
		recs = append(recs, r...)
		r, err = s.endPenaltyTerms(ctx, tx, on)
		if err != nil {
			return err
		}
		sum.PenaltiesEnded = len(r)
		recs = append(recs, r...)
		r, err = s.endMarks(ctx, tx, on)
		if err != nil {
			return err
		}
		sum.MarksEnded = len(r)
		recs = append(recs, r...)
		if sum.Reminders, err = s.raiseReminders(ctx, tx, on); err != nil {
			return err
		}
		if err := s.finish(ctx, tx, recs); err != nil {
			return err
		}
		if !s.DeferMonthlyRisk {
			if sum.RiskWritten, sum.RiskFull, err = s.monthlyRisk(ctx, tx, on, false); err != nil {
				return err
			}
		}
		sum.Took = time.Since(start)
		if _, err := tx.Exec(ctx, `UPDATE rules_runs SET finished_at = ?, summary = ?, instance = ? WHERE run_date = ?`,
			s.Clock.Now().UTC(), marshal(sum), Instance, on); err != nil {
			return qcity.Internal(err)
		}
		if sum.Changes() == 0 {
			return nil
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "rules_run",
			ObjectID: on.String(), Summary: fmt.Sprintf("规则引擎 %s: %d 项变更", on, sum.Changes()), After: sum})
	})
	sum.Took = time.Since(start)
	return sum, err
}

// monthlyRisk recomputes every class on the first run of on's month (or always with
// force) and records the month.
func (s *Service) monthlyRisk(ctx context.Context, tx *db.Tx, on qcity.Date, force bool) (int, bool, error) {
	month := fmt.Sprintf("%04d-%02d", on.Year, on.Month)
	var last string
	tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, riskMonthKey).Scan(&last)
	if last >= month && !force {
		return 0, false, nil
	}
	n, err := s.recomputeAllRisk(ctx, tx, on)
	if err != nil {
		return 0, true, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, riskMonthKey, month, s.Clock.Now().UTC())
	return n, true, qcity.Internal(err)
}

// RecomputeAllRisk recomputes every entity's risk class as of on, at once.
func (s *Service) RecomputeAllRisk(ctx context.Context, on qcity.Date) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, _, err = s.monthlyRisk(ctx, tx, on, true)
		return err
	})
	return n, err
}

func (s *Service) idsWhere(ctx context.Context, tx *db.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, qcity.Internal(err)
		}
		ids = append(ids, id)
	}
	return ids, qcity.Internal(rows.Err())
}

// expireSerious ends listings whose term is over; the record's date is the first day
// off the list, whatever day the engine ran.
func (s *Service) expireSerious(ctx context.Context, tx *db.Tx, on qcity.Date) ([]logRec, error) {
	ids, err := s.idsWhere(ctx, tx, `SELECT id FROM serious_listings WHERE state IN (?, ?) AND expires_on < ? ORDER BY id`,
		SeriousListed, SeriousRemovalApplied, on)
	if err != nil {
		return nil, err
	}
	var recs []logRec
	for _, id := range ids {
		l, err := findSerious(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		l.State, l.RemovedOn, l.RemovalNote = SeriousExpired, l.ExpiresOn.AddDays(1), "期满移出"
		if err := s.saveSerious(ctx, tx, &l); err != nil {
			return nil, err
		}
		if err := s.closeRepairs(ctx, tx, TargetSerious, l.ID, on); err != nil {
			return nil, err
		}
		recs = append(recs, logRec{l.USCC, recordOf(KindSeriousExpired, seriousRef(l.ID), l.USCC, l.RemovedOn, l.PublicState())})
	}
	return recs, nil
}

// endPenaltyTerms stops publishing penalties whose term ended before on.
func (s *Service) endPenaltyTerms(ctx context.Context, tx *db.Tx, on qcity.Date) ([]logRec, error) {
	ids, err := s.idsWhere(ctx, tx, `SELECT id FROM penalties WHERE state = ? AND publicity_ends_on < ? ORDER BY id`, PenaltyPublished, on)
	if err != nil {
		return nil, err
	}
	var recs []logRec
	for _, id := range ids {
		p, err := findPenalty(ctx, tx, "p.id = ?", id)
		if err != nil {
			return nil, err
		}
		r, err := s.endPublicity(ctx, tx, &p, PenaltyEnded, KindPenaltyEnded, p.PublicityEndsOn.AddDays(1))
		if err != nil {
			return nil, err
		}
		if err := s.closeRepairs(ctx, tx, TargetPenalty, p.ID, on); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// endMarks ends the publicity of individual businesses' abnormal marks on the 30 June
// after the listing (the mark itself stays until the business applies for its removal).
func (s *Service) endMarks(ctx context.Context, tx *db.Tx, on qcity.Date) ([]logRec, error) {
	ids, err := s.idsWhere(ctx, tx, `SELECT id FROM abnormal_listings WHERE state = ? AND individual = ? AND publicity_ends_on < ? ORDER BY id`,
		StateListed, true, on)
	if err != nil {
		return nil, err
	}
	var recs []logRec
	for _, id := range ids {
		a, err := findAbnormal(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		a.State = StatePublicityEnded
		if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			a.State, s.Clock.Now().UTC(), a.ID); err != nil {
			return nil, qcity.Internal(err)
		}
		recs = append(recs, logRec{a.USCC, recordOf(KindAbnormalPublicityEnded, abnormalRef(a.ID), a.USCC, a.PublicityEndsOn.AddDays(1), a.PublicState())})
	}
	return recs, nil
}

// Reminder kinds.
const (
	ReminderProposalDue   = "proposal_due"         // a listing proposal due for decision within 3 WD
	ReminderRepairDue     = "repair_due"           // an application due within 2 WD
	ReminderObjectionDue  = "objection_due"        // an objection step due within 3 WD
	ReminderSeriousExpiry = "serious_expiring"     // a serious listing ends within 30 days
	ReminderRevocation    = "revocation_candidate" // two years unfiled and unreachable
)

// raiseReminders inserts the worklist reminders due on on, each once.
func (s *Service) raiseReminders(ctx context.Context, tx *db.Tx, on qcity.Date) (int, error) {
	soon3, soon2 := s.Cal.AddWorkingDays(on, 3), s.Cal.AddWorkingDays(on, 2)
	total := 0
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO reminders (kind, ref, entity_id, region_code, due_on, created_on)
			SELECT ?, 'abnormal/' || CAST(id AS TEXT), entity_id, region_code, decide_by, ? FROM abnormal_listings
			WHERE state = ? AND decide_by <= ? ON CONFLICT (kind, ref) DO NOTHING`,
			[]any{ReminderProposalDue, on, StateProposed, soon3}},
		{`INSERT INTO reminders (kind, ref, entity_id, region_code, due_on, created_on)
			SELECT ?, 'objection/' || CAST(id AS TEXT) || '/' || objection_state, entity_id, region_code, objection_due, ? FROM abnormal_listings
			WHERE objection_state IN (?, ?) AND objection_due <= ? ON CONFLICT (kind, ref) DO NOTHING`,
			[]any{ReminderObjectionDue, on, ObjectionFiled, ObjectionAccepted, soon3}},
		{`INSERT INTO reminders (kind, ref, entity_id, region_code, due_on, created_on)
			SELECT ?, 'repair/' || CAST(id AS TEXT) || '/' || state, entity_id, region_code,
				CASE WHEN state = 'applied' AND accept_by IS NOT NULL THEN accept_by ELSE decide_by END, ? FROM repair_applications
			WHERE state IN (?, ?) AND (CASE WHEN state = 'applied' AND accept_by IS NOT NULL THEN accept_by ELSE decide_by END) <= ?
			ON CONFLICT (kind, ref) DO NOTHING`,
			[]any{ReminderRepairDue, on, RepairApplied, RepairAccepted, soon2}},
		{`INSERT INTO reminders (kind, ref, entity_id, region_code, due_on, created_on)
			SELECT ?, 'serious/' || CAST(id AS TEXT) || '/' || CAST(expires_on AS TEXT), entity_id, region_code, expires_on, ? FROM serious_listings
			WHERE state IN (?, ?) AND expires_on <= ? ON CONFLICT (kind, ref) DO NOTHING`,
			[]any{ReminderSeriousExpiry, on, SeriousListed, SeriousRemovalApplied, on.AddDays(30)}},
		{`INSERT INTO reminders (kind, ref, entity_id, region_code, due_on, created_on)
			SELECT ?, 'revocation/' || CAST(a1.entity_id AS TEXT) || '/' || CAST(a2.report_year AS TEXT), a1.entity_id, a1.region_code, NULL, ?
			FROM abnormal_listings a1
			JOIN abnormal_listings a2 ON a2.entity_id = a1.entity_id AND a2.reason = a1.reason
				AND a2.report_year = a1.report_year + 1 AND a2.state = 'listed'
			WHERE a1.reason = ? AND a1.state = 'listed'
			  AND EXISTS (SELECT 1 FROM abnormal_listings u WHERE u.entity_id = a1.entity_id AND u.reason = ? AND u.state = 'listed')
			ON CONFLICT (kind, ref) DO NOTHING`,
			[]any{ReminderRevocation, on, ReasonAnnualReport, ReasonUnreachable}},
	} {
		res, err := tx.Exec(ctx, q.sql, q.args...)
		if err != nil {
			return 0, qcity.Internal(err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

// Reminder is a worklist item.
type Reminder struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Ref       string     `json:"ref"`
	USCC      string     `json:"uscc"`
	Name      string     `json:"name"`
	Region    string     `json:"region_code"`
	DueOn     qcity.Date `json:"due_on"`
	CreatedOn qcity.Date `json:"created_on"`
}

// Reminders lists the newest reminders in a region.
func (s *Service) Reminders(ctx context.Context, region string, limit int) ([]Reminder, error) {
	limit, _ = pageBounds(limit, 0)
	rows, err := s.DB.Query(ctx, `SELECT m.id, m.kind, m.ref, COALESCE(e.uscc, ''), COALESCE(e.name, ''), m.region_code, m.due_on, m.created_on
		FROM reminders m LEFT JOIN entities e ON e.id = m.entity_id WHERE m.region_code LIKE ?
		ORDER BY m.created_on DESC, m.id DESC LIMIT ?`, region+"%", limit)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Reminder{}
	for rows.Next() {
		var m Reminder
		if err := rows.Scan(&m.ID, &m.Kind, &m.Ref, &m.USCC, &m.Name, &m.Region, &m.DueOn, &m.CreatedOn); err != nil {
			return nil, qcity.Internal(err)
		}
		out = append(out, m)
	}
	return out, qcity.Internal(rows.Err())
}

// LastRun returns the latest run's summary.
func (s *Service) LastRun(ctx context.Context) (Summary, bool, error) {
	var v string
	err := s.DB.QueryRow(ctx, `SELECT summary FROM rules_runs WHERE finished_at IS NOT NULL ORDER BY run_date DESC LIMIT 1`).Scan(&v)
	if err != nil {
		return Summary{}, false, nil
	}
	var sum Summary
	unmarshalJSON(v, &sum)
	return sum, true, nil
}
