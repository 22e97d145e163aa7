// Package locale holds qcity's message catalogues: Simplified Chinese (zh-CN, the default)
// and English (en). Each area keeps its own pair of files in catalog/, named
// AREA.zh-CN.json and AREA.en.json; every key must exist in both languages, which a
// test checks. Messages use {name} placeholders filled from an argument map.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"qcity"
)

// Lang is a language tag of a catalogue.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{ZH, EN}

//go:embed catalog/*.json
var catalogFS embed.FS

// Catalogue is the set of messages of every language.
type Catalogue struct {
	msgs map[Lang]map[string]string
}

var defaultCatalogue = mustLoad(catalogFS)

// Default returns the embedded catalogue.
func Default() *Catalogue { return defaultCatalogue }

func mustLoad(fsys fs.FS) *Catalogue {
	c, err := Load(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

// Load reads every catalog/AREA.LANG.json of fsys. A key defined twice in one language
// is an error.
func Load(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	files, err := fs.Glob(fsys, "catalog/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "catalog/"), ".json")
		dot := strings.IndexByte(base, '.')
		if dot < 0 {
			return nil, fmt.Errorf("locale: %s: want AREA.LANG.json", name)
		}
		lang := Lang(base[dot+1:])
		m, ok := c.msgs[lang]
		if !ok {
			return nil, fmt.Errorf("locale: %s: unknown language %q", name, lang)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var kv map[string]string
		if err := json.Unmarshal(b, &kv); err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		for k, v := range kv {
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("locale: %s: key %q defined twice", name, k)
			}
			m[k] = v
		}
	}
	return c, nil
}

// Keys returns the sorted keys of one language.
func (c *Catalogue) Keys(l Lang) []string {
	keys := make([]string, 0, len(c.msgs[l]))
	for k := range c.msgs[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key exists in language l.
func (c *Catalogue) Has(l Lang, key string) bool {
	_, ok := c.msgs[l][key]
	return ok
}

// T returns the message for key in language l with {name} placeholders replaced from
// args. A missing key falls back to Chinese, then to the key itself, so a page never
// breaks; the catalogue test keeps that from happening.
func (c *Catalogue) T(l Lang, key string, args map[string]any) string {
	msg, ok := c.msgs[l][key]
	if !ok {
		msg, ok = c.msgs[ZH][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			break
		}
		name := msg[i+1 : i+j]
		b.WriteString(msg[:i])
		if v, ok := args[name]; ok {
			switch k := v.(type) {
			case qcity.MsgKey:
				// A message named as an argument gets the other arguments, so its own
				// placeholders are filled too ({reason} naming a message with {year}).
				sub := make(map[string]any, len(args))
				for n, a := range args {
					if n != name {
						sub[n] = a
					}
				}
				b.WriteString(c.T(l, string(k), sub))
			default:
				fmt.Fprint(&b, v)
			}
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// Parse returns the language named by s ("zh-CN", "zh", "en", "en-US", …), or ZH.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return EN
	}
	return ZH
}
