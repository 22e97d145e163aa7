package sampling

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"qcity"
	"qcity/internal/db"
)

// Cube holds pass-rate counts pre-aggregated in memory, so the statistics over millions
// of samples answer without scanning the samples table: one cell per combination of
// kind, level, year, month, district, top-level category, stage and lab (batches), and
// one per combination of kind, level, year, month, district, category and test item
// (items of the first test). Counts are integers; rates are divided only for display.
// It is rebuilt from the database at start-up and periodically, and adjusted by this
// instance's own writes in between.
//
// Batch cells are kept in several projections (totals, by level, by district, by
// category, by month, by stage, by lab, and the full combination), each partitioned by
// kind and year; a query reads the smallest projection that holds the dimensions it
// filters and groups on, so even an all-years question over millions of samples reads
// a few thousand cells.
type Cube struct {
	mu      sync.RWMutex
	buckets map[bucketKey]*bucket // cells partitioned by projection, kind and year
}

// dim is a dimension of the batch cells besides kind and year.
type dim uint8

const (
	dimLevel dim = 1 << iota
	dimMonth
	dimRegion
	dimCat1
	dimStage
	dimLab
	dimAll = dimLevel | dimMonth | dimRegion | dimCat1 | dimStage | dimLab
)

// projections are ordered from the smallest; the last holds every dimension.
var projections = []dim{0, dimLevel, dimLevel | dimRegion, dimLevel | dimCat1, dimLevel | dimMonth,
	dimLevel | dimStage, dimLevel | dimLab, dimLevel | dimMonth | dimRegion | dimCat1, dimAll}

// project keeps the dimensions of p in k and zeroes the others.
func project(k cubeKey, p dim) cubeKey {
	out := cubeKey{Kind: k.Kind, Year: k.Year}
	if p&dimLevel != 0 {
		out.Level = k.Level
	}
	if p&dimMonth != 0 {
		out.Month = k.Month
	}
	if p&dimRegion != 0 {
		out.Region = k.Region
	}
	if p&dimCat1 != 0 {
		out.Cat1 = k.Cat1
	}
	if p&dimStage != 0 {
		out.Stage = k.Stage
	}
	if p&dimLab != 0 {
		out.Lab = k.Lab
	}
	return out
}

// needs returns the dimensions a query filters or groups on.
func needs(f StatsFilter) dim {
	var d dim
	if f.Level != "" || f.Group == GroupLevel {
		d |= dimLevel
	}
	if f.Month != 0 || f.Quarter != 0 || f.Group == GroupMonth || f.Group == GroupQuarter {
		d |= dimMonth
	}
	if f.Region != "" || f.Group == GroupRegion {
		d |= dimRegion
	}
	if f.Category1 != "" || f.Group == GroupCategory {
		d |= dimCat1
	}
	if f.Stage != "" || f.Group == GroupStage {
		d |= dimStage
	}
	if f.Lab != 0 || f.Group == GroupLab {
		d |= dimLab
	}
	return d
}

type bucketKey struct {
	Proj dim
	Kind Kind
	Year int
}

type bucket struct {
	cells   []cell
	index   map[cubeKey]int
	items   []itemCell
	itemIdx map[itemKey]int
}

func (c *Cube) bucket(p dim, k Kind, year int) *bucket {
	bk := bucketKey{p, k, year}
	b := c.buckets[bk]
	if b == nil {
		b = &bucket{index: map[cubeKey]int{}, itemIdx: map[itemKey]int{}}
		c.buckets[bk] = b
	}
	return b
}

type cubeKey struct {
	Kind   Kind
	Level  Level
	Year   int
	Month  int
	Region string
	Cat1   string
	Stage  Stage
	Lab    int64
}

type itemKey struct {
	Kind   Kind
	Level  Level
	Year   int
	Month  int
	Region string
	Cat1   string
	Item   string
}

type cell struct {
	key            cubeKey
	judged, passed int64
}

type itemCell struct {
	key            itemKey
	judged, passed int64
}

// NewCube returns an empty cube.
func NewCube() *Cube {
	return &Cube{buckets: map[bucketKey]*bucket{}}
}

func keyOf(s *Sample) cubeKey {
	return cubeKey{Kind: s.Kind, Level: s.Level, Year: s.Year, Month: int(s.SampledOn.Month), Region: s.Region,
		Cat1: s.Category1, Stage: s.Stage, Lab: s.LabID}
}

func (k cubeKey) item(name string) itemKey {
	return itemKey{Kind: k.Kind, Level: k.Level, Year: k.Year, Month: k.Month, Region: k.Region, Cat1: k.Cat1, Item: name}
}

func (c *Cube) addLocked(full cubeKey, verdict string, n int64) {
	if verdict != VerdictPass && verdict != VerdictFail {
		return
	}
	for _, p := range projections {
		c.addCell(p, project(full, p), verdict, n)
	}
}

func (c *Cube) addCell(p dim, k cubeKey, verdict string, n int64) {
	b := c.bucket(p, k.Kind, k.Year)
	i, ok := b.index[k]
	if !ok {
		i = len(b.cells)
		b.cells = append(b.cells, cell{key: k})
		b.index[k] = i
	}
	b.cells[i].judged += n
	if verdict == VerdictPass {
		b.cells[i].passed += n
	}
}

func (c *Cube) addItemLocked(k itemKey, verdict string, n int64) {
	if verdict != VerdictPass && verdict != VerdictFail {
		return
	}
	b := c.bucket(dimAll, k.Kind, k.Year)
	i, ok := b.itemIdx[k]
	if !ok {
		i = len(b.items)
		b.items = append(b.items, itemCell{key: k})
		b.itemIdx[k] = i
	}
	b.items[i].judged += n
	if verdict == VerdictPass {
		b.items[i].passed += n
	}
}

// Add counts a new sample and its first-test items.
func (c *Cube) Add(k cubeKey, verdict string, items []Item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(k, verdict, 1)
	for _, it := range items {
		if it.Round <= 1 {
			c.addItemLocked(k.item(it.Item), it.Verdict, 1)
		}
	}
}

// Replace moves a sample from one verdict to another (a report, a confirmation, an
// overturned result) and counts first-test items reported with it.
func (c *Cube) Replace(k cubeKey, before, after string, items []Item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(k, before, -1)
	c.addLocked(k, after, 1)
	for _, it := range items {
		if it.Round <= 1 {
			c.addItemLocked(k.item(it.Item), it.Verdict, 1)
		}
	}
}

// Rebuild recomputes the cube from the database.
func (c *Cube) Rebuild(ctx context.Context, d *db.DB) error {
	fresh := NewCube()
	month := `SUBSTR(CAST(s.sampled_on AS TEXT), 6, 2)`
	rows, err := d.Query(ctx, `SELECT s.kind, s.level, s.year, `+month+`, s.region_code, s.category1, s.stage,
		COALESCE(s.lab_org_id, 0), s.verdict, COUNT(*) FROM samples s WHERE s.verdict <> ''
		GROUP BY s.kind, s.level, s.year, `+month+`, s.region_code, s.category1, s.stage, s.lab_org_id, s.verdict`)
	if err != nil {
		return qcity.Internal(err)
	}
	for rows.Next() {
		var k cubeKey
		var kind, level, stage, m, verdict string
		var n int64
		if err := rows.Scan(&kind, &level, &k.Year, &m, &k.Region, &k.Cat1, &stage, &k.Lab, &verdict, &n); err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		k.Kind, k.Level, k.Stage = Kind(kind), Level(level), Stage(stage)
		k.Month, _ = strconv.Atoi(m)
		fresh.addLocked(k, verdict, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	rows, err = d.Query(ctx, `SELECT s.kind, s.level, s.year, `+month+`, s.region_code, s.category1, i.item, i.verdict, COUNT(*)
		FROM sample_items i JOIN samples s ON s.id = i.sample_id WHERE i.round = 1
		GROUP BY s.kind, s.level, s.year, `+month+`, s.region_code, s.category1, i.item, i.verdict`)
	if err != nil {
		return qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k itemKey
		var kind, level, m, verdict string
		var n int64
		if err := rows.Scan(&kind, &level, &k.Year, &m, &k.Region, &k.Cat1, &k.Item, &verdict, &n); err != nil {
			return qcity.Internal(err)
		}
		k.Kind, k.Level = Kind(kind), Level(level)
		k.Month, _ = strconv.Atoi(m)
		fresh.addItemLocked(k, verdict, n)
	}
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	c.mu.Lock()
	c.buckets = fresh.buckets
	c.mu.Unlock()
	return nil
}

// Groupings of the statistics.
const (
	GroupNone     = ""
	GroupRegion   = "region"
	GroupCategory = "category"
	GroupLevel    = "level"
	GroupYear     = "year"
	GroupQuarter  = "quarter"
	GroupMonth    = "month"
	GroupStage    = "stage"
	GroupLab      = "lab"
	GroupItem     = "item"
)

// Groups lists the groupings.
var Groups = []string{GroupRegion, GroupCategory, GroupLevel, GroupYear, GroupQuarter, GroupMonth, GroupStage, GroupLab, GroupItem}

// StatsFilter selects what the statistics count.
type StatsFilter struct {
	Kind      Kind
	Year      int // 0: all years
	Quarter   int // 1–4, with Year
	Month     int // 1–12, with Year
	Level     Level
	Region    string // a district or county, or its prefix
	Category1 string
	Stage     Stage
	Lab       int64
	Group     string
}

// Count is a pass rate with its counts.
type Count struct {
	Judged int64 `json:"judged"`
	Passed int64 `json:"passed"`
	Failed int64 `json:"failed"`
}

// PassRate returns passed ÷ judged × 100 rounded half to even at two decimals, computed
// on the integers (98.59 comes out of 31,008 / 31,451); 0 when nothing was judged.
func (c Count) PassRate() float64 {
	if c.Judged == 0 {
		return 0
	}
	q, r := c.Passed*10000/c.Judged, c.Passed*10000%c.Judged
	if 2*r > c.Judged || (2*r == c.Judged && q%2 == 1) {
		q++
	}
	return float64(q) / 100
}

// StatsRow is one line of grouped statistics.
type StatsRow struct {
	Key string `json:"key"`
	Count
}

func (c *Cube) matches(k cubeKey, f StatsFilter) bool {
	return (f.Kind == "" || k.Kind == f.Kind) && (f.Year == 0 || k.Year == f.Year) &&
		(f.Month == 0 || k.Month == f.Month) && (f.Quarter == 0 || (k.Month+2)/3 == f.Quarter) &&
		(f.Level == "" || k.Level == f.Level) && (f.Region == "" || strings.HasPrefix(k.Region, f.Region)) &&
		(f.Category1 == "" || k.Cat1 == f.Category1) && (f.Stage == "" || k.Stage == f.Stage) &&
		(f.Lab == 0 || k.Lab == f.Lab)
}

// Query returns the grouped rows (by key) and their total. Without a grouping, the one
// row is the total.
func (c *Cube) Query(f StatsFilter) ([]StatsRow, Count) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	groups := map[string]*Count{}
	var total Count
	add := func(key string, judged, passed int64) {
		g := groups[key]
		if g == nil {
			g = &Count{}
			groups[key] = g
		}
		g.Judged += judged
		g.Passed += passed
		total.Judged += judged
		total.Passed += passed
	}
	proj := dimAll
	if f.Group != GroupItem {
		need := needs(f)
		for _, p := range projections {
			if p&need == need {
				proj = p
				break
			}
		}
	}
	for bk, b := range c.buckets {
		if bk.Proj != proj || (f.Kind != "" && bk.Kind != f.Kind) || (f.Year != 0 && bk.Year != f.Year) {
			continue
		}
		if f.Group == GroupItem {
			if f.Stage != "" || f.Lab != 0 {
				continue // item cells do not record stage or lab
			}
			sf := StatsFilter{Kind: f.Kind, Year: f.Year, Month: f.Month, Quarter: f.Quarter, Level: f.Level,
				Region: f.Region, Category1: f.Category1}
			for i := range b.items {
				it := &b.items[i]
				k := cubeKey{Kind: it.key.Kind, Level: it.key.Level, Year: it.key.Year, Month: it.key.Month, Region: it.key.Region, Cat1: it.key.Cat1}
				if c.matches(k, sf) {
					add(it.key.Item, it.judged, it.passed)
				}
			}
			continue
		}
		for i := range b.cells {
			cl := &b.cells[i]
			if c.matches(cl.key, f) {
				add(groupKey(cl.key, f.Group), cl.judged, cl.passed)
			}
		}
	}
	rows := make([]StatsRow, 0, len(groups))
	for k, g := range groups {
		g.Failed = g.Judged - g.Passed
		rows = append(rows, StatsRow{Key: k, Count: *g})
	}
	slices.SortFunc(rows, func(a, b StatsRow) int { return strings.Compare(a.Key, b.Key) })
	total.Failed = total.Judged - total.Passed
	return rows, total
}

func groupKey(k cubeKey, g string) string {
	switch g {
	case GroupRegion:
		return k.Region
	case GroupCategory:
		return k.Cat1
	case GroupLevel:
		return string(k.Level)
	case GroupYear:
		return strconv.Itoa(k.Year)
	case GroupQuarter:
		return strconv.Itoa(k.Year) + "-Q" + strconv.Itoa((k.Month+2)/3)
	case GroupMonth:
		return strconv.Itoa(k.Year) + "-" + twoDigits(k.Month)
	case GroupStage:
		return string(k.Stage)
	case GroupLab:
		return strconv.FormatInt(k.Lab, 10)
	}
	return "total"
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
