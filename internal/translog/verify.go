package translog

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"qcity/internal/db"
)

// Source is a log a verifier reads from outside: a running server over its public API,
// or a database.
type Source interface {
	Key(ctx context.Context) (string, error)
	Checkpoint(ctx context.Context) ([]byte, error)
	// Records returns records [start, end); it may return fewer (a page).
	Records(ctx context.Context, start, end int64) ([][]byte, error)
	Consistency(ctx context.Context, old, new int64) (tlog.TreeProof, error)
}

// Verified is the outcome of a verification.
type Verified struct {
	Checkpoint Checkpoint
	Signed     []byte   // the signed checkpoint as served
	Records    [][]byte // every record, by index
}

// Verify checks the log at src against the verifier key vkey: the checkpoint's
// signature, that the records hash to its root, that each is a qcity record, and, when
// prev (a checkpoint seen earlier) is given, that the tree of prev is a prefix of the
// current tree, both by the served consistency proof and by recomputing it.
func Verify(ctx context.Context, src Source, vkey string, prev *Checkpoint) (Verified, error) {
	var v Verified
	signed, err := src.Checkpoint(ctx)
	if err != nil {
		return v, err
	}
	cp, err := OpenCheckpoint(signed, vkey)
	if err != nil {
		return v, err
	}
	v.Checkpoint, v.Signed = cp, signed
	if prev != nil {
		if prev.Origin != cp.Origin {
			return v, fmt.Errorf("log origin changed from %q to %q", prev.Origin, cp.Origin)
		}
		if prev.Size > cp.Size {
			return v, fmt.Errorf("log shrank from %d to %d records", prev.Size, cp.Size)
		}
		if prev.Size > 0 {
			proof, err := src.Consistency(ctx, prev.Size, cp.Size)
			if err != nil {
				return v, err
			}
			if err := tlog.CheckTree(proof, cp.Size, cp.Root, prev.Size, prev.Root); err != nil {
				return v, fmt.Errorf("the checkpoint seen before (size %d) is not a prefix of the current one (size %d): %w", prev.Size, cp.Size, err)
			}
		}
	}
	recs := make([][]byte, 0, cp.Size)
	for int64(len(recs)) < cp.Size {
		page, err := src.Records(ctx, int64(len(recs)), cp.Size)
		if err != nil {
			return v, err
		}
		if len(page) == 0 {
			return v, fmt.Errorf("log serves %d records, checkpoint says %d", len(recs), cp.Size)
		}
		recs = append(recs, page...)
	}
	if int64(len(recs)) > cp.Size {
		recs = recs[:cp.Size]
	}
	mem := &memHashes{}
	for i, data := range recs {
		if _, err := Decode(data); err != nil {
			return v, fmt.Errorf("record %d: %w", i, err)
		}
		if err := mem.add(int64(i), data); err != nil {
			return v, err
		}
		if prev != nil && int64(i)+1 == prev.Size {
			h, err := tlog.TreeHash(prev.Size, mem)
			if err != nil {
				return v, err
			}
			if h != prev.Root {
				return v, fmt.Errorf("the first %d records no longer hash to the checkpoint seen before", prev.Size)
			}
		}
	}
	root, err := tlog.TreeHash(cp.Size, mem)
	if err != nil {
		return v, err
	}
	if root != cp.Root {
		return v, fmt.Errorf("the %d records do not hash to the signed checkpoint's root: the log was altered", cp.Size)
	}
	v.Records = recs
	return v, nil
}

// memHashes is an in-memory tlog hash store.
type memHashes struct{ h []tlog.Hash }

func (m *memHashes) add(n int64, data []byte) error {
	hs, err := tlog.StoredHashes(n, data, m)
	if err != nil {
		return err
	}
	if int64(len(m.h)) != tlog.StoredHashIndex(0, n) {
		return errors.New("translog: hash store out of step")
	}
	m.h = append(m.h, hs...)
	return nil
}

func (m *memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.h)) {
			return nil, fmt.Errorf("translog: hash %d not stored", x)
		}
		out[i] = m.h[x]
	}
	return out, nil
}

// Replay returns, for each ref, the last record about it: the state the log says the
// object is in now.
func Replay(records [][]byte) (map[string]Envelope, error) {
	out := map[string]Envelope{}
	for i, data := range records {
		e, err := Decode(data)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		out[e.Ref] = e
	}
	return out, nil
}

// CompareStates compares the states the log replays to (want) with the states the
// current data shows (got), keyed by ref. It returns one line per difference: a row
// changed, a row the log never recorded, a logged object that disappeared.
func CompareStates(want map[string]Envelope, got map[string][]byte) []string {
	var diffs []string
	for ref, st := range got {
		e, ok := want[ref]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: shown but never logged", ref))
		case !bytes.Equal(compact(e.State), compact(st)):
			diffs = append(diffs, fmt.Sprintf("%s: differs from the log\n    log:  %s\n    data: %s", ref, compact(e.State), compact(st)))
		}
	}
	for ref := range want {
		if _, ok := got[ref]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: logged but missing from the data", ref))
		}
	}
	return diffs
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

// DBSource reads a log straight from a database.
type DBSource struct{ DB *db.DB }

func (s DBSource) Key(ctx context.Context) (string, error) {
	var k string
	err := s.DB.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, settingKey).Scan(&k)
	return k, err
}

func (s DBSource) Checkpoint(ctx context.Context) ([]byte, error) {
	h, err := ReadHead(ctx, s.DB)
	return []byte(h.Checkpoint), err
}

func (s DBSource) Records(ctx context.Context, start, end int64) ([][]byte, error) {
	rs, err := ReadRecords(ctx, s.DB, start, end)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(rs))
	for i, r := range rs {
		if r.Index != start+int64(i) {
			return nil, fmt.Errorf("record %d missing", start+int64(i))
		}
		out[i] = r.Data
	}
	return out, nil
}

func (s DBSource) Consistency(ctx context.Context, old, new int64) (tlog.TreeProof, error) {
	return ProveConsistency(ctx, s.DB, old, new)
}

// HTTPSource reads a log from a running qcity server's public API.
type HTTPSource struct {
	Base   string // "https://qcity.example.gov.cn"
	Client *http.Client
}

func (s HTTPSource) get(ctx context.Context, path string, q url.Values, into any) ([]byte, error) {
	u := strings.TrimRight(s.Base, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
	}
	return b, nil
}

func (s HTTPSource) Key(ctx context.Context) (string, error) {
	b, err := s.get(ctx, "/api/v1/log/key", nil, nil)
	return strings.TrimSpace(string(b)), err
}

func (s HTTPSource) Checkpoint(ctx context.Context) ([]byte, error) {
	return s.get(ctx, "/api/v1/log/checkpoint", nil, nil)
}

func (s HTTPSource) Records(ctx context.Context, start, end int64) ([][]byte, error) {
	var body struct {
		Records []struct {
			Index int64  `json:"index"`
			Data  []byte `json:"data"`
		} `json:"records"`
	}
	q := url.Values{"start": {strconv.FormatInt(start, 10)}, "end": {strconv.FormatInt(end, 10)}}
	if _, err := s.get(ctx, "/api/v1/log/records", q, &body); err != nil {
		return nil, err
	}
	out := make([][]byte, len(body.Records))
	for i, r := range body.Records {
		if r.Index != start+int64(i) {
			return nil, fmt.Errorf("server sent record %d where %d was due", r.Index, start+int64(i))
		}
		out[i] = r.Data
	}
	return out, nil
}

func (s HTTPSource) Consistency(ctx context.Context, old, new int64) (tlog.TreeProof, error) {
	var body struct {
		Proof []string `json:"proof"`
	}
	q := url.Values{"old": {strconv.FormatInt(old, 10)}, "new": {strconv.FormatInt(new, 10)}}
	if _, err := s.get(ctx, "/api/v1/log/proof/consistency", q, &body); err != nil {
		return nil, err
	}
	return DecodeProof(body.Proof)
}

// EncodeProof renders proof hashes as base64 strings, as the API serves them.
func EncodeProof(p []tlog.Hash) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// DecodeProof parses base64 proof hashes.
func DecodeProof(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("translog: bad proof hash %q", s)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// HTTPGet reads a JSON document from the server h (a page of a public list).
func HTTPGet(ctx context.Context, h HTTPSource, path string, q url.Values, into any) ([]byte, error) {
	return h.get(ctx, path, q, into)
}
