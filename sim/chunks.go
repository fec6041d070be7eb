package sim

import "sort"

// chunks is an append-only list in chunks that double in size up to a
// limit, so that appending never copies what was recorded: the
// provenance spans of every stream and the task of every run decision use
// it, at every step.
type chunks[T any] struct {
	lists  [][]T
	starts []int // index of each chunk's first element
	n      int
}

const (
	chunkMin = 8
	chunkMax = 4096
)

func (c *chunks[T]) add(x T) {
	k := len(c.lists) - 1
	if k < 0 || len(c.lists[k]) == cap(c.lists[k]) {
		size := chunkMin
		if k >= 0 {
			size = min(2*cap(c.lists[k]), chunkMax)
		}
		c.lists = append(c.lists, make([]T, 0, size))
		c.starts = append(c.starts, c.n)
		k++
	}
	c.lists[k] = append(c.lists[k], x)
	c.n++
}

// at returns element i.
func (c *chunks[T]) at(i int) T {
	k := sort.Search(len(c.starts), func(j int) bool { return c.starts[j] > i }) - 1
	return c.lists[k][i-c.starts[k]]
}

// all returns a copy of every element.
func (c *chunks[T]) all() []T {
	out := make([]T, 0, c.n)
	for _, l := range c.lists {
		out = append(out, l...)
	}
	return out
}
