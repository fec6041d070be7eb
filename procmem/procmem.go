// Package procmem is how the objects that stand for a simulated process's
// memory (a driver's connections, a pool, sessions, an application's
// globals) are copied into a forked child.
//
// fork(2) copies a process's whole memory: every object the parent can
// reach exists in the child at the same state, and references between
// objects keep their shape (a session and the pool that both point at one
// connection point at the same copy in the child). A simulated process's
// memory is made of Go objects, which Go would share; so each object type
// that stands for process memory has a CopyInto method that makes its
// child copy through a Copier, and the Copier makes sure each object is
// copied once per fork. Sockets are not copied: a copied object reaches
// the inherited socket through the child's descriptor table
// (sim.Conn.In), and mutexes and conditions through the child's copies
// (sim.Mutex.In), which sim.Process.Fork has already made.
package procmem

import "github.com/poolsim/poolsim/sim"

// Copier makes the copies of one fork.
type Copier struct {
	// Child is the forked process the copies belong to.
	Child *sim.Process
	// Parent is the process forked.
	Parent *sim.Process
	done   map[any]any // original -> copy; lookup only
}

// NewCopier returns the copier of the fork that created child.
func NewCopier(child *sim.Process) *Copier {
	return &Copier{Child: child, Parent: child.Parent(), done: map[any]any{}}
}

// Copy returns the child's copy of x, making it with make the first time
// x is copied in this fork and returning the same copy afterwards. A nil
// pointer is returned as is. make must call Register (or use Copy
// recursively) before copying the objects x refers to when those may
// refer back to x, so that cycles end.
func Copy[T comparable](c *Copier, x T, make func() T) T {
	var zero T
	if x == zero {
		return zero
	}
	if y, ok := c.done[x]; ok {
		return y.(T)
	}
	y := make()
	c.done[x] = y
	return y
}

// Register records y as the copy of x before y is complete, for objects
// that refer back to themselves through others.
func Register[T comparable](c *Copier, x, y T) { c.done[x] = y }

// Copied reports whether x has been copied in this fork, and its copy.
func Copied[T comparable](c *Copier, x T) (T, bool) {
	y, ok := c.done[x]
	if !ok {
		var zero T
		return zero, false
	}
	return y.(T), true
}
