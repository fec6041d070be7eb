package engine

import "time"

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
