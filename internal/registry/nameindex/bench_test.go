package nameindex

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// The benchmarks run on 1,000,000 synthetic entities (see gen_test.go), built once per
// process. Run them with
//
//	go test -run='^$' -bench=. -benchtime=2000x ./internal/registry/nameindex/
//
// Each search benchmark reports the median and 99th-percentile latency of its
// queries (p50-µs, p99-µs) besides the mean (ns/op).

const benchDocs = 1_000_000

var bench struct {
	once sync.Once
	docs []Doc
	ix   *Index
}

func benchIndex(b *testing.B) *Index {
	if testing.Short() {
		b.Skip("1M-entity benchmarks are skipped in -short mode")
	}
	bench.once.Do(func() {
		bench.docs = genDocs(benchDocs, 42)
		bench.ix = New(sectionOf)
		bench.ix.Build(bench.docs)
	})
	return bench.ix
}

// fragments draws n fragments of length runes from random positions of random
// names, so that common fragments such as 有限公司 come at their natural frequency.
func fragments(n, length int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, uint64(length)))
	out := make([]string, 0, n)
	for len(out) < n {
		rs := []rune(bench.docs[r.IntN(len(bench.docs))].Name)
		if len(rs) < length {
			continue
		}
		i := r.IntN(len(rs) - length + 1)
		out = append(out, string(rs[i:i+length]))
	}
	return out
}

// runQueries times each query and reports the latency percentiles.
func runQueries(b *testing.B, ix *Index, qs []Query) {
	durs := make([]time.Duration, len(qs))
	b.ResetTimer()
	for i := range qs {
		t0 := time.Now()
		ix.Search(qs[i])
		durs[i] = time.Since(t0)
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[min(int(p*float64(len(durs))), len(durs)-1)]) / float64(time.Microsecond)
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(pct(1), "max-µs")
}

func benchSearch(b *testing.B, length int, filter func(*Query, *rand.Rand)) {
	ix := benchIndex(b)
	r := rand.New(rand.NewPCG(7, 7))
	var qs []Query
	for _, f := range fragments(b.N, length, 1) {
		q := Query{Text: f, Limit: 20}
		if filter != nil {
			filter(&q, r)
		}
		qs = append(qs, q)
	}
	runQueries(b, ix, qs)
}

func BenchmarkSearch1(b *testing.B) { benchSearch(b, 1, nil) }
func BenchmarkSearch2(b *testing.B) { benchSearch(b, 2, nil) }
func BenchmarkSearch3(b *testing.B) { benchSearch(b, 3, nil) }
func BenchmarkSearch4(b *testing.B) { benchSearch(b, 4, nil) }
func BenchmarkSearch6(b *testing.B) { benchSearch(b, 6, nil) }

// BenchmarkSearch2Filtered adds the filters of an official's list page: a district
// or township, a status, and sometimes an industry section.
func BenchmarkSearch2Filtered(b *testing.B) {
	benchSearch(b, 2, func(q *Query, r *rand.Rand) {
		d := genDistricts[r.IntN(len(genDistricts))]
		q.Region = d.code
		q.Status = "active"
		if r.IntN(2) == 0 {
			q.Industry = "C"
		}
	})
}

// BenchmarkSearchWorst searches only the fragments that match most names, deep pages
// included, with and without filters.
func BenchmarkSearchWorst(b *testing.B) {
	ix := benchIndex(b)
	r := rand.New(rand.NewPCG(8, 8))
	worst := []string{"有限公司", "公司", "湛江", "食品", "有限", "司", "公"}
	qs := make([]Query, b.N)
	for i := range qs {
		q := Query{Text: worst[r.IntN(len(worst))], Limit: 20, Offset: []int{0, 0, 0, 20, 10000}[r.IntN(5)]}
		if r.IntN(2) == 0 {
			q.Region = genDistricts[r.IntN(len(genDistricts))].code
			q.Status = "active"
		}
		qs[i] = q
	}
	runQueries(b, ix, qs)
}

// BenchmarkFilterOnly is the list page without a search text.
func BenchmarkFilterOnly(b *testing.B) {
	ix := benchIndex(b)
	r := rand.New(rand.NewPCG(9, 9))
	qs := make([]Query, b.N)
	for i := range qs {
		qs[i] = Query{Region: genDistricts[r.IntN(len(genDistricts))].code, Status: "active", Limit: 20}
	}
	runQueries(b, ix, qs)
}

// BenchmarkBuild1M builds the 1M index. A build takes seconds, so at most three run
// whatever b.N is, and ns/op is their mean. heap-MB is the live heap of one index;
// peak-heap-MB the largest heap seen during a build (sampled every 5 ms), less the
// heap before it (which holds the input documents).
func BenchmarkBuild1M(b *testing.B) {
	benchIndex(b)
	builds := min(b.N, 3)
	var total time.Duration
	var live, peak uint64
	for range builds {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		stop := make(chan struct{})
		var sampler sync.WaitGroup
		var high uint64
		sampler.Go(func() {
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			var s runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					runtime.ReadMemStats(&s)
					high = max(high, s.HeapAlloc)
				}
			}
		})
		ix := New(sectionOf)
		t0 := time.Now()
		ix.Build(bench.docs)
		total += time.Since(t0)
		close(stop)
		sampler.Wait()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc - before
		peak = max(peak, high-before)
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(builds), "ns/op")
	b.ReportMetric(float64(live)/(1<<20), "heap-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkUpsert measures a write into the delta, including, now and then, the
// start of a background merge.
func BenchmarkUpsert(b *testing.B) {
	ix := New(sectionOf)
	ix.Build(genDocs(100_000, 5))
	docs := genDocs(b.N, 6)
	b.ResetTimer()
	for i := range docs {
		docs[i].ID = int64(1 + i%200_000)
		ix.Upsert(docs[i])
	}
	b.StopTimer()
	ix.Compact()
}
