package certification

import (
	"slices"

	"qcity"
	"qcity/internal/registry"
)

// Status is a certificate's status (证书状态), as the national platform publishes it.
type Status string

const (
	StatusValid     Status = "valid"     // 有效
	StatusSuspended Status = "suspended" // 暂停
	StatusRevoked   Status = "revoked"   // 撤销
	StatusCancelled Status = "cancelled" // 注销
	StatusExpired   Status = "expired"   // 过期
)

// Statuses lists the statuses in display order.
var Statuses = []Status{StatusValid, StatusSuspended, StatusRevoked, StatusCancelled, StatusExpired}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Reason is a reason a certificate's status changes, with the article of
// 强制性产品认证管理规定 (2022) that gives it for CCC certificates. Other schemes use the
// same reasons; their bodies' rules say much the same.
type Reason struct {
	Code    string
	To      Status
	Article string // CCC article, e.g. "27(2)"; "" where none applies
	// From restricts the reason to changes from these statuses (nil: any allowed).
	From []Status
	// System reasons are applied by qcity itself, never chosen by a person.
	System bool
}

// Reasons lists every reason.
var Reasons = []Reason{
	// 暂停 (Art. 27).
	{"rules_changed", StatusSuspended, "27(1)", nil, false},          // 认证规则变更，未按期满足要求
	{"surveillance_violation", StatusSuspended, "27(2)", nil, false}, // 监督发现违反认证规则
	{"surveillance_refused", StatusSuspended, "27(3)", nil, false},   // 无正当理由拒绝监督
	{"nonconforming", StatusSuspended, "27(3)", nil, false},          // 监督结果证明产品不再符合要求
	{"sampling_failure", StatusSuspended, "27(3)", nil, false},       // 监督抽查不合格（联动监管）
	{"holder_request_suspend", StatusSuspended, "27(4)", nil, false}, // 认证委托人申请暂停
	// 撤销 (Art. 28).
	{"accident", StatusRevoked, "28(1)", nil, false},                                     // 产品缺陷导致质量安全事故
	{"differs_from_sample", StatusRevoked, "28(2)", nil, false},                          // 产品与型式试验样品不一致
	{"not_fixed", StatusRevoked, "28(3)", []Status{StatusSuspended}, false},              // 暂停期间未整改
	{"fraud", StatusRevoked, "28(4)", nil, false},                                        // 以欺骗、贿赂等不正当手段获得证书
	{"holder_request_cancel", StatusCancelled, "26(4)", nil, false},                      // 认证委托人申请注销
	{"no_renewal", StatusCancelled, "26(1)", []Status{StatusExpired}, false},             // 有效期届满，未申请延续: only once it has ended
	{"discontinued", StatusCancelled, "26(2)", nil, false},                               // 产品不再生产
	{"eliminated", StatusCancelled, "26(3)", nil, false},                                 // 型号列入淘汰目录
	{"rectified", StatusValid, "", []Status{StatusSuspended}, false},                     // 整改完成，恢复
	{"expired", StatusExpired, "22", []Status{StatusValid, StatusSuspended}, true},       // 有效期届满
	{"renewed", StatusValid, "22", []Status{StatusValid}, true},                          // 延续
	{"registered", StatusValid, "", nil, true},                                           // 登记
	{"body_withdrawn", StatusRevoked, "", nil, true},                                     // 认证机构被撤销批准
	{"body_suspended", StatusSuspended, "", nil, true},                                   // 认证机构被暂停
	{"body_expired", StatusSuspended, "", nil, true},                                     // 认证机构批准书过期
	{"body_restored", StatusValid, "", nil, true},                                        // 认证机构恢复
	{"cancelled_after_expiry", StatusCancelled, "26(1)", []Status{StatusExpired}, false}, // 过期后注销
}

// ReasonOf returns the reason with the code.
func ReasonOf(code string) (Reason, bool) {
	for _, r := range Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}

// ReasonsTo lists the reasons a person may choose for a change to status to from
// status from.
func ReasonsTo(from, to Status) []Reason {
	var out []Reason
	for _, r := range Reasons {
		if r.To == to && !r.System && (r.From == nil || slices.Contains(r.From, from)) && CanTransition(from, to) {
			out = append(out, r)
		}
	}
	return out
}

// transitions are the status changes a body (or the bureau) may record. Revoked and
// cancelled are final; expiry is applied by qcity on the day after the last valid day
// and never chosen; an expired certificate may still be recorded as cancelled (Art. 26:
// expired with no renewal).
var transitions = map[Status][]Status{
	StatusValid:     {StatusSuspended, StatusRevoked, StatusCancelled},
	StatusSuspended: {StatusValid, StatusRevoked, StatusCancelled},
	StatusExpired:   {StatusCancelled},
}

// CanTransition reports whether a person may change a certificate from one status to
// another.
func CanTransition(from, to Status) bool { return slices.Contains(transitions[from], to) }

// CheckTransition checks a status change a person asks for, with its reason. It
// returns nil or an EINVALID *qcity.Error naming the field at fault.
func CheckTransition(from, to Status, reason string) error {
	if !to.Valid() {
		return qcity.Invalid(qcity.Field("status", "cert.status_unknown", "value", string(to)))
	}
	if !CanTransition(from, to) {
		return qcity.Invalid(qcity.Field("status", "cert.transition",
			"from", qcity.MsgKey("cert.status."+string(from)), "to", qcity.MsgKey("cert.status."+string(to))))
	}
	r, ok := ReasonOf(reason)
	if !ok || r.System {
		return qcity.Invalid(qcity.Field("reason", "cert.reason_unknown", "value", reason))
	}
	if r.To != to {
		return qcity.Invalid(qcity.Field("reason", "cert.reason_status",
			"reason", qcity.MsgKey("cert.reason."+reason), "to", qcity.MsgKey("cert.status."+string(to))))
	}
	if r.From != nil && !slices.Contains(r.From, from) {
		return qcity.Invalid(qcity.Field("reason", "cert.reason_from",
			"reason", qcity.MsgKey("cert.reason."+reason), "from", qcity.MsgKey("cert.status."+string(from))))
	}
	return nil
}

// Public is the status the public sees: the certificate's own status, its expiry, and
// its body's approval.
type Public struct {
	Status Status     `json:"status"`
	Reason string     `json:"reason"`
	Since  qcity.Date `json:"since"`
	// Cascade is set when the status comes from the body's approval, not from the
	// certificate itself.
	Cascade bool `json:"cascade"`
}

// PublicStatus applies qcity's rule for what is published (RULES.md §8 lists the five
// public values; the cascade is qcity's reading of 认证机构管理办法, UNCONFIRMED):
//  1. a revoked or cancelled certificate stays so;
//  2. a certificate past its last valid day is expired (过期), whether or not the daily
//     run has recorded it yet;
//  3. a certificate of a body whose approval is withdrawn (撤销) is revoked: the body may
//     no longer vouch for it, and the holder must be certified anew;
//  4. a certificate the body suspended is suspended;
//  5. a certificate of a body whose approval is suspended or has lapsed is suspended
//     while that lasts: the body cannot carry out surveillance, so its certificates
//     may not be relied on; they come back when the body is restored;
//  6. otherwise valid.
func PublicStatus(own Status, ownReason string, ownOn, expires qcity.Date, body registry.OrgStatus, bodyOn, today qcity.Date) Public {
	switch {
	case own == StatusRevoked || own == StatusCancelled:
		return Public{Status: own, Reason: ownReason, Since: ownOn}
	case own == StatusExpired:
		return Public{Status: StatusExpired, Reason: "expired", Since: ownOn}
	case !expires.IsZero() && today.After(expires):
		return Public{Status: StatusExpired, Reason: "expired", Since: expires.AddDays(1)}
	case body == registry.OrgRevoked:
		return Public{Status: StatusRevoked, Reason: "body_withdrawn", Since: laterOf(ownOn, bodyOn), Cascade: true}
	case own == StatusSuspended:
		return Public{Status: StatusSuspended, Reason: ownReason, Since: ownOn}
	case body == registry.OrgSuspended:
		return Public{Status: StatusSuspended, Reason: "body_suspended", Since: laterOf(ownOn, bodyOn), Cascade: true}
	case body == registry.OrgExpired:
		return Public{Status: StatusSuspended, Reason: "body_expired", Since: laterOf(ownOn, bodyOn), Cascade: true}
	}
	return Public{Status: StatusValid, Reason: ownReason, Since: ownOn}
}

func laterOf(a, b qcity.Date) qcity.Date {
	if b.After(a) {
		return b
	}
	return a
}

// MayRenew reports whether a certificate valid until expires may be renewed on day:
// CCC certificates within the 90 days before expiry (Art. 22); others any time before
// they expire. Only a valid certificate is renewed: a suspended one first needs its
// suspension lifted.
func MayRenew(s Scheme, own Status, expires, day qcity.Date) bool {
	if own != StatusValid {
		return false
	}
	if day.After(expires) {
		return false
	}
	if s == SchemeCCC {
		return !day.Before(expires.AddDays(-90))
	}
	return true
}
