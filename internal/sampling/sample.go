// Package sampling is sampling inspection (抽检): annual plans and tasks with random
// targets (双随机), samples and their test items judged against standard limits, the
// workflow of notices, re-tests (复检), objections (异议), disposal (核查处置) and
// product re-checks with their legal deadlines, announcements (公告) and pass-rate
// statistics. Food sampling follows SAMR Order 15, product supervision sampling SAMR
// Order 18 (RULES.md §5–6).
package sampling

import (
	"encoding/json"
	"time"

	"qcity"
)

// Kind is the sampling stream.
type Kind string

const (
	KindFood    Kind = "food"    // 食品安全抽检
	KindProduct Kind = "product" // 产品质量监督抽查
	KindAgri    Kind = "agri"    // 农产品质量安全监测
)

// Kinds lists the streams.
var Kinds = []Kind{KindFood, KindProduct, KindAgri}

// PlanKind is the kind of an annual plan.
type PlanKind string

const (
	PlanFoodSupervision    PlanKind = "food_supervision"     // 食品安全监督抽检
	PlanFoodRiskMonitoring PlanKind = "food_risk_monitoring" // 食品安全风险监测
	PlanProductSupervision PlanKind = "product_supervision"  // 产品质量监督抽查
	PlanAgriMonitoring     PlanKind = "agri_monitoring"      // 农产品质量安全监测
)

// PlanKinds lists the plan kinds.
var PlanKinds = []PlanKind{PlanFoodSupervision, PlanFoodRiskMonitoring, PlanProductSupervision, PlanAgriMonitoring}

// SampleKind is the stream a plan's samples belong to.
func (k PlanKind) SampleKind() Kind {
	switch k {
	case PlanProductSupervision:
		return KindProduct
	case PlanAgriMonitoring:
		return KindAgri
	}
	return KindFood
}

// Level is the level of government that organises the sampling.
type Level string

const (
	LevelNational   Level = "national"   // 国家级
	LevelProvincial Level = "provincial" // 省级
	LevelCity       Level = "city"       // 市级
	LevelCounty     Level = "county"     // 县级
)

// Levels lists the levels from the top.
var Levels = []Level{LevelNational, LevelProvincial, LevelCity, LevelCounty}

// Stage is where in the chain the sample was taken.
type Stage string

const (
	StageProduction  Stage = "production"  // 生产
	StageCirculation Stage = "circulation" // 流通
	StageCatering    Stage = "catering"    // 餐饮
	StageOnline      Stage = "online"      // 网络销售
	StagePlanting    Stage = "planting"    // 种植/养殖
)

// Stages lists the stages.
var Stages = []Stage{StageProduction, StageCirculation, StageCatering, StageOnline, StagePlanting}

// Verdicts of samples and items.
const (
	VerdictPass = "pass"
	VerdictFail = "fail"
)

// Sample is one sampled batch (样品).
type Sample struct {
	ID             int64      `json:"id"`
	SampleNo       string     `json:"sample_no"`
	PlanID         int64      `json:"plan_id,omitempty"`
	TaskID         int64      `json:"task_id,omitempty"`
	Kind           Kind       `json:"kind"`
	Level          Level      `json:"level"`
	Year           int        `json:"year"`
	CategoryCode   string     `json:"category_code"`
	Category1      string     `json:"category1"`
	CategoryName   string     `json:"category"`
	ProductName    string     `json:"product_name"`
	Brand          string     `json:"brand"`
	Specification  string     `json:"specification"`
	Batch          string     `json:"batch"`
	ProducerID     int64      `json:"-"`
	ProducerUSCC   string     `json:"producer_uscc"`
	ProducerName   string     `json:"producer_name"`
	SellerID       int64      `json:"-"`
	SellerUSCC     string     `json:"seller_uscc"`
	SellerName     string     `json:"seller_name"`
	Region         string     `json:"region_code"`
	Stage          Stage      `json:"stage"`
	SampledOn      qcity.Date `json:"sampled_on"`
	Samplers       []string   `json:"samplers"`
	LabID          int64      `json:"lab_id,omitempty"`
	LabName        string     `json:"lab"`
	RetestLabID    int64      `json:"retest_lab_id,omitempty"`
	RetestLabName  string     `json:"retest_lab,omitempty"`
	Verdict        string     `json:"verdict"`
	FirstVerdict   string     `json:"first_verdict"`
	Disagreements  int        `json:"disagreements"`
	MicroFailure   bool       `json:"micro_failure"`
	State          State      `json:"state"`
	ObjectionState string     `json:"objection_state"`
	DisposalState  string     `json:"disposal_state"`
	Announced      bool       `json:"announced"`
	NextStep       Step       `json:"next_step"`
	DueOn          qcity.Date `json:"due_on"`
	ReportedOn     qcity.Date `json:"reported_on"`
	ServedOn       qcity.Date `json:"served_on"`
	RecordedBy     string     `json:"recorded_by"`
	RecordedRole   string     `json:"recorded_role"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int        `json:"version"`
	Items          []Item     `json:"items,omitempty"`
}

// Item is one test item (检验项目) with the result as the lab wrote it and qcity's
// verdict.
type Item struct {
	ID         int64          `json:"id"`
	Round      int            `json:"round"` // 1 the first test, 2 the re-test
	Seq        int            `json:"seq"`
	Item       string         `json:"item"`
	Result     string         `json:"result"`
	Unit       string         `json:"unit"`
	Limit      string         `json:"limit"`
	LimitID    int64          `json:"limit_id,omitempty"`
	Comparison string         `json:"comparison"`
	Standard   string         `json:"standard"`
	LabVerdict string         `json:"lab_verdict"`
	Verdict    string         `json:"verdict"`
	ReasonKey  string         `json:"reason_key"`
	ReasonArgs map[string]any `json:"reason_args"`
	Disagrees  bool           `json:"lab_verdict_disagrees"`
	Micro      bool           `json:"microbiological"`
	ReasonText string         `json:"reason,omitempty"`
}

// SampleInput is a sample with its items as a lab's system, a form or an import row
// gives it: the body of POST /api/v1/samples.
type SampleInput struct {
	SampleNo      string      `json:"sample_no"`
	Kind          string      `json:"kind"`
	Level         string      `json:"level"`
	Year          json.Number `json:"year"`
	Category      string      `json:"category"`
	ProductName   string      `json:"product_name"`
	Brand         string      `json:"brand"`
	Specification string      `json:"specification"`
	Batch         string      `json:"batch"`
	ProducerUSCC  string      `json:"producer_uscc"`
	ProducerName  string      `json:"producer_name"`
	SellerUSCC    string      `json:"seller_uscc"`
	SellerName    string      `json:"seller_name"`
	Region        string      `json:"region_code"`
	Stage         string      `json:"stage"`
	SampledOn     string      `json:"sampled_on"`
	Samplers      []string    `json:"samplers,omitempty"`
	Lab           string      `json:"lab"`
	PlanID        int64       `json:"plan_id,omitempty"`
	Items         []ItemInput `json:"items"`
}

// ItemInput is one test item as the lab writes it.
type ItemInput struct {
	Item       string `json:"item"`
	Result     string `json:"result"`
	Unit       string `json:"unit"`
	Limit      string `json:"limit"`
	Comparison string `json:"comparison"`
	Standard   string `json:"standard"`
	LabVerdict string `json:"lab_verdict"`
}
