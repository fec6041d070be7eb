package serve

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// thousandClients is how many loopback clients TestThousandClients opens
// at once.
const thousandClients = 1000

// TestThousandClients: 1,000 clients connect at once and hold their
// sessions until all are in; each then runs a query and leaves. Every one
// is served, within a bounded time, and afterwards no session and no
// goroutine is left: the number of goroutines is back to what it was
// before the clients came.
func TestThousandClients(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	s := startServer(t, Config{MaxConnections: thousandClients + 10})
	base := runtime.NumGoroutine()
	start := time.Now()
	var (
		connected sync.WaitGroup // every client has its session
		all       = make(chan struct{})
		done      sync.WaitGroup
		mu        sync.Mutex
		failures  []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	connected.Add(thousandClients)
	done.Add(thousandClients)
	for i := range thousandClients {
		go func() {
			defer done.Done()
			c, err := dialRaw(s.Addr())
			connected.Done()
			if err != nil {
				fail("client %d: connect: %v", i, err)
				return
			}
			defer c.close()
			<-all
			rows, err := c.query(fmt.Sprintf("SELECT %d", i))
			if err != nil || len(rows) != 1 || rows[0] != fmt.Sprint(i) {
				fail("client %d: query: %v %v", i, rows, err)
			}
		}()
	}
	connected.Wait()
	peak := s.Sessions()
	close(all)
	done.Wait()
	elapsed := time.Since(start)
	for _, f := range failures[:min(len(failures), 10)] {
		t.Error(f)
	}
	if len(failures) > 0 {
		t.Fatalf("%d of %d clients failed", len(failures), thousandClients)
	}
	if peak != thousandClients {
		t.Errorf("%d sessions open at once, want %d", peak, thousandClients)
	}
	if elapsed > 20*time.Second {
		t.Errorf("1,000 clients took %v", elapsed)
	}
	t.Logf("1,000 concurrent clients served in %v", elapsed)
	if !waitFor(5*time.Second, func() bool { return s.Sessions() == 0 }) {
		t.Fatalf("%d sessions still open after the clients left", s.Sessions())
	}
	goroutinesBackTo(t, base, 5*time.Second)
}

// TestCloseWithThousandSessions: Close with 1,000 idle sessions ends them
// all within a bounded time, each client getting the shutdown's FATAL,
// and leaves no goroutine behind.
func TestCloseWithThousandSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	base := runtime.NumGoroutine()
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: thousandClients})
	if err != nil {
		t.Fatal(err)
	}
	clients := make([]*rawClient, thousandClients)
	var connected sync.WaitGroup
	for i := range clients {
		connected.Go(func() {
			if c, err := dialRaw(s.Addr()); err == nil {
				clients[i] = c
			}
		})
	}
	connected.Wait()
	if n := s.Sessions(); n != thousandClients {
		s.Close()
		t.Fatalf("%d sessions, want %d", n, thousandClients)
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close of 1,000 sessions took %v", d)
	}
	for i, c := range clients {
		if _, err := c.untilReady(); err == nil || err.Error() != "FATAL 57P01: terminating connection due to administrator command" {
			t.Fatalf("client %d: %v", i, err)
		}
		c.conn.Close()
	}
	goroutinesBackTo(t, base, 5*time.Second)
}
