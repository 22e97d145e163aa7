package nqi

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// The registers of the quality infrastructure are described, not hand-coded one by
// one: each Kind lists its Fields, and that one description drives validation,
// storage, the list filters, the forms, Excel import and export and the JSON API (and
// its OpenAPI description). What is particular to a register — the comparison of
// benchmarking indicators, the due dates of measuring instruments, the cap on the
// risk-compensation fund's payments — lives in the Kind's check and after functions,
// in plain Go beside it.

// FieldType is the type of a field.
type FieldType uint8

const (
	TText      FieldType = iota // one line of text
	TLong                       // several lines
	TCode                       // a code or number: standard numbers, certificates; folded to half-width
	TEnum                       // one of an enumeration (Field.Enum)
	TDate                       // YYYY-MM-DD
	TYear                       // a calendar year
	TInt                        // a whole number between Min and Max
	TMoney                      // an amount of yuan with up to two decimals, stored in fen
	TValue                      // an indicator value (ParseValue)
	TUnit                       // a unit of measurement
	TUSCC                       // a unified social credit code
	TRegion                     // a GB/T 2260 code inside the jurisdiction
	TRegionAny                  // any GB/T 2260 code (drafters from elsewhere)
	TParent                     // the id of the parent record
	TOrg                        // the id of a registered organisation (lab, metrology institution)
)

var typeNames = [...]string{TText: "text", TLong: "long_text", TCode: "code", TEnum: "enum", TDate: "date",
	TYear: "year", TInt: "integer", TMoney: "money", TValue: "value", TUnit: "unit", TUSCC: "uscc",
	TRegion: "region", TRegionAny: "region", TParent: "parent", TOrg: "organisation"}

func (t FieldType) String() string { return typeNames[t] }

// Field is one field of a register.
type Field struct {
	Name     string
	Type     FieldType
	Enum     string // TEnum: the enumeration's name in Enums
	Required bool
	Max      int // text: the most characters (default 200, long text 4000); TInt: the largest value
	Min      int // TInt: the smallest value
	Default  string
	OrgKinds []registry.OrgKind // TOrg: the kinds of organisation accepted
	Entity   bool               // TUSCC: the code must be a registered market entity
	// Computed fields are set by the register's rules, never from input. With SQL
	// they are not stored but computed on every read from the row, alias t, so counts
	// of child records are never stale.
	Computed bool
	SQL      string
	List     bool // a column of the list page
	Filter   bool // a filter of the list and the API (enums, years, regions, references)
	Search   bool // the keyword filter matches it
}

// Stored reports whether the field is a column of the table.
func (f *Field) Stored() bool { return f.SQL == "" }

// Input reports whether the field is taken from input.
func (f *Field) Input() bool { return !f.Computed }

// maxRunes is the longest text the field takes.
func (f *Field) maxRunes() int {
	if f.Max > 0 {
		return f.Max
	}
	switch f.Type {
	case TLong:
		return 4000
	case TCode:
		return 64
	case TUnit:
		return 20
	case TValue:
		return maxValueRunes
	}
	return 200
}

// Options returns the values of an enumerated field.
func (f *Field) Options() []string { return Enums[f.Enum] }

// RegionRule says where a record's region comes from. The region scopes who may edit
// a record (a county official edits its own district's) and, for scoped registers,
// who may see it.
type RegionRule uint8

const (
	RegionInput  RegionRule = iota // the region_code field, as entered
	RegionEntity                   // the registered entity's (Kind.EntityField)
	RegionParent                   // the parent record's
	RegionOrg                      // the organisation's (the TOrg field org_id)
)

// Kind is one register: a table, its fields and its rules.
type Kind struct {
	Name   string // table name, API and locale name: "standards"
	Slug   string // URL segment: "standards", "standard-drafters"
	Object string // audit object type: "standard"
	Parent string // the parent register, for child records ("" for a top-level register)
	Fields []Field
	// Label is the field that names a record in titles, links and audit summaries.
	Label string
	Order string // SQL ORDER BY over alias t
	// Region says where region_code comes from; EntityField is the TUSCC field of the
	// entity a record belongs to, if any.
	Region      RegionRule
	EntityField string
	// Scoped registers hold data that is not public: a county official sees only its
	// own district's records.
	Scoped bool
	// Owner lets an enterprise account read its own records (EntityField is its USCC),
	// and with OwnerWrite enter and edit them.
	Owner      bool
	OwnerWrite bool
	// Unique lists natural keys; a duplicate is a conflict naming the first field.
	Unique [][]string
	// ParentKey is the parent's field that names it in import files ("code" of a
	// standard), besides its id.
	ParentKey string
	// Filters are the register's own list filters besides its fields.
	Filters []ExtraFilter

	check    func(c *Check)
	after    func(ctx context.Context, tx *db.Tx, s *Service, parentID int64) error
	children []*Kind
	byName   map[string]*Field
}

// Field returns the named field, or nil.
func (k *Kind) Field(name string) *Field { return k.byName[name] }

// Children returns the registers whose records belong to this one's.
func (k *Kind) Children() []*Kind { return k.children }

// ParentField returns the TParent field of a child register, or nil.
func (k *Kind) ParentField() *Field {
	for i := range k.Fields {
		if k.Fields[i].Type == TParent {
			return &k.Fields[i]
		}
	}
	return nil
}

// ExtraFilter is a list filter of its own: "due=overdue" on instruments, "local=1" on
// standards, "in_force_on=2019-12-31" on qualifications.
type ExtraFilter struct {
	Name    string
	Options []string // allowed values, if an enumeration (locale nqi.filter.NAME.VALUE)
	Date    bool     // the value is a date
	Year    bool     // the value is a year
	// where returns the SQL condition over alias t and its arguments.
	where func(v string, today qcity.Date) (string, []any)
}

// Enums are the enumerations of the registers; each value's label is the locale key
// nqi.enum.SET.VALUE.
var Enums = map[string][]string{
	"std_level":          {"international", "national", "industry", "local", "group", "enterprise"},
	"std_nature":         {"mandatory", "recommended", "guidance"},
	"std_revision":       {"new", "revised"},
	"std_status":         {"drafting", "published", "in_force", "withdrawn"},
	"drafter_role":       {"lead", "participant"},
	"yes_no":             {"yes", "no"},
	"pilot_level":        {"national", "provincial", "city"},
	"pilot_field":        {"agriculture", "industry", "services", "public_services"},
	"pilot_type":         {"pilot", "demonstration"},
	"pilot_status":       {"approved", "in_progress", "evaluating", "passed", "failed", "terminated"},
	"bench_source":       {"international", "foreign_advanced", "domestic_advanced"},
	"bench_action":       {"none", "adopt", "build", "create"},
	"bench_result":       {"leading", "meeting", "below", "incomplete"},
	"direction":          {string(HigherBetter), string(LowerBetter)},
	"class":              {string(Leading), string(Meeting), string(Below)},
	"qualification":      {"cma", "metrology_authorisation"},
	"qual_status":        {"valid", "suspended", "revoked"},
	"instrument_type":    instrumentTypes(),
	"instrument_purpose": {"trade_settlement", "safety_protection", "medical_health", "environmental_monitoring"},
	"instrument_status":  {"in_use", "stopped", "scrapped"},
	"pass_fail":          {"pass", "fail"},
	"training_result":    {"passed", "failed"},
	"ip_level":           {"national", "provincial"},
	"ip_designation":     {"advantage", "demonstration"},
	"valid_revoked":      {"valid", "revoked"},
	"brand_type":         {"well_known_trademark", "geographical_indication", "guangdong_famous", "time_honoured", "regional_public", "other"},
	"brand_status":       {"valid", "revoked", "expired"},
	"ip_type":            {"patent", "trademark", "mixed"},
	"loan_status":        {"active", "repaid", "defaulted", "compensated"},
	"campaign_area":      {"food", "drugs", "agri_inputs", "children_students", "epidemic_prevention", "household_appliances", "building_materials", "other"},
	"campaign_status":    {"planned", "active", "closed"},
	"inspection_outcome": {"compliant", "rectification_ordered", "rectified", "case_filed", "products_seized"},
	"kitchen_mode":       {"open_kitchen", "glass_partition", "video", "internet_live"},
	"kitchen_status":     {"active", "lapsed"},
	"project_status":     {"planned", "active", "completed"},
	"met":                {"met", "not_met", "pending"},
	"event_type":         {"quality_month", "accreditation_day", "world_standards_day", "world_metrology_day", "other"},
	"participant_role":   {"organiser", "co_organiser", "participant", "exhibitor"},
}

// registry of kinds, in display order.
var (
	kindList   []*Kind
	kindByName = map[string]*Kind{}
	kindBySlug = map[string]*Kind{}
)

// Kinds returns every register in display order, parents before their children.
func Kinds() []*Kind { return slices.Clone(kindList) }

// KindByName returns the register with the given table name, or nil.
func KindByName(name string) *Kind { return kindByName[name] }

// KindBySlug returns the register with the given URL segment, or nil.
func KindBySlug(slug string) *Kind { return kindBySlug[slug] }

// register adds k to the registry, checking its description: a mistake here is a
// programming error, so it panics at start-up rather than misbehaving later.
func register(k *Kind) *Kind {
	if k.Slug == "" {
		k.Slug = strings.ReplaceAll(k.Name, "_", "-")
	}
	k.byName = map[string]*Field{}
	for i := range k.Fields {
		f := &k.Fields[i]
		if k.byName[f.Name] != nil {
			panic(fmt.Sprintf("nqi: %s.%s defined twice", k.Name, f.Name))
		}
		if f.Type == TEnum && Enums[f.Enum] == nil {
			panic(fmt.Sprintf("nqi: %s.%s: unknown enumeration %q", k.Name, f.Name, f.Enum))
		}
		if f.SQL != "" && !f.Computed {
			panic(fmt.Sprintf("nqi: %s.%s: an SQL field must be computed", k.Name, f.Name))
		}
		k.byName[f.Name] = f
	}
	if k.byName["region_code"] == nil {
		panic("nqi: " + k.Name + " has no region_code")
	}
	if k.byName[k.Label] == nil {
		panic("nqi: " + k.Name + ": label field " + k.Label + " unknown")
	}
	if k.EntityField != "" && (k.byName[k.EntityField] == nil || k.byName[k.EntityField].Type != TUSCC) {
		panic("nqi: " + k.Name + ": entity field " + k.EntityField + " is not a USCC field")
	}
	if k.Parent != "" {
		p := kindByName[k.Parent]
		if p == nil || k.ParentField() == nil {
			panic("nqi: " + k.Name + ": parent " + k.Parent + " unknown or without a parent field")
		}
		p.children = append(p.children, k)
	}
	kindList = append(kindList, k)
	kindByName[k.Name] = k
	kindBySlug[k.Slug] = k
	return k
}
