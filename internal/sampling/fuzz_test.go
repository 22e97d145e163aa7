package sampling_test

import (
	"bytes"
	"context"
	"testing"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/locale"
	"qcity/internal/sampling"
)

// FuzzImportSamples feeds arbitrary files to the sample import: no panic, every error a
// catalogued qcity error, and a rejected file writes nothing.
func FuzzImportSamples(f *testing.F) {
	fx := newFixture(f, dbtest.SQLite(f))
	prod := producer(f)
	good := "DC24440800001,food,city,2024,酒类/白酒,米酒,示例牌,500mL,2023-12-01," + prod + ",雷州市示例酒厂," + fx.seller.USCC + "," + fx.seller.Name + ",440803,流通,2024-01-05," + fx.lab.Name
	f.Add(csvRows([]string{good + ",甲醇,0.12,g/L,≤0.6,,GB 2757-2012,合格"}))
	f.Add(csvRows([]string{good + ",菌落总数,\"10,20,30,40,50\",CFU/g,\"n=5,c=2,m=100,M=1000\",,,合格"}))
	f.Add(csvRows([]string{good + ",铅,<0.005,mg/kg,不得检出(0.01),rounded,,"}))
	f.Add([]byte("样品编号,检验项目\nX,铅\n"))
	f.Add([]byte{})
	cat := locale.Default()
	count := func(t *testing.T) int {
		var n int
		fx.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM sample_items`).Scan(&n)
		return n
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := count(t)
		sum, err := fx.svc.ImportSamples(fx.official, bytes.NewReader(data), "fuzz.csv", sampling.ImportOptions{})
		after := count(t)
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
					t.Fatalf("uncatalogued field key %q (%s)", fe.Key, fe.Field)
				}
			}
			if after != before {
				t.Fatalf("rejected import wrote %d items", after-before)
			}
			return
		}
		if after-before != sum.Items {
			t.Fatalf("import of %d items added %d", sum.Items, after-before)
		}
	})
}
