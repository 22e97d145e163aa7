package certification

import (
	"context"
	"fmt"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// RunSummary is what one daily run did.
type RunSummary struct {
	Date    qcity.Date `json:"date"`
	Lapsed  int        `json:"lapsed"` // approvals of bodies and labs whose validity ended
	Expired int        `json:"expired"`
	Flagged int        `json:"flagged"`
}

// RunExpiry records the expiry (过期) of every valid or suspended certificate whose last
// valid day is before on, dated the day after that last day, with an event in each
// history. Public status is computed from the dates anyway, so the run only makes the
// record; a second run changes nothing and a missed day is caught up.
func (s *Service) RunExpiry(ctx context.Context, on qcity.Date) (int, error) {
	ctx = qcity.WithActor(ctx, qcity.System("rules"))
	now := s.Clock.Now().UTC()
	type due struct {
		id      int64
		number  string
		status  Status
		expires qcity.Date
	}
	var ds []due
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		ds = ds[:0]
		rows, err := tx.Query(ctx, `SELECT id, number, status, expires_on FROM certificates
			WHERE status IN ('valid', 'suspended') AND expires_on < ? ORDER BY id`, on)
		if err != nil {
			return qcity.Internal(err)
		}
		for rows.Next() {
			var d due
			var st string
			if err := rows.Scan(&d.id, &d.number, &st, &d.expires); err != nil {
				rows.Close()
				return qcity.Internal(err)
			}
			d.status = Status(st)
			ds = append(ds, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return qcity.Internal(err)
		}
		for _, d := range ds {
			day := d.expires.AddDays(1)
			if _, err := tx.Exec(ctx, `UPDATE certificates SET status = 'expired', status_reason = 'expired', status_on = ?,
				updated_at = ?, version = version + 1 WHERE id = ?`, day, now, d.id); err != nil {
				return qcity.Internal(err)
			}
			ev := Event{Kind: EventExpired, From: d.status, To: StatusExpired, Reason: "expired", On: day, ActorName: "rules", ActorRole: string(qcity.RoleAdmin)}
			if err := insertEvent(ctx, tx, d.id, ev, now); err != nil {
				return err
			}
		}
		if len(ds) == 0 {
			return nil
		}
		numbers := make([]string, 0, min(len(ds), 20))
		for _, d := range ds[:min(len(ds), 20)] {
			numbers = append(numbers, d.number)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "certificate",
			ObjectID: "expiry/" + on.String(), Summary: fmt.Sprintf("证书过期 %d 张：%s", len(ds), strings.Join(numbers, "、"))})
	})
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if e, ok := s.index.get(d.number); ok {
			c := *e
			c.Status, c.StatusReason, c.StatusOn = StatusExpired, "expired", d.expires.AddDays(1)
			s.index.put(&c)
		}
	}
	return len(ds), nil
}

// RunDaily performs the date-driven steps of certification oversight for day on: the
// lapse of approvals whose validity ended, the expiry of certificates and the catch-up of linked supervision (failures recorded in
// bulk, without the hook). serve runs it with the credit rules every day; `qcity rules
// run` too.
func (s *Service) RunDaily(ctx context.Context, on qcity.Date) (RunSummary, error) {
	sum := RunSummary{Date: on}
	var err error
	if sum.Lapsed, err = s.RunLapses(ctx, on); err != nil {
		return sum, err
	}
	if sum.Expired, err = s.RunExpiry(ctx, on); err != nil {
		return sum, err
	}
	sum.Flagged, err = s.ScanFailures(ctx, ScanOptions{})
	return sum, err
}
