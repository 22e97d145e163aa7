package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"qcity"
)

// importJob is an import running in the background, so a large file neither holds the
// browser's request open nor leaves the user without news: its page shows the phase
// and the rows done until it finishes.
type importJob struct {
	ID       string
	Owner    int64 // the user who started it; only they may see it
	Filename string
	Started  time.Time

	mu       sync.Mutex
	phase    string
	done     int
	total    int
	result   any
	err      error
	finished chan struct{}
}

// importProgress is a snapshot of a job for its page.
type importProgress struct {
	Phase    string
	Done     int
	Total    int
	Finished bool
	Result   any
	Err      error
}

func (j *importJob) snapshot() importProgress {
	j.mu.Lock()
	defer j.mu.Unlock()
	select {
	case <-j.finished:
		return importProgress{Phase: j.phase, Done: j.done, Total: j.total, Finished: true, Result: j.result, Err: j.err}
	default:
		return importProgress{Phase: j.phase, Done: j.done, Total: j.total}
	}
}

// jobs keeps this instance's import jobs for an hour after they finish. A job lives in
// the memory of the instance that runs it; behind a load balancer the job page needs
// session affinity (the import itself is one database transaction either way).
type jobs struct {
	mu   sync.Mutex
	byID map[string]*importJob
}

const jobTTL = time.Hour

func (js *jobs) start(ctx context.Context, now time.Time, owner int64, filename string,
	run func(ctx context.Context, progress func(phase string, done, total int)) (any, error)) *importJob {
	var b [12]byte
	rand.Read(b[:])
	j := &importJob{ID: hex.EncodeToString(b[:]), Owner: owner, Filename: filename, Started: now, phase: "read",
		finished: make(chan struct{})}
	js.mu.Lock()
	if js.byID == nil {
		js.byID = map[string]*importJob{}
	}
	for id, old := range js.byID {
		if now.Sub(old.Started) > jobTTL {
			select {
			case <-old.finished:
				delete(js.byID, id)
			default:
			}
		}
	}
	js.byID[j.ID] = j
	js.mu.Unlock()
	go func() {
		res, err := run(ctx, func(phase string, done, total int) {
			j.mu.Lock()
			j.phase, j.done, j.total = phase, done, total
			j.mu.Unlock()
		})
		j.mu.Lock()
		if err == nil {
			j.result = res
		}
		j.err = err
		j.mu.Unlock()
		close(j.finished)
	}()
	return j
}

func (js *jobs) get(id string, owner int64) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	if !ok || j.Owner != owner {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	return j, nil
}
