package allowed

import (
	"maps"
	"slices"
	"time"
)

// Inbox is a channel type in a declaration, never operated on.
type Inbox chan int

// Handler takes a channel it never operates on.
type Handler func(in <-chan int) Inbox

// Registry is a named map type.
type Registry map[string]int

// deterministic uses each rule's deterministic forms.
func deterministic(xs []int, s string, r Registry, m map[string]int, at time.Time, seq func(func(int) bool)) (n int) {
	for _, x := range xs {
		n += x
	}
	for i := range 3 {
		n += i
	}
	for _, c := range s {
		n += int(c)
	}
	for i := range [2]int{} {
		n += i
	}
	for v := range seq {
		n += v
	}
	for _, k := range slices.Sorted(maps.Keys(r)) {
		n += r[k]
	}
	if v, ok := m["k"]; ok {
		n += v
	}
	m["k"] = n
	delete(m, "k")
	n += len(r)
	d := 2*time.Second + time.Duration(n)*time.Millisecond
	later := at.Add(d)
	if later.After(at) && at.Before(later) {
		n += int(later.Sub(at) / time.Second)
	}
	_ = time.Unix(0, 0).UTC()
	return n
}
