package fakepg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"sync"
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// A wireRecorder is a TCP proxy that records what clients send to a
// server: the startup parameters and every message after them, per
// connection, in the order they were sent. It forwards a message only
// after recording it, so for a client that waits for each reply before
// sending anything else (libpq, synchronously used) the recorded order is
// the order the server saw them in, across connections. Its replayScript
// plays the same messages to another server.
type wireRecorder struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  int
	events []wireEvent
}

// wireEvent is one thing a client did.
type wireEvent struct {
	conn    int               // connection number, from 1 in accept order
	startup map[string]string // a StartupMessage's parameters, or nil
	msg     pgproto3.FrontendMessage
	closed  bool // the client closed the connection
}

// startWireRecorder proxies a loopback port to target until t ends.
func startWireRecorder(t *testing.T, target string) *wireRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &wireRecorder{ln: ln, target: target}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(func() {
		ln.Close()
		r.wg.Wait()
	})
	return r
}

// Addr is the address clients connect to.
func (r *wireRecorder) Addr() string { return r.ln.Addr().String() }

func (r *wireRecorder) accept() {
	defer r.wg.Done()
	for {
		client, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns++
		n := r.conns
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.proxy(n, client)
		}()
	}
}

func (r *wireRecorder) record(e wireEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// proxy serves one client connection: the server's bytes go back
// unchanged, the client's are recorded message by message.
func (r *wireRecorder) proxy(n int, client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", r.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(client, server)
		client.Close()
		close(done)
	}()
	r.forward(n, client, server) // ends when either side closes
	r.record(wireEvent{conn: n, closed: true})
	server.Close()
	<-done
}

// Startup packet codes.
const (
	wireSSLRequest    = 80877103
	wireGSSEncRequest = 80877104
)

// forward reads the client's packets, records and forwards each, until
// reading or writing fails.
func (r *wireRecorder) forward(n int, client io.Reader, server io.Writer) error {
	// The startup phase: untyped packets until the StartupMessage.
	for {
		packet, err := readPacket(client, false)
		if err != nil {
			return err
		}
		code := binary.BigEndian.Uint32(packet[4:])
		if code != wireSSLRequest && code != wireGSSEncRequest {
			var m pgproto3.StartupMessage
			if err := m.Decode(packet[4:]); err != nil {
				return err
			}
			r.record(wireEvent{conn: n, startup: m.Parameters})
			if _, err := server.Write(packet); err != nil {
				return err
			}
			break
		}
		if _, err := server.Write(packet); err != nil {
			return err
		}
	}
	for {
		packet, err := readPacket(client, true)
		if err != nil {
			return err
		}
		m, err := decodeFrontend(packet)
		if err != nil {
			return err
		}
		r.record(wireEvent{conn: n, msg: m})
		if _, err := server.Write(packet); err != nil {
			return err
		}
	}
}

// readPacket reads one length-prefixed packet, with its type byte first
// when typed.
func readPacket(rd io.Reader, typed bool) ([]byte, error) {
	head := 4
	if typed {
		head = 5
	}
	buf := make([]byte, head)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return nil, err
	}
	size := int(binary.BigEndian.Uint32(buf[head-4:]))
	if size < 4 || size > 1<<26 {
		return nil, fmt.Errorf("bad packet length %d", size)
	}
	packet := make([]byte, head+size-4)
	copy(packet, buf)
	if _, err := io.ReadFull(rd, packet[head:]); err != nil {
		return nil, err
	}
	return packet, nil
}

// decodeFrontend decodes a typed frontend message.
func decodeFrontend(packet []byte) (pgproto3.FrontendMessage, error) {
	var m pgproto3.FrontendMessage
	switch packet[0] {
	case 'Q':
		m = &pgproto3.Query{}
	case 'P':
		m = &pgproto3.Parse{}
	case 'B':
		m = &pgproto3.Bind{}
	case 'E':
		m = &pgproto3.Execute{}
	case 'D':
		m = &pgproto3.Describe{}
	case 'C':
		m = &pgproto3.Close{}
	case 'S':
		m = &pgproto3.Sync{}
	case 'H':
		m = &pgproto3.Flush{}
	case 'X':
		m = &pgproto3.Terminate{}
	default:
		return nil, fmt.Errorf("frontend message %q is not recorded", packet[0])
	}
	if err := m.Decode(packet[5:]); err != nil {
		return nil, err
	}
	return m, nil
}

// volatileResult matches queries whose rows differ from run to run or
// from server to server (process IDs, the time, the version string); the
// replay masks their DataRows.
var volatileResult = regexp.MustCompile(`(?i)pg_backend_pid|now\(\)|version\(\)`)

// replayScript returns the recorded traffic as a pgtest script, one
// session per connection: Connect with the startup parameters, each
// message as sent, and a Disconnect where the client closed without
// Terminate. A SSLRequest is not replayed (both servers refuse TLS).
func (r *wireRecorder) replayScript() (pgtest.Script, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var script pgtest.Script
	ended := map[int]bool{} // terminated, or refused at startup
	for _, e := range r.events {
		session := fmt.Sprintf("c%d", e.conn)
		switch {
		case e.startup != nil:
			script = append(script, pgtest.Connect(session, e.startup))
		case e.msg != nil:
			step := pgtest.Send(session, e.msg)
			switch m := e.msg.(type) {
			case *pgproto3.Query:
				if volatileResult.MatchString(m.String) {
					step = step.Mask()
				}
			case *pgproto3.Terminate:
				ended[e.conn] = true
			}
			script = append(script, step)
		case e.closed && !ended[e.conn]:
			if !r.startedLocked(e.conn) {
				continue // closed before its startup packet
			}
			script = append(script, pgtest.Disconnect(session))
		}
	}
	if len(script) == 0 {
		return nil, errors.New("no traffic recorded")
	}
	return script, nil
}

// startedLocked reports whether connection n sent a StartupMessage.
func (r *wireRecorder) startedLocked(n int) bool {
	for _, e := range r.events {
		if e.conn == n && e.startup != nil {
			return true
		}
	}
	return false
}
