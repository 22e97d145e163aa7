package limits

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sort"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/sheet"
)

// Columns are the columns of catalogue imports, exports and the import template, in
// export order. Chinese headers are the default; English headers, the field names and
// the aliases are accepted. Kind is exported for reading and, on import, checked
// against the limit when given.
var Columns = []sheet.Column{
	{Field: "standard_code", ZH: "标准编号", EN: "Standard code", Aliases: []string{"标准", "标准号", "判定依据", "standard"}, Required: true, Example: "GB 2762"},
	{Field: "standard_edition", ZH: "标准版本", EN: "Edition", Aliases: []string{"版本", "年代号", "edition"}, Example: "2022"},
	{Field: "standard_status", ZH: "标准状态", EN: "Status", Aliases: []string{"状态", "status"}, Example: "现行"},
	{Field: "analyte", ZH: "检验项目", EN: "Analyte", Aliases: []string{"项目", "检测项目", "污染物", "analyte_cn"}, Required: true, Example: "铅"},
	{Field: "analyte_en", ZH: "检验项目（英文）", EN: "Analyte (English)", Example: "lead"},
	{Field: "food", ZH: "食品", EN: "Food", Aliases: []string{"食品名称", "食品类别", "food_cn"}, Required: true, Example: "蔬菜及其制品:新鲜蔬菜:叶菜蔬菜"},
	{Field: "food_en", ZH: "食品（英文）", EN: "Food (English)", Example: "leafy vegetables"},
	{Field: "category_code", ZH: "抽检类别代码", EN: "Category code", Aliases: []string{"类别代码"}, Example: "33.02.03"},
	{Field: "limit", ZH: "限量", EN: "Limit", Aliases: []string{"标准值", "限量值", "标准规定", "limit_text"}, Required: true, Example: "0.3"},
	{Field: "unit", ZH: "单位", EN: "Unit", Aliases: []string{"计量单位"}, Example: "mg/kg"},
	{Field: "kind", ZH: "限量类型", EN: "Kind", Aliases: []string{"limit_kind"}, Example: "最大限量"},
	{Field: "comparison", ZH: "判定方法", EN: "Comparison", Aliases: []string{"比较方法"}, Example: "全数值比较法"},
	{Field: "valid_from", ZH: "实施日期", EN: "Valid from", Aliases: []string{"生效日期"}, Example: "2023-06-30", Type: sheet.Date},
	{Field: "valid_to", ZH: "废止日期", EN: "Valid to", Aliases: []string{"失效日期"}, Example: "", Type: sheet.Date},
	{Field: "note", ZH: "备注", EN: "Note", Example: "以Pb计"},
	{Field: "source", ZH: "来源", EN: "Source", Example: "GB 2762-2022 表1"},
}

// ImportResult reports a finished import.
type ImportResult struct {
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	SHA256    string `json:"sha256"`
}

// maxImportErrors caps the row errors reported for one file.
const maxImportErrors = 1000

// Import reads a CSV or .xlsx file of entries (Columns) and applies it whole or not at
// all. Every row is validated as a form would be; a row naming the key of an existing
// entry (standard code, edition, analyte, food, category code) updates that entry, any
// other row adds one. A file with any bad row — including a key given twice — is
// rejected with EINVALID listing each row, column and error, and nothing is written.
// Officials only.
//
// Returns EINVALID, ETOOLARGE (from the reader), EFORBIDDEN.
func (c *Catalogue) Import(ctx context.Context, r io.Reader, filename string) (ImportResult, error) {
	if !qcity.ActorFrom(ctx).IsOfficial() {
		return ImportResult{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	idx, err := c.index(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	h := sha256.New()
	rd, err := sheet.Open(io.TeeReader(r, h), filename, Columns, sheet.Limits{MaxBytes: 32 << 20, MaxRows: 200_000})
	if err != nil {
		return ImportResult{}, err
	}
	var (
		entries []Entry
		lines   []int
		errs    []qcity.FieldError
		nErrs   int
		first   = map[entryKey]int{}
	)
	addErr := func(fe qcity.FieldError) {
		nErrs++
		if len(errs) < maxImportErrors {
			errs = append(errs, fe)
		}
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportResult{}, err
		}
		in := EntryInput{StandardCode: row.Get("standard_code"), StandardEdition: row.Get("standard_edition"),
			Status: row.Get("standard_status"), Analyte: row.Get("analyte"), AnalyteEN: row.Get("analyte_en"),
			Food: row.Get("food"), FoodEN: row.Get("food_en"), CategoryCode: row.Get("category_code"),
			Limit: row.Get("limit"), Unit: row.Get("unit"), Comparison: row.Get("comparison"),
			ValidFrom: row.Get("valid_from"), ValidTo: row.Get("valid_to"), Note: row.Get("note"), Source: row.Get("source")}
		e, ferrs := validate(in, idx.codes)
		if k := row.Get("kind"); k != "" && len(ferrs) == 0 {
			if kind, ok := parseKindName(k); !ok {
				ferrs = append(ferrs, qcity.Field("kind", "limitscat.kind_unknown", "value", clip(k)))
			} else if kind != e.Kind {
				ferrs = append(ferrs, qcity.Field("kind", "limitscat.kind_mismatch", "kind", k, "limit", e.Limit, "parsed", e.Kind))
			}
		}
		for _, fe := range ferrs {
			fe.Row = row.Line
			addErr(fe)
		}
		if len(ferrs) > 0 {
			continue
		}
		k := keyOf(e)
		if line, dup := first[k]; dup {
			addErr(qcity.FieldError{Row: row.Line, Field: "analyte", Key: "limitscat.import_duplicate",
				Args: map[string]any{"first": line, "analyte": e.Analyte, "food": e.Food}})
			continue
		}
		first[k] = row.Line
		entries = append(entries, e)
		lines = append(lines, row.Line)
	}
	if nErrs > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
		return ImportResult{}, &qcity.Error{Code: qcity.EINVALID, Key: "registry.import_rejected",
			Args: map[string]any{"count": nErrs}, Fields: errs}
	}
	if len(entries) == 0 {
		return ImportResult{}, qcity.Errorf(qcity.EINVALID, "sheet.no_rows")
	}
	res := ImportResult{Rows: len(entries), SHA256: hex.EncodeToString(h.Sum(nil))}
	now := c.now().UTC()
	err = c.DB.InTx(ctx, func(tx *db.Tx) error {
		existing, err := allEntries(ctx, tx)
		if err != nil {
			return err
		}
		byKey := make(map[entryKey]Entry, len(existing))
		for _, e := range existing {
			if _, dup := byKey[keyOf(e)]; !dup {
				byKey[keyOf(e)] = e
			}
		}
		for i := range entries {
			e := &entries[i]
			old, found := byKey[keyOf(*e)]
			if !found {
				e.CreatedAt, e.UpdatedAt, e.Version = now, now, 1
				if err := insertEntry(ctx, tx, e); err != nil {
					return err
				}
				res.Created++
				continue
			}
			if sameContent(old, *e) {
				res.Unchanged++
				continue
			}
			e.ID, e.CreatedAt, e.UpdatedAt, e.Version = old.ID, old.CreatedAt, now, old.Version+1
			if err := updateEntry(ctx, tx, e, old.Version); err != nil {
				return err
			}
			res.Updated++
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "limit",
			ObjectID: res.SHA256[:16], Summary: filename, After: map[string]any{"file": filename, "sha256": res.SHA256,
				"rows": res.Rows, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
				"first_line": lines[0], "last_line": lines[len(lines)-1]}})
	})
	if err != nil {
		return ImportResult{}, err
	}
	c.invalidate()
	return res, nil
}

// sameContent reports whether an import row changes nothing of a stored entry.
func sameContent(a, b Entry) bool {
	return a.Status == b.Status && a.AnalyteEN == b.AnalyteEN && a.FoodEN == b.FoodEN && a.Limit == b.Limit &&
		a.Kind == b.Kind && a.Unit == b.Unit && a.Comparison == b.Comparison && a.ValidFrom == b.ValidFrom &&
		a.ValidTo == b.ValidTo && a.Note == b.Note && a.Source == b.Source
}

// maxExport bounds one export.
const maxExport = 200_000

// Export writes the entries matching f (all pages) as .xlsx rows in language lang,
// with statuses, kinds and comparisons as label gives them (label is the locale's
// translation of a key), and records the export in the audit log. Import reads the file
// back.
//
// Returns EINVALID for a bad filter, ETOOLARGE past 200,000 entries.
func (c *Catalogue) Export(ctx context.Context, w io.Writer, f Filter, lang string, label func(key string) string) (int, error) {
	f.Offset, f.Limit = 0, MaxPageSize
	page, total, err := c.Find(ctx, f)
	if err != nil {
		return 0, err
	}
	if total > maxExport {
		return 0, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxExport, "count", total)
	}
	n := 0
	var werr error
	err = sheet.WriteXLSX(w, label("limitscat.sheet_name"), Columns, lang, func(yield func([]string) bool) {
		for {
			for _, e := range page {
				n++
				if !yield([]string{e.StandardCode, e.StandardEdition, label("limitscat.status." + string(e.Status)),
					e.Analyte, e.AnalyteEN, e.Food, e.FoodEN, e.CategoryCode, e.Limit, e.Unit,
					label("limitscat.kind." + e.Kind), label("limitscat.comparison." + e.Comparison),
					e.ValidFrom.String(), e.ValidTo.String(), e.Note, e.Source}) {
					return
				}
			}
			if len(page) < f.Limit || n >= total {
				return
			}
			f.Offset += f.Limit
			if page, _, werr = c.Find(ctx, f); werr != nil {
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
	err = audit.Write(ctx, c.DB, c.now().UTC(), audit.Record{Action: audit.ActionExport, ObjectType: "limit",
		Summary: "limits export", After: map[string]any{"filter": f, "rows": n}})
	return n, err
}

// Template writes the import template in language lang.
func Template(w io.Writer, lang string, sheetName string) error {
	if err := sheet.Template(w, sheetName, Columns, lang); err != nil {
		return qcity.Internal(err)
	}
	return nil
}
