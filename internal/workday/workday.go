// Package workday is China's working-day calendar (工作日): weekends, the public
// holidays the State Council General Office announces each year, and the weekend days
// it turns into make-up working days (调休).
//
// A day is a working day if it is Monday to Friday and not announced as a day off, or
// if it is announced as a make-up working day. Deadlines counted in working days use
// AddWorkingDays; deadlines counted in calendar days use AddCalendarDays, which moves a
// deadline that falls on a day off to the next working day (SAMR Order 18 Art. 55,
// RULES.md §6).
//
// The data is embedded at build time; nothing is read from disk at run time:
// data/holidays-cn.csv, transcribed from the State Council General Office's annual
// notices by NateScarlet/holiday-cn, files 2015.json to 2027.json, commit
// d4e53bf2143de9a85bbd0a916c6c4adac32b075f, licence MIT (Copyright (c) 2019
// NateScarlet; data/LICENSE-holiday-cn). The file holds the years 2015 to 2026: the
// 2027 notice had not been published at that commit. Outside the covered years (see
// Calendar.Covers) only weekends are days off, so dates after 2026 need the next
// year's data before they can be trusted.
package workday

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"qcity"
)

// Calendar answers working-day questions. It is immutable and safe for concurrent use.
//
// Days are handled as day numbers (days since 1970-01-01). Inside the covered years a
// table holds each day's status and the running count of working days, so every
// method costs O(1) or, for AddWorkingDays, a binary search; outside, weekends are
// counted by arithmetic.
type Calendar struct {
	first, last int            // the covered day numbers: 1 January of the first year to 31 December of the last
	working     []bool         // working[x-first]: whether day x is a working day
	count       []int32        // count[x-first]: working days in [first, x]
	holidays    map[int]string // listed days off by day number: the holiday's name
	base        int            // weekdays(first-1): the running count before the covered years
}

//go:embed data/holidays-cn.csv
var holidaysCSV []byte

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := parse(bytes.NewReader(holidaysCSV))
	if err != nil {
		panic("workday: embedded data is corrupt: " + err.Error())
	}
	return c
})

// Default returns the calendar of the embedded data, parsed on first use. It panics
// if the embedded data is corrupt, which the package tests rule out.
func Default() *Calendar { return defaultCalendar() }

// parse reads the CSV with the header date,name,is_off_day,source. Every year from the
// first to the last listed must have rows: a year without any would silently count as
// weekends only while Covers claimed it.
func parse(f io.Reader) (*Calendar, error) {
	r := csv.NewReader(f)
	r.FieldsPerRecord = 4
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if strings.Join(head, ",") != "date,name,is_off_day,source" {
		return nil, fmt.Errorf("header %q, want date,name,is_off_day,source", strings.Join(head, ","))
	}
	type row struct {
		day  int
		name string
		off  bool
	}
	var rows []row
	years := map[int]bool{}
	seen := map[int]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		d, err := qcity.ParseDate(rec[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if rec[1] == "" {
			return nil, fmt.Errorf("line %d: %s has no name", line, rec[0])
		}
		if rec[2] != "0" && rec[2] != "1" {
			return nil, fmt.Errorf("line %d: is_off_day %q is not 0 or 1", line, rec[2])
		}
		x := dayNumber(d)
		if seen[x] {
			return nil, fmt.Errorf("line %d: duplicate date %s", line, rec[0])
		}
		seen[x] = true
		years[d.Year] = true
		rows = append(rows, row{x, rec[1], rec[2] == "1"})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no rows")
	}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	slices.Sort(keys)
	firstYear, lastYear := keys[0], keys[len(keys)-1]
	if len(keys) != lastYear-firstYear+1 {
		return nil, fmt.Errorf("years %d to %d are not all listed: %v", firstYear, lastYear, keys)
	}

	c := &Calendar{
		first:    dayNumber(qcity.Date{Year: firstYear, Month: 1, Day: 1}),
		last:     dayNumber(qcity.Date{Year: lastYear, Month: 12, Day: 31}),
		holidays: make(map[int]string),
	}
	n := c.last - c.first + 1
	c.working = make([]bool, n)
	for i := range c.working {
		c.working[i] = isWeekday(c.first + i)
	}
	for _, r := range rows {
		c.working[r.day-c.first] = !r.off
		if r.off {
			c.holidays[r.day] = r.name
		}
	}
	c.count = make([]int32, n)
	var k int32
	for i, w := range c.working {
		if w {
			k++
		}
		c.count[i] = k
	}
	c.base = weekdays(c.first - 1)
	return c, nil
}

// Covers reports whether d lies in the years the holiday data covers (2015 to 2026
// for the embedded data). Outside them the calendar knows no holidays or make-up
// days: only Saturdays and Sundays are days off, so a deadline computed across the
// edge may come out early. Callers that must be exact should check Covers first.
func (c *Calendar) Covers(d qcity.Date) bool {
	x := dayNumber(d)
	return c.first <= x && x <= c.last
}

// IsWorkingDay reports whether d is a working day: Monday to Friday and not an
// announced day off, or an announced make-up working day (调休).
func (c *Calendar) IsWorkingDay(d qcity.Date) bool { return c.isWorking(dayNumber(d)) }

func (c *Calendar) isWorking(x int) bool {
	if c.first <= x && x <= c.last {
		return c.working[x-c.first]
	}
	return isWeekday(x)
}

// Holiday returns the name of the public holiday d belongs to, such as "国庆节", if d
// is an announced day off (weekend days inside a holiday included). Make-up working
// days are working days, not holidays: ok is false for them, as for ordinary days.
func (c *Calendar) Holiday(d qcity.Date) (name string, ok bool) {
	name, ok = c.holidays[dayNumber(d)]
	return name, ok
}

// AddWorkingDays returns the n-th working day after d, d itself not counted, so
// AddWorkingDays(d, 1) is the next working day whatever d is. n = 0 returns d
// unchanged, working day or not. A negative n counts back: AddWorkingDays(d, -1) is
// the last working day before d.
func (c *Calendar) AddWorkingDays(d qcity.Date, n int) qcity.Date {
	if n == 0 {
		return d
	}
	x := dayNumber(d)
	var k int
	if n > 0 {
		// The first day t > x with running(t) = running(x) + n is the n-th working
		// day after x.
		k = c.running(x) + n
	} else {
		// The |n|-th working day t before x has |n| working days in [t, x), so
		// running(t) = running(x-1) - |n| + 1.
		k = c.running(x-1) + n + 1
	}
	return dateOf(c.firstReaching(k))
}

// WorkingDaysBetween returns the number of working days in (from, to]: after from, up
// to and including to. It is negative if to is before from: minus the number of
// working days in (to, from]. For n >= 0, WorkingDaysBetween(d, AddWorkingDays(d, n))
// is n.
func (c *Calendar) WorkingDaysBetween(from, to qcity.Date) int {
	return c.running(dayNumber(to)) - c.running(dayNumber(from))
}

// RollForward returns d if it is a working day, or else the next working day. SAMR
// Order 18 Art. 55 (RULES.md §6): a deadline in calendar days that falls on a
// holiday or weekend ends on the next working day; a make-up working day is a
// working day and does not roll.
func (c *Calendar) RollForward(d qcity.Date) qcity.Date {
	if c.IsWorkingDay(d) {
		return d
	}
	return c.AddWorkingDays(d, 1)
}

// AddCalendarDays returns the deadline n calendar days after d: d plus n days,
// rolled forward to a working day (SAMR Order 18 Art. 55, RULES.md §6), e.g. the
// 15-day objection period after a sampling result is notified.
func (c *Calendar) AddCalendarDays(d qcity.Date, n int) qcity.Date {
	return c.RollForward(d.AddDays(n))
}

// running returns the running count of working days up to and including day x,
// counted from an arbitrary origin: running(b) - running(a) is the number of working
// days in (a, b]. It rises by one exactly on working days.
func (c *Calendar) running(x int) int {
	switch {
	case x < c.first:
		return weekdays(x)
	case x <= c.last:
		return c.base + int(c.count[x-c.first])
	default:
		return c.afterOffset() + weekdays(x)
	}
}

// afterOffset makes running continuous past the covered years.
func (c *Calendar) afterOffset() int {
	return c.base + int(c.count[len(c.count)-1]) - weekdays(c.last)
}

// firstReaching returns the first day x with running(x) >= k. As running rises by
// one on each working day and only then, x is a working day and running(x) = k.
func (c *Calendar) firstReaching(k int) int {
	switch {
	case k <= c.base:
		return firstWeekdayReaching(k)
	case k <= c.base+int(c.count[len(c.count)-1]):
		i, _ := slices.BinarySearch(c.count, int32(k-c.base))
		return c.first + i
	default:
		return firstWeekdayReaching(k - c.afterOffset())
	}
}

// monday0 is the day number of Monday 1970-01-05, the origin of weekday counting.
const monday0 = 4

// weekdays returns the number of Mondays to Fridays in [1970-01-05, x], extended to
// earlier days so that it always rises by one on a weekday and stays on a weekend.
func weekdays(x int) int {
	w, r := floorDiv(x-monday0, 7)
	return 5*w + min(r+1, 5)
}

// firstWeekdayReaching returns the first day x with weekdays(x) >= k, a weekday.
func firstWeekdayReaching(k int) int {
	w, r := floorDiv(k-1, 5)
	return monday0 + 7*w + r
}

// isWeekday reports whether day x is Monday to Friday. Day 0, 1970-01-01, was a
// Thursday.
func isWeekday(x int) bool {
	_, r := floorDiv(x-monday0, 7)
	return r < 5
}

// floorDiv returns the quotient rounded down and the remainder in [0, b).
func floorDiv(a, b int) (q, r int) {
	q, r = a/b, a%b
	if r < 0 {
		q, r = q-1, r+b
	}
	return q, r
}

// dayNumber returns the days from 1970-01-01 to d in the proleptic Gregorian
// calendar. An out-of-range month or day is normalised as qcity.NewDate does. The
// algorithm is Howard Hinnant's days_from_civil.
func dayNumber(d qcity.Date) int {
	yAdd, m := floorDiv(int(d.Month)-1, 12)
	y, m := d.Year+yAdd, m+1
	if m <= 2 {
		y--
	}
	era, yoe := floorDiv(y, 400)
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOf is the inverse of dayNumber (Hinnant's civil_from_days).
func dateOf(x int) qcity.Date {
	era, doe := floorDiv(x+719468, 146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return qcity.Date{Year: y, Month: time.Month(m), Day: day}
}
