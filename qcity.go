// Package qcity holds the types every part of qcity shares: the error type, the actor
// behind a request and its role, the clock, and the civil Date.
package qcity

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Role is what an account may do. One role per account or API key.
type Role string

// The roles of qcity.
const (
	RoleAdmin             Role = "admin"              // 系统管理员
	RoleCityOfficial      Role = "city_official"      // 市局工作人员: the whole jurisdiction
	RoleCountyOfficial    Role = "county_official"    // 区县局工作人员: one district or county
	RoleLab               Role = "lab"                // 检验检测机构
	RoleCertificationBody Role = "certification_body" // 认证机构
	RoleEnterprise        Role = "enterprise"         // 企业 (bound to one USCC)
	RoleAPIClient         Role = "api_client"         // 接口调用方, e.g. a procurement platform
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleCityOfficial, RoleCountyOfficial, RoleLab,
	RoleCertificationBody, RoleEnterprise, RoleAPIClient}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// ActorKind says who stands behind a request.
type ActorKind string

const (
	ActorAnonymous ActorKind = "anonymous"
	ActorUser      ActorKind = "user"
	ActorAPIKey    ActorKind = "apikey"
	ActorSystem    ActorKind = "system" // the command line, the demo loader, scheduled jobs
)

// MsgKey is a locale key used as an argument of another message: renderers translate
// it, so "step {step} is not allowed" can name the step in the reader's language.
type MsgKey string

// Actor is the authenticated party of a request or a command.
type Actor struct {
	Kind ActorKind
	ID   int64  // user id or API key id
	Name string // username or key name
	Role Role
	// Region is the region the actor is limited to: a county official's district or
	// county. Empty means the whole jurisdiction.
	Region string
	USCC   string // the enterprise an enterprise account speaks for
	OrgID  int64  // the lab or certification body of a lab or body account
}

// Anonymous is the actor of a request without credentials.
var Anonymous = Actor{Kind: ActorAnonymous, Name: "anonymous"}

// System returns the actor for work done by qcity itself or its command line.
func System(name string) Actor {
	return Actor{Kind: ActorSystem, Name: name, Role: RoleAdmin}
}

// IsOfficial reports whether the actor works for the bureau (or administers qcity).
func (a Actor) IsOfficial() bool {
	return a.Role == RoleAdmin || a.Role == RoleCityOfficial || a.Role == RoleCountyOfficial
}

// Authenticated reports whether the actor is not anonymous.
func (a Actor) Authenticated() bool { return a.Kind != ActorAnonymous && a.Kind != "" }

// CoversRegion reports whether a record in region code is inside the actor's scope.
// An actor without a region covers everything in the jurisdiction. A county official
// covers its own code and codes below it (towns have 9 digits starting with it).
func (a Actor) CoversRegion(code string) bool {
	if a.Region == "" {
		return true
	}
	return len(code) >= len(a.Region) && code[:len(a.Region)] == a.Region
}

type ctxKey int

const (
	actorKey ctxKey = iota
	requestIDKey
	clientIPKey
)

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor in ctx, or Anonymous.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey).(Actor); ok {
		return a
	}
	return Anonymous
}

// WithRequestID returns a context carrying the request id used in logs and audit records.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithClientIP returns a context carrying the client's address, for audit records.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIPFrom returns the client address in ctx, or "".
func ClientIPFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientIPKey).(string)
	return s
}

// Clock gives the current time. Domain code never reads the wall clock directly.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock is a clock for tests; Advance moves it.
type FixedClock struct{ T time.Time }

func (c *FixedClock) Now() time.Time          { return c.T }
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// China is the time zone dates are counted in (UTC+8, no daylight saving).
var China = time.FixedZone("CST", 8*3600)

// Date is a civil date without time zone, stored as YYYY-MM-DD. The zero Date is
// "no date" and is stored as NULL.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in China's time zone.
func DateOf(t time.Time) Date {
	y, m, d := t.In(China).Date()
	return Date{y, m, d}
}

// NewDate returns the date, normalising out-of-range days as time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// ParseDate parses YYYY-MM-DD strictly (the month and day must exist).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("not a YYYY-MM-DD date: %q", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Time returns midnight UTC of d, for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d plus n calendar days.
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Value stores d as text (SQLite) or a date literal (PostgreSQL), or NULL when zero.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from either driver: time.Time, string or []byte.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, dd := v.Date()
		*d = Date{y, m, dd}
		return nil
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	}
	return fmt.Errorf("qcity.Date: cannot scan %T", src)
}

func (d *Date) scanString(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD", "" or null. Anything else is a
// *json.UnmarshalTypeError, so decoders can name the field.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[Date]()}
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(*s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: *s, Type: reflect.TypeFor[Date]()}
	}
	*d = p
	return nil
}
