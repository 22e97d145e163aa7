package screening

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/uscc"
)

// MaxSubscribed is the most subjects one subscription may watch.
const MaxSubscribed = 10000

// Subscription is a client's watch on subjects: changes of their credit standing are
// POSTed to the webhook URL (none: the client polls GET /api/v1/screening/changes).
type Subscription struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"` // shown once, at creation
	Subjects  []string  `json:"subjects"`
	Cursor    int64     `json:"cursor"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// SubscriptionInput creates a subscription.
type SubscriptionInput struct {
	URL      string   `json:"url"`
	Subjects []string `json:"subjects"` // credit codes
}

// checkURL accepts an absolute http(s) URL without credentials.
func checkURL(raw string) (string, *qcity.FieldError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(raw) > 500 {
		f := qcity.Field("url", "screening.webhook_url")
		return "", &f
	}
	return u.String(), nil
}

// Subscribe registers subjects and a webhook for the caller. The secret that signs
// each delivery (HMAC-SHA256) is returned once.
func (s *Service) Subscribe(ctx context.Context, in SubscriptionInput) (Subscription, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return Subscription{}, err
	}
	var errs []qcity.FieldError
	u, fe := checkURL(in.URL)
	if fe != nil {
		errs = append(errs, *fe)
	}
	switch {
	case len(in.Subjects) == 0:
		errs = append(errs, qcity.Field("subjects", "screening.no_subjects"))
	case len(in.Subjects) > MaxSubscribed:
		errs = append(errs, qcity.Field("subjects", "screening.too_many", "max", MaxSubscribed, "n", len(in.Subjects)))
	}
	seen := map[string]bool{}
	var codes []string
	for i, c := range in.Subjects {
		c = uscc.Normalize(c)
		if err := uscc.Validate(c); err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.Field(fmt.Sprintf("subjects[%d]", i), qe.Key, argList(qe.Args)...))
			if len(errs) > 20 {
				break
			}
			continue
		}
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	if len(errs) > 0 {
		return Subscription{}, qcity.Invalid(errs...)
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	now := s.Clock.Now().UTC()
	sub := Subscription{URL: u, Secret: "whsec_" + hex.EncodeToString(secret), Subjects: codes, Active: true, CreatedAt: now}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM credit_changes`).Scan(&sub.Cursor); err != nil {
			return qcity.Internal(err)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO subscriptions (client_key, client_name, url, secret, cursor, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ClientKey(a), a.Name, sub.URL, sub.Secret, sub.Cursor, true, now, now).Scan(&sub.ID); err != nil {
			return qcity.Internal(err)
		}
		for len(codes) > 0 {
			chunk := codes[:min(len(codes), 400)]
			codes = codes[len(chunk):]
			args := make([]any, 0, 2*len(chunk))
			for _, c := range chunk {
				args = append(args, sub.ID, c)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO subscription_subjects (subscription_id, uscc) VALUES (?, ?)`+
				strings.Repeat(", (?, ?)", len(chunk)-1), args...); err != nil {
				return qcity.Internal(err)
			}
		}
		after := sub
		after.Secret = "…"
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "subscription",
			ObjectID: fmt.Sprint(sub.ID), Summary: fmt.Sprintf("订阅 %d 个主体 %s", len(sub.Subjects), sub.URL), After: after})
	})
	return sub, err
}

func argList(m map[string]any) []any {
	var out []any
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// Unsubscribe stops a subscription of the caller.
func (s *Service) Unsubscribe(ctx context.Context, id int64) error {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE subscriptions SET active = ?, updated_at = ? WHERE id = ? AND client_key = ? AND active = ?`,
			false, now, id, ClientKey(a), true)
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return qcity.Errorf(qcity.ENOTFOUND, "screening.subscription_not_found")
		}
		// What is still queued is not sent to a receiver that may no longer expect it.
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'failed', last_error = 'unsubscribed', claimed_until = NULL
			WHERE subscription_id = ? AND state = 'pending'`, id); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionRevoke, ObjectType: "subscription", ObjectID: fmt.Sprint(id)})
	})
}

// Subscriptions lists the caller's subscriptions (secrets not shown).
func (s *Service) Subscriptions(ctx context.Context) ([]Subscription, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, url, cursor, active, created_at FROM subscriptions WHERE client_key = ? ORDER BY id`, ClientKey(a))
	if err != nil {
		return nil, qcity.Internal(err)
	}
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		if err := rows.Scan(&sub.ID, &sub.URL, &sub.Cursor, &sub.Active, &sub.CreatedAt); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		out = append(out, sub)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	for i := range out {
		codes, err := s.subjectsOf(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Subjects = codes
	}
	if out == nil {
		out = []Subscription{}
	}
	return out, nil
}

func (s *Service) subjectsOf(ctx context.Context, id int64) ([]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT uscc FROM subscription_subjects WHERE subscription_id = ? ORDER BY uscc`, id)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		out = append(out, c)
	}
	return out, qcity.Internal(rows.Err())
}

// Changes returns, for clients that cannot receive webhooks, the changes after cursor
// that concern any subject the caller subscribed, and the cursor to ask from next.
func (s *Service) Changes(ctx context.Context, cursor int64, limit int) ([]Change, int64, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return nil, 0, err
	}
	limit = min(max(limit, 1), 1000)
	rows, err := s.DB.Query(ctx, `SELECT c.seq, c.uscc, c.kind, c.ref, c.changed_on, c.entity_id, c.created_at FROM credit_changes c
		WHERE c.seq > ? AND EXISTS (SELECT 1 FROM subscription_subjects ss JOIN subscriptions sub ON sub.id = ss.subscription_id
			WHERE ss.uscc = c.uscc AND sub.client_key = ? AND sub.active = ?)
		ORDER BY c.seq LIMIT ?`, cursor, ClientKey(a), true, limit)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Change{}
	next := cursor
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Seq, &c.USCC, &c.Kind, &c.Ref, &c.ChangedOn, &c.EntityID, &c.At); err != nil {
			return nil, 0, qcity.Internal(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
		next = c.Seq
	}
	if len(out) < limit {
		// Nothing more concerns the client up to the feed's end.
		var last int64
		if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM credit_changes`).Scan(&last); err == nil && last > next {
			next = last
		}
	}
	return out, next, qcity.Internal(rows.Err())
}

// Delivery is one webhook delivery and its history.
type Delivery struct {
	ID            int64      `json:"id"`
	State         string     `json:"state"` // pending | delivered | failed
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastStatus    int        `json:"last_status"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at"` // null until delivered
	Changes       int        `json:"changes"`
}

// Deliveries lists a subscription's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, subID int64) ([]Delivery, error) {
	a := qcity.ActorFrom(ctx)
	if err := mayScreen(a); err != nil {
		return nil, err
	}
	var owner string
	err := s.DB.QueryRow(ctx, `SELECT client_key FROM subscriptions WHERE id = ?`, subID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && owner != ClientKey(a) {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "screening.subscription_not_found")
	}
	if err != nil {
		return nil, qcity.Internal(err)
	}
	rows, err := s.DB.Query(ctx, `SELECT id, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at, payload
		FROM deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT 200`, subID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var delivered sql.NullTime
		var payload string
		if err := rows.Scan(&d.ID, &d.State, &d.Attempts, &d.NextAttemptAt, &d.LastStatus, &d.LastError, &d.CreatedAt, &delivered, &payload); err != nil {
			return nil, qcity.Internal(err)
		}
		if delivered.Valid {
			t := delivered.Time.UTC()
			d.DeliveredAt = &t
		}
		var p webhookPayload
		json.Unmarshal([]byte(payload), &p)
		d.Changes = len(p.Changes)
		d.NextAttemptAt, d.CreatedAt = d.NextAttemptAt.UTC(), d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, qcity.Internal(rows.Err())
}

// webhookPayload is the body POSTed to a webhook.
type webhookPayload struct {
	SubscriptionID int64    `json:"subscription_id"`
	DeliveryID     int64    `json:"delivery_id"`
	Changes        []Change `json:"changes"`
}

// Backoff is the wait before each retry of a failed delivery; after the last, the
// delivery is marked failed.
var Backoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// Dispatcher delivers subscriptions' changes. Several instances may run it at once:
// advancing a subscription's cursor and claiming a delivery are each conditional
// updates, so every change is enqueued once and every attempt made by one instance.
type Dispatcher struct {
	S      *Service
	Client *http.Client
	// AllowPrivate permits webhooks on loopback and private networks (off by default:
	// a webhook must not reach into the bureau's own network).
	AllowPrivate bool
}

// nonPublic are the special-purpose ranges (RFC 6890 and successors) a webhook may not
// reach besides loopback, private, link-local and multicast: among them the
// carrier-grade NAT range that holds Alibaba Cloud's metadata service
// (100.100.100.200), and the IPv6 forms that carry an IPv4 address to a translator.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"), // and 255.255.255.255
	netip.MustParsePrefix("2001::/23"),   // IETF protocol assignments, Teredo among them
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), // 6to4
}

// globalUnicast6 is where public IPv6 unicast addresses lie; outside it are NAT64
// (64:ff9b::/96, 64:ff9b:1::/48), IPv4-compatible, unique-local and link-local forms.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// publicAddr reports whether a webhook may connect to ip: a public unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsLinkLocalMulticast() {
		return false
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// client returns the HTTP client, refusing private addresses unless allowed.
func (d *Dispatcher) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !d.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !publicAddr(ip) {
				return fmt.Errorf("webhook address %s is not public", host)
			}
			return nil
		}
	}
	d.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return d.Client
}

// Run dispatches every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.Once(ctx); err != nil && ctx.Err() == nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once enqueues new changes and makes every attempt that is due. It returns the number
// of attempts made.
func (d *Dispatcher) Once(ctx context.Context) (int, error) {
	if err := d.enqueue(ctx); err != nil {
		return 0, err
	}
	return d.deliverDue(ctx)
}

// enqueue turns each active webhook subscription's new changes into one delivery.
func (d *Dispatcher) enqueue(ctx context.Context) error {
	s := d.S
	var last int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM credit_changes`).Scan(&last); err != nil {
		return qcity.Internal(err)
	}
	rows, err := s.DB.Query(ctx, `SELECT id, cursor FROM subscriptions WHERE active = ? AND url <> '' AND cursor < ?`, true, last)
	if err != nil {
		return qcity.Internal(err)
	}
	type subCursor struct{ id, cursor int64 }
	var subs []subCursor
	for rows.Next() {
		var sc subCursor
		rows.Scan(&sc.id, &sc.cursor)
		subs = append(subs, sc)
	}
	rows.Close()
	now := s.Clock.Now().UTC()
	for _, sc := range subs {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE subscriptions SET cursor = ?, updated_at = ? WHERE id = ? AND cursor = ?`, last, now, sc.id, sc.cursor)
			if err != nil {
				return qcity.Internal(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another instance took it
			}
			crows, err := tx.Query(ctx, `SELECT c.seq, c.uscc, c.kind, c.ref, c.changed_on, c.entity_id, c.created_at FROM credit_changes c
				JOIN subscription_subjects ss ON ss.uscc = c.uscc AND ss.subscription_id = ?
				WHERE c.seq > ? AND c.seq <= ? ORDER BY c.seq`, sc.id, sc.cursor, last)
			if err != nil {
				return qcity.Internal(err)
			}
			var changes []Change
			for crows.Next() {
				var c Change
				if err := crows.Scan(&c.Seq, &c.USCC, &c.Kind, &c.Ref, &c.ChangedOn, &c.EntityID, &c.At); err != nil {
					crows.Close()
					return qcity.Internal(err)
				}
				c.At = c.At.UTC()
				changes = append(changes, c)
			}
			crows.Close()
			if len(changes) == 0 {
				return nil
			}
			p, _ := json.Marshal(webhookPayload{SubscriptionID: sc.id, Changes: changes})
			_, err = tx.Exec(ctx, `INSERT INTO deliveries (subscription_id, payload, state, next_attempt_at, created_at) VALUES (?, ?, 'pending', ?, ?)`,
				sc.id, string(p), now, now)
			return qcity.Internal(err)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Sign computes the signature header value of a delivery: HMAC-SHA256 over
// "timestamp.body" with the subscription's secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// deliverDue makes the attempts that are due.
func (d *Dispatcher) deliverDue(ctx context.Context) (int, error) {
	s := d.S
	now := s.Clock.Now().UTC()
	rows, err := s.DB.Query(ctx, `SELECT d.id FROM deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= ?
		AND (d.claimed_until IS NULL OR d.claimed_until < ?) ORDER BY d.id LIMIT 50`, now, now)
	if err != nil {
		return 0, qcity.Internal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	made := 0
	for _, id := range ids {
		res, err := s.DB.Exec(ctx, `UPDATE deliveries SET claimed_until = ? WHERE id = ? AND state = 'pending'
			AND (claimed_until IS NULL OR claimed_until < ?)`, now.Add(time.Minute), id, now)
		if err != nil {
			return made, qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		var url, secret, payload string
		var attempts int
		if err := s.DB.QueryRow(ctx, `SELECT sub.url, sub.secret, d.payload, d.attempts FROM deliveries d
			JOIN subscriptions sub ON sub.id = d.subscription_id WHERE d.id = ?`, id).Scan(&url, &secret, &payload, &attempts); err != nil {
			return made, qcity.Internal(err)
		}
		// The delivery id goes into the body so the receiver can drop duplicates.
		var p webhookPayload
		json.Unmarshal([]byte(payload), &p)
		p.DeliveryID = id
		body, _ := json.Marshal(p)
		status, postErr := d.post(ctx, url, secret, id, body)
		made++
		attempts++
		if postErr == nil && status >= 200 && status < 300 {
			_, err = s.DB.Exec(ctx, `UPDATE deliveries SET state = 'delivered', attempts = ?, last_status = ?, last_error = '',
				delivered_at = ?, claimed_until = NULL WHERE id = ?`, attempts, status, s.Clock.Now().UTC(), id)
		} else {
			msg := ""
			if postErr != nil {
				msg = postErr.Error()
			} else {
				msg = http.StatusText(status)
			}
			state, next := "pending", now
			if attempts > len(Backoff) {
				state = "failed"
			} else {
				next = now.Add(Backoff[attempts-1])
			}
			_, err = s.DB.Exec(ctx, `UPDATE deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?,
				claimed_until = NULL WHERE id = ? AND state = 'pending'`, state, attempts, status, truncate(msg, 300), next, id)
		}
		if err != nil {
			return made, qcity.Internal(err)
		}
	}
	return made, nil
}

func (d *Dispatcher) post(ctx context.Context, url, secret string, id int64, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(d.S.Clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "qcity-webhook/1")
	req.Header.Set("X-QCity-Delivery", strconv.FormatInt(id, 10))
	req.Header.Set("X-QCity-Timestamp", ts)
	req.Header.Set("X-QCity-Signature", Sign(secret, ts, body))
	resp, err := d.client().Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
