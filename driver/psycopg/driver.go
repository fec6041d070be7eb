package psycopg

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// Paramstyle is psycopg2's DB-API paramstyle: %(name)s placeholders with
// a Named argument, %s with positional ones.
const Paramstyle = "pyformat"

// Options are the knobs of the model that psycopg2 itself does not have.
type Options struct {
	// NoLock builds connections without psycopg2's per-connection mutex:
	// threads sharing a connection then reach libpq at the same time,
	// which the real psycopg2 never lets them do.
	NoLock bool
	// Observe, when not nil, gives the consume hook to install on each
	// new connection's libpq before its startup exchange (for instance
	// fakepg.ClientTruth.Hook(w, sock.Inbound())).
	Observe func(sock *sim.Conn) func(libpq.Consumed)
	// OnSend, when not nil, receives every chunk of bytes a connection
	// writes to its server: the startup packet, then whole frontend
	// messages. Forked copies keep it.
	OnSend func(p []byte)
}

// Driver is psycopg2: psycopg2.connect opens connections.
type Driver struct {
	Options
}

var _ driver.Driver = Driver{}

// Name returns "psycopg2".
func (Driver) Name() string { return "psycopg2" }

// Connect is psycopg2.connect.
func (d Driver) Connect(t driver.Target) (driver.Conn, error) {
	c, err := d.Open(t)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Open is psycopg2.connect returning the concrete connection. As in
// psycopg2 the connection's mutex is made first (in the current task's
// process), then libpq connects without it (PQconnectdb), then conn_setup
// reads the server's parameters and, if DateStyle is not ISO, sets it.
// A failure is an OperationalError with libpq's text.
func (d Driver) Open(t driver.Target) (*Conn, error) {
	c := &Conn{w: t.World, addr: t.Addr, isolevel: isolationLevelDefault, readonly: stateDefault, deferrable: stateDefault}
	if !d.NoLock {
		c.mu = t.World.NewMutex("psycopg2 conn->lock")
	}
	pg, sock, key, err := pqconn.Open(t, pqconn.Hooks{Observe: d.Observe, OnSend: d.OnSend})
	if err != nil {
		c.closed = 2
		return nil, exception(OperationalError, err.Error())
	}
	c.pg, c.sock, c.key = pg, sock, key
	pg.SetNoticeProcessor(c.noticeCallback)
	c.status = statusReady
	if err := c.setup(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
