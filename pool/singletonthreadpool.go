package pool

import (
	"fmt"
	"slices"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// SingletonThreadPool keeps one connection per thread (per task): a
// thread's checkouts all get its own connection, and a second checkout by
// the same thread while the first is open shares it (and its checkin).
// When more threads than Size have connections, a new one closes others
// until fewer than Size remain, whether or not they are in use
// (SQLAlchemy's documentation warns of it). SQLAlchemy pops an arbitrary
// element of a set there; here the oldest goes first, so runs replay.
//
// Invariant: all lists every record the pool made and has not cleaned
// up, in the order they were made.
type SingletonThreadPool struct {
	size  int
	conn  *ThreadLocal[*Record] // _conn: the thread's record
	fairy *ThreadLocal[*Fairy]  // _fairy: the thread's open checkout
	all   []*Record             // _all_conns
}

// NewSingletonThreadPool returns a SingletonThreadPool keeping at most
// size threads' connections (SQLAlchemy's default is 5).
func NewSingletonThreadPool(w *sim.World, creator Creator, size int, o Options) *Pool {
	return New(w, newSingletonDesign(size), creator, o)
}

func newSingletonDesign(size int) *SingletonThreadPool {
	return &SingletonThreadPool{size: size, conn: &ThreadLocal[*Record]{}, fairy: &ThreadLocal[*Fairy]{}}
}

// Name returns "SingletonThreadPool".
func (d *SingletonThreadPool) Name() string { return "SingletonThreadPool" }

// connect is SingletonThreadPool.connect: the thread's open checkout if it
// has one, else a checkout that becomes the thread's.
func (d *SingletonThreadPool) connect(p *Pool) (*Fairy, error) {
	if f, ok := d.fairy.Get(p.w); ok && f != nil && f.rec != nil {
		return p.checkout(nil, f)
	}
	return p.checkout(d.fairy, nil)
}

// returnConn is SingletonThreadPool._return_conn.
func (d *SingletonThreadPool) returnConn(p *Pool, r *Record) error {
	d.fairy.Delete(p.w)
	return d.Put(p, r)
}

// Get returns the thread's record, or makes one.
func (d *SingletonThreadPool) Get(p *Pool) (*Record, error) {
	if r, ok := d.conn.Get(p.w); ok && d.alive(r) {
		return r, nil
	}
	r, err := p.NewRecord()
	if err != nil {
		return nil, err
	}
	d.conn.Set(p.w, r)
	p.touch(sim.AccMemWrite)
	if len(d.all) >= d.size {
		d.cleanup()
	}
	d.all = append(d.all, r)
	return r, nil
}

// alive reports whether the thread's weak reference to r still holds: r
// is still among the pool's records or checked out.
func (d *SingletonThreadPool) alive(r *Record) bool {
	return r != nil && (r.InUse() || slices.Contains(d.all, r))
}

func (d *SingletonThreadPool) cleanup() {
	for len(d.all) >= d.size && len(d.all) > 0 {
		r := d.all[0]
		d.all = d.all[1:]
		r.Close()
	}
}

// Put keeps the record with its thread.
func (d *SingletonThreadPool) Put(*Pool, *Record) error { return nil }

// Dispose closes every connection the pool made.
func (d *SingletonThreadPool) Dispose(*Pool) {
	for _, r := range d.all {
		r.Close()
	}
	d.all = nil
}

// Recreate returns an empty SingletonThreadPool of the same size.
func (d *SingletonThreadPool) Recreate(*Pool) Design { return newSingletonDesign(d.size) }

// Status is SingletonThreadPool.status(); the id() of the pool object is
// shown as 0.
func (d *SingletonThreadPool) Status(*Pool) string {
	return fmt.Sprintf("SingletonThreadPool id:%d size: %d", 0, len(d.all))
}

// CopyInto copies the records and the threads' references for child: only
// the forking thread's survive as a thread's.
func (d *SingletonThreadPool) CopyInto(c *procmem.Copier, child *Pool) Design {
	return procmem.Copy(c, d, func() *SingletonThreadPool {
		w := child.w
		n := &SingletonThreadPool{size: d.size}
		for _, r := range d.all {
			n.all = append(n.all, r.CopyInto(c, child))
		}
		n.conn = d.conn.CopyInto(c, w, func(r *Record) *Record { return r.CopyInto(c, child) })
		n.fairy = d.fairy.CopyInto(c, w, func(f *Fairy) *Fairy { return f.copyInto(c, child) })
		return n
	})
}
