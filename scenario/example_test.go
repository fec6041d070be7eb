package scenario_test

import (
	"fmt"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// StackPool is a pool design of one's own: idle connections on a stack,
// the most recently returned handed out first, at most Max of them kept;
// a checkout that finds none opens one. pool.Pool does the rest
// (checkout and checkin records, pre-ping, recycle, reset on return,
// events).
type StackPool struct {
	Max  int
	idle []*pool.Record
}

// Name is the class name error texts print.
func (d *StackPool) Name() string { return "StackPool" }

// Get pops an idle connection or opens one.
func (d *StackPool) Get(p *pool.Pool) (*pool.Record, error) {
	if n := len(d.idle); n > 0 {
		r := d.idle[n-1]
		d.idle = d.idle[:n-1]
		return r, nil
	}
	return p.NewRecord()
}

// Put keeps the connection, or closes it when Max are idle.
func (d *StackPool) Put(_ *pool.Pool, r *pool.Record) error {
	if len(d.idle) >= d.Max {
		r.Close()
		return nil
	}
	d.idle = append(d.idle, r)
	return nil
}

// Dispose closes the idle connections.
func (d *StackPool) Dispose(*pool.Pool) {
	for _, r := range d.idle {
		r.Close()
	}
	d.idle = nil
}

// Recreate returns an empty stack of the same size.
func (d *StackPool) Recreate(*pool.Pool) pool.Design { return &StackPool{Max: d.Max} }

// Status is status().
func (d *StackPool) Status(*pool.Pool) string {
	return fmt.Sprintf("StackPool idle %d of %d", len(d.idle), d.Max)
}

// CopyInto copies the stack for a forked child: its records, with their
// connections on the sockets the child shares.
func (d *StackPool) CopyInto(c *procmem.Copier, child *pool.Pool) pool.Design {
	return procmem.Copy(c, d, func() *StackPool {
		n := &StackPool{Max: d.Max}
		for _, r := range d.idle {
			n.idle = append(n.idle, r.CopyInto(c, child))
		}
		return n
	})
}

// Example_ownPoolDesign registers a pool design of one's own and runs it
// in a scenario written as a file would be: the design is safe in forked
// workers when the application loads after the fork, and unsafe under
// preload_app when the master's import leaves a connection on the stack.
func Example_ownPoolDesign() {
	app.RegisterPoolclass("StackPool", func(w *sim.World, creator pool.Creator, o pool.Options) *pool.Pool {
		return pool.New(w, &StackPool{Max: 2}, creator, o)
	})
	for _, preload := range []bool{false, true} {
		s, err := scenario.Parse("stackpool.toml", fmt.Appendf(nil, `
summary = "gthread workers with a stack of idle connections"
real_world = "create_engine(url, poolclass=StackPool)"
[gunicorn]
worker_class = "gthread"
workers = 2
threads = 2
preload_app = %v
[app]
touch_db_at_load = true
[engine]
poolclass = "StackPool"
`, preload))
		if err != nil {
			fmt.Println(err)
			return
		}
		shared := 0
		for seed := uint64(1); seed <= 4; seed++ {
			r := scenario.RunSeed(s, seed)
			if len(r.SymptomList()) > 0 || len(r.WrongResults()) > 0 {
				shared++
			}
		}
		fmt.Printf("preload_app %v: symptoms under some of 4 seeds: %v\n", preload, shared > 0)
	}
	// Output:
	// preload_app false: symptoms under some of 4 seeds: false
	// preload_app true: symptoms under some of 4 seeds: true
}
