package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
)

// TestCloseEndsIdleSessions: a session idle between statements, one idle
// in a transaction, and a connection that never sent its startup packet
// are all ended by Close, within a bounded time: the sessions get
// PostgreSQL's fast-shutdown FATAL 57P01, then the end of the stream.
// Nothing is left running.
func TestCloseEndsIdleSessions(t *testing.T) {
	base := runtime.NumGoroutine()
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: 10})
	if err != nil {
		t.Fatal(err)
	}
	idle, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	inTxn, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inTxn.query("BEGIN; UPDATE kv SET v = 1 WHERE k = 'x'"); err != nil {
		t.Fatal(err)
	}
	silent, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if !waitFor(5*time.Second, func() bool { return s.Sessions() == 3 }) {
		t.Fatalf("%d connections open, want 3", s.Sessions())
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
	for name, c := range map[string]*rawClient{"idle": idle, "idle in transaction": inTxn} {
		_, err := c.untilReady()
		if err == nil || err.Error() != "FATAL 57P01: terminating connection due to administrator command" {
			t.Errorf("%s session: %v", name, err)
		}
		if _, err := c.fe.Receive(); !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s session after the FATAL: %v", name, err)
		}
		c.conn.Close()
	}
	_ = silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := silent.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("the connection without a startup packet: read %d, %v", n, err)
	}
	if s.Sessions() != 0 {
		t.Errorf("%d connections open after Close", s.Sessions())
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		t.Error("the server still accepts after Close")
	}
	goroutinesBackTo(t, base, 5*time.Second)
}

// TestCloseCancelsRunningStatement: a session in the middle of a long
// statement does not hold Close up: its client gets the FATAL, its
// statement is cancelled and its connection closed.
func TestCloseCancelsRunningStatement(t *testing.T) {
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: 10})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.conn.Close()
	if err := c.fe.Send(&pgproto3.Query{String: "SELECT pg_sleep(60)"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the statement is running
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v with a statement running", d)
	}
	if _, err := c.untilReady(); err == nil || err.Error() != "FATAL 57P01: terminating connection due to administrator command" {
		t.Fatalf("the client whose statement ran: %v", err)
	}
}

// TestSlowClientsDoNotBlockOthers: a connection that sent half a startup
// packet, a session idle in a transaction and a client that stops
// reading a large result hold up nobody: another client connects and
// runs its statements meanwhile, and Close still ends them all.
func TestSlowClientsDoNotBlockOthers(t *testing.T) {
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: 10})
	if err != nil {
		t.Fatal(err)
	}
	half, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := half.Write([]byte{0, 0, 0, 40, 0, 3}); err != nil {
		t.Fatal(err)
	}
	idle, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.conn.Close()
	if _, err := idle.query("BEGIN; SELECT * FROM kv FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	stalled, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.conn.Close()
	if _, err := stalled.query("INSERT INTO activity (id, payload) VALUES (1, '" + strings.Repeat("x", 1<<20) + "')"); err != nil {
		t.Fatal(err)
	}
	// 64 MB of rows: far more than the socket buffers hold, so the
	// session blocks writing to a client that reads nothing
	if err := stalled.fe.Send(&pgproto3.Query{String: strings.Repeat("SELECT payload FROM activity;", 64)}); err != nil {
		t.Fatal(err)
	}
	if !waitFor(5*time.Second, func() bool { return s.writersBlocked() == 1 }) {
		t.Fatal("the session of the client that does not read is not blocked writing")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	quick := make(chan error, 1)
	go func() {
		c, err := dialRaw(s.Addr())
		if err != nil {
			quick <- err
			return
		}
		defer c.close()
		for range 20 {
			if rows, err := c.query("SELECT 7"); err != nil || len(rows) != 1 || rows[0] != "7" {
				quick <- errors.Join(err, errors.New("SELECT 7: "+strings.Join(rows, ",")))
				return
			}
		}
		quick <- nil
	}()
	select {
	case err := <-quick:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("a client was held up by the slow ones")
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v", d)
	}
}

// TestRunStopsWhenCancelled: Run serves until its context is cancelled,
// then returns nil after the sessions ended; Run of a refused
// configuration returns at once with the error.
func TestRunStopsWhenCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var log strings.Builder
	ran := make(chan error, 1)
	go func() { ran <- Run(ctx, Config{Listen: addr, MaxConnections: 5, Log: &syncWriter{w: &log}}) }()
	var c *rawClient
	if !waitFor(5*time.Second, func() bool { c, err = dialRaw(addr); return err == nil }) {
		t.Fatalf("Run does not serve %s: %v", addr, err)
	}
	defer c.conn.Close()
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	if _, err := c.untilReady(); err == nil || !strings.Contains(err.Error(), "57P01") {
		t.Errorf("the session at shutdown: %v", err)
	}
	for _, want := range []string{"LOG:  listening on " + addr, "LOG:  received fast shutdown request", "LOG:  database system is shut down"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if err := Run(context.Background(), Config{Listen: "0.0.0.0:0", MaxConnections: 5}); err == nil {
		t.Error("Run served a non-loopback address")
	}
}

// writersBlocked counts the sessions in the middle of a write to their
// client.
func (s *Server) writersBlocked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		c.mu.Lock()
		if c.writing {
			n++
		}
		c.mu.Unlock()
	}
	return n
}
