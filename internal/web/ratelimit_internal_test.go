package web

import (
	"fmt"
	"testing"
	"time"
)

func TestRateLimiterRefillAndBound(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	l := newRateLimiter(6, 3, func() time.Time { return now }) // a token every 10 s, bursts of 3
	for i := range 3 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("burst request %d refused", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("over the burst: ok %v, wait %v, want refused for 10s", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another address refused")
	}
	now = now.Add(4 * time.Second)
	if ok, wait := l.allow("a"); ok || wait != 6*time.Second {
		t.Fatalf("after 4 s: ok %v, wait %v, want refused for 6s", ok, wait)
	}
	now = now.Add(6 * time.Second)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("a token refilled after 10 s was refused")
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("only one token refills in 10 s")
	}
	// Refilled buckets are dropped at the next sweep; the map never passes its bound.
	now = now.Add(time.Hour)
	l.allow("c")
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets after an idle hour, want 1", len(l.buckets))
	}
	for i := range maxRateKeys + 10 {
		now = now.Add(time.Microsecond)
		l.allow(fmt.Sprint("x", i))
	}
	if len(l.buckets) > maxRateKeys {
		t.Errorf("%d buckets, bound %d", len(l.buckets), maxRateKeys)
	}
	if ok, _ := l.allow(fmt.Sprint("x", maxRateKeys+9)); !ok {
		t.Error("the newest address lost its burst in the sweep")
	}
}
