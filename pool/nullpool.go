package pool

import (
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// NullPool pools nothing: every checkout opens a connection and every
// checkin closes it (after reset on return). Recycle and invalidation
// have nothing to act on.
type NullPool struct{}

// NewNullPool returns a NullPool.
func NewNullPool(w *sim.World, creator Creator, o Options) *Pool {
	return New(w, NullPool{}, creator, o)
}

// Name returns "NullPool".
func (NullPool) Name() string { return "NullPool" }

// Get opens a connection.
func (NullPool) Get(p *Pool) (*Record, error) { return p.NewRecord() }

// Put closes the connection.
func (NullPool) Put(p *Pool, r *Record) error {
	r.Close()
	return nil
}

// Dispose does nothing: a NullPool holds no connections.
func (NullPool) Dispose(*Pool) {}

// Recreate returns a NullPool.
func (NullPool) Recreate(*Pool) Design { return NullPool{} }

// Status returns "NullPool".
func (NullPool) Status(*Pool) string { return "NullPool" }

// CopyInto returns a NullPool: it has no state.
func (NullPool) CopyInto(*procmem.Copier, *Pool) Design { return NullPool{} }
