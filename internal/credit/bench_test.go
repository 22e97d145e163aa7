package credit_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/demo"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/translog"
	"qcity/internal/web"
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
		// Some history to show on profiles: listings and published penalties.
		for _, q := range []string{
			`INSERT INTO abnormal_listings (entity_id, region_code, reason, report_year, individual, state, listed_on, decision_no,
				authority, created_at, updated_at) SELECT id, region_code, 'unreachable', 0, 0, 'listed', '2025-07-08',
				'湛市监异列〔2025〕' || id || '号', '湛江市市场监督管理局', ?, ? FROM entities WHERE id % 50 = 0`,
			`INSERT INTO penalties (entity_id, region_code, decision_no, authority, decided_on, kinds, fine_fen, confiscated_fen, domain,
				violation, basis, heavier, state, published_on, publicity_term, publicity_ends_on, created_at, updated_at)
				SELECT id, region_code, '湛市监罚〔2025〕' || id || '号', '湛江市市场监督管理局', '2025-05-06', 'fine', 20000000, 0, 'food',
				'销售不合格食品', '《食品安全法》第一百二十四条', 1, 'published', '2025-05-08', '3y', '2028-05-08', ? , ? FROM entities WHERE id % 97 = 0`,
		} {
			if _, err := d.Exec(ctx, q, now, now); err != nil {
				bigCity.err = err
				return
			}
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
		for _, q := range []string{`DELETE FROM abnormal_listings WHERE reason = 'annual_report'`, `DELETE FROM risk_classes`, `DELETE FROM rules_runs`,
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

// BenchmarkProfilePage measures the public profile page GET /credit/{uscc} on loopback
// through the whole server (routing, the credit query's audit entry, rendering) for
// random entities of the big city, and reports p50 and p99.
func BenchmarkProfilePage(b *testing.B) {
	svc, clock, codes := big(b)
	a := &auth.Service{DB: svc.DB, Clock: clock, Config: auth.DefaultConfig, Jurisdiction: svc.Jurisdiction}
	smp := sampling.NewService(svc.DB, clock, svc.Registry, svc.Jurisdiction)
	if err := smp.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := svc.Registry.LoadIndex(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{}, web.Server{DB: svc.DB, Clock: clock, Auth: a, Registry: svc.Registry, Sampling: smp,
		Credit: svc, TransLog: svc.Log, Jurisdiction: svc.Jurisdiction}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	r := rand.New(rand.NewPCG(4, 4))
	var lat []time.Duration
	for b.Loop() {
		code := codes[r.IntN(len(codes))]
		start := time.Now()
		resp, err := http.Get(ts.URL + "/credit/" + code)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(start))
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s: %d %v", code, resp.StatusCode, err)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
