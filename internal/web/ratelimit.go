package web

import (
	"math"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client address for the public lookups that anyone
// can make without logging in (certificate verification, credit and entity search,
// screening certificates): a burst of Burst requests, refilled at PerMinute a minute.
// It keeps a flood of made-up certificate numbers from filling the officials' forgery
// leads and one visitor from crowding out the rest. Logged-in users and API keys are
// not limited here. Memory is bounded: full buckets are dropped every minute, and past
// maxKeys addresses the oldest are dropped first.
type rateLimiter struct {
	perMinute float64
	burst     float64
	now       func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxRateKeys = 100_000

func newRateLimiter(perMinute, burst int, now func() time.Time) *rateLimiter {
	if burst <= 0 {
		burst = perMinute
	}
	return &rateLimiter{perMinute: float64(perMinute), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for key; when there is none it reports how long until there is.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute || len(l.buckets) >= maxRateKeys {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+d.Minutes()*l.perMinute)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	// Whole seconds, rounded up (a hair below for float error): Retry-After counts seconds.
	secs := math.Ceil((1-b.tokens)/l.perMinute*60 - 1e-6)
	return false, time.Duration(max(secs, 1)) * time.Second
}

// sweep drops the buckets that have refilled (they are the same as no bucket), and,
// if the map is still full, the ones touched longest ago.
func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	full := time.Duration(l.burst / l.perMinute * float64(time.Minute))
	var oldest time.Time
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		} else if oldest.IsZero() || b.at.Before(oldest) {
			oldest = b.at
		}
	}
	for cut := oldest.Add(full / 8); len(l.buckets) >= maxRateKeys; cut = cut.Add(full / 8) {
		for k, b := range l.buckets {
			if b.at.Before(cut) {
				delete(l.buckets, k)
			}
		}
	}
}
