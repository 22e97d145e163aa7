package nqi_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
	"qcity/internal/sheet"
)

func xlsxOf(t *testing.T, cols []sheet.Column, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	err := sheet.WriteXLSX(&b, "data", cols, "zh-CN", func(yield func([]string) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		cols := []sheet.Column{{Field: "code", ZH: "标准编号"}, {Field: "title", ZH: "标准名称"}, {Field: "revision", ZH: "制定/修订"},
			{Field: "replaces", ZH: "代替标准"}, {Field: "status", ZH: "状态"}, {Field: "published_on", ZH: "发布日期", Type: sheet.Date},
			{Field: "region_code", ZH: "所属区域"}}
		good := [][]string{
			{"GB/T 38000-2019", "冻虾仁", "制定", "", "现行", "2019-08-30", "440800"},
			{"DB44/T 2300-2019", "菠萝种植技术规程", "修订", "DB44/T 1500-2015", "In force", "2019-11-20", "440825"},
		}
		res, err := f.svc.Import(f.city, nqi.Standards, bytes.NewReader(xlsxOf(t, cols, good)), "standards.xlsx")
		if err != nil || res.Rows != 2 || len(res.SHA256) != 64 {
			t.Fatalf("import: %+v %v", res, err)
		}
		items, n, _ := f.svc.Find(f.city, nqi.Standards, nqi.Filter{Fields: map[string]string{"revision": "revised"}})
		if n != 1 || items[0].Str("status") != "in_force" || items[0].Str("level") != "local" {
			t.Errorf("imported: %d %v", n, items)
		}
		// Drafters by the standard's number, in CSV; a bad row rejects the whole file.
		csv := "标准编号 / ID,单位名称,统一社会信用代码,单位所在行政区划,角色\n" +
			"GB/T 38000-2019," + f.maker.Name + "," + f.maker.USCC + ",,主要起草单位\n" +
			"GB/T 99999-2019,某单位,,440106,参与起草单位\n" +
			"DB44/T 2300-2019,徐闻县菠萝协会,,440825,lead\n"
		_, err = f.svc.Import(f.city, nqi.StandardDrafters, strings.NewReader(strings.Replace(csv, "标准编号 / ID", "所属标准", 1)), "d.csv")
		qe := qcity.AsError(err)
		if qe == nil || qe.Key != "nqi.error.import_rejected" || len(qe.Fields) != 1 || qe.Fields[0].Row != 3 || qe.Fields[0].Field != "standard_id" {
			t.Fatalf("bad parent: %v", err)
		}
		if _, n, _ := f.svc.Find(f.city, nqi.StandardDrafters, nqi.Filter{}); n != 0 {
			t.Errorf("a rejected file wrote %d drafters", n)
		}
		fixed := strings.Replace(strings.Replace(csv, "标准编号 / ID", "所属标准", 1), "GB/T 99999-2019", "GB/T38000—2019", 1)
		fixed = strings.Replace(fixed, "某单位", "广东海洋大学", 1)
		if res, err := f.svc.Import(f.city, nqi.StandardDrafters, strings.NewReader(fixed), "d.csv"); err != nil || res.Rows != 3 {
			t.Fatalf("drafters: %v %v", res, err)
		}
		if _, n, _ := f.svc.Find(f.city, nqi.Standards, nqi.Filter{Extra: map[string]string{"local": "yes"}}); n != 2 {
			t.Errorf("standards with local drafters: %d", n)
		}

		// Every column of a bad row is reported, with its spreadsheet line.
		bad := [][]string{
			{"GB/T 38001-2019", "", "制定", "", "现行", "2019-08-30", "440800"},
			{"GB/T 38002", "甲", "重制", "", "现行", "2019-02-30", "440100"},
			{"GB/T 38000-2019", "重复", "制定", "", "现行", "2019-08-30", "440800"},
		}
		_, err = f.svc.Import(f.city, nqi.Standards, bytes.NewReader(xlsxOf(t, cols, bad)), "bad.xlsx")
		qe = qcity.AsError(err)
		want := map[string]string{"2/title": "nqi.error.required", "3/code": "nqi.error.std_year", "3/revision": "nqi.error.enum",
			"3/published_on": "nqi.error.date", "3/region_code": "nqi.error.region_outside", "4/code": "nqi.error.duplicate"}
		got := map[string]string{}
		for _, fe := range qe.Fields {
			got[itoa(fe.Row)+"/"+fe.Field] = fe.Key
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("row error %s: %q, want %q (all: %v)", k, got[k], v, got)
			}
		}
		// Unknown columns and formats are refused by the reader.
		if _, err := f.svc.Import(f.city, nqi.Standards, strings.NewReader("颜色\n红\n"), "x.csv"); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("unknown column: %v", err)
		}
		if _, err := f.svc.Import(f.city, nqi.Standards, strings.NewReader("x"), "x.doc"); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("unknown format: %v", err)
		}
		if _, err := f.svc.Import(f.ent, nqi.Standards, bytes.NewReader(xlsxOf(t, cols, good)), "s.xlsx"); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise import: %v", err)
		}

		// Export: the filtered list with words for enumerations and names beside codes;
		// an edited export imports again (new records).
		var out bytes.Buffer
		nrows, err := f.svc.Export(f.city, nqi.StandardDrafters, &out, nqi.Filter{}, "zh-CN")
		if err != nil || nrows != 3 {
			t.Fatalf("export: %d %v", nrows, err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 4 || !strings.Contains(strings.Join(rows[0], "|"), "所属标准（名称）") || !strings.Contains(strings.Join(rows[1], "|"), "主要起草单位") {
			t.Errorf("export rows: %v", rows)
		}
		// Re-import the export into the standards' drafters under another name.
		nameCol := -1
		for i, h := range rows[0] {
			if h == "单位名称" {
				nameCol = i
			}
		}
		for i := 1; i < len(rows); i++ {
			rows[i][nameCol] += "（二）"
		}
		var again bytes.Buffer
		hdr := rows[0]
		xcols := make([]sheet.Column, len(hdr))
		for i, h := range hdr {
			xcols[i] = sheet.Column{Field: "c" + itoa(i), ZH: h}
		}
		if err := sheet.WriteXLSX(&again, "x", xcols, "zh-CN", func(yield func([]string) bool) {
			for _, r := range rows[1:] {
				if !yield(r) {
					return
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.Import(f.city, nqi.StandardDrafters, bytes.NewReader(again.Bytes()), "again.xlsx"); err != nil || res.Rows != 3 {
			t.Errorf("re-import of an export: %v %v", res, err)
		}
		// The template reads back as its example row.
		var tpl bytes.Buffer
		if err := f.svc.Template(&tpl, nqi.Instruments, "zh-CN"); err != nil {
			t.Fatal(err)
		}
		if x, err := excelize.OpenReader(bytes.NewReader(tpl.Bytes())); err != nil || x.GetSheetName(0) != "强制检定计量器具" {
			t.Errorf("template: %v", err)
		}
		// Imports and exports are in the audit log.
		var n2 int
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('import', 'export')`).Scan(&n2)
		if n2 != 4 {
			t.Errorf("audited imports and exports: %d", n2)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
