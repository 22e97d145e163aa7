package nqi_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/nqi"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/uscc"
)

// fixture is a database with a few entities and organisations, and the nqi service
// over it on a fixed clock.
type fixture struct {
	t        *testing.T
	db       *db.DB
	clock    *qcity.FixedClock
	svc      *nqi.Service
	reg      *registry.Service
	city     context.Context // a city official
	county   context.Context // a county official of 440803
	ent      context.Context // the enterprise account of maker
	maker    registry.Entity // a manufacturer in 440803
	other    registry.Entity // a company in 440802
	eatery   registry.Entity // a restaurant (GB/T 4754 6210) in 440803
	lab      registry.Organisation
	metro    registry.Organisation // a legal metrology institution
	countyMI registry.Organisation // another, in 440881
}

var fixtureNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	j, err := region.Default().Jurisdiction("440800")
	if err != nil {
		t.Fatal(err)
	}
	clock := &qcity.FixedClock{T: fixtureNow}
	reg := registry.NewService(d, clock, j)
	smp := sampling.NewService(d, clock, reg, j)
	if err := smp.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	cr := credit.NewService(d, clock, reg, nil, j)
	f := &fixture{t: t, db: d, clock: clock, reg: reg, svc: nqi.NewService(d, clock, reg, smp, cr, j)}
	sys := qcity.WithActor(context.Background(), qcity.System("test"))
	f.city = qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	f.county = qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 2, Name: "county", Role: qcity.RoleCountyOfficial, Region: "440803"})
	f.maker = f.entity(sys, "91440803MA4W0101", "湛江市霞山区海韵电器有限公司", "440803", "3854")
	f.other = f.entity(sys, "91440802MA4W0102", "湛江市赤坎区金帆饲料有限公司", "440802", "1329")
	f.eatery = f.entity(sys, "92440803MA4W0103", "霞山区海鲜酒家", "440803", "6210")
	f.ent = qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 3, Name: "ent", Role: qcity.RoleEnterprise, USCC: f.maker.USCC})
	f.lab = f.org(sys, "lab", "湛江市测试检测中心", "12440800MB2C0001", "440800")
	f.metro = f.org(sys, "metrology_institution", "湛江市计量检定测试所", "12440800MB2C0002", "440800")
	f.countyMI = f.org(sys, "metrology_institution", "廉江市计量检定测试所", "12440881MB2C0003", "440881")
	return f
}

func completeUSCC(t testing.TB, prefix16 string) string {
	t.Helper()
	oc, err := uscc.OrgCheckChar(prefix16[8:16])
	if err != nil {
		t.Fatal(err)
	}
	c, err := uscc.CheckChar(prefix16 + string(oc))
	if err != nil {
		t.Fatal(err)
	}
	return prefix16 + string(oc) + string(c)
}

func (f *fixture) entity(ctx context.Context, prefix, name, regionCode, industry string) registry.Entity {
	f.t.Helper()
	typ := "company"
	if prefix[1] == '2' {
		typ = "individual_business"
	}
	e, err := f.reg.CreateEntity(ctx, registry.EntityInput{USCC: completeUSCC(f.t, prefix), Name: name, Type: typ,
		LegalRepresentative: "张三", Region: regionCode, Industry: industry, EstablishedOn: "2012-05-06"})
	if err != nil {
		f.t.Fatalf("entity %s: %v", name, err)
	}
	return e
}

func (f *fixture) org(ctx context.Context, kind, name, prefix, regionCode string) registry.Organisation {
	f.t.Helper()
	o, err := f.reg.CreateOrganisation(ctx, registry.OrganisationInput{Kind: kind, Name: name, USCC: completeUSCC(f.t, prefix), Region: regionCode})
	if err != nil {
		f.t.Fatalf("org %s: %v", name, err)
	}
	return o
}

// create enters a record and fails the test on error.
func (f *fixture) create(ctx context.Context, k *nqi.Kind, in nqi.Input) *nqi.Record {
	f.t.Helper()
	r, err := f.svc.Create(ctx, k, in)
	if err != nil {
		f.t.Fatalf("create %s %v: %v", k.Name, in, err)
	}
	return r
}

// fieldErr returns the key of the first error beside field in err, or "".
func fieldErr(err error, field string) string {
	qe := qcity.AsError(err)
	if qe == nil {
		return ""
	}
	for _, fe := range qe.Fields {
		if fe.Field == field {
			return fe.Key
		}
	}
	return ""
}

func id(r *nqi.Record) string { return strconv.FormatInt(r.ID, 10) }
