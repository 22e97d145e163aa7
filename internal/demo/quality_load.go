package demo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"qcity"
	"qcity/internal/nqi"
)

// LoadQuality stores a quality plan through svc, as the city bureau's quality
// development office: each register's records in one transaction
// (nqi.Service.BulkCreate, which validates every record as a form's would be and
// audits the batch), parents before children. The organisations and entities the
// plan names must be loaded. progress reports records stored (done of total). A
// record the service refuses is an internal error naming it: the plan is wrong.
func LoadQuality(ctx context.Context, svc *nqi.Service, plan *QualityPlan, progress func(done, total int)) error {
	if svc == nil || svc.DB == nil || svc.Jurisdiction == nil || plan == nil {
		return qcity.Internal(errors.New("demo: incomplete nqi service or nil plan"))
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	orgs := map[string]int64{}
	rows, err := svc.DB.Query(ctx, `SELECT id, uscc FROM organisations`)
	if err != nil {
		return qcity.Internal(err)
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		orgs[code] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	office := qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, Name: svc.Jurisdiction.Prefecture.Name + "市场监管局质量发展科",
		Role: qcity.RoleCityOfficial})
	ids := map[string]int64{}
	total, done := len(plan.Records), 0
	progress(0, total)
	for start := 0; start < len(plan.Records); {
		k := plan.Records[start].Kind
		end := start
		for end < len(plan.Records) && plan.Records[end].Kind == k {
			end++
		}
		batch := plan.Records[start:end]
		ins := make([]nqi.Input, len(batch))
		for i, rec := range batch {
			in := maps.Clone(rec.In)
			if rec.Parent != "" {
				id, ok := ids[rec.Parent]
				if !ok {
					return qcity.Internal(fmt.Errorf("demo: %s: parent %s not loaded", rec.Key, rec.Parent))
				}
				in[k.ParentField().Name] = strconv.FormatInt(id, 10)
			}
			for field, code := range rec.Orgs {
				id, ok := orgs[code]
				if !ok {
					return qcity.Internal(fmt.Errorf("demo: %s: organisation %s not registered", rec.Key, code))
				}
				in[field] = strconv.FormatInt(id, 10)
			}
			ins[i] = in
		}
		recs, err := svc.BulkCreate(office, k, ins, "demo")
		if err != nil {
			if qe := qcity.AsError(err); qe != nil && len(qe.Fields) > 0 {
				fe := qe.Fields[0]
				row := batch[max(0, min(fe.Row-1, len(batch)-1))]
				return qcity.Internal(fmt.Errorf("demo: %d %s refused, the first: %s beside %s (%v) in %v", qe.Args["count"], k.Name, fe.Key, fe.Field, fe.Args, row.In))
			}
			return err
		}
		for i, r := range recs {
			ids[batch[i].Key] = r.ID
		}
		done += len(batch)
		progress(done, total)
		start = end
	}
	return nil
}
