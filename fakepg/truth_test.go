package fakepg

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/sim"
)

// Tests of the server's ground truth: garbled input, the startup exchange,
// the reason each session ended and the replies of requests cut short.

// truthRun runs the client tasks body starts against a fresh server and
// returns the server once the world has completed.
func truthRun(t *testing.T, cfg Config, body func(w *sim.World)) *Server {
	t.Helper()
	w := sim.New(sim.Zeros())
	srv := startSim(t, w, cfg)
	body(w)
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	return srv
}

// onlySession returns the server's one session.
func onlySession(t *testing.T, srv *Server) *SessionTruth {
	t.Helper()
	if n := len(srv.Truth().Sessions); n != 1 {
		t.Fatalf("%d sessions recorded, want 1", n)
	}
	return srv.Truth().Sessions[0]
}

// lastRequest returns a session's last request.
func lastRequest(t *testing.T, s *SessionTruth) *Request {
	t.Helper()
	if len(s.Requests) == 0 {
		t.Fatal("no request recorded")
	}
	return s.Requests[len(s.Requests)-1]
}

// wantEnd checks how a session ended.
func wantEnd(t *testing.T, s *SessionTruth, end EndReason, code, detail string) {
	t.Helper()
	if s.End != end || s.EndCode != code || !strings.Contains(s.EndDetail, detail) {
		t.Errorf("session ended %v %q %q, want %v %q containing %q", s.End, s.EndCode, s.EndDetail, end, code, detail)
	}
	if s.EndStep == 0 {
		t.Error("no end step recorded")
	}
}

// wantWriter checks that one task wrote all of a message's bytes.
func wantWriter(t *testing.T, what string, m MessageTruth, task *sim.Task) {
	t.Helper()
	n := 0
	for _, sp := range m.Writers {
		if sp.Task != task {
			t.Errorf("%s: bytes [%d,%d) written by %v, want %v", what, sp.Off, sp.End(), sp.Task, task)
		}
		n += sp.Len
	}
	if n != m.Len {
		t.Errorf("%s: writers cover %d of its %d bytes", what, n, m.Len)
	}
}

// TestTruthGarbledTypeByte: bytes that start with an invalid message type
// are recorded with their writer and the FATAL text, as the last message
// of the open request, whose reply range then holds what the server sent
// before and with the FATAL.
func TestTruthGarbledTypeByte(t *testing.T) {
	var client *sim.Task
	var got []string
	srv := truthRun(t, Config{}, func(w *sim.World) {
		w.Go("client", func() {
			client = w.Current()
			c, _ := rawDial(w, nil)
			c.send(&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Bind{})
			c.conn.Write([]byte("ity_1_id\x00"))
			got = c.untilReady()
		})
	})
	wantLines(t, "reply", got, "ParseComplete", "BindComplete", "E FATAL 08P01 invalid frontend message type 105", "<closed>")
	s := onlySession(t, srv)
	wantEnd(t, s, EndFatal, "08P01", "invalid frontend message type 105")
	r := lastRequest(t, s)
	if len(r.Messages) != 3 || r.Messages[0].Type != 'P' || r.Messages[1].Type != 'B' {
		t.Fatalf("request messages %+v, want Parse, Bind and the garbled byte", r.Messages)
	}
	bad := r.Messages[2]
	if bad.Type != 'i' || bad.Len != 1 || bad.Length != 0 || bad.Fail != "invalid frontend message type 105" {
		t.Errorf("garbled message %+v", bad)
	}
	if want := r.Messages[1].Off + int64(r.Messages[1].Len); bad.Off != want {
		t.Errorf("garbled message at %d, want %d", bad.Off, want)
	}
	wantWriter(t, "garbled message", bad, client)
	if !r.Unfinished || r.ReplyEnd != s.Outbound.Written() || r.ReplyEnd <= r.ReplyOff {
		t.Errorf("request reply [%d,%d) unfinished %v; the server wrote %d bytes", r.ReplyOff, r.ReplyEnd, r.Unfinished, s.Outbound.Written())
	}
	if rd := r.Readers(); len(rd) != 1 || rd[0] != client {
		t.Errorf("reply readers %v", rd)
	}
}

// TestTruthBadLength: a length word out of range is recorded as read and
// closes the session silently.
func TestTruthBadLength(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typ   byte
		word  uint32
		want  int32
		bytes int
	}{
		{"too long for Sync", 'S', 1_000_000, 1_000_000, 5},
		{"negative", 'Q', 0xfffffff0, -16, 5},
		{"shorter than itself", 'X', 3, 3, 5},
	} {
		var client *sim.Task
		srv := truthRun(t, Config{}, func(w *sim.World) {
			w.Go("client", func() {
				client = w.Current()
				c, _ := rawDial(w, nil)
				c.conn.Write(binary.BigEndian.AppendUint32([]byte{tc.typ}, tc.word))
				c.conn.Write([]byte("more"))
				c.untilReady()
			})
		})
		s := onlySession(t, srv)
		wantEnd(t, s, EndSilentClose, "", "invalid message length")
		m := lastRequest(t, s).Messages[0]
		if m.Type != tc.typ || m.Length != tc.want || m.Len != tc.bytes || m.Fail != "invalid message length" {
			t.Errorf("%s: message %+v", tc.name, m)
		}
		wantWriter(t, tc.name, m, client)
	}
}

// TestTruthTruncatedAtEOF: a message cut short by the end of the stream is
// recorded with the bytes that did arrive.
func TestTruthTruncatedAtEOF(t *testing.T) {
	for _, tc := range []struct {
		name, fail string
		raw        []byte
		length     int32
	}{
		{"in the body", "incomplete message from client", []byte("Q\x00\x00\x00\x64SELECT"), 100},
		{"in the length word", "unexpected EOF within message length word", []byte("Q\x00\x00"), 0},
	} {
		var client *sim.Task
		srv := truthRun(t, Config{}, func(w *sim.World) {
			w.Go("client", func() {
				client = w.Current()
				c, _ := rawDial(w, nil)
				c.query("SELECT 1")
				c.conn.Write(tc.raw)
				c.conn.Close()
			})
		})
		s := onlySession(t, srv)
		wantEnd(t, s, EndSilentClose, "", tc.fail)
		if len(s.Requests) != 2 {
			t.Fatalf("%s: %d requests, want the query and the truncated message", tc.name, len(s.Requests))
		}
		r := s.Requests[1]
		m := r.Messages[0]
		if m.Len != len(tc.raw) || m.Length != tc.length || m.Fail != tc.fail || m.Off != s.Requests[0].Messages[0].Off+int64(s.Requests[0].Messages[0].Len) {
			t.Errorf("%s: message %+v", tc.name, m)
		}
		wantWriter(t, tc.name, m, client)
		if !r.Unfinished || r.ReplyEnd != r.ReplyOff {
			t.Errorf("%s: reply [%d,%d) unfinished %v, want an empty unfinished reply", tc.name, r.ReplyOff, r.ReplyEnd, r.Unfinished)
		}
	}
}

// TestTruthStartupPackets: the SSLRequest, the StartupMessage and the
// PasswordMessage are the session's startup, each with its writers; a
// StartupMessage written half by one task and half by another shows both.
func TestTruthStartupPackets(t *testing.T) {
	var client *sim.Task
	srv := truthRun(t, Config{Password: "secret"}, func(w *sim.World) {
		w.Go("client", func() {
			client = w.Current()
			conn, _ := w.Dial("db:5432")
			c := &rawClient{conn: conn, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)}
			conn.Write(binary.BigEndian.AppendUint32([]byte{0, 0, 0, 8}, sslRequest))
			conn.Read(make([]byte, 1)) // 'N'
			c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
				Parameters: map[string]string{"user": "app", "application_name": "web"}})
			c.fe.Receive() // AuthenticationCleartextPassword
			c.send(&pgproto3.PasswordMessage{Password: "secret"})
			c.untilReady()
			c.send(&pgproto3.Terminate{})
		})
	})
	s := onlySession(t, srv)
	if len(s.Startup) != 3 {
		t.Fatalf("startup %+v, want SSLRequest, StartupMessage, PasswordMessage", s.Startup)
	}
	ssl, sm, pw := s.Startup[0], s.Startup[1], s.Startup[2]
	if ssl.Code != sslRequest || ssl.Off != 0 || ssl.Len != 8 || ssl.Length != 8 || ssl.Fail != "" {
		t.Errorf("SSLRequest %+v", ssl)
	}
	if sm.Code != pgproto3.ProtocolVersionNumber || sm.Off != 8 || int32(sm.Len) != sm.Length || sm.Fail != "" {
		t.Errorf("StartupMessage %+v", sm)
	}
	if pw.Type != 'p' || pw.Off != sm.Off+int64(sm.Len) || pw.Len != 5+len("secret\x00") {
		t.Errorf("PasswordMessage %+v", pw)
	}
	for i, m := range s.Startup {
		wantWriter(t, "startup packet "+string(rune('0'+i)), m, client)
	}
	if s.User != "app" || s.ApplicationName != "web" || s.PID == 0 {
		t.Errorf("session user %q application %q pid %d", s.User, s.ApplicationName, s.PID)
	}
	wantEnd(t, s, EndTerminate, "", "")

	// two writers of one StartupMessage
	var first, second *sim.Task
	srv = truthRun(t, Config{}, func(w *sim.World) {
		w.Go("first", func() {
			first = w.Current()
			conn, _ := w.Dial("db:5432")
			pkt := startupBytes()
			conn.Write(pkt[:6])
			w.Go("second", func() {
				second = w.Current()
				conn.Write(pkt[6:])
			})
		})
	})
	s = onlySession(t, srv)
	if len(s.Startup) != 1 || len(s.Startup[0].Writers) != 2 {
		t.Fatalf("startup %+v, want one packet from two writes", s.Startup)
	}
	if w := s.Startup[0].Writers; w[0].Task != first || w[0].Len != 6 || w[1].Task != second {
		t.Errorf("writers %+v, want 6 bytes by %v then the rest by %v", w, first, second)
	}
	// the client's process exited with its tasks, closing the socket
	wantEnd(t, s, EndWriteFailed, "", "connection reset")
}

// TestTruthStartupFailures: a cancel request's connection, a refused
// connection and a cut-short startup packet are sessions with their
// startup packets and their ends, and no pid.
func TestTruthStartupFailures(t *testing.T) {
	srv := truthRun(t, Config{MaxConnections: 1}, func(w *sim.World) {
		w.Go("client", func() {
			c, _ := rawDial(w, nil) // the one allowed session
			w.Sleep(time.Millisecond)
			cancel, _ := w.Dial("db:5432")
			pkt := binary.BigEndian.AppendUint32([]byte{0, 0, 0, 16}, cancelRequest)
			cancel.Write(binary.BigEndian.AppendUint64(pkt, 0))
			w.Sleep(time.Millisecond)
			rawDial(w, nil) // refused
			w.Sleep(time.Millisecond)
			cut, _ := w.Dial("db:5432")
			cut.Write([]byte{0, 0, 0, 40, 0, 3})
			cut.Close()
			w.Sleep(time.Millisecond)
			c.send(&pgproto3.Terminate{})
		})
	})
	ss := srv.Truth().Sessions
	if len(ss) != 4 {
		t.Fatalf("%d sessions, want 4", len(ss))
	}
	wantEnd(t, ss[0], EndTerminate, "", "")
	wantEnd(t, ss[1], EndSilentClose, "", "cancel request processed")
	wantEnd(t, ss[2], EndTooManyConnections, "53300", "sorry, too many clients already")
	wantEnd(t, ss[3], EndSilentClose, "", "incomplete startup packet")
	if m := ss[1].Startup; len(m) != 1 || m[0].Code != cancelRequest || m[0].Len != 16 || m[0].Fail != "" {
		t.Errorf("cancel request %+v", m)
	}
	if m := ss[2].Startup; len(m) != 1 || m[0].Code != pgproto3.ProtocolVersionNumber || ss[2].User != "postgres" {
		t.Errorf("refused startup %+v user %q", m, ss[2].User)
	}
	if m := ss[3].Startup; len(m) != 1 || m[0].Len != 6 || m[0].Length != 40 || m[0].Code != 0 || m[0].Fail != "incomplete startup packet" {
		t.Errorf("cut-short startup %+v", m)
	}
	for i, s := range ss[1:] {
		if s.PID != 0 || len(s.Requests) != 0 {
			t.Errorf("session %d: pid %d, %d requests", i+1, s.PID, len(s.Requests))
		}
	}
}

// TestTruthSessionEnds: Terminate, the end of the stream at a message
// boundary and the end of the run each end a session with their reason; a
// lone Terminate is a request without a reply.
func TestTruthSessionEnds(t *testing.T) {
	srv := truthRun(t, Config{}, func(w *sim.World) {
		w.Go("terminates", func() {
			c, _ := rawDial(w, nil)
			c.send(&pgproto3.Terminate{})
		})
		w.Go("closes", func() {
			w.Sleep(time.Millisecond)
			c, _ := rawDial(w, nil)
			c.query("SELECT 1")
			c.conn.Close()
		})
		w.Go("stays", func() {
			w.Sleep(2 * time.Millisecond)
			c, _ := rawDial(w, nil)
			c.query("SELECT 1")
			// a daemon keeps the process, and so the socket, alive
			w.Go("idle", func() { c.conn.Read(make([]byte, 1)) }).Daemon()
		})
	})
	ss := srv.Truth().Sessions
	if len(ss) != 3 {
		t.Fatalf("%d sessions, want 3", len(ss))
	}
	wantEnd(t, ss[0], EndTerminate, "", "")
	wantEnd(t, ss[1], EndEOF, "", "")
	wantEnd(t, ss[2], EndRunEnded, "", "")
	if r := lastRequest(t, ss[0]); len(r.Messages) != 1 || r.Messages[0].Type != 'X' || r.ReplyOff != 0 || r.ReplyEnd != 0 || r.Unfinished {
		t.Errorf("terminate request %+v", r)
	}
	for _, s := range ss[1:] {
		if r := lastRequest(t, s); r.Unfinished || r.ReplyEnd <= r.ReplyOff || r.ReplyEnd != s.Outbound.Written() {
			t.Errorf("query request %+v", r)
		}
	}
	if n := len(srv.Truth().Requests); n != 3 {
		t.Errorf("%d requests in all, want 3", n)
	}
}

// TestTruthKilledMidRequest: a backend killed during a query's pg_sleep
// leaves the request unfinished, with the part of the reply the server had
// flushed before (a warning) as its reply.
func TestTruthKilledMidRequest(t *testing.T) {
	var client *sim.Task
	var got []string
	w := sim.New(sim.Zeros())
	srv := startSim(t, w, Config{})
	w.Go("client", func() {
		client = w.Current()
		c, _ := rawDial(w, nil)
		c.send(&pgproto3.Query{String: "ROLLBACK; SELECT pg_sleep(10)"})
		w.Sleep(time.Second)
		srv.Truth().Sessions[0].Backend.Process().Kill()
		got = c.untilReady()
	})
	if o := w.Run(); o.Kind != sim.Completed || o.Time != time.Second {
		t.Fatalf("%v, want completed at the kill (1s)", o)
	}
	wantLines(t, "reply", got, "N WARNING 25P01 there is no transaction in progress", "<closed>")
	s := onlySession(t, srv)
	wantEnd(t, s, EndKilled, "", "")
	r := lastRequest(t, s)
	if !r.Unfinished || r.ReplyEnd <= r.ReplyOff || r.ReplyEnd != s.Outbound.Written() {
		t.Errorf("request reply [%d,%d) unfinished %v; the server wrote %d bytes", r.ReplyOff, r.ReplyEnd, r.Unfinished, s.Outbound.Written())
	}
	if rd := r.Readers(); len(rd) != 1 || rd[0] != client {
		t.Errorf("reply readers %v", rd)
	}
}

// TestTruthWriteFailure: a client that closes while its query sleeps makes
// the reply's write fail; the request is unfinished with nothing written,
// and the session ends without running the query pipelined behind it.
func TestTruthWriteFailure(t *testing.T) {
	var after []string
	srv := truthRun(t, Config{}, func(w *sim.World) {
		w.Go("client", func() {
			c, _ := rawDial(w, nil)
			c.send(&pgproto3.Query{String: "SELECT pg_sleep(1)"}, &pgproto3.Query{String: "INSERT INTO kv VALUES ('late', 1)"})
			c.conn.Close()
			w.Sleep(2 * time.Second)
			d, _ := rawDial(w, nil)
			after = d.query("SELECT count(*) FROM kv")
		})
	})
	wantLines(t, "rows after", after, "T count:20", "D 0", "C SELECT 1", "Z I")
	s := srv.Truth().Sessions[0]
	wantEnd(t, s, EndWriteFailed, "", "connection reset")
	if len(s.Requests) != 1 {
		t.Fatalf("%d requests, want the sleeping query only", len(s.Requests))
	}
	if r := s.Requests[0]; !r.Unfinished || r.ReplyEnd != r.ReplyOff || r.ReplyOff != s.Outbound.Written() {
		t.Errorf("request reply [%d,%d) unfinished %v", r.ReplyOff, r.ReplyEnd, r.Unfinished)
	}
}

// TestTruthRequestsEndAtReadyForQuery: messages without a ReadyForQuery of
// their own (a batch ending in Flush, a CopyFail outside COPY) join the
// request the next ReadyForQuery closes, whose reply covers everything sent
// for them; a Flush-ended batch cut off by the end of the stream is an
// unfinished request with the flushed replies.
func TestTruthRequestsEndAtReadyForQuery(t *testing.T) {
	srv := truthRun(t, Config{}, func(w *sim.World) {
		w.Go("client", func() {
			c, _ := rawDial(w, nil)
			c.send(&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
			c.fe.Receive() // ParseComplete, BindComplete, DataRow, CommandComplete
			c.fe.Receive()
			c.fe.Receive()
			c.fe.Receive()
			c.send(&pgproto3.CopyFail{Message: "stray"}, &pgproto3.Query{String: "SELECT 2"})
			c.untilReady()
			c.send(&pgproto3.Parse{Query: "SELECT 3"}, &pgproto3.Flush{})
			c.fe.Receive()
			c.conn.Close()
		})
	})
	s := onlySession(t, srv)
	if len(s.Requests) != 2 {
		t.Fatalf("%d requests, want 2", len(s.Requests))
	}
	var types []string
	for _, m := range s.Requests[0].Messages {
		types = append(types, string(m.Type))
	}
	if got := strings.Join(types, ""); got != "PBEHfQ" {
		t.Errorf("first request's messages %q, want PBEHfQ", got)
	}
	first, second := s.Requests[0], s.Requests[1]
	if first.Unfinished || first.ReplyEnd != second.ReplyOff {
		t.Errorf("first request reply [%d,%d) unfinished %v", first.ReplyOff, first.ReplyEnd, first.Unfinished)
	}
	if !second.Unfinished || second.ReplyEnd != s.Outbound.Written() || second.ReplyEnd-second.ReplyOff != 5 {
		t.Errorf("second request reply [%d,%d) unfinished %v, want the 5 bytes of ParseComplete", second.ReplyOff, second.ReplyEnd, second.Unfinished)
	}
	wantEnd(t, s, EndEOF, "", "")
}
