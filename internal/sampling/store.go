package sampling

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/limits"
)

const sampleColumns = `s.id, s.sample_no, COALESCE(s.plan_id, 0), COALESCE(s.task_id, 0), s.kind, s.level, s.year,
	s.category_code, s.category1, s.product_name, s.brand, s.specification, s.batch,
	COALESCE(s.producer_id, 0), COALESCE(p.uscc, ''), s.producer_name, COALESCE(s.seller_id, 0), COALESCE(e.uscc, ''), s.seller_name,
	s.region_code, s.stage, s.sampled_on, s.samplers, COALESCE(s.lab_org_id, 0), COALESCE(l.name, ''),
	COALESCE(s.retest_lab_org_id, 0), COALESCE(rl.name, ''), s.verdict, s.first_verdict, s.disagreements, s.micro_failure,
	s.state, s.objection_state, s.disposal_state, s.announced, s.next_step, s.due_on, s.reported_on, s.served_on,
	s.recorded_by, s.recorded_role, s.created_at, s.updated_at, s.version`

const sampleFrom = ` FROM samples s
	LEFT JOIN entities p ON p.id = s.producer_id
	LEFT JOIN entities e ON e.id = s.seller_id
	LEFT JOIN organisations l ON l.id = s.lab_org_id
	LEFT JOIN organisations rl ON rl.id = s.retest_lab_org_id`

func scanSample(row interface{ Scan(...any) error }) (Sample, error) {
	var s Sample
	var kind, level, stage, samplers, state, next string
	err := row.Scan(&s.ID, &s.SampleNo, &s.PlanID, &s.TaskID, &kind, &level, &s.Year, &s.CategoryCode, &s.Category1,
		&s.ProductName, &s.Brand, &s.Specification, &s.Batch, &s.ProducerID, &s.ProducerUSCC, &s.ProducerName,
		&s.SellerID, &s.SellerUSCC, &s.SellerName, &s.Region, &stage, &s.SampledOn, &samplers, &s.LabID, &s.LabName,
		&s.RetestLabID, &s.RetestLabName, &s.Verdict, &s.FirstVerdict, &s.Disagreements, &s.MicroFailure, &state,
		&s.ObjectionState, &s.DisposalState, &s.Announced, &next, &s.DueOn, &s.ReportedOn, &s.ServedOn,
		&s.RecordedBy, &s.RecordedRole, &s.CreatedAt, &s.UpdatedAt, &s.Version)
	if err != nil {
		return Sample{}, err
	}
	s.Kind, s.Level, s.Stage, s.State, s.NextStep = Kind(kind), Level(level), Stage(stage), State(state), Step(next)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(samplers), &s.Samplers); err != nil || s.Samplers == nil {
		s.Samplers = []string{}
	}
	return s, nil
}

func findSample(ctx context.Context, q db.Querier, no string) (Sample, error) {
	s, err := scanSample(q.QueryRow(ctx, `SELECT `+sampleColumns+sampleFrom+` WHERE s.sample_no = ?`, no))
	if errors.Is(err, sql.ErrNoRows) {
		return Sample{}, qcity.Errorf(qcity.ENOTFOUND, "sampling.sample_not_found", "sample_no", no)
	}
	if err != nil {
		return Sample{}, qcity.Internal(err)
	}
	return s, nil
}

func findItems(ctx context.Context, q db.Querier, sampleID int64) ([]Item, error) {
	rows, err := q.Query(ctx, `SELECT id, round, seq, item, result, unit, limit_text, COALESCE(limit_id, 0), comparison,
		standard, lab_verdict, verdict FROM sample_items WHERE sample_id = ? ORDER BY round, seq`, sampleID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.Round, &it.Seq, &it.Item, &it.Result, &it.Unit, &it.Limit, &it.LimitID,
			&it.Comparison, &it.Standard, &it.LabVerdict, &it.Verdict); err != nil {
			return nil, qcity.Internal(err)
		}
		explain(&it)
		out = append(out, it)
	}
	return out, qcity.Internal(rows.Err())
}

// Event is one step taken on a sample.
type Event struct {
	ID        int64          `json:"id"`
	Step      Step           `json:"step"`
	On        qcity.Date     `json:"on"`
	At        time.Time      `json:"at"`
	ActorName string         `json:"actor"`
	ActorRole string         `json:"actor_role"`
	Note      string         `json:"note"`
	Documents []string       `json:"documents"`
	Data      map[string]any `json:"data"`
	DueOn     qcity.Date     `json:"due_on"`
	Late      bool           `json:"late"`
}

// history returns a sample's events: the recording of the sample (and of its results,
// when it came with them) read from the sample row, then every step taken since.
func history(ctx context.Context, q db.Querier, smp *Sample) ([]Event, error) {
	out := []Event{{Step: StepRegister, On: smp.SampledOn, At: smp.CreatedAt, ActorName: smp.RecordedBy,
		ActorRole: smp.RecordedRole, Documents: []string{}}}
	rest, err := findEvents(ctx, q, smp.ID)
	if err != nil {
		return nil, err
	}
	reportedLater := false
	for _, e := range rest {
		reportedLater = reportedLater || e.Step == StepReport
	}
	if !smp.ReportedOn.IsZero() && !reportedLater {
		out = append(out, Event{Step: StepReport, On: smp.ReportedOn, At: smp.CreatedAt, ActorName: smp.RecordedBy,
			ActorRole: smp.RecordedRole, Documents: []string{}, Data: map[string]any{"verdict": smp.FirstVerdict}})
	}
	return append(out, rest...), nil
}

func findEvents(ctx context.Context, q db.Querier, sampleID int64) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT id, step, on_date, at, actor_name, actor_role, note, documents, data, due_on, late
		FROM sample_events WHERE sample_id = ? ORDER BY id`, sampleID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var step, docs, data string
		if err := rows.Scan(&e.ID, &step, &e.On, &e.At, &e.ActorName, &e.ActorRole, &e.Note, &docs, &data, &e.DueOn, &e.Late); err != nil {
			return nil, qcity.Internal(err)
		}
		e.Step, e.At = Step(step), e.At.UTC()
		json.Unmarshal([]byte(docs), &e.Documents)
		json.Unmarshal([]byte(data), &e.Data)
		if e.Documents == nil {
			e.Documents = []string{}
		}
		out = append(out, e)
	}
	return out, qcity.Internal(rows.Err())
}

func insertEvent(ctx context.Context, q db.Querier, sampleID int64, e Event) error {
	if e.Documents == nil {
		e.Documents = []string{}
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	_, err := q.Exec(ctx, `INSERT INTO sample_events (sample_id, step, on_date, at, actor_name, actor_role, note, documents,
		data, due_on, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sampleID, string(e.Step), e.On, e.At, e.ActorName,
		e.ActorRole, e.Note, marshalJSON(e.Documents), marshalJSON(e.Data), e.DueOn, e.Late)
	return qcity.Internal(err)
}

const itemCols = 12

// itemRow is the placeholder group of one item row.
const itemRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

func itemArgs(args []any, sampleID int64, it *Item) []any {
	return append(args, sampleID, it.Round, it.Seq, it.Item, it.Result, it.Unit, it.Limit, db.NullInt(it.LimitID),
		it.Comparison, it.Standard, it.LabVerdict, it.Verdict)
}

const itemInsert = `INSERT INTO sample_items (sample_id, round, seq, item, result, unit, limit_text, limit_id, comparison,
	standard, lab_verdict, verdict) VALUES `

// explain re-derives the reason for an item's stored verdict (and whether it disagrees
// with the lab, and whether it is microbiological) by judging it again: the judge is
// pure, so the stored inputs give the same answer; only the verdict itself is stored,
// as the record.
func explain(it *Item) {
	j, err := limits.JudgeItem(it.Result, it.Unit, it.Limit, it.Comparison, it.LabVerdict)
	if err != nil {
		return
	}
	it.ReasonKey, it.ReasonArgs = j.Key, j.Args
	it.Micro = j.Microbiological || isPathogen(it.Item)
	it.Disagrees = it.LabVerdict != "" && it.LabVerdict != it.Verdict
}

func insertItems(ctx context.Context, tx *db.Tx, sampleID int64, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(itemInsert)
	args := make([]any, 0, len(items)*itemCols)
	for i := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(itemRow)
		args = itemArgs(args, sampleID, &items[i])
	}
	_, err := tx.Exec(ctx, b.String(), args...)
	return qcity.Internal(err)
}

const sampleInsertCols = `sample_no, plan_id, task_id, kind, level, year, category_code, category1, product_name, brand,
	specification, batch, producer_id, producer_name, seller_id, seller_name, region_code, stage, sampled_on, samplers,
	lab_org_id, verdict, first_verdict, disagreements, micro_failure, state, objection_state, disposal_state, announced,
	next_step, due_on, reported_on, served_on, recorded_by, recorded_role, created_at, updated_at, version`

const sampleInsertN = 38

func sampleArgs(args []any, s *Sample) []any {
	return append(args, s.SampleNo, db.NullInt(s.PlanID), db.NullInt(s.TaskID), string(s.Kind), string(s.Level), s.Year,
		s.CategoryCode, s.Category1, s.ProductName, s.Brand, s.Specification, s.Batch, db.NullInt(s.ProducerID),
		s.ProducerName, db.NullInt(s.SellerID), s.SellerName, s.Region, string(s.Stage), s.SampledOn,
		marshalJSON(s.Samplers), db.NullInt(s.LabID), s.Verdict, s.FirstVerdict, s.Disagreements, s.MicroFailure,
		string(s.State), s.ObjectionState, s.DisposalState, s.Announced, string(s.NextStep), s.DueOn, s.ReportedOn,
		s.ServedOn, s.RecordedBy, s.RecordedRole, s.CreatedAt, s.UpdatedAt, 1)
}

func insertSample(ctx context.Context, tx *db.Tx, s *Sample) error {
	q := `INSERT INTO samples (` + sampleInsertCols + `) VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", sampleInsertN), ", ") + `) RETURNING id`
	err := tx.QueryRow(ctx, q, sampleArgs(nil, s)...).Scan(&s.ID)
	if db.IsUniqueViolation(err) {
		return &qcity.Error{Code: qcity.ECONFLICT, Key: "sampling.sample_no_taken", Args: map[string]any{"sample_no": s.SampleNo},
			Fields: []qcity.FieldError{qcity.Field("sample_no", "sampling.sample_no_taken", "sample_no", s.SampleNo)}}
	}
	if err != nil {
		return qcity.Internal(err)
	}
	s.Version = 1
	return nil
}

// updateSampleState writes the workflow fields of s if its version is unchanged.
func updateSampleState(ctx context.Context, tx *db.Tx, s *Sample) error {
	res, err := tx.Exec(ctx, `UPDATE samples SET verdict = ?, first_verdict = ?, disagreements = ?, micro_failure = ?,
		state = ?, objection_state = ?, disposal_state = ?, announced = ?, next_step = ?, due_on = ?, reported_on = ?,
		served_on = ?, retest_lab_org_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		s.Verdict, s.FirstVerdict, s.Disagreements, s.MicroFailure, string(s.State), s.ObjectionState, s.DisposalState,
		s.Announced, string(s.NextStep), s.DueOn, s.ReportedOn, s.ServedOn, db.NullInt(s.RetestLabID), s.UpdatedAt,
		s.ID, s.Version)
	if err != nil {
		return qcity.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	s.Version++
	return nil
}
