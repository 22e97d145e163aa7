package screening_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/screening"
)

// A receiver that fails the first two attempts, then accepts, checking signatures.
type receiver struct {
	mu       sync.Mutex
	secret   string
	calls    int
	bodies   [][]byte
	badSigs  int
	failures int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	if screening.Sign(rc.secret, r.Header.Get("X-QCity-Timestamp"), body) != r.Header.Get("X-QCity-Signature") {
		rc.badSigs++
	}
	if rc.failures > 0 {
		rc.failures--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	rc.bodies = append(rc.bodies, body)
}

func TestWebhooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		watched := f.entity("湛江市霞山区海滨水产有限公司", "440803", "张海")
		other := f.entity("湛江市赤坎区金帆电器有限公司", "440802", "王帆")
		rc := &receiver{failures: 2}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		sub, err := f.svc.Subscribe(f.client, screening.SubscriptionInput{URL: srv.URL + "/hooks/qcity", Subjects: []string{watched.USCC}})
		if err != nil || !strings.HasPrefix(sub.Secret, "whsec_") {
			t.Fatalf("subscribe: %+v %v", sub, err)
		}
		rc.secret = sub.Secret
		list := func(e string) {
			if _, err := f.credit.ListAbnormal(f.city, credit.ListInput{USCC: e, Reason: credit.ReasonUnreachable,
				Facts: credit.AbnormalFacts{Letter1On: qcity.NewDate(2026, 1, 5), Letter2On: qcity.NewDate(2026, 1, 25)}}); err != nil {
				t.Fatal(err)
			}
		}
		list(other.USCC) // not watched: nothing is sent
		list(watched.USCC)
		d1 := &screening.Dispatcher{S: f.svc, AllowPrivate: true}
		d2 := &screening.Dispatcher{S: screening.NewService(d, f.clock), AllowPrivate: true}
		ctx := context.Background()
		// Two instances dispatch: the change is enqueued and attempted once.
		n1, err1 := d1.Once(ctx)
		n2, err2 := d2.Once(ctx)
		if err1 != nil || err2 != nil || n1+n2 != 1 || rc.calls != 1 {
			t.Fatalf("first round: %d+%d attempts, %d calls, %v %v", n1, n2, rc.calls, err1, err2)
		}
		// Not due before the backoff.
		if n, _ := d1.Once(ctx); n != 0 {
			t.Errorf("retried before the backoff: %d", n)
		}
		f.clock.Advance(31 * time.Second)
		if n, _ := d1.Once(ctx); n != 1 || rc.calls != 2 {
			t.Fatalf("second attempt: %d, %d calls", n, rc.calls)
		}
		f.clock.Advance(2*time.Minute + time.Second)
		if n, _ := d2.Once(ctx); n != 1 || rc.calls != 3 {
			t.Fatalf("third attempt: %d, %d calls", n, rc.calls)
		}
		if rc.badSigs != 0 || len(rc.bodies) != 1 {
			t.Fatalf("%d bad signatures, %d accepted bodies", rc.badSigs, len(rc.bodies))
		}
		var p struct {
			SubscriptionID int64              `json:"subscription_id"`
			DeliveryID     int64              `json:"delivery_id"`
			Changes        []screening.Change `json:"changes"`
		}
		json.Unmarshal(rc.bodies[0], &p)
		if p.SubscriptionID != sub.ID || p.DeliveryID == 0 || len(p.Changes) != 1 || p.Changes[0].USCC != watched.USCC || p.Changes[0].Kind != "abnormal.listed" {
			t.Errorf("payload: %s", rc.bodies[0])
		}
		hist, err := f.svc.Deliveries(f.client, sub.ID)
		if err != nil || len(hist) != 1 || hist[0].State != "delivered" || hist[0].Attempts != 3 || hist[0].Changes != 1 ||
			hist[0].DeliveredAt == nil || !hist[0].DeliveredAt.Equal(f.clock.Now().UTC()) {
			t.Errorf("delivery history: %+v %v", hist, err)
		}
		if _, err := f.svc.Deliveries(f.city, sub.ID); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("another client's history: %v", err)
		}
		// Nothing new, nothing sent.
		if n, _ := d1.Once(ctx); n != 0 {
			t.Errorf("idle round made %d attempts", n)
		}
		// The polling endpoint gives the same change from cursor 0.
		changes, next, err := f.svc.Changes(f.client, 0, 100)
		if err != nil || len(changes) != 1 || changes[0].USCC != watched.USCC || next < changes[0].Seq {
			t.Errorf("changes: %+v %d %v", changes, next, err)
		}
		if more, _, _ := f.svc.Changes(f.client, next, 100); len(more) != 0 {
			t.Errorf("changes after the cursor: %+v", more)
		}
		// A receiver that keeps failing: the delivery gives up after the last backoff.
		rc.mu.Lock()
		rc.failures = 100
		rc.mu.Unlock()
		if _, err := f.credit.ObjectAbnormal(f.as(watched), 2, "我司可以正常联系，请核实登记住所。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.credit.DecideObjection(f.city, 2, "uphold", "核实可联系"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i <= len(screening.Backoff); i++ {
			d1.Once(ctx)
			f.clock.Advance(25 * time.Hour)
		}
		hist, _ = f.svc.Deliveries(f.client, sub.ID)
		if hist[0].State != "failed" || hist[0].Attempts != len(screening.Backoff)+1 || hist[0].LastStatus != 503 || hist[0].DeliveredAt != nil {
			t.Errorf("gave up: %+v", hist[0])
		}
		// Webhooks may not reach private addresses unless allowed.
		strict := &screening.Dispatcher{S: f.svc}
		sub2, _ := f.svc.Subscribe(f.client, screening.SubscriptionInput{URL: srv.URL, Subjects: []string{other.USCC}})
		_ = sub2
		if _, err := f.credit.ObjectAbnormal(f.as(other), 1, "我司可以正常联系，请核实登记住所。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.credit.DecideObjection(f.city, 1, "uphold", "核实可联系"); err != nil {
			t.Fatal(err)
		}
		calls := rc.calls
		strict.Once(ctx)
		hist, _ = f.svc.Deliveries(f.client, sub2.ID)
		if rc.calls != calls || len(hist) != 1 || !strings.Contains(hist[0].LastError, "not public") {
			t.Errorf("private address: %d calls, %+v", rc.calls-calls, hist)
		}
		// Bad subscriptions.
		for _, in := range []screening.SubscriptionInput{
			{URL: "ftp://x", Subjects: []string{watched.USCC}},
			{URL: "https://user:pw@example.com/", Subjects: []string{watched.USCC}},
			{URL: "https://example.com/", Subjects: []string{"91440803MA4W00000X"}},
			{URL: "https://example.com/"},
		} {
			if _, err := f.svc.Subscribe(f.client, in); qcity.ErrorCode(err) != qcity.EINVALID {
				t.Errorf("subscription %+v: %v", in, err)
			}
		}
		if err := f.svc.Unsubscribe(f.client, sub.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Unsubscribe(f.client, sub.ID); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("second unsubscribe: %v", err)
		}
		// Unsubscribing ends what is still queued: the private address's delivery is not
		// retried to a receiver that may no longer expect it.
		if err := f.svc.Unsubscribe(f.client, sub2.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(25 * time.Hour)
		calls = rc.calls
		d1.Once(ctx)
		hist, _ = f.svc.Deliveries(f.client, sub2.ID)
		if rc.calls != calls || len(hist) != 1 || hist[0].State != "failed" || hist[0].LastError != "unsubscribed" {
			t.Errorf("after unsubscribing: %d calls, %+v", rc.calls-calls, hist)
		}
	})
}
