package certification_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/db"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// benchCity registers n certificates (CCC and ISO 9001, half each) of a body in a
// fresh SQLite database and returns the service and the numbers.
func benchCity(b *testing.B, n int) (*certification.Service, []string) {
	b.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.System("bench"))
	d, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	clock := &qcity.FixedClock{T: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)}
	if _, err := d.Migrate(ctx, clock.T); err != nil {
		b.Fatal(err)
	}
	j, _ := region.Default().Jurisdiction("440800")
	reg := registry.NewService(d, clock, j)
	r := rand.New(rand.NewPCG(3, 3))
	body, err := reg.CreateOrganisation(ctx, registry.OrganisationInput{Kind: "certification_body", Name: "华南质量认证有限公司",
		USCC: uscc.Generate(r, '9', '1', "440106"), Region: "440106", Scope: "质量管理体系认证；强制性产品认证", AccreditationNo: "CNCA-R-2004-123"})
	if err != nil {
		b.Fatal(err)
	}
	s := certification.NewService(d, clock, reg)
	inputs := make([]certification.CertificateInput, n)
	dates := make([]qcity.Date, n)
	numbers := make([]string, n)
	for i := range inputs {
		holder := uscc.Generate(r, '9', '1', "440803")
		if i%2 == 0 {
			numbers[i] = fmt.Sprintf("2024%02d0718%06d", 1+i%40, i+1)
			inputs[i] = certification.CertificateInput{Number: numbers[i], Scheme: "ccc", HolderName: fmt.Sprintf("湛江市第%d电器有限公司", i),
				HolderUSCC: holder, Product: "电饭锅", Models: "CFXB40", Manufacturer: "x", Factory: "x", Standard: "GB 4706.19-2008",
				CertMode: "型式试验+初始工厂检查+获证后监督", IssuedOn: "2024-03-01", ExpiresOn: "2029-02-28"}
		} else {
			numbers[i] = fmt.Sprintf("03424Q%05dR0S", i+1)
			inputs[i] = certification.CertificateInput{Number: numbers[i], Scheme: "iso9001", HolderName: fmt.Sprintf("湛江市第%d制造有限公司", i),
				HolderUSCC: holder, HolderAddress: "湛江市霞山区", Scope: "电饭锅的生产", IssuedOn: "2024-03-01", ExpiresOn: "2027-02-28"}
		}
		inputs[i].Body = body.AccreditationNo
		dates[i] = qcity.NewDate(2024, 3, 1)
	}
	if _, err := s.BulkRegister(ctx, inputs, dates); err != nil {
		b.Fatal(err)
	}
	if err := s.Load(ctx); err != nil {
		b.Fatal(err)
	}
	return s, numbers
}

// BenchmarkVerify is a public verification by number of a registered certificate
// (status, issuer's approval and scope, format, warnings) over 20,000 certificates (the index is a map: the
// number of certificates hardly matters).
func BenchmarkVerify(b *testing.B) {
	s, numbers := benchCity(b, 20_000)
	ctx := qcity.WithActor(context.Background(), qcity.Anonymous)
	r := rand.New(rand.NewPCG(9, 9))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		v, err := s.Verify(ctx, numbers[r.IntN(len(numbers))], certification.VerifyOptions{})
		if err != nil || !v.Found {
			b.Fatal(v, err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "verifications/s")
}

// BenchmarkVerifyParallel is the same from every core, as a busy server sees it.
func BenchmarkVerifyParallel(b *testing.B) {
	s, numbers := benchCity(b, 20_000)
	ctx := qcity.WithActor(context.Background(), qcity.Anonymous)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		for pb.Next() {
			if v, err := s.Verify(ctx, numbers[r.IntN(len(numbers))], certification.VerifyOptions{}); err != nil || !v.Found {
				b.Fatal(v, err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "verifications/s")
}
