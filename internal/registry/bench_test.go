package registry_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/demo"
	"qcity/internal/registry"
)

var big struct {
	once  sync.Once
	svc   *registry.Service
	names []string
	err   error
}

// bigCity loads a 1,000,000-entity demo city into a SQLite file once per process.
func bigCity(b *testing.B) (*registry.Service, []string) {
	if testing.Short() {
		b.Skip("1M-entity benchmark skipped in -short mode")
	}
	big.once.Do(func() {
		dir, err := os.MkdirTemp("", "qcity-bench-")
		if err != nil {
			big.err = err
			return
		}
		d, err := db.Open(context.Background(), filepath.Join(dir, "big.db"))
		if err != nil {
			big.err = err
			return
		}
		if _, err := d.Migrate(context.Background(), now); err != nil {
			big.err = err
			return
		}
		svc, _ := newService(b, d)
		city, err := demo.Generate(demo.Options{Seed: 7, Entities: 1_000_000, Today: qcity.DateOf(now)}, svc.Jurisdiction)
		if err != nil {
			big.err = err
			return
		}
		for _, e := range city.Entities {
			big.names = append(big.names, e.Name)
		}
		ctx := qcity.WithActor(context.Background(), qcity.System("bench"))
		if big.err = demo.Load(ctx, svc, city, nil); big.err != nil {
			return
		}
		// Start from a cold index as a restarted server would.
		big.svc = registry.NewService(d, &qcity.FixedClock{T: now}, svc.Jurisdiction)
		start := time.Now()
		big.err = big.svc.LoadIndex(context.Background())
		b.Logf("loaded 1,000,000 entities; LoadIndex took %v", time.Since(start))
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.svc, big.names
}

// benchmarkFind measures FindEntities end to end (index search plus fetching the page
// of 20 rows from SQLite) over 1,000,000 entities, for fragments of n characters drawn
// from random positions of random names, and reports p50 and p99.
func benchmarkFind(b *testing.B, n int) {
	svc, names := bigCity(b)
	r := rand.New(rand.NewPCG(uint64(n), 42))
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		name := []rune(names[r.IntN(len(names))])
		i := r.IntN(len(name) - n + 1)
		q := string(name[i : i+n])
		t0 := time.Now()
		if _, _, err := svc.FindEntities(ctx, registry.EntityFilter{Q: q, Limit: 20}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkFindEntities1M_2(b *testing.B) { benchmarkFind(b, 2) }
func BenchmarkFindEntities1M_3(b *testing.B) { benchmarkFind(b, 3) }
func BenchmarkFindEntities1M_4(b *testing.B) { benchmarkFind(b, 4) }
