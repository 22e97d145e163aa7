// Package industry is the national industry classification GB/T 4754-2017
// 国民经济行业分类: 20 sections (门类, a letter), 97 divisions (大类, 2 digits), 473
// groups (中类, 3 digits) and 1,381 classes (小类, 4 digits). Enterprises are
// registered with a class and supervision plans select enterprises by section or by
// code prefix (Catalogue.Covers).
//
// The data is embedded at build time; nothing is read from disk at run time:
// data/gbt4754_2017_industry_classification.csv, the data values of the array in
// zmshe/capital, file src/utils/category.js, commit
// 0b8f1ae480aadd9f35aca2fd0efb934e9a7101e8 (the file was later deleted from that
// repository). The repository has no LICENSE file; the content is the text of a
// national standard, which is public government information, but the copyright status
// of the transcription is unstated.
//
// Two corrections were made when the CSV was built: 飞机制造 is class 3741 (the source
// labelled it group 374), and 199 groups that the standard prints on one row with their
// only class (e.g. 022/0220 造林和更新) were added under the class's name. The standard
// states 1,380 classes; the source has one more, not yet tracked down.
package industry

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The levels of Class.Level; a code's level is also its length.
const (
	LevelSection  = 1 // 门类: one letter, A to T
	LevelDivision = 2 // 大类: 2 digits
	LevelGroup    = 3 // 中类: 3 digits
	LevelClass    = 4 // 小类: 4 digits
)

// Class is one entry of the classification at any level. ParentCode is empty for a
// section; Section is the section letter of every entry, a section's own code included.
// Description is the standard's explanatory note (说明), or "" where it has none.
type Class struct {
	Code, Name  string
	Level       int
	ParentCode  string
	Section     string
	Description string
}

// Catalogue is an immutable classification indexed by code. It is safe for concurrent
// use.
type Catalogue struct {
	byCode   map[string]Class
	children map[string][]Class // by parent code, sorted by code; "" holds the sections
}

//go:embed data/gbt4754_2017_industry_classification.csv
var classificationCSV []byte

var defaultCatalogue = sync.OnceValue(func() *Catalogue {
	c, err := parse(bytes.NewReader(classificationCSV))
	if err != nil {
		panic("industry: embedded data is corrupt: " + err.Error())
	}
	return c
})

// Default returns the catalogue of the embedded data, parsed on first use. It panics
// if the embedded data is corrupt, which the package tests rule out.
func Default() *Catalogue { return defaultCatalogue() }

const header = "code,name,level,level_name,parent_code,section,description,note"

// parse reads the CSV with the header code,name,level,level_name,parent_code,section,
// description,note. It checks that codes are unique and fit their level, that every
// parent exists one level up with the code's prefix, and that the section letters
// agree along the path.
func parse(f io.Reader) (*Catalogue, error) {
	r := csv.NewReader(f)
	r.FieldsPerRecord = strings.Count(header, ",") + 1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if strings.Join(head, ",") != header {
		return nil, fmt.Errorf("header %q, want %q", strings.Join(head, ","), header)
	}
	c := &Catalogue{byCode: make(map[string]Class, 2000), children: make(map[string][]Class)}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		level, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: level %q", line, rec[2])
		}
		cl := Class{Code: rec[0], Name: rec[1], Level: level, ParentCode: rec[4], Section: rec[5], Description: rec[6]}
		if err := check(cl, rec[3]); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if _, dup := c.byCode[cl.Code]; dup {
			return nil, fmt.Errorf("line %d: duplicate code %s", line, cl.Code)
		}
		c.byCode[cl.Code] = cl
	}
	for _, cl := range c.byCode {
		if cl.Level == LevelSection {
			c.children[""] = append(c.children[""], cl)
			continue
		}
		p, ok := c.byCode[cl.ParentCode]
		if !ok || p.Level != cl.Level-1 || p.Section != cl.Section {
			return nil, fmt.Errorf("%s %s: parent %q is missing, at the wrong level or in another section", cl.Code, cl.Name, cl.ParentCode)
		}
		c.children[p.Code] = append(c.children[p.Code], cl)
	}
	for _, cs := range c.children {
		slices.SortFunc(cs, func(a, b Class) int { return strings.Compare(a.Code, b.Code) })
	}
	return c, nil
}

// levelName is the Chinese name of a level, as in the CSV's level_name column.
func levelName(level int) string {
	switch level {
	case LevelSection:
		return "门类"
	case LevelDivision:
		return "大类"
	case LevelGroup:
		return "中类"
	case LevelClass:
		return "小类"
	}
	return ""
}

// check checks one row on its own: a section is one letter A–Z that is its own
// section; a lower level has as many digits as its level, its parent's code as prefix
// (a division's parent is its section) and the level name of its level.
func check(cl Class, name string) error {
	if levelName(cl.Level) == "" || levelName(cl.Level) != name {
		return fmt.Errorf("%s: level %d %q", cl.Code, cl.Level, name)
	}
	if cl.Name == "" {
		return fmt.Errorf("%s has no name", cl.Code)
	}
	if len(cl.Section) != 1 || cl.Section[0] < 'A' || cl.Section[0] > 'Z' {
		return fmt.Errorf("%s: section %q is not a letter", cl.Code, cl.Section)
	}
	if cl.Level == LevelSection {
		if cl.Code != cl.Section || cl.ParentCode != "" {
			return fmt.Errorf("section %q: code must be its letter, without parent", cl.Code)
		}
		return nil
	}
	if len(cl.Code) != cl.Level || !digits(cl.Code) {
		return fmt.Errorf("code %q is not %d digits", cl.Code, cl.Level)
	}
	if cl.Level == LevelDivision && cl.ParentCode != cl.Section ||
		cl.Level > LevelDivision && cl.ParentCode != cl.Code[:cl.Level-1] {
		return fmt.Errorf("%s: parent %q does not fit the code", cl.Code, cl.ParentCode)
	}
	return nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Get returns the entry with the code. Besides the plain code ("1391", "13", "C") it
// accepts a code written with its section letter in front ("C1391", "C13"), as
// registration records often do, if the letter is the code's section; letters may be
// lower case and surrounding spaces are ignored.
func (c *Catalogue) Get(code string) (Class, bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Class{}, false
	}
	letter := code[0]
	if 'a' <= letter && letter <= 'z' {
		letter -= 'a' - 'A'
	}
	if letter < 'A' || letter > 'Z' {
		cl, ok := c.byCode[code]
		return cl, ok
	}
	if len(code) == 1 {
		cl, ok := c.byCode[string(letter)]
		return cl, ok
	}
	cl, ok := c.byCode[code[1:]]
	if !ok || cl.Level == LevelSection || cl.Section[0] != letter {
		return Class{}, false
	}
	return cl, true
}

// Children returns the entries directly below code (in any form Get accepts), sorted
// by code: a section's divisions, a division's groups, a group's classes. The slice is
// the caller's to keep.
func (c *Catalogue) Children(code string) []Class {
	cl, ok := c.Get(code)
	if !ok {
		return nil
	}
	return slices.Clone(c.children[cl.Code])
}

// Sections returns the 20 sections A to T in order.
func (c *Catalogue) Sections() []Class { return slices.Clone(c.children[""]) }

// Path returns the chain from the section down to code: section, division, group,
// class. It returns nil for an unknown code.
func (c *Catalogue) Path(code string) []Class {
	cl, ok := c.Get(code)
	if !ok {
		return nil
	}
	path := make([]Class, cl.Level)
	for i := cl.Level - 1; i >= 0; i-- {
		path[i] = cl
		cl = c.byCode[cl.ParentCode]
	}
	return path
}

// Covers reports whether the entry filter is code itself or one of its ancestors, so
// a supervision plan aimed at filter reaches an enterprise registered under code.
// filter is a section letter ("C" covers "1391"), a code prefix ("13" and "139" cover
// "1391") or either with its section letter in front ("C13"). Both must be entries of
// the catalogue in a form Get accepts: "1" or "C1" cover nothing, and neither does
// "A13", as 13 is in section C.
func (c *Catalogue) Covers(filter, code string) bool {
	f, ok := c.Get(filter)
	if !ok {
		return false
	}
	cl, ok := c.Get(code)
	if !ok || cl.Section != f.Section {
		return false
	}
	return f.Level == LevelSection || strings.HasPrefix(cl.Code, f.Code)
}
