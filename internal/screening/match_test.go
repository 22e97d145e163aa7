package screening

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	for _, c := range []struct {
		in                       string
		pref, county, core, form string
	}{
		{"湛江市霞山区海滨水产有限公司", "湛江市", "霞山区", "海滨水产", "公司"},
		{"广东省湛江市霞山区海滨水产有限责任公司", "湛江市", "霞山区", "海滨水产", "公司"},
		{"广东 湛江 海滨水产（湛江）股份有限公司", "湛江市", "", "海滨水产", "公司"},
		{"霞山区 海滨·水产 有限公司", "湛江市", "霞山区", "海滨水产", "公司"},
		{"廉江市瑞丰果蔬农民专业合作社", "湛江市", "廉江市", "瑞丰果蔬", "合作社"},
		{"湛江市海滨水产有限公司霞山分公司", "湛江市", "", "海滨水产公司霞山", "分公司"},
		{"湛江市ＡＢＣ科技有限公司", "湛江市", "", "abc科技", "公司"},
		{"湛江市海滨投资合伙企业（普通合伙）", "湛江市", "", "海滨投资合伙企业", "合伙企业"},
		{"湛江市霞山區海濱水產有限公司", "湛江市", "霞山区", "海滨水产", "公司"},
		{"湛江遠達海產品有限公司", "湛江市", "", "远达海产品", "公司"},
		{"湛江市開發區雙勝五金經營部", "湛江市", "", "开发区双胜五金", "经营部"},
		{"北海市海滨水产有限公司", "北海市", "", "海滨水产", "公司"},
		{"海滨水产有限公司", "", "", "海滨水产", "公司"},
		{"公司", "", "", "公司", ""},
		{"（）", "", "", "", ""},
		{"湛江", "", "", "湛江", ""},
	} {
		n := ParseName(c.in)
		if n.Prefecture != c.pref || n.County != c.county || n.Core != c.core || n.Form != c.form {
			t.Errorf("ParseName(%q) = %+v, want %s|%s|%s|%s", c.in, n, c.pref, c.county, c.core, c.form)
		}
	}
}

// TestLabelledPairs measures the name matcher on the labelled pairs: a pair is
// predicted the same entity when its score reaches Review (the subject is then at least
// sent for review). The bars: precision ≥ 0.98, recall ≥ 0.95.
func TestLabelledPairs(t *testing.T) {
	f, err := os.Open("testdata/pairs.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var tp, fp, fn, tn int
	for _, row := range rows[1:] {
		got, _ := scoreNames(ParseName(row[0]), ParseName(row[1]), false)
		same := row[2] == "1"
		switch {
		case got >= Review && same:
			tp++
		case got >= Review && !same:
			fp++
			t.Logf("false match %.2f (%s): %s ≈ %s", got, row[3], row[0], row[1])
		case same:
			fn++
			t.Logf("missed %.2f (%s): %s ≈ %s", got, row[3], row[0], row[1])
		default:
			tn++
		}
	}
	n := tp + fp + fn + tn
	if n < 500 {
		t.Fatalf("only %d labelled pairs", n)
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("%d pairs: precision %.3f, recall %.3f (tp %d, fp %d, fn %d, tn %d)", n, precision, recall, tp, fp, fn, tn)
	if precision < 0.98 || recall < 0.95 {
		t.Errorf("precision %.3f, recall %.3f: below the bars 0.98 / 0.95", precision, recall)
	}
	_ = strings.TrimSpace
}

// The index finds a similar name through the rarest bigrams, and sends it to review.
func TestIndexSimilar(t *testing.T) {
	ix := NewIndex()
	r := &Restriction{List: "abnormal", Purposes: map[string]Basis{PurposeProcurement: abnormalBasis}}
	var entries []*Entry
	for i, name := range []string{"湛江市霞山区海滨水产品冷冻加工贸易有限公司", "湛江市霞山区海滨水产有限公司", "湛江市金帆电器有限公司"} {
		entries = append(entries, &Entry{EntityID: int64(i + 1), USCC: "X" + string(rune('A'+i)), Name: name, Restrictions: []*Restriction{r}})
	}
	ix.Replace(nil, entries)
	day := entries[0].Restrictions[0].ListedOn
	res := ix.Check(Subject{Ref: "1", Name: "湛江市霞山区海滨水产品冷冻加工贸义有限公司"}, PurposeProcurement, day, nil)
	if res.Status != StatusReview || res.Match == nil || res.Match.EntityID != 1 || res.Match.Features[0].Feature != "name_similarity" {
		t.Errorf("similar name: %+v %+v", res, res.Match)
	}
	res = ix.Check(Subject{Ref: "2", Name: "湛江市霞山区海滨水泥有限公司"}, PurposeProcurement, day, nil)
	if res.Status != StatusClear || res.Match != nil {
		t.Errorf("near miss: %+v", res)
	}
	// Replacing an entity with no restrictions removes it.
	ix.Replace([]int64{2}, nil)
	if res := ix.Check(Subject{Ref: "3", Name: "湛江市霞山区海滨水产有限公司"}, PurposeProcurement, day, nil); res.Status != StatusClear {
		t.Errorf("after removal: %+v", res)
	}
	if ix.Len() != 2 {
		t.Errorf("len %d", ix.Len())
	}
}
