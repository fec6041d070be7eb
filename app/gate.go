package app

import "github.com/poolsim/poolsim/sim"

// Gate is a count of events that tasks of any process can wait for, such
// as "every worker has booted": a barrier in the observer's world (the
// load generator starts when the applications are up), not in any
// process's memory.
type Gate struct {
	mu   *sim.Mutex
	cond *sim.Cond
	left int
}

// NewGate returns a gate that opens after n calls of Done.
func NewGate(w *sim.World, name string, n int) *Gate {
	mu := w.NewSharedMutex(name)
	return &Gate{mu: mu, cond: w.NewSharedCond(name, mu), left: n}
}

// Add expects n more calls of Done.
func (g *Gate) Add(n int) {
	g.mu.Lock()
	g.left += n
	g.mu.Unlock()
}

// Done counts one event; the last one opens the gate.
func (g *Gate) Done() {
	g.mu.Lock()
	if g.left--; g.left <= 0 {
		g.cond.Broadcast()
	}
	g.mu.Unlock()
}

// Wait blocks until the gate is open.
func (g *Gate) Wait() {
	g.mu.Lock()
	for g.left > 0 {
		g.cond.Wait()
	}
	g.mu.Unlock()
}

// heldBy reports whether a task of p holds the gate's lock (a process
// killed then would leave it locked; killers wait for the next round).
func (g *Gate) heldBy(p *sim.Process) bool {
	h := g.mu.Holder()
	return h != nil && h.Process() == p
}
