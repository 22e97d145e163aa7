package nqi

import (
	"qcity"
	"qcity/internal/registry"
)

// The registers, in display order. Field names are the table's columns, the JSON keys,
// the form inputs and the import columns' field names; labels are the locale keys
// nqi.f.KIND.FIELD.

// The registers are registered in display order, parents first, once every package
// variable they use is initialised.
func init() {
	for _, k := range []*Kind{Standards, StandardDrafters, PilotProjects, Benchmarks, BenchmarkIndicators,
		Qualifications, Instruments, Verifications, QualityOfficers, CQOTrainings, IPEnterprises, Brands,
		FundLoans, FundCompensations, Campaigns, CampaignInspections, BrightKitchens, ImprovementProjects,
		ImprovementIndicators, QualityEvents, EventActivities, EventParticipants} {
		register(k)
	}
}

// label is the locale key of a field's label, as a message argument.
func label(k, field string) qcity.MsgKey { return qcity.MsgKey("nqi.f." + k + "." + field) }

// Standards (标准) and who drafted them. A standard made or revised with local
// participation (at least one drafter in the jurisdiction) counts in the report.
var Standards = &Kind{
	Name: "standards", Object: "standard", Label: "code", Order: "t.published_on DESC, t.code",
	Fields: []Field{
		{Name: "code", Type: TCode, Required: true, List: true, Search: true},
		{Name: "title", Type: TText, Required: true, List: true, Search: true, Max: 300},
		{Name: "level", Type: TEnum, Enum: "std_level", Computed: true, List: true, Filter: true},
		{Name: "nature", Type: TEnum, Enum: "std_nature", Computed: true},
		{Name: "revision", Type: TEnum, Enum: "std_revision", Required: true, Default: "new", Filter: true, List: true},
		{Name: "replaces", Type: TCode},
		{Name: "status", Type: TEnum, Enum: "std_status", Required: true, Default: "published", Filter: true, List: true},
		{Name: "published_on", Type: TDate, List: true},
		{Name: "effective_on", Type: TDate},
		{Name: "withdrawn_on", Type: TDate},
		{Name: "year", Type: TYear, Computed: true, Filter: true},
		{Name: "region_code", Type: TRegion, Required: true, Filter: true},
		{Name: "note", Type: TLong, Max: 2000},
		{Name: "drafters", Type: TInt, Computed: true, SQL: "(SELECT COUNT(*) FROM standard_drafters d WHERE d.standard_id = t.id)"},
		{Name: "local_drafters", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM standard_drafters d WHERE d.standard_id = t.id AND d.local = 'yes')"},
	},
	Unique: [][]string{{"code"}},
	Filters: []ExtraFilter{{Name: "local", Options: []string{"yes", "no"}, where: func(v string, _ qcity.Date) (string, []any) {
		c := "EXISTS (SELECT 1 FROM standard_drafters d WHERE d.standard_id = t.id AND d.local = 'yes')"
		if v == "no" {
			c = "NOT " + c
		}
		return c, nil
	}}},
	ParentKey: "code",
	check:     checkStandard,
}

// StandardDrafters are the organisations that drafted a standard (起草单位), local or
// not; local ones are in the jurisdiction.
var StandardDrafters = &Kind{
	Name: "standard_drafters", Object: "standard_drafter", Parent: "standards", Label: "name", Order: "t.role, t.id",
	Region: RegionParent,
	Fields: []Field{
		{Name: "standard_id", Type: TParent, Required: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "uscc", Type: TUSCC, List: true},
		{Name: "drafter_region", Type: TRegionAny, List: true},
		{Name: "role", Type: TEnum, Enum: "drafter_role", Required: true, Default: "participant", List: true, Filter: true},
		{Name: "local", Type: TEnum, Enum: "yes_no", Computed: true, List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	Unique: [][]string{{"standard_id", "name"}},
	check:  checkDrafter,
}

// PilotProjects are standardisation pilot and demonstration projects (标准化试点示范
// 项目); a project counts for every year its period touches.
var PilotProjects = &Kind{
	Name: "pilot_projects", Object: "pilot_project", Label: "name", Order: "t.start_on DESC, t.name",
	Fields: []Field{
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "level", Type: TEnum, Enum: "pilot_level", Required: true, List: true, Filter: true},
		{Name: "project_type", Type: TEnum, Enum: "pilot_type", Required: true, Default: "pilot", List: true, Filter: true},
		{Name: "field", Type: TEnum, Enum: "pilot_field", Required: true, Filter: true},
		{Name: "owner_name", Type: TText, Required: true, List: true, Search: true},
		{Name: "owner_uscc", Type: TUSCC},
		{Name: "region_code", Type: TRegion, Required: true, List: true, Filter: true},
		{Name: "document_no", Type: TCode},
		{Name: "start_on", Type: TDate, Required: true, List: true},
		{Name: "end_on", Type: TDate, Required: true, List: true},
		{Name: "status", Type: TEnum, Enum: "pilot_status", Required: true, Default: "in_progress", List: true, Filter: true},
		{Name: "evaluated_on", Type: TDate},
		{Name: "score", Type: TInt, Min: 0, Max: 100},
		{Name: "evaluation", Type: TLong, Max: 2000},
	},
	Unique: [][]string{{"level", "name"}},
	Filters: []ExtraFilter{{Name: "active_in", Year: true, where: func(v string, _ qcity.Date) (string, []any) {
		return "t.start_on <= ? AND t.end_on >= ?", []any{v + "-12-31", v + "-01-01"}
	}}},
	check: checkPilot,
}

// Benchmarks are the benchmarking records (百城千业万企对标达标): an enterprise's
// product, the standard it follows and the benchmark standard, compared indicator by
// indicator.
var Benchmarks = &Kind{
	Name: "benchmarks", Object: "benchmark", Label: "product", Order: "t.year DESC, t.id DESC",
	Region: RegionEntity, EntityField: "uscc", Owner: true, OwnerWrite: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "product", Type: TText, Required: true, List: true, Search: true},
		{Name: "category", Type: TText, Search: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "own_standard", Type: TCode, List: true},
		{Name: "benchmark_standard", Type: TCode, Required: true, List: true, Search: true},
		{Name: "benchmark_source", Type: TEnum, Enum: "bench_source", Required: true, Filter: true},
		{Name: "action", Type: TEnum, Enum: "bench_action", Required: true, Default: "none", List: true, Filter: true},
		{Name: "action_standard", Type: TCode},
		{Name: "note", Type: TLong, Max: 2000},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
		{Name: "indicators", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM benchmark_indicators i WHERE i.benchmark_id = t.id)"},
		{Name: "leading", Type: TInt, Computed: true,
			SQL: "(SELECT COUNT(*) FROM benchmark_indicators i WHERE i.benchmark_id = t.id AND i.class = 'leading')"},
		{Name: "result", Type: TEnum, Enum: "bench_result", Computed: true, List: true, Filter: true, SQL: benchmarkResultSQL},
	},
	check: checkBenchmark,
}

// benchmarkResultSQL classifies a benchmark from its indicators: 未达标 if any
// indicator is below its benchmark, else 领先 if any leads, else 达标; without
// indicators it is incomplete.
const benchmarkResultSQL = `(SELECT CASE WHEN COUNT(*) = 0 THEN 'incomplete'
	WHEN SUM(CASE WHEN i.class = 'below' THEN 1 ELSE 0 END) > 0 THEN 'below'
	WHEN SUM(CASE WHEN i.class = 'leading' THEN 1 ELSE 0 END) > 0 THEN 'leading'
	ELSE 'meeting' END FROM benchmark_indicators i WHERE i.benchmark_id = t.id)`

// BenchmarkIndicators are the indicators compared (对标指标).
var BenchmarkIndicators = &Kind{
	Name: "benchmark_indicators", Object: "benchmark_indicator", Parent: "benchmarks", Label: "name", Order: "t.id",
	Region: RegionParent, Owner: true, OwnerWrite: true,
	Fields: []Field{
		{Name: "benchmark_id", Type: TParent, Required: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "unit", Type: TUnit, List: true},
		{Name: "direction", Type: TEnum, Enum: "direction", Required: true, List: true},
		{Name: "own_value", Type: TValue, Required: true, List: true},
		{Name: "benchmark_value", Type: TValue, Required: true, List: true},
		{Name: "class", Type: TEnum, Enum: "class", Computed: true, List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	Unique: [][]string{{"benchmark_id", "name"}},
	check:  checkIndicator,
}

// Qualifications are the certificates that make a lab or a legal metrology
// institution what it is: the lab's CMA qualification (检验检测机构资质认定) and the
// institution's metrology authorisation (计量授权). Their history says who was
// qualified on any day; the report counts labs and institutions from it.
var Qualifications = &Kind{
	Name: "qualifications", Object: "qualification", Label: "certificate_no", Order: "t.issued_on DESC, t.id DESC",
	Region: RegionOrg,
	Fields: []Field{
		{Name: "org_id", Type: TOrg, Required: true, List: true, Filter: true,
			OrgKinds: []registry.OrgKind{registry.OrgLab, registry.OrgMetrologyInstitution}},
		{Name: "qualification", Type: TEnum, Enum: "qualification", Required: true, List: true, Filter: true},
		{Name: "certificate_no", Type: TCode, Required: true, List: true, Search: true},
		{Name: "items", Type: TLong, Max: 4000, Search: true},
		{Name: "issued_on", Type: TDate, Required: true, List: true},
		{Name: "valid_until", Type: TDate, Required: true, List: true},
		{Name: "status", Type: TEnum, Enum: "qual_status", Required: true, Default: "valid", List: true, Filter: true},
		{Name: "ended_on", Type: TDate},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
	},
	Unique: [][]string{{"qualification", "certificate_no"}},
	Filters: []ExtraFilter{{Name: "in_force_on", Date: true, where: func(v string, _ qcity.Date) (string, []any) {
		return "t.issued_on <= ? AND t.valid_until >= ? AND (t.ended_on IS NULL OR t.ended_on > ?)", []any{v, v, v}
	}}},
	check: checkQualification,
}

// Instruments are measuring instruments under compulsory verification (强制检定的
// 工作计量器具) at enterprises, with the due date of their next verification.
var Instruments = &Kind{
	Name: "instruments", Object: "instrument", Label: "serial_no", Order: "t.next_due_on, t.id",
	Region: RegionEntity, EntityField: "uscc", Scoped: true, Owner: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "instrument_type", Type: TEnum, Enum: "instrument_type", Required: true, List: true, Filter: true},
		{Name: "purpose", Type: TEnum, Enum: "instrument_purpose", Filter: true},
		{Name: "model", Type: TText, Max: 100},
		{Name: "serial_no", Type: TCode, Required: true, List: true, Search: true},
		{Name: "location", Type: TText},
		{Name: "cycle_months", Type: TInt, Min: 1, Max: 60},
		{Name: "status", Type: TEnum, Enum: "instrument_status", Required: true, Default: "in_use", List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
		{Name: "last_verified_on", Type: TDate, Computed: true, List: true},
		{Name: "last_result", Type: TEnum, Enum: "pass_fail", Computed: true, List: true},
		{Name: "next_due_on", Type: TDate, Computed: true, List: true},
	},
	Unique: [][]string{{"uscc", "instrument_type", "serial_no"}},
	Filters: []ExtraFilter{{Name: "due", Options: []string{"overdue", "soon"}, where: func(v string, today qcity.Date) (string, []any) {
		if v == "soon" {
			return "t.status = 'in_use' AND t.next_due_on >= ? AND t.next_due_on <= ? AND t.last_result = 'pass'", []any{today, today.AddDays(30)}
		}
		return "t.status = 'in_use' AND (t.next_due_on IS NULL OR t.next_due_on < ? OR t.last_result = 'fail')", []any{today}
	}}},
	check: checkInstrument,
	after: recomputeInstrument,
}

// Verifications are the verifications of an instrument (检定记录) by a legal metrology
// institution authorised for it on the day.
var Verifications = &Kind{
	Name: "verifications", Object: "verification", Parent: "instruments", Label: "verified_on", Order: "t.verified_on DESC, t.id DESC",
	Region: RegionParent, Scoped: true, Owner: true,
	Fields: []Field{
		{Name: "instrument_id", Type: TParent, Required: true, Filter: true},
		{Name: "verified_on", Type: TDate, Required: true, List: true},
		{Name: "institution_id", Type: TOrg, Required: true, List: true, Filter: true,
			OrgKinds: []registry.OrgKind{registry.OrgMetrologyInstitution}},
		{Name: "result", Type: TEnum, Enum: "pass_fail", Required: true, List: true, Filter: true},
		{Name: "certificate_no", Type: TCode, List: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	check: checkVerification,
	after: recomputeInstrument,
}

// QualityOfficers are chief quality officers (首席质量官) of enterprises.
var QualityOfficers = &Kind{
	Name: "quality_officers", Object: "quality_officer", Label: "name", Order: "t.appointed_on DESC, t.id DESC",
	Region: RegionEntity, EntityField: "uscc", Owner: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true, Search: true, Max: 50},
		{Name: "position", Type: TText, List: true, Max: 100},
		{Name: "appointed_on", Type: TDate, Required: true, List: true},
		{Name: "left_on", Type: TDate, List: true},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
		{Name: "trainings", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM cqo_trainings c WHERE c.officer_id = t.id AND c.result = 'passed')"},
		{Name: "last_trained_on", Type: TDate, Computed: true, List: true,
			SQL: "(SELECT MAX(c.completed_on) FROM cqo_trainings c WHERE c.officer_id = t.id AND c.result = 'passed')"},
	},
	Unique: [][]string{{"uscc", "name", "appointed_on"}},
	check:  checkOfficer,
}

// CQOTrainings are the training records of chief quality officers.
var CQOTrainings = &Kind{
	Name: "cqo_trainings", Object: "cqo_training", Parent: "quality_officers", Label: "course", Order: "t.completed_on DESC, t.id DESC",
	Region: RegionParent, Owner: true,
	Fields: []Field{
		{Name: "officer_id", Type: TParent, Required: true, Filter: true},
		{Name: "course", Type: TText, Required: true, List: true, Search: true},
		{Name: "provider", Type: TText, List: true},
		{Name: "hours", Type: TInt, Required: true, Min: 1, Max: 1000, List: true},
		{Name: "completed_on", Type: TDate, Required: true, List: true},
		{Name: "result", Type: TEnum, Enum: "training_result", Required: true, Default: "passed", List: true, Filter: true},
		{Name: "certificate_no", Type: TCode},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	check: checkTraining,
}

// IPEnterprises are IP-advantage and IP-demonstration enterprises (知识产权优势企业 /
// 示范企业), national and provincial, by the year of recognition.
var IPEnterprises = &Kind{
	Name: "ip_enterprises", Object: "ip_enterprise", Label: "uscc", Order: "t.year DESC, t.level, t.id",
	Region: RegionEntity, EntityField: "uscc", Owner: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "level", Type: TEnum, Enum: "ip_level", Required: true, List: true, Filter: true},
		{Name: "designation", Type: TEnum, Enum: "ip_designation", Required: true, Default: "advantage", List: true, Filter: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "document_no", Type: TCode, List: true},
		{Name: "status", Type: TEnum, Enum: "valid_revoked", Required: true, Default: "valid", List: true, Filter: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
	},
	Unique: [][]string{{"uscc", "level", "designation", "year"}},
	check:  checkIPEnterprise,
}

// Brands are the enterprises' recognised brands (品牌): well-known trademarks,
// geographical indications, Guangdong famous brands, time-honoured brands.
var Brands = &Kind{
	Name: "brands", Object: "brand", Label: "name", Order: "t.year DESC, t.id",
	Region: RegionEntity, EntityField: "uscc", Owner: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true, Search: true, Max: 100},
		{Name: "brand_type", Type: TEnum, Enum: "brand_type", Required: true, List: true, Filter: true},
		{Name: "trademark_no", Type: TCode, List: true},
		{Name: "product", Type: TText, List: true, Search: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "status", Type: TEnum, Enum: "brand_status", Required: true, Default: "valid", List: true, Filter: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
	},
	Unique: [][]string{{"uscc", "brand_type", "name"}},
	check:  checkYearNotFuture,
}

// FundLoans are the IP pledge loans covered by the risk-compensation fund (知识产权
// 质押融资风险补偿基金): the fund bears coverage_pct percent of a defaulted loan's loss.
var FundLoans = &Kind{
	Name: "fund_loans", Object: "fund_loan", Label: "contract_no", Order: "t.loan_on DESC, t.id DESC",
	Region: RegionEntity, EntityField: "uscc", Scoped: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "bank", Type: TText, Required: true, List: true, Search: true},
		{Name: "contract_no", Type: TCode, Required: true, List: true, Search: true},
		{Name: "amount", Type: TMoney, Required: true, List: true},
		{Name: "ip_type", Type: TEnum, Enum: "ip_type", Required: true, Filter: true},
		{Name: "pledged_ip", Type: TLong, Required: true, Max: 2000},
		{Name: "coverage_pct", Type: TInt, Required: true, Min: 1, Max: 100, Default: "50"},
		{Name: "loan_on", Type: TDate, Required: true, List: true},
		{Name: "due_on", Type: TDate, Required: true, List: true},
		{Name: "status", Type: TEnum, Enum: "loan_status", Required: true, Default: "active", List: true, Filter: true},
		{Name: "defaulted_on", Type: TDate},
		{Name: "loss", Type: TMoney},
		{Name: "year", Type: TYear, Computed: true, Filter: true},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
		{Name: "compensated", Type: TMoney, Computed: true, List: true,
			SQL: "(SELECT SUM(c.amount) FROM fund_compensations c WHERE c.loan_id = t.id)"},
	},
	Unique:    [][]string{{"contract_no"}},
	ParentKey: "contract_no",
	check:     checkLoan,
}

// FundCompensations are the fund's payments on defaulted loans (风险补偿).
var FundCompensations = &Kind{
	Name: "fund_compensations", Object: "fund_compensation", Parent: "fund_loans", Label: "paid_on", Order: "t.paid_on DESC, t.id DESC",
	Region: RegionParent, Scoped: true,
	Fields: []Field{
		{Name: "loan_id", Type: TParent, Required: true, Filter: true},
		{Name: "paid_on", Type: TDate, Required: true, List: true},
		{Name: "amount", Type: TMoney, Required: true, List: true},
		{Name: "decision_no", Type: TCode, List: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	check: checkCompensation,
	after: markCompensated,
}

// Campaigns are rectification campaigns for key products (重点产品整治行动).
var Campaigns = &Kind{
	Name: "campaigns", Object: "campaign", Label: "name", Order: "t.year DESC, t.start_on DESC, t.id",
	Fields: []Field{
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "area", Type: TEnum, Enum: "campaign_area", Required: true, List: true, Filter: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Required: true, List: true, Filter: true},
		{Name: "lead", Type: TText},
		{Name: "start_on", Type: TDate, Required: true, List: true},
		{Name: "end_on", Type: TDate, Required: true, List: true},
		{Name: "targets", Type: TLong, Max: 2000},
		{Name: "target_inspections", Type: TInt, Min: 0, Max: 1000000},
		{Name: "status", Type: TEnum, Enum: "campaign_status", Required: true, Default: "active", List: true, Filter: true},
		{Name: "summary", Type: TLong, Max: 4000},
		{Name: "inspections", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM campaign_inspections c WHERE c.campaign_id = t.id)"},
		{Name: "problems", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COALESCE(SUM(c.problems), 0) FROM campaign_inspections c WHERE c.campaign_id = t.id)"},
		{Name: "cases", Type: TInt, Computed: true,
			SQL: "(SELECT COUNT(*) FROM campaign_inspections c WHERE c.campaign_id = t.id AND c.outcome = 'case_filed')"},
		{Name: "rectified", Type: TInt, Computed: true,
			SQL: "(SELECT COUNT(*) FROM campaign_inspections c WHERE c.campaign_id = t.id AND c.outcome = 'rectified')"},
	},
	Unique: [][]string{{"year", "name"}},
	check:  checkCampaign,
}

// CampaignInspections are a campaign's inspections of businesses, with what was found
// and done.
var CampaignInspections = &Kind{
	Name: "campaign_inspections", Object: "campaign_inspection", Parent: "campaigns", Label: "inspected_on", Order: "t.inspected_on DESC, t.id DESC",
	Region: RegionEntity, EntityField: "uscc", Scoped: true,
	Fields: []Field{
		{Name: "campaign_id", Type: TParent, Required: true, Filter: true},
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "inspected_on", Type: TDate, Required: true, List: true},
		{Name: "inspectors", Type: TText, Max: 100},
		{Name: "findings", Type: TLong, Max: 2000, List: true},
		{Name: "problems", Type: TInt, Required: true, Min: 0, Max: 1000, Default: "0", List: true},
		{Name: "outcome", Type: TEnum, Enum: "inspection_outcome", Required: true, List: true, Filter: true},
		{Name: "rectified_on", Type: TDate},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
	},
	check: checkInspection,
}

// BrightKitchens are catering businesses' 明厨亮灶 (bright kitchen) installations.
var BrightKitchens = &Kind{
	Name: "bright_kitchens", Object: "bright_kitchen", Label: "uscc", Order: "t.implemented_on DESC, t.id DESC",
	Region: RegionEntity, EntityField: "uscc", Owner: true,
	Fields: []Field{
		{Name: "uscc", Type: TUSCC, Entity: true, Required: true, List: true, Filter: true},
		{Name: "mode", Type: TEnum, Enum: "kitchen_mode", Required: true, List: true, Filter: true},
		{Name: "implemented_on", Type: TDate, Required: true, List: true},
		{Name: "checked_on", Type: TDate, List: true},
		{Name: "status", Type: TEnum, Enum: "kitchen_status", Required: true, Default: "active", List: true, Filter: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true, Filter: true},
	},
	Unique: [][]string{{"uscc"}},
	check:  checkKitchen,
}

// ImprovementProjects are key-product quality improvement projects (重点产品质量提升
// 项目), e.g. rice cookers, with their indicators.
var ImprovementProjects = &Kind{
	Name: "improvement_projects", Object: "improvement_project", Label: "name", Order: "t.year DESC, t.id",
	Fields: []Field{
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "product", Type: TText, Required: true, List: true, Search: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Required: true, List: true, Filter: true},
		{Name: "lead", Type: TText},
		{Name: "start_on", Type: TDate, Required: true},
		{Name: "end_on", Type: TDate, Required: true},
		{Name: "enterprises", Type: TInt, Min: 0, Max: 100000, List: true},
		{Name: "status", Type: TEnum, Enum: "project_status", Required: true, Default: "active", List: true, Filter: true},
		{Name: "summary", Type: TLong, Max: 4000},
		{Name: "indicators", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM improvement_indicators i WHERE i.project_id = t.id)"},
		{Name: "met", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM improvement_indicators i WHERE i.project_id = t.id AND i.class = 'met')"},
	},
	Unique: [][]string{{"year", "name"}},
	check:  checkCampaignLike,
}

// ImprovementIndicators are a project's indicators: baseline, target and achieved.
var ImprovementIndicators = &Kind{
	Name: "improvement_indicators", Object: "improvement_indicator", Parent: "improvement_projects", Label: "name", Order: "t.id",
	Region: RegionParent,
	Fields: []Field{
		{Name: "project_id", Type: TParent, Required: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true},
		{Name: "unit", Type: TUnit, List: true},
		{Name: "direction", Type: TEnum, Enum: "direction", Required: true, List: true},
		{Name: "baseline", Type: TValue, List: true},
		{Name: "target", Type: TValue, Required: true, List: true},
		{Name: "achieved", Type: TValue, List: true},
		{Name: "class", Type: TEnum, Enum: "met", Computed: true, List: true, Filter: true},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	Unique: [][]string{{"project_id", "name"}},
	check:  checkImprovementIndicator,
}

// QualityEvents are the year's quality events: Quality Month (质量月, September),
// Accreditation Day (认证认可日, 9 June), World Standards Day (世界标准日, 14 October),
// World Metrology Day (世界计量日, 20 May).
var QualityEvents = &Kind{
	Name: "quality_events", Object: "quality_event", Label: "title", Order: "t.year DESC, t.event_type, t.id",
	Fields: []Field{
		{Name: "event_type", Type: TEnum, Enum: "event_type", Required: true, List: true, Filter: true},
		{Name: "year", Type: TYear, Required: true, List: true, Filter: true},
		{Name: "title", Type: TText, Required: true, List: true, Search: true},
		{Name: "theme", Type: TText, List: true, Search: true},
		{Name: "region_code", Type: TRegion, Required: true, Filter: true},
		{Name: "organiser", Type: TText},
		{Name: "note", Type: TLong, Max: 2000},
		{Name: "activities", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COUNT(*) FROM event_activities a WHERE a.event_id = t.id)"},
		{Name: "people", Type: TInt, Computed: true, List: true,
			SQL: "(SELECT COALESCE(SUM(a.participants), 0) FROM event_activities a WHERE a.event_id = t.id)"},
	},
	Unique: [][]string{{"year", "event_type", "title"}},
	check:  checkYearNotFuture,
}

// EventActivities are an event's activities.
var EventActivities = &Kind{
	Name: "event_activities", Object: "event_activity", Parent: "quality_events", Label: "title", Order: "t.held_on, t.id",
	Region: RegionParent,
	Fields: []Field{
		{Name: "event_id", Type: TParent, Required: true, Filter: true},
		{Name: "title", Type: TText, Required: true, List: true, Search: true},
		{Name: "held_on", Type: TDate, Required: true, List: true},
		{Name: "place", Type: TText, List: true},
		{Name: "organiser", Type: TText, List: true},
		{Name: "participants", Type: TInt, Min: 0, Max: 10000000, List: true},
		{Name: "description", Type: TLong, Max: 2000},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	check: checkActivity,
}

// EventParticipants are the organisations taking part in an event.
var EventParticipants = &Kind{
	Name: "event_participants", Object: "event_participant", Parent: "quality_events", Label: "name", Order: "t.role, t.id",
	Region: RegionParent,
	Fields: []Field{
		{Name: "event_id", Type: TParent, Required: true, Filter: true},
		{Name: "name", Type: TText, Required: true, List: true, Search: true},
		{Name: "uscc", Type: TUSCC, List: true},
		{Name: "role", Type: TEnum, Enum: "participant_role", Required: true, Default: "participant", List: true, Filter: true},
		{Name: "note", Type: TText},
		{Name: "region_code", Type: TRegion, Computed: true},
	},
	Unique: [][]string{{"event_id", "name"}},
}
