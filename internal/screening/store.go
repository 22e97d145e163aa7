package screening

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/translog"
)

// The legal bases of the restrictions, per purpose.
var (
	abnormalBasis = Basis{
		LegalBasis:   "《企业信息公示暂行条例》（2024年修订）第十九条",
		LegalBasisEN: "Art. 19, Interim Regulations on Enterprise Information Publicity (2024)",
		Measure:      "在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中，对被列入经营异常名录的企业依法予以限制或者禁入",
		MeasureEN:    "Restricted or barred in government procurement, bidding, land transfers and honours while on the abnormal-operations list",
	}
	seriousBasis = map[string]Basis{
		"procurement": {"《市场监督管理严重违法失信名单管理办法》第十五条第一项", "Art. 15(1), SAMR Order 44",
			"在审查行政许可、资质、资格、委托承担政府采购项目、工程招投标时作为重要考量因素",
			"An important factor in licensing, qualification, government procurement and bidding reviews"},
		"no_commitment": {"《市场监督管理严重违法失信名单管理办法》第十五条第三项", "Art. 15(3), SAMR Order 44",
			"不适用告知承诺制度", "No notification-and-commitment procedures"},
		"no_honours": {"《市场监督管理严重违法失信名单管理办法》第十五条第四项", "Art. 15(4), SAMR Order 44",
			"不予授予市场监督管理部门荣誉称号等表彰奖励", "No honours of market regulators"},
		"joint_punishment": {"《市场监督管理严重违法失信名单管理办法》第十五条第五项", "Art. 15(5), SAMR Order 44",
			"依法依规实施的其他管理措施（联合惩戒）", "Other measures under the law (joint punishment)"},
	}
	penaltyBasis = Basis{
		LegalBasis:   "《政府采购法》第二十二条第一款第五项；《政府采购法实施条例》第十九条",
		LegalBasisEN: "Government Procurement Law Art. 22(1)(5); its Implementing Regulations Art. 19",
		Measure:      "参加政府采购活动前三年内在经营活动中有重大违法记录（较大数额罚款、责令停产停业、吊销许可证或者执照等）的，不得参加政府采购活动",
		MeasureEN:    "A major illegal record (a large fine, suspension, revoked permit or licence) in the three years before excludes the supplier from government procurement",
	}
	barredReportBasis = Basis{
		LegalBasis:   "《企业信息公示暂行条例》（2024年修订）第十八条",
		LegalBasisEN: "Art. 18, Interim Regulations on Enterprise Information Publicity (2024)",
		Measure:      "企业年度报告隐瞒真实情况、弄虚作假情节严重的，其法定代表人、负责人三年内不得担任其他企业的法定代表人、负责人",
		MeasureEN:    "After a serious false annual report, the legal representative may not be another enterprise's legal representative for three years",
	}
	barredRevokedBasis = Basis{
		LegalBasis:   "《公司法》（2023年修订）第一百七十八条第一款第四项",
		LegalBasisEN: "Company Law (2023) Art. 178(1)(4)",
		Measure:      "担任因违法被吊销营业执照的公司的法定代表人并负有个人责任的，自被吊销营业执照之日起未逾三年，不得担任公司的法定代表人",
		MeasureEN:    "A legal representative personally responsible for a company whose licence was revoked may not be a legal representative for three years",
	}
)

// purposesOfSerious maps a serious listing's measures to the purposes they restrict.
func purposesOfSerious(measures []string) map[string]Basis {
	out := map[string]Basis{}
	for _, m := range measures {
		b, ok := seriousBasis[m]
		if !ok {
			continue
		}
		switch m {
		case "procurement":
			out[PurposeProcurement], out[PurposeBidding], out[PurposeLicensing] = b, b, b
		case "no_commitment":
			if _, ok := out[PurposeLicensing]; !ok {
				out[PurposeLicensing] = b
			}
		case "no_honours":
			out[PurposeHonours] = b
		case "joint_punishment":
			out[PurposeFinancing], out[PurposeOther] = b, b
		}
	}
	return out
}

// abnormalPurposes is shared by every abnormal-list restriction (read only): one map
// instead of one per listing keeps the index small and quick for the collector.
var abnormalPurposes = map[string]Basis{PurposeProcurement: abnormalBasis, PurposeBidding: abnormalBasis,
	PurposeHonours: abnormalBasis, PurposeOther: abnormalBasis}

func allPurposes(b Basis) map[string]Basis {
	out := map[string]Basis{}
	for _, p := range Purposes {
		out[p] = b
	}
	return out
}

func threeYears(d qcity.Date) qcity.Date { return qcity.NewDate(d.Year+3, d.Month, d.Day) }

// loadEntries reads the restrictions of the given entities (nil: every restricted
// entity) as of day and returns their entries.
func loadEntries(ctx context.Context, q db.Querier, ids []int64, day qcity.Date) ([]*Entry, error) {
	var filter string
	var fargs []any
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		filter = " AND x.entity_id IN (?" + strings.Repeat(",?", len(ids)-1) + ")"
		for _, id := range ids {
			fargs = append(fargs, id)
		}
	}
	byEntity := map[int64][]*Restriction{}
	since := qcity.NewDate(day.Year-3, day.Month, day.Day).AddDays(-1)
	// The abnormal-operations list.
	rows, err := q.Query(ctx, `SELECT x.id, x.entity_id, x.reason, x.decision_no, x.authority, x.listed_on
		FROM abnormal_listings x WHERE x.state = 'listed'`+filter, fargs...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		var id, eid int64
		var reason string
		r := &Restriction{List: "abnormal", Purposes: abnormalPurposes}
		if err := rows.Scan(&id, &eid, &reason, &r.DecisionNo, &r.Authority, &r.ListedOn); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		r.Ref, r.ReasonKeys = fmt.Sprintf("abnormal/%d", id), []string{"credit.reason." + reason}
		byEntity[eid] = append(byEntity[eid], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	// The serious list, and the legal representatives its false-report listings bar.
	rows, err = q.Query(ctx, `SELECT x.id, x.entity_id, x.circumstances, x.measures, x.decision_no, x.authority, x.listed_on,
		x.expires_on, x.state, x.legal_rep_commitment FROM serious_listings x
		WHERE (x.state IN ('listed', 'early_removal_applied') OR x.listed_on > ? AND x.state NOT IN ('revoked', 'rejected'))`+filter,
		append([]any{since}, fargs...)...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	type commitment struct {
		r *Restriction
		c string
	}
	var openings []commitment
	for rows.Next() {
		var id, eid int64
		var circ, measures, state, legalRep string
		var listed, expires qcity.Date
		var r Restriction
		if err := rows.Scan(&id, &eid, &circ, &measures, &r.DecisionNo, &r.Authority, &listed, &expires, &state, &legalRep); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		var cs, ms []string
		json.Unmarshal([]byte(circ), &cs)
		json.Unmarshal([]byte(measures), &ms)
		keys := make([]string, len(cs))
		for i, c := range cs {
			keys[i] = "credit.circ." + c
		}
		if state == credit.SeriousListed || state == credit.SeriousRemovalApplied {
			sr := r
			sr.List, sr.Ref, sr.ReasonKeys, sr.ListedOn, sr.EndsOn = "serious", fmt.Sprintf("serious/%d", id), keys, listed, expires
			sr.Purposes = purposesOfSerious(ms)
			byEntity[eid] = append(byEntity[eid], &sr)
		}
		if slices.Contains(cs, credit.CircumstanceFalseReport) && legalRep != "" {
			br := r
			br.List, br.Ref, br.ReasonKeys = "barred_person", fmt.Sprintf("serious/%d", id), []string{"screening.barred_false_report"}
			br.ListedOn, br.EndsOn, br.Purposes = listed, threeYears(listed), allPurposes(barredReportBasis)
			byEntity[eid] = append(byEntity[eid], &br)
			openings = append(openings, commitment{&br, legalRep})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	// Major illegal records (heavier penalties) in the last three years, and the legal
	// representatives of companies whose licence was revoked.
	rows, err = q.Query(ctx, `SELECT x.id, x.entity_id, x.decision_no, x.authority, x.decided_on, x.kinds, x.violation,
		x.legal_rep_commitment FROM penalties x WHERE x.heavier = ? AND x.state <> 'withdrawn' AND x.decided_on > ?`+filter,
		append([]any{true, since}, fargs...)...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		var id, eid int64
		var kinds, violation, legalRep string
		var r Restriction
		if err := rows.Scan(&id, &eid, &r.DecisionNo, &r.Authority, &r.ListedOn, &kinds, &violation, &legalRep); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		r.EndsOn = threeYears(r.ListedOn)
		pr := r
		pr.List, pr.Ref, pr.Reason, pr.ReasonEN, pr.Purposes = "penalty", fmt.Sprintf("penalty/%d", id), violation, violation,
			map[string]Basis{PurposeProcurement: penaltyBasis}
		byEntity[eid] = append(byEntity[eid], &pr)
		if slices.Contains(strings.Split(kinds, ","), string(credit.PenaltyLicenceRevoked)) && legalRep != "" {
			br := r
			br.List, br.Ref, br.ReasonKeys, br.Purposes = "barred_person", pr.Ref, []string{"screening.barred_revoked"}, allPurposes(barredRevokedBasis)
			byEntity[eid] = append(byEntity[eid], &br)
			openings = append(openings, commitment{&br, legalRep})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	for _, o := range openings {
		if _, v, ok, err := translog.Opening(ctx, q, o.c); err != nil {
			return nil, err
		} else if ok {
			o.r.Person = v
		}
	}
	// The entities.
	var out []*Entry
	list := make([]int64, 0, len(byEntity))
	for id := range byEntity {
		list = append(list, id)
	}
	slices.Sort(list)
	for len(list) > 0 {
		chunk := list[:min(len(list), 500)]
		list = list[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.Query(ctx, `SELECT id, uscc, name, former_names, legal_representative FROM entities
			WHERE id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			e := &Entry{}
			var former string
			if err := rows.Scan(&e.EntityID, &e.USCC, &e.Name, &former, &e.LegalRep); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			json.Unmarshal([]byte(former), &e.FormerNames)
			e.Restrictions = byEntity[e.EntityID]
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, qcity.Internal(err)
		}
	}
	return out, nil
}

// Load builds the whole index from the database and records where the change feed
// stands, so Refresh picks up from there.
func (ix *Index) Load(ctx context.Context, q db.Querier, day qcity.Date) (seq int64, err error) {
	// Read the feed position first: a change committed while loading is seen again by
	// the next Refresh, which is harmless.
	if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM credit_changes`).Scan(&seq); err != nil {
		return 0, qcity.Internal(err)
	}
	entries, err := loadEntries(ctx, q, nil, day)
	if err != nil {
		return 0, err
	}
	fresh := NewIndex()
	fresh.Replace(nil, entries)
	ix.mu.Lock()
	ix.byID, ix.byCode, ix.byKey, ix.byLoose, ix.postings, ix.barred = fresh.byID, fresh.byCode, fresh.byKey, fresh.byLoose, fresh.postings, fresh.barred
	ix.mu.Unlock()
	return seq, nil
}

// Change is one entry of the credit change feed.
type Change struct {
	Seq       int64      `json:"seq"`
	USCC      string     `json:"uscc"`
	Kind      string     `json:"kind"`
	Ref       string     `json:"ref"`
	ChangedOn qcity.Date `json:"changed_on"`
	EntityID  int64      `json:"-"`
	At        time.Time  `json:"at"`
}

// ChangesSince reads the feed after seq, at most limit entries.
func ChangesSince(ctx context.Context, q db.Querier, seq int64, limit int) ([]Change, error) {
	rows, err := q.Query(ctx, `SELECT seq, uscc, kind, ref, changed_on, entity_id, created_at FROM credit_changes
		WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Seq, &c.USCC, &c.Kind, &c.Ref, &c.ChangedOn, &c.EntityID, &c.At); err != nil {
			return nil, qcity.Internal(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, qcity.Internal(rows.Err())
}

// refresh applies the feed after seq to the index: the entities it names are reloaded.
func (ix *Index) refresh(ctx context.Context, q db.Querier, seq int64, day qcity.Date) (int64, error) {
	for {
		changes, err := ChangesSince(ctx, q, seq, 5000)
		if err != nil || len(changes) == 0 {
			return seq, err
		}
		var ids []int64
		for _, c := range changes {
			ids = append(ids, c.EntityID)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		entries, err := loadEntries(ctx, q, ids, day)
		if err != nil {
			return seq, err
		}
		ix.Replace(ids, entries)
		seq = changes[len(changes)-1].Seq
	}
}
