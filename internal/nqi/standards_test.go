package nqi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
)

func TestStandards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		std := f.create(f.city, nqi.Standards, nqi.Input{"code": "ＤＢ44／Ｔ　2234—2019", "title": "对虾养殖水质要求",
			"revision": "new", "status": "in_force", "published_on": "2019-06-12", "effective_on": "2019-09-12",
			"region_code": "440800"})
		if std.Str("code") != "DB44/T 2234-2019" || std.Str("level") != "local" || std.Str("nature") != "recommended" ||
			std.IntOr("year", 0) != 2019 {
			t.Fatalf("standard: %v", std.Values)
		}
		// Drafters: local by their region or their credit code's.
		f.create(f.city, nqi.StandardDrafters, nqi.Input{"standard_id": id(std), "name": f.maker.Name, "uscc": f.maker.USCC, "role": "lead"})
		out := f.create(f.city, nqi.StandardDrafters, nqi.Input{"standard_id": id(std), "name": "广东省标准化研究院", "drafter_region": "440106"})
		if out.Str("local") != "no" || out.Str("region_code") != "440800" {
			t.Errorf("outside drafter: %v", out.Values)
		}
		got, err := f.svc.Get(f.city, nqi.Standards, std.ID)
		if err != nil || got.IntOr("drafters", 0) != 2 || got.IntOr("local_drafters", 0) != 1 {
			t.Fatalf("counts: %v %v", got.Values, err)
		}
		// A drafter needs a place.
		_, err = f.svc.Create(f.city, nqi.StandardDrafters, nqi.Input{"standard_id": id(std), "name": "某协会"})
		if fieldErr(err, "drafter_region") != "nqi.error.drafter_region" {
			t.Errorf("drafter without place: %v", err)
		}
		// Filters: level, local participation, keyword.
		items, n, err := f.svc.Find(f.city, nqi.Standards, nqi.Filter{Fields: map[string]string{"level": "local,national"}, Extra: map[string]string{"local": "yes"}, Q: "对虾"})
		if err != nil || n != 1 || items[0].ID != std.ID {
			t.Errorf("find: %d %v", n, err)
		}
		if _, n, _ := f.svc.Find(f.city, nqi.Standards, nqi.Filter{Extra: map[string]string{"local": "no"}}); n != 0 {
			t.Errorf("local=no: %d", n)
		}
		// JSON carries the fields and the computed counts.
		b, _ := json.Marshal(got)
		if !strings.Contains(string(b), `"code":"DB44/T 2234-2019"`) || !strings.Contains(string(b), `"local_drafters":1`) {
			t.Errorf("json %s", b)
		}

		// Rules.
		cases := []struct {
			in         nqi.Input
			field, key string
		}{
			{nqi.Input{"code": "GB/T 1234", "title": "x"}, "code", "nqi.error.std_year"},
			{nqi.Input{"code": "XY 12-2019", "title": "x"}, "code", "nqi.error.std_prefix"},
			{nqi.Input{"code": "DB99/T 1-2019", "title": "x"}, "code", "nqi.error.std_area"},
			{nqi.Input{"code": "ASTM D6400-19", "title": "x", "published_on": "2019-01-01"}, "code", "nqi.error.std_foreign"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2020-01-02"}, "published_on", "nqi.error.std_published_year"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "status": "published"}, "published_on", "nqi.error.std_published_required"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "status": "drafting", "published_on": "2019-01-01"}, "published_on", "nqi.error.std_drafting_dates"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "revision": "revised"}, "replaces", "nqi.error.std_replaces_required"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "revision": "revised", "replaces": "GB/T 30000-2020"}, "replaces", "nqi.error.std_replaces_year"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "replaces": "GB/T 30000-2010"}, "replaces", "nqi.error.std_replaces_new"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "effective_on": "2019-04-01"}, "effective_on", "nqi.error.date_order"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "withdrawn_on": "2020-04-01"}, "withdrawn_on", "nqi.error.std_withdrawn_status"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "status": "withdrawn"}, "withdrawn_on", "nqi.error.std_withdrawn_required"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "", "published_on": "2019-05-01"}, "title", "nqi.error.required"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-13-01"}, "published_on", "nqi.error.date"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "status": "gone"}, "status", "nqi.error.enum"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "region_code": "440100"}, "region_code", "nqi.error.region_outside"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x\x00", "published_on": "2019-05-01"}, "title", "nqi.error.text_char"},
			{nqi.Input{"code": "GB/T 30000-2019", "title": "x", "published_on": "2019-05-01", "colour": "red"}, "colour", "nqi.error.unknown_field"},
			{nqi.Input{"code": "DB44/T 2234-2019", "title": "重复", "published_on": "2019-06-12"}, "code", "nqi.error.duplicate"},
		}
		for _, c := range cases {
			if c.in["region_code"] == "" {
				c.in["region_code"] = "440800"
			}
			_, err := f.svc.Create(f.city, nqi.Standards, c.in)
			if got := fieldErr(err, c.field); got != c.key {
				t.Errorf("%v: %s error %q, want %q (%v)", c.in, c.field, got, c.key, err)
			}
		}

		// Editing keeps what is left out and checks the version.
		ed, err := f.svc.Update(f.city, nqi.Standards, std.ID, nqi.Input{"title": "对虾养殖水质要求（修订）"}, std.Version)
		if err != nil || ed.Str("title") != "对虾养殖水质要求（修订）" || ed.Str("code") != "DB44/T 2234-2019" || ed.Version != 2 {
			t.Fatalf("update: %v %v", ed, err)
		}
		if _, err := f.svc.Update(f.city, nqi.Standards, std.ID, nqi.Input{"title": "再改"}, 1); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("stale version: %v", err)
		}
		// A county official may not edit the city's records, nor an enterprise at all.
		if _, err := f.svc.Update(f.county, nqi.Standards, std.ID, nqi.Input{"title": "越权"}, 2); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county edit of a city record: %v", err)
		}
		if _, _, err := f.svc.Find(f.ent, nqi.Standards, nqi.Filter{}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise reads standards: %v", err)
		}
		// Every write is in the audit log.
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type IN ('standard', 'standard_drafter')`).Scan(&n); err != nil || n != 4 {
			t.Errorf("audit records: %d %v", n, err)
		}
	})
}
