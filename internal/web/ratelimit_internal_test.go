package web

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
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

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, c := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: the peer", nil, "198.51.100.7:5000", []string{"203.0.113.5"}, "198.51.100.7"},
		{"untrusted peer: the header is ignored", proxies, "198.51.100.7:5000", []string{"203.0.113.5"}, "198.51.100.7"},
		{"trusted peer: the client it names", proxies, "10.1.2.3:5000", []string{"203.0.113.5"}, "203.0.113.5"},
		{"a forged left entry is skipped", proxies, "10.1.2.3:5000", []string{"1.2.3.4, 203.0.113.5"}, "203.0.113.5"},
		{"chained proxies", proxies, "127.0.0.1:5000", []string{"203.0.113.5, 10.9.9.9"}, "203.0.113.5"},
		{"several header lines", proxies, "10.1.2.3:5000", []string{"1.2.3.4", "203.0.113.5"}, "203.0.113.5"},
		{"IPv6 client", proxies, "10.1.2.3:5000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"malformed hop: the proxy", proxies, "10.1.2.3:5000", []string{"203.0.113.5, garbage"}, "10.1.2.3"},
		{"no header: the proxy", proxies, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"only proxies: the peer", proxies, "10.1.2.3:5000", []string{"10.4.4.4"}, "10.1.2.3"},
	} {
		s := &Server{Config: Config{TrustedProxies: c.trusted}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
