package screening

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/uscc"
)

// MaxSubjects is the most subjects one call may screen.
const MaxSubjects = 1000

// Service runs screenings over the index and keeps the index current with the credit
// change feed, which every instance reads: a change committed by any instance is in
// every index before that instance's next screening.
type Service struct {
	DB    *db.DB
	Clock qcity.Clock
	Index *Index

	mu       sync.Mutex
	seq      int64     // the feed position the index reflects
	loadedAt time.Time // last full load
}

// NewService returns a service with an empty index; call Load.
func NewService(d *db.DB, clock qcity.Clock) *Service {
	return &Service{DB: d, Clock: clock, Index: NewIndex()}
}

// Load builds the index from the database.
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq, err := s.Index.Load(ctx, s.DB, qcity.DateOf(s.Clock.Now()))
	if err != nil {
		return err
	}
	s.seq, s.loadedAt = seq, time.Now()
	return nil
}

// Sync brings the index up to the feed: one indexed query when nothing changed. Every
// ten minutes it rebuilds the whole index (renamed entities, name changes outside the
// credit rooms).
func (s *Service) Sync(ctx context.Context) error {
	s.mu.Lock()
	full := time.Since(s.loadedAt) > 10*time.Minute
	s.mu.Unlock()
	if full {
		return s.Load(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var last int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM credit_changes`).Scan(&last); err != nil {
		return qcity.Internal(err)
	}
	if last == s.seq {
		return nil
	}
	seq, err := s.Index.refresh(ctx, s.DB, s.seq, qcity.DateOf(s.Clock.Now()))
	s.seq = seq
	return err
}

// ClientKey names the caller for decisions, history and subscriptions: an API key or a user.
func ClientKey(a qcity.Actor) string {
	if a.Kind == qcity.ActorAPIKey {
		return fmt.Sprintf("apikey:%d", a.ID)
	}
	return fmt.Sprintf("user:%d", a.ID)
}

// mayScreen: procurement platforms (API clients) and officials.
func mayScreen(a qcity.Actor) error {
	if a.Role == qcity.RoleAPIClient || a.IsOfficial() || a.Kind == qcity.ActorSystem {
		return nil
	}
	return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
}

// Request is a screening call.
type Request struct {
	Purpose  string    `json:"purpose"`
	Subjects []Subject `json:"subjects"`
}

// Screening is a recorded screening.
type Screening struct {
	ID         int64     `json:"id"`
	Code       string    `json:"verification_code"`
	Purpose    string    `json:"purpose"`
	Client     string    `json:"client"`
	At         time.Time `json:"screened_at"`
	Date       string    `json:"date"`
	Subjects   int       `json:"subjects"`
	Restricted int       `json:"restricted"`
	Review     int       `json:"review"`
	Results    []Result  `json:"results,omitempty"` // not in history lists
}

func checkRequest(req Request) []qcity.FieldError {
	var errs []qcity.FieldError
	if !slices.Contains(Purposes, req.Purpose) {
		errs = append(errs, qcity.Field("purpose", "screening.purpose", "purposes", strings.Join(Purposes, " | ")))
	}
	switch n := len(req.Subjects); {
	case n == 0:
		errs = append(errs, qcity.Field("subjects", "screening.no_subjects"))
	case n > MaxSubjects:
		errs = append(errs, qcity.Field("subjects", "screening.too_many", "max", MaxSubjects, "n", n))
	}
	if len(errs) > 0 {
		return errs
	}
	seen := map[string]bool{}
	for i, s := range req.Subjects {
		field := func(f string) string { return fmt.Sprintf("subjects[%d].%s", i, f) }
		switch {
		case strings.TrimSpace(s.Ref) == "":
			errs = append(errs, qcity.Field(field("ref"), "registry.required"))
		case utf8.RuneCountInString(s.Ref) > 100:
			errs = append(errs, qcity.Field(field("ref"), "registry.text_length", "max", 100))
		case seen[s.Ref]:
			errs = append(errs, qcity.Field(field("ref"), "screening.ref_repeated", "ref", s.Ref))
		}
		seen[s.Ref] = true
		if strings.TrimSpace(s.USCC) == "" && strings.TrimSpace(s.Name) == "" {
			errs = append(errs, qcity.Field(field("name"), "screening.code_or_name"))
		}
		if utf8.RuneCountInString(s.USCC) > 30 {
			errs = append(errs, qcity.Field(field("uscc"), "registry.text_length", "max", 30))
		}
		if utf8.RuneCountInString(s.Name) > 200 {
			errs = append(errs, qcity.Field(field("name"), "registry.text_length", "max", 200))
		}
		if utf8.RuneCountInString(s.LegalRepresentative) > 50 {
			errs = append(errs, qcity.Field(field("legal_representative"), "registry.text_length", "max", 50))
		}
		if len(errs) >= 50 {
			break
		}
	}
	return errs
}

// Screen screens the subjects for the purpose, records the screening (with its
// verification code) and writes the query to the audit log.
func (s *Service) Screen(ctx context.Context, req Request) (Screening, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return Screening{}, err
	}
	if errs := checkRequest(req); len(errs) > 0 {
		return Screening{}, qcity.Invalid(errs...)
	}
	if err := s.Sync(ctx); err != nil {
		return Screening{}, err
	}
	client := ClientKey(a)
	suppressed, err := s.decisionsOf(ctx, client)
	if err != nil {
		return Screening{}, err
	}
	reg, err := s.register(ctx, req.Subjects)
	if err != nil {
		return Screening{}, err
	}
	now := s.Clock.Now().UTC()
	day := qcity.DateOf(now)
	sc := Screening{Purpose: req.Purpose, Client: a.Name, At: now, Date: day.String(), Subjects: len(req.Subjects),
		Results: make([]Result, len(req.Subjects))}
	// Name matching is the costly part: large calls are checked on every core. Workers
	// take small chunks as they go, so one descheduled thread does not hold back the
	// rest of the call.
	workers := 1
	if len(req.Subjects) >= 64 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(req.Subjects) {
					return
				}
				for i := lo; i < min(lo+chunk, len(req.Subjects)); i++ {
					sc.Results[i] = s.Index.CheckWith(req.Subjects[i], req.Purpose, day, suppressed, reg)
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range sc.Results {
		switch r.Status {
		case StatusRestricted:
			sc.Restricted++
		case StatusReview:
			sc.Review++
		}
	}
	sc.Code = newCode()
	stored, err := pack(storedResult{Subjects: req.Subjects, Results: sc.Results})
	if err != nil {
		return Screening{}, qcity.Internal(err)
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO screenings (code, client_key, client_name, purpose, subjects, restricted, review,
			result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sc.Code, client, a.Name, sc.Purpose, sc.Subjects,
			sc.Restricted, sc.Review, stored, now).Scan(&sc.ID); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionRead, ObjectType: "credit_query", ObjectID: sc.Code,
			Region: a.Region, Summary: fmt.Sprintf("信用核查 %s：%d 个主体，%d 受限，%d 待核实", sc.Purpose, sc.Subjects, sc.Restricted, sc.Review)})
	})
	return sc, err
}

// register looks up, in one indexed query per 500 codes, the valid credit codes of the
// subjects that are not restricted entities: whether the register has them and their
// legal representatives there.
func (s *Service) register(ctx context.Context, subjects []Subject) (Register, error) {
	var codes []any
	seen := map[string]bool{}
	s.Index.mu.RLock()
	for _, sub := range subjects {
		c := uscc.Normalize(sub.USCC)
		if c == "" || seen[c] || s.Index.byCode[c] != nil || uscc.Validate(c) != nil {
			continue
		}
		seen[c] = true
		codes = append(codes, c)
	}
	s.Index.mu.RUnlock()
	reps := make(map[string]string, len(codes))
	for len(codes) > 0 {
		chunk := codes[:min(len(codes), 500)]
		codes = codes[len(chunk):]
		rows, err := s.DB.Query(ctx, `SELECT uscc, legal_representative FROM entities WHERE uscc IN (?`+
			strings.Repeat(",?", len(chunk)-1)+`)`, chunk...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var c, rep string
			if err := rows.Scan(&c, &rep); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			reps[c] = rep
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, qcity.Internal(err)
		}
	}
	return func(code string) (string, bool) {
		rep, ok := reps[code]
		return rep, ok
	}, nil
}

// storedResult is what a screening row keeps, as deflated JSON.
type storedResult struct {
	Subjects []Subject `json:"subjects"`
	Results  []Result  `json:"results"`
}

// flateWriters are reused: a deflate writer costs about a megabyte to set up.
var flateWriters = sync.Pool{New: func() any {
	zw, _ := flate.NewWriter(nil, flate.BestSpeed)
	return zw
}}

func pack(v storedResult) ([]byte, error) {
	var buf bytes.Buffer
	zw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(zw)
	zw.Reset(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func unpack(b []byte) (storedResult, error) {
	var v storedResult
	err := json.NewDecoder(flate.NewReader(bytes.NewReader(b))).Decode(&v)
	return v, err
}

// newCode makes a verification code: 16 characters of an unambiguous alphabet,
// grouped by four (about 80 bits).
func newCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// NormalizeCode accepts a verification code as people type it.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s)))
	if len(s) != 16 {
		return ""
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

func scanScreening(row interface{ Scan(...any) error }, withResults bool) (Screening, []Subject, error) {
	var sc Screening
	var result []byte
	if err := row.Scan(&sc.ID, &sc.Code, &sc.Client, &sc.Purpose, &sc.Subjects, &sc.Restricted, &sc.Review, &result, &sc.At); err != nil {
		return sc, nil, err
	}
	sc.At = sc.At.UTC()
	sc.Date = qcity.DateOf(sc.At).String()
	var st storedResult
	if withResults {
		var err error
		if st, err = unpack(result); err != nil {
			return sc, nil, err
		}
		sc.Results = st.Results
	}
	return sc, st.Subjects, nil
}

// Find returns one of the caller's screenings by id.
func (s *Service) Find(ctx context.Context, id int64) (Screening, []Subject, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return Screening{}, nil, err
	}
	sc, subj, err := scanScreening(s.DB.QueryRow(ctx, `SELECT id, code, client_name, purpose, subjects, restricted, review, result,
		created_at FROM screenings WHERE id = ? AND client_key = ?`, id, ClientKey(a)), true)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, nil, qcity.Errorf(qcity.ENOTFOUND, "screening.not_found")
	}
	return sc, subj, qcity.Internal(err)
}

// History lists the caller's own screenings, newest first (without the results).
func (s *Service) History(ctx context.Context, limit, offset int) ([]Screening, int, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return nil, 0, err
	}
	limit = min(max(limit, 1), 1000)
	var total int
	client := ClientKey(a)
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM screenings WHERE client_key = ?`, client).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	rows, err := s.DB.Query(ctx, `SELECT id, code, client_name, purpose, subjects, restricted, review, NULL, created_at
		FROM screenings WHERE client_key = ? ORDER BY id DESC LIMIT ? OFFSET ?`, client, limit, max(offset, 0))
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Screening{}
	for rows.Next() {
		sc, _, err := scanScreening(rows, false)
		if err != nil {
			return nil, 0, qcity.Internal(err)
		}
		out = append(out, sc)
	}
	return out, total, qcity.Internal(rows.Err())
}

// Certificate is what the public sees of a screening by its verification code: who
// screened, when, for what, and each subject's status. It proves to a bidding
// committee that the screening happened as printed.
type Certificate struct {
	Code     string            `json:"verification_code"`
	Client   string            `json:"client"`
	Purpose  string            `json:"purpose"`
	At       time.Time         `json:"screened_at"`
	Subjects []CertificateLine `json:"subjects"`
}

// CertificateLine is one subject on a certificate.
type CertificateLine struct {
	Ref    string `json:"ref"`
	USCC   string `json:"uscc"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Certificate returns the public view of the screening with the code.
func (s *Service) Certificate(ctx context.Context, code string) (Certificate, error) {
	code = NormalizeCode(code)
	if code == "" {
		return Certificate{}, qcity.Errorf(qcity.ENOTFOUND, "screening.not_found")
	}
	sc, subj, err := scanScreening(s.DB.QueryRow(ctx, `SELECT id, code, client_name, purpose, subjects, restricted, review, result,
		created_at FROM screenings WHERE code = ?`, code), true)
	if errors.Is(err, sql.ErrNoRows) {
		return Certificate{}, qcity.Errorf(qcity.ENOTFOUND, "screening.not_found")
	}
	if err != nil {
		return Certificate{}, qcity.Internal(err)
	}
	c := Certificate{Code: sc.Code, Client: sc.Client, Purpose: sc.Purpose, At: sc.At}
	for i, r := range sc.Results {
		l := CertificateLine{Ref: r.Ref, Status: r.Status}
		if i < len(subj) {
			l.USCC, l.Name = subj[i].USCC, subj[i].Name
		}
		c.Subjects = append(c.Subjects, l)
	}
	return c, nil
}

// Decision is a client's false-positive decision.
type Decision struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject_name"`
	USCC      string    `json:"entity_uscc"`
	Entity    string    `json:"entity_name"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
}

// decisionsOf returns the client's live decisions as a lookup.
func (s *Service) decisionsOf(ctx context.Context, client string) (Suppressed, error) {
	rows, err := s.DB.Query(ctx, `SELECT subject_key, entity_id FROM screening_decisions WHERE client_key = ? AND revoked_at IS NULL`, client)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, qcity.Internal(err)
		}
		m[fmt.Sprintf("%s|%d", k, id)] = true
	}
	if len(m) == 0 {
		return nil, qcity.Internal(rows.Err())
	}
	return func(key string, id int64) bool { return m[fmt.Sprintf("%s|%d", key, id)] }, qcity.Internal(rows.Err())
}

// MarkFalsePositive records that, for this client, a subject written as name is not
// the entity with the code: future name matches between them are suppressed (a match
// by credit code never is). Audited; Revoke undoes it.
func (s *Service) MarkFalsePositive(ctx context.Context, name, entityCode, note string) (Decision, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return Decision{}, err
	}
	var errs []qcity.FieldError
	n := ParseName(name)
	if n.Empty() || utf8.RuneCountInString(name) > 200 {
		errs = append(errs, qcity.Field("subject_name", "screening.name_required"))
	}
	if utf8.RuneCountInString(note) > 500 {
		errs = append(errs, qcity.Field("note", "registry.text_length", "max", 500))
	}
	var entityID int64
	var entityName string
	err := s.DB.QueryRow(ctx, `SELECT id, name FROM entities WHERE uscc = ?`, strings.ToUpper(strings.TrimSpace(entityCode))).Scan(&entityID, &entityName)
	if errors.Is(err, sql.ErrNoRows) {
		errs = append(errs, qcity.Field("entity_uscc", "registry.entity_not_found", "uscc", entityCode))
	} else if err != nil {
		return Decision{}, qcity.Internal(err)
	}
	if len(errs) > 0 {
		return Decision{}, qcity.Invalid(errs...)
	}
	now := s.Clock.Now().UTC()
	d := Decision{Subject: strings.TrimSpace(name), USCC: strings.ToUpper(strings.TrimSpace(entityCode)), Entity: entityName, Note: strings.TrimSpace(note),
		CreatedBy: a.Name, CreatedAt: now}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO screening_decisions (client_key, subject_key, subject_name, entity_id, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, ClientKey(a), n.Key(), strings.TrimSpace(name), entityID, d.Note, a.Name, now).Scan(&d.ID)
		if db.IsUniqueViolation(err) {
			return qcity.Errorf(qcity.ECONFLICT, "screening.decision_exists")
		}
		if err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "screening_decision",
			ObjectID: fmt.Sprint(d.ID), Summary: "标记误报 " + name + " ≠ " + entityName, After: d})
	})
	return d, err
}

// RevokeDecision undoes one of the caller's decisions.
func (s *Service) RevokeDecision(ctx context.Context, id int64) error {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE screening_decisions SET revoked_at = ?, revoked_by = ? WHERE id = ? AND client_key = ? AND revoked_at IS NULL`,
			now, a.Name, id, ClientKey(a))
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return qcity.Errorf(qcity.ENOTFOUND, "screening.decision_not_found")
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionRevoke, ObjectType: "screening_decision",
			ObjectID: fmt.Sprint(id), Summary: "撤销误报标记"})
	})
}

// Decisions lists the caller's decisions.
func (s *Service) Decisions(ctx context.Context) ([]Decision, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT d.id, d.subject_name, e.uscc, e.name, d.note, d.created_by, d.created_at, d.revoked_at IS NOT NULL
		FROM screening_decisions d JOIN entities e ON e.id = d.entity_id WHERE d.client_key = ? ORDER BY d.id DESC`, ClientKey(a))
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ID, &d.Subject, &d.USCC, &d.Entity, &d.Note, &d.CreatedBy, &d.CreatedAt, &d.Revoked); err != nil {
			return nil, qcity.Internal(err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, qcity.Internal(rows.Err())
}
