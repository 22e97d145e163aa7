package nameindex

import "strings"

// filter is the attribute part of a Query.
type filter struct {
	region   string
	industry string // as given; "" = any
	// In section mode (a sectionOf function and a leading letter) industry is a
	// section letter sec and a code prefix, "C" or "C13".
	secMode         bool
	sec, codePrefix string
	status, kind    string
}

func newFilter(q *Query, sections bool) filter {
	f := filter{region: q.Region, industry: q.Industry, status: q.Status, kind: q.Type}
	if sections && f.industry != "" {
		if c := f.industry[0]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			f.secMode = true
			f.sec = strings.ToUpper(f.industry[:1])
			f.codePrefix = f.industry[1:]
		}
	}
	return f
}

// industryOK reports whether an industry code, of section letter section, passes.
func (f *filter) industryOK(code, section string) bool {
	switch {
	case f.industry == "":
		return true
	case code == "":
		return false
	case f.secMode:
		return section == f.sec && strings.HasPrefix(code, f.codePrefix)
	}
	return strings.HasPrefix(code, f.industry)
}

// classOK reports whether a class passes the filters other than the region.
func (f *filter) classOK(c *attrClass) bool {
	return f.industryOK(c.industry, c.section) &&
		(f.status == "" || c.status == f.status) &&
		(f.kind == "" || c.kind == f.kind)
}

// liveOK reports whether a delta document passes the filter.
func (f *filter) liveOK(d *liveDoc) bool {
	return strings.HasPrefix(d.region, f.region) && f.classOK(&d.class)
}

// segFilter is a filter compiled against the dictionaries of a segment: tables of
// the allowed regions and classes, 1 for allowed. When the filter is active both
// tables are set, so that a document is checked without branches.
type segFilter struct {
	region, class []uint8
	active        bool // some filter is set
	empty         bool // no document of the segment can pass
}

func (s *segment) compile(f *filter) segFilter {
	var sf segFilter
	if f.region == "" && f.industry == "" && f.status == "" && f.kind == "" {
		return sf
	}
	sf.active = true
	sf.region = make([]uint8, len(s.regions))
	some := uint8(0)
	for i, r := range s.regions {
		if strings.HasPrefix(r, f.region) {
			sf.region[i] = 1
			some = 1
		}
	}
	sf.class = make([]uint8, len(s.classes))
	someClass := uint8(0)
	for i := range s.classes {
		if f.classOK(&s.classes[i]) {
			sf.class[i] = 1
			someClass = 1
		}
	}
	sf.empty = some&someClass == 0
	return sf
}

// ok reports whether document ord of s passes an active filter.
func (sf *segFilter) ok(s *segment, ord uint32) bool {
	return sf.region[s.region[ord]]&sf.class[s.class[ord]] != 0
}
