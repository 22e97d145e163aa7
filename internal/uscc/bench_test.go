package uscc

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkValidate(b *testing.B) {
	codes := readVectors(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if Validate(codes[i%len(codes)]) != nil {
			b.Fatal("invalid")
		}
		i++
	}
}

func BenchmarkParse(b *testing.B) {
	codes := readVectors(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Parse(codes[i%len(codes)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseInvalid measures the error path, which allocates the *qcity.Error.
func BenchmarkParseInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("91350100M000100Y44"); err == nil {
			b.Fatal("accepted")
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.Run("clean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Normalize("91350100M000100Y43")
		}
	})
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Normalize(" ９１３５０１００ｍ０００ 100y43 ")
		}
	})
}

func BenchmarkGenerate(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		_ = Generate(r, '9', '1', "440800")
	}
}
