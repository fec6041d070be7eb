package app

import (
	"time"

	"github.com/poolsim/poolsim/sim"
)

// Signals a master process receives.
const (
	sigTERM = "TERM" // stop (the operator)
	sigCHLD = "CHLD" // a child exited
)

// signalQueue is a master's pending signals, as the kernel keeps them:
// outside any process's memory. Sending never blocks and takes no lock,
// so a sender killed right after sending leaves nothing locked; a signal
// sent just before the master starts waiting wakes it at its next tick at
// the latest, as a signal that arrives outside a select would.
type signalQueue struct {
	mu      *sim.Mutex
	cond    *sim.Cond
	pending []string
}

func newSignalQueue(w *sim.World, name string) *signalQueue {
	mu := w.NewSharedMutex(name)
	return &signalQueue{mu: mu, cond: w.NewSharedCond(name, mu)}
}

// send queues sig and wakes the master.
func (q *signalQueue) send(sig string) {
	q.pending = append(q.pending, sig)
	q.cond.Broadcast()
}

// wait returns the next pending signal, waiting up to d for one; "" when
// none came.
func (q *signalQueue) wait(d time.Duration) string {
	q.mu.Lock()
	if len(q.pending) == 0 {
		q.cond.WaitTimeout(d)
	}
	sig := ""
	if len(q.pending) > 0 {
		sig = q.pending[0]
		q.pending = q.pending[1:]
	}
	q.mu.Unlock()
	return sig
}
