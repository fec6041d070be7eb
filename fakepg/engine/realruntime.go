package engine

import (
	"sync" //poolsim:allow sync -- real-TCP runtime; the simulator uses SimRuntime
	"time"
)

// RealRuntime is the Runtime of a server on real TCP: sync primitives and
// the wall clock.
type RealRuntime struct{}

// NewMutex returns a sync.Mutex.
func (RealRuntime) NewMutex(string) Mutex { return &sync.Mutex{} }

// NewCond returns a condition variable that supports timeouts.
func (RealRuntime) NewCond(_ string, m Mutex) Cond {
	return &realCond{m: m, gen: make(chan struct{})} //poolsim:allow chan -- real-TCP runtime; never runs under the simulator
}

// Sleep sleeps for d.
func (RealRuntime) Sleep(d time.Duration) { time.Sleep(d) } //poolsim:allow time -- real-TCP runtime: the wall clock

// Now returns time.Now().
func (RealRuntime) Now() time.Time { return time.Now() } //poolsim:allow time -- real-TCP runtime: the wall clock

// realCond is a condition variable built on a channel that Broadcast
// closes, so a waiter can also wait on a timer.
type realCond struct {
	m   Mutex
	gen chan struct{} // closed and replaced by Broadcast; guarded by m
}

func (c *realCond) Wait() { c.WaitTimeout(-1) }

func (c *realCond) WaitTimeout(d time.Duration) bool {
	gen := c.gen
	c.m.Unlock()
	defer c.m.Lock()
	if d < 0 {
		<-gen //poolsim:allow chan -- real-TCP runtime: waits for Broadcast
		return true
	}
	t := time.NewTimer(d) //poolsim:allow time -- real-TCP runtime: a wall-clock timeout
	defer t.Stop()
	//poolsim:allow chan -- real-TCP runtime: Broadcast or the timeout, whichever comes first
	select {
	case <-gen:
		return true
	case <-t.C:
		return false
	}
}

func (c *realCond) Broadcast() {
	close(c.gen)                //poolsim:allow chan -- real-TCP runtime: wakes every waiter
	c.gen = make(chan struct{}) //poolsim:allow chan -- real-TCP runtime: the next generation's waiters
}
