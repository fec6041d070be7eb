package pool_test

import (
	"fmt"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// capped is a pool design of one's own: it keeps at most max idle
// connections, newest first, opens a new one whenever none is idle, and
// closes what it cannot keep. It holds plain state, so one thread at a
// time: a design shared by threads guards its state with the world's
// mutexes (w.NewMutex), as QueuePool does.
type capped struct {
	max  int
	idle []*pool.Record
}

func (d *capped) Name() string { return "CappedPool" }

func (d *capped) Get(p *pool.Pool) (*pool.Record, error) {
	if n := len(d.idle); n > 0 {
		r := d.idle[n-1]
		d.idle = d.idle[:n-1]
		return r, nil
	}
	return p.NewRecord()
}

func (d *capped) Put(_ *pool.Pool, r *pool.Record) error {
	if len(d.idle) < d.max {
		d.idle = append(d.idle, r)
		return nil
	}
	r.Close()
	return nil
}

func (d *capped) Dispose(*pool.Pool) {
	for _, r := range d.idle {
		r.Close()
	}
	d.idle = nil
}

func (d *capped) Recreate(*pool.Pool) pool.Design { return &capped{max: d.max} }

func (d *capped) Status(*pool.Pool) string { return fmt.Sprintf("CappedPool idle: %d", len(d.idle)) }

// CopyInto copies the idle records for a forked child's copy of the pool.
func (d *capped) CopyInto(c *procmem.Copier, child *pool.Pool) pool.Design {
	return procmem.Copy(c, d, func() *capped {
		n := &capped{max: d.max}
		for _, r := range d.idle {
			n.idle = append(n.idle, r.CopyInto(c, child))
		}
		return n
	})
}

// Example adds a pool design of one's own and runs it against the fake
// server: the pool machinery (records, checkout, reset on return,
// pre-ping, events, fork copies) is the base Pool's; the design only says
// where connections wait.
func Example() {
	w := sim.New(sim.Random(1))
	if _, err := fakepg.StartSim(w, "db", "db:5432", fakepg.Config{}); err != nil {
		panic(err)
	}
	target := driver.Target{World: w, Addr: "db:5432", Params: map[string]string{"user": "app"}}
	creator := func(*pool.Record) (driver.Conn, error) { return psycopg.Driver{}.Connect(target) }
	p := pool.New(w, &capped{max: 1}, creator, pool.Options{})
	w.Go("app", func() {
		a, _ := p.Connect()
		b, _ := p.Connect()
		pa, pb := a.Conn().BackendPID(), b.Conn().BackendPID()
		_ = a.Close() // kept
		_ = b.Close() // closed: one idle connection at most
		c, _ := p.Connect()
		fmt.Println(pa != pb, c.Conn().BackendPID() == pa, p.Status())
		_ = c.Close()
		fmt.Println(p.Status())
	})
	w.Run()
	// Output:
	// true true CappedPool idle: 0
	// CappedPool idle: 1
}
