package limits

import "testing"

// BenchmarkJudgeItem is the importer's hot path: parse and judge a typical row. The
// importer must handle 100,000 rows a second including judgement.
func BenchmarkJudgeItem(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		it, err := JudgeItem("0.012", "mg/kg", "≤0.05", "", "合格")
		if err != nil || it.Verdict != Pass {
			b.Fatal(it, err)
		}
	}
}

func BenchmarkJudgeItemConverted(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		it, err := JudgeItem("260", "μg/kg", "≤0.2mg/kg", "修约值比较法", "不合格")
		if err != nil || it.Verdict != Fail {
			b.Fatal(it, err)
		}
	}
}

func BenchmarkJudgeItemNotDetected(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		it, err := JudgeItem("未检出", "μg/kg", "不得检出", "", "合格")
		if err != nil || it.Verdict != Pass {
			b.Fatal(it, err)
		}
	}
}

func BenchmarkJudgeItemMicroPlan(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		it, err := JudgeItem("10,20,1.5×10^2,<10,50", "CFU/g", "n=5,c=2,m=100,M=1000", "", "合格")
		if err != nil || it.Verdict != Pass {
			b.Fatal(it, err)
		}
	}
}

// BenchmarkJudgeItemRows runs every row of the judge table, a mix of all forms.
func BenchmarkJudgeItemRows(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tc := judgeCases[i%len(judgeCases)]
		_, _ = JudgeItem(tc.result, tc.unit, tc.limit, tc.cmp, "")
		i++
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDecimal("0.012"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDecimalBig(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDecimal("123456789012345678901234567890.5"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundHalfEven(b *testing.B) {
	d := MustParseDecimal("0.250001")
	b.ReportAllocs()
	for b.Loop() {
		_ = d.RoundHalfEven(1)
	}
}
