package credit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/demo"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/translog"
)

var bigCity struct {
	once  sync.Once
	d     *db.DB
	svc   *credit.Service
	clock *qcity.FixedClock
	codes []string
	err   error
}

// benchEntities is the size of the benchmark city (QCITY_BENCH_ENTITIES, default 1,000,000).
func benchEntities() int {
	n := 1_000_000
	fmt.Sscan(os.Getenv("QCITY_BENCH_ENTITIES"), &n)
	return n
}

// big loads a demo city into a SQLite file once per process, with the 2025 annual
// reports of 90% of the entities that owe one (filed in April 2026), as the state the
// rules engine meets on 1 July 2026.
func big(b *testing.B) (*credit.Service, *qcity.FixedClock, []string) {
	if testing.Short() {
		b.Skip("large-city benchmark skipped in -short mode")
	}
	bigCity.once.Do(func() {
		dir, err := os.MkdirTemp("", "qcity-credit-bench-")
		if err != nil {
			bigCity.err = err
			return
		}
		ctx := qcity.WithActor(context.Background(), qcity.System("bench"))
		now := time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC)
		d, err := db.Open(ctx, filepath.Join(dir, "big.db"))
		if err == nil {
			_, err = d.Migrate(ctx, now)
		}
		if err != nil {
			bigCity.err = err
			return
		}
		j, _ := region.Default().Jurisdiction("440800")
		clock := &qcity.FixedClock{T: now}
		reg := registry.NewService(d, clock, j)
		city, err := demo.Generate(demo.Options{Seed: 11, Entities: benchEntities(), Today: qcity.DateOf(now)}, j)
		if err == nil {
			err = demo.Load(ctx, reg, city, nil)
		}
		if err != nil {
			bigCity.err = err
			return
		}
		_, err = d.Exec(ctx, `INSERT INTO annual_reports (entity_id, year, filed_on, channel, publish, contents, optional,
			published_optional, filed_by, created_at, updated_at)
			SELECT id, 2025, '2026-04-15', 'online', 1, '{"address":"x","postcode":"524000","phone":"0759-2288001","operating_status":"operating"}',
				'{}', '[]', 'bench', ?, ? FROM entities WHERE id % 10 <> 0 AND entity_type <> 'branch'`, now, now)
		if err != nil {
			bigCity.err = err
			return
		}
		skey, _ := translog.GenerateKey("qcity.bench/credit")
		log, err := translog.New(d, clock, skey)
		if err == nil {
			err = log.Init(ctx)
		}
		if err != nil {
			bigCity.err = err
			return
		}
		bigCity.d, bigCity.clock = d, clock
		bigCity.svc = credit.NewService(d, clock, reg, log, j)
		bigCity.err = bigCity.svc.Load(ctx)
		for i, e := range city.Entities {
			if i%97 == 0 {
				bigCity.codes = append(bigCity.codes, e.USCC)
			}
		}
	})
	if bigCity.err != nil {
		b.Fatal(bigCity.err)
	}
	return bigCity.svc, bigCity.clock, bigCity.codes
}

// BenchmarkRulesRun measures the rules engine's heaviest day on SQLite: 1 July, when
// it proposes a listing for every entity without last year's report, and the first run
// of a month, when it recomputes every entity's risk class. Each iteration starts from
// the same state.
func BenchmarkRulesRun(b *testing.B) {
	svc, clock, _ := big(b)
	ctx := context.Background()
	day := qcity.NewDate(2026, 7, 1)
	clock.T = day.Time().Add(2 * time.Hour)
	for b.Loop() {
		b.StopTimer()
		for _, q := range []string{`DELETE FROM abnormal_listings`, `DELETE FROM risk_classes`, `DELETE FROM rules_runs`,
			`DELETE FROM reminders`, `DELETE FROM settings WHERE key = 'credit/risk_month'`} {
			if _, err := svc.DB.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		sum, err := svc.RunRules(ctx, day, false)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Proposed), "proposals")
		b.ReportMetric(float64(sum.RiskWritten), "risk_rows")
	}
}

// BenchmarkRulesRunIdle is an ordinary day: nothing due, classes already computed.
func BenchmarkRulesRunIdle(b *testing.B) {
	svc, clock, _ := big(b)
	ctx := context.Background()
	day := qcity.NewDate(2026, 7, 2)
	clock.T = day.Time().Add(2 * time.Hour)
	if _, err := svc.RunRules(ctx, day, true); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.RunRules(ctx, day, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProfile measures the public credit profile of random entities of the big
// city (registration data, reports, lists, penalties, announcements, log records) and
// reports p50 and p99.
func BenchmarkProfile(b *testing.B) {
	svc, _, codes := big(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	for b.Loop() {
		code := codes[r.IntN(len(codes))]
		start := time.Now()
		if _, err := svc.Profile(ctx, code, nil); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
