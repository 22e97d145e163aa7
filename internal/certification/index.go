package certification

import (
	"context"
	"sync"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// The verification index keeps every certificate's public facts and every body's
// approval in memory, so a verification is a map lookup (public verification is the
// hot path: every QR scan and every buyer's check). Writes of this instance update it
// at once; those of other instances sharing a PostgreSQL database arrive with Sync
// (every few seconds), and a number missing from the index is looked up in the
// database before it is called unknown.

// entry is a certificate as the index holds it.
type entry struct {
	ID           int64
	Number       string
	Scheme       Scheme
	Category     string
	BodyID       int64
	HolderID     int64
	HolderName   string
	HolderUSCC   string
	Product      string
	Models       string
	Scope        string
	Standard     string
	IssuedOn     qcity.Date
	FirstIssued  qcity.Date
	ExpiresOn    qcity.Date
	Status       Status
	StatusReason string
	StatusOn     qcity.Date
}

func (e *entry) scopeText() string {
	return Certificate{Scheme: e.Scheme, Product: e.Product, Models: e.Models, Scope: e.Scope}.ScopeText()
}

func entryOf(c Certificate) *entry {
	return &entry{ID: c.ID, Number: c.Number, Scheme: c.Scheme, Category: c.Category, BodyID: c.BodyID, HolderID: c.HolderID,
		HolderName: c.HolderName, HolderUSCC: c.HolderUSCC, Product: c.Product, Models: c.Models, Scope: c.Scope,
		Standard: c.Standard, IssuedOn: c.IssuedOn, FirstIssued: c.FirstIssuedOn, ExpiresOn: c.ExpiresOn, Status: c.Status, StatusReason: c.StatusReason,
		StatusOn: c.StatusOn}
}

// bodyEntry is a certification body (or lab) with its approval.
type bodyEntry struct {
	ID         int64
	Name       string
	USCC       string
	Approval   string
	Scope      string
	Status     registry.OrgStatus
	StatusOn   qcity.Date // the last recorded change of approval; zero if none
	ValidUntil qcity.Date
}

type index struct {
	mu       sync.RWMutex
	byNumber map[string]*entry
	byHolder map[string][]*entry
	bodies   map[int64]*bodyEntry
	syncedTo time.Time
}

func newIndex() *index {
	return &index{byNumber: map[string]*entry{}, byHolder: map[string][]*entry{}, bodies: map[int64]*bodyEntry{}}
}

const entryColumns = `id, number, scheme, category, body_id, COALESCE(holder_id, 0), holder_name, holder_uscc, product, models,
	scope, standard, issued_on, COALESCE(first_issued_on, issued_on), expires_on, status, status_reason, status_on`

func scanEntry(row interface{ Scan(...any) error }) (*entry, error) {
	e := &entry{}
	var scheme, status string
	err := row.Scan(&e.ID, &e.Number, &scheme, &e.Category, &e.BodyID, &e.HolderID, &e.HolderName, &e.HolderUSCC, &e.Product,
		&e.Models, &e.Scope, &e.Standard, &e.IssuedOn, &e.FirstIssued, &e.ExpiresOn, &status, &e.StatusReason, &e.StatusOn)
	e.Scheme, e.Status = Scheme(scheme), Status(status)
	return e, err
}

// syncOverlap re-reads a little of the past on each sync, for rows another instance
// committed with a slightly older updated_at.
const syncOverlap = 10 * time.Second

func (x *index) load(ctx context.Context, d *db.DB, now time.Time) error {
	start := now.UTC()
	rows, err := d.Query(ctx, `SELECT `+entryColumns+` FROM certificates`)
	if err != nil {
		return qcity.Internal(err)
	}
	byNumber := map[string]*entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		byNumber[e.Number] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	byHolder := map[string][]*entry{}
	for _, e := range byNumber {
		byHolder[e.HolderUSCC] = append(byHolder[e.HolderUSCC], e)
	}
	x.mu.Lock()
	x.byNumber, x.byHolder, x.syncedTo = byNumber, byHolder, start.Add(-syncOverlap)
	x.mu.Unlock()
	return x.loadBodies(ctx, d)
}

func (x *index) sync(ctx context.Context, d *db.DB, now time.Time) error {
	x.mu.RLock()
	since := x.syncedTo
	x.mu.RUnlock()
	start := now.UTC()
	rows, err := d.Query(ctx, `SELECT `+entryColumns+` FROM certificates WHERE updated_at >= ?`, since)
	if err != nil {
		return qcity.Internal(err)
	}
	var changed []*entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		changed = append(changed, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	for _, e := range changed {
		x.put(e)
	}
	x.mu.Lock()
	x.syncedTo = start.Add(-syncOverlap)
	x.mu.Unlock()
	return x.loadBodies(ctx, d)
}

// loadBodies reloads every certification body and lab with the date of its last
// approval change.
func (x *index) loadBodies(ctx context.Context, d *db.DB) error {
	rows, err := d.Query(ctx, `SELECT o.id, o.name, o.uscc, o.accreditation_no, o.scope, o.status, o.valid_until,
		(SELECT MAX(on_date) FROM accreditation_events a WHERE a.org_id = o.id)
		FROM organisations o WHERE o.kind IN ('certification_body', 'lab')`)
	if err != nil {
		return qcity.Internal(err)
	}
	defer rows.Close()
	bodies := map[int64]*bodyEntry{}
	for rows.Next() {
		b := &bodyEntry{}
		var status string
		if err := rows.Scan(&b.ID, &b.Name, &b.USCC, &b.Approval, &b.Scope, &status, &b.ValidUntil, &b.StatusOn); err != nil {
			return qcity.Internal(err)
		}
		b.Status = registry.OrgStatus(status)
		bodies[b.ID] = b
	}
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	x.mu.Lock()
	x.bodies = bodies
	x.mu.Unlock()
	return nil
}

// put adds or replaces an entry.
func (x *index) put(e *entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.byNumber[e.Number]; ok {
		list := x.byHolder[old.HolderUSCC]
		for i, o := range list {
			if o == old {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(x.byHolder, old.HolderUSCC)
		} else {
			x.byHolder[old.HolderUSCC] = list
		}
	}
	x.byNumber[e.Number] = e
	x.byHolder[e.HolderUSCC] = append(x.byHolder[e.HolderUSCC], e)
}

func (x *index) get(number string) (*entry, bool) {
	x.mu.RLock()
	e, ok := x.byNumber[number]
	x.mu.RUnlock()
	return e, ok
}

func (x *index) ofHolder(code string) []*entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return append([]*entry(nil), x.byHolder[code]...)
}

// all returns every entry (for the oversight figures).
func (x *index) all() []*entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]*entry, 0, len(x.byNumber))
	for _, e := range x.byNumber {
		out = append(out, e)
	}
	return out
}

func (x *index) len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byNumber)
}

// body returns a body; an unknown id gives an empty, not-valid entry.
func (x *index) body(id int64) bodyEntry {
	x.mu.RLock()
	b, ok := x.bodies[id]
	x.mu.RUnlock()
	if !ok {
		return bodyEntry{ID: id, Status: registry.OrgRevoked}
	}
	return *b
}

func (x *index) bodyStatusOn(id int64) qcity.Date { return x.body(id).StatusOn }

// addBody adds a body the index does not know yet (one registered after the last
// load), keeping what it knows of the others.
func (x *index) addBody(b bodyEntry) {
	x.mu.Lock()
	if _, ok := x.bodies[b.ID]; !ok {
		x.bodies[b.ID] = &b
	}
	x.mu.Unlock()
}
