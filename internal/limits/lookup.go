package limits

import (
	"context"
	"time"

	"qcity"
)

// index is the in-memory form of the catalogue that LimitFor reads: entries by
// analyte key and by analyte base, with the names each matches. It is immutable once
// built; a write replaces it.
type index struct {
	loaded    time.Time
	byAnalyte map[string][]*indexed
	byBase    map[string][]*indexed
	codes     map[string]bool // known sampling category codes, for validation
	size      int
}

// indexed is an entry ready for matching.
type indexed struct {
	id         int64
	status     Status
	from, to   int        // validity as yyyymmdd, 0 when open; see inForce
	names      []string   // food keys the entry matches at a level of a category path
	excluded   []string   // food keys the entry does not apply to
	codePaths  [][]string // the category paths of its category code
	text, unit string     // the limit in canonical form, with its unit written in it
	comparison string
	entry      Entry
}

// rank orders the entries matching at the same depth: current before superseded.
func (e *indexed) rank() int {
	if e.status == StatusCurrent {
		return 0
	}
	return 1
}

func (c *Catalogue) maxAge() time.Duration {
	if c.MaxAge > 0 {
		return c.MaxAge
	}
	return time.Minute
}

// index returns the current index, reading the table when there is none or it is
// older than MaxAge.
func (c *Catalogue) index(ctx context.Context) (*index, error) {
	if ix := c.idx.Load(); ix != nil && c.now().Sub(ix.loaded) < c.maxAge() {
		return ix, nil
	}
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	if ix := c.idx.Load(); ix != nil && c.now().Sub(ix.loaded) < c.maxAge() {
		return ix, nil
	}
	ix, err := c.build(ctx)
	if err != nil {
		return nil, err
	}
	c.idx.Store(ix)
	return ix, nil
}

// invalidate drops the index after a write, so the next lookup sees the change.
func (c *Catalogue) invalidate() { c.idx.Store(nil) }

func (c *Catalogue) build(ctx context.Context) (*index, error) {
	paths, err := categoryPaths(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	entries, err := allEntries(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	ix := &index{loaded: c.now(), byAnalyte: map[string][]*indexed{}, byBase: map[string][]*indexed{},
		codes: make(map[string]bool, len(paths)), size: len(entries)}
	for code := range paths {
		ix.codes[code] = true
	}
	for _, e := range entries {
		if e.Status == StatusUnconfirmed {
			continue // never applied automatically
		}
		l, err := ParseLimit(e.Limit, e.Unit)
		if err != nil {
			continue // cannot happen for rows written through validate; never guess
		}
		x := &indexed{id: e.ID, status: e.Status, from: dayNumber(e.ValidFrom), to: dayNumber(e.ValidTo),
			text: l.String(), unit: l.Unit, comparison: e.Comparison, entry: e}
		x.names, x.excluded = foodNames(e.Food)
		if e.CategoryCode != "" {
			x.codePaths = paths[e.CategoryCode]
		}
		key := analyteKey(e.Analyte)
		ix.byAnalyte[key] = append(ix.byAnalyte[key], x)
		base := analyteBase(key)
		ix.byBase[base] = append(ix.byBase[base], x)
	}
	return ix, nil
}

// LimitFor returns the catalogued limit of an analyte for a sample of a category,
// taken on a day: it implements sampling.LimitLookup. category is the sample's
// category path ("食用农产品/蔬菜/叶菜类蔬菜/芹菜", "酒类/白酒").
//
// The rule:
//
//  1. The analyte must be the entry's analyte, compared after folding full-width forms,
//     white space and letter case; only when no entry of that exact name applies is the
//     name compared without a trailing qualifier ("铅(以Pb计)" finds "铅").
//  2. The entry must be in force on the day (Entry.InForce): on or after its valid_from,
//     on or before its valid_to; a superseded entry needs its valid_to; unconfirmed
//     entries are never applied.
//  3. The entry's food must name a level of the category path, or its category code
//     must be the path or one above it. Food names are compared after folding and
//     without "类" ("叶菜蔬菜" is "叶菜类蔬菜"); the name is the last part of a standard's
//     own food path, without its exclusions ("蔬菜及其制品:新鲜蔬菜(…除外)" is
//     "新鲜蔬菜", which also names "蔬菜"). An entry whose exclusions name a level of
//     the path does not apply.
//  4. The deepest match wins (芹菜 over 叶菜类蔬菜 over 蔬菜); at equal depth a current
//     standard wins over a superseded one, then the later valid_from, then the newer
//     entry.
//
// text is the limit in canonical form with its unit written in it ("≤0.3 mg/kg"), so
// that the judge converts a result in another unit instead of misreading the limit;
// unit is that unit, for items that give none. ok is false when no entry applies.
// Returns an internal error only when the catalogue cannot be read.
func (c *Catalogue) LimitFor(ctx context.Context, analyte, category string, on qcity.Date) (id int64, text, unit, comparison string, ok bool, err error) {
	e, found, err := c.lookup(ctx, analyte, category, on)
	if err != nil || !found {
		return 0, "", "", "", false, err
	}
	return e.id, e.text, e.unit, e.comparison, true, nil
}

// Lookup is LimitFor returning the whole entry, for pages that explain which limit
// applies.
func (c *Catalogue) Lookup(ctx context.Context, analyte, category string, on qcity.Date) (Entry, bool, error) {
	e, found, err := c.lookup(ctx, analyte, category, on)
	if err != nil || !found {
		return Entry{}, false, err
	}
	return e.entry, true, nil
}

func (c *Catalogue) lookup(ctx context.Context, analyte, category string, on qcity.Date) (*indexed, bool, error) {
	ix, err := c.index(ctx)
	if err != nil {
		return nil, false, err
	}
	key := analyteKey(analyte)
	if key == "" || on.IsZero() {
		return nil, false, nil
	}
	segs := categorySegments(category)
	if best := pick(ix.byAnalyte[key], segs, on); best != nil {
		return best, true, nil
	}
	if best := pick(ix.byBase[analyteBase(key)], segs, on); best != nil {
		return best, true, nil
	}
	return nil, false, nil
}

// dayNumber is d as yyyymmdd, which orders like the dates; 0 for the zero Date.
func dayNumber(d qcity.Date) int {
	if d.IsZero() {
		return 0
	}
	return d.Year*10000 + int(d.Month)*100 + d.Day
}

// inForce is Entry.InForce on day numbers, for the hot path.
func (e *indexed) inForce(day int) bool {
	if e.status == StatusSuperseded && e.to == 0 {
		return false
	}
	return (e.from == 0 || day >= e.from) && (e.to == 0 || day <= e.to)
}

// pick returns the entry of cands that applies most specifically, or nil.
func pick(cands []*indexed, segs []string, on qcity.Date) *indexed {
	var best *indexed
	bestDepth, day := 0, dayNumber(on)
	for _, e := range cands {
		if !e.inForce(day) {
			continue
		}
		d := e.depth(segs)
		if d == 0 {
			continue
		}
		if best == nil || d > bestDepth || d == bestDepth && better(e, best) {
			best, bestDepth = e, d
		}
	}
	return best
}

func better(a, b *indexed) bool {
	if a.rank() != b.rank() {
		return a.rank() < b.rank()
	}
	if a.from != b.from {
		return a.from > b.from
	}
	return a.id > b.id
}

// depth is the 1-based level of segs that the entry matches most deeply, or 0 when it
// does not match or excludes a level.
func (e *indexed) depth(segs []string) int {
	for _, s := range segs {
		for _, x := range e.excluded {
			if s == x {
				return 0
			}
		}
	}
	d := 0
	for i := len(segs) - 1; i >= 0 && d == 0; i-- {
		for _, n := range e.names {
			if segs[i] == n {
				d = i + 1
				break
			}
		}
	}
	for _, p := range e.codePaths {
		if len(p) <= len(segs) && len(p) > d && hasPrefix(segs, p) {
			d = len(p)
		}
	}
	return d
}

func hasPrefix(segs, p []string) bool {
	for i := range p {
		if segs[i] != p[i] {
			return false
		}
	}
	return true
}
