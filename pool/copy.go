package pool

import (
	"maps"

	"github.com/poolsim/poolsim/procmem"
)

// CopyInto returns the pool's copy in the forked child c makes: its
// design with its records (each with its driver connection's copy, which
// reaches the same socket through the child's descriptors), its event
// handlers and dialect (copied when they stand for process memory), its
// invalidation time, and its locks in the state the fork found them (a
// lock another thread held stays held in the child for ever).
func (p *Pool) CopyInto(c *procmem.Copier) *Pool {
	return procmem.Copy(c, p, func() *Pool {
		n := &Pool{
			w:          p.w,
			creator:    p.creator,
			opts:       p.opts,
			invalidate: p.invalidate,
			seq:        p.seq,
			connectRan: p.connectRan,
		}
		procmem.Register(c, p, n)
		n.dialect = forkCopy(c, p.dialect)
		n.opts.Dialect = n.dialect
		n.events = p.events.copyInto(c)
		if p.connectMu != nil {
			n.connectMu = p.connectMu.In(c.Child)
		}
		n.shared = p.w.NewObject("pool")
		n.design = p.design.CopyInto(c, n)
		return n
	})
}

// CopyInto returns the record's copy for child, the copy of its pool in
// the fork c makes (for designs: a design's CopyInto copies its records
// with it): its DB-API connection's copy, its info, its times.
func (r *Record) CopyInto(c *procmem.Copier, child *Pool) *Record {
	return procmem.Copy(c, r, func() *Record {
		n := &Record{pool: child, start: r.start, soft: r.soft, fresh: r.fresh}
		procmem.Register(c, r, n)
		if r.conn != nil {
			n.conn = r.conn.CopyInto(c)
		}
		if r.info != nil {
			n.info = maps.Clone(r.info)
		}
		if r.rinfo != nil {
			n.rinfo = maps.Clone(r.rinfo)
		}
		n.fairy = r.fairy.copyInto(c, child)
		return n
	})
}

// CopyInto returns the fairy's copy in the fork c makes, with its pool's
// copy: what a forked child holds when a checkout was open at fork time.
func (f *Fairy) CopyInto(c *procmem.Copier) *Fairy {
	if f == nil {
		return nil
	}
	return f.copyInto(c, f.pool.CopyInto(c))
}

func (f *Fairy) copyInto(c *procmem.Copier, child *Pool) *Fairy {
	return procmem.Copy(c, f, func() *Fairy {
		n := &Fairy{pool: child, counter: f.counter}
		procmem.Register(c, f, n)
		n.rec = f.rec.CopyInto(c, child)
		if f.conn != nil {
			n.conn = f.conn.CopyInto(c)
		}
		return n
	})
}
