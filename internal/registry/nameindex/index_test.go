package nameindex

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// reference is the brute-force model of an Index: a map of documents and a scan.
type reference struct {
	docs      map[int64]Doc
	names     map[int64][]string // normalised current and former names
	sectionOf func(string) string
}

func (r *reference) put(d Doc) {
	r.docs[d.ID] = d
	names := []string{Normalize(d.Name)}
	for _, a := range d.Alt {
		names = append(names, Normalize(a))
	}
	r.names[d.ID] = names
}

func (r *reference) del(id int64) {
	delete(r.docs, id)
	delete(r.names, id)
}

func newReference(sectionOf func(string) string) *reference {
	return &reference{docs: map[int64]Doc{}, names: map[int64][]string{}, sectionOf: sectionOf}
}

func (r *reference) build(docs []Doc) {
	clear(r.docs)
	clear(r.names)
	for _, d := range docs {
		if d.ID > 0 {
			r.put(d)
		}
	}
}

func (r *reference) matches(d Doc, q Query, needle string) bool {
	if needle != "" {
		found := false
		for _, name := range r.names[d.ID] {
			found = found || strings.Contains(name, needle)
		}
		if !found {
			return false
		}
	}
	if !strings.HasPrefix(d.Region, q.Region) {
		return false
	}
	if q.Industry != "" {
		if d.Industry == "" {
			return false
		}
		c := q.Industry[0]
		if r.sectionOf != nil && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			if !strings.EqualFold(r.sectionOf(d.Industry), q.Industry[:1]) || !strings.HasPrefix(d.Industry, q.Industry[1:]) {
				return false
			}
		} else if !strings.HasPrefix(d.Industry, q.Industry) {
			return false
		}
	}
	return (q.Status == "" || d.Status == q.Status) && (q.Type == "" || d.Type == q.Type)
}

func (r *reference) search(q Query) ([]int64, int) {
	var all []int64
	needle := Normalize(q.Text)
	for id, d := range r.docs {
		if r.matches(d, q, needle) {
			all = append(all, id)
		}
	}
	slices.SortFunc(all, func(a, b int64) int { return cmp.Compare(b, a) })
	lo := max(q.Offset, 0)
	if q.Limit <= 0 || lo >= len(all) {
		return nil, len(all)
	}
	return all[lo : lo+min(q.Limit, len(all)-lo)], len(all)
}

// checkSearch compares ix with ref on q.
func checkSearch(t *testing.T, ix *Index, ref *reference, q Query) {
	t.Helper()
	gotIDs, gotTotal := ix.Search(q)
	wantIDs, wantTotal := ref.search(q)
	if gotTotal != wantTotal || !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("Search(%+v) = %v, %d; want %v, %d", q, gotIDs, gotTotal, wantIDs, wantTotal)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"湛江霞山食品有限公司", "湛江霞山食品有限公司"},
		{"湛江（霞山）食品有限公司", "湛江(霞山)食品有限公司"},
		{"湛江(霞山)食品", "湛江(霞山)食品"},
		{"ＡＢＣ科技", "abc科技"},
		{"ABC 科技", "abc科技"},
		{"湛江\u3000霞山", "湛江霞山"},
		{" 湛江\t霞山\n", "湛江霞山"},
		{"１２３，４５６", "123,456"},
		{"甲、乙。丙", "甲,乙.丙"},
		{"【华达】〔霞山〕", "[华达][霞山]"},
		{"《食品》", "<食品>"},
		{"“华达”‘乙’", `"华达"'乙'`},
		{"阿卜杜・艾尼", "阿卜杜·艾尼"},
		{"a—b–c", "a-b-c"},
		{"￥100", "¥100"},
		{"华\u200b达\ufeff", "华达"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"湛江…", "湛江..."},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(tt.want); got != tt.want {
			t.Errorf("Normalize(%q) = %q, not idempotent", tt.want, got)
		}
	}
	// Every full-width ASCII form folds to its half-width form, lower-cased.
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		want := strings.ToLower(string(r - 0xFF01 + 0x21))
		if got := Normalize(string(r)); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", string(r), got, want)
		}
	}
}

func TestSearchCases(t *testing.T) {
	docs := []Doc{
		{ID: 1, Name: "湛江（霞山）食品有限公司", Region: "440803", Industry: "1499", Status: "active", Type: "company"},
		{ID: 2, Name: "湛江(霞山)水产有限公司", Region: "440803001", Industry: "1361", Status: "revoked", Type: "company"},
		{ID: 3, Name: "遂溪县华达商行", Alt: []string{"遂溪县华达食品店", "遂溪县老华达"}, Region: "440823", Industry: "5181", Status: "active", Type: "individual_business"},
		{ID: 4, Name: "廉江市ＡＢＣ电器经营部", Region: "440881", Industry: "5137", Status: "deregistered", Type: "individual_business"},
		{ID: 5, Name: "公司公司公司", Region: "440802", Status: "active", Type: "company"},
		{ID: 6, Name: "霞", Region: "440803", Status: "active", Type: "individual_business"},
		{ID: 7, Name: "雷州市霞山路大排档", Region: "440882", Industry: "6210", Status: "active", Type: "individual_business"},
		{ID: 8, Name: "恒信食品有限X有限公司"},
		{ID: 9, Name: "恒信食品有限公司", Alt: []string{"恒信食品有限公司湛江分公司"}},
		{ID: 10, Name: strings.Repeat("甲", 260) + "恒信食品有限公司"},
		{ID: 0, Name: "无效编号"},
	}
	ix := New(sectionOf)
	ix.Build(docs)
	ref := newReference(sectionOf)
	ref.build(docs)
	if ix.Len() != 10 {
		t.Fatalf("Len = %d, want 10", ix.Len())
	}
	tests := []struct {
		name  string
		q     Query
		want  []int64
		total int
	}{
		{"half-width brackets", Query{Text: "(霞山)", Limit: 10}, []int64{2, 1}, 2},
		{"full-width brackets", Query{Text: "（霞山）", Limit: 10}, []int64{2, 1}, 2},
		{"open bracket only", Query{Text: "（霞", Limit: 10}, []int64{2, 1}, 2},
		{"two characters", Query{Text: "霞山", Limit: 10}, []int64{7, 2, 1}, 3},
		{"one character", Query{Text: "霞", Limit: 10}, []int64{7, 6, 2, 1}, 4},
		{"last character", Query{Text: "档", Limit: 10}, []int64{7}, 1},
		{"former name", Query{Text: "华达食品", Limit: 10}, []int64{3}, 1},
		{"former name, one char", Query{Text: "老", Limit: 10}, []int64{3}, 1},
		{"not across names", Query{Text: "商行遂溪", Limit: 10}, nil, 0},
		{"repeated gram counted once", Query{Text: "公司", Limit: 10}, []int64{10, 9, 8, 5, 2, 1}, 6},
		{"long fragment", Query{Text: "湛江（霞山）食品有限", Limit: 10}, []int64{1}, 1},
		{"long fragment, false positive of 4-grams", Query{Text: "公司公司公司公", Limit: 10}, nil, 0},
		{"4-grams apart", Query{Text: "食品有限公司", Limit: 10}, []int64{10, 9, 1}, 3},
		{"4-gram twice in a document", Query{Text: "有限公司湛江", Limit: 10}, []int64{9}, 1},
		{"beyond rune 254", Query{Text: "甲恒信食品有限", Limit: 10}, []int64{10}, 1},
		{"beyond rune 254, absent", Query{Text: "甲恒信食品有限X", Limit: 10}, nil, 0},
		{"full-width letters", Query{Text: "abc电器", Limit: 10}, []int64{4}, 1},
		{"spaces ignored", Query{Text: " 华 达 ", Limit: 10}, []int64{3}, 1},
		{"absent", Query{Text: "北京", Limit: 10}, nil, 0},
		{"empty text is no filter", Query{Text: "　", Limit: 3}, []int64{10, 9, 8}, 10},
		{"region prefix", Query{Region: "440803", Limit: 10}, []int64{6, 2, 1}, 3},
		{"region and text", Query{Text: "霞山", Region: "4408030", Limit: 10}, []int64{2}, 1},
		{"industry section", Query{Industry: "C", Limit: 10}, []int64{2, 1}, 2},
		{"industry section and prefix", Query{Industry: "C13", Limit: 10}, []int64{2}, 1},
		{"industry prefix", Query{Industry: "51", Limit: 10}, []int64{4, 3}, 2},
		{"industry class", Query{Industry: "6210", Limit: 10}, []int64{7}, 1},
		{"status", Query{Status: "active", Text: "霞山", Limit: 10}, []int64{7, 1}, 2},
		{"unknown status", Query{Status: "nope", Limit: 10}, nil, 0},
		{"type", Query{Type: "company", Limit: 10}, []int64{5, 2, 1}, 3},
		{"page 2", Query{Offset: 5, Limit: 2}, []int64{5, 4}, 10},
		{"past the end", Query{Offset: 20, Limit: 2}, nil, 10},
		{"total only", Query{Text: "霞山", Limit: 0}, nil, 3},
		{"negative offset", Query{Text: "霞山", Offset: -5, Limit: 1}, []int64{7}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, total := ix.Search(tt.q)
			if !slices.Equal(ids, tt.want) || total != tt.total {
				t.Errorf("Search(%+v) = %v, %d; want %v, %d", tt.q, ids, total, tt.want, tt.total)
			}
			checkSearch(t, ix, ref, tt.q)
		})
	}

	// The same after the documents went through the delta, and after a merge.
	ix2 := New(sectionOf)
	for _, d := range docs {
		ix2.Upsert(d)
	}
	for _, phase := range []string{"delta", "merged"} {
		for _, tt := range tests {
			if ids, total := ix2.Search(tt.q); !slices.Equal(ids, tt.want) || total != tt.total {
				t.Errorf("%s: Search(%+v) = %v, %d; want %v, %d", phase, tt.q, ids, total, tt.want, tt.total)
			}
		}
		ix2.Compact()
	}
}

func TestSearchWithoutSectionOf(t *testing.T) {
	ix := New(nil)
	ix.Build([]Doc{{ID: 1, Name: "甲", Industry: "1499"}, {ID: 2, Name: "乙", Industry: "C1499"}})
	for _, tt := range []struct {
		industry string
		want     []int64
	}{{"C", []int64{2}}, {"14", []int64{1}}, {"", []int64{2, 1}}} {
		if ids, _ := ix.Search(Query{Industry: tt.industry, Limit: 10}); !slices.Equal(ids, tt.want) {
			t.Errorf("Industry %q: got %v, want %v", tt.industry, ids, tt.want)
		}
	}
}

func TestUpsertDelete(t *testing.T) {
	ix := New(sectionOf)
	ix.Build([]Doc{
		{ID: 1, Name: "湛江华达食品有限公司", Status: "active"},
		{ID: 2, Name: "湛江恒信食品有限公司", Status: "active"},
	})
	ix.Upsert(Doc{ID: 1, Name: "湛江华达水产有限公司", Alt: []string{"湛江华达食品有限公司"}, Status: "revoked"})
	ix.Upsert(Doc{ID: 3, Name: "湛江瑞科食品商行", Status: "active"})
	ix.Delete(2)
	ix.Delete(99)
	for _, phase := range []string{"delta", "merged"} {
		if n := ix.Len(); n != 2 {
			t.Errorf("%s: Len = %d, want 2", phase, n)
		}
		for _, tt := range []struct {
			q    Query
			want []int64
		}{
			{Query{Text: "食品", Limit: 10}, []int64{3, 1}},
			{Query{Text: "水产", Limit: 10}, []int64{1}},
			{Query{Text: "恒信", Limit: 10}, nil},
			{Query{Text: "食品", Status: "active", Limit: 10}, []int64{3}},
			{Query{Limit: 10}, []int64{3, 1}},
		} {
			if ids, total := ix.Search(tt.q); !slices.Equal(ids, tt.want) || total != len(tt.want) {
				t.Errorf("%s: Search(%+v) = %v, %d; want %v", phase, tt.q, ids, total, tt.want)
			}
		}
		ix.Compact()
	}
}

// randomNames draws names from a small alphabet, so that fragments repeat, grams
// repeat within names, and full-width and half-width forms mix.
var propertyAlphabet = []string{"湛", "江", "霞", "山", "公", "司", "有", "限", "食", "品",
	"（", "）", "(", ")", "Ａ", "a", "B", " ", "，", ",", "华", "达", "𠀾", "。"}

func randomName(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(14) {
		b.WriteString(propertyAlphabet[r.IntN(len(propertyAlphabet))])
	}
	return b.String()
}

func randomDoc(r *rand.Rand, id int64) Doc {
	d := Doc{
		ID:       id,
		Name:     randomName(r),
		Region:   []string{"440802", "440803", "440803001", "440881", ""}[r.IntN(5)],
		Industry: []string{"", "1499", "1361", "5181", "0190", "6210"}[r.IntN(6)],
		Status:   []string{"active", "revoked", "deregistered", "moved_out"}[r.IntN(4)],
		Type:     []string{"company", "individual_business"}[r.IntN(2)],
	}
	for range r.IntN(3) / 2 {
		d.Alt = append(d.Alt, randomName(r))
	}
	return d
}

func randomQuery(r *rand.Rand, ref *reference) Query {
	q := Query{Offset: []int{0, 0, 0, 1, 5, 30}[r.IntN(6)], Limit: []int{0, 1, 5, 20, 1000}[r.IntN(5)]}
	if r.IntN(8) > 0 {
		// A fragment of an existing name, so that it usually matches.
		var names []string
		for _, d := range ref.docs {
			names = append(names, d.Name)
			names = append(names, d.Alt...)
			if len(names) > 3 {
				break
			}
		}
		if len(names) > 0 && r.IntN(3) > 0 {
			rs := []rune(names[r.IntN(len(names))])
			if len(rs) > 0 {
				i := r.IntN(len(rs))
				j := i + 1 + r.IntN(min(len(rs)-i, 7))
				q.Text = string(rs[i:j])
			}
		} else {
			q.Text = randomName(r)
		}
	}
	if r.IntN(4) == 0 {
		q.Region = []string{"4408", "440803", "440803001", "44088"}[r.IntN(4)]
	}
	if r.IntN(4) == 0 {
		q.Industry = []string{"C", "F", "14", "1361", "c13", "A"}[r.IntN(6)]
	}
	if r.IntN(4) == 0 {
		q.Status = []string{"active", "revoked", "nope"}[r.IntN(3)]
	}
	if r.IntN(6) == 0 {
		q.Type = "company"
	}
	return q
}

// TestSearchProperty runs random writes and queries against the brute-force
// reference: builds, upserts of new and existing documents, deletes, background and
// explicit merges, and an alphabet small enough that some runes share a code.
func TestSearchProperty(t *testing.T) {
	for _, alphabet := range []int{0, 12} {
		t.Run(fmt.Sprintf("alphabet=%d", alphabet), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(alphabet)))
			ix := New(sectionOf)
			ix.threshold = 17
			ix.alphabet = alphabet
			ref := newReference(sectionOf)
			maxID := int64(1)
			steps := 3000
			if testing.Short() {
				steps = 600
			}
			for step := range steps {
				switch k := r.IntN(100); {
				case k < 1 || step == 0:
					docs := make([]Doc, r.IntN(2000))
					for i := range docs {
						docs[i] = randomDoc(r, int64(r.IntN(3000))-5) // duplicates and invalid IDs
					}
					ix.Build(docs)
					ref.build(docs)
					maxID = 3000
				case k < 30:
					id := maxID + 1 + int64(r.IntN(3))
					if r.IntN(2) == 0 {
						id = 1 + int64(r.IntN(int(maxID)))
					}
					maxID = max(maxID, id)
					d := randomDoc(r, id)
					ix.Upsert(d)
					ref.put(d)
				case k < 40:
					id := 1 + int64(r.IntN(int(maxID)))
					ix.Delete(id)
					ref.del(id)
				case k < 41:
					ix.Compact()
				default:
					checkSearch(t, ix, ref, randomQuery(r, ref))
				}
				if step%100 == 0 && ix.Len() != len(ref.docs) {
					t.Fatalf("step %d: Len = %d, want %d", step, ix.Len(), len(ref.docs))
				}
			}
			ix.Compact()
			for range 300 {
				checkSearch(t, ix, ref, randomQuery(r, ref))
			}
		})
	}
}

// TestConcurrentSearch runs readers while a writer upserts and deletes and the index
// merges in the background (run it with -race). The stable documents never change,
// so every search for them must return exactly them, whatever the writer does.
func TestConcurrentSearch(t *testing.T) {
	const stable = 500
	var docs []Doc
	for i := range stable {
		docs = append(docs, Doc{ID: int64(2 * (i + 1)), Name: fmt.Sprintf("湛江稳定%d食品有限公司", i), Status: "active"})
	}
	ix := New(sectionOf)
	ix.threshold = 50
	ix.Build(docs)
	ref := newReference(sectionOf)
	ref.build(docs)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				ids, total := ix.Search(Query{Text: "稳定", Limit: 3})
				if total != stable || !slices.Equal(ids, []int64{2 * stable, 2*stable - 2, 2*stable - 4}) {
					t.Errorf("Search(稳定) = %v, %d during writes", ids, total)
					return
				}
				ix.Search(Query{Text: "变动", Status: "active", Limit: 20})
				ix.Len()
			}
		})
	}
	r := rand.New(rand.NewPCG(2, 2))
	for i := range 2000 {
		id := int64(2*r.IntN(800) + 1) // odd: never a stable document
		if r.IntN(4) == 0 {
			ix.Delete(id)
			ref.del(id)
		} else {
			d := Doc{ID: id, Name: fmt.Sprintf("湛江变动%d商行", i), Status: []string{"active", "revoked"}[r.IntN(2)]}
			ix.Upsert(d)
			ref.put(d)
		}
	}
	close(stop)
	wg.Wait()
	ix.Compact()
	checkSearch(t, ix, ref, Query{Text: "变动", Limit: 50})
	checkSearch(t, ix, ref, Query{Text: "湛江", Status: "active", Offset: 100, Limit: 50})
}

// TestBuildDuringMerge checks that a Build replaces a merge that is in flight.
func TestBuildDuringMerge(t *testing.T) {
	ix := New(nil)
	ix.threshold = 1
	ix.Build([]Doc{{ID: 1, Name: "旧"}})
	ix.Upsert(Doc{ID: 2, Name: "旧二"}) // starts a merge
	ix.Build([]Doc{{ID: 3, Name: "新"}})
	ix.Compact()
	if ids, total := ix.Search(Query{Limit: 10}); !slices.Equal(ids, []int64{3}) || total != 1 {
		t.Errorf("after Build: %v, %d; want [3], 1", ids, total)
	}
}

func TestSeek(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for range 2000 {
		l := randomSet(r, r.IntN(300), 1000)
		j := r.IntN(len(l) + 1)
		x := uint32(r.IntN(1100))
		want := j
		for want < len(l) && l[want] < x {
			want++
		}
		if got := seek(l, j, x); got != want {
			t.Fatalf("seek(%v, %d, %d) = %d, want %d", l, j, x, got, want)
		}
	}
}

func randomSet(r *rand.Rand, n, max int) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(r.IntN(max))
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// TestSearchGenerated compares the index with brute force on realistic names, enough
// of them that the parallel paths and every way of finding one rune are taken.
func TestSearchGenerated(t *testing.T) {
	n := 40000
	if testing.Short() {
		n = 10000
	}
	docs := genDocs(n, 11)
	docs = append(docs, Doc{ID: int64(n + 1), Name: "龘记"}, Doc{ID: int64(n + 2), Name: "龘龘龘"})
	ix := New(sectionOf)
	ix.Build(docs)
	ref := newReference(sectionOf)
	ref.build(docs)
	r := rand.New(rand.NewPCG(4, 4))
	for i := range n / 100 {
		id := int64(1 + r.IntN(n+50))
		if i%3 == 0 {
			ix.Delete(id)
			ref.del(id)
			continue
		}
		d := docs[r.IntN(n)]
		d.ID = id
		ix.Upsert(d)
		ref.put(d)
	}
	for i := range 250 {
		rs := []rune(docs[r.IntN(n)].Name)
		length := 1 + i%7
		if len(rs) < length {
			continue
		}
		j := r.IntN(len(rs) - length + 1)
		q := Query{Text: string(rs[j : j+length]), Limit: 20, Offset: []int{0, 0, 7, 1000, 3000, 9000}[r.IntN(6)]}
		if r.IntN(3) == 0 {
			q.Region = genDistricts[r.IntN(len(genDistricts))].code
			q.Status = "active"
		}
		if r.IntN(5) == 0 {
			q.Industry = []string{"C", "F5", "14"}[r.IntN(3)]
		}
		checkSearch(t, ix, ref, q)
	}
	for _, text := range []string{"", "公", "有限公司", "卓", "骏", "龘", "个体工商户（", "食品有限公司"} {
		for _, off := range []int{0, 5, 2000, 5000, 20000} {
			checkSearch(t, ix, ref, Query{Text: text, Limit: 20, Offset: off})
			checkSearch(t, ix, ref, Query{Text: text, Status: "revoked", Limit: 20, Offset: off})
			checkSearch(t, ix, ref, Query{Text: text, Region: "440803", Limit: 20, Offset: off})
		}
	}
	checkSearch(t, ix, ref, Query{Text: "公司", Offset: 1, Limit: math.MaxInt})

	// Most runes share codeOverflow: every search reads the text.
	small := New(sectionOf)
	small.alphabet = 40
	small.Build(docs)
	ref.build(docs)
	for _, text := range []string{"骏", "公", "华达", "有限公司", "食品有限公司"} {
		checkSearch(t, small, ref, Query{Text: text, Limit: 20, Offset: 100})
	}
}
