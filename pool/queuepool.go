package pool

import (
	"fmt"
	"time"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// QueueOptions are QueuePool's own arguments.
type QueueOptions struct {
	// PoolSize is the number of connections kept in the pool (0: no
	// limit).
	PoolSize int
	// MaxOverflow is how many connections may be opened beyond PoolSize
	// (-1: no limit); they are closed when checked in.
	MaxOverflow int
	// Timeout is how long a checkout waits for a connection when
	// PoolSize+MaxOverflow are all checked out.
	Timeout time.Duration
	// UseLIFO hands out the most recently checked-in connection first
	// (use_lifo); the default is FIFO.
	UseLIFO bool
}

// DefaultQueueOptions are QueuePool's defaults: pool_size 5,
// max_overflow 10, timeout 30 s, FIFO.
func DefaultQueueOptions() QueueOptions {
	return QueueOptions{PoolSize: 5, MaxOverflow: 10, Timeout: 30 * time.Second}
}

// QueuePool is SQLAlchemy's default pool: a queue of at most PoolSize
// idle connections; a checkout takes one off the queue (so a connection
// belongs to one checkout at a time), opens an overflow connection while
// fewer than PoolSize+MaxOverflow exist, and otherwise waits up to Timeout
// for a checkin, then raises TimeoutError("QueuePool limit of size %d
// overflow %d reached, connection timed out, timeout %0.2f"). A checkin
// that finds the queue full closes the connection (it was an overflow
// one).
//
// Invariant: overflow is the number of connections open beyond PoolSize
// (starting at -PoolSize, as in SQLAlchemy); it changes under overflowMu
// unless MaxOverflow is -1.
type QueuePool struct {
	opts       QueueOptions
	q          *queue
	overflow   int
	overflowMu *sim.Mutex
}

// NewQueuePool returns a QueuePool.
func NewQueuePool(w *sim.World, creator Creator, q QueueOptions, o Options) *Pool {
	return New(w, newQueueDesign(w, q), creator, o)
}

func newQueueDesign(w *sim.World, q QueueOptions) *QueuePool {
	return &QueuePool{
		opts:       q,
		q:          newQueue(w, q.PoolSize, q.UseLIFO),
		overflow:   -q.PoolSize,
		overflowMu: w.NewMutex("QueuePool overflow"),
	}
}

// Name returns "QueuePool".
func (d *QueuePool) Name() string { return "QueuePool" }

// Get is QueuePool._do_get.
func (d *QueuePool) Get(p *Pool) (*Record, error) {
	useOverflow := d.opts.MaxOverflow > -1
	// self._overflow is read without the lock; the queue's lock, next,
	// is where another thread may change it before this one acts.
	wait := useOverflow && d.overflow >= d.opts.MaxOverflow
	if r, ok := d.q.get(p.w, wait, d.opts.Timeout); ok {
		return r, nil
	}
	if useOverflow && d.overflow >= d.opts.MaxOverflow {
		if !wait {
			return d.Get(p)
		}
		return nil, exc.WithCode(exc.TimeoutError, fmt.Sprintf(
			"QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f",
			d.size(), d.overflow, d.opts.Timeout.Seconds()), "3o7r")
	}
	if d.incOverflow(p) {
		r, err := p.NewRecord()
		if err != nil {
			d.decOverflow(p)
			return nil, err
		}
		return r, nil
	}
	return d.Get(p)
}

// Put is QueuePool._do_return_conn: back on the queue, or closed when the
// queue is full.
func (d *QueuePool) Put(p *Pool, r *Record) error {
	if !d.q.put(r) {
		r.Close()
		d.decOverflow(p)
	}
	return nil
}

func (d *QueuePool) incOverflow(p *Pool) bool {
	if d.opts.MaxOverflow == -1 {
		p.touch(sim.AccMemWrite)
		d.overflow++
		return true
	}
	d.overflowMu.Lock()
	defer d.overflowMu.Unlock()
	if d.overflow < d.opts.MaxOverflow {
		d.overflow++
		return true
	}
	return false
}

func (d *QueuePool) decOverflow(p *Pool) {
	if d.opts.MaxOverflow == -1 {
		p.touch(sim.AccMemWrite)
		d.overflow--
		return
	}
	d.overflowMu.Lock()
	d.overflow--
	d.overflowMu.Unlock()
}

// Dispose closes every connection in the queue; checked-out connections
// stay open and are forgotten by the count of overflow connections.
func (d *QueuePool) Dispose(p *Pool) {
	for {
		r, ok := d.q.get(p.w, false, 0)
		if !ok {
			break
		}
		r.Close()
	}
	d.overflow = -d.size()
}

// Recreate returns an empty QueuePool with the same options.
func (d *QueuePool) Recreate(p *Pool) Design { return newQueueDesign(p.w, d.opts) }

// Status is QueuePool.status().
func (d *QueuePool) Status(p *Pool) string {
	return fmt.Sprintf("Pool size: %d  Connections in pool: %d Current Overflow: %d Current Checked out connections: %d",
		d.size(), d.CheckedIn(), d.overflow, d.CheckedOut())
}

func (d *QueuePool) size() int { return d.q.maxsize }

// CheckedIn is the number of connections in the queue (checkedin()).
func (d *QueuePool) CheckedIn() int { return d.q.size() }

// Overflow is the overflow count (overflow()): connections open beyond
// PoolSize, negative while fewer than PoolSize are open.
func (d *QueuePool) Overflow() int { return d.overflow }

// CheckedOut is checkedout(): PoolSize - CheckedIn + Overflow.
func (d *QueuePool) CheckedOut() int { return d.q.maxsize - d.q.size() + d.overflow }

// CopyInto copies the queue, its records and its counters for child.
func (d *QueuePool) CopyInto(c *procmem.Copier, child *Pool) Design {
	return procmem.Copy(c, d, func() *QueuePool {
		return &QueuePool{
			opts:       d.opts,
			q:          d.q.copyInto(c, child),
			overflow:   d.overflow,
			overflowMu: d.overflowMu.In(c.Child),
		}
	})
}
