package nameindex

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Rune codes. Each rune of the normalised names of a segment gets a dense 16-bit code,
// most frequent first, so that a gram of up to four runes packs into one uint64.
const (
	codeNone     = 0      // not in the segment; also the separator between names
	codeMax      = 0xFFFD // last code given to a single rune
	codeOverflow = 0xFFFE // shared by every rune beyond the first codeMax: grams are lossy
	codeEnd      = 0xFFFF // "end of name": the 2-gram (c, end) marks a name ending in c
)

// nameSep separates the names (current and former) of one entity in segment.text.
// Normalize removes control characters, so it never occurs in a name or a fragment.
const nameSep = "\x00"

// gram keys: 2-gram a<<16|b, 3-gram a<<32|b<<16|c, 4-gram a<<48|b<<32|c<<16|d. Codes
// are never 0, so the three kinds occupy disjoint ranges of the key space and the
// 2-grams that start with rune a are the contiguous range [a<<16, (a+1)<<16).
func key2(a, b uint16) uint64    { return uint64(a)<<16 | uint64(b) }
func key3(a, b, c uint16) uint64 { return uint64(a)<<32 | uint64(b)<<16 | uint64(c) }
func key4(a, b, c, d uint16) uint64 {
	return uint64(a)<<48 | uint64(b)<<32 | uint64(c)<<16 | uint64(d)
}

// runeTable maps a rune to its code in two levels of 256 runes, so that only the pages
// in use (about 80 for the CJK block) take memory.
type runeTable struct {
	pages [0x110000 >> 8]*[256]uint16
}

func (t *runeTable) get(r rune) uint16 {
	if uint32(r) >= 0x110000 {
		return codeNone
	}
	p := t.pages[r>>8]
	if p == nil {
		return codeNone
	}
	return p[r&0xFF]
}

func (t *runeTable) set(r rune, c uint16) {
	p := t.pages[r>>8]
	if p == nil {
		p = new([256]uint16)
		t.pages[r>>8] = p
	}
	p[r&0xFF] = c
}

// segment is the immutable bulk part of the index. Documents are numbered by ordinal,
// in ascending ID order, so every posting list is sorted by ID as well, and "newest
// first" is a walk from the end. The segment holds no pointers per document, which
// keeps garbage collection cheap however large it grows.
type segment struct {
	n   int
	ids []int64 // by ordinal, strictly ascending

	// text holds every document's normalised names joined by nameSep; document ord
	// is text[textOff[ord]:textOff[ord+1]]. It is used to verify candidates of
	// fragments longer than four runes, and to rebuild the segment on merge.
	text    string
	textOff []uint32

	// Filter columns, one dictionary index per document: the region, and the class,
	// which is the combination of industry, status and type. A city has some hundred
	// regions and some thousand classes, so a query turns its filters into a table of
	// allowed regions and one of allowed classes, and checks each document with two
	// loads and two table lookups.
	region  []uint32
	class   []uint32
	regions []string
	classes []attrClass

	alpha runeTable
	// The posting lists in CSR form: the documents containing gram keys[i] are
	// post[offs[i]:offs[i+1]], ascending, each once.
	keys []uint64
	offs []uint32
	post []uint32
	// The 4-grams sort last, so their postings are the tail post[pos4Base:]. For
	// each, pos4 holds where the gram starts in the document, in runes of its text
	// (names and separators), or posFar or posMany. A fragment longer than four runes
	// is in a document when its 4-grams sit at consecutive positions; only documents
	// where one of them is posFar or posMany need their text read.
	pos4     []uint8
	pos4Base int
}

const (
	posFar  = 254 // the gram starts at rune 254 or later
	posMany = 255 // the gram occurs more than once in the document
)

// attrClass is a combination of the attributes other than the region.
type attrClass struct {
	industry, status, kind string
	section                string // section letter of industry, or ""
}

// record is one document on its way into a segment: the normalised names joined by
// nameSep and the filter attributes.
type record struct {
	id                             int64
	text                           string
	region, industry, status, kind string
}

// docText returns the normalised names of document ord, joined by nameSep.
func (s *segment) docText(ord uint32) string {
	return s.text[s.textOff[ord]:s.textOff[ord+1]]
}

// ordinal returns the ordinal of id, if the segment holds it.
func (s *segment) ordinal(id int64) (uint32, bool) {
	i, ok := slices.BinarySearch(s.ids, id)
	return uint32(i), ok
}

// record returns document ord as a record, for rebuilding.
func (s *segment) record(ord uint32) record {
	return record{
		id:       s.ids[ord],
		text:     s.docText(ord),
		region:   s.regions[s.region[ord]],
		industry: s.classes[s.class[ord]].industry,
		status:   s.classes[s.class[ord]].status,
		kind:     s.classes[s.class[ord]].kind,
	}
}

// postings returns the posting list of key, or nil.
func (s *segment) postings(key uint64) []uint32 {
	i, ok := slices.BinarySearch(s.keys, key)
	if !ok {
		return nil
	}
	return s.post[s.offs[i]:s.offs[i+1]]
}

// keyRange returns the indexes [lo, hi) of the keys in [from, to).
func (s *segment) keyRange(from, to uint64) (int, int) {
	lo, _ := slices.BinarySearch(s.keys, from)
	hi, _ := slices.BinarySearch(s.keys, to)
	return lo, hi
}

// workers is the number of goroutines used for bulk work.
func workers() int {
	return min(runtime.GOMAXPROCS(0), 8)
}

// dictionary assigns dense indexes to strings.
type dictionary struct {
	index map[string]uint32
	list  []string
}

func (d *dictionary) code(s string) uint32 {
	if c, ok := d.index[s]; ok {
		return c
	}
	c := uint32(len(d.list))
	d.index[s] = c
	d.list = append(d.list, s)
	return c
}

// buildSegment builds a segment from records. The records are taken in the order
// given by order (indexes into recs) or, when order is nil, in the order of recs; in
// that order IDs must be strictly ascending.
// Only the alphabet most frequent runes get codes of their own (0 means codeMax);
// tests lower it to exercise codeOverflow.
func buildSegment(recs []record, order []int32, sectionOf func(string) string, alphabet int) *segment {
	if alphabet <= 0 || alphabet > codeMax {
		alphabet = codeMax
	}
	n := len(recs)
	if order != nil {
		n = len(order)
	}
	at := func(i int) *record {
		if order != nil {
			return &recs[order[i]]
		}
		return &recs[i]
	}
	s := &segment{
		n:       n,
		ids:     make([]int64, n),
		textOff: make([]uint32, n+1),
		region:  make([]uint32, n),
		class:   make([]uint32, n),
	}

	// Columns and the text, with the rune counts for the alphabet.
	regions := dictionary{index: make(map[string]uint32)}
	classes := make(map[attrClass]uint32)
	size := 0
	for i := range n {
		size += len(at(i).text)
	}
	var text strings.Builder
	text.Grow(size)
	var counts [0x110000 >> 8]*[256]uint32 // by rune, in pages of 256 as runeTable
	nrunes := 0
	for i := range n {
		r := at(i)
		s.ids[i] = r.id
		s.region[i] = regions.code(r.region)
		ac := attrClass{industry: r.industry, status: r.status, kind: r.kind}
		c, ok := classes[ac]
		if !ok {
			c = uint32(len(s.classes))
			classes[ac] = c
			if ac.industry != "" && sectionOf != nil {
				ac.section = strings.ToUpper(sectionOf(ac.industry))
			}
			s.classes = append(s.classes, ac)
		}
		s.class[i] = c
		text.WriteString(r.text)
		s.textOff[i+1] = uint32(text.Len())
		for _, c := range r.text {
			p := counts[c>>8]
			if p == nil {
				p = new([256]uint32)
				counts[c>>8] = p
			}
			p[c&0xFF]++
			nrunes++
		}
	}
	s.text = text.String()
	recs, order = nil, nil // let the records go before the postings are built
	s.regions = regions.list

	// The alphabet: most frequent runes get the codes 1..codeMax, the rest share
	// codeOverflow. The separator keeps code 0.
	type runeCount struct {
		r rune
		n uint32
	}
	var used []runeCount
	for hi, p := range counts {
		if p == nil {
			continue
		}
		for lo, n := range p {
			if r := rune(hi<<8 | lo); n > 0 && r != 0 {
				used = append(used, runeCount{r, n})
			}
		}
	}
	slices.SortFunc(used, func(a, b runeCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.r, b.r)
	})
	for i, u := range used {
		c := uint16(codeOverflow)
		if i < alphabet {
			c = uint16(i + 1)
		}
		s.alpha.set(u.r, c)
	}

	// The text as a stream of codes, 0 between names.
	codes := make([]uint16, 0, nrunes)
	codeOff := make([]uint32, n+1)
	for i := range n {
		for _, r := range s.docText(uint32(i)) {
			codes = append(codes, s.alpha.get(r))
		}
		codeOff[i+1] = uint32(len(codes))
	}

	s.buildPostings(codes, codeOff)
	return s
}

// buildPostings builds the CSR posting lists from the code stream in two passes: the
// first counts the documents of each distinct gram, the second writes the ordinals.
// The key space is split by hash among the workers, so each worker owns its grams,
// its hash table and its part of post, and no locking is needed.
func (s *segment) buildPostings(codes []uint16, codeOff []uint32) {
	p := workers()
	tables := make([]*gramTable, p)
	var wg sync.WaitGroup
	for w := range p {
		tables[w] = newGramTable(len(codes)/(4*p) + 1024)
		wg.Go(func() {
			t := tables[w]
			var buf []gram
			for ord := range uint32(len(codeOff) - 1) {
				buf = docGrams(buf[:0], codes[codeOff[ord]:codeOff[ord+1]], w, p)
				for _, g := range buf {
					t.count(g.key, g.hash, ord)
				}
			}
		})
	}
	wg.Wait()

	// Sort each worker's grams, then merge them into the global key order.
	sorted := make([][]gramEntry, p)
	total := 0
	for w := range p {
		total += tables[w].size
		wg.Go(func() { sorted[w] = tables[w].sortedEntries() })
	}
	wg.Wait()
	s.keys = make([]uint64, 0, total)
	s.offs = make([]uint32, 0, total+1)
	var npost uint32
	pos := make([]int, p)
	for {
		best := -1
		for w := range p {
			if pos[w] < len(sorted[w]) && (best < 0 || sorted[w][pos[w]].key < sorted[best][pos[best]].key) {
				best = w
			}
		}
		if best < 0 {
			break
		}
		e := sorted[best][pos[best]]
		pos[best]++
		s.keys = append(s.keys, e.key)
		s.offs = append(s.offs, npost)
		slot := &tables[best].slots[e.slot]
		npost += slot.n
		slot.n = s.offs[len(s.offs)-1] // becomes the write cursor for the second pass
		slot.last = 0
	}
	s.offs = append(s.offs, npost)
	sorted = nil

	s.post = make([]uint32, npost)
	k4, _ := slices.BinarySearch(s.keys, 1<<48)
	s.pos4Base = int(s.offs[k4])
	s.pos4 = make([]uint8, int(npost)-s.pos4Base)
	for w := range p {
		wg.Go(func() {
			t := tables[w]
			var buf []gram
			for ord := range uint32(len(codeOff) - 1) {
				buf = docGrams(buf[:0], codes[codeOff[ord]:codeOff[ord+1]], w, p)
				for _, g := range buf {
					t.fill(g.key, g.hash, ord, g.pos, s)
				}
			}
		})
	}
	wg.Wait()
}

// gram is a gram of a document: its key, the hash of the key, and the rune position
// where it starts.
type gram struct {
	key, hash uint64
	pos       int
}

// docGrams appends to buf the grams of the document cs (its codes) whose hash falls
// in the part w of p: the 2-, 3- and 4-grams within each name, and (c, end) for the
// last rune c of each name.
func docGrams(buf []gram, cs []uint16, w, p int) []gram {
	emit := func(k uint64, pos int) {
		h := mix(k)
		if p == 1 || int((h&0xFFFFFFFF)*uint64(p)>>32) == w {
			buf = append(buf, gram{k, h, pos})
		}
	}
	for i, a := range cs {
		if a == codeNone {
			continue
		}
		if i+1 == len(cs) || cs[i+1] == codeNone {
			emit(key2(a, codeEnd), i)
			continue
		}
		b := cs[i+1]
		emit(key2(a, b), i)
		if i+2 == len(cs) || cs[i+2] == codeNone {
			continue
		}
		c := cs[i+2]
		emit(key3(a, b, c), i)
		if i+3 == len(cs) || cs[i+3] == codeNone {
			continue
		}
		emit(key4(a, b, c, cs[i+3]), i)
	}
	return buf
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// gramTable is an open-addressing hash table from gram key to its document count
// (first pass) or write cursor (second pass). last holds ord+1 of the last document
// counted, so a document is counted once per gram however often the gram occurs.
type gramTable struct {
	slots []gramSlot
	shift uint
	size  int
}

type gramSlot struct {
	key  uint64 // 0 = empty; gram keys are never 0
	n    uint32
	last uint32
}

type gramEntry struct {
	key  uint64
	slot uint32
}

func newGramTable(hint int) *gramTable {
	bits := uint(10)
	for 1<<bits < hint*4/3 {
		bits++
	}
	return &gramTable{slots: make([]gramSlot, 1<<bits), shift: 64 - bits}
}

func (t *gramTable) count(k, h uint64, ord uint32) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == k {
			if sl.last != ord+1 {
				sl.last = ord + 1
				sl.n++
			}
			return
		}
		if sl.key == 0 {
			sl.key, sl.n, sl.last = k, 1, ord+1
			t.size++
			if t.size*4 > len(t.slots)*3 {
				t.grow()
			}
			return
		}
	}
}

// fill writes ord into the posting list of k and, for a 4-gram, its position.
func (t *gramTable) fill(k, h uint64, ord uint32, pos int, s *segment) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == k {
			if sl.last != ord+1 {
				sl.last = ord + 1
				s.post[sl.n] = ord
				if k >= 1<<48 {
					s.pos4[int(sl.n)-s.pos4Base] = uint8(min(pos, posFar))
				}
				sl.n++
			} else if k >= 1<<48 {
				s.pos4[int(sl.n)-1-s.pos4Base] = posMany
			}
			return
		}
		if sl.key == 0 {
			panic("nameindex: gram missing in second pass")
		}
	}
}

func (t *gramTable) grow() {
	old := t.slots
	t.slots = make([]gramSlot, 2*len(old))
	t.shift--
	mask := uint64(len(t.slots) - 1)
	for _, sl := range old {
		if sl.key == 0 {
			continue
		}
		i := mix(sl.key) >> t.shift
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = sl
	}
}

func (t *gramTable) sortedEntries() []gramEntry {
	es := make([]gramEntry, 0, t.size)
	for i, sl := range t.slots {
		if sl.key != 0 {
			es = append(es, gramEntry{sl.key, uint32(i)})
		}
	}
	slices.SortFunc(es, func(a, b gramEntry) int { return cmp.Compare(a.key, b.key) })
	return es
}
