package translog

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qcity"
	"qcity/internal/db"
)

// Head is the current tree head.
type Head struct {
	Size       int64
	Root       tlog.Hash
	Checkpoint string // the signed note
	UpdatedAt  time.Time
}

// Head returns the current tree head.
func (l *Log) Head(ctx context.Context) (Head, error) { return ReadHead(ctx, l.DB) }

// ReadHead reads the tree head from q.
func ReadHead(ctx context.Context, q db.Querier) (Head, error) {
	var h Head
	var root []byte
	err := q.QueryRow(ctx, `SELECT size, root, checkpoint, updated_at FROM translog_head WHERE id = 1`).
		Scan(&h.Size, &root, &h.Checkpoint, &h.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, qcity.Internal(errors.New("translog: log not initialised"))
	}
	if err != nil {
		return h, qcity.Internal(err)
	}
	copy(h.Root[:], root)
	return h, nil
}

// Stored is a record as stored: its index and exact bytes.
type Stored struct {
	Index     int64     `json:"index"`
	Data      []byte    `json:"data"` // base64 in JSON
	Kind      string    `json:"-"`
	Ref       string    `json:"-"`
	Subject   string    `json:"-"`
	CreatedAt time.Time `json:"-"`
}

// MaxRecords is the most records one read returns.
const MaxRecords = 1000

// Records returns records [start, end), at most MaxRecords of them.
func ReadRecords(ctx context.Context, q db.Querier, start, end int64) ([]Stored, error) {
	end = min(end, start+MaxRecords)
	rows, err := q.Query(ctx, `SELECT idx, data, kind, ref, subject, created_at FROM translog_records
		WHERE idx >= ? AND idx < ? ORDER BY idx`, start, end)
	return scanRecords(rows, err)
}

// RecordsOf returns the records about ref ("abnormal/12"), oldest first.
func RecordsOf(ctx context.Context, q db.Querier, ref string) ([]Stored, error) {
	rows, err := q.Query(ctx, `SELECT idx, data, kind, ref, subject, created_at FROM translog_records
		WHERE ref = ? ORDER BY idx`, ref)
	return scanRecords(rows, err)
}

// RecordsAbout returns the records whose subject is subject (a USCC or sample number),
// newest first, at most limit.
func RecordsAbout(ctx context.Context, q db.Querier, subject string, limit int) ([]Stored, error) {
	rows, err := q.Query(ctx, `SELECT idx, data, kind, ref, subject, created_at FROM translog_records
		WHERE subject = ? ORDER BY idx DESC LIMIT ?`, subject, limit)
	return scanRecords(rows, err)
}

// Latest returns the newest records, newest first.
func Latest(ctx context.Context, q db.Querier, limit, offset int) ([]Stored, error) {
	rows, err := q.Query(ctx, `SELECT idx, data, kind, ref, subject, created_at FROM translog_records
		ORDER BY idx DESC LIMIT ? OFFSET ?`, limit, offset)
	return scanRecords(rows, err)
}

func scanRecords(rows *sql.Rows, err error) ([]Stored, error) {
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Stored{}
	for rows.Next() {
		var s Stored
		if err := rows.Scan(&s.Index, &s.Data, &s.Kind, &s.Ref, &s.Subject, &s.CreatedAt); err != nil {
			return nil, qcity.Internal(err)
		}
		s.CreatedAt = s.CreatedAt.UTC()
		out = append(out, s)
	}
	return out, qcity.Internal(rows.Err())
}

// Reader reads stored hashes from q, for proofs.
func Reader(ctx context.Context, q db.Querier) tlog.HashReader {
	return &hashReader{ctx: ctx, q: q, cache: map[int64]tlog.Hash{}}
}

// ProveInclusion proves that record index is in the tree of size size.
func ProveInclusion(ctx context.Context, q db.Querier, index, size int64) (tlog.RecordProof, error) {
	if err := checkRange(ctx, q, size, index, true); err != nil {
		return nil, err
	}
	p, err := tlog.ProveRecord(size, index, Reader(ctx, q))
	return p, qcity.Internal(err)
}

// ProveConsistency proves that the tree of size old is a prefix of the tree of size new.
func ProveConsistency(ctx context.Context, q db.Querier, old, new int64) (tlog.TreeProof, error) {
	if err := checkRange(ctx, q, new, old, false); err != nil {
		return nil, err
	}
	if old == 0 {
		return tlog.TreeProof{}, nil // the empty tree is a prefix of every tree
	}
	p, err := tlog.ProveTree(new, old, Reader(ctx, q))
	return p, qcity.Internal(err)
}

// checkRange checks 0 ≤ n (<|≤) t ≤ current size, with a clear error.
func checkRange(ctx context.Context, q db.Querier, t, n int64, strict bool) error {
	h, err := ReadHead(ctx, q)
	if err != nil {
		return err
	}
	switch {
	case t < 0 || n < 0:
		return qcity.Errorf(qcity.EINVALID, "translog.range_negative")
	case t > h.Size:
		return qcity.Errorf(qcity.EINVALID, "translog.range_size", "size", t, "current", h.Size)
	case strict && n >= t, !strict && n > t:
		return qcity.Errorf(qcity.EINVALID, "translog.range_order", "n", n, "size", t)
	}
	return nil
}

// Opening returns the opening of a commitment, if it has not been erased.
func Opening(ctx context.Context, q db.Querier, c string) (salt []byte, value string, ok bool, err error) {
	var v *string
	err = q.QueryRow(ctx, `SELECT salt, value FROM translog_secrets WHERE commitment = ?`, c).Scan(&salt, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	if err != nil || v == nil {
		return nil, "", false, qcity.Internal(err)
	}
	return salt, *v, true, nil
}
