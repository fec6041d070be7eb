package forbidden

import (
	"sync"        // want `^import of "sync": code under simulation must use sim.Mutex and sim.Cond, which the scheduler can see \(to allow it: //poolsim:allow sync -- <justification>\)$`
	"sync/atomic" // want `import of "sync/atomic"`
)

var (
	mu      sync.Mutex
	counter atomic.Int64
)
