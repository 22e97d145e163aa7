package nameindex

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Doc is one market entity (市场主体) as the index sees it.
type Doc struct {
	ID       int64    // entity id, positive; larger = newer
	Name     string   // current name
	Alt      []string // former names (曾用名), also searchable
	Region   string   // 6-digit region code, or 9-digit for a township
	Industry string   // GB/T 4754 code such as "1391", or ""
	Status   string   // "active", "revoked", "deregistered", "moved_out"
	Type     string   // entity type, e.g. "company", "individual_business"
}

// Query selects entities. All filters combine with AND.
type Query struct {
	// Text is a fragment of the current or a former name, normalised with Normalize
	// before matching; a Text that is empty after normalisation is no text filter.
	Text string
	// Region keeps entities whose Region starts with it ("" = all): "4408" is a
	// city, "440803" a district with its townships.
	Region string
	// Industry is a GB/T 4754 section letter ("C", every code of the section; also
	// "C13", the codes of section C that start with 13) or a code prefix ("13",
	// "139", "1391"). Without a sectionOf function (see New) every value is a plain
	// code prefix. Entities without an industry match only "".
	Industry string
	Status   string // exact ("" = all)
	Type     string // exact ("" = all)
	// Offset and Limit select the page [Offset, Offset+Limit) of the matches,
	// newest (largest ID) first. A negative Offset counts as 0; Limit <= 0 asks for
	// the total only.
	Offset, Limit int
}

// Index is the in-memory name search index of the registry. It is safe for
// concurrent use: searches run in parallel with each other, writes are serialised
// and briefly exclude searches.
type Index struct {
	sectionOf func(string) string

	mu         sync.RWMutex
	seg        *segment
	dead       []uint64 // bitset over seg ordinals superseded or deleted; nil if none
	deadSorted []uint32 // the same ordinals, ascending
	delta      []*liveDoc
	gen        uint64 // incremented by Build; a merge started in another gen is dropped

	// The merge of delta and dead into a new segment runs in the background. While it
	// runs, writes are also logged, to be replayed on the new segment.
	threshold int // pending changes that start a merge; 0 = automatic
	alphabet  int // runes with a code of their own; 0 = codeMax (a test hook)
	merging   bool
	mergeDone chan struct{}
	mergeLog  []change
}

// liveDoc is a document of the delta: added or replaced since the segment was built.
// It is immutable once made.
type liveDoc struct {
	id     int64
	text   string // normalised names joined by nameSep
	region string
	class  attrClass
}

// change is a logged write: an upsert of doc, or a delete of id when doc is nil.
type change struct {
	doc *liveDoc
	id  int64
}

// New returns an empty index. sectionOf maps a GB/T 4754 code to its section letter,
// for Query.Industry filters such as "C"; it may be nil, and then Industry is always
// a code prefix. It must be safe for concurrent use.
func New(sectionOf func(code string) string) *Index {
	return &Index{sectionOf: sectionOf, seg: buildSegment(nil, nil, sectionOf, 0)}
}

// Build replaces the whole content of the index with docs. Docs with an ID <= 0 are
// skipped; of docs with the same ID the last one counts. The new segment is built
// without blocking searches, which see the old content until it is swapped in; writes
// made during the build are overwritten by it.
func (ix *Index) Build(docs []Doc) {
	recs := make([]record, len(docs))
	parallel(len(docs), 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d := &docs[i]
			recs[i] = record{id: d.ID, text: docText(d), region: d.Region, industry: d.Industry, status: d.Status, kind: d.Type}
		}
	})
	// Sort by ID without moving the records; the last of equal IDs wins.
	order := make([]int32, 0, len(docs))
	sorted := true
	for i := range recs {
		if recs[i].id <= 0 {
			continue
		}
		if len(order) > 0 && recs[order[len(order)-1]].id >= recs[i].id {
			sorted = false
		}
		order = append(order, int32(i))
	}
	if !sorted {
		slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(recs[a].id, recs[b].id) })
		out := order[:0]
		for i, o := range order {
			if i+1 < len(order) && recs[order[i+1]].id == recs[o].id {
				continue
			}
			out = append(out, o)
		}
		order = out
	}
	seg := buildSegment(recs, order, ix.sectionOf, ix.alphabet)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.gen++
	ix.seg, ix.dead, ix.deadSorted, ix.delta = seg, nil, nil, nil
	ix.merging, ix.mergeDone, ix.mergeLog = false, nil, nil
}

// Upsert adds d, or replaces the entity with the same ID (renamed, status changed, …).
// A d with an ID <= 0 is ignored.
func (ix *Index) Upsert(d Doc) {
	if d.ID <= 0 {
		return
	}
	ld := ix.newLive(&d)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.upsertLocked(ld)
	if ix.merging {
		ix.mergeLog = append(ix.mergeLog, change{doc: ld, id: ld.id})
	}
	ix.maybeMergeLocked()
}

// Delete removes the entity id, if present.
func (ix *Index) Delete(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.deleteLocked(id)
	if ix.merging {
		ix.mergeLog = append(ix.mergeLog, change{id: id})
	}
	ix.maybeMergeLocked()
}

// Len returns the number of entities in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seg.n - len(ix.deadSorted) + len(ix.delta)
}

// Compact merges the changes made by Upsert and Delete into the bulk structure and
// waits for it. The index does this by itself in the background when enough changes
// pile up; Compact is for tests and for after a large batch of writes.
func (ix *Index) Compact() {
	ix.mu.Lock()
	if ix.merging {
		done := ix.mergeDone
		ix.mu.Unlock()
		<-done
		ix.mu.Lock()
	}
	if !ix.merging && len(ix.delta)+len(ix.deadSorted) > 0 {
		ix.startMergeLocked()
	}
	if ix.merging {
		done := ix.mergeDone
		ix.mu.Unlock()
		<-done
		return
	}
	ix.mu.Unlock()
}

// newLive normalises d.
func (ix *Index) newLive(d *Doc) *liveDoc {
	ld := &liveDoc{id: d.ID, region: d.Region, class: attrClass{industry: d.Industry, status: d.Status, kind: d.Type}}
	if d.Industry != "" && ix.sectionOf != nil {
		ld.class.section = strings.ToUpper(ix.sectionOf(d.Industry))
	}
	ld.text = docText(d)
	return ld
}

// docText returns the normalised names of d, current name first, without empty or
// repeated names, joined by nameSep.
func docText(d *Doc) string {
	name := Normalize(d.Name)
	if len(d.Alt) == 0 {
		return name
	}
	names := make([]string, 0, 1+len(d.Alt))
	if name != "" {
		names = append(names, name)
	}
	for _, a := range d.Alt {
		if a = Normalize(a); a != "" && !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	return strings.Join(names, nameSep)
}

func (ld *liveDoc) record() record {
	return record{id: ld.id, text: ld.text, region: ld.region, industry: ld.class.industry, status: ld.class.status, kind: ld.class.kind}
}

// deltaIndex returns the position of id in ix.delta, which is sorted by ID descending.
func (ix *Index) deltaIndex(id int64) (int, bool) {
	return slices.BinarySearchFunc(ix.delta, id, func(d *liveDoc, id int64) int { return cmp.Compare(id, d.id) })
}

func (ix *Index) upsertLocked(ld *liveDoc) {
	ix.killLocked(ld.id)
	i, ok := ix.deltaIndex(ld.id)
	if ok {
		ix.delta[i] = ld
	} else {
		ix.delta = slices.Insert(ix.delta, i, ld)
	}
}

func (ix *Index) deleteLocked(id int64) {
	ix.killLocked(id)
	if i, ok := ix.deltaIndex(id); ok {
		ix.delta = slices.Delete(ix.delta, i, i+1)
	}
}

// killLocked marks the segment's copy of id, if any, as dead.
func (ix *Index) killLocked(id int64) {
	ord, ok := ix.seg.ordinal(id)
	if !ok {
		return
	}
	if ix.dead == nil {
		ix.dead = make([]uint64, (ix.seg.n+63)/64)
	}
	if ix.dead[ord>>6]&(1<<(ord&63)) != 0 {
		return
	}
	ix.dead[ord>>6] |= 1 << (ord & 63)
	i, _ := slices.BinarySearch(ix.deadSorted, ord)
	ix.deadSorted = slices.Insert(ix.deadSorted, i, ord)
}

// mergeThreshold is the number of pending changes (delta documents and dead ordinals)
// that starts a background merge. Every search checks the delta one by one, so it
// must stay small; every merge rebuilds the segment, so it must not be tiny.
func (ix *Index) mergeThreshold() int {
	if ix.threshold > 0 {
		return ix.threshold
	}
	return min(max(ix.seg.n/128, 1024), 16384)
}

func (ix *Index) maybeMergeLocked() {
	if !ix.merging && len(ix.delta)+len(ix.deadSorted) >= ix.mergeThreshold() {
		ix.startMergeLocked()
	}
}

// startMergeLocked starts building a new segment from the current segment's live
// documents and the delta. The segment is immutable and the delta's documents are,
// so a copy of the dead bitset and of the delta slice is a consistent snapshot.
func (ix *Index) startMergeLocked() {
	seg, gen, alphabet := ix.seg, ix.gen, ix.alphabet
	dead := slices.Clone(ix.dead)
	delta := slices.Clone(ix.delta)
	done := make(chan struct{})
	ix.merging, ix.mergeDone, ix.mergeLog = true, done, nil
	go func() {
		defer close(done)
		next := mergeSegment(seg, dead, delta, ix.sectionOf, alphabet)
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if ix.gen != gen {
			return // Build replaced everything meanwhile
		}
		ix.seg, ix.dead, ix.deadSorted, ix.delta = next, nil, nil, nil
		log := ix.mergeLog
		ix.merging, ix.mergeDone, ix.mergeLog = false, nil, nil
		for _, c := range log {
			if c.doc != nil {
				ix.upsertLocked(c.doc)
			} else {
				ix.deleteLocked(c.id)
			}
		}
		ix.maybeMergeLocked()
	}()
}

// mergeSegment builds a segment of the live documents of seg and the delta documents
// (sorted by ID descending; their IDs are dead in seg or absent).
func mergeSegment(seg *segment, dead []uint64, delta []*liveDoc, sectionOf func(string) string, alphabet int) *segment {
	recs := make([]record, 0, seg.n+len(delta))
	j := len(delta) - 1
	for ord := range uint32(seg.n) {
		if dead != nil && dead[ord>>6]&(1<<(ord&63)) != 0 {
			continue
		}
		id := seg.ids[ord]
		for ; j >= 0 && delta[j].id < id; j-- {
			recs = append(recs, delta[j].record())
		}
		recs = append(recs, seg.record(ord))
	}
	for ; j >= 0; j-- {
		recs = append(recs, delta[j].record())
	}
	return buildSegment(recs, nil, sectionOf, alphabet)
}

// parallel calls fn on chunks [lo, hi) covering [0, n), in up to workers()
// goroutines when n is at least minChunk per worker.
func parallel(n, minChunk int, fn func(lo, hi int)) {
	p := min(workers(), n/minChunk)
	if p <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range p {
		wg.Go(func() { fn(n*w/p, n*(w+1)/p) })
	}
	wg.Wait()
}
