package serve

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
)

// startServer starts a server on a free loopback port, closed when t
// ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// rawClient is a frontend speaking the protocol with pgproto3, for
// clients that must do exactly one thing at a time.
type rawClient struct {
	conn net.Conn
	fe   *pgproto3.Frontend
}

// dialRaw connects to addr and sends a StartupMessage as user postgres,
// reading up to the first ReadyForQuery; an ErrorResponse is returned as
// an error.
func dialRaw(addr string) (*rawClient, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &rawClient{conn: conn, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)}
	if err := c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "postgres", "database": "postgres"}}); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := c.untilReady(); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// query sends a simple query and returns the DataRows' first values.
func (c *rawClient) query(sql string) ([]string, error) {
	if err := c.fe.Send(&pgproto3.Query{String: sql}); err != nil {
		return nil, err
	}
	return c.untilReady()
}

// untilReady reads messages up to ReadyForQuery, returning the first
// column of each DataRow; the first ErrorResponse is the error.
func (c *rawClient) untilReady() ([]string, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var rows []string
	var failed error
	for {
		m, err := c.fe.Receive()
		if err != nil {
			return rows, err
		}
		switch m := m.(type) {
		case *pgproto3.DataRow:
			rows = append(rows, string(m.Values[0]))
		case *pgproto3.ErrorResponse:
			if failed == nil {
				failed = fmt.Errorf("%s %s: %s", m.Severity, m.Code, m.Message)
			}
			if m.Severity == "FATAL" {
				return rows, failed
			}
		case *pgproto3.ReadyForQuery:
			return rows, failed
		}
	}
}

// close sends Terminate and closes the connection.
func (c *rawClient) close() {
	_ = c.fe.Send(&pgproto3.Terminate{})
	c.conn.Close()
}

// waitFor polls cond every 10 ms until it holds or d has passed, and
// reports whether it held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// goroutinesBackTo waits up to d for the number of goroutines to fall to
// base, and fails t with the goroutines' stacks if it does not.
func goroutinesBackTo(t *testing.T, base int, d time.Duration) {
	t.Helper()
	if waitFor(d, func() bool { return runtime.NumGoroutine() <= base }) {
		return
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	t.Fatalf("goroutines leaked: %d, baseline %d\n%s", runtime.NumGoroutine(), base, buf)
}

// requireClient returns the path of a client program, skipping t when it
// is missing, or failing it under CI=true.
func requireClient(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, "%s is not on PATH", name)
	}
	return path
}

// missing skips t for a missing client, or fails it when CI is "true".
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// python is Debian's interpreter, the one with python3-psycopg2.
const python = "/usr/bin/python3"

// requirePsycopg2 returns the interpreter after checking it imports
// psycopg2; it skips t, or fails it under CI=true, if not.
func requirePsycopg2(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(python, "-c", "import psycopg2; print(psycopg2.__version__)").CombinedOutput()
	if err != nil {
		missing(t, "%s with python3-psycopg2 is needed: %v\n%s", python, err, out)
	}
	t.Logf("psycopg2 %s", strings.TrimSpace(string(out)))
	return python
}

// hostPort splits a server's address.
func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// syncWriter serialises writes to w, for a log read after the writer is
// done.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
