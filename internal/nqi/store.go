package nqi

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
)

// The SQL of the registers is built from their descriptions: column names come from
// the code, never from input, and every value is a placeholder argument.

// selectList is the column list of a register's reads: the stored fields, the fields
// computed in SQL, the display names of references, then the bookkeeping columns.
func selectList(k *Kind) string {
	var b strings.Builder
	b.WriteString("t.id")
	for i := range k.Fields {
		f := &k.Fields[i]
		b.WriteString(", ")
		if f.Stored() {
			b.WriteString("t." + f.Name)
		} else {
			b.WriteString(f.SQL)
		}
	}
	for i := range k.Fields {
		f := &k.Fields[i]
		switch {
		case f.Type == TUSCC && f.Entity:
			b.WriteString(", (SELECT e.name FROM entities e WHERE e.uscc = t." + f.Name + ")")
		case f.Type == TOrg:
			b.WriteString(", (SELECT o.name FROM organisations o WHERE o.id = t." + f.Name + ")")
		case f.Type == TParent:
			p := KindByName(k.Parent)
			b.WriteString(", (SELECT p." + p.Label + " FROM " + p.Name + " p WHERE p.id = t." + f.Name + ")")
		}
	}
	b.WriteString(", t.created_at, t.updated_at, t.version")
	return b.String()
}

// scanRecord reads one row of selectList.
func scanRecord(k *Kind, row interface{ Scan(...any) error }) (*Record, error) {
	r := newRecord(k)
	dest := []any{&r.ID}
	strs := make([]sql.NullString, len(k.Fields))
	ints := make([]sql.NullInt64, len(k.Fields))
	dates := make([]qcity.Date, len(k.Fields))
	for i := range k.Fields {
		switch k.Fields[i].Type {
		case TDate:
			dest = append(dest, &dates[i])
		case TYear, TInt, TMoney, TParent, TOrg:
			dest = append(dest, &ints[i])
		default:
			dest = append(dest, &strs[i])
		}
	}
	var names []*sql.NullString
	var nameFields []string
	for i := range k.Fields {
		f := &k.Fields[i]
		if f.Type == TUSCC && f.Entity || f.Type == TOrg || f.Type == TParent {
			n := &sql.NullString{}
			names = append(names, n)
			nameFields = append(nameFields, f.Name)
			dest = append(dest, n)
		}
	}
	dest = append(dest, &r.CreatedAt, &r.UpdatedAt, &r.Version)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	for i := range k.Fields {
		f := &k.Fields[i]
		switch f.Type {
		case TDate:
			r.Set(f.Name, dates[i])
		case TYear, TInt, TMoney, TParent, TOrg:
			if ints[i].Valid {
				r.Values[f.Name] = ints[i].Int64
			} else {
				r.Values[f.Name] = nil
			}
		default:
			r.Values[f.Name] = strs[i].String
		}
	}
	for i, n := range names {
		if n.Valid {
			r.Names[nameFields[i]] = n.String
		}
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// storedFields returns the fields that are columns.
func storedFields(k *Kind) []*Field {
	var out []*Field
	for i := range k.Fields {
		if k.Fields[i].Stored() {
			out = append(out, &k.Fields[i])
		}
	}
	return out
}

// dbValue is a field's value as a query argument: NULL for an unset number or date.
func dbValue(r *Record, f *Field) any {
	v := r.Values[f.Name]
	switch x := v.(type) {
	case nil:
		if zeroOf(f) == "" {
			return ""
		}
		return nil
	case qcity.Date:
		return x
	}
	return v
}

func insertRecord(ctx context.Context, q db.Querier, r *Record) error {
	k := r.Kind
	fs := storedFields(k)
	cols := make([]string, 0, len(fs)+3)
	args := make([]any, 0, len(fs)+3)
	for _, f := range fs {
		cols = append(cols, f.Name)
		args = append(args, dbValue(r, f))
	}
	cols = append(cols, "created_at", "updated_at", "version")
	args = append(args, r.CreatedAt, r.UpdatedAt, 1)
	err := q.QueryRow(ctx, `INSERT INTO `+k.Name+` (`+strings.Join(cols, ", ")+`) VALUES (`+
		placeholders(len(cols))+`) RETURNING id`, args...).Scan(&r.ID)
	if db.IsUniqueViolation(err) {
		return duplicate(k, r)
	}
	if err != nil {
		return qcity.Internal(err)
	}
	r.Version = 1
	return nil
}

func updateRecord(ctx context.Context, q db.Querier, r *Record, version int) error {
	k := r.Kind
	fs := storedFields(k)
	sets := make([]string, 0, len(fs)+2)
	args := make([]any, 0, len(fs)+4)
	for _, f := range fs {
		sets = append(sets, f.Name+" = ?")
		args = append(args, dbValue(r, f))
	}
	sets = append(sets, "updated_at = ?", "version = version + 1")
	args = append(args, r.UpdatedAt, r.ID, version)
	res, err := q.Exec(ctx, `UPDATE `+k.Name+` SET `+strings.Join(sets, ", ")+` WHERE id = ? AND version = ?`, args...)
	if db.IsUniqueViolation(err) {
		return duplicate(k, r)
	}
	if err != nil {
		return qcity.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return qcity.Errorf(qcity.ECONFLICT, "nqi.error.edit_conflict")
	}
	r.Version = version + 1
	return nil
}

// duplicate is the conflict of a record whose natural key is taken.
func duplicate(k *Kind, r *Record) *qcity.Error {
	field := ""
	if len(k.Unique) > 0 {
		field = k.Unique[0][len(k.Unique[0])-1]
	}
	return &qcity.Error{Code: qcity.ECONFLICT, Key: "nqi.error.duplicate",
		Fields: []qcity.FieldError{qcity.Field(field, "nqi.error.duplicate")}}
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// get reads one record by id. Returns ENOTFOUND.
func (s *Service) get(ctx context.Context, q db.Querier, k *Kind, id int64) (*Record, error) {
	r, err := scanRecord(k, q.QueryRow(ctx, `SELECT `+selectList(k)+` FROM `+k.Name+` t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "nqi.error.not_found")
	}
	if err != nil {
		return nil, qcity.Internal(err)
	}
	return r, nil
}

// Filter selects the records of a register.
type Filter struct {
	Q      string            // keyword: a fragment of the searchable fields or of the entity's name, or a USCC
	Fields map[string]string // field → value; several values of an enumeration separated by commas
	Extra  map[string]string // the register's own filters
	IDs    []int64           // only these records (the records behind a report figure)
	Limit  int
	Offset int
}

// MaxPageSize is the largest page of a list.
const MaxPageSize = 1000

// where builds the WHERE clause of f for the actor's scope.
func (s *Service) where(k *Kind, f Filter, a qcity.Actor) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v ...any) { conds, args = append(conds, c), append(args, v...) }
	if k.Scoped && a.IsOfficial() && a.Region != "" {
		add("t.region_code LIKE ?", a.Region+"%")
	}
	if !a.IsOfficial() && a.Role == qcity.RoleEnterprise && k.Owner {
		if k.EntityField != "" {
			add("t."+k.EntityField+" = ?", a.USCC)
		} else if pk := KindByName(k.Parent); pk != nil && pk.EntityField != "" {
			add("t."+k.ParentField().Name+" IN (SELECT p.id FROM "+pk.Name+" p WHERE p."+pk.EntityField+" = ?)", a.USCC)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		var or []string
		for i := range k.Fields {
			fd := &k.Fields[i]
			if fd.Search && fd.Stored() {
				or = append(or, "t."+fd.Name+` LIKE ? ESCAPE '\'`)
				args = append(args, like)
			}
		}
		if k.EntityField != "" {
			or = append(or, "t."+k.EntityField+" = ?", "t."+k.EntityField+` IN (SELECT e.uscc FROM entities e WHERE e.name LIKE ? ESCAPE '\')`)
			args = append(args, strings.ToUpper(q), like)
		}
		if len(or) > 0 {
			conds = append(conds, "("+strings.Join(or, " OR ")+")")
		}
	}
	for name, v := range f.Fields {
		fd := k.Field(name)
		if fd == nil || v == "" {
			continue
		}
		col := "t." + name
		if !fd.Stored() {
			col = fd.SQL
		}
		switch fd.Type {
		case TRegion, TRegionAny:
			add(col+" LIKE ?", db.EscapeLike(v)+"%")
		case TYear, TInt, TParent, TOrg:
			n, _ := strconv.ParseInt(v, 10, 64)
			add(col+" = ?", n)
		case TEnum:
			vals := strings.Split(v, ",")
			c := col + " IN (" + placeholders(len(vals)) + ")"
			for _, x := range vals {
				args = append(args, x)
			}
			conds = append(conds, c)
		default:
			add(col+" = ?", v)
		}
	}
	today := s.today()
	for _, ef := range k.Filters {
		if v := f.Extra[ef.Name]; v != "" {
			c, a := ef.where(v, today)
			add(c, a...)
		}
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			conds = append(conds, "1 = 0")
		} else {
			var b strings.Builder
			for i, id := range f.IDs {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatInt(id, 10))
			}
			conds = append(conds, "t.id IN ("+b.String()+")")
		}
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// find returns a page of records and the total.
func (s *Service) find(ctx context.Context, k *Kind, f Filter, a qcity.Actor) ([]*Record, int, error) {
	cond, args := s.where(k, f, a)
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM `+k.Name+` t`+cond, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = 20
	}
	rows, err := s.DB.Query(ctx, `SELECT `+selectList(k)+` FROM `+k.Name+` t`+cond+` ORDER BY `+k.Order+`, t.id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []*Record{}
	for rows.Next() {
		r, err := scanRecord(k, rows)
		if err != nil {
			return nil, 0, qcity.Internal(err)
		}
		out = append(out, r)
	}
	return out, total, qcity.Internal(rows.Err())
}

// stamp sets the timestamps of a new or edited record.
func stamp(r *Record, now time.Time, created time.Time) {
	r.UpdatedAt = now
	if created.IsZero() {
		r.CreatedAt = now
	} else {
		r.CreatedAt = created
	}
}
