package app

import (
	"fmt"
	"sort"
	"time"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/sim"
)

// ServerConfig configures the scenario's PostgreSQL server.
type ServerConfig struct {
	// MaxConnections is max_connections (default 100).
	MaxConnections int `toml:"max_connections"`
	// User is the role the applications connect as (default "postgres").
	User string `toml:"user"`
	// DeadlockTimeout is deadlock_timeout (default 1s).
	DeadlockTimeout Duration `toml:"deadlock_timeout"`
}

// Database is the scenario's PostgreSQL server: fakepg's server in a
// postmaster process "db" listening on DatabaseAddr, forking a backend
// process per connection as PostgreSQL does, which charges Costs.Connect
// before a session's first reply and Costs.Query before every later one.
// It keeps what each session's backend read and wrote (its wire log), so
// that a run can decode what the server answered to each request and
// compare it with what the application got.
type Database struct {
	Server *fakepg.Server
	Config ServerConfig
	costs  Costs
	w      *sim.World
	// Sessions are the wire logs, in the order the backends started.
	Sessions []*Wire
}

// DatabaseAddr is the server's address on the simulated network.
const DatabaseAddr = "db:5432"

// Wire is one session's bytes as its backend read and wrote them, from
// stream offset 0, and when it started.
type Wire struct {
	// In is every byte the backend read, Out every byte it wrote; their
	// indexes are the offsets of fakepg.Truth's ranges.
	In, Out []byte
	// Inbound is the stream from the client: the key to the session's
	// fakepg.SessionTruth.
	Inbound *sim.Stream
	// StartStep and Start are the step and virtual time at which the
	// backend started.
	StartStep int
	Start     time.Duration
	// Reads are the backend's reads: the stream offset of each read's
	// first byte and the step at which it was read, in order.
	Reads []ReadMark

	started bool // the first reply is written
	pending bool // input was read since the last reply
}

// ReadMark is one read of a backend: the stream offset of its first byte
// and the world's step.
type ReadMark struct {
	Off  int64
	Step int
}

// ReadStep returns the step at which the backend read the byte at stream
// offset off, or -1.
func (wi *Wire) ReadStep(off int64) int {
	i := sort.Search(len(wi.Reads), func(i int) bool { return wi.Reads[i].Off > off }) - 1
	if i < 0 || off >= int64(len(wi.In)) {
		return -1
	}
	return wi.Reads[i].Step
}

// StartDatabase starts the server in w. Its sessions parse query strings
// through parsed, which runs of one world after another may share (see
// fakepg.ParseCache); nil gives the server a cache of its own.
func StartDatabase(w *sim.World, cfg ServerConfig, costs Costs, parsed *fakepg.ParseCache) (*Database, error) {
	if cfg.User == "" {
		cfg.User = "postgres"
	}
	if parsed == nil {
		parsed = fakepg.NewParseCache()
	}
	srv := fakepg.NewServer(engine.SimRuntime{W: w}, fakepg.Config{MaxConnections: cfg.MaxConnections,
		DeadlockTimeout: cfg.DeadlockTimeout.D(), ParseCache: parsed})
	db := &Database{Server: srv, Config: cfg, costs: costs, w: w}
	pm := w.NewProcess("db")
	ln, err := pm.Listen(DatabaseAddr)
	if err != nil {
		return nil, err
	}
	pm.Go("postmaster", func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			child := pm.Fork("backend", nil)
			conn, cl := c.In(child), ln.In(child)
			c.Close() // the postmaster keeps no copy of the client socket
			child.Go("backend", func() {
				cl.Close()
				tap := &tappedConn{Conn: conn, db: db, wire: &Wire{Inbound: conn.Inbound(), StartStep: w.Step(), Start: w.Elapsed()}}
				db.Sessions = append(db.Sessions, tap.wire)
				srv.ServeConn(tap)
				conn.Close()
			}).Daemon()
		}
	}).Daemon()
	return db, nil
}

// tappedConn is the backend's side of a session: it logs the bytes and
// charges the costs.
type tappedConn struct {
	*sim.Conn
	db   *Database
	wire *Wire
}

// Read reads from the client and logs the bytes.
func (t *tappedConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.wire.Reads = append(t.wire.Reads, ReadMark{Off: int64(len(t.wire.In)), Step: t.db.w.Step()})
		t.wire.In = append(t.wire.In, p[:n]...)
		t.wire.pending = true
	}
	return n, err
}

// Write charges the session's startup before its first reply and a
// query's cost before every reply to new input, then writes and logs.
func (t *tappedConn) Write(p []byte) (int, error) {
	wi := t.wire
	switch {
	case !wi.started:
		wi.started, wi.pending = true, false
		t.db.w.Sleep(t.db.costs.Connect.D())
	case wi.pending:
		wi.pending = false
		t.db.w.Sleep(t.db.costs.Query.D())
	}
	n, err := t.Conn.Write(p)
	wi.Out = append(wi.Out, p[:n]...)
	return n, err
}

// Setup runs sql (statements separated by semicolons, as one query
// string: one implicit transaction) in a session of the database's engine
// from the current task, without a connection: the scenario's initial
// data, in place before the applications start. It leaves no trace in
// the server's truth.
func (db *Database) Setup(sql string) error {
	stmts, err := db.Server.Parse(sql)
	if err != nil {
		return fmt.Errorf("setup: %v", err)
	}
	sess := db.Server.DB().NewSession(0, db.Config.User, "setup")
	defer sess.Close()
	for i, st := range stmts {
		if _, _, e := sess.RunSimple(st, nil, len(stmts) > 1, i == len(stmts)-1); e != nil {
			return fmt.Errorf("setup: %s", e.Message)
		}
	}
	return nil
}

// Wire returns the wire log of the session whose client stream is in, or
// nil.
func (db *Database) Wire(in *sim.Stream) *Wire {
	for _, s := range db.Sessions {
		if s.Inbound == in {
			return s
		}
	}
	return nil
}
