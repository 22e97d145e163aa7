package sampling

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Category is a sampling category (抽检类别): for food the four-level tree 大类 → 亚类 →
// 次亚类 → 细类 of the national implementation rules, and a two- or three-level tree for
// manufactured and agricultural products. Categories are data, seeded from
// data/categories.csv and editable by officials; codes are dotted paths ("15.01").
type Category struct {
	Kind       Kind   `json:"kind"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code"`
	Level      int    `json:"level"`
	Active     bool   `json:"active"`
	Path       string `json:"path"` // 酒类/白酒
}

//go:embed data/categories.csv
var categoryFS embed.FS

// seedCategories reads the embedded category list.
func seedCategories() ([]Category, error) {
	f, err := categoryFS.Open("data/categories.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var out []Category
	for i, r := range recs {
		if i == 0 {
			continue
		}
		lvl, err := strconv.Atoi(r[4])
		if err != nil {
			return nil, fmt.Errorf("categories.csv line %d: %w", i+1, err)
		}
		out = append(out, Category{Kind: Kind(r[0]), Code: r[1], Name: r[2], ParentCode: r[3], Level: lvl, Active: true})
	}
	return out, nil
}

// categories is the in-memory copy of the category table, for resolving the category
// text of samples and import rows without a query each.
type categories struct {
	mu     sync.RWMutex
	byCode map[Kind]map[string]*Category
	byName map[Kind]map[string][]*Category // name and full path → categories
	list   []*Category
}

func (c *categories) load(list []Category) {
	byCode := map[Kind]map[string]*Category{}
	byName := map[Kind]map[string][]*Category{}
	ptrs := make([]*Category, len(list))
	for i := range list {
		cat := &list[i]
		ptrs[i] = cat
		if byCode[cat.Kind] == nil {
			byCode[cat.Kind] = map[string]*Category{}
			byName[cat.Kind] = map[string][]*Category{}
		}
		byCode[cat.Kind][cat.Code] = cat
	}
	for _, cat := range ptrs {
		var names []string
		for p := cat; p != nil; p = byCode[cat.Kind][p.ParentCode] {
			names = append([]string{p.Name}, names...)
			if p.ParentCode == "" {
				break
			}
		}
		cat.Path = strings.Join(names, "/")
		byName[cat.Kind][cat.Name] = append(byName[cat.Kind][cat.Name], cat)
		if cat.Path != cat.Name {
			byName[cat.Kind][cat.Path] = append(byName[cat.Kind][cat.Path], cat)
		}
	}
	c.mu.Lock()
	c.byCode, c.byName, c.list = byCode, byName, ptrs
	c.mu.Unlock()
}

// pathSeparators folds the ways people separate category levels to "/".
var pathSeparators = strings.NewReplacer("＞", "/", ">", "/", "\\", "/", "／", "/", " / ", "/")

// resolve finds the category of kind named by text: a code ("15.01"), a name that is
// unique in the tree ("白酒"), or a path ("酒类/白酒", also with ＞, > or \ between
// levels). Inactive categories are not offered for new records.
func (c *categories) resolve(kind Kind, text string) (*Category, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, qcity.Errorf(qcity.EINVALID, "registry.required")
	}
	norm := pathSeparators.Replace(text)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if cat, ok := c.byCode[kind][norm]; ok && cat.Active {
		return cat, nil
	}
	found := c.byName[kind][norm]
	var active []*Category
	for _, f := range found {
		if f.Active {
			active = append(active, f)
		}
	}
	switch len(active) {
	case 1:
		return active[0], nil
	case 0:
		return nil, qcity.Errorf(qcity.EINVALID, "sampling.category_unknown", "category", text, "kind", qcity.MsgKey("sampling.kind."+string(kind)))
	}
	var paths []string
	for _, a := range active {
		paths = append(paths, a.Path)
	}
	return nil, qcity.Errorf(qcity.EINVALID, "sampling.category_ambiguous", "category", text, "paths", strings.Join(paths, "；"))
}

func (c *categories) get(kind Kind, code string) (*Category, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	cat, ok := c.byCode[kind][code]
	return cat, ok
}

// top returns the code of the level-1 ancestor of code ("15.01.02" → "15").
func top(code string) string {
	if i := strings.IndexByte(code, '.'); i >= 0 {
		return code[:i]
	}
	return code
}

// all returns the categories of kind (every kind when empty), in code order.
func (c *categories) all(kind Kind) []Category {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []Category
	for _, cat := range c.list {
		if kind == "" || cat.Kind == kind {
			out = append(out, *cat)
		}
	}
	return out
}

// loadCategories reads the category table, seeding it from the embedded list when
// empty (the first start).
func (s *Service) loadCategories(ctx context.Context) error {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sampling_categories`).Scan(&n); err != nil {
		return qcity.Internal(err)
	}
	if n == 0 {
		seed, err := seedCategories()
		if err != nil {
			return qcity.Internal(err)
		}
		now := s.Clock.Now().UTC()
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, c := range seed {
				if _, err := tx.Exec(ctx, `INSERT INTO sampling_categories (kind, code, name, parent_code, level, active,
					created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, code) DO NOTHING`,
					string(c.Kind), c.Code, c.Name, c.ParentCode, c.Level, true, now, now); err != nil {
					return qcity.Internal(err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	rows, err := s.DB.Query(ctx, `SELECT kind, code, name, parent_code, level, active FROM sampling_categories ORDER BY kind, code`)
	if err != nil {
		return qcity.Internal(err)
	}
	defer rows.Close()
	var list []Category
	for rows.Next() {
		var c Category
		var kind string
		if err := rows.Scan(&kind, &c.Code, &c.Name, &c.ParentCode, &c.Level, &c.Active); err != nil {
			return qcity.Internal(err)
		}
		c.Kind = Kind(kind)
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	s.cats.load(list)
	return nil
}

// Categories returns the categories of a kind (all kinds when empty) with their paths.
func (s *Service) Categories(kind Kind) []Category { return s.cats.all(kind) }

// CategoryInput is a new or renamed category.
type CategoryInput struct {
	Kind       string `json:"kind"`
	ParentCode string `json:"parent_code"`
	Name       string `json:"name"`
	Active     *bool  `json:"active,omitempty"`
}

// SaveCategory adds a category under a parent (code empty) or renames and (de)activates
// one (code given). Officials of the city only. Returns EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) SaveCategory(ctx context.Context, code string, in CategoryInput) (Category, error) {
	a := qcity.ActorFrom(ctx)
	if !a.IsOfficial() || a.Region != "" {
		return Category{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	kind := Kind(in.Kind)
	if !validKind(kind) {
		return Category{}, qcity.Invalid(qcity.Field("kind", "sampling.kind_unknown", "value", in.Kind))
	}
	name := strings.TrimSpace(in.Name)
	if n := len([]rune(name)); n < 1 || n > 50 || strings.ContainsAny(name, "/<>\\") {
		return Category{}, qcity.Invalid(qcity.Field("name", "sampling.category_name"))
	}
	now := s.Clock.Now().UTC()
	var out Category
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if code == "" {
			level := 1
			if in.ParentCode != "" {
				p, ok := s.cats.get(kind, in.ParentCode)
				if !ok {
					return qcity.Invalid(qcity.Field("parent_code", "sampling.category_unknown", "category", in.ParentCode, "kind", qcity.MsgKey("sampling.kind."+string(kind))))
				}
				if p.Level >= 4 {
					return qcity.Invalid(qcity.Field("parent_code", "sampling.category_depth"))
				}
				level = p.Level + 1
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sampling_categories WHERE kind = ? AND parent_code = ?`, string(kind), in.ParentCode).Scan(&n); err != nil {
				return qcity.Internal(err)
			}
			code = fmt.Sprintf("%02d", n+1)
			if in.ParentCode != "" {
				code = in.ParentCode + "." + code
			}
			out = Category{Kind: kind, Code: code, Name: name, ParentCode: in.ParentCode, Level: level, Active: true}
			if _, err := tx.Exec(ctx, `INSERT INTO sampling_categories (kind, code, name, parent_code, level, active, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, string(kind), code, name, in.ParentCode, level, true, now, now); err != nil {
				if db.IsUniqueViolation(err) {
					return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
				}
				return qcity.Internal(err)
			}
			return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "sampling_category",
				ObjectID: string(kind) + ":" + code, Summary: name, After: out})
		}
		before, ok := s.cats.get(kind, code)
		if !ok {
			return qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
		}
		out = *before
		out.Name = name
		if in.Active != nil {
			out.Active = *in.Active
		}
		if _, err := tx.Exec(ctx, `UPDATE sampling_categories SET name = ?, active = ?, updated_at = ? WHERE kind = ? AND code = ?`,
			name, out.Active, now, string(kind), code); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "sampling_category",
			ObjectID: string(kind) + ":" + code, Summary: name, Before: before, After: out})
	})
	if err != nil {
		return Category{}, err
	}
	return out, s.loadCategories(ctx)
}

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}
