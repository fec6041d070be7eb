package fakepg

import (
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/sim"
)

// StartSim starts a server inside a simulated world: a postmaster process
// named name listening on addr, which forks a backend process per
// connection, as PostgreSQL does (the n-th is NAME/backend#n). The postmaster's accept loop and the
// backends are daemon tasks, so they do not keep a run from completing.
func StartSim(w *sim.World, name, addr string, cfg Config) (*Server, error) {
	srv := NewServer(engine.SimRuntime{W: w}, cfg)
	pm := w.NewProcess(name)
	ln, err := pm.Listen(addr)
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
				srv.ServeConn(conn)
				conn.Close()
			}).Daemon()
		}
	}).Daemon()
	return srv, nil
}
