package industry

import (
	"strings"
	"testing"
)

// The data README: 20 门类, 97 大类, 473 中类, 1,381 小类, every parent present.
func TestCounts(t *testing.T) {
	t.Parallel()
	c := Default()
	byLevel := map[int]int{}
	for code, cl := range c.byCode {
		byLevel[cl.Level]++
		if cl.Level == LevelSection {
			continue
		}
		p, ok := c.byCode[cl.ParentCode]
		if !ok || p.Level != cl.Level-1 || p.Section != cl.Section {
			t.Errorf("%s: bad parent %q", code, cl.ParentCode)
		}
	}
	want := map[int]int{LevelSection: 20, LevelDivision: 97, LevelGroup: 473, LevelClass: 1381}
	for l, n := range want {
		if byLevel[l] != n {
			t.Errorf("level %d: %d entries, want %d", l, byLevel[l], n)
		}
	}
	var letters string
	for _, s := range c.Sections() {
		letters += s.Code
	}
	if letters != "ABCDEFGHIJKLMNOPQRST" {
		t.Errorf("Sections = %s", letters)
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		code               string
		wantCode, wantName string
		level              int
	}{
		{"3741", "3741", "飞机制造", LevelClass}, // the source called it group 374
		{"374", "374", "航空、航天器及设备制造", LevelGroup},
		{"37", "37", "铁路、船舶、航空航天和其他运输设备制造业", LevelDivision},
		{"C", "C", "制造业", LevelSection},
		{"c", "C", "制造业", LevelSection},
		{"C3741", "3741", "飞机制造", LevelClass},
		{"c3741", "3741", "飞机制造", LevelClass},
		{" 3741 ", "3741", "飞机制造", LevelClass},
		{"022", "022", "造林和更新", LevelGroup}, // implied group of class 0220
		{"0220", "0220", "造林和更新", LevelClass},
		{"A0220", "0220", "造林和更新", LevelClass},
		{"B3741", "", "", 0}, // wrong section letter
		{"CC", "", "", 0},
		{"C", "C", "制造业", LevelSection},
		{"Z", "", "", 0},
		{"1", "", "", 0},
		{"37411", "", "", 0},
		{"", "", "", 0},
	}
	for _, tt := range tests {
		cl, ok := c.Get(tt.code)
		if ok != (tt.wantCode != "") || cl.Code != tt.wantCode || cl.Name != tt.wantName || cl.Level != tt.level {
			t.Errorf("Get(%q) = %+v, %v; want %s %s level %d", tt.code, cl, ok, tt.wantCode, tt.wantName, tt.level)
		}
	}
	cl, _ := c.Get("3741")
	if cl.ParentCode != "374" || cl.Section != "C" || !strings.HasPrefix(cl.Description, "指在大气同温层以内飞行") {
		t.Errorf("3741 = %+v", cl)
	}
}

func TestPath(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct{ code, want string }{
		{"1391", "C 13 139 1391"},
		{"C1391", "C 13 139 1391"},
		{"139", "C 13 139"},
		{"13", "C 13"},
		{"C", "C"},
		{"0111", "A 01 011 0111"},
		{"9700", "T 97 970 9700"},
		{"9999", ""},
		{"", ""},
	}
	for _, tt := range tests {
		var codes []string
		for _, cl := range c.Path(tt.code) {
			codes = append(codes, cl.Code)
		}
		if got := strings.Join(codes, " "); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestChildren(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		code string
		want string
	}{
		{"374", "3741 3742 3743 3744 3749"},
		{"022", "0220"},
		{"A", "01 02 03 04 05"},
		{"T", "97"},
		{"3741", ""},
		{"nope", ""},
	}
	for _, tt := range tests {
		var codes []string
		for _, cl := range c.Children(tt.code) {
			codes = append(codes, cl.Code)
		}
		if got := strings.Join(codes, " "); got != tt.want {
			t.Errorf("Children(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
	ch := c.Children("374")
	ch[0].Name = "changed"
	if c.Children("374")[0].Name == "changed" {
		t.Error("Children returns the catalogue's own slice")
	}
}

func TestCovers(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		filter, code string
		want         bool
	}{
		{"C", "1391", true},
		{"13", "1391", true},
		{"139", "1391", true},
		{"1391", "1391", true},
		{"C13", "1391", true},
		{"c13", "C1391", true},
		{"C", "C", true},
		{"C", "13", true},
		{"A", "1391", false},
		{"A13", "1391", false}, // 13 is in section C
		{"14", "1391", false},
		{"1391", "139", false}, // a class does not cover its group
		{"1", "1391", false},   // not an entry
		{"C1", "1391", false},
		{"", "1391", false},
		{"C", "", false},
		{"C", "9999", false},
		{"C", "Z", false},
	}
	for _, tt := range tests {
		if got := c.Covers(tt.filter, tt.code); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", tt.filter, tt.code, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const head = "code,name,level,level_name,parent_code,section,description,note\n"
	const sec = "C,制造业,1,门类,,C,,\n"
	tests := []struct{ name, csv, want string }{
		{"header", "code,name\n", "header"},
		{"fields", head + "C,制造业,1,门类,,C,\n", "wrong number of fields"},
		{"level", head + "C,制造业,x,门类,,C,,\n", "level"},
		{"level name", head + "C,制造业,1,大类,,C,,\n", "level 1"},
		{"no name", head + "C,,1,门类,,C,,\n", "no name"},
		{"section", head + "C,制造业,1,门类,,D,,\n", "its letter"},
		{"digits", head + sec + "1x,纺织业,2,大类,C,C,,\n", "not 2 digits"},
		{"division parent", head + sec + "13,纺织业,2,大类,D,C,,\n", "does not fit"},
		{"group parent", head + sec + "13,纺织业,2,大类,C,C,,\n139,x,3,中类,14,C,,\n", "does not fit"},
		{"missing parent", head + sec + "139,x,3,中类,13,C,,\n", "missing"},
		{"other section", head + sec + "D,电力,1,门类,,D,,\n13,纺织业,2,大类,C,C,,\n139,x,3,中类,13,D,,\n", "another section"},
		{"duplicate", head + sec + sec, "duplicate"},
	}
	for _, tt := range tests {
		_, err := parse(strings.NewReader(tt.csv))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// Codes come from registration records and request parameters: no input may panic,
// and every entry Get finds covers itself.
func FuzzCovers(f *testing.F) {
	for _, s := range []string{"C", "c13", "C1391", "1391", " 13 ", "", "\xff", "CC", "A0220"} {
		f.Add(s, "1391")
	}
	c := Default()
	f.Fuzz(func(t *testing.T, filter, code string) {
		c.Covers(filter, code)
		_, ok := c.Get(filter)
		if ok != c.Covers(filter, filter) {
			t.Errorf("Get(%q) ok = %v but Covers itself = %v", filter, ok, !ok)
		}
		if p := c.Path(filter); ok != (len(p) > 0) {
			t.Errorf("Path(%q) = %v", filter, p)
		}
	})
}

func BenchmarkGet(b *testing.B) {
	c := Default()
	codes := []string{"1391", "C1391", "13", "9999"}
	for i := 0; b.Loop(); i++ {
		c.Get(codes[i%len(codes)])
	}
}

func BenchmarkCovers(b *testing.B) {
	c := Default()
	for b.Loop() {
		c.Covers("C13", "1391")
	}
}
