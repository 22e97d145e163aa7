package nqi

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// Check is what a register's rules see while a record is validated: the record with
// its fields parsed, the record before an edit, the parent, the entity and the
// organisation it names, today, and a way to report errors beside fields.
type Check struct {
	Ctx    context.Context
	Q      db.Querier
	S      *Service
	Rec    *Record
	Before *Record // nil when the record is new
	Parent *Record
	Entity *EntityInfo
	Org    *OrgInfo
	Today  qcity.Date
	errs   []qcity.FieldError
	lk     *lookups
}

// Fail reports an error beside a field.
func (c *Check) Fail(field, key string, args ...any) {
	c.errs = append(c.errs, qcity.Field(field, key, args...))
}

// Failed reports whether a field already has an error, so that rules depending on it
// stay quiet.
func (c *Check) Failed(fields ...string) bool {
	for _, e := range c.errs {
		if slices.Contains(fields, e.Field) {
			return true
		}
	}
	return false
}

// EntityInfo is what the registers need of a market entity.
type EntityInfo struct {
	ID       int64
	USCC     string
	Name     string
	Region   string
	Industry string
	Status   string
}

// OrgInfo is what the registers need of an organisation.
type OrgInfo struct {
	ID     int64
	Kind   registry.OrgKind
	Name   string
	USCC   string
	Region string
}

// lookups caches the entities, organisations and parents looked up while validating,
// so a bulk load of thousands of records asks for each once.
type lookups struct {
	entities map[string]*EntityInfo
	orgs     map[int64]*OrgInfo
	parents  map[int64]*Record
	// batchPaid holds the compensations entered earlier in the same batch, by loan.
	batchPaid map[int64][]int64
}

func newLookups() *lookups {
	return &lookups{entities: map[string]*EntityInfo{}, orgs: map[int64]*OrgInfo{}, parents: map[int64]*Record{}}
}

func (s *Service) entity(ctx context.Context, q db.Querier, lk *lookups, code string) (*EntityInfo, error) {
	if e, ok := lk.entities[code]; ok {
		return e, nil
	}
	e := &EntityInfo{}
	err := q.QueryRow(ctx, `SELECT id, uscc, name, region_code, industry_code, status FROM entities WHERE uscc = ?`, code).
		Scan(&e.ID, &e.USCC, &e.Name, &e.Region, &e.Industry, &e.Status)
	if errors.Is(err, sql.ErrNoRows) {
		e = nil
	} else if err != nil {
		return nil, qcity.Internal(err)
	}
	lk.entities[code] = e
	return e, nil
}

func (s *Service) org(ctx context.Context, q db.Querier, lk *lookups, id int64) (*OrgInfo, error) {
	if o, ok := lk.orgs[id]; ok {
		return o, nil
	}
	o := &OrgInfo{}
	var kind string
	err := q.QueryRow(ctx, `SELECT id, kind, name, uscc, region_code FROM organisations WHERE id = ?`, id).
		Scan(&o.ID, &kind, &o.Name, &o.USCC, &o.Region)
	if errors.Is(err, sql.ErrNoRows) {
		o = nil
	} else if err != nil {
		return nil, qcity.Internal(err)
	}
	if o != nil {
		o.Kind = registry.OrgKind(kind)
	}
	lk.orgs[id] = o
	return o, nil
}

func (s *Service) parent(ctx context.Context, q db.Querier, lk *lookups, k *Kind, id int64) (*Record, error) {
	if p, ok := lk.parents[id]; ok {
		return p, nil
	}
	p, err := s.get(ctx, q, k, id)
	if qcity.ErrorCode(err) == qcity.ENOTFOUND {
		lk.parents[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lk.parents[id] = p
	return p, nil
}

// readOnlyInputs are keys a client may send back unchanged from what it read; they are
// ignored rather than refused.
var readOnlyInputs = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}

// validate parses in into a record of k: every field's text to its type, defaults,
// references, the region, then the register's own rules. before is the record being
// edited, nil for a new one. It returns the record and the errors beside fields.
func (s *Service) validate(ctx context.Context, q db.Querier, lk *lookups, k *Kind, in Input, before *Record) (*Record, []qcity.FieldError, error) {
	c := &Check{Ctx: ctx, Q: q, S: s, Rec: newRecord(k), Before: before, Today: s.today(), lk: lk}
	for name := range in {
		f := k.Field(name)
		if f == nil && !readOnlyInputs[name] && !strings.HasSuffix(name, "_name") {
			c.Fail(name, "nqi.error.unknown_field", "field", name)
		}
	}
	r := c.Rec
	for i := range k.Fields {
		f := &k.Fields[i]
		if !f.Input() {
			continue
		}
		text, ok := in[f.Name]
		if !ok && before != nil {
			// An edit that leaves a field out keeps its value.
			text = before.Display(f)
		}
		text = strings.TrimSpace(text)
		if text == "" {
			text = f.Default
		}
		if text == "" {
			if f.Required {
				c.Fail(f.Name, "nqi.error.required")
			}
			r.Values[f.Name] = zeroOf(f)
			continue
		}
		v, key, args := s.parseField(f, text)
		if key != "" {
			c.Fail(f.Name, key, args...)
			r.Values[f.Name] = zeroOf(f)
			continue
		}
		r.Values[f.Name] = v
	}
	for i := range k.Fields {
		f := &k.Fields[i]
		if f.Computed && f.Stored() {
			r.Values[f.Name] = zeroOf(f)
		}
	}
	// References.
	for i := range k.Fields {
		f := &k.Fields[i]
		if !f.Input() || c.Failed(f.Name) {
			continue
		}
		switch f.Type {
		case TUSCC:
			code := r.Str(f.Name)
			if code == "" || !f.Entity {
				continue
			}
			e, err := s.entity(ctx, q, lk, code)
			if err != nil {
				return nil, nil, err
			}
			if e == nil {
				c.Fail(f.Name, "nqi.error.entity_unknown", "uscc", code)
				continue
			}
			r.Names[f.Name] = e.Name
			if f.Name == k.EntityField {
				c.Entity = e
			}
		case TOrg:
			id, ok := r.Int(f.Name)
			if !ok {
				continue
			}
			o, err := s.org(ctx, q, lk, id)
			if err != nil {
				return nil, nil, err
			}
			if o == nil {
				c.Fail(f.Name, "nqi.error.org_unknown", "id", id)
				continue
			}
			if len(f.OrgKinds) > 0 && !slices.Contains(f.OrgKinds, o.Kind) {
				c.Fail(f.Name, "nqi.error.org_kind", "name", o.Name)
				continue
			}
			r.Names[f.Name] = o.Name
			if c.Org == nil {
				c.Org = o
			}
		case TParent:
			id, ok := r.Int(f.Name)
			if !ok {
				continue
			}
			if before != nil {
				if old, _ := before.Int(f.Name); old != id {
					c.Fail(f.Name, "nqi.error.parent_fixed")
					continue
				}
			}
			p, err := s.parent(ctx, q, lk, KindByName(k.Parent), id)
			if err != nil {
				return nil, nil, err
			}
			if p == nil {
				c.Fail(f.Name, "nqi.error.parent_unknown", "id", id)
				continue
			}
			c.Parent = p
			r.Names[f.Name] = p.LabelText()
		}
	}
	// The region.
	switch k.Region {
	case RegionEntity:
		if c.Entity != nil {
			r.Values["region_code"] = c.Entity.Region
		}
	case RegionParent:
		if c.Parent != nil {
			r.Values["region_code"] = c.Parent.Str("region_code")
		}
	case RegionOrg:
		if c.Org != nil {
			r.Values["region_code"] = c.Org.Region
		}
	}
	if k.check != nil {
		k.check(c)
	}
	return r, c.errs, nil
}

// zeroOf is the value of an unset field: "" for text, nil for numbers and dates.
func zeroOf(f *Field) any {
	switch f.Type {
	case TDate, TYear, TInt, TMoney, TParent, TOrg:
		return nil
	}
	return ""
}

// parseField turns one field's text into its value, or returns the error key and
// arguments.
func (s *Service) parseField(f *Field, text string) (any, string, []any) {
	switch f.Type {
	case TText:
		t := strings.Join(strings.Fields(text), " ")
		if key, args := checkText(t, f.maxRunes(), false); key != "" {
			return nil, key, args
		}
		return t, "", nil
	case TLong:
		t := strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
		if key, args := checkText(t, f.maxRunes(), true); key != "" {
			return nil, key, args
		}
		return t, "", nil
	case TCode:
		t := strings.Join(strings.Fields(foldText(text)), " ")
		if key, args := checkText(t, f.maxRunes(), false); key != "" {
			return nil, key, args
		}
		return t, "", nil
	case TEnum:
		if !slices.Contains(f.Options(), text) {
			return nil, "nqi.error.enum", []any{"value", clip(text)}
		}
		return text, "", nil
	case TDate:
		d, err := qcity.ParseDate(text)
		if err != nil || d.Year < 1900 || d.Year > 2100 {
			return nil, "nqi.error.date", []any{"value", clip(text)}
		}
		return d, "", nil
	case TYear:
		n, err := strconv.Atoi(text)
		if err != nil || n < 1949 || n > 2100 {
			return nil, "nqi.error.year", []any{"value", clip(text)}
		}
		return int64(n), "", nil
	case TInt:
		n, err := strconv.ParseInt(strings.ReplaceAll(text, ",", ""), 10, 64)
		if err != nil || n < int64(f.Min) || n > int64(f.Max) {
			return nil, "nqi.error.int_range", []any{"min", f.Min, "max", f.Max}
		}
		return n, "", nil
	case TMoney:
		fen, err := credit.ParseYuan(text)
		if err != nil || fen < 0 {
			return nil, "nqi.error.money", []any{"value", clip(text)}
		}
		return fen, "", nil
	case TValue:
		if _, err := ParseValue(text); err != nil {
			qe := qcity.AsError(err)
			return nil, qe.Key, argList(qe.Args)
		}
		return strings.Join(strings.Fields(text), " "), "", nil
	case TUnit:
		u := NormalizeUnit(text)
		if utf8.RuneCountInString(u) > f.maxRunes() {
			return nil, "nqi.error.text_length", []any{"max", f.maxRunes()}
		}
		if strings.ContainsFunc(u, unicode.IsDigit) && !isKnownUnit(u) {
			return nil, "nqi.error.unit", []any{"value", clip(text)}
		}
		if key, args := checkText(u, f.maxRunes(), false); key != "" {
			return nil, key, args
		}
		return u, "", nil
	case TUSCC:
		code := uscc.Normalize(text)
		if err := uscc.Validate(code); err != nil {
			qe := qcity.AsError(err)
			return nil, qe.Key, argList(qe.Args)
		}
		return code, "", nil
	case TRegion, TRegionAny:
		d, ok := s.regions().Get(text)
		if !ok || d.Level < 1 || d.Level > 3 {
			return nil, "region.unknown", []any{"code", clip(text)}
		}
		if f.Type == TRegion && !s.inJurisdiction(text) {
			return nil, "nqi.error.region_outside", []any{"code", text}
		}
		return text, "", nil
	case TParent, TOrg:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n <= 0 {
			return nil, "nqi.error.reference", []any{"value", clip(text)}
		}
		return n, "", nil
	}
	return nil, "nqi.error.enum", []any{"value", clip(text)}
}

func argList(m map[string]any) []any {
	var out []any
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// checkText refuses text that is too long or holds control or invisible characters.
func checkText(s string, max int, lines bool) (string, []any) {
	if utf8.RuneCountInString(s) > max {
		return "nqi.error.text_length", []any{"max", max}
	}
	pos := 0
	for _, r := range s {
		pos++
		if r == '\n' && lines || r == '\t' && lines {
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return "nqi.error.text_char", []any{"pos", pos}
		}
	}
	return "", nil
}
