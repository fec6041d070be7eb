package pqconn

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"syscall"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// Hooks are a connection's instrumentation: Observe, when not nil, gives
// the consume hook (libpq.SetConsumeHook) to install on a connection over
// sock before its startup exchange, e.g. fakepg.ClientTruth.Hook(w,
// sock.Inbound()); OnSend, when not nil, receives every chunk of bytes the
// connection writes (the startup packet first, then whole frontend
// messages).
type Hooks struct {
	Observe func(sock *sim.Conn) func(libpq.Consumed)
	OnSend  func(p []byte)
}

// Params returns the libpq connection parameters for t: t.Params, with
// host and port taken from t.Addr when they are not given, as a DSN names
// the server libpq reaches (they also make libpq's error texts start with
// its "connection to server at ..." prefix).
func Params(t driver.Target) map[string]string {
	p := maps.Clone(t.Params)
	if p == nil {
		p = map[string]string{}
	}
	host, port, err := net.SplitHostPort(t.Addr)
	if err != nil {
		host, port = t.Addr, ""
	}
	if _, ok := p["host"]; !ok {
		p["host"] = host
	}
	if _, ok := p["port"]; !ok && port != "" {
		p["port"] = port
	}
	return p
}

// Open is PQconnectdb: it dials t.Addr from the current task's process and
// runs libpq's startup exchange over the new socket. On success it returns
// the connection, its socket and the session's BackendKeyData; on failure
// the connection is already finished (its socket closed) and the text is
// libpq's error message.
func Open(t driver.Target, h Hooks) (*libpq.Conn, *Socket, Key, error) {
	params := Params(t)
	c, err := t.World.Dial(t.Addr)
	if err != nil {
		return nil, nil, Key{}, errors.New(dialFailure(params, err))
	}
	sock := NewSocket(c, h.OnSend)
	sock.tapping = true
	var pg *libpq.Conn
	if h.Observe != nil {
		pg, err = libpq.ConnectObserved(sock, params, h.Observe(c))
	} else {
		pg, err = libpq.Connect(sock, params)
	}
	sock.tapping = false
	tapped := sock.tapped
	sock.tapped = nil
	if err != nil {
		pg.Finish()
		return nil, nil, Key{}, err
	}
	key, _ := keyFrom(tapped) // a server that sends none leaves the key zero, as in a PGconn
	return pg, sock, key, nil
}

// dialFailure is libpq's text for a connect(2) that failed.
func dialFailure(params map[string]string, err error) string {
	port := params["port"]
	if port == "" {
		port = "5432"
	}
	prefix := fmt.Sprintf("connection to server at \"%s\", port %s failed: ", params["host"], port)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return prefix + "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n"
	}
	return prefix + errnoText(err) + "\n"
}

// errnoText is strerror's text for err's errno, or err's own text.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ECONNREFUSED:
			return "Connection refused"
		case syscall.ECONNRESET:
			return "Connection reset by peer"
		case syscall.EPIPE:
			return "Broken pipe"
		}
		return errno.Error()
	}
	return err.Error()
}
