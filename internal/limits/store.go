package limits

import (
	"context"
	"database/sql"
	"errors"

	"qcity"
	"qcity/internal/db"
)

// The SQL of the catalogue: the limits table of migration 0002, versioned by 0003.

const selectEntries = `SELECT id, standard_code, standard_edition, standard_status, analyte, analyte_en, food,
	food_en, category_code, limit_text, kind, unit, comparison, valid_from, valid_to, note, source, version,
	created_at, updated_at FROM limits`

func scanEntry(sc interface{ Scan(...any) error }, e *Entry) error {
	var status string
	if err := sc.Scan(&e.ID, &e.StandardCode, &e.StandardEdition, &status, &e.Analyte, &e.AnalyteEN, &e.Food,
		&e.FoodEN, &e.CategoryCode, &e.Limit, &e.Kind, &e.Unit, &e.Comparison, &e.ValidFrom, &e.ValidTo, &e.Note,
		&e.Source, &e.Version, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return err
	}
	e.Status = Status(status)
	e.Standard = citation(e.StandardCode, e.StandardEdition)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return nil
}

func scanEntries(rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		if err := scanEntry(rows, &e); err != nil {
			return nil, qcity.Internal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	return out, nil
}

func findByID(ctx context.Context, q db.Querier, id int64) (Entry, error) {
	var e Entry
	err := scanEntry(q.QueryRow(ctx, selectEntries+" WHERE id = ?", id), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, qcity.Errorf(qcity.ENOTFOUND, "limitscat.not_found", "id", id)
	}
	if err != nil {
		return Entry{}, qcity.Internal(err)
	}
	return e, nil
}

// findByKey returns the entry of a key, if there is one.
func findByKey(ctx context.Context, q db.Querier, k entryKey) (Entry, bool, error) {
	var e Entry
	err := scanEntry(q.QueryRow(ctx, selectEntries+` WHERE standard_code = ? AND standard_edition = ? AND analyte = ?
		AND food = ? AND category_code = ? ORDER BY id LIMIT 1`, k.code, k.edition, k.analyte, k.food, k.category), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, qcity.Internal(err)
	}
	return e, true, nil
}

const insertSQL = `INSERT INTO limits (standard_code, standard_edition, standard_status, analyte, analyte_en, food,
	food_en, category_code, limit_text, kind, unit, comparison, valid_from, valid_to, note, source, version,
	created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

func entryArgs(e *Entry) []any {
	return []any{e.StandardCode, e.StandardEdition, string(e.Status), e.Analyte, e.AnalyteEN, e.Food, e.FoodEN,
		e.CategoryCode, e.Limit, e.Kind, e.Unit, e.Comparison, e.ValidFrom, e.ValidTo, e.Note, e.Source, e.Version,
		e.CreatedAt, e.UpdatedAt}
}

func insertEntry(ctx context.Context, q db.Querier, e *Entry) error {
	if err := q.QueryRow(ctx, insertSQL, entryArgs(e)...).Scan(&e.ID); err != nil {
		return qcity.Internal(err)
	}
	return nil
}

// updateEntry writes e over the row of e.ID if it is still at version was.
func updateEntry(ctx context.Context, q db.Querier, e *Entry, was int) error {
	res, err := q.Exec(ctx, `UPDATE limits SET standard_code = ?, standard_edition = ?, standard_status = ?,
		analyte = ?, analyte_en = ?, food = ?, food_en = ?, category_code = ?, limit_text = ?, kind = ?, unit = ?,
		comparison = ?, valid_from = ?, valid_to = ?, note = ?, source = ?, version = ?, created_at = ?, updated_at = ?
		WHERE id = ? AND version = ?`, append(entryArgs(e), e.ID, was)...)
	if err != nil {
		return qcity.Internal(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return qcity.Internal(err)
	} else if n != 1 {
		return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	return nil
}

// allEntries reads the whole catalogue in id order, for the index and imports.
func allEntries(ctx context.Context, q db.Querier) ([]Entry, error) {
	rows, err := q.Query(ctx, selectEntries+" ORDER BY id")
	if err != nil {
		return nil, qcity.Internal(err)
	}
	return scanEntries(rows)
}

// categoryPaths returns the path of every sampling category code, for each kind that
// has the code: "33.02.03" → ["食用农产品", "蔬菜", "叶菜类蔬菜"]. The catalogue reads the
// category table itself rather than asking the sampling service, which depends on it.
func categoryPaths(ctx context.Context, q db.Querier) (map[string][][]string, error) {
	rows, err := q.Query(ctx, `SELECT kind, code, name, parent_code FROM sampling_categories`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	type node struct{ name, parent string }
	nodes := map[[2]string]node{}
	for rows.Next() {
		var kind, code string
		var n node
		if err := rows.Scan(&kind, &code, &n.name, &n.parent); err != nil {
			return nil, qcity.Internal(err)
		}
		nodes[[2]string{kind, code}] = n
	}
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	out := map[string][][]string{}
	for k, n := range nodes {
		path := []string{foodKeyAliased(n.name)}
		for p, seen := n.parent, 0; p != "" && seen < 10; seen++ {
			pn, ok := nodes[[2]string{k[0], p}]
			if !ok {
				break
			}
			path = append([]string{foodKeyAliased(pn.name)}, path...)
			p = pn.parent
		}
		out[k[1]] = append(out[k[1]], path)
	}
	return out, nil
}

// countEntries returns the number of rows in the catalogue.
func countEntries(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM limits`).Scan(&n); err != nil {
		return 0, qcity.Internal(err)
	}
	return n, nil
}
