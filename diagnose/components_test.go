package diagnose

import (
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

// stream is a server that has sent data already: reads return it, then
// end of file; writes are dropped.
type stream struct{ data []byte }

func (s *stream) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

func (s *stream) Write(p []byte) (int, error) { return len(p), nil }

func msg(typ byte, body ...[]byte) []byte {
	b := []byte{typ, 0, 0, 0, 0}
	for _, p := range body {
		b = append(b, p...)
	}
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	return b
}

func i16(v int) []byte     { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func i32(v int) []byte     { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func cstr(s string) []byte { return append([]byte(s), 0) }

// rowDesc is a RowDescription of text columns named names.
func rowDesc(names ...string) []byte {
	body := i16(len(names))
	for _, n := range names {
		body = append(body, cstr(n)...)
		body = append(body, i32(0)...)
		body = append(body, i16(0)...)
		body = append(body, i32(25)...)
		body = append(body, i16(-1)...)
		body = append(body, i32(-1)...)
		body = append(body, i16(0)...)
	}
	return msg('T', body)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// wantTemplate checks that text matches the template of format in full.
func wantTemplate(t *testing.T, what, text, format string) {
	t.Helper()
	tp := Find(format)
	if tp == nil {
		t.Fatalf("%s: no template %q", what, format)
	}
	h, ok := tp.match(text)
	if !ok || h.partial {
		t.Errorf("%s: %q does not match %q in full (match %v)", what, text, format, ok)
	}
}

// execError runs a query on c and returns the error texts of its result
// and of the connection.
func execError(c *libpq.Conn) string {
	var s string
	if res := c.Exec("SELECT 1"); res != nil {
		s = res.ErrorMessage()
	}
	return s + c.ErrorMessage()
}

// TestTemplatesMatchLibpq feeds crafted server bytes to the simulated
// libpq and matches the error texts it produces against the templates.
func TestTemplatesMatchLibpq(t *testing.T) {
	ready := msg('Z', []byte("I"))
	cases := []struct {
		name   string
		server []byte
		format string
	}{
		{"incident's garbled header", []byte("ity_1_id\x00\x00\x00\x00\x00\x17\x00\x04"),
			`lost synchronization with server: got message type "%c", length %d`},
		{"NUL type byte", []byte("\x00\x00\x00\x00\x02"),
			`lost synchronization with server: got message type "%c", length %d`},
		{"short T", cat(msg('T', i16(2), cstr("a")), ready), `insufficient data in "%c" message`},
		{"long C", cat(msg('C', cstr("SELECT 1"), []byte("xx")), ready),
			`message contents do not agree with length in message type "%c"`},
		{"D without T", cat(msg('D', i16(1), i32(1), []byte("1")), ready),
			`server sent data ("D" message) without prior row description ("T" message)`},
		{"unknown type", cat(msg('Y'), ready), `unexpected response from server; first received character was "%c"`},
		{"wide D", cat(rowDesc("a"), msg('D', i16(2), i32(1), []byte("1"), i32(1), []byte("2")), ready),
			`unexpected field count in "%c" message`},
		{"end of file", nil, "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request."},
	}
	for _, tc := range cases {
		c := libpq.NewConn(&stream{data: tc.server})
		wantTemplate(t, tc.name, execError(c), tc.format)
	}

	// After a sync loss the connection is closed.
	c := libpq.NewConn(&stream{data: []byte("ity_1_id\x00\x00\x00\x00")})
	c.Exec("SELECT 1")
	if c.SendQuery("SELECT 1") {
		t.Error("a query sent on a closed connection")
	}
	wantTemplate(t, "after a sync loss", c.ErrorMessage(), "no connection to the server")

	// A reply to a command this connection never sent, after its own.
	c = libpq.NewConn(&stream{data: cat(msg('C', cstr("SELECT 0")), ready, rowDesc("x"))})
	c.Exec("SELECT 1")
	c.ConsumeInput()
	notices := strings.Join(c.Notices(), "")
	wantTemplate(t, "reply while idle", notices, `message type 0x%02x arrived from server while idle`)
	if !strings.Contains(notices, "0x54") {
		t.Errorf("notice %q is not about a RowDescription", notices)
	}
}

// sqlaWorld is a world with a fakepg server and an engine on it.
func sqlaWorld(t *testing.T, kw ...sqla.Kwarg) (*sim.World, *sqla.Engine) {
	t.Helper()
	w := sim.New(sim.Random(7), sim.MaxSteps(400000))
	if _, err := fakepg.StartSim(w, "db", "db:5432", fakepg.Config{}); err != nil {
		t.Fatal(err)
	}
	eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: psycopg.Driver{}}, "postgresql+psycopg2://app@db:5432/app",
		append(sqla.K("_initialize", false), kw...)...)
	if err != nil {
		t.Fatal(err)
	}
	return w, eng
}

// interlope writes a query straight onto the connection's socket, as
// another writer sharing it would.
func interlope(c *sqla.Connection, sql string) {
	b, err := (&pgproto3.Query{String: sql}).Encode(nil)
	if err != nil {
		panic(err)
	}
	if _, err := c.DBAPI().(*psycopg.Conn).Socket().Write(b); err != nil {
		panic(err)
	}
}

// TestTemplatesMatchSQLAlchemy produces SQLAlchemy's and its pools' texts
// with the simulated engine and matches them against the templates.
func TestTemplatesMatchSQLAlchemy(t *testing.T) {
	kv := sqla.Select("SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = 'a'", "kv_k", "kv_v")
	var errs []string
	note := func(err error) {
		if err == nil {
			errs = append(errs, "")
			return
		}
		errs = append(errs, err.Error())
	}
	for _, cext := range []bool{false, true} {
		w := sim.New(sim.Random(7), sim.MaxSteps(400000))
		if _, err := fakepg.StartSim(w, "db", "db:5432", fakepg.Config{}); err != nil {
			t.Fatal(err)
		}
		eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: psycopg.Driver{}, CExtensions: cext},
			"postgresql+psycopg2://app@db:5432/app", sqla.K("_initialize", false)...)
		if err != nil {
			t.Fatal(err)
		}
		w.Go("app", func() {
			c, err := eng.Connect()
			if err != nil {
				panic(err)
			}
			if _, err := c.Execute(sqla.Text("insert into kv values ('a', 1), ('b', 2)")); err != nil {
				panic(err)
			}
			// A select that reads a reply without rows.
			if !cext {
				r, err := c.Execute(sqla.Select("SET search_path TO public", "x"))
				if err != nil {
					panic(err)
				}
				_, err = r.FetchOne()
				note(err)
			}
			// A select that reads another, narrower query's rows.
			if r, err := c.Execute(kv); err == nil {
				r.First()
			}
			interlope(c, "SELECT k FROM kv WHERE k = 'b'")
			r, err := c.Execute(kv)
			if err != nil {
				note(err)
				return
			}
			row, err := r.First()
			if err == nil {
				_, err = row.Key("kv_v")
			}
			note(err)
		})
		w.Run()
	}
	if len(errs) != 3 {
		t.Fatalf("errors %q", errs)
	}
	wantTemplate(t, "select without rows", errs[0], `This result object does not return rows. It has been closed automatically.`)
	wantTemplate(t, "narrow row", errs[1], `tuple index out of range`)
	wantTemplate(t, "narrow row, C extensions", errs[2], `number of values in row (%d) differ from number of column processors (%d)`)

	// An exhausted QueuePool.
	w, eng := sqlaWorld(t, sqla.K("pool_size", 1, "max_overflow", 0, "pool_timeout", 0.25)...)
	var timeout string
	w.Go("holder", func() {
		if _, err := eng.Connect(); err != nil {
			panic(err)
		}
		w.Sleep(time.Second)
	})
	w.Go("waiter", func() {
		w.Sleep(time.Millisecond)
		if _, err := eng.Connect(); err != nil {
			timeout = err.Error()
		}
	})
	w.Run()
	wantTemplate(t, "exhausted pool", timeout, `QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f`)
	if !strings.Contains(timeout, "size 1 overflow 0") || !strings.Contains(timeout, "timeout 0.25") {
		t.Errorf("exhausted pool: %q", timeout)
	}
}

// TestTemplatesMatchSimulatedRuns runs the scenarios whose designs break
// and checks every error text the application saw or logged: each that
// carries a symptom text the scenarios count matches a template, and the
// templates these designs are known for are matched in full somewhere.
func TestTemplatesMatchSimulatedRuns(t *testing.T) {
	runs := []struct {
		name  string
		split string
		seeds int
	}{
		{"preload-touch-db", "", 3}, {"preload-touch-db", "bytes", 2}, {"celery-prefork", "", 3},
		{"threads-libpq-shared", "", 3}, {"threads-libpq-shared", "bytes", 6}, {"threads-assertionpool", "", 4},
		{"goroutines-pgx-shared", "", 1}, {"gthread-nullpool-max-connections-4", "", 1},
		{"preload-post-fork-dispose-close", "", 2}, {"preload-background-thread", "", 3},
	}
	full := map[string]bool{}   // lookup only
	unknown := map[string]int{} // lookup only
	for _, rc := range runs {
		s, err := scenario.Lookup(rc.name)
		if err != nil {
			t.Fatal(err)
		}
		if rc.split != "" {
			s.Run.Split = rc.split
		}
		for seed := uint64(1); seed <= uint64(rc.seeds); seed++ {
			r := scenario.RunSeed(s, seed)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			ev := RunEvidence(r)
			for _, m := range ev.Matches {
				if m.Partial < m.Count {
					full[m.Template] = true
				}
			}
			for _, u := range ev.Unknown {
				unknown[u.Text] += u.Count
				for _, st := range scenario.SymptomTexts {
					if strings.Contains(u.Text, st) {
						t.Errorf("%s seed %d: %q carries %q but matches no template", rc.name, seed, u.Text, st)
					}
				}
			}
			// Every matched template's key is in the text the scenario
			// package counts as a symptom of the same run.
			symptoms := r.Symptoms()
			for _, m := range ev.Matches {
				tp := Find(m.Template)
				seen := false
				for _, k := range tp.Keys {
					seen = seen || symptoms[k] > 0
				}
				isSymptom := false
				for _, k := range tp.Keys {
					for _, st := range scenario.SymptomTexts {
						isSymptom = isSymptom || k == st
					}
				}
				if isSymptom && !seen {
					t.Errorf("%s seed %d: %q matched, but the run's symptoms %v lack it", rc.name, seed, m.Template, symptoms)
				}
			}
		}
	}
	for _, f := range []string{
		`lost synchronization with server: got message type "%c", length %d`,
		"server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.",
		`no connection to the server`, `invalid socket`,
		`error with status %s and no message from the libpq`, `tuple index out of range`,
		`connection is already checked out`, `conn busy`, `sorry, too many clients already`, `WORKER TIMEOUT (pid:%d)`,
	} {
		if !full[f] {
			t.Errorf("no run's text matches %q in full", f)
		}
	}
	t.Logf("texts no template matches: %v", unknown)
}
