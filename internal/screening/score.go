package screening

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// Thresholds of a name match's score: at or above Match the subject is taken to be
// the entity; from Review up to Match a person should look (status review); below
// Review it is not the entity. Chosen on the labelled set in testdata/pairs.csv (see
// TestLabelledPairs), where they give precision ≥ 0.98 and recall ≥ 0.95.
const (
	Match  = 0.95
	Review = 0.88
)

// Feature is one piece of evidence behind a match, with the score it gives.
type Feature struct {
	Feature string  `json:"feature"` // code_exact | name_exact | name_exact_no_region | former_name | name_similarity | legal_representative
	Score   float64 `json:"score"`
	Detail  string  `json:"detail"`
}

// bigrams returns the character bigrams of s (its single character for a one-character s).
func bigrams(s string) []string {
	var rs []int
	for i := range s {
		rs = append(rs, i)
	}
	if len(rs) < 2 {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	out := make([]string, 0, len(rs)-1)
	for k := 0; k+1 < len(rs); k++ {
		end := len(s)
		if k+2 < len(rs) {
			end = rs[k+2]
		}
		out = append(out, s[rs[k]:end])
	}
	return out
}

// dice is the Sørensen–Dice coefficient of two bigram multisets.
func dice(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	count := make(map[string]int, len(a))
	for _, x := range a {
		count[x]++
	}
	common := 0
	for _, x := range b {
		if count[x] > 0 {
			count[x]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// Similarity scores how alike two names are, from 0 to 1: the Dice coefficient of the
// cores' character bigrams, scaled by the square root of the shorter core's share of
// the longer one (an added word is a different business far more often than a typo),
// and lowered when the organisation forms differ and when both names carry different
// county-level regions.
func Similarity(a, b Name) float64 {
	s := dice(bigrams(a.Core), bigrams(b.Core))
	la, lb := utf8.RuneCountInString(a.Core), utf8.RuneCountInString(b.Core)
	if la > 0 && lb > 0 {
		s *= math.Sqrt(float64(min(la, lb)) / float64(max(la, lb)))
	}
	if a.Form != b.Form && a.Form != "" && b.Form != "" {
		s *= 0.75
	}
	if !regionsCompatible(a, b) {
		s *= 0.6
	}
	return s
}

// scoreNames scores a subject's name against one of a candidate's names.
func scoreNames(subject, cand Name, former bool) (float64, Feature) {
	switch {
	case subject.Key() == cand.Key():
		f := Feature{Feature: "name_exact", Score: 0.98, Detail: "名称规范化后完全相同 / same name after normalisation"}
		if former {
			f = Feature{Feature: "former_name", Score: 0.96, Detail: "与曾用名规范化后相同 / same as a former name after normalisation"}
		}
		return f.Score, f
	case subject.LooseKey() == cand.LooseKey() && regionsCompatible(subject, cand):
		f := Feature{Feature: "name_exact_no_region", Score: 0.9,
			Detail: "除未写明的行政区划外相同 / same but for a region written on one side only"}
		if former {
			f.Score = 0.88
		}
		return f.Score, f
	}
	s := Similarity(subject, cand)
	if former {
		s *= 0.97
	}
	return s, Feature{Feature: "name_similarity", Score: round3(s),
		Detail: fmt.Sprintf("名称相似度 %.2f（字符二元组 Dice 系数）/ name similarity %.2f (Dice on character bigrams)", s, s)}
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// personScore compares the legal representative a client gave with the entity's.
func personScore(given, known string) (float64, Feature, bool) {
	g, k := NormalizePerson(given), NormalizePerson(known)
	if g == "" || k == "" || utf8.RuneCountInString(g) < 2 {
		return 0, Feature{}, false
	}
	if g == k {
		return 0.05, Feature{Feature: "legal_representative", Score: 0.05, Detail: "法定代表人一致 / same legal representative"}, true
	}
	return -0.1, Feature{Feature: "legal_representative", Score: -0.1, Detail: "法定代表人不一致 / a different legal representative"}, true
}
