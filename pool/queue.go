package pool

import (
	"time"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// queue is SQLAlchemy's util/queue.py Queue (Python's queue.Queue with a
// reentrant lock and a LIFO option): records, a mutex and the two
// conditions not_empty and not_full, in the memory of the pool's process.
// SQLAlchemy's lock is an RLock so that a weakref callback inside get()
// may put(); nothing here re-enters, so a plain mutex stands for it.
//
// Invariant: items are guarded by mu; 0 < maxsize bounds len(items).
type queue struct {
	maxsize  int // 0: unbounded
	lifo     bool
	items    []*Record
	mu       *sim.Mutex
	notEmpty *sim.Cond
	notFull  *sim.Cond
}

func newQueue(w *sim.World, maxsize int, lifo bool) *queue {
	q := &queue{maxsize: maxsize, lifo: lifo}
	q.mu = w.NewMutex("QueuePool queue")
	q.notEmpty = w.NewCond("QueuePool not_empty", q.mu)
	q.notFull = w.NewCond("QueuePool not_full", q.mu)
	return q
}

func (q *queue) full() bool { return q.maxsize > 0 && len(q.items) == q.maxsize }

// get is Queue.get(block, timeout): without block it fails at once on an
// empty queue; with it, it waits up to timeout of virtual time.
func (q *queue) get(w *sim.World, block bool, timeout time.Duration) (*Record, bool) {
	q.mu.Lock()
	if !block {
		if len(q.items) == 0 {
			q.mu.Unlock()
			return nil, false
		}
	} else {
		end := w.Elapsed() + timeout
		for len(q.items) == 0 {
			remaining := end - w.Elapsed()
			if remaining <= 0 {
				q.mu.Unlock()
				return nil, false
			}
			q.notEmpty.WaitTimeout(remaining)
		}
	}
	var r *Record
	if q.lifo {
		r = q.items[len(q.items)-1]
		q.items = q.items[:len(q.items)-1]
	} else {
		r = q.items[0]
		q.items = q.items[1:]
	}
	q.notFull.Signal()
	q.mu.Unlock()
	return r, true
}

// put is Queue.put(item, False): false when the queue is full.
func (q *queue) put(r *Record) bool {
	q.mu.Lock()
	if q.full() {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, r)
	q.notEmpty.Signal()
	q.mu.Unlock()
	return true
}

// size is qsize(). Python takes the mutex to read it; here every change
// of items happens between two decision points, so the count is whole at
// any moment another task or the caller outside the run can look, and
// reading it takes no lock (a pool whose lock a dead thread holds can
// still report its status).
func (q *queue) size() int { return len(q.items) }

// copyInto copies the queue for child: its records and the state of its
// mutex and conditions (sim.Process.Fork copied those).
func (q *queue) copyInto(c *procmem.Copier, child *Pool) *queue {
	return procmem.Copy(c, q, func() *queue {
		n := &queue{maxsize: q.maxsize, lifo: q.lifo}
		n.mu = q.mu.In(c.Child)
		n.notEmpty = q.notEmpty.In(c.Child)
		n.notFull = q.notFull.In(c.Child)
		for _, r := range q.items {
			n.items = append(n.items, r.CopyInto(c, child))
		}
		return n
	})
}
