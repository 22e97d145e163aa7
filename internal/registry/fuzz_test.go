package registry_test

import (
	"bytes"
	"context"
	"testing"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/locale"
)

// FuzzImportCSV feeds arbitrary files to the entity import: it never panics, every
// error is a qcity error with catalogued messages, and a rejected file writes nothing.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("统一社会信用代码,名称,主体类型,法定代表人,行政区划代码\n91440803MA4W12346M,湛江市霞山区示例有限公司,企业（公司）,张三,440803\n"))
	f.Add([]byte("uscc,name,entity_type,legal_representative,region_code,established_on,status,registered_capital,former_names\n" +
		"92440803MA4W12346M,霞山区示例店,个体工商户,李四,440803,2020-01-01,存续,,霞山区旧店\n"))
	f.Add([]byte("uscc,name\n\"unterminated,x\n"))
	f.Add([]byte("\xef\xbb\xbfuscc;name\n"))
	f.Add([]byte{})
	d := dbtest.SQLite(f)
	s, _ := newService(f, d)
	ctx := official("")
	cat := locale.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		before := count(t, d)
		res, err := s.ImportEntities(ctx, bytes.NewReader(data), "fuzz.csv", nil)
		after := count(t, d)
		if err != nil {
			qe := qcity.AsError(err)
			if qe.Code == qcity.EINTERNAL {
				t.Fatalf("internal error: %v", err)
			}
			if !cat.Has(locale.ZH, qe.Key) || !cat.Has(locale.EN, qe.Key) {
				t.Fatalf("uncatalogued key %q", qe.Key)
			}
			for _, fe := range qe.Fields {
				if !cat.Has(locale.ZH, fe.Key) {
					t.Fatalf("uncatalogued field key %q", fe.Key)
				}
			}
			if after != before {
				t.Fatalf("rejected import wrote %d rows", after-before)
			}
			return
		}
		if after-before != res.Rows {
			t.Fatalf("import of %d rows added %d", res.Rows, after-before)
		}
	})
	_ = context.Background
}
