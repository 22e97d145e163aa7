// Package translog is qcity's tamper-evident public log (透明日志): every listing and
// removal, every penalty publication and end of publicity, and every sampling
// announcement appends a canonical record to a Merkle tree (golang.org/x/mod/sumdb/tlog)
// in the same transaction as the change. After each append the tree head is signed as a
// C2SP checkpoint (golang.org/x/mod/sumdb/note, Ed25519), so anyone holding an earlier
// checkpoint can check, without an account, that the log only ever grew.
//
// Personal data of natural persons never enters a record in the clear: the record holds
// a salted commitment (SHA-256 of salt and value) and the opening lives in a separate
// table. Ending a publicity term erases the opening; the record, and so the tree, stays
// as it was.
package translog

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qcity"
	"qcity/internal/db"
)

// Record is one event as a domain hands it to the log.
type Record struct {
	Kind    string     // event kind: "abnormal.listed", "penalty.published", "announcement.published", …
	Ref     string     // the object the event is about: "abnormal/12", "penalty/7", "announcement/3"
	Subject string     // whom it concerns, for lookups: a USCC or a sample number
	Date    qcity.Date // the date the event takes effect
	// State is the public state of the object after the event. It is marshalled to JSON
	// (struct fields in declaration order, map keys sorted), so the same state always
	// gives the same bytes; a verifier compares it with what the public pages show.
	State any
	// Secrets are the openings of the commitments State holds for personal data.
	Secrets []Secret
}

// Envelope is the canonical form of a record: compact JSON of these fields in this
// order. Data (the bytes hashed into the tree) is exactly json.Marshal(Envelope).
type Envelope struct {
	V       int             `json:"v"`
	Kind    string          `json:"kind"`
	Ref     string          `json:"ref"`
	Subject string          `json:"subject"`
	Date    qcity.Date      `json:"date"`
	State   json.RawMessage `json:"state"`
}

// Encode returns the canonical bytes of r.
func Encode(r Record) ([]byte, error) {
	st, err := json.Marshal(r.State)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{V: 1, Kind: r.Kind, Ref: r.Ref, Subject: r.Subject, Date: r.Date, State: st})
}

// Decode parses canonical record bytes.
func Decode(data []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return e, err
	}
	if e.V != 1 || e.Kind == "" || e.Ref == "" {
		return e, errors.New("translog: not a qcity log record")
	}
	return e, nil
}

// Secret is the opening of a salted commitment to a piece of personal data.
type Secret struct {
	Commitment string
	Salt       []byte
	Value      string
}

// Commit makes a fresh salted commitment to value. An empty value commits to nothing
// and gives an empty commitment.
func Commit(value string) Secret {
	if value == "" {
		return Secret{}
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	return Secret{Commitment: commitment(salt, value), Salt: salt, Value: value}
}

func commitment(salt []byte, value string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(value))
	return "sha256:" + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// Opens reports whether salt and value open the commitment c.
func Opens(c string, salt []byte, value string) bool { return c != "" && commitment(salt, value) == c }

// Checkpoint is a parsed tree head.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the C2SP checkpoint body: origin, size and base64 root hash, one per line.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseCheckpoint parses a checkpoint body (the text of the signed note).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("translog: malformed checkpoint")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 {
		return Checkpoint{}, errors.New("translog: malformed checkpoint size")
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, errors.New("translog: malformed checkpoint root hash")
	}
	c := Checkpoint{Origin: lines[0], Size: n}
	copy(c.Root[:], h)
	return c, nil
}

// OpenCheckpoint verifies a signed checkpoint note against the verifier key and parses it.
func OpenCheckpoint(signed []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("translog: bad verifier key: %w", err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("translog: checkpoint signature: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return c, err
	}
	if c.Origin != v.Name() {
		return c, fmt.Errorf("translog: checkpoint origin %q is not the key's name %q", c.Origin, v.Name())
	}
	return c, nil
}

// GenerateKey makes a new Ed25519 signer key named name (the log's origin).
func GenerateKey(name string) (skey string, err error) {
	skey, _, err = note.GenerateKey(rand.Reader, name)
	return skey, err
}

// Log is the log over a database, signing with one key.
type Log struct {
	DB     *db.DB
	Clock  qcity.Clock
	signer note.Signer
	vkey   string
}

// New returns the log signing with skey (a note signer key; its name is the origin).
func New(d *db.DB, clock qcity.Clock, skey string) (*Log, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("translog: bad signer key: %w", err)
	}
	vkey, err := verifierKey(strings.TrimSpace(skey))
	if err != nil {
		return nil, err
	}
	return &Log{DB: d, Clock: clock, signer: s, vkey: vkey}, nil
}

// verifierKey derives the verifier key text ("name+hash+keydata") from a signer key
// ("PRIVATE+KEY+name+hash+keydata").
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("translog: bad signer key")
	}
	kd, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(kd) != 1+32 || kd[0] != 1 {
		return "", errors.New("translog: bad signer key data")
	}
	pub := ed25519.NewKeyFromSeed(kd[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// Origin is the log's name, the first line of each checkpoint.
func (l *Log) Origin() string { return l.signer.Name() }

// VerifierKey is the public key, as "name+hash+keydata".
func (l *Log) VerifierKey() string { return l.vkey }

const settingKey = "translog/verifier_key"

// Init records the verifier key on first start and creates the empty tree head. It
// refuses a key other than the one the database was signed with, so a lost or swapped
// key file is noticed instead of silently forking the log.
func (l *Log) Init(ctx context.Context) error {
	return l.DB.InTx(ctx, func(tx *db.Tx) error {
		var stored string
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, settingKey).Scan(&stored)
		now := l.Clock.Now()
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, settingKey, l.vkey, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case stored != l.vkey:
			return fmt.Errorf("translog: the log key does not match the key this database's log was signed with (%s); restore the original key file", stored)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM translog_head`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		empty, _ := tlog.TreeHash(0, nil)
		cp, err := l.sign(Checkpoint{Origin: l.Origin(), Size: 0, Root: empty})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO translog_head (id, size, root, checkpoint, updated_at) VALUES (1, 0, ?, ?, ?)`,
			empty[:], cp, now)
		return err
	})
}

func (l *Log) sign(c Checkpoint) (string, error) {
	b, err := note.Sign(&note.Note{Text: c.Text()}, l.signer)
	return string(b), err
}

// Append adds records to the log inside tx, the transaction making the change, and
// signs the new tree head. It returns the index of each record.
func (l *Log) Append(ctx context.Context, tx *db.Tx, recs ...Record) ([]int64, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	now := l.Clock.Now()
	// Taking the head row serialises appenders on PostgreSQL (a row lock held to commit);
	// SQLite has one writer.
	var size int64
	if err := tx.QueryRow(ctx, `UPDATE translog_head SET updated_at = ? WHERE id = 1 RETURNING size`, now).Scan(&size); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, qcity.Internal(errors.New("translog: log not initialised"))
		}
		return nil, qcity.Internal(err)
	}
	hr := &hashReader{ctx: ctx, q: tx, cache: map[int64]tlog.Hash{}}
	idx := make([]int64, len(recs))
	var newHashes []hashRow
	recRows := make([]any, 0, len(recs)*6)
	var secRows []any
	for i, r := range recs {
		data, err := Encode(r)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		n := size + int64(i)
		hs, err := tlog.StoredHashes(n, data, hr)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			hr.cache[base+int64(j)] = h
			newHashes = append(newHashes, hashRow{base + int64(j), h})
		}
		idx[i] = n
		recRows = append(recRows, n, data, r.Kind, r.Ref, r.Subject, now)
		for _, s := range r.Secrets {
			if s.Commitment != "" {
				secRows = append(secRows, s.Commitment, s.Salt, s.Value, n)
			}
		}
	}
	size += int64(len(recs))
	if err := insertRows(ctx, tx, `INSERT INTO translog_records (idx, data, kind, ref, subject, created_at) VALUES `, 6, recRows); err != nil {
		return nil, err
	}
	hashArgs := make([]any, 0, 2*len(newHashes))
	for _, h := range newHashes {
		hashArgs = append(hashArgs, h.id, h.hash[:])
	}
	if err := insertRows(ctx, tx, `INSERT INTO translog_hashes (id, hash) VALUES `, 2, hashArgs); err != nil {
		return nil, err
	}
	if err := insertRows(ctx, tx, `INSERT INTO translog_secrets (commitment, salt, value, record_idx) VALUES `, 4, secRows); err != nil {
		return nil, err
	}
	root, err := tlog.TreeHash(size, hr)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	cp, err := l.sign(Checkpoint{Origin: l.Origin(), Size: size, Root: root})
	if err != nil {
		return nil, qcity.Internal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE translog_head SET size = ?, root = ?, checkpoint = ?, updated_at = ? WHERE id = 1`,
		size, root[:], cp, now); err != nil {
		return nil, qcity.Internal(err)
	}
	return idx, nil
}

type hashRow struct {
	id   int64
	hash tlog.Hash
}

// insertRows inserts rows of width columns in multi-row statements.
func insertRows(ctx context.Context, tx *db.Tx, prefix string, width int, args []any) error {
	const perStmt = 500
	for len(args) > 0 {
		n := min(len(args)/width, perStmt)
		var b strings.Builder
		b.WriteString(prefix)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(strings.Repeat("?,", width-1))
			b.WriteString("?)")
		}
		if _, err := tx.Exec(ctx, b.String(), args[:n*width]...); err != nil {
			return qcity.Internal(err)
		}
		args = args[n*width:]
	}
	return nil
}

// Erase removes the openings of commitments (salt and value), when a publicity term
// ends. The records, and so the tree, are unchanged.
func Erase(ctx context.Context, tx *db.Tx, now time.Time, commitments ...string) error {
	for _, c := range commitments {
		if c == "" {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE translog_secrets SET salt = NULL, value = NULL, erased_at = ?
			WHERE commitment = ? AND erased_at IS NULL`, now, c); err != nil {
			return qcity.Internal(err)
		}
	}
	return nil
}

// hashReader reads stored hashes through q, with a cache that also holds the hashes
// written in the current append.
type hashReader struct {
	ctx   context.Context
	q     db.Querier
	cache map[int64]tlog.Hash
}

func (r *hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []any
	for _, x := range indexes {
		if _, ok := r.cache[x]; !ok {
			missing = append(missing, x)
		}
	}
	for len(missing) > 0 {
		chunk := missing[:min(len(missing), 500)]
		missing = missing[len(chunk):]
		rows, err := r.q.Query(r.ctx, `SELECT id, hash FROM translog_hashes WHERE id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, chunk...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var h []byte
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, err
			}
			if len(h) != tlog.HashSize {
				rows.Close()
				return nil, fmt.Errorf("translog: stored hash %d has %d bytes", id, len(h))
			}
			r.cache[id] = tlog.Hash(h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for i, x := range indexes {
		h, ok := r.cache[x]
		if !ok {
			return nil, fmt.Errorf("translog: stored hash %d missing", x)
		}
		out[i] = h
	}
	return out, nil
}
