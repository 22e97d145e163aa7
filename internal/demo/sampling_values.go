package demo

import (
	"slices"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/sampling"
)

// Results. Passing results look like labs' results: residues mostly 未检出, metals and
// quality indices detected well below the limit, plate counts "<10" or small; failing
// results are values published in announcements for the item or multiples of the
// limit, a sampling plan with a unit above M or more than c units above m, 检出 for
// pathogens. The judge (limits.JudgeItem) agrees with every one: the tests check it.

// disagreementOdds is one sample in this many whose lab verdict disagrees with
// qcity's judgement.
const disagreementOdds = 2000

// items draws the test items of a sample: the category's first Must items, others up
// to 3–5 in all, and the failing item when the sample fails (sometimes a second one
// of the same cause).
func (g *samplingGen) items(cat *catDef, prod *product, failing *itemSpec, d qcity.Date) []sampling.ItemInput {
	panel := cat.Items
	if len(prod.Items) > 0 {
		panel = slices.Clone(panel)
		for i, it := range panel {
			for _, o := range prod.Items {
				if o.Name == it.Name {
					panel[i] = o
				}
			}
		}
		if failing != nil {
			for _, o := range prod.Items {
				if o.Name == failing.Name {
					failing = o
				}
			}
		}
	}
	n := 4
	switch x := g.r.IntN(10); {
	case x < 3:
		n = 3
	case x >= 7:
		n = 5
	}
	n = min(max(n, cat.Must), len(panel))
	chosen := make([]bool, len(panel))
	for i := range cat.Must {
		chosen[i] = true
	}
	for _, i := range g.r.Perm(len(panel) - cat.Must)[:n-cat.Must] {
		chosen[cat.Must+i] = true
	}
	failAt := -1
	if failing != nil {
		failAt = slices.Index(panel, failing)
		if !chosen[failAt] {
			// Test the failing item instead of one of the optional ones (or add it).
			var opt []int
			for i := cat.Must; i < len(panel); i++ {
				if chosen[i] {
					opt = append(opt, i)
				}
			}
			if len(opt) > 0 {
				chosen[opt[g.r.IntN(len(opt))]] = false
			}
			chosen[failAt] = true
		}
	}
	fails := make([]bool, len(panel))
	if failAt >= 0 {
		fails[failAt] = true
		if g.r.IntN(100) < 6 {
			var same []int
			for i, it := range panel {
				if chosen[i] && i != failAt && it.Cause == failing.Cause {
					same = append(same, i)
				}
			}
			if len(same) > 0 {
				fails[same[g.r.IntN(len(same))]] = true
			}
		}
	}
	out := make([]sampling.ItemInput, 0, n)
	var idx []int
	for i, it := range panel {
		if !chosen[i] {
			continue
		}
		in := sampling.ItemInput{Item: it.Name, Unit: it.Unit, Limit: it.Limit, Standard: stdFor(it.Std, d.Year, int(d.Month), d.Day)}
		if fails[i] {
			in.Result, in.LabVerdict = g.failValue(it, prod.Name), "不合格"
		} else {
			in.Result, in.LabVerdict = g.passValue(it), "合格"
		}
		out = append(out, in)
		idx = append(idx, i)
	}
	if g.r.IntN(disagreementOdds) == 0 {
		g.disagree(out, idx, panel, fails)
	}
	return out
}

// disagree makes the lab's verdict on one item differ from qcity's: a passing value on
// the limit that the lab called a failure, or a failing value just above the limit
// that a lab comparing rounded values called a pass. The sample then waits in review.
func (g *samplingGen) disagree(out []sampling.ItemInput, idx []int, panel []*itemSpec, fails []bool) {
	var failing, passing []int
	for k, i := range idx {
		if it := panel[i]; it.Kind == lkMax && !it.Micro {
			if fails[i] {
				failing = append(failing, k)
			} else {
				passing = append(passing, k)
			}
		}
	}
	switch {
	case len(failing) > 0:
		k := failing[g.r.IntN(len(failing))]
		it := panel[idx[k]]
		s := resultScale(it.v)
		out[k].Result, out[k].LabVerdict = format(it.v.at(s)+1, s), "合格"
	case len(passing) > 0:
		k := passing[g.r.IntN(len(passing))]
		it := panel[idx[k]]
		s := resultScale(it.v)
		out[k].Result, out[k].LabVerdict = format(it.v.at(s), s), "不合格"
	}
}

// between draws a value from lo to hi inclusive.
func (g *samplingGen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.r.Int64N(hi-lo+1)
}

func (g *samplingGen) passValue(it *itemSpec) string {
	switch it.Kind {
	case lkMax:
		if it.Micro {
			l := it.v.at(0)
			if g.r.IntN(1000) < it.ND || l < 10 {
				return "<10"
			}
			return strconv.FormatInt(g.between(10, l*int64(it.PHi)/1000), 10)
		}
		if g.r.IntN(1000) < it.ND {
			return "未检出"
		}
		s := resultScale(it.v)
		l := it.v.at(s)
		v := g.between(max(1, l*int64(it.PLo)/1000), max(1, l*int64(it.PHi)/1000))
		return format(min(v, l), s)
	case lkMin:
		s := resultScale(it.v)
		l := it.v.at(s)
		return format(max(l, g.between(l*int64(it.PLo)/1000, l*int64(it.PHi)/1000)), s)
	case lkRange:
		s := max(it.lo.s, it.hi.s, 1)
		return format(g.between(it.lo.at(s), it.hi.at(s)), s)
	case lkPlan:
		lod := int64(10)
		if it.m < 10 {
			lod = 1
		}
		vals := make([]string, it.n)
		for i := range vals {
			if g.r.IntN(2) == 0 {
				vals[i] = "<" + strconv.FormatInt(lod, 10)
			} else {
				vals[i] = countText(g.between(lod, it.m))
			}
		}
		return strings.Join(vals, ", ")
	case lkNegative:
		return "阴性"
	case lkCount:
		return "0"
	}
	return "未检出" // lkND, lkPresence
}

// failFactors are multiples of the limit (per mille) of synthetic failing values:
// most failures are near the limit, a few far above.
var failFactors = []struct {
	PerMille int64
	Weight   uint64
}{{1150, 5}, {1300, 6}, {1600, 6}, {2000, 5}, {3000, 4}, {5000, 3}, {10000, 2}, {30000, 1}}

func (g *samplingGen) factor() int64 {
	var total uint64
	for _, f := range failFactors {
		total += f.Weight
	}
	x := g.r.Uint64N(total)
	for _, f := range failFactors {
		if x < f.Weight {
			return f.PerMille
		}
		x -= f.Weight
	}
	return 2000
}

// published returns a value published for the item, preferring the same food, or "".
func (g *samplingGen) published(it *itemSpec, food string) string {
	cd, _ := loadCatalogue()
	vals := cd.published[it]
	if len(vals) == 0 {
		return ""
	}
	var same []string
	for _, v := range vals {
		if strings.Contains(food, v.Food) || strings.Contains(v.Food, food) {
			same = append(same, v.Result)
		}
	}
	switch x := g.r.IntN(100); {
	case len(same) > 0 && x < 70:
		return same[g.r.IntN(len(same))]
	case x < 35:
		return vals[g.r.IntN(len(vals))].Result
	}
	return ""
}

func (g *samplingGen) failValue(it *itemSpec, food string) string {
	switch it.Kind {
	case lkMax:
		if it.Micro {
			l := it.v.at(0)
			v := l * g.between(1200, 20000) / 1000
			for parseCount(countText(v)) <= l {
				v = v*2 + 1
			}
			return countText(v)
		}
		if v := g.published(it, food); v != "" {
			return v
		}
		s := resultScale(it.v)
		l := it.v.at(s)
		f := g.factor()
		v := l * g.between(f*95/100, f*105/100) / 1000
		return format(max(v, l+1), s)
	case lkND:
		if v := g.published(it, food); v != "" {
			return v
		}
		s := max(it.Det[0].s, it.Det[1].s)
		lo, hi := it.Det[0].at(s), it.Det[1].at(s)
		// Skewed to the low end: most detections are small.
		u := g.r.Int64N(1000)
		v := lo + (hi-lo)*u*u/1000/1000*u/1000
		return format(max(v, 1), s)
	case lkMin:
		s := resultScale(it.v)
		l := it.v.at(s)
		return format(min(g.between(l*850/1000, l*990/1000), l-1), s)
	case lkRange:
		s := max(it.lo.s, it.hi.s, 1)
		lo, hi := it.lo.at(s), it.hi.at(s)
		if g.r.IntN(100) < 75 {
			return format(min(g.between(lo*850/1000, lo*985/1000), lo-1), s)
		}
		return format(max(g.between(hi*1015/1000, hi*1100/1000), hi+1), s)
	case lkPlan:
		vals := make([]int64, it.n)
		for i := range vals {
			vals[i] = g.between(0, it.m)
		}
		if g.r.IntN(2) == 0 {
			// One unit above M.
			v := it.M * g.between(1500, 9000) / 1000
			for parseCount(countText(v)) <= it.M {
				v = v*2 + 1
			}
			vals[g.r.IntN(it.n)] = v
		} else {
			// More than c units above m (but not above M).
			for _, i := range g.r.Perm(it.n)[:it.c+1] {
				v := g.between(it.m*3/2+1, max(it.m*3/2+1, it.M*95/100))
				for parseCount(countText(v)) <= it.m {
					v++
				}
				vals[i] = min(v, it.M)
			}
		}
		out := make([]string, it.n)
		for i, v := range vals {
			if v < 10 && it.m >= 10 {
				out[i] = "<10"
			} else {
				out[i] = countText(v)
			}
		}
		return strings.Join(out, ", ")
	case lkPresence:
		return "检出"
	case lkNegative:
		return "阳性"
	case lkCount:
		switch x := g.r.IntN(100); {
		case x < 70:
			return "1"
		case x < 92:
			return "2"
		}
		return "3"
	}
	return ""
}

// countText writes a plate count as labs do: exact below 1,000, else with two
// significant digits, rounded down: 3.1×10^4.
func countText(v int64) string {
	if v < 1000 {
		return strconv.FormatInt(v, 10)
	}
	e := 0
	for x := v; x >= 100; x /= 10 {
		e++
	}
	m := v
	for range e {
		m /= 10
	}
	return strconv.FormatInt(m/10, 10) + "." + strconv.FormatInt(m%10, 10) + "×10^" + strconv.Itoa(e+1)
}

// parseCount reads what countText writes.
func parseCount(s string) int64 {
	a, e, ok := strings.Cut(s, "×10^")
	if !ok {
		v, _ := strconv.ParseInt(s, 10, 64)
		return v
	}
	ip, fp, _ := strings.Cut(a, ".")
	m, _ := strconv.ParseInt(ip+fp, 10, 64)
	n, _ := strconv.Atoi(e)
	for range n - len(fp) {
		m *= 10
	}
	return m
}
