package serve

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// Accept's backoff after a transient failure (out of file descriptors,
// a connection aborted before it was accepted), as long as it lasts.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

// listener is the server's listener as fakepg's Serve uses it: each
// connection it accepts is tracked, and a transient accept failure is
// waited out instead of ending the server.
type listener struct {
	s *Server
}

// Accept waits for the next connection.
func (l *listener) Accept() (net.Conn, error) {
	backoff := acceptBackoffMin
	for {
		c, err := l.s.ln.Accept()
		if err == nil {
			return l.s.track(c), nil
		}
		if !transient(err) {
			return nil, err
		}
		l.s.logf("LOG:  could not accept new connection: %v (retrying in %v)", err, backoff)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-l.s.stopping:
			t.Stop()
			return nil, net.ErrClosed
		}
		backoff = min(2*backoff, acceptBackoffMax)
	}
}

// transient reports whether an accept error may pass: the process or the
// system is out of descriptors or buffers, or the peer gave up.
func transient(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Close closes the listener.
func (l *listener) Close() error { return l.s.ln.Close() }

// Addr returns the listener's address.
func (l *listener) Addr() net.Addr { return l.s.ln.Addr() }
