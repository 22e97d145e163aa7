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
type Cube struct {
	mu      sync.RWMutex
	cells   []cell
	index   map[cubeKey]int
	items   []itemCell
	itemIdx map[itemKey]int
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
	return &Cube{index: map[cubeKey]int{}, itemIdx: map[itemKey]int{}}
}

func keyOf(s *Sample) cubeKey {
	return cubeKey{Kind: s.Kind, Level: s.Level, Year: s.Year, Month: int(s.SampledOn.Month), Region: s.Region,
		Cat1: s.Category1, Stage: s.Stage, Lab: s.LabID}
}

func (k cubeKey) item(name string) itemKey {
	return itemKey{Kind: k.Kind, Level: k.Level, Year: k.Year, Month: k.Month, Region: k.Region, Cat1: k.Cat1, Item: name}
}

func (c *Cube) addLocked(k cubeKey, verdict string, n int64) {
	if verdict != VerdictPass && verdict != VerdictFail {
		return
	}
	i, ok := c.index[k]
	if !ok {
		i = len(c.cells)
		c.cells = append(c.cells, cell{key: k})
		c.index[k] = i
	}
	c.cells[i].judged += n
	if verdict == VerdictPass {
		c.cells[i].passed += n
	}
}

func (c *Cube) addItemLocked(k itemKey, verdict string, n int64) {
	if verdict != VerdictPass && verdict != VerdictFail {
		return
	}
	i, ok := c.itemIdx[k]
	if !ok {
		i = len(c.items)
		c.items = append(c.items, itemCell{key: k})
		c.itemIdx[k] = i
	}
	c.items[i].judged += n
	if verdict == VerdictPass {
		c.items[i].passed += n
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
	c.cells, c.index, c.items, c.itemIdx = fresh.cells, fresh.index, fresh.items, fresh.itemIdx
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
	if f.Group == GroupItem {
		for i := range c.items {
			it := &c.items[i]
			k := cubeKey{Kind: it.key.Kind, Level: it.key.Level, Year: it.key.Year, Month: it.key.Month, Region: it.key.Region, Cat1: it.key.Cat1}
			if f.Stage != "" || f.Lab != 0 || !c.matches(k, StatsFilter{Kind: f.Kind, Year: f.Year, Month: f.Month, Quarter: f.Quarter,
				Level: f.Level, Region: f.Region, Category1: f.Category1}) {
				continue
			}
			add(it.key.Item, it.judged, it.passed)
		}
	} else {
		for i := range c.cells {
			cl := &c.cells[i]
			if !c.matches(cl.key, f) {
				continue
			}
			add(groupKey(cl.key, f.Group), cl.judged, cl.passed)
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
