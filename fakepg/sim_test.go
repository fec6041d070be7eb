package fakepg

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/sim"
)

// rawClient speaks the protocol with pgproto3 over a simulated connection.
type rawClient struct {
	conn *sim.Conn
	fe   *pgproto3.Frontend
}

func rawDial(w *sim.World, params map[string]string) (*rawClient, []string) {
	conn, err := w.Dial("db:5432")
	if err != nil {
		panic(err)
	}
	c := &rawClient{conn: conn, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)}
	if params == nil {
		params = map[string]string{"user": "postgres"}
	}
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: params})
	return c, c.untilReady()
}

func (c *rawClient) send(msgs ...pgproto3.FrontendMessage) {
	var b []byte
	for _, m := range msgs {
		b = encode(b, m)
	}
	if _, err := c.conn.Write(b); err != nil {
		panic(err)
	}
}

// untilReady collects rendered messages up to ReadyForQuery or the end of
// the stream.
func (c *rawClient) untilReady() []string {
	var out []string
	for {
		m, err := c.fe.Receive()
		if err != nil {
			return append(out, "<closed>")
		}
		out = append(out, render(m))
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

func (c *rawClient) query(sql string) []string {
	c.send(&pgproto3.Query{String: sql})
	return c.untilReady()
}

// render prints a backend message compactly.
func render(m pgproto3.BackendMessage) string {
	switch m := m.(type) {
	case *pgproto3.RowDescription:
		var f []string
		for _, fd := range m.Fields {
			f = append(f, fmt.Sprintf("%s:%d", fd.Name, fd.DataTypeOID))
		}
		return "T " + strings.Join(f, " ")
	case *pgproto3.DataRow:
		var v []string
		for _, x := range m.Values {
			if x == nil {
				v = append(v, "NULL")
			} else {
				v = append(v, string(x))
			}
		}
		return "D " + strings.Join(v, "|")
	case *pgproto3.CommandComplete:
		return "C " + string(m.CommandTag)
	case *pgproto3.ReadyForQuery:
		return "Z " + string(m.TxStatus)
	case *pgproto3.ErrorResponse:
		return fmt.Sprintf("E %s %s %s", m.Severity, m.Code, m.Message)
	case *pgproto3.NoticeResponse:
		return fmt.Sprintf("N %s %s %s", m.Severity, m.Code, m.Message)
	case *pgproto3.ParameterStatus:
		return "S " + m.Name + "=" + m.Value
	}
	return fmt.Sprintf("%T", m)[len("*pgproto3."):]
}

func startSim(t *testing.T, w *sim.World, cfg Config) *Server {
	t.Helper()
	srv, err := StartSim(w, "db", "db:5432", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func wantLines(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

func TestSimSessionAndTruth(t *testing.T) {
	w := sim.New(sim.Random(1))
	srv := startSim(t, w, Config{})
	var client *sim.Task
	w.Go("client", func() {
		client = w.Current()
		c, startup := rawDial(w, nil)
		if startup[len(startup)-1] != "Z I" {
			panic(fmt.Sprint(startup))
		}
		wantLines(t, "insert", c.query("INSERT INTO kv VALUES ('a', 1)"), "C INSERT 0 1", "Z I")
		wantLines(t, "select", c.query("SELECT k, v FROM kv"), "T k:25 v:20", "D a|1", "C SELECT 1", "Z I")
		c.send(&pgproto3.Terminate{})
		c.conn.Close()
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	reqs := srv.Truth().Requests
	if len(reqs) != 3 {
		t.Fatalf("%d requests recorded, want 2 queries and a Terminate", len(reqs))
	}
	for i, r := range reqs[:2] {
		if s := r.Senders(); len(s) != 1 || s[0] != client {
			t.Errorf("request %d senders %v", i, s)
		}
		if rd := r.Readers(); len(rd) != 1 || rd[0] != client {
			t.Errorf("request %d reply readers %v", i, rd)
		}
		if r.Messages[0].Type != 'Q' || r.ReplyEnd <= r.ReplyOff {
			t.Errorf("request %d: %+v", i, r)
		}
	}
}

func TestSimPgSleepTakesVirtualTime(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{})
	var took time.Duration
	w.Go("client", func() {
		c, _ := rawDial(w, nil)
		start := w.Elapsed()
		wantLines(t, "sleep", c.query("SELECT pg_sleep(5)"), "T pg_sleep:2278", "D ", "C SELECT 1", "Z I")
		took = w.Elapsed() - start
	})
	begin := time.Now()
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	if took != 5*time.Second {
		t.Fatalf("pg_sleep(5) took %v of virtual time", took)
	}
	if real := time.Since(begin); real > 2*time.Second {
		t.Fatalf("pg_sleep(5) took %v of real time", real)
	}
}

// TestSimRowLockWait: a blocked UPDATE waits, visibly to the scheduler,
// for the holder's COMMIT and then sees the committed row, under every
// schedule tried.
func TestSimRowLockWait(t *testing.T) {
	for seed := range uint64(30) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		var got []string
		var at time.Duration
		w.Go("setup", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1)")
			c.query("BEGIN")
			c.query("UPDATE kv SET v = 2 WHERE k = 'a'")
			w.Go("waiter", func() {
				d, _ := rawDial(w, nil)
				got = d.query("UPDATE kv SET v = v * 10 WHERE k = 'a' RETURNING v")
				at = w.Elapsed()
			})
			w.Sleep(time.Second)
			c.query("COMMIT")
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		wantLines(t, fmt.Sprintf("seed %d", seed), got, "T v:20", "D 20", "C UPDATE 1", "Z I")
		if at != time.Second {
			t.Fatalf("seed %d: the waiting UPDATE finished at %v, want at the COMMIT (1s)", seed, at)
		}
	}
}

// TestSimDeadlock: two transactions lock two rows in opposite orders; the
// one that waited first detects the cycle after deadlock_timeout of
// virtual time and fails with 40P01, the other proceeds.
func TestSimDeadlock(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{})
	results := map[string][]string{}
	w.Go("setup", func() {
		c, _ := rawDial(w, nil)
		c.query("INSERT INTO kv VALUES ('a', 1), ('b', 1)")
	})
	for _, order := range [][2]string{{"a", "b"}, {"b", "a"}} {
		name := "t-" + order[0]
		w.Go(name, func() {
			w.Sleep(time.Millisecond) // after setup
			if order[0] == "b" {
				w.Sleep(time.Millisecond)
			}
			c, _ := rawDial(w, nil)
			c.query("BEGIN")
			c.query("UPDATE kv SET v = 2 WHERE k = '" + order[0] + "'")
			w.Sleep(10 * time.Millisecond)
			results[name] = c.query("UPDATE kv SET v = 3 WHERE k = '" + order[1] + "'")
			c.query("ROLLBACK")
		})
	}
	o := w.Run()
	if o.Kind != sim.Completed {
		t.Fatal(o)
	}
	wantLines(t, "first waiter", results["t-a"], "E ERROR 40P01 deadlock detected", "Z E")
	wantLines(t, "second waiter", results["t-b"], "C UPDATE 1", "Z T")
}

func TestSimTooManyClients(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{MaxConnections: 2})
	var third []string
	w.Go("clients", func() {
		rawDial(w, nil)
		rawDial(w, nil)
		_, third = rawDial(w, nil)
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	wantLines(t, "third connection", third, "E FATAL 53300 sorry, too many clients already", "<closed>")
}

func TestSimPassword(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{Password: "secret"})
	var good, bad []string
	w.Go("client", func() {
		for _, pw := range []string{"secret", "wrong"} {
			conn, _ := w.Dial("db:5432")
			c := &rawClient{conn: conn, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)}
			c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "app"}})
			m, _ := c.fe.Receive()
			if _, ok := m.(*pgproto3.AuthenticationCleartextPassword); !ok {
				panic(fmt.Sprintf("want a password request, got %T", m))
			}
			c.send(&pgproto3.PasswordMessage{Password: pw})
			if pw == "secret" {
				good = c.untilReady()
			} else {
				bad = c.untilReady()
			}
		}
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	if good[0] != "AuthenticationOk" || good[len(good)-1] != "Z I" {
		t.Errorf("right password: %q", good)
	}
	wantLines(t, "wrong password", bad, `E FATAL 28P01 password authentication failed for user "app"`, "<closed>")
}

// TestSimGarbledInputEndsOneSession: a session that receives garbage gets
// FATAL 08P01 and ends; another session is unaffected.
func TestSimGarbledInputEndsOneSession(t *testing.T) {
	w := sim.New(sim.Random(3))
	startSim(t, w, Config{})
	var bad, good []string
	w.Go("bad", func() {
		c, _ := rawDial(w, nil)
		c.conn.Write([]byte("ity_1_id\x00"))
		bad = c.untilReady()
	})
	w.Go("good", func() {
		c, _ := rawDial(w, nil)
		good = c.query("SELECT 1")
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	wantLines(t, "garbled", bad, "E FATAL 08P01 invalid frontend message type 105", "<closed>")
	wantLines(t, "other session", good, "T ?column?:23", "D 1", "C SELECT 1", "Z I")
}

// forkedClients connects, forks, and has parent and child each send one
// query on the shared socket and read a reply with their own copy of the
// client state.
func forkedClients(w *sim.World) {
	app := w.NewProcess("app")
	app.Go("master", func() {
		c, _ := rawDial(w, nil)
		c.query("INSERT INTO kv VALUES ('a', 1)")
		child := app.Fork("worker", func(kid *sim.Process) {
			conn := c.conn.In(kid)
			copied := &rawClient{conn: conn, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)}
			kid.Go("worker-main", func() { copied.query("SELECT v FROM kv WHERE k = 'a'") })
		})
		_ = child
		c.query("SELECT k FROM kv")
	})
}

// TestSimTruthSeesRepliesCrossForkedReaders: after fork, the parent's and
// the child's requests share one server session; under some schedule a
// reply is read (at least partly) by the task that did not send the
// request, and the ground truth shows it. The counterexample replays.
func TestSimTruthSeesRepliesCrossForkedReaders(t *testing.T) {
	crossed := func(srv *Server) bool {
		for _, r := range srv.Truth().Requests {
			senders, readers := r.Senders(), r.Readers()
			for _, rd := range readers {
				if len(senders) == 1 && rd != senders[0] {
					return true
				}
			}
		}
		return false
	}
	for seed := range uint64(200) {
		w := sim.New(sim.Random(seed))
		srv := startSim(t, w, Config{})
		forkedClients(w)
		w.Run()
		if !crossed(srv) {
			continue
		}
		w2 := sim.New(sim.Replay(w.Schedule()))
		srv2 := startSim(t, w2, Config{})
		forkedClients(w2)
		w2.Run()
		if !crossed(srv2) || w2.Trace().Hash() != w.Trace().Hash() {
			t.Fatalf("seed %d: the crossed reply did not replay", seed)
		}
		return
	}
	t.Fatal("no schedule in 200 seeds delivered a reply to the wrong forked reader")
}
