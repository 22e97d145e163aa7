package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a one-line progress bar on a terminal stream, at most ten times a
// second. On a file or pipe that is not a terminal (a log file) it draws nothing: the
// summary lines that follow say what was done.
type progress struct {
	w     io.Writer
	label string
	last  time.Time
	drawn bool
	off   bool
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, off: notTerminal(w)}
}

func notTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice == 0
}

func (p *progress) update(done, total int) { p.phase(p.label, done, total) }

func (p *progress) phase(phase string, done, total int) {
	if p.off {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.last = now
	const width = 30
	if total <= 0 {
		fmt.Fprintf(p.w, "\r%-8s %10d rows", phase, done)
	} else {
		n := width * done / total
		fmt.Fprintf(p.w, "\r%-8s [%s%s] %3d%% %d/%d", phase, strings.Repeat("#", n), strings.Repeat(".", width-n),
			100*done/total, done, total)
	}
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
