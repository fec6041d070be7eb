package fakepg

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// instantRuntime is a single-threaded runtime whose clock jumps instead of
// sleeping, so fuzz inputs with pg_sleep finish at once.
type instantRuntime struct{ now time.Time }

type nopMutex struct{}

func (nopMutex) Lock()   {}
func (nopMutex) Unlock() {}

type instantCond struct{ rt *instantRuntime }

func (c instantCond) Wait()                            { panic("instantRuntime: a single session waited forever") }
func (c instantCond) WaitTimeout(d time.Duration) bool { c.rt.now = c.rt.now.Add(d); return false }
func (c instantCond) Broadcast()                       {}

func (r *instantRuntime) NewMutex(string) engine.Mutex             { return nopMutex{} }
func (r *instantRuntime) NewCond(string, engine.Mutex) engine.Cond { return instantCond{r} }
func (r *instantRuntime) Sleep(d time.Duration)                    { r.now = r.now.Add(d) }
func (r *instantRuntime) Now() time.Time                           { return r.now }

// pipe is a client-to-server byte stream read from a fixed input, with
// the server's output collected.
type pipe struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (p *pipe) Read(b []byte) (int, error)  { return p.in.Read(b) }
func (p *pipe) Write(b []byte) (int, error) { return p.out.Write(b) }

// startupBytes is a valid startup packet for user postgres.
func startupBytes() []byte {
	b, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "postgres", "database": "postgres"}}).Encode(nil)
	return b
}

func msgBytes(msgs ...pgproto3.FrontendMessage) []byte {
	var out []byte
	for _, m := range msgs {
		out, _ = m.Encode(out)
	}
	return out
}

// FuzzServerInput feeds arbitrary bytes after a valid startup packet. The
// session must end (the input runs out), never panic, and answer with a
// well-formed stream of backend messages.
func FuzzServerInput(f *testing.F) {
	f.Add(msgBytes(&pgproto3.Query{String: "SELECT 1"}))
	f.Add(msgBytes(&pgproto3.Query{String: "BEGIN; INSERT INTO kv VALUES ('a', 1); COMMIT"}))
	f.Add(msgBytes(&pgproto3.Parse{Query: "SELECT v FROM kv WHERE k = $1"}, &pgproto3.Bind{Parameters: [][]byte{[]byte("a")}},
		&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(msgBytes(&pgproto3.Query{String: "CREATE TABLE t (id serial PRIMARY KEY, e text UNIQUE, at timestamptz DEFAULT '2024-01-01'); " +
		"INSERT INTO t (e) VALUES ('x'); SELECT * FROM t JOIN pg_class ON relname = e; DROP TABLE t"}))
	f.Add([]byte("ity_1\x00\x00"))
	f.Add([]byte{'Q', 0, 0, 0, 3})
	f.Add([]byte{'Q', 0x7f, 0xff, 0xff, 0xff})
	f.Add(msgBytes(&pgproto3.Query{String: "SELECT pg_sleep(1000)"}, &pgproto3.Terminate{}))
	f.Add(msgBytes(&pgproto3.Bind{PreparedStatement: "nope"}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Fuzz(func(t *testing.T, input []byte) {
		srv := NewServer(&instantRuntime{}, Config{})
		p := &pipe{in: bytes.NewReader(append(startupBytes(), input...))}
		err := srv.ServeConn(p)
		checkBackendStream(t, p.out.Bytes(), err)
	})
}

// checkBackendStream requires out to be a sequence of whole backend
// messages that starts with AuthenticationOk, and a session that ended
// with an error to have said so only in ways PostgreSQL does.
func checkBackendStream(t *testing.T, out []byte, err error) {
	t.Helper()
	if len(out) == 0 || out[0] != 'R' {
		t.Fatalf("output does not start with an authentication message: %q", out)
	}
	fe := pgproto3.NewFrontend(pgproto3.NewChunkReader(bytes.NewReader(out)), io.Discard)
	var last pgproto3.BackendMessage
	for {
		m, rerr := fe.Receive()
		if rerr != nil {
			if rerr != io.ErrUnexpectedEOF && rerr != io.EOF {
				t.Fatalf("server output is not a valid message stream: %v", rerr)
			}
			break
		}
		last = m
	}
	// the stream must have ended on a message boundary
	for off := 0; off < len(out); {
		if off+5 > len(out) {
			t.Fatalf("trailing partial header at %d", off)
		}
		off += 1 + int(binary.BigEndian.Uint32(out[off+1:]))
		if off > len(out) {
			t.Fatalf("trailing partial message")
		}
	}
	switch e := err.(type) {
	case nil:
	case errFatal:
		if er, ok := last.(*pgproto3.ErrorResponse); !ok || er.Severity != "FATAL" {
			t.Fatalf("session ended with %v but the last message was %#v", err, last)
		}
	case errSilentClose:
	default:
		t.Fatalf("session ended with unexpected error %T %v", e, e)
	}
}
