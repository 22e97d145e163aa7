package workday

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"qcity"
)

func date(s string) qcity.Date {
	d, err := qcity.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		date    string
		working bool
		holiday string
	}{
		{"2024-09-29", true, ""}, // Sunday, make-up day for National Day
		{"2024-09-30", true, ""},
		{"2024-10-01", false, "国庆节"},
		{"2024-10-02", false, "国庆节"},
		{"2024-10-03", false, "国庆节"},
		{"2024-10-04", false, "国庆节"},
		{"2024-10-05", false, "国庆节"}, // Saturday inside the holiday
		{"2024-10-06", false, "国庆节"},
		{"2024-10-07", false, "国庆节"},
		{"2024-10-08", true, ""},
		{"2024-10-12", true, ""},  // Saturday, make-up day
		{"2024-10-13", false, ""}, // an ordinary Sunday
		{"2024-09-14", true, ""},  // Saturday, make-up day for Mid-Autumn
		{"2024-09-17", false, "中秋节"},
		{"2026-02-14", true, ""}, // Saturday, make-up day for Spring Festival
		{"2026-02-17", false, "春节"},
		{"2026-02-23", false, "春节"},
		{"2026-02-24", true, ""},
		{"2026-02-28", true, ""},
		{"2020-02-03", true, ""}, // a Monday the data lists as a working day
		{"2015-01-04", true, ""}, // Sunday, make-up day, the first covered week
		// Outside the covered years only weekends are days off (documented on Covers).
		{"2027-01-01", true, ""},
		{"2027-01-02", false, ""},
		{"2014-10-01", true, ""},
	}
	for _, tt := range tests {
		d := date(tt.date)
		if got := c.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
		}
		name, ok := c.Holiday(d)
		if name != tt.holiday || ok != (tt.holiday != "") {
			t.Errorf("Holiday(%s) = %q, %v; want %q", tt.date, name, ok, tt.holiday)
		}
	}
}

func TestCovers(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		date string
		want bool
	}{
		{"2014-12-31", false},
		{"2015-01-01", true},
		{"2024-10-01", true},
		{"2026-12-31", true},
		{"2027-01-01", false}, // the data has no 2027 rows yet
	}
	for _, tt := range tests {
		if got := c.Covers(date(tt.date)); got != tt.want {
			t.Errorf("Covers(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-06-30", 10, "2025-07-14"},
		{"2025-06-30", 0, "2025-06-30"},
		{"2025-07-05", 0, "2025-07-05"}, // n = 0 keeps a Saturday
		{"2025-07-05", 1, "2025-07-07"},
		{"2025-07-14", -10, "2025-06-30"},
		{"2025-07-06", -1, "2025-07-04"},
		// Spring Festival 2026: 02-14 (Saturday) is worked, 02-15..23 are off.
		{"2026-02-13", 1, "2026-02-14"},
		{"2026-02-13", 2, "2026-02-24"},
		{"2026-02-12", 5, "2026-02-26"},
		{"2026-02-24", -1, "2026-02-14"},
		{"2026-02-24", -2, "2026-02-13"},
		{"2026-02-18", -1, "2026-02-14"},
		{"2026-02-18", 1, "2026-02-24"},
		{"2026-02-27", 1, "2026-02-28"}, // Saturday, make-up day
		// National Day 2024.
		{"2024-09-30", 1, "2024-10-08"},
		{"2024-09-27", 1, "2024-09-29"},
		{"2024-10-08", -1, "2024-09-30"},
		{"2024-10-11", 1, "2024-10-12"},
		// Across the edges of the covered years.
		{"2015-01-05", -3, "2014-12-30"},
		{"2014-12-31", 1, "2015-01-04"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2027-01-04", -1, "2027-01-01"}, // a Friday: outside the data, no 元旦
		{"2027-01-04", -2, "2026-12-31"},
		{"2010-01-01", 5, "2010-01-08"},
		{"2030-01-01", -5, "2029-12-25"},
	}
	for _, tt := range tests {
		if got := c.AddWorkingDays(date(tt.from), tt.n); got != date(tt.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-06-30", "2025-07-14", 10},
		{"2025-07-14", "2025-06-30", -10},
		{"2025-06-30", "2025-06-30", 0},
		{"2024-09-30", "2024-10-08", 1},
		{"2024-09-30", "2024-10-07", 0},
		{"2024-09-28", "2024-10-12", 7}, // 09-29, 09-30, 10-08..11 and 10-12
		{"2026-02-13", "2026-02-28", 6},
		{"2026-02-28", "2026-02-13", -6},
		{"2024-01-01", "2025-01-01", 251}, // the 251 working days of 2024
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(date(tt.from), date(tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// Order 18 Art. 55: a calendar-day deadline on a day off rolls to the next working day.
func TestRollForwardAndCalendarDays(t *testing.T) {
	t.Parallel()
	c := Default()
	roll := []struct{ date, want string }{
		{"2025-10-01", "2025-10-09"}, // National Day and Mid-Autumn 2025: 10-01..08 off
		{"2025-10-08", "2025-10-09"},
		{"2025-10-09", "2025-10-09"},
		{"2025-10-11", "2025-10-11"}, // Saturday, make-up day: no roll
		{"2025-10-12", "2025-10-13"},
		{"2026-02-15", "2026-02-24"},
		{"2026-12-26", "2026-12-28"},
		{"2027-10-01", "2027-10-01"}, // outside the data: a Friday counts as worked
	}
	for _, tt := range roll {
		if got := c.RollForward(date(tt.date)); got != date(tt.want) {
			t.Errorf("RollForward(%s) = %s, want %s", tt.date, got, tt.want)
		}
	}
	add := []struct {
		from string
		n    int
		want string
	}{
		{"2025-09-16", 15, "2025-10-09"}, // 15-day objection period ending on 10-01
		{"2025-09-26", 15, "2025-10-11"}, // ends on a make-up Saturday
		{"2025-09-01", 7, "2025-09-08"},
		{"2025-09-06", 7, "2025-09-15"},  // ends on a Saturday
		{"2026-01-01", 60, "2026-03-02"}, // 60-day rectification: Sunday 03-01 rolls
		{"2025-10-01", 0, "2025-10-09"},
	}
	for _, tt := range add {
		if got := c.AddCalendarDays(date(tt.from), tt.n); got != date(tt.want) {
			t.Errorf("AddCalendarDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

// naiveAdd and naiveBetween restate the definitions day by day.
func naiveAdd(c *Calendar, d qcity.Date, n int) qcity.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

func naiveBetween(c *Calendar, from, to qcity.Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

func randomDate(r *rand.Rand) qcity.Date {
	// 2013 to 2028: the covered years and two on either side.
	return qcity.NewDate(2013, 1, 1).AddDays(r.IntN(16 * 366))
}

// Over random dates AddWorkingDays and WorkingDaysBetween match the day-by-day
// definitions and invert each other.
func TestAddAndBetweenProperties(t *testing.T) {
	t.Parallel()
	c := Default()
	r := rand.New(rand.NewPCG(20251001, 55))
	for range 5000 {
		d := randomDate(r)
		n := r.IntN(601) - 300
		got := c.AddWorkingDays(d, n)
		if want := naiveAdd(c, d, n); got != want {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", d, n, got, want)
		}
		if n != 0 && !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", d, n, got)
		}
		switch between := c.WorkingDaysBetween(d, got); {
		case n >= 0 && between != n:
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d, got, between, n)
		case n < 0 && c.WorkingDaysBetween(got.AddDays(-1), d.AddDays(-1)) != -n:
			// Counting back, got is the first of the |n| working days in [got, d).
			t.Fatalf("%s: %d working days in [%s, %s), want %d", d, c.WorkingDaysBetween(got.AddDays(-1), d.AddDays(-1)), got, d, -n)
		}

		to := d.AddDays(r.IntN(1201) - 600)
		m := c.WorkingDaysBetween(d, to)
		if want := naiveBetween(c, d, to); m != want {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d, to, m, want)
		}
		if m != -c.WorkingDaysBetween(to, d) {
			t.Fatalf("WorkingDaysBetween(%s, %s) is not antisymmetric", d, to)
		}
		// AddWorkingDays(d, m) is to itself if to is a working day after d, else the
		// last working day before it (or d when there is none in between).
		if to.After(d) {
			back := to
			for !c.IsWorkingDay(back) && back.After(d) {
				back = back.AddDays(-1)
			}
			if got := c.AddWorkingDays(d, m); got != back {
				t.Fatalf("AddWorkingDays(%s, WorkingDaysBetween(…, %s) = %d) = %s, want %s", d, to, m, got, back)
			}
		}
	}
}

func TestRollForwardProperties(t *testing.T) {
	t.Parallel()
	c := Default()
	r := rand.New(rand.NewPCG(18, 55))
	for range 5000 {
		d := randomDate(r)
		got := c.RollForward(d)
		if !c.IsWorkingDay(got) || got.Before(d) || c.WorkingDaysBetween(d.AddDays(-1), got.AddDays(-1)) != 0 {
			t.Fatalf("RollForward(%s) = %s", d, got)
		}
	}
}

// dayNumber and dateOf agree with package time, including unnormalised dates.
func TestDayNumber(t *testing.T) {
	t.Parallel()
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for x := -800000; x <= 800000; x += 7 {
		tm := epoch.AddDate(0, 0, x)
		d := qcity.DateOf(tm.Add(-8 * time.Hour)) // DateOf reads China's time zone
		if got := dayNumber(d); got != x {
			t.Fatalf("dayNumber(%s) = %d, want %d", d, got, x)
		}
		if got := dateOf(x); got != d {
			t.Fatalf("dateOf(%d) = %s, want %s", x, got, d)
		}
		if got, want := isWeekday(x), tm.Weekday() != time.Saturday && tm.Weekday() != time.Sunday; got != want {
			t.Fatalf("isWeekday(%s) = %v", d, got)
		}
	}
	odd := []struct {
		y int
		m time.Month
		d int
	}{{2024, 13, 1}, {2024, 0, 0}, {2024, 2, 30}, {2024, 1, -1}, {2024, -14, 400}, {0, 0, 0}}
	for _, o := range odd {
		d := qcity.Date{Year: o.y, Month: o.m, Day: o.d}
		n := qcity.NewDate(d.Year, d.Month, d.Day)
		if dayNumber(d) != dayNumber(n) {
			t.Errorf("dayNumber(%+v) != dayNumber(%s)", d, n)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const head = "date,name,is_off_day,source\n"
	tests := []struct{ name, csv, want string }{
		{"header", "date,name\n", "header"},
		{"empty", head, "no rows"},
		{"fields", head + "2024-10-01,国庆节,1\n", "wrong number of fields"},
		{"date", head + "2024-10-32,国庆节,1,\n", "not a YYYY-MM-DD"},
		{"off", head + "2024-10-01,国庆节,yes,\n", "is_off_day"},
		{"name", head + "2024-10-01,,1,\n", "no name"},
		{"duplicate", head + "2024-10-01,国庆节,1,\n2024-10-01,国庆节,1,\n", "duplicate"},
		{"gap", head + "2023-10-01,国庆节,1,\n2025-10-01,国庆节,1,\n", "not all listed"},
	}
	for _, tt := range tests {
		_, err := parse(strings.NewReader(tt.csv))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// Any date and count give a working day (n != 0) that WorkingDaysBetween inverts.
func FuzzAddWorkingDays(f *testing.F) {
	f.Add(2025, 6, 30, 10)
	f.Add(2026, 2, 13, -2)
	f.Add(1, 1, 1, 1000)
	c := Default()
	f.Fuzz(func(t *testing.T, y, m, d, n int) {
		if y < -100000 || y > 100000 || m < -1000 || m > 1000 || d < -100000 || d > 100000 || n < -100000 || n > 100000 {
			t.Skip()
		}
		from := qcity.NewDate(y, time.Month(m), d)
		got := c.AddWorkingDays(from, n)
		if n == 0 {
			return
		}
		if !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", from, n, got)
		}
		if n > 0 && c.WorkingDaysBetween(from, got) != n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", from, got, c.WorkingDaysBetween(from, got), n)
		}
	})
}

func BenchmarkAddWorkingDays20(b *testing.B) {
	c := Default()
	d := date("2026-02-01")
	for b.Loop() {
		c.AddWorkingDays(d, 20)
	}
}

func BenchmarkAddWorkingDays20Outside(b *testing.B) {
	c := Default()
	d := date("2028-02-01")
	for b.Loop() {
		c.AddWorkingDays(d, 20)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := Default()
	from, to := date("2025-06-30"), date("2025-12-31")
	for b.Loop() {
		c.WorkingDaysBetween(from, to)
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := Default()
	d := date("2024-10-01")
	for b.Loop() {
		c.IsWorkingDay(d)
	}
}
