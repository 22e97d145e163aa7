package limits

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Status is the standing of the standard an entry comes from (标准状态).
type Status string

const (
	// StatusCurrent is a standard in force (现行有效).
	StatusCurrent Status = "current"
	// StatusSuperseded is a standard replaced by a newer edition or another standard
	// (已被替代). Its entries still apply to samples taken while it was in force, which
	// their validity dates say.
	StatusSuperseded Status = "superseded"
	// StatusUnconfirmed is a value whose standard or edition was not named where it was
	// read (待确认), such as a limit quoted on an announcement's failure line. It is kept
	// for reference and never applied automatically: a verdict needs a named basis.
	StatusUnconfirmed Status = "unconfirmed"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusCurrent, StatusSuperseded, StatusUnconfirmed}

// LimitKinds lists the kind names of LimitKind.String, for filters.
var LimitKinds = []string{"max", "max_exclusive", "min", "min_exclusive", "range", "not_detected", "qualitative", "micro_plan"}

// Entry is one catalogued limit (标准限量): what a standard of an edition allows of an
// analyte in a food, and when it applied.
type Entry struct {
	ID              int64  `json:"id"`
	StandardCode    string `json:"standard_code"`    // "GB 2762"; "" only for unconfirmed entries
	StandardEdition string `json:"standard_edition"` // "2022"; "" for announcements without one
	Standard        string `json:"standard"`         // code and edition as cited: "GB 2762-2022"
	Status          Status `json:"standard_status"`
	Analyte         string `json:"analyte"`
	AnalyteEN       string `json:"analyte_en"`
	Food            string `json:"food"`
	FoodEN          string `json:"food_en"`
	// CategoryCode ties the entry to a sampling category ("33.02.03"), of any kind;
	// samples in that category or below it match.
	CategoryCode string `json:"category_code"`
	Limit        string `json:"limit"` // as written: "0.2", "≤0.05mg/kg", "不得检出"
	// Kind is the parsed kind (LimitKind.String): max, max_exclusive, min, min_exclusive,
	// range, not_detected, qualitative or micro_plan.
	Kind       string     `json:"kind"`
	Unit       string     `json:"unit"`       // canonical (NormalizeUnit); "" when the limit has none
	Comparison string     `json:"comparison"` // full (全数值比较法) or rounded (修约值比较法)
	ValidFrom  qcity.Date `json:"valid_from"` // first day in force; zero: not recorded
	ValidTo    qcity.Date `json:"valid_to"`   // last day in force; zero: still in force
	Note       string     `json:"note"`
	Source     string     `json:"source"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// citation joins a standard's code and edition as standards are cited.
func citation(code, edition string) string {
	if edition == "" {
		return code
	}
	return code + "-" + edition
}

// InForce reports whether the entry applies to a sample taken on day: inside its
// validity dates. A superseded entry without an end date never applies, because when
// it stopped is unknown; an unconfirmed one never applies automatically.
func (e Entry) InForce(day qcity.Date) bool {
	switch e.Status {
	case StatusUnconfirmed:
		return false
	case StatusSuperseded:
		if e.ValidTo.IsZero() {
			return false
		}
	}
	if !e.ValidFrom.IsZero() && day.Before(e.ValidFrom) {
		return false
	}
	return e.ValidTo.IsZero() || !day.After(e.ValidTo)
}

// EntryInput is an entry as a form, the API or an import row gives it.
type EntryInput struct {
	StandardCode    string `json:"standard_code"`
	StandardEdition string `json:"standard_edition"`
	Status          string `json:"standard_status"`
	Analyte         string `json:"analyte"`
	AnalyteEN       string `json:"analyte_en"`
	Food            string `json:"food"`
	FoodEN          string `json:"food_en"`
	CategoryCode    string `json:"category_code"`
	Limit           string `json:"limit"`
	Unit            string `json:"unit"`
	Comparison      string `json:"comparison"`
	ValidFrom       string `json:"valid_from"`
	ValidTo         string `json:"valid_to"`
	Note            string `json:"note"`
	Source          string `json:"source"`
	Version         int    `json:"version,omitempty"` // the version edited, for updates
}

// Input returns the entry as an input, for edit forms.
func (e Entry) Input() EntryInput {
	return EntryInput{StandardCode: e.StandardCode, StandardEdition: e.StandardEdition, Status: string(e.Status),
		Analyte: e.Analyte, AnalyteEN: e.AnalyteEN, Food: e.Food, FoodEN: e.FoodEN, CategoryCode: e.CategoryCode,
		Limit: e.Limit, Unit: e.Unit, Comparison: e.Comparison, ValidFrom: e.ValidFrom.String(),
		ValidTo: e.ValidTo.String(), Note: e.Note, Source: e.Source, Version: e.Version}
}

// Catalogue is the limits catalogue (标准限量库): versioned standard limits, seeded from
// the embedded data files on first start, edited and imported by officials, and looked
// up by the sampling service for items that come without a limit (LimitFor).
//
// LimitFor reads an in-memory index of the whole table, rebuilt after every write
// through this Catalogue and at least every MaxAge, so that writes made by another
// instance are picked up too.
type Catalogue struct {
	DB    *db.DB
	Clock qcity.Clock
	// MaxAge is how long the index behind LimitFor is used before it is read again;
	// zero means one minute.
	MaxAge time.Duration

	loadMu sync.Mutex
	idx    atomic.Pointer[index]
}

func (c *Catalogue) now() time.Time {
	if c.Clock == nil {
		return time.Now()
	}
	return c.Clock.Now()
}

// MaxPageSize is the largest page Find returns.
const MaxPageSize = 1000

// Filter selects catalogue entries.
type Filter struct {
	Q        string // part of the analyte or food, Chinese or English
	Standard string // part of the standard code, optionally with "-edition": "2763", "GB 2763-2021"
	Status   string
	Kind     string
	Limit    int // page size, 50 when 0
	Offset   int
}

// check validates a filter. Returns EINVALID naming the bad fields.
func (f *Filter) check() error {
	var errs []qcity.FieldError
	f.Q, f.Standard = strings.TrimSpace(f.Q), strings.TrimSpace(f.Standard)
	f.Status, f.Kind = strings.TrimSpace(f.Status), strings.TrimSpace(f.Kind)
	if utf8.RuneCountInString(f.Q) > 100 {
		errs = append(errs, qcity.Field("q", "registry.text_length", "max", 100))
	}
	if utf8.RuneCountInString(f.Standard) > 100 {
		errs = append(errs, qcity.Field("standard", "registry.text_length", "max", 100))
	}
	if f.Status != "" && !validStatus(Status(f.Status)) {
		errs = append(errs, qcity.Field("status", "limitscat.status_unknown", "value", f.Status))
	}
	if f.Kind != "" && !validKind(f.Kind) {
		errs = append(errs, qcity.Field("kind", "limitscat.kind_unknown", "value", f.Kind))
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 0 || f.Limit > MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", MaxPageSize))
	}
	if f.Offset < 0 {
		errs = append(errs, qcity.Field("offset", "web.int_param", "name", "offset"))
	}
	if len(errs) > 0 {
		return qcity.Invalid(errs...)
	}
	return nil
}

func validStatus(s Status) bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

func validKind(k string) bool {
	for _, x := range LimitKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Find returns a page of the entries matching f — current standards first, then
// unconfirmed values, then superseded editions, each in catalogue order — and the
// number of all matching entries.
//
// Returns EINVALID for a bad filter.
func (c *Catalogue) Find(ctx context.Context, f Filter) ([]Entry, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.Q != "" {
		p := likePattern(f.Q)
		where = append(where, `(LOWER(analyte) LIKE ? ESCAPE '\' OR LOWER(analyte_en) LIKE ? ESCAPE '\'
			OR LOWER(food) LIKE ? ESCAPE '\' OR LOWER(food_en) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
	}
	if f.Standard != "" {
		code, edition := splitStandard(strings.Join(strings.Fields(f.Standard), " "))
		where, args = append(where, `LOWER(standard_code) LIKE ? ESCAPE '\'`), append(args, likePattern(code))
		if edition != "" {
			where, args = append(where, "standard_edition = ?"), append(args, edition)
		}
	}
	if f.Status != "" {
		where, args = append(where, "standard_status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := c.DB.QueryRow(ctx, "SELECT COUNT(*) FROM limits"+cond, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	rows, err := c.DB.Query(ctx, selectEntries+cond+` ORDER BY CASE standard_status WHEN 'current' THEN 0
		WHEN 'unconfirmed' THEN 1 ELSE 2 END, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	out, err := scanEntries(rows)
	return out, total, err
}

// StatusCounts returns the number of entries of each status.
func (c *Catalogue) StatusCounts(ctx context.Context) (map[Status]int, error) {
	rows, err := c.DB.Query(ctx, `SELECT standard_status, COUNT(*) FROM limits GROUP BY standard_status`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, qcity.Internal(err)
		}
		out[Status(s)] = n
	}
	return out, qcity.Internal(rows.Err())
}

// likePattern is a LIKE pattern finding s anywhere, in lower case, with the wildcards
// of s escaped.
func likePattern(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s))
	return "%" + s + "%"
}

// FindByID returns one entry. Returns ENOTFOUND.
func (c *Catalogue) FindByID(ctx context.Context, id int64) (Entry, error) {
	return findByID(ctx, c.DB, id)
}

// Create adds an entry. Officials only.
//
// Returns EINVALID naming each bad field, ECONFLICT when the same standard edition
// already has an entry for the analyte, food and category, EFORBIDDEN.
func (c *Catalogue) Create(ctx context.Context, in EntryInput) (Entry, error) {
	if !qcity.ActorFrom(ctx).IsOfficial() {
		return Entry{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	idx, err := c.index(ctx)
	if err != nil {
		return Entry{}, err
	}
	e, errs := validate(in, idx.codes)
	if len(errs) > 0 {
		return Entry{}, qcity.Invalid(errs...)
	}
	now := c.now().UTC()
	e.CreatedAt, e.UpdatedAt, e.Version = now, now, 1
	err = c.DB.InTx(ctx, func(tx *db.Tx) error {
		if other, found, err := findByKey(ctx, tx, keyOf(e)); err != nil {
			return err
		} else if found {
			return duplicate(other)
		}
		if err := insertEntry(ctx, tx, &e); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "limit",
			ObjectID: strconv.FormatInt(e.ID, 10), Summary: e.Standard + " " + e.Analyte + " " + e.Food, After: e})
	})
	if err != nil {
		return Entry{}, err
	}
	c.invalidate()
	return e, nil
}

// Update changes an entry. in.Version must be the version read; an entry changed since
// is a conflict. Officials only.
//
// Returns ENOTFOUND, EINVALID, ECONFLICT (a stale version, or the key of another entry),
// EFORBIDDEN.
func (c *Catalogue) Update(ctx context.Context, id int64, in EntryInput) (Entry, error) {
	if !qcity.ActorFrom(ctx).IsOfficial() {
		return Entry{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	idx, err := c.index(ctx)
	if err != nil {
		return Entry{}, err
	}
	e, errs := validate(in, idx.codes)
	if in.Version <= 0 {
		errs = append(errs, qcity.Field("version", "registry.required"))
	}
	if len(errs) > 0 {
		return Entry{}, qcity.Invalid(errs...)
	}
	now := c.now().UTC()
	err = c.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := findByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		if other, found, err := findByKey(ctx, tx, keyOf(e)); err != nil {
			return err
		} else if found && other.ID != id {
			return duplicate(other)
		}
		e.ID, e.CreatedAt, e.UpdatedAt, e.Version = id, before.CreatedAt, now, before.Version+1
		if err := updateEntry(ctx, tx, &e, before.Version); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "limit",
			ObjectID: strconv.FormatInt(id, 10), Summary: e.Standard + " " + e.Analyte + " " + e.Food, Before: before, After: e})
	})
	if err != nil {
		return Entry{}, err
	}
	c.invalidate()
	return e, nil
}

func duplicate(other Entry) error {
	return &qcity.Error{Code: qcity.ECONFLICT, Key: "limitscat.duplicate",
		Args: map[string]any{"standard": other.Standard, "analyte": other.Analyte, "food": other.Food, "id": other.ID},
		Fields: []qcity.FieldError{qcity.Field("analyte", "limitscat.duplicate", "standard", other.Standard,
			"analyte", other.Analyte, "food", other.Food, "id", other.ID)}}
}

// entryKey identifies an entry: one limit per standard edition, analyte, food and
// category. Imports update the entry of a key they name again.
type entryKey struct {
	code, edition, analyte, food, category string
}

func keyOf(e Entry) entryKey {
	return entryKey{e.StandardCode, e.StandardEdition, e.Analyte, e.Food, e.CategoryCode}
}

// Validation.

var (
	// citedRE splits a cited standard into code and edition: "GB 2762-2022",
	// "GB 2763.1—2022", "GB/T 5009.12-2017". The code must end in a digit, so that
	// "农业部公告第235号" and the like keep their name whole.
	citedRE     = regexp.MustCompile(`^(.*\d)\s*[-—–]\s*((?:19|20)\d\d)$`)
	editionRE   = regexp.MustCompile(`^(?:19|20)\d\d$`)
	catCodeRE   = regexp.MustCompile(`^\d{2}(?:\.\d{2}){0,3}$`)
	statusNames = map[string]Status{
		"current": StatusCurrent, "现行": StatusCurrent, "现行有效": StatusCurrent, "有效": StatusCurrent,
		"superseded": StatusSuperseded, "已被替代": StatusSuperseded, "被替代": StatusSuperseded, "已替代": StatusSuperseded,
		"废止": StatusSuperseded, "已废止": StatusSuperseded, "作废": StatusSuperseded,
		"unconfirmed": StatusUnconfirmed, "待确认": StatusUnconfirmed, "未确认": StatusUnconfirmed,
	}
	kindNames = map[string]string{
		"最大限量": "max", "maximum": "max", "小于": "max_exclusive", "below (exclusive)": "max_exclusive",
		"最小限量": "min", "minimum": "min", "大于": "min_exclusive", "above (exclusive)": "min_exclusive",
		"范围": "range", "不得检出": "not_detected", "not detected": "not_detected", "定性": "qualitative",
		"微生物采样方案": "micro_plan", "microbiological plan": "micro_plan",
	}
)

// splitStandard splits "GB 2762-2022" into "GB 2762" and "2022"; a code without an
// edition is returned whole.
func splitStandard(s string) (code, edition string) {
	if m := citedRE.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1]), m[2]
	}
	return s, ""
}

// ParseStatus reads a status by its code or its Chinese or English label ("现行",
// "已被替代", "Superseded"). ok is false for anything else.
func ParseStatus(s string) (Status, bool) {
	st, ok := statusNames[strings.ToLower(strings.TrimSpace(s))]
	return st, ok
}

// parseKindName reads a kind by its name or label, for import columns.
func parseKindName(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if validKind(s) {
		return s, true
	}
	k, ok := kindNames[s]
	return k, ok
}

// validate checks an input and returns the entry it makes, with field errors named as
// the input's JSON fields (the column fields of an import). codes holds the known
// sampling category codes.
func validate(in EntryInput, codes map[string]bool) (Entry, []qcity.FieldError) {
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	var e Entry
	e.StandardCode = text(&errs, "standard_code", in.StandardCode, false, 100, false)
	e.StandardEdition = text(&errs, "standard_edition", in.StandardEdition, false, 10, false)
	if e.StandardEdition == "" && e.StandardCode != "" {
		e.StandardCode, e.StandardEdition = splitStandard(e.StandardCode)
	} else if e.StandardEdition != "" && !editionRE.MatchString(e.StandardEdition) {
		add("standard_edition", "limitscat.edition_format", "value", e.StandardEdition)
	}
	if s := strings.TrimSpace(in.Status); s == "" {
		e.Status = StatusCurrent
		if e.StandardCode == "" {
			e.Status = StatusUnconfirmed
		}
	} else if st, ok := ParseStatus(s); ok {
		e.Status = st
	} else {
		add("standard_status", "limitscat.status_unknown", "value", s)
	}
	if e.StandardCode == "" && (e.Status == StatusCurrent || e.Status == StatusSuperseded) {
		add("standard_code", "limitscat.standard_required")
	}
	e.Standard = citation(e.StandardCode, e.StandardEdition)
	e.Analyte = text(&errs, "analyte", in.Analyte, true, 100, false)
	e.AnalyteEN = text(&errs, "analyte_en", in.AnalyteEN, false, 200, false)
	e.Food = text(&errs, "food", in.Food, true, 200, false)
	e.FoodEN = text(&errs, "food_en", in.FoodEN, false, 300, false)
	if e.CategoryCode = strings.TrimSpace(in.CategoryCode); e.CategoryCode != "" {
		if !catCodeRE.MatchString(e.CategoryCode) || (codes != nil && !codes[e.CategoryCode]) {
			add("category_code", "limitscat.category_unknown", "code", clip(e.CategoryCode))
		}
	}
	e.Limit = text(&errs, "limit", in.Limit, true, 200, true)
	unitOK := true
	if u := trim(fold(in.Unit)); u != "" {
		if lookupUnit(u) == nil {
			add("unit", KeyErrUnitUnknown, "unit", clip(u))
			unitOK = false
		}
		e.Unit = NormalizeUnit(u)
	}
	if e.Limit != "" && unitOK {
		l, err := ParseLimit(e.Limit, e.Unit)
		if own, oerr := ParseLimit(e.Limit, ""); err == nil && oerr == nil && own.Unit != "" && e.Unit != "" && own.Unit != e.Unit {
			// "≤0.2mg/kg" with the unit μg/kg: one of the two is a slip, and the
			// limit's own unit would silently win.
			add("unit", "limitscat.unit_conflict", "unit", e.Unit, "limit_unit", own.Unit)
		} else if err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.FieldError{Field: "limit", Key: qe.Key, Args: qe.Args})
		} else {
			e.Kind, e.Unit = l.Kind.String(), l.Unit
			switch l.Kind {
			case Max, MaxExclusive, Min, MinExclusive, Range:
				if l.Unit == "" {
					// A number without a unit would take the item's unit, which may be
					// another one: 0.2 mg/kg is not 0.2 μg/kg.
					add("unit", "limitscat.unit_required")
				}
			}
		}
	}
	if cmp, err := ParseComparison(strings.TrimSpace(in.Comparison)); err != nil {
		qe := qcity.AsError(err)
		errs = append(errs, qcity.FieldError{Field: "comparison", Key: qe.Key, Args: qe.Args})
	} else {
		e.Comparison = cmp.String()
	}
	date := func(field, v string) qcity.Date {
		v = strings.TrimSpace(v)
		if v == "" {
			return qcity.Date{}
		}
		d, err := qcity.ParseDate(v)
		if err != nil || d.Year < 1949 || d.Year > 2100 {
			add(field, "registry.date_format", "value", clip(v))
			return qcity.Date{}
		}
		return d
	}
	e.ValidFrom, e.ValidTo = date("valid_from", in.ValidFrom), date("valid_to", in.ValidTo)
	if !e.ValidFrom.IsZero() && !e.ValidTo.IsZero() && e.ValidTo.Before(e.ValidFrom) {
		add("valid_to", "limitscat.dates_reversed", "from", e.ValidFrom.String(), "to", e.ValidTo.String())
	}
	e.Note = text(&errs, "note", in.Note, false, 1000, true)
	e.Source = text(&errs, "source", in.Source, false, 500, true)
	return e, errs
}

// text checks a text field: white space collapsed, a length in characters, no control
// characters, and no < or > outside limits and notes, which quote "<1.0".
func text(errs *[]qcity.FieldError, field, v string, required bool, max int, angles bool) string {
	v = strings.Join(strings.Fields(v), " ")
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && required:
		*errs = append(*errs, qcity.Field(field, "registry.required"))
	case n > max:
		*errs = append(*errs, qcity.Field(field, "registry.text_length", "max", max))
	default:
		for i, r := range v {
			if r < ' ' || r == 0x7f || (!angles && (r == '<' || r == '>')) || r == utf8.RuneError {
				*errs = append(*errs, qcity.Field(field, "registry.text_char", "char", strconv.QuoteRune(r),
					"pos", utf8.RuneCountInString(v[:i])+1))
				break
			}
		}
	}
	return v
}
