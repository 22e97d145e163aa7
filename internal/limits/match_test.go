package limits

import (
	"reflect"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/locale"
)

func TestFoodNames(t *testing.T) {
	cases := []struct {
		food            string
		names, excluded []string
	}{
		{"芹菜", []string{"芹菜"}, nil},
		{"叶菜类蔬菜", []string{"叶菜蔬菜"}, nil},
		{"蔬菜及其制品:新鲜蔬菜:叶菜蔬菜", []string{"叶菜蔬菜"}, nil},
		{"蔬菜及其制品:新鲜蔬菜:芸薹类蔬菜", []string{"芸薹蔬菜"}, nil},
		{"蔬菜及其制品:新鲜蔬菜(芸薹类蔬菜、叶菜蔬菜、豆类蔬菜、生姜、薯类除外)", []string{"新鲜蔬菜", "蔬菜"},
			[]string{"芸薹蔬菜", "叶菜蔬菜", "豆蔬菜", "生姜", "薯"}},
		{"谷物及其制品[麦片、面筋、粥类罐头、带馅(料)面米制品除外]", []string{"谷物及其制品"},
			[]string{"麦片", "面筋", "粥罐头", "带馅(料)面米制品"}},
		{"谷物及其制品：麦片", []string{"麦片"}, nil},
		{"鸡蛋（红壳）", []string{"鸡蛋(红壳)", "鸡蛋"}, nil},
		{"柑橘类水果(单列的除外)", []string{"柑橘水果"}, []string{"单列的"}},
		{"水果:浆果和其他小型水果:藤蔓和灌木类:蓝莓", []string{"蓝莓"}, nil},
	}
	for _, c := range cases {
		names, excl := foodNames(c.food)
		if !reflect.DeepEqual(names, c.names) || !reflect.DeepEqual(excl, c.excluded) {
			t.Errorf("foodNames(%q) = %q, %q; want %q, %q", c.food, names, excl, c.names, c.excluded)
		}
	}
}

func TestAnalyteKeys(t *testing.T) {
	cases := []struct{ in, key, base string }{
		{"铅", "铅", "铅"},
		{"铅（以Pb计）", "铅(以pb计)", "铅"},
		{" 铅 (以 Pb 计) ", "铅(以pb计)", "铅"},
		{"恩诺沙星(以恩诺沙星与环丙沙星之和计)", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", "恩诺沙星"},
		{"磺胺类(总量)", "磺胺类(总量)", "磺胺类"},
		{"(总量)", "(总量)", "(总量)"},
		{"苯并[a]芘", "苯并[a]芘", "苯并[a]芘"},
	}
	for _, c := range cases {
		if k := analyteKey(c.in); k != c.key || analyteBase(k) != c.base {
			t.Errorf("%q: key %q base %q, want %q %q", c.in, k, analyteBase(k), c.key, c.base)
		}
	}
	if got := categorySegments("食用农产品 / 蔬菜＞芸薹属类蔬菜/结球甘蓝"); !reflect.DeepEqual(got, []string{"食用农产品", "蔬菜", "芸薹蔬菜", "结球甘蓝"}) {
		t.Errorf("segments %q", got)
	}
}

// Whatever an export writes for a status, kind or comparison, in either language, an
// import reads back.
func TestLabelsReadBack(t *testing.T) {
	c := locale.Default()
	for _, l := range locale.Langs {
		for _, s := range Statuses {
			label := c.T(l, "limitscat.status."+string(s), nil)
			if got, ok := ParseStatus(label); !ok || got != s {
				t.Errorf("%s status label %q reads as %q %v", l, label, got, ok)
			}
		}
		for _, k := range LimitKinds {
			label := c.T(l, "limitscat.kind."+k, nil)
			if got, ok := parseKindName(label); !ok || got != k {
				t.Errorf("%s kind label %q reads as %q %v", l, label, got, ok)
			}
		}
		for _, cmp := range []Comparison{Full, Rounded} {
			label := c.T(l, "limitscat.comparison."+cmp.String(), nil)
			if got, err := ParseComparison(label); err != nil || got != cmp {
				t.Errorf("%s comparison label %q reads as %v %v", l, label, got, err)
			}
		}
	}
	for k := range kindNames {
		if strings.ToLower(k) != k {
			t.Errorf("kind label %q must be in lower case: lookups lower the input", k)
		}
	}
}

// Every validation error key exists in both languages.
func TestValidationKeys(t *testing.T) {
	bad := []EntryInput{
		{StandardCode: "GB 2762", StandardEdition: "22", Status: "draft", Analyte: "", Food: strings.Repeat("食", 201),
			CategoryCode: "x", Limit: "abc", Unit: "furlong", Comparison: "eyeball", ValidFrom: "2023-02-30",
			Note: "\x07", Source: "ok"},
		{Status: "current", Analyte: "铅", Food: "大米", Limit: "0.2", ValidFrom: "2023-01-01", ValidTo: "2022-01-01"},
	}
	c := locale.Default()
	for _, in := range bad {
		_, errs := validate(in, map[string]bool{})
		if len(errs) < 2 {
			t.Errorf("%+v: only %v", in, errs)
		}
		for _, fe := range errs {
			for _, l := range locale.Langs {
				if !c.Has(l, fe.Key) {
					t.Errorf("key %s missing in %s", fe.Key, l)
				}
			}
		}
	}
	e, errs := validate(EntryInput{StandardCode: "GB 2763.1—2022", Analyte: " 吡虫啉 ", Food: "香蕉", Limit: "≤0.05 ppm"}, nil)
	if len(errs) > 0 || e.StandardCode != "GB 2763.1" || e.StandardEdition != "2022" || e.Status != StatusCurrent ||
		e.Analyte != "吡虫啉" || e.Kind != "max" || e.Unit != "mg/kg" || e.Comparison != "full" {
		t.Errorf("validate: %+v %v", e, errs)
	}
	if !e.InForce(qcity.NewDate(2030, 1, 1)) {
		t.Error("an entry without dates is in force")
	}
}

// Food and analyte names come from imports: matching never panics on them, and gives
// no empty name.
func FuzzFoodNames(f *testing.F) {
	for _, s := range []string{"蔬菜及其制品:新鲜蔬菜(芸薹类蔬菜、叶菜蔬菜除外)", "谷物及其制品[麦片、带馅(料)面米制品除外]",
		"(除外)", "[除外]", "x除外)", "：：", "鸡蛋（红壳）", "((a)", "新鲜", "铅(以Pb计)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, excl := foodNames(s)
		for _, n := range append(names, excl...) {
			if n == "" {
				t.Errorf("%q: empty name in %q %q", s, names, excl)
			}
		}
		_ = analyteBase(analyteKey(s)) // must not panic
		_ = categorySegments(s)
	})
}
