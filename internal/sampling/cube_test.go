package sampling

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// Every query, whatever projection it reads, agrees with counting the samples one by
// one; and county rows add up to the city total.
func TestCubeAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	c := NewCube()
	type rec struct {
		k       cubeKey
		verdict string
	}
	var recs []rec
	kinds := []Kind{KindFood, KindProduct, KindAgri}
	regions := []string{"440802", "440803", "440881"}
	for i := 0; i < 20000; i++ {
		s := Sample{Kind: kinds[r.IntN(3)], Level: Levels[r.IntN(4)], Year: 2018 + r.IntN(3), Region: regions[r.IntN(3)],
			Category1: strconv.Itoa(1 + r.IntN(5)), Stage: Stages[r.IntN(5)], LabID: int64(1 + r.IntN(7))}
		s.SampledOn.Month = time.Month(1 + r.IntN(12))
		v := VerdictPass
		if r.IntN(10) == 0 {
			v = VerdictFail
		}
		c.Add(keyOf(&s), v, nil)
		recs = append(recs, rec{keyOf(&s), v})
	}
	// Move some verdicts, as overturned re-tests do.
	for i := 0; i < 500; i++ {
		j := r.IntN(len(recs))
		if recs[j].verdict == VerdictFail {
			c.Replace(recs[j].k, VerdictFail, VerdictPass, nil)
			recs[j].verdict = VerdictPass
		}
	}
	filters := []StatsFilter{{}, {Kind: KindFood}, {Kind: KindFood, Year: 2019}, {Year: 2020, Level: LevelCounty},
		{Region: "440803"}, {Category1: "3", Stage: StageCatering}, {Lab: 4, Month: 6}, {Kind: KindAgri, Quarter: 2}}
	for _, f := range filters {
		for _, g := range append([]string{GroupNone}, Groups[:len(Groups)-1]...) {
			f.Group = g
			rows, total := c.Query(f)
			want := map[string]Count{}
			var wantTotal Count
			for _, x := range recs {
				if !c.matches(x.k, f) {
					continue
				}
				key := groupKey(x.k, g)
				w := want[key]
				w.Judged++
				wantTotal.Judged++
				if x.verdict == VerdictPass {
					w.Passed++
					wantTotal.Passed++
				}
				want[key] = w
			}
			wantTotal.Failed = wantTotal.Judged - wantTotal.Passed
			if total != wantTotal {
				t.Errorf("%+v: total %+v, want %+v", f, total, wantTotal)
			}
			var sum Count
			for _, row := range rows {
				w := want[row.Key]
				w.Failed = w.Judged - w.Passed
				if row.Count != w {
					t.Errorf("%+v row %s: %+v, want %+v", f, row.Key, row.Count, w)
				}
				sum.Judged += row.Judged
				sum.Passed += row.Passed
			}
			if len(rows) != len(want) || sum.Judged != total.Judged || sum.Passed != total.Passed {
				t.Errorf("%+v: rows do not add up to the total (%d rows, want %d)", f, len(rows), len(want))
			}
		}
	}
}

func TestPassRate(t *testing.T) {
	for _, c := range []struct {
		passed, judged int64
		want           float64
	}{{31008, 31451, 98.59}, {1165, 1250, 93.2}, {0, 0, 0}, {1, 3, 33.33}, {2, 3, 66.67}, {1, 8, 12.5},
		{1, 80000, 0}, {5, 80000, 0.01}, {3, 80000, 0}, {7, 16, 43.75}} {
		if got := (Count{Passed: c.passed, Judged: c.judged}).PassRate(); got != c.want {
			t.Errorf("%d/%d = %v, want %v", c.passed, c.judged, got, c.want)
		}
	}
}
