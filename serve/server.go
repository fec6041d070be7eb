package serve

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// Server is a fake backend serving real clients on TCP.
//
// Invariant: mu guards conns, accepted and closed; a connection accepted
// after closed is set is shut down at once.
type Server struct {
	cfg Config
	ln  net.Listener
	pg  *fakepg.Server
	rec *recorder // nil without Config.Record

	done     chan struct{} // closed when fakepg's Serve has returned
	serveErr error         // what it returned; read after done
	stopping chan struct{} // closed by Close

	mu       sync.Mutex
	conns    map[*clientConn]struct{} // the open connections; lookup and shutdown only
	accepted int
	closed   bool

	logMu     sync.Mutex
	closeOnce sync.Once
	closeErr  error
}

// Run serves cfg until ctx is cancelled, then stops as Close does and
// returns nil, or the error that stopped the server before (the address
// refused or in use, the record file not writable, accepting failed).
func Run(ctx context.Context, cfg Config) error {
	s, err := Start(cfg)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	return s.Close()
}

// Start checks cfg, listens and serves in the background until Close.
func Start(cfg Config) (*Server, error) {
	addr, err := cfg.listenAddress()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if ta, ok := ln.Addr().(*net.TCPAddr); ok && !cfg.AllowRemote && !ta.IP.IsLoopback() {
		ln.Close() // a name like localhost that resolved elsewhere
		return nil, refuseRemote(ln.Addr().String())
	}
	s := &Server{cfg: cfg, ln: ln, done: make(chan struct{}), stopping: make(chan struct{}),
		conns: map[*clientConn]struct{}{},
		pg:    fakepg.NewServer(engine.RealRuntime{}, fakepg.Config{MaxConnections: cfg.MaxConnections})}
	if cfg.Record != "" {
		if s.rec, err = newRecorder(cfg.Record); err != nil {
			ln.Close()
			return nil, fmt.Errorf("serve: record: %w", err)
		}
	}
	go func() {
		s.serveErr = s.pg.Serve(&listener{s: s})
		close(s.done)
	}()
	s.logf("LOG:  listening on %s (max_connections %d, trust authentication)", ln.Addr(), cfg.MaxConnections)
	if !loopbackHost(addrHost(ln.Addr())) {
		s.logf("WARNING:  the address is reachable from other machines, and every client is trusted without a password")
	}
	if s.rec != nil {
		s.logf("LOG:  recording the frontend messages of every session to %s", cfg.Record)
	}
	return s, nil
}

// Addr returns the address the server listens on, host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Sessions returns the number of client connections open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Close stops the server as PostgreSQL's fast shutdown does (see the
// package documentation), waits for every session to end, and closes the
// record file. It returns the first error of serving or recording; later
// calls return the same.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.logf("LOG:  received fast shutdown request")
		close(s.stopping)
		s.ln.Close()
		s.mu.Lock()
		s.closed = true
		open := make([]*clientConn, 0, len(s.conns))
		for c := range s.conns {
			open = append(open, c)
		}
		s.mu.Unlock()
		var ended sync.WaitGroup // each shutdown may wait on a client that does not read
		for _, c := range open {
			ended.Go(func() {
				if pid, key, ok := c.shutdown(); ok {
					s.cancel(pid, key)
				}
			})
		}
		ended.Wait()
		<-s.done
		err := s.serveErr
		if s.rec != nil {
			if rerr := s.rec.close(); err == nil {
				err = rerr
			}
		}
		s.closeErr = err
		s.logf("LOG:  database system is shut down (%d connections served)", s.accepted)
	})
	return s.closeErr
}

// track registers an accepted connection.
func (s *Server) track(c net.Conn) net.Conn {
	s.mu.Lock()
	s.accepted++
	cc := newClientConn(s, c, s.accepted)
	s.conns[cc] = struct{}{}
	closed := s.closed
	s.mu.Unlock()
	if closed {
		cc.shutdown()
	}
	return cc
}

// forget unregisters a connection whose session has ended.
func (s *Server) forget(c *clientConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	if s.rec != nil {
		s.rec.flush()
	}
}

// cancel cancels the running statement of the session with pid and key,
// as a CancelRequest from a client does.
func (s *Server) cancel(pid, key uint32) {
	var pkt [16]byte
	binary.BigEndian.PutUint32(pkt[0:], 16)
	binary.BigEndian.PutUint32(pkt[4:], 1234<<16|5678)
	binary.BigEndian.PutUint32(pkt[8:], pid)
	binary.BigEndian.PutUint32(pkt[12:], key)
	_ = s.pg.ServeConn(struct {
		io.Reader
		io.Writer
	}{bytes.NewReader(pkt[:]), io.Discard})
}

// logf writes one log line.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, format+"\n", args...)
}

// addrHost returns the host of a listener's address.
func addrHost(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
