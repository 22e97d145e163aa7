package demo

import (
	"context"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
)

// Load puts a generated city into a real database through the registry service.
func TestLoad(t *testing.T) {
	d := dbtest.SQLite(t)
	j := zhanjiang(t)
	clock := &qcity.FixedClock{T: time.Date(2026, 5, 15, 9, 0, 0, 0, qcity.China)}
	svc := registry.NewService(d, clock, j)
	city, err := Generate(Options{Seed: 5, Entities: 2000, Today: qcity.DateOf(clock.Now())}, j)
	if err != nil {
		t.Fatal(err)
	}
	ctx := qcity.WithActor(context.Background(), qcity.System("demo test"))
	var calls, last int
	if err := Load(ctx, svc, city, func(done, total int) {
		calls++
		if total != 2000 || done < last || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	}); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != 2000 {
		t.Errorf("progress called %d times, last done %d", calls, last)
	}

	_, total, err := svc.FindEntities(ctx, registry.EntityFilter{Limit: 1})
	if err != nil || total != 2000 {
		t.Fatalf("FindEntities: total %d, %v; want 2000", total, err)
	}
	sum := 0
	for _, typ := range registry.EntityTypes {
		_, n, err := svc.FindEntities(ctx, registry.EntityFilter{Type: string(typ), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, e := range city.Entities {
			if e.Type == typ {
				want++
			}
		}
		if n != want {
			t.Errorf("%s: %d in the registry, %d generated", typ, n, want)
		}
		sum += n
	}
	if sum != 2000 {
		t.Errorf("types sum to %d", sum)
	}
	e := city.Entities[len(city.Entities)/2]
	got, err := svc.FindEntityByUSCC(ctx, e.USCC)
	if err != nil || got.Name != e.Name || got.Source != "demo" {
		t.Errorf("FindEntityByUSCC(%s) = %+v, %v", e.USCC, got, err)
	}
	items, n, err := svc.FindEntities(ctx, registry.EntityFilter{Q: e.Name, Limit: 5})
	if err != nil || n < 1 || len(items) < 1 {
		t.Errorf("search for %s: %d found, %v", e.Name, n, err)
	}

	_, total, err = svc.FindOrganisations(ctx, registry.OrganisationFilter{Limit: 1})
	if err != nil || total != len(city.Organisations) {
		t.Fatalf("FindOrganisations: total %d, %v; want %d", total, err, len(city.Organisations))
	}
	for kind, want := range map[registry.OrgKind]int{registry.OrgLab: 109, registry.OrgCertificationBody: 12,
		registry.OrgMetrologyInstitution: 7} {
		if _, n, err := svc.FindOrganisations(ctx, registry.OrganisationFilter{Kind: string(kind), Limit: 1}); err != nil || n != want {
			t.Errorf("%s: %d, %v; want %d", kind, n, err, want)
		}
	}

	// Loading the same city again conflicts on the USCCs instead of duplicating.
	again, _ := Generate(Options{Seed: 5, Entities: 2000, Today: qcity.DateOf(clock.Now())}, j)
	if err := Load(ctx, svc, again, nil); qcity.ErrorCode(err) != qcity.ECONFLICT {
		t.Errorf("second load: err = %v, want ECONFLICT", err)
	}
}
