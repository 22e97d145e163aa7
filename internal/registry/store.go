package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
)

const entityColumns = `id, uscc, name, former_names, entity_type, legal_representative, address,
	region_code, industry_code, established_on, status, registered_capital, needs_check, source,
	created_at, updated_at, version`

func scanEntity(row interface{ Scan(...any) error }) (Entity, error) {
	var e Entity
	var former, typ, status string
	if err := row.Scan(&e.ID, &e.USCC, &e.Name, &former, &typ, &e.LegalRepresentative, &e.Address,
		&e.Region, &e.Industry, &e.EstablishedOn, &status, &e.RegisteredCapital, &e.NeedsCheck,
		&e.Source, &e.CreatedAt, &e.UpdatedAt, &e.Version); err != nil {
		return Entity{}, err
	}
	e.Type, e.Status = EntityType(typ), Status(status)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(former), &e.FormerNames); err != nil || e.FormerNames == nil {
		e.FormerNames = []string{}
	}
	return e, nil
}

func formerJSON(names []string) string {
	if len(names) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(names)
	return string(b)
}

// findEntityByUSCC returns the entity, or ENOTFOUND.
func findEntityByUSCC(ctx context.Context, q db.Querier, code string) (Entity, error) {
	e, err := scanEntity(q.QueryRow(ctx, `SELECT `+entityColumns+` FROM entities WHERE uscc = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Entity{}, qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", code)
	}
	if err != nil {
		return Entity{}, qcity.Internal(err)
	}
	return e, nil
}

// findEntitiesByIDs returns the entities with the given ids in the order of ids; ids
// without a row are left out.
func findEntitiesByIDs(ctx context.Context, q db.Querier, ids []int64) ([]Entity, error) {
	if len(ids) == 0 {
		return []Entity{}, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT `+entityColumns+` FROM entities WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	byID := make(map[int64]Entity, len(ids))
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		byID[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	out := make([]Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func insertEntity(ctx context.Context, q db.Querier, e *Entity) error {
	err := q.QueryRow(ctx, `INSERT INTO entities (uscc, name, former_names, entity_type, legal_representative,
		address, region_code, industry_code, established_on, status, registered_capital, needs_check, source,
		created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		e.USCC, e.Name, formerJSON(e.FormerNames), string(e.Type), e.LegalRepresentative, e.Address, e.Region,
		e.Industry, e.EstablishedOn, string(e.Status), e.RegisteredCapital, e.NeedsCheck, e.Source,
		e.CreatedAt, e.UpdatedAt).Scan(&e.ID)
	if db.IsUniqueViolation(err) {
		return conflictUSCC(e.USCC)
	}
	if err != nil {
		return qcity.Internal(err)
	}
	e.Version = 1
	return nil
}

func conflictUSCC(code string) *qcity.Error {
	return &qcity.Error{Code: qcity.ECONFLICT, Key: "registry.uscc_taken", Args: map[string]any{"uscc": code},
		Fields: []qcity.FieldError{qcity.Field("uscc", "registry.uscc_taken", "uscc", code)}}
}

// updateEntity writes e if its stored version is still version; it bumps the version.
// A change of registration status is dated (status_changed_on, the day of the edit):
// the annual-report rules count an entity as due for the years it was active.
func updateEntity(ctx context.Context, q db.Querier, e *Entity, version int) error {
	res, err := q.Exec(ctx, `UPDATE entities SET name = ?, former_names = ?, entity_type = ?,
		legal_representative = ?, address = ?, region_code = ?, industry_code = ?, established_on = ?,
		status_changed_on = CASE WHEN status <> ? THEN ? ELSE status_changed_on END,
		status = ?, registered_capital = ?, needs_check = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		e.Name, formerJSON(e.FormerNames), string(e.Type), e.LegalRepresentative, e.Address, e.Region,
		e.Industry, e.EstablishedOn, string(e.Status), qcity.DateOf(e.UpdatedAt), string(e.Status), e.RegisteredCapital,
		e.NeedsCheck, e.UpdatedAt, e.ID, version)
	if err != nil {
		return qcity.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	e.Version = version + 1
	return nil
}

// bulkBatch is the number of rows per multi-row INSERT: large enough to amortise the
// statement, small enough to stay under both engines' parameter limits.
const bulkBatch = 200

// insertEntitiesBulk inserts entities with multi-row INSERT statements inside the
// caller's transaction and sets their ids. created_at, updated_at and source are taken
// from the entities.
func insertEntitiesBulk(ctx context.Context, tx *db.Tx, es []Entity, progress func(done int)) error {
	const cols = 15
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for start := 0; start < len(es); start += bulkBatch {
		batch := es[start:min(start+bulkBatch, len(es))]
		var query strings.Builder
		query.WriteString(`INSERT INTO entities (uscc, name, former_names, entity_type, legal_representative,
			address, region_code, industry_code, established_on, status, registered_capital, needs_check, source,
			created_at, updated_at) VALUES `)
		for i := range batch {
			if i > 0 {
				query.WriteString(", ")
			}
			query.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		}
		query.WriteString(" RETURNING id")
		args := make([]any, 0, len(batch)*cols)
		for i := range batch {
			e := &batch[i]
			args = append(args, e.USCC, e.Name, formerJSON(e.FormerNames), string(e.Type), e.LegalRepresentative,
				e.Address, e.Region, e.Industry, e.EstablishedOn, string(e.Status), e.RegisteredCapital,
				e.NeedsCheck, e.Source, e.CreatedAt, e.UpdatedAt)
		}
		var rows *sql.Rows
		var err error
		if len(batch) == bulkBatch {
			if stmt == nil {
				if stmt, err = tx.Prepare(ctx, query.String()); err != nil {
					return qcity.Internal(err)
				}
			}
			rows, err = stmt.QueryContext(ctx, tx.Args(args)...)
		} else {
			rows, err = tx.Query(ctx, query.String(), args...)
		}
		if err != nil {
			if db.IsUniqueViolation(err) {
				return qcity.Errorf(qcity.ECONFLICT, "registry.import_conflict")
			}
			return qcity.Internal(err)
		}
		// RETURNING yields the ids in insertion order on both engines for a single
		// multi-row INSERT; they are read back rather than assumed consecutive.
		i := 0
		for rows.Next() {
			if err := rows.Scan(&batch[i].ID); err != nil {
				rows.Close()
				return qcity.Internal(err)
			}
			batch[i].Version = 1
			i++
		}
		if err := rows.Close(); err != nil {
			return qcity.Internal(err)
		}
		if err := rows.Err(); err != nil {
			if db.IsUniqueViolation(err) {
				return qcity.Errorf(qcity.ECONFLICT, "registry.import_conflict")
			}
			return qcity.Internal(err)
		}
		if i != len(batch) {
			return qcity.Internal(errors.New("registry: bulk insert returned fewer ids than rows"))
		}
		if progress != nil {
			progress(start + len(batch))
		}
	}
	return nil
}

// existingUSCCs returns which of codes are already registered.
func existingUSCCs(ctx context.Context, q db.Querier, codes []string) (map[string]bool, error) {
	found := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(codes); start += chunk {
		part := codes[start:min(start+chunk, len(codes))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := q.Query(ctx, `SELECT uscc FROM entities WHERE uscc IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			found[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, qcity.Internal(err)
		}
	}
	return found, nil
}

// indexRow is the part of an entity the name index needs.
type indexRow struct {
	ID                                   int64
	Name, Former, Region, Industry, Type string
	Status                               string
	UpdatedAt                            time.Time
}

// scanIndexRows streams entities changed at or after since (all when zero) to fn.
func scanIndexRows(ctx context.Context, q db.Querier, since time.Time, fn func(indexRow)) error {
	query := `SELECT id, name, former_names, region_code, industry_code, entity_type, status, updated_at FROM entities`
	var args []any
	if !since.IsZero() {
		query += ` WHERE updated_at >= ?`
		args = append(args, since)
	}
	rows, err := q.Query(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r indexRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Former, &r.Region, &r.Industry, &r.Type, &r.Status, &r.UpdatedAt); err != nil {
			return qcity.Internal(err)
		}
		fn(r)
	}
	return qcity.Internal(rows.Err())
}
