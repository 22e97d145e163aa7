package screening_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/db"
	"qcity/internal/demo"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/screening"
	"qcity/internal/web"
)

var bench struct {
	once       sync.Once
	d          *db.DB
	svc        *screening.Service
	reg        *registry.Service
	j          *region.Jurisdiction
	clock      *qcity.FixedClock
	restricted []registry.Entity // every tenth entity
	clean      []registry.Entity
	err        error
}

func benchSize() int {
	n := 1_000_000
	fmt.Sscan(os.Getenv("QCITY_BENCH_ENTITIES"), &n)
	return n
}

// benchCity loads a city of 1,000,000 registered entities (QCITY_BENCH_ENTITIES) into
// SQLite, puts every tenth on the abnormal list (100,000 restricted) and loads the
// screening index.
func benchCity(b *testing.B) {
	if testing.Short() {
		b.Skip("large-city benchmark skipped in -short mode")
	}
	bench.once.Do(func() {
		ctx := qcity.WithActor(context.Background(), qcity.System("bench"))
		dir, err := os.MkdirTemp("", "qcity-screening-bench-")
		if err != nil {
			bench.err = err
			return
		}
		now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
		d, err := db.Open(ctx, filepath.Join(dir, "big.db"))
		if err == nil {
			_, err = d.Migrate(ctx, now)
		}
		if err != nil {
			bench.err = err
			return
		}
		j, _ := region.Default().Jurisdiction("440800")
		clock := &qcity.FixedClock{T: now}
		reg := registry.NewService(d, clock, j)
		city, err := demo.Generate(demo.Options{Seed: 3, Entities: benchSize(), Today: qcity.DateOf(now)}, j)
		if err == nil {
			err = demo.Load(ctx, reg, city, nil)
		}
		if err != nil {
			bench.err = err
			return
		}
		if _, err := d.Exec(ctx, `INSERT INTO abnormal_listings (entity_id, region_code, reason, report_year, individual, state,
			listed_on, decision_no, authority, created_at, updated_at)
			SELECT id, region_code, 'unreachable', 0, 0, 'listed', '2026-07-08', '湛市监异列〔2026〕' || id || '号', '湛江市市场监督管理局', ?, ?
			FROM entities WHERE id % 10 = 0`, now, now); err != nil {
			bench.err = err
			return
		}
		rows, err := d.Query(ctx, `SELECT id, uscc, name, legal_representative FROM entities WHERE id % 1000 IN (0, 7)`)
		if err != nil {
			bench.err = err
			return
		}
		for rows.Next() {
			var e registry.Entity
			rows.Scan(&e.ID, &e.USCC, &e.Name, &e.LegalRepresentative)
			if e.ID%10 == 0 {
				bench.restricted = append(bench.restricted, e)
			} else {
				bench.clean = append(bench.clean, e)
			}
		}
		rows.Close()
		svc := screening.NewService(d, clock)
		start := time.Now()
		if bench.err = svc.Load(ctx); bench.err != nil {
			return
		}
		b.Logf("screening index: %d restricted entities loaded in %v", svc.Index.Len(), time.Since(start))
		// The set-up's leftovers are not what is measured: the name index's background
		// merge after the bulk load, and the garbage of generating the city.
		reg.CompactIndex()
		runtime.GC()
		bench.d, bench.svc, bench.reg, bench.j, bench.clock = d, svc, reg, j, clock
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
}

// subjects makes n subjects: a quarter restricted, the rest clean, by code or by name.
func subjects(n int, byName bool, r *rand.Rand) []screening.Subject {
	out := make([]screening.Subject, n)
	for i := range out {
		var e registry.Entity
		if i%4 == 0 {
			e = bench.restricted[r.IntN(len(bench.restricted))]
		} else {
			e = bench.clean[r.IntN(len(bench.clean))]
		}
		s := screening.Subject{Ref: fmt.Sprint(i)}
		if byName {
			s.Name, s.LegalRepresentative = e.Name, e.LegalRepresentative
			if i%3 == 1 {
				s.Name = "广东省" + s.Name // a written variant
			}
		} else {
			s.USCC = e.USCC
		}
		out[i] = s
	}
	return out
}

// BenchmarkCheckByCode: checks per second by credit code, in process.
func BenchmarkCheckByCode(b *testing.B) { benchCheck(b, false) }

// BenchmarkCheckByName: checks per second by name (exact and written variants), in process.
func BenchmarkCheckByName(b *testing.B) { benchCheck(b, true) }

func benchCheck(b *testing.B, byName bool) {
	benchCity(b)
	subj := subjects(10000, byName, rand.New(rand.NewPCG(1, 2)))
	day := qcity.NewDate(2026, 11, 27)
	i, restricted := 0, 0
	for b.Loop() {
		if bench.svc.Index.Check(subj[i%len(subj)], screening.PurposeProcurement, day, nil).Status == screening.StatusRestricted {
			restricted++
		}
		i++
	}
	if restricted == 0 {
		b.Fatal("no restricted subject found")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

// BenchmarkScreenAPI1000 measures POST /api/v1/screening with 1,000 subjects (half by
// code, half by name) on loopback, through the whole server (authentication, JSON,
// matching, recording the screening and the audit entry), and reports p50 and p99.
func BenchmarkScreenAPI1000(b *testing.B) {
	benchCity(b)
	ctx := qcity.WithActor(context.Background(), qcity.System("bench"))
	a := &auth.Service{DB: bench.d, Clock: bench.clock, Config: auth.DefaultConfig, Jurisdiction: bench.j}
	key, _, err := a.CreateAPIKey(ctx, auth.APIKeyInput{Name: fmt.Sprintf("bench-%d", time.Now().UnixNano()), Role: qcity.RoleAPIClient})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{MaxBodyBytes: 4 << 20}, web.Server{DB: bench.d, Clock: bench.clock, Auth: a, Registry: bench.reg,
		Screening: bench.svc, Jurisdiction: bench.j}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	r := rand.New(rand.NewPCG(3, 3))
	var lat []time.Duration
	for b.Loop() {
		subj := append(subjects(500, false, r), subjects(500, true, r)...)
		for i := range subj {
			subj[i].Ref = fmt.Sprint(i)
		}
		body, _ := json.Marshal(screening.Request{Purpose: screening.PurposeBidding, Subjects: subj})
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/screening", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(start)) // the answer is in; decoding it is the client's work
		var out screening.Screening
		if err == nil {
			err = json.Unmarshal(raw, &out)
		}
		if err != nil || resp.StatusCode != 200 || len(out.Results) != 1000 || out.Restricted == 0 {
			b.Fatalf("status %d, %d results, %d restricted, %v", resp.StatusCode, len(out.Results), out.Restricted, err)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
