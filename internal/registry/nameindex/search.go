package nameindex

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Search returns the IDs of the page [q.Offset, q.Offset+q.Limit) of the entities
// matching q, newest (largest ID) first, and the exact number of matches. An entity
// matches the text when its current name or one of its former names, normalised,
// contains the normalised q.Text.
func (ix *Index) Search(q Query) (ids []int64, total int) {
	needle := Normalize(q.Text)
	f := newFilter(&q, ix.sectionOf != nil)
	lo := max(q.Offset, 0)
	hi := lo
	if q.Limit > 0 {
		hi = lo + q.Limit
		if hi < lo {
			hi = math.MaxInt
		}
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	pg := pager{lo: lo, hi: hi, delta: ix.matchDelta(needle, &f)}
	n := ix.searchSegment(needle, &f, &pg)
	pg.finish()
	return pg.out, n + len(pg.delta)
}

// matchDelta returns the IDs of the delta documents matching, newest first.
func (ix *Index) matchDelta(needle string, f *filter) []int64 {
	var out []int64
	for _, d := range ix.delta {
		if f.liveOK(d) && (needle == "" || strings.Contains(d.text, needle)) {
			out = append(out, d.id)
		}
	}
	return out
}

// searchSegment feeds the matching documents of the segment to pg, newest first,
// until pg is full, and returns how many there are in all. It picks one of two paths:
//
//   - exact candidates (no text; 1 to 4 runes): a posting list that holds exactly the
//     documents containing the fragment. Without filters the total is its length
//     minus its dead documents; with filters the list is counted in parallel. The page
//     is a walk from the end that stops as soon as the page is full.
//   - candidates to verify (more than 4 runes; a rune outside the 16-bit alphabet): a
//     superset, whose documents are checked against the text in parallel and kept.
func (ix *Index) searchSegment(needle string, f *filter, pg *pager) int {
	s := ix.seg
	if s.n == 0 {
		return 0
	}
	m := &matcher{s: s, dead: ix.dead}
	m.sf = s.compile(f)
	if m.sf.empty {
		return 0
	}
	runes := []rune(needle)
	codes := make([]uint16, len(runes))
	overflow := false
	for i, r := range runes {
		codes[i] = s.alpha.get(r)
		if codes[i] == codeNone {
			return 0 // a rune no document has
		}
		overflow = overflow || codes[i] == codeOverflow
	}

	var c cands
	switch len(codes) {
	case 0:
		c = cands{all: true, n: s.n}
	case 1:
		if overflow {
			c = cands{all: true, n: s.n}
			break
		}
		buf := getBuf()
		defer putBuf(buf)
		c = cands{list: s.runeDocs(codes[0], buf)}
	case 2:
		c = cands{list: s.postings(key2(codes[0], codes[1]))}
	case 3:
		c = cands{list: s.postings(key3(codes[0], codes[1], codes[2]))}
	case 4:
		c = cands{list: s.postings(key4(codes[0], codes[1], codes[2], codes[3]))}
	default:
		lists := s.lists4(codes)
		if lists == nil {
			return 0
		}
		c = cands{list: lists[0].l}
		m.first, m.others = lists[0], lists[1:]
		// Positions prove a match, except where a rune shares codeOverflow.
		m.positions = !overflow
		overflow = true
	}
	if c.len() == 0 {
		return 0
	}
	if overflow {
		m.needle = needle
		return m.collect(c, pg)
	}

	// The page walks the candidates from the end in blocks. Where the number of
	// matches in a block is known, a block that ends before the page is skipped whole,
	// so deep pages cost little more than the first.
	var total int
	var blocks []int32 // matches per block; nil = each candidate matches (no filter, no dead)
	switch {
	case !m.sf.active && c.all:
		total = s.n - len(ix.deadSorted)
	case !m.sf.active:
		total = c.len() - ix.deadIn(c.list)
	default:
		total, blocks = m.count(c)
	}
	walkDead := !m.sf.active && m.dead != nil // blocks unknown: walk every candidate
	for b := (c.len() - 1) / blockSize; b >= 0 && !pg.full(); b-- {
		lo, hi := b*blockSize, min((b+1)*blockSize, c.len())
		if !walkDead {
			k := hi - lo
			if blocks != nil {
				k = int(blocks[b])
			}
			if k == 0 || pg.skip(k, s.ids[c.at(lo)]) {
				continue
			}
		}
		for i := hi - 1; i >= lo && !pg.full(); i-- {
			if ord := c.at(i); m.live(ord) {
				pg.emit(s.ids[ord])
			}
		}
	}
	return total
}

// runeDocs returns the documents containing the rune of code c: the union of the
// 2-gram lists (c, x), which include (c, end), so every occurrence of c is covered.
// The lists are adjacent in the key order.
func (s *segment) runeDocs(c uint16, buf *[]uint32) []uint32 {
	lo, hi := s.keyRange(uint64(c)<<16, (uint64(c)+1)<<16)
	switch {
	case lo == hi:
		return nil
	case hi-lo == 1:
		return s.post[s.offs[lo]:s.offs[lo+1]]
	}
	all := s.post[s.offs[lo]:s.offs[hi]]
	if len(all) < s.n/1024 {
		out := append((*buf)[:0], all...)
		slices.Sort(out)
		out = slices.Compact(out)
		*buf = out
		return out
	}
	bm := make([]uint64, (s.n+63)/64)
	for _, ord := range all {
		bm[ord>>6] |= 1 << (ord & 63)
	}
	out := (*buf)[:0]
	for w, word := range bm {
		for word != 0 {
			b := uint32(bits.TrailingZeros64(word))
			out = append(out, uint32(w)<<6|b)
			word &= word - 1
		}
	}
	*buf = out
	return out
}

// gramList is the posting list of the 4-gram at offset off of a fragment; base is
// the index of l[0] in segment.post.
type gramList struct {
	l    []uint32
	off  int
	base int
}

// lists4 returns the posting lists of a cover of the fragment by its 4-grams, rarest
// first, or nil if a 4-gram is in no document. The cover has the 4-grams at offset 0
// and at the end and as few documents in all as can be, with no gap between them:
// when each of its 4-grams occurs once in a document, at the offsets the fragment
// gives them, the document contains the fragment. For "食品有限公司" it is 食品有限
// and 有限公司. A 4-gram may come twice, at two offsets.
func (s *segment) lists4(codes []uint16) []gramList {
	all := make([]gramList, 0, len(codes)-3)
	for i := 0; i+4 <= len(codes); i++ {
		k, ok := slices.BinarySearch(s.keys, key4(codes[i], codes[i+1], codes[i+2], codes[i+3]))
		if !ok {
			return nil
		}
		all = append(all, gramList{l: s.post[s.offs[k]:s.offs[k+1]], off: i, base: int(s.offs[k])})
	}
	// cost[i] is the least number of postings of a cover of runes 0..i+3 that ends
	// with the 4-gram at i; prev[i] the 4-gram before it.
	cost := make([]int, len(all))
	prev := make([]int, len(all))
	for i := range all {
		cost[i], prev[i] = len(all[i].l), -1
		if i == 0 {
			continue
		}
		best := -1
		for j := max(i-4, 0); j < i; j++ {
			if best < 0 || cost[j] < cost[best] {
				best = j
			}
		}
		cost[i] += cost[best]
		prev[i] = best
	}
	var cover []gramList
	for i := len(all) - 1; i >= 0; i = prev[i] {
		cover = append(cover, all[i])
	}
	slices.SortStableFunc(cover, func(a, b gramList) int { return len(a.l) - len(b.l) })
	return cover
}

// seek returns the first index i >= j with l[i] >= x, galloping from j.
func seek(l []uint32, j int, x uint32) int {
	if j >= len(l) || l[j] >= x {
		return j
	}
	// l[j] < x: double the step until l[j+step] >= x, then binary search.
	step := 1
	for j+step < len(l) && l[j+step] < x {
		j += step
		step <<= 1
	}
	hi := min(j+step, len(l))
	i, _ := slices.BinarySearch(l[j+1:hi], x)
	return j + 1 + i
}

// deadIn returns how many ordinals of the ascending list l are dead.
func (ix *Index) deadIn(l []uint32) int {
	d := ix.deadSorted
	if len(d) == 0 {
		return 0
	}
	n := 0
	if len(d)*16 < len(l) {
		for _, ord := range d {
			if _, ok := slices.BinarySearch(l, ord); ok {
				n++
			}
		}
		return n
	}
	for _, ord := range l {
		if ix.dead[ord>>6]&(1<<(ord&63)) != 0 {
			n++
		}
	}
	return n
}

// cands is a list of candidate ordinals, ascending, or all of [0, n).
type cands struct {
	list []uint32
	all  bool
	n    int
}

func (c *cands) len() int {
	if c.all {
		return c.n
	}
	return len(c.list)
}

func (c *cands) at(i int) uint32 {
	if c.all {
		return uint32(i)
	}
	return c.list[i]
}

// matcher decides whether a segment document matches.
type matcher struct {
	s    *segment
	dead []uint64
	sf   segFilter

	// For candidates to verify: the fragment and, for one longer than four runes,
	// the list of the candidates (first) and the other lists every candidate must be
	// in; positions says whether the lists' positions can prove a match.
	needle    string
	first     gramList
	others    []gramList
	positions bool
}

// live reports whether document ord is not dead and passes the filters.
func (m *matcher) live(ord uint32) bool {
	if m.dead != nil && m.dead[ord>>6]&(1<<(ord&63)) != 0 {
		return false
	}
	return !m.sf.active || m.sf.ok(m.s, ord)
}

// minChunk is the least number of candidates worth a goroutine.
const minChunk = 1 << 14

// blockSize is the number of candidates whose matches count keeps together.
const blockSize = 1 << 10

// count returns how many candidates match an active filter, and how many in each
// block of blockSize candidates, counting in parallel.
func (m *matcher) count(c cands) (int, []int32) {
	blocks := make([]int32, (c.len()+blockSize-1)/blockSize)
	var total atomic.Int64
	parallel(len(blocks), minChunk/blockSize, func(lo, hi int) {
		n := 0
		for b := lo; b < hi; b++ {
			k := m.countChunk(&c, b*blockSize, min((b+1)*blockSize, c.len()))
			blocks[b] = int32(k)
			n += k
		}
		total.Add(int64(n))
	})
	return int(total.Load()), blocks
}

// countChunk counts the matches among candidates lo..hi-1. Its loops have no
// branches but the loop's own: the filter tables hold 0 or 1.
func (m *matcher) countChunk(c *cands, lo, hi int) int {
	region, class := m.s.region, m.s.class
	okRegion, okClass := m.sf.region, m.sf.class
	dead := m.dead
	n := 0
	switch {
	case c.all && dead == nil:
		for ord := lo; ord < hi; ord++ {
			n += int(okRegion[region[ord]] & okClass[class[ord]])
		}
	case c.all:
		for ord := lo; ord < hi; ord++ {
			live := uint8(^dead[ord>>6]>>(ord&63)) & 1
			n += int(okRegion[region[ord]] & okClass[class[ord]] & live)
		}
	case dead == nil:
		for _, ord := range c.list[lo:hi] {
			n += int(okRegion[region[ord]] & okClass[class[ord]])
		}
	default:
		for _, ord := range c.list[lo:hi] {
			live := uint8(^dead[ord>>6]>>(ord&63)) & 1
			n += int(okRegion[region[ord]] & okClass[class[ord]] & live)
		}
	}
	return n
}

// collect checks the candidates in parallel chunks, feeds the matches to pg newest
// first and returns how many there are. Each chunk first keeps the candidates that
// are in every list of m.others, live and passing the filter, which reads memory in
// order, and then verifies those against the text, which reads it at random.
func (m *matcher) collect(c cands, pg *pager) int {
	var mu sync.Mutex
	type part struct {
		lo   int
		ords []uint32
	}
	var parts []part
	parallel(c.len(), minChunk/4, func(lo, hi int) {
		ords := m.verify(m.prefilter(&c, lo, hi))
		mu.Lock()
		parts = append(parts, part{lo, ords})
		mu.Unlock()
	})
	slices.SortFunc(parts, func(a, b part) int { return b.lo - a.lo }) // last chunk first
	total := 0
	for _, p := range parts {
		total += len(p.ords)
		for i := len(p.ords) - 1; i >= 0 && !pg.full(); i-- {
			pg.emit(m.s.ids[p.ords[i]])
		}
	}
	return total
}

// unsure marks a candidate ordinal whose text must be read to decide.
const unsure = 1 << 31

// prefilter returns the candidates lo..hi-1 that are live, pass the filters and are
// in every list of m.others, the ordinals whose positions do not prove a match marked
// unsure. It reads the lists in order, so it is fast.
func (m *matcher) prefilter(c *cands, lo, hi int) []uint32 {
	out := make([]uint32, 0, min(hi-lo, 4096))
	if c.all {
		for ord := uint32(lo); ord < uint32(hi); ord++ {
			if m.live(ord) {
				out = append(out, ord|unsure)
			}
		}
		return out
	}
	// Local copies of the lists and their positions, for a tight loop.
	type cursor struct {
		l   []uint32
		pos []uint8 // pos[j] is the position of l[j]; nil without positions
		off int
		j   int
	}
	others := make([]cursor, len(m.others))
	for k, o := range m.others {
		others[k] = cursor{l: o.l, off: o.off}
		others[k].j, _ = slices.BinarySearch(o.l, c.list[lo])
		if m.positions {
			others[k].pos = m.s.pos4[o.base-m.s.pos4Base:][:len(o.l)]
		}
	}
	var firstPos []uint8
	if m.positions {
		firstPos = m.s.pos4[m.first.base-m.s.pos4Base:][:len(m.first.l)]
	}
	list := c.list[:hi]
candidates:
	for i := lo; i < len(list); i++ {
		ord := list[i]
		if !m.live(ord) {
			continue
		}
		sure := firstPos != nil
		at := 0 // where the fragment starts if it is there
		if sure {
			if p := firstPos[i]; p >= posFar {
				sure = false
			} else {
				at = int(p) - m.first.off
			}
		}
		for k := range others {
			o := &others[k]
			j, l := o.j, o.l
			for n := 0; j < len(l) && l[j] < ord; n++ {
				if n == 8 {
					j = seek(l, j, ord)
					break
				}
				j++
			}
			o.j = j
			if j == len(l) {
				break candidates
			}
			if l[j] != ord {
				continue candidates
			}
			if sure {
				// Both grams occur once: they must sit where the fragment puts them.
				if p := o.pos[j]; p >= posFar {
					sure = false
				} else if int(p)-o.off != at {
					continue candidates
				}
			}
		}
		if sure {
			out = append(out, ord)
		} else {
			out = append(out, ord|unsure)
		}
	}
	return out
}

// verify reads the text of the unsure candidates and keeps those containing
// m.needle, and all the others.
func (m *matcher) verify(ords []uint32) []uint32 {
	kept := ords[:0]
	for _, ord := range ords {
		if ord&unsure != 0 {
			if ord &^= unsure; !strings.Contains(m.s.docText(ord), m.needle) {
				continue
			}
		}
		kept = append(kept, ord)
	}
	return kept
}

// pager collects the IDs at positions [lo, hi) of the merge, newest first, of the
// segment matches (fed through emit in descending order) and the delta matches.
type pager struct {
	lo, hi int
	pos    int
	out    []int64
	delta  []int64 // delta matches, descending
	j      int
}

func (p *pager) full() bool { return p.pos >= p.hi }

func (p *pager) put(id int64) {
	if p.pos >= p.lo && p.pos < p.hi {
		if p.out == nil {
			p.out = make([]int64, 0, min(p.hi-p.lo, 1024))
		}
		p.out = append(p.out, id)
	}
	p.pos++
}

func (p *pager) emit(id int64) {
	for p.j < len(p.delta) && p.delta[p.j] > id {
		p.put(p.delta[p.j])
		p.j++
	}
	p.put(id)
}

// skip passes over the next k segment matches, which are at least minID, if they
// and the delta matches above minID all come before the page.
func (p *pager) skip(k int, minID int64) bool {
	j := p.j
	for j < len(p.delta) && p.delta[j] > minID {
		j++
	}
	if p.pos+k+(j-p.j) > p.lo {
		return false
	}
	p.pos += k + (j - p.j)
	p.j = j
	return true
}

func (p *pager) finish() {
	for ; p.j < len(p.delta) && !p.full(); p.j++ {
		p.put(p.delta[p.j])
	}
}

// bufPool holds candidate buffers, which for common fragments hold hundreds of
// thousands of ordinals.
var bufPool = sync.Pool{New: func() any { return new([]uint32) }}

func getBuf() *[]uint32 { return bufPool.Get().(*[]uint32) }

func putBuf(b *[]uint32) {
	*b = (*b)[:0]
	bufPool.Put(b)
}
