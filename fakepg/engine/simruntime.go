package engine

import (
	"time"

	"github.com/poolsim/poolsim/sim"
)

// SimRuntime is the Runtime of a server inside a sim.World: its blocking is
// visible to the world's scheduler and its clock is virtual.
type SimRuntime struct {
	W *sim.World
}

// NewMutex returns a shared sim.Mutex: the engine's state stands for
// PostgreSQL's shared memory, which every backend process uses.
func (r SimRuntime) NewMutex(name string) Mutex { return r.W.NewSharedMutex(name) }

// NewCond returns a shared sim.Cond on m, which must come from NewMutex.
func (r SimRuntime) NewCond(name string, m Mutex) Cond {
	return simCond{r.W.NewSharedCond(name, m.(*sim.Mutex))}
}

// Sleep sleeps in virtual time.
func (r SimRuntime) Sleep(d time.Duration) { r.W.Sleep(d) }

// Now returns the virtual clock.
func (r SimRuntime) Now() time.Time { return r.W.Now() }

type simCond struct{ c *sim.Cond }

func (c simCond) Wait()                            { c.c.Wait() }
func (c simCond) WaitTimeout(d time.Duration) bool { return c.c.WaitTimeout(d) }
func (c simCond) Broadcast()                       { c.c.Broadcast() }
