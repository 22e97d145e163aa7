package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/sampling"
	"qcity/internal/translog"
)

const rulesUsage = "usage: qcity rules run [--db …] [--date YYYY-MM-DD] [--force]"

// runRules runs the credit rules engine for a date.
func (m *Main) runRules(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "run" {
		return usageError{rulesUsage}
	}
	var c common
	fs := m.flags("rules run", &c)
	on := fs.String("date", "", "the date to run for (default today)")
	force := fs.Bool("force", false, "run even if this date already ran (a second run changes nothing)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	day := qcity.DateOf(m.Clock.Now())
	if *on != "" {
		d, err := qcity.ParseDate(*on)
		if err != nil {
			return usageError{"--date: " + err.Error()}
		}
		day = d
	}
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := a.credit.RunRules(ctx, day, *force)
	if err != nil {
		return err
	}
	if sum.Skipped {
		fmt.Fprintf(m.Stdout, "rules already ran for %s (use --force to run again)\n", day)
		return nil
	}
	cs, err := a.cert.RunDaily(ctx, day)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "rules run for %s in %s: report year %d: %d listing proposals, %d withdrawn; %d serious listings expired; "+
		"%d penalty publications ended; %d individual marks ended; %d reminders; %d risk classes written%s\n",
		day, sum.Took.Round(1e6), sum.ReportYear, sum.Proposed, sum.Withdrawn, sum.SeriousExpired, sum.PenaltiesEnded, sum.MarksEnded,
		sum.Reminders, sum.RiskWritten, map[bool]string{true: " (monthly recomputation)", false: ""}[sum.RiskFull])
	fmt.Fprintf(m.Stdout, "certificates for %s: %d approvals of bodies and labs lapsed; %d expired; %d flagged for their bodies' review after sampling failures\n",
		day, cs.Lapsed, cs.Expired, cs.Flagged)
	return nil
}

const logUsage = "usage: qcity log verify [--url URL | --db DSN] [--state FILE] [--key VERIFIER-KEY]"

// verifyState is what the verifier remembers between runs: the key it trusts and the
// last checkpoint it saw.
type verifyState struct {
	Key        string `json:"key"`
	Checkpoint string `json:"checkpoint"` // the signed note
}

// runLog verifies the tamper-evident log from outside: a running server through its
// public API, or a database directly.
func (m *Main) runLog(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{logUsage}
	}
	var c common
	fs := m.flags("log verify", &c)
	base := fs.String("url", "", "a running qcity server, e.g. https://qcity.example.gov.cn")
	statePath := fs.String("state", "qcity-log-verify.json", "file keeping the trusted key and the last checkpoint seen")
	key := fs.String("key", "", "the log's verifier key (name+hash+keydata); default: the one in --state, else trusted on first use")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var st verifyState
	if b, err := os.ReadFile(*statePath); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("%s: %w", *statePath, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var src translog.Source
	var states func() (map[string][]byte, error)
	var d *db.DB
	if *base != "" {
		u, err := url.Parse(*base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{"--url must be an http(s) URL"}
		}
		h := translog.HTTPSource{Base: *base}
		src = h
		states = func() (map[string][]byte, error) { return publicStates(ctx, h) }
	} else {
		var err error
		if d, err = db.Open(ctx, c.db); err != nil {
			return err
		}
		defer d.Close()
		src = translog.DBSource{DB: d}
		states = func() (map[string][]byte, error) {
			a, err := credit.LoggedStates(ctx, d)
			if err != nil {
				return nil, err
			}
			b, err := sampling.LoggedStates(ctx, d)
			for k, v := range b {
				a[k] = v
			}
			return a, err
		}
	}
	vkey := *key
	if vkey == "" {
		vkey = st.Key
	}
	if vkey == "" {
		k, err := src.Key(ctx)
		if err != nil {
			return fmt.Errorf("fetching the log key: %w", err)
		}
		vkey = k
		fmt.Fprintf(m.Stdout, "trusting the log key on first use: %s\n", vkey)
	} else if st.Key != "" && vkey != st.Key {
		return fmt.Errorf("the key given differs from the key trusted before (%s)", st.Key)
	}
	var prev *translog.Checkpoint
	if st.Checkpoint != "" {
		cp, err := translog.OpenCheckpoint([]byte(st.Checkpoint), vkey)
		if err != nil {
			return fmt.Errorf("the checkpoint in %s: %w", *statePath, err)
		}
		prev = &cp
	}
	v, err := translog.Verify(ctx, src, vkey, prev)
	if err != nil {
		return fmt.Errorf("log verification FAILED: %w", err)
	}
	replayed, err := translog.Replay(v.Records)
	if err != nil {
		return err
	}
	shown, err := states()
	if err != nil {
		return err
	}
	var diffs []string
	if d != nil {
		diffs = translog.CompareStates(replayed, shown)
	} else {
		diffs = compareServed(replayed, shown)
	}
	if len(diffs) > 0 {
		const most = 20
		fmt.Fprintf(m.Stdout, "the data differs from the log in %d place(s):\n", len(diffs))
		for i, x := range diffs {
			if i == most {
				fmt.Fprintf(m.Stdout, "  … and %d more\n", len(diffs)-most)
				break
			}
			fmt.Fprintln(m.Stdout, "  "+x)
		}
		return fmt.Errorf("log verification FAILED: %d record(s) changed outside the log", len(diffs))
	}
	if prev != nil {
		fmt.Fprintf(m.Stdout, "consistent with the checkpoint seen before (%d records)\n", prev.Size)
	}
	// A server serves the entries still published; a database holds every entry, those
	// whose publication ended too, so the two counts differ by those.
	what := "entries in the database"
	if *base != "" {
		what = "published entries served"
	}
	fmt.Fprintf(m.Stdout, "log verified: %s, %d records, root %s; %d public entries match it (%s)\n", v.Checkpoint.Origin,
		v.Checkpoint.Size, strings.TrimSpace(strings.SplitN(v.Checkpoint.Text(), "\n", 3)[2]), len(shown), what)
	b, _ := json.MarshalIndent(verifyState{Key: vkey, Checkpoint: string(v.Signed)}, "", "  ")
	return os.WriteFile(*statePath, b, 0o644)
}

// publicStates reads every entry of the public lists and announcements with the state
// each shows.
func publicStates(ctx context.Context, h translog.HTTPSource) (map[string][]byte, error) {
	out := map[string][]byte{}
	read := func(path string, ref func(item map[string]json.RawMessage) string) error {
		for offset := 0; ; offset += credit.MaxPageSize {
			var body struct {
				Total int                          `json:"total"`
				Items []map[string]json.RawMessage `json:"items"`
			}
			q := url.Values{"limit": {strconv.Itoa(credit.MaxPageSize)}, "offset": {strconv.Itoa(offset)}}
			if err := getJSONInto(ctx, h, path, q, &body); err != nil {
				return err
			}
			for _, it := range body.Items {
				out[ref(it)] = it["public_state"]
			}
			if len(body.Items) == 0 || offset+len(body.Items) >= body.Total {
				return nil
			}
		}
	}
	refOf := func(it map[string]json.RawMessage) string {
		var r string
		json.Unmarshal(it["ref"], &r)
		return r
	}
	for _, p := range []string{"/api/v1/lists/abnormal", "/api/v1/lists/serious", "/api/v1/penalties"} {
		if err := read(p, refOf); err != nil {
			return nil, err
		}
	}
	err := read("/api/v1/announcements", func(it map[string]json.RawMessage) string {
		var id int64
		json.Unmarshal(it["id"], &id)
		return sampling.AnnouncementRef(id)
	})
	return out, err
}

func getJSONInto(ctx context.Context, h translog.HTTPSource, path string, q url.Values, into any) error {
	_, err := translog.HTTPGet(ctx, h, path, q, into)
	return err
}

// compareServed checks what a server publishes against the log: every entry served
// shows the state the log ends in, and every entry the log says is in force is served.
// (Entries whose publication ended are no longer served, which is allowed.)
func compareServed(replayed map[string]translog.Envelope, served map[string][]byte) []string {
	var diffs []string
	want := map[string]translog.Envelope{}
	for ref, e := range replayed {
		if _, ok := served[ref]; ok {
			want[ref] = e
			continue
		}
		var st struct {
			State  string `json:"state"`
			Status string `json:"status"`
		}
		json.Unmarshal(e.State, &st)
		if st.State == "listed" || st.State == "published" || st.Status == "published" {
			diffs = append(diffs, fmt.Sprintf("%s: in force in the log but not published", ref))
		}
	}
	return append(diffs, translog.CompareStates(want, served)...)
}
