package demo

import "math/rand/v2"

// weighted is a list of items drawn with probability proportional to integer weights.
// Integer weights keep every draw identical across platforms (no floating point).
type weighted[T any] struct {
	items []T
	cum   []uint64 // cum[i] is the sum of the weights of items[0..i]
}

func (w *weighted[T]) add(item T, weight uint64) {
	if weight == 0 {
		return
	}
	var total uint64
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.items = append(w.items, item)
	w.cum = append(w.cum, total+weight)
}

func (w *weighted[T]) len() int { return len(w.items) }

func (w *weighted[T]) total() uint64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// pick draws an item. It panics on an empty list, a programming error.
func (w *weighted[T]) pick(r *rand.Rand) T {
	return w.items[w.pickIndex(r)]
}

func (w *weighted[T]) pickIndex(r *rand.Rand) int {
	x := r.Uint64N(w.total())
	lo, hi := 0, len(w.cum)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if w.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
