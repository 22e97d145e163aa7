package db

import (
	"context"
	"strings"
)

// Scanner is one result row: *sql.Row or *sql.Rows.
type Scanner = interface{ Scan(dest ...any) error }

// All runs query and scans every row with scan. The slice is empty, never nil, when
// no row matches.
func All[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// List is a filtered, ordered list query.
type List struct {
	Columns string   // the select list
	From    string   // the FROM clause with its joins, without the word FROM
	Where   []string // conditions, joined with AND
	Args    []any    // the conditions' arguments
	Order   string   // the ORDER BY clause, without the words
}

// Page runs l: the number of matching rows, and the rows from offset on, at most
// limit, each scanned by scan.
func Page[T any](ctx context.Context, q Querier, l List, limit, offset int, scan func(Scanner) (T, error)) ([]T, int, error) {
	cond := ""
	if len(l.Where) > 0 {
		cond = " WHERE " + strings.Join(l.Where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+l.From+cond, l.Args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(append(make([]any, 0, len(l.Args)+2), l.Args...), limit, offset)
	out, err := All(ctx, q, scan, `SELECT `+l.Columns+` FROM `+l.From+cond+` ORDER BY `+l.Order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// EscapeLike escapes the LIKE wildcards in user input, for a pattern used with
// ESCAPE '\' (both engines): "50%" matches the text "50%", not "50" and anything.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
