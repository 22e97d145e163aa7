package audit_test

import (
	"context"
	"testing"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

func TestWriteAndFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		actor := qcity.Actor{Kind: qcity.ActorUser, ID: 7, Name: "xiashan", Role: qcity.RoleCountyOfficial, Region: "440803"}
		ctx := qcity.WithClientIP(qcity.WithRequestID(qcity.WithActor(context.Background(), actor), "req-1"), "10.1.2.3")
		for i, r := range []audit.Record{
			{Action: audit.ActionCreate, ObjectType: "entity", ObjectID: "A", Region: "440803", After: map[string]string{"name": "甲"}},
			{Action: audit.ActionUpdate, ObjectType: "entity", ObjectID: "A", Region: "440803", Before: map[string]string{"name": "甲"}, After: map[string]string{"name": "乙"}},
			{Action: audit.ActionCreate, ObjectType: "entity", ObjectID: "B", Region: "440802"},
			{Action: audit.ActionRead, ObjectType: "api", ObjectID: "/api/v1/audit", Region: "440803101"},
		} {
			if err := audit.Write(ctx, d, base.Add(time.Duration(i)*time.Hour), r); err != nil {
				t.Fatal(err)
			}
		}
		all, total, err := audit.Find(ctx, d, audit.Filter{})
		if err != nil || total != 4 || all[0].Action != audit.ActionRead {
			t.Fatalf("all: %d %v", total, err)
		}
		upd := all[2]
		if upd.ActorName != "xiashan" || upd.ActorRole != "county_official" || upd.RequestID != "req-1" || upd.IP != "10.1.2.3" ||
			string(upd.Before) != `{"name":"甲"}` || string(upd.After) != `{"name":"乙"}` || !upd.At.Equal(base.Add(time.Hour)) {
			t.Errorf("entry: %+v", upd)
		}
		for name, c := range map[string]struct {
			f    audit.Filter
			want int
		}{
			"object":       {audit.Filter{ObjectType: "entity", ObjectID: "A"}, 2},
			"action":       {audit.Filter{Action: audit.ActionCreate}, 2},
			"region+below": {audit.Filter{Region: "440803"}, 3},
			"other region": {audit.Filter{Region: "440802"}, 1},
			"from":         {audit.Filter{From: base.Add(2 * time.Hour)}, 2},
			"to exclusive": {audit.Filter{To: base.Add(time.Hour)}, 1},
			"actor":        {audit.Filter{Actor: "nobody"}, 0},
			"page":         {audit.Filter{Limit: 1, Offset: 3}, 4},
		} {
			items, total, err := audit.Find(ctx, d, c.f)
			if err != nil || total != c.want {
				t.Errorf("%s: total %d, want %d (%v)", name, total, c.want, err)
			}
			if name == "page" && (len(items) != 1 || items[0].ObjectID != "A") {
				t.Errorf("page: %+v", items)
			}
		}
	})
}
