package sampling_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"qcity/internal/db/dbtest"
	"qcity/internal/sampling"
)

var cube5M struct {
	once sync.Once
	c    *sampling.Cube
}

// bigCube counts 5,000,000 synthetic samples over ten years, three kinds, four levels,
// nine districts, 33 categories, five stages and 109 labs, with three items each.
func bigCube(b *testing.B) *sampling.Cube {
	cube5M.once.Do(func() {
		c := sampling.NewCube()
		r := rand.New(rand.NewPCG(5, 5))
		kinds := []sampling.Kind{"food", "food", "food", "food", "product", "agri"}
		levels := []sampling.Level{"national", "provincial", "city", "city", "county", "county", "county"}
		regions := []string{"440802", "440803", "440804", "440811", "440823", "440825", "440881", "440882", "440883"}
		stages := []sampling.Stage{"production", "circulation", "circulation", "catering", "online"}
		items := []string{"铅", "镉", "总砷", "甲醇", "二氧化硫", "苯甲酸", "山梨酸", "菌落总数", "大肠菌群", "毒死蜱", "腐霉利", "恩诺沙星"}
		for i := 0; i < 5_000_000; i++ {
			verdict := sampling.VerdictPass
			if r.IntN(100) < 2 {
				verdict = sampling.VerdictFail
			}
			in := sampling.Sample{Kind: kinds[r.IntN(len(kinds))], Level: levels[r.IntN(len(levels))], Year: 2015 + r.IntN(10),
				Region: regions[r.IntN(len(regions))], Category1: fmt.Sprintf("%02d", 1+r.IntN(33)),
				Stage: stages[r.IntN(len(stages))], LabID: int64(1 + r.IntN(109))}
			in.SampledOn.Month = time.Month(1 + r.IntN(12))
			var its []sampling.Item
			for k := 0; k < 3; k++ {
				its = append(its, sampling.Item{Round: 1, Item: items[r.IntN(len(items))], Verdict: sampling.VerdictPass})
			}
			sampling.CubeAdd(c, &in, verdict, its)
		}
		cube5M.c = c
	})
	return cube5M.c
}

// BenchmarkStatsQuery5M is the statistics query over 5,000,000 samples (target: at
// most 50 ms), for the groupings the dashboard and the API use.
func BenchmarkStatsQuery5M(b *testing.B) {
	if testing.Short() {
		b.Skip("5M-sample benchmark skipped in -short mode")
	}
	c := bigCube(b)
	for _, q := range []struct {
		name string
		f    sampling.StatsFilter
	}{
		{"food2019_by_region", sampling.StatsFilter{Kind: "food", Year: 2019, Group: sampling.GroupRegion}},
		{"food2019_by_category", sampling.StatsFilter{Kind: "food", Year: 2019, Group: sampling.GroupCategory}},
		{"food2019_by_month_county", sampling.StatsFilter{Kind: "food", Year: 2019, Level: "county", Group: sampling.GroupMonth}},
		{"food2019_by_item", sampling.StatsFilter{Kind: "food", Year: 2019, Group: sampling.GroupItem}},
		{"all_years_by_year", sampling.StatsFilter{Group: sampling.GroupYear}},
		{"all_by_lab", sampling.StatsFilter{Group: sampling.GroupLab}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				rows, total := c.Query(q.f)
				if len(rows) == 0 || total.Judged == 0 {
					b.Fatal("empty result")
				}
			}
		})
	}
}

// BenchmarkImportSQLite imports item rows into SQLite, parsing, validating and judging
// every item (target: at least 100,000 item rows per second).
func BenchmarkImportSQLite(b *testing.B) {
	const samples, perSample = 20000, 5
	f := newFixture(b, dbtest.SQLite(b))
	prod := producer(b)
	var rows []string
	items := []struct{ item, result, unit, limit string }{
		{"甲醇", "0.12", "g/L", "≤0.6"}, {"铅", "未检出", "mg/kg", "≤0.2"}, {"氰化物", "0.8", "mg/L", "≤8.0"},
		{"糖精钠", "<0.005", "g/kg", "不得检出(0.005)"}, {"酒精度", "52.1", "%vol", "50.0~54.0"},
	}
	for i := 0; i < samples; i++ {
		common := fmt.Sprintf("DC24%011d,food,city,2024,酒类/白酒,白酒,示例牌,500mL,2023-12-01,%s,雷州市示例酒厂,%s,%s,440803,流通,2024-01-05,%s",
			i, prod, f.seller.USCC, f.seller.Name, f.lab.Name)
		for _, it := range items[:perSample] {
			rows = append(rows, common+","+it.item+","+it.result+","+it.unit+","+it.limit+",,GB 2757-2012,合格")
		}
	}
	data := csvRows(rows)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, dbtest.SQLite(b))
		b.StartTimer()
		sum, err := f.svc.ImportSamples(f.official, bytes.NewReader(data), "bench.csv", sampling.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Items != samples*perSample {
			b.Fatalf("imported %d items", sum.Items)
		}
	}
	b.ReportMetric(float64(samples*perSample)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	_ = strings.Join
}
