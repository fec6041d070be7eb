package engine

import (
	"sync"
	"time"
)

// Runtime is how the engine blocks and tells time.
type Runtime interface {
	// NewMutex returns a mutex named name.
	NewMutex(name string) Mutex
	// NewCond returns a condition variable associated with m.
	NewCond(name string, m Mutex) Cond
	// Sleep blocks the caller for d.
	Sleep(d time.Duration)
	// Now returns the current time.
	Now() time.Time
}

// Mutex is a mutual-exclusion lock.
type Mutex interface {
	Lock()
	Unlock()
}

// Cond is a condition variable.
type Cond interface {
	// Wait unlocks the mutex, waits for Broadcast and locks it again.
	Wait()
	// WaitTimeout is Wait with a limit; it reports false on timeout.
	WaitTimeout(d time.Duration) bool
	// Broadcast wakes every waiter.
	Broadcast()
}

// RealRuntime is the Runtime of a server on real TCP: sync primitives and
// the wall clock.
type RealRuntime struct{}

// NewMutex returns a sync.Mutex.
func (RealRuntime) NewMutex(string) Mutex { return &sync.Mutex{} }

// NewCond returns a condition variable that supports timeouts.
func (RealRuntime) NewCond(_ string, m Mutex) Cond {
	return &realCond{m: m, gen: make(chan struct{})}
}

// Sleep sleeps for d.
func (RealRuntime) Sleep(d time.Duration) { time.Sleep(d) }

// Now returns time.Now().
func (RealRuntime) Now() time.Time { return time.Now() }

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
		<-gen
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-gen:
		return true
	case <-t.C:
		return false
	}
}

func (c *realCond) Broadcast() {
	close(c.gen)
	c.gen = make(chan struct{})
}
