package psycopg_test

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync" //poolsim:allow sync -- the real-TCP side of a fidelity test, never under the simulator
	"testing"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// python is the interpreter whose dist-packages hold Debian's
// python3-psycopg2 (2.9.5).
const python = "/usr/bin/python3"

// fidelityScript runs the error cases with the real psycopg2 and prints
// one JSON object per case: the exception's qualified class and str().
const fidelityScript = `
import json, sys, psycopg2
port = int(sys.argv[1])
def connect():
    return psycopg2.connect(host='127.0.0.1', port=port, user='postgres', dbname='postgres')
def report(case, f):
    try:
        f()
        out = {"case": case, "class": "", "msg": ""}
    except Exception as e:
        out = {"case": case, "class": type(e).__module__ + "." + type(e).__qualname__, "msg": str(e)}
    print(json.dumps(out), flush=True)
c = connect()
cur = c.cursor()
cur.execute("INSERT INTO kv VALUES ('a', 1)")
c.commit()
report("unique violation", lambda: cur.execute("INSERT INTO kv VALUES ('a', 1)"))
report("in failed transaction", lambda: cur.execute("SELECT 1"))
c.rollback()
report("syntax error", lambda: cur.execute("SELEC 1"))
c.rollback()
cur.execute("INSERT INTO kv VALUES ('b', 2)")
report("no results to fetch", lambda: cur.fetchone())
c.rollback()
c.close()
report("cursor after close", lambda: cur.execute("SELECT 1"))
report("connection already closed", lambda: c.cursor())
c = connect()
cur = c.cursor()
cur.execute("SELECT 1")
print(json.dumps({"case": "ready"}), flush=True)
sys.stdin.readline()
report("server closed the connection", lambda: cur.execute("SELECT 2"))
report("after the loss", lambda: cur.execute("SELECT 3"))
`

// outcome is one case's exception.
type outcome struct {
	Case, Class, Msg string
}

// trackingListener remembers the connections it accepted, so that a test
// can close them from the server's side.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
}

// realPsycopg2 runs fidelityScript against fakepg served on TCP.
func realPsycopg2(t *testing.T) []outcome {
	if err := exec.Command(python, "-c", "import psycopg2").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot import psycopg2 (python3-psycopg2): %v", python, err)
		}
		t.Skipf("%s cannot import psycopg2: %v", python, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := &trackingListener{Listener: ln}
	srv := fakepg.NewServer(engine.RealRuntime{}, fakepg.Config{})
	served := make(chan error, 1)
	//poolsim:allow go -- serves real TCP for the real psycopg2, outside the simulator
	go func() { served <- srv.Serve(tl) }()
	defer func() {
		ln.Close()
		tl.closeAll()
		<-served
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	cmd := exec.Command(python, "-c", fidelityScript, port)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var got []outcome
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var o outcome
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		if o.Case == "ready" {
			tl.closeAll()
			stdin.Write([]byte("go\n"))
			continue
		}
		got = append(got, o)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("psycopg2 script: %v\n%s", err, stderr.String())
	}
	return got
}

// modelPsycopg runs the same cases with driver/psycopg in a simulated
// world; the backend process is killed where the TCP test closes the
// server's side of the connection.
func modelPsycopg(t *testing.T) []outcome {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var got []outcome
	report := func(name string, err error) {
		o := outcome{Case: name}
		if e, ok := err.(*driver.Error); ok {
			o.Class, o.Msg = e.Class, e.Message
		} else if err != nil {
			o.Class, o.Msg = "?", err.Error()
		}
		got = append(got, o)
	}
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		s.must(cur, "INSERT INTO kv VALUES ('a', 1)")
		c.Commit()
		report("unique violation", cur.Execute("INSERT INTO kv VALUES ('a', 1)"))
		report("in failed transaction", cur.Execute("SELECT 1"))
		c.Rollback()
		report("syntax error", cur.Execute("SELEC 1"))
		c.Rollback()
		s.must(cur, "INSERT INTO kv VALUES ('b', 2)")
		_, err := cur.FetchOne()
		report("no results to fetch", err)
		c.Rollback()
		c.Close()
		report("cursor after close", cur.Execute("SELECT 1"))
		_, err = c.Cursor()
		report("connection already closed", err)
		c = s.open()
		cur = s.cursor(c)
		s.must(cur, "SELECT 1")
		for _, p := range s.w.Processes() {
			if p.Path() == "db/backend#2" {
				p.Kill()
			}
		}
		report("server closed the connection", cur.Execute("SELECT 2"))
		report("after the loss", cur.Execute("SELECT 3"))
	})
	simtest.Run(t, s.w)
	return got
}

// TestFidelityToRealPsycopg2: for each error case the model raises the
// class real psycopg2 2.9.5 raises against the same server, with the same
// str(exc).
func TestFidelityToRealPsycopg2(t *testing.T) {
	real := realPsycopg2(t)
	model := modelPsycopg(t)
	if len(real) != len(model) {
		t.Fatalf("%d real cases, %d model cases", len(real), len(model))
	}
	for i := range real {
		if real[i] != model[i] {
			t.Errorf("%s:\n real  %s: %q\n model %s: %q", real[i].Case, real[i].Class, real[i].Msg, model[i].Class, model[i].Msg)
		}
	}
}

// TestFidelityTooManyClients: a connection refused for max_connections
// raises the OperationalError real psycopg2 raises, with libpq's
// "connection to server at ..." prefix naming the server it tried.
func TestFidelityTooManyClients(t *testing.T) {
	if err := exec.Command(python, "-c", "import psycopg2").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot import psycopg2 (python3-psycopg2): %v", python, err)
		}
		t.Skipf("%s cannot import psycopg2: %v", python, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := fakepg.NewServer(engine.RealRuntime{}, fakepg.Config{MaxConnections: 1})
	served := make(chan error, 1)
	//poolsim:allow go -- serves real TCP for the real psycopg2, outside the simulator
	go func() { served <- srv.Serve(ln) }()
	hold, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := libpq.Connect(hold, map[string]string{"user": "postgres"}); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	out, err := exec.Command(python, "-c", `
import json, sys, psycopg2
try:
    psycopg2.connect(host='127.0.0.1', port=int(sys.argv[1]), user='postgres', dbname='postgres')
    print(json.dumps({"class": "", "msg": ""}))
except Exception as e:
    print(json.dumps({"class": type(e).__module__ + "." + type(e).__qualname__, "msg": str(e)}))
`, port).Output()
	hold.Close()
	ln.Close()
	<-served
	if err != nil {
		t.Fatal(err)
	}
	var real outcome
	if err := json.Unmarshal(out, &real); err != nil {
		t.Fatalf("%q: %v", out, err)
	}

	w, _ := simtest.World(t, sim.Zeros(), fakepg.Config{MaxConnections: 1})
	var modelErr error
	w.Go("app", func() {
		c, err := psycopg.Driver{}.Open(simtest.Target(w))
		if err != nil {
			t.Error(err)
			return
		}
		_, modelErr = psycopg.Driver{}.Open(simtest.Target(w))
		c.Close()
	})
	simtest.Run(t, w)
	e, ok := modelErr.(*driver.Error)
	if !ok {
		t.Fatalf("model: %v", modelErr)
	}
	// the same text but for the server libpq tried
	realMsg := strings.Replace(real.Msg, `"127.0.0.1", port `+port, `"db", port 5432`, 1)
	if e.Class != real.Class || e.Message != realMsg {
		t.Errorf("real  %s: %q\nmodel %s: %q", real.Class, realMsg, e.Class, e.Message)
	}
}
