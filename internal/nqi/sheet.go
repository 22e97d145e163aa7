package nqi

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/locale"
	"qcity/internal/sheet"
	"qcity/internal/uscc"
)

// Excel in and out: every register imports and exports .xlsx (and imports CSV), with a
// template. Columns are the register's fields; headers are their labels in Chinese or
// English, or the field names. Enumerations may be written as their code or their
// label in either language; a parent record as its id or, where the parent has one,
// its natural key (a standard's number, a loan's contract number); an organisation as
// its id, credit code or exact name.

func fieldLabel(k *Kind, f *Field, l locale.Lang) string {
	return locale.Default().T(l, "nqi.f."+k.Name+"."+f.Name, nil)
}

// exampleOf gives a template's example value of a field.
func (s *Service) exampleOf(k *Kind, f *Field) string {
	switch f.Type {
	case TDate:
		return "2019-06-30"
	case TYear:
		return "2019"
	case TInt:
		if f.Default != "" {
			return f.Default
		}
		return strconv.Itoa(max(f.Min, min(12, f.Max)))
	case TMoney:
		return "1000000.00"
	case TEnum:
		if f.Default != "" {
			return locale.Default().T(locale.ZH, "nqi.enum."+f.Enum+"."+f.Default, nil)
		}
		return locale.Default().T(locale.ZH, "nqi.enum."+f.Enum+"."+f.Options()[0], nil)
	case TUSCC:
		return "91440800MA4W12346A"
	case TRegion:
		return s.Prefecture()
	case TRegionAny:
		return "440106"
	case TValue:
		return "≤0.05"
	case TUnit:
		return "mg/kg"
	case TParent:
		if p := KindByName(k.Parent); p.ParentKey != "" {
			if p.ParentKey == "code" {
				return "DB44/T 2234-2019"
			}
			return "ZJ-2019-001"
		}
		return "1"
	case TOrg:
		return "12440800MB2C00024X"
	case TCode:
		if strings.Contains(f.Name, "standard") || f.Name == "code" || f.Name == "replaces" {
			return "GB/T 19001-2016"
		}
		return "ZJ-2019-001"
	}
	return ""
}

func sheetType(f *Field) sheet.Type {
	switch f.Type {
	case TDate:
		return sheet.Date
	case TInt, TYear, TMoney:
		return sheet.Number
	}
	return sheet.Text
}

// Columns returns the import columns of a register: its input fields, then the
// columns an export adds (id, computed fields, names), accepted and ignored so that an
// edited export imports.
func (s *Service) Columns(k *Kind) []sheet.Column {
	var cols []sheet.Column
	for i := range k.Fields {
		f := &k.Fields[i]
		if !f.Input() {
			continue
		}
		cols = append(cols, sheet.Column{Field: f.Name, ZH: fieldLabel(k, f, locale.ZH), EN: fieldLabel(k, f, locale.EN),
			Required: f.Required && f.Default == "", Example: s.exampleOf(k, f), Type: sheetType(f)})
	}
	return cols
}

// exportColumns are the columns of an export: id, every field, and the name beside
// each reference.
func (s *Service) exportColumns(k *Kind) []sheet.Column {
	cols := []sheet.Column{{Field: "id", ZH: "ID", EN: "ID", Type: sheet.Number}}
	for i := range k.Fields {
		f := &k.Fields[i]
		cols = append(cols, sheet.Column{Field: f.Name, ZH: fieldLabel(k, f, locale.ZH), EN: fieldLabel(k, f, locale.EN), Type: sheetType(f)})
		if hasName(f) {
			zh := locale.Default().T(locale.ZH, "nqi.ui.name_of", map[string]any{"field": fieldLabel(k, f, locale.ZH)})
			en := locale.Default().T(locale.EN, "nqi.ui.name_of", map[string]any{"field": fieldLabel(k, f, locale.EN)})
			cols = append(cols, sheet.Column{Field: f.Name + "_name", ZH: zh, EN: en})
		}
	}
	return cols
}

// hasName reports whether a field refers to a record whose name is shown beside it.
func hasName(f *Field) bool {
	return f.Type == TUSCC && f.Entity || f.Type == TOrg || f.Type == TParent
}

// importColumns are Columns plus the export's extra columns, optional and ignored.
func (s *Service) importColumns(k *Kind) []sheet.Column {
	cols := s.Columns(k)
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Field] = true
	}
	for _, c := range s.exportColumns(k) {
		if !have[c.Field] {
			cols = append(cols, sheet.Column{Field: c.Field, ZH: c.ZH, EN: c.EN})
		}
	}
	return cols
}

// Template writes the import template of a register.
func (s *Service) Template(w io.Writer, k *Kind, lang string) error {
	l := locale.Parse(lang)
	return sheet.Template(w, sheetName(locale.Default().T(l, "nqi.kind."+k.Name, nil)), s.Columns(k), lang)
}

// sheetName keeps a worksheet name within Excel's rules: at most 31 characters, none
// of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// ImportResult reports a finished import.
type ImportResult struct {
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// enumCode reads an enumeration as its code or its label in either language.
func enumCode(f *Field, v string) string {
	v = strings.TrimSpace(v)
	for _, o := range f.Options() {
		if v == o {
			return o
		}
	}
	for _, o := range f.Options() {
		for _, l := range locale.Langs {
			if strings.EqualFold(v, locale.Default().T(l, "nqi.enum."+f.Enum+"."+o, nil)) {
				return o
			}
		}
	}
	return v
}

// Import reads a CSV or .xlsx file into a register, whole or not at all: every row is
// validated as a form is, and any bad row rejects the file with EINVALID listing each
// row, column and error. Returns also EFORBIDDEN, ETOOLARGE.
func (s *Service) Import(ctx context.Context, k *Kind, r io.Reader, filename string) (ImportResult, error) {
	if !CanWrite(qcity.ActorFrom(ctx), k) {
		return ImportResult{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	rd, err := sheet.Open(r, filename, s.importColumns(k), sheet.Limits{MaxRows: 200_000})
	if err != nil {
		return ImportResult{}, err
	}
	var ins []Input
	var lines []int
	var refErrs []qcity.FieldError
	parents := map[string]string{}
	orgs := map[string]string{}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportResult{}, err
		}
		in := Input{}
		for i := range k.Fields {
			f := &k.Fields[i]
			if !f.Input() {
				continue
			}
			v := strings.TrimSpace(row.Get(f.Name))
			switch {
			case v == "":
			case f.Type == TEnum:
				v = enumCode(f, v)
			case f.Type == TParent && !isDigits(v):
				id, err := s.resolveParent(ctx, k, v, parents)
				if err != nil {
					return ImportResult{}, err
				}
				if id == "" {
					refErrs = append(refErrs, qcity.FieldError{Row: row.Line, Field: f.Name, Key: "nqi.error.parent_key", Args: map[string]any{"value": clip(v)}})
				}
				v = id
			case f.Type == TOrg && !isDigits(v):
				id, err := s.resolveOrg(ctx, f, v, orgs)
				if err != nil {
					return ImportResult{}, err
				}
				if id == "" {
					refErrs = append(refErrs, qcity.FieldError{Row: row.Line, Field: f.Name, Key: "nqi.error.org_name", Args: map[string]any{"value": clip(v)}})
				}
				v = id
			}
			if v != "" {
				in[f.Name] = v
			}
		}
		ins = append(ins, in)
		lines = append(lines, row.Line)
	}
	if len(ins) == 0 {
		return ImportResult{}, qcity.Errorf(qcity.EINVALID, "sheet.no_rows")
	}
	recs, err := s.bulkCreate(ctx, k, ins, filename, lines, refErrs)
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Rows: len(recs), SHA256: rd.SHA256()}, nil
}

// resolveParent finds a parent record by its natural key.
func (s *Service) resolveParent(ctx context.Context, k *Kind, v string, cache map[string]string) (string, error) {
	if id, ok := cache[v]; ok {
		return id, nil
	}
	p := KindByName(k.Parent)
	id := ""
	if p.ParentKey != "" {
		key := v
		if p.ParentKey == "code" {
			if sc, err := ParseStandardCode(v, s.regions()); err == nil {
				key = sc.Text
			}
		}
		var n int64
		err := s.DB.QueryRow(ctx, `SELECT id FROM `+p.Name+` WHERE `+p.ParentKey+` = ?`, key).Scan(&n)
		if err == nil {
			id = strconv.FormatInt(n, 10)
		} else if !isNoRows(err) {
			return "", qcity.Internal(err)
		}
	}
	cache[v] = id
	return id, nil
}

// resolveOrg finds an organisation by its credit code or exact name.
func (s *Service) resolveOrg(ctx context.Context, f *Field, v string, cache map[string]string) (string, error) {
	if id, ok := cache[v]; ok {
		return id, nil
	}
	var kinds []string
	for _, k := range f.OrgKinds {
		kinds = append(kinds, string(k))
	}
	args := []any{uscc.Normalize(v), v}
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := s.DB.Query(ctx, `SELECT id FROM organisations WHERE (uscc = ? OR name = ?) AND kind IN (`+placeholders(len(kinds))+`)`, args...)
	if err != nil {
		return "", qcity.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return "", qcity.Internal(err)
		}
		ids = append(ids, n)
	}
	id := ""
	if len(ids) == 1 {
		id = strconv.FormatInt(ids[0], 10)
	}
	cache[v] = id
	return id, qcity.Internal(rows.Err())
}

// maxExport bounds one export.
const maxExport = 200_000

// Export writes the records matching f (all pages) as .xlsx in lang, with enumerations
// in words, and records the export in the audit log. Returns ETOOLARGE beyond 200,000
// rows.
func (s *Service) Export(ctx context.Context, k *Kind, w io.Writer, f Filter, lang string) (int, error) {
	a := qcity.ActorFrom(ctx)
	f.Offset, f.Limit = 0, MaxPageSize
	first, total, err := s.Find(ctx, k, f)
	if err != nil {
		return 0, err
	}
	if total > maxExport {
		return 0, qcity.Errorf(qcity.ETOOLARGE, "nqi.error.export_too_large", "max", maxExport, "count", total)
	}
	l := locale.Parse(lang)
	n := 0
	var werr error
	err = sheet.WriteXLSX(w, sheetName(locale.Default().T(l, "nqi.kind."+k.Name, nil)), s.exportColumns(k), lang, func(yield func([]string) bool) {
		page := first
		for {
			for _, r := range page {
				n++
				if !yield(s.exportRow(r, l)) {
					return
				}
			}
			if len(page) < f.Limit || n >= total {
				return
			}
			f.Offset += f.Limit
			page, _, werr = s.Find(ctx, k, f)
			if werr != nil {
				return
			}
		}
	})
	if werr != nil {
		return 0, werr
	}
	if err != nil {
		return 0, qcity.Internal(err)
	}
	err = audit.Write(ctx, s.DB, s.Clock.Now().UTC(), audit.Record{Action: audit.ActionExport, ObjectType: k.Object,
		Region: a.Region, Summary: k.Name + " export", After: map[string]any{"filter": f, "rows": n}})
	return n, err
}

// exportRow is one record as export cells.
func (s *Service) exportRow(r *Record, l locale.Lang) []string {
	k := r.Kind
	out := []string{strconv.FormatInt(r.ID, 10)}
	for i := range k.Fields {
		f := &k.Fields[i]
		v := r.Display(f)
		if f.Type == TEnum && v != "" {
			v = locale.Default().T(l, "nqi.enum."+f.Enum+"."+v, nil)
		}
		out = append(out, v)
		if hasName(f) {
			out = append(out, r.Names[f.Name])
		}
	}
	return out
}
