package pool

import (
	"fmt"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// PIDCheck adds to p the recipe of SQLAlchemy's pooling documentation,
// "Using Connection Pools with Multiprocessing or os.fork()": a connect
// handler records the process ID in the record's info, and a checkout
// handler, finding another process's ID there, drops the connection from
// the record and the checkout without closing it (closing would send
// Terminate on the socket the parent still uses) and raises
// DisconnectionError, so that the pool connects afresh for this process:
//
//	@event.listens_for(engine, "connect")
//	def connect(dbapi_connection, connection_record):
//	    connection_record.info["pid"] = os.getpid()
//
//	@event.listens_for(engine, "checkout")
//	def checkout(dbapi_connection, connection_record, connection_proxy):
//	    pid = os.getpid()
//	    if connection_record.info["pid"] != pid:
//	        connection_record.dbapi_connection = connection_proxy.dbapi_connection = None
//	        raise exc.DisconnectionError(
//	            "Connection record belongs to pid %s, "
//	            "attempting to check out in pid %s" % (connection_record.info["pid"], pid)
//	        )
//
// The process ID is the simulated process's (sim.Process.ID). The recipe
// guards pooled connections only: a connection checked out at fork time
// is used by whoever holds it, in either process, without a checkout.
func PIDCheck(p *Pool) *Pool {
	w := p.w
	p.ListenConnect(ConnectFunc(func(_ driver.Conn, r *Record) error {
		r.Info()["pid"] = currentPID(w)
		return nil
	}))
	p.ListenCheckout(CheckoutFunc(func(_ driver.Conn, r *Record, f *Fairy) error {
		pid := currentPID(w)
		if owner, _ := r.Info()["pid"].(int); owner != pid {
			r.SetConn(nil)
			f.SetConn(nil)
			return exc.Newf(exc.DisconnectionError,
				"Connection record belongs to pid %s, attempting to check out in pid %s",
				fmt.Sprint(r.Info()["pid"]), fmt.Sprint(pid))
		}
		return nil
	}))
	return p
}

// currentPID is os.getpid() for the running task.
func currentPID(w *sim.World) int {
	if t := w.Current(); t != nil {
		return t.Process().ID()
	}
	return w.Main().ID()
}
