package pool

import (
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// StaticPool holds exactly one connection and hands it to every checkout,
// however many are open at once: threads that check out concurrently
// share one DB-API connection (and one transaction), and each one's
// checkin runs reset on return on it. The record is made at the first
// checkout (a memoized property: two threads that check out first at once
// may both make one, and the later replaces the earlier), and replaced
// when it was invalidated.
type StaticPool struct {
	rec *Record
}

// NewStaticPool returns a StaticPool.
func NewStaticPool(w *sim.World, creator Creator, o Options) *Pool {
	return New(w, &StaticPool{}, creator, o)
}

// Name returns "StaticPool".
func (d *StaticPool) Name() string { return "StaticPool" }

// connection is the memoized connection property.
func (d *StaticPool) connection(p *Pool) (*Record, error) {
	p.touch(sim.AccMemRead)
	if d.rec != nil {
		return d.rec, nil
	}
	r := &Record{pool: p}
	if err := r.connect(); err != nil {
		if r.conn != nil {
			p.closeConnection(r.conn) // see Pool.NewRecord
		}
		return nil, err
	}
	p.touch(sim.AccMemWrite)
	d.rec = r
	return r, nil
}

// Get returns the one record, replacing it if it was invalidated.
func (d *StaticPool) Get(p *Pool) (*Record, error) {
	r, err := d.connection(p)
	if err != nil {
		return nil, err
	}
	if r.hardOrSoftInvalidated() {
		if d.rec == r {
			d.rec = nil
		}
		return d.connection(p)
	}
	return r, nil
}

// Put keeps the record.
func (d *StaticPool) Put(*Pool, *Record) error { return nil }

// Dispose closes the connection, if one was made.
func (d *StaticPool) Dispose(*Pool) {
	if d.rec != nil && d.rec.conn != nil {
		d.rec.Close()
		d.rec = nil
	}
}

// Recreate returns a StaticPool without a connection.
func (d *StaticPool) Recreate(*Pool) Design { return &StaticPool{} }

// Status returns "StaticPool".
func (d *StaticPool) Status(*Pool) string { return "StaticPool" }

// CopyInto copies the record for child.
func (d *StaticPool) CopyInto(c *procmem.Copier, child *Pool) Design {
	return procmem.Copy(c, d, func() *StaticPool {
		return &StaticPool{rec: d.rec.CopyInto(c, child)}
	})
}
