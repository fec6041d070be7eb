package pool

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/procmem"
)

// ConnectHandler handles the connect event: a new DB-API connection was
// made for r (PoolEvents.connect). An error fails the connect.
type ConnectHandler interface {
	OnConnect(c driver.Conn, r *Record) error
}

// CheckoutHandler handles the checkout event: r's connection is being
// checked out as f (PoolEvents.checkout). An error whose class is
// exc.DisconnectionError makes the checkout replace the connection and
// retry; any other error fails the checkout.
type CheckoutHandler interface {
	OnCheckout(c driver.Conn, r *Record, f *Fairy) error
}

// CheckinHandler handles the checkin event: r's connection c (nil when it
// was invalidated) is going back to the pool (PoolEvents.checkin).
type CheckinHandler interface {
	OnCheckin(c driver.Conn, r *Record)
}

// ConnectFunc is a ConnectHandler made of a function, which must hold no
// process memory (a fork's copy shares it).
type ConnectFunc func(c driver.Conn, r *Record) error

// OnConnect calls f.
func (f ConnectFunc) OnConnect(c driver.Conn, r *Record) error { return f(c, r) }

// CheckoutFunc is a CheckoutHandler made of a function, which must hold
// no process memory.
type CheckoutFunc func(c driver.Conn, r *Record, fy *Fairy) error

// OnCheckout calls f.
func (f CheckoutFunc) OnCheckout(c driver.Conn, r *Record, fy *Fairy) error { return f(c, r, fy) }

// CheckinFunc is a CheckinHandler made of a function, which must hold no
// process memory.
type CheckinFunc func(c driver.Conn, r *Record)

// OnCheckin calls f.
func (f CheckinFunc) OnCheckin(c driver.Conn, r *Record) { f(c, r) }

// events is a pool's dispatch: the handlers of each event, in the order
// they were added.
type events struct {
	connect  []ConnectHandler
	checkout []CheckoutHandler
	checkin  []CheckinHandler
}

// ListenConnect adds a connect handler (event.listen(pool, "connect")).
func (p *Pool) ListenConnect(h ConnectHandler) { p.events.connect = append(p.events.connect, h) }

// ListenCheckout adds a checkout handler.
func (p *Pool) ListenCheckout(h CheckoutHandler) {
	p.events.checkout = append(p.events.checkout, h)
}

// ListenCheckin adds a checkin handler.
func (p *Pool) ListenCheckin(h CheckinHandler) { p.events.checkin = append(p.events.checkin, h) }

// clone is the dispatch a recreated pool gets (_dispatch=self.dispatch):
// the same handlers.
func (e *events) clone() *events {
	return &events{
		connect:  append([]ConnectHandler(nil), e.connect...),
		checkout: append([]CheckoutHandler(nil), e.checkout...),
		checkin:  append([]CheckinHandler(nil), e.checkin...),
	}
}

// copyInto copies the dispatch for a forked child: handlers that stand for
// process memory are copied, the others shared.
func (e *events) copyInto(c *procmem.Copier) *events {
	return procmem.Copy(c, e, func() *events {
		n := &events{}
		for _, h := range e.connect {
			n.connect = append(n.connect, forkCopy(c, h))
		}
		for _, h := range e.checkout {
			n.checkout = append(n.checkout, forkCopy(c, h))
		}
		for _, h := range e.checkin {
			n.checkin = append(n.checkin, forkCopy(c, h))
		}
		return n
	})
}

// forkCopy returns x's copy when it is Forkable, x otherwise.
func forkCopy[T any](c *procmem.Copier, x T) T {
	if f, ok := any(x).(Forkable); ok {
		return f.ForkCopy(c).(T)
	}
	return x
}

// dispatchConnect runs the connect handlers, under the first-run mutex
// until a run has succeeded (_exec_w_sync_on_first_run): a second thread
// that connects while the first connect's handlers run (the engine's
// dialect initialisation) waits for them.
func (p *Pool) dispatchConnect(c driver.Conn, r *Record) error {
	if p.connectRan {
		return p.runConnect(c, r)
	}
	if p.connectMu == nil {
		p.connectMu = p.w.NewMutex("pool connect event")
	}
	p.connectMu.Lock()
	err := p.runConnect(c, r)
	if err == nil {
		p.connectRan = true
	}
	p.connectMu.Unlock()
	return err
}

func (p *Pool) runConnect(c driver.Conn, r *Record) error {
	for _, h := range p.events.connect {
		if err := h.OnConnect(c, r); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pool) dispatchCheckout(c driver.Conn, r *Record, f *Fairy) error {
	for _, h := range p.events.checkout {
		if err := h.OnCheckout(c, r, f); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pool) dispatchCheckin(c driver.Conn, r *Record) {
	for _, h := range p.events.checkin {
		h.OnCheckin(c, r)
	}
}
