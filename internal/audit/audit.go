// Package audit keeps the audit log (审计日志): every write (who, when, what, before and
// after) and every API-client read of non-public data. The log is append-only: qcity has
// no code path that changes or deletes an entry, and database triggers refuse UPDATE and
// DELETE on both engines.
package audit

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
)

// Actions recorded in the log.
const (
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionRead        = "read"
	ActionExport      = "export"
	ActionImport      = "import"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	ActionRevoke      = "revoke"
)

// Actions lists every action, for filters.
var Actions = []string{ActionCreate, ActionUpdate, ActionDelete, ActionRead, ActionExport,
	ActionImport, ActionLogin, ActionLoginFailed, ActionLogout, ActionRevoke}

// Record is what a service tells the log about one change or read. The actor, request
// id and client address come from the context.
type Record struct {
	Action     string
	ObjectType string // "entity", "user", "api_key", "organisation", …
	ObjectID   string // the object's natural key where it has one (a USCC), else its id
	Region     string // the region of the object, which scopes who may read the entry
	Summary    string
	Before     any // the object before the change (nil for creations and reads)
	After      any // the object after the change (nil for deletions)
}

// Entry is one line of the log.
type Entry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorKind  string          `json:"actor_kind"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name"`
	ActorRole  string          `json:"actor_role"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Region     string          `json:"region_code"`
	Summary    string          `json:"summary"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	RequestID  string          `json:"request_id"`
	IP         string          `json:"ip"`
}

// Write appends r to the log through q, which should be the transaction making the
// change, so the change and its record land together or not at all.
func Write(ctx context.Context, q db.Querier, now time.Time, r Record) error {
	a := qcity.ActorFrom(ctx)
	before, err := marshal(r.Before)
	if err != nil {
		return err
	}
	after, err := marshal(r.After)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, actor_role,
		action, object_type, object_id, region_code, summary, before_json, after_json, request_id, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		now, string(a.Kind), db.NullInt(a.ID), a.Name, string(a.Role), r.Action, r.ObjectType,
		r.ObjectID, r.Region, truncate(r.Summary, 1000), before, after,
		qcity.RequestIDFrom(ctx), qcity.ClientIPFrom(ctx))
	if err != nil {
		return qcity.Internal(err)
	}
	return nil
}

func marshal(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	return string(b), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// Filter selects log entries. Region limits entries to a region and below: set it to
// the actor's region so a county official sees only its own district's entries.
type Filter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	Region     string
	From, To   time.Time // To is exclusive
	Limit      int
	Offset     int
}

// Find returns entries matching f, newest first, and the total count.
func Find(ctx context.Context, q db.Querier, f Filter) ([]Entry, int, error) {
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor_name = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.ObjectType != "" {
		where, args = append(where, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		where, args = append(where, "object_id = ?"), append(args, f.ObjectID)
	}
	if f.Region != "" {
		where, args = append(where, "region_code LIKE ?"), append(args, f.Region+"%")
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT id, at, actor_kind, COALESCE(actor_id, 0), actor_name, actor_role,
		action, object_type, object_id, region_code, summary, before_json, after_json, request_id, ip
		FROM audit_log`+cond+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var before, after *string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorKind, &e.ActorID, &e.ActorName, &e.ActorRole,
			&e.Action, &e.ObjectType, &e.ObjectID, &e.Region, &e.Summary, &before, &after,
			&e.RequestID, &e.IP); err != nil {
			return nil, 0, qcity.Internal(err)
		}
		e.At = e.At.UTC()
		if before != nil {
			e.Before = json.RawMessage(*before)
		}
		if after != nil {
			e.After = json.RawMessage(*after)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	return out, total, nil
}
