package sqla_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// systemPython is Debian's interpreter, the one python3-sqlalchemy and
// python3-psycopg2 install into.
const systemPython = "/usr/bin/python3"

// fidelityScript is the workload on the real stack.
var fidelityScript = filepath.Join("testdata", "fidelity_workload.py")

// The workload's statements, as testdata/fidelity_workload.py has them.
const (
	fidelityCreate = "CREATE TABLE fidelity (k text PRIMARY KEY, v integer NOT NULL)"
	fidelityRead   = "SELECT fidelity.k, fidelity.v FROM fidelity WHERE fidelity.k = :k"
	fidelityWrite  = "INSERT INTO fidelity (k, v) VALUES (:k, :v)"
)

// fidelityOutcome is what the workload reports besides the wire: the rows
// read before and after, and the text of the unique violation as str(exc)
// prints it.
type fidelityOutcome struct {
	SQLAlchemy string  `json:"sqlalchemy"`
	Psycopg2   string  `json:"psycopg2"`
	Before     [][]any `json:"before"`
	Error      *string `json:"error"`
	After      [][]any `json:"after"`
}

// TestFidelityToRealStack runs one workload twice against fakepg and
// requires the server to receive the same frontend messages both times:
// once by Debian's real SQLAlchemy 1.4.46 and psycopg2 2.9.5
// (testdata/fidelity_workload.py, over loopback TCP to fakepg.Server.Serve)
// and once by this module's sqla + pool + driver/psycopg in a simulated
// world against fakepg.StartSim (fidelityWorkload). The workload: a
// default create_engine with pool_pre_ping=True (QueuePool, the dialect's
// first-connect initialisation with use_native_hstore), a CREATE TABLE in
// engine.begin(), then one Session: a read and a write, commit; a write
// that violates the primary key, rollback; a read, close (the checkin's
// reset on return); engine.dispose(). The rows read and the
// IntegrityError's text must agree too.
//
// The real side's messages are recorded by wrapping the accepted net.Conn
// (recordingListener) and decoding what the server read; the model's from
// the bytes its psycopg2 connection writes (psycopg.Options.OnSend),
// checked message by message against the types the server's ground truth
// (fakepg.Server.Truth) says it received. Each message is compared as
// its type, with a Query's whole text and a StartupMessage's parameters.
//
// Normalisations, and nothing else:
//   - The real libpq's SSLRequest before the StartupMessage is dropped: it
//     runs with sslmode=prefer, fakepg refuses SSL with 'N' and the
//     exchange goes on in the clear, as it always does with the model's
//     libpq (which never asks for SSL). At most one SSLRequest, first on
//     its connection, is dropped.
//   - A StartupMessage's parameters are compared sorted by name (libpq
//     sends user before database; the model sends its keys in sorted
//     order); their names and values are compared exactly.
//   - Host and port differ (127.0.0.1:random versus db:5432); neither is
//     on the wire. Backend PIDs and secret keys are never compared.
//
// Under CI=true a missing /usr/bin/python3, SQLAlchemy 1.4 or psycopg2
// fails the test; otherwise it skips.
func TestFidelityToRealStack(t *testing.T) {
	requirePythonStack(t)
	realWire, realOut := runRealWorkload(t)
	simWire, simOut := runModelWorkload(t)
	if len(realWire) != 1 || len(simWire) != 1 {
		t.Fatalf("connections: real stack %d, model %d; the workload needs one", len(realWire), len(simWire))
	}
	r, m := normaliseFrontend(t, realWire[0]), normaliseFrontend(t, simWire[0])
	if !equal(r, m) {
		t.Errorf("frontend messages differ (- real, + model):\n%s", diffLines(r, m))
	}
	t.Logf("frontend messages (normalised):\n%s", diffLines(r, r))
	if len(r) < 20 {
		t.Errorf("the real stack sent only %q", r)
	}
	for _, cmp := range []struct {
		what       string
		real, simv any
	}{{"rows before", realOut.Before, simOut.Before}, {"rows after", realOut.After, simOut.After}, {"error", realOut.Error, simOut.Error}} {
		a, _ := json.Marshal(cmp.real)
		b, _ := json.Marshal(cmp.simv)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: real stack %s, model %s", cmp.what, a, b)
		}
	}
	if realOut.Error == nil {
		t.Errorf("the real stack saw no unique violation")
	}
}

// requirePythonStack skips (or under CI=true fails) unless Debian's python3
// imports SQLAlchemy 1.4 and psycopg2.
func requirePythonStack(t *testing.T) {
	t.Helper()
	miss := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the real stack is missing under CI: %s", why)
		}
		t.Skipf("the real stack is missing: %s", why)
	}
	if _, err := os.Stat(systemPython); err != nil {
		miss(err.Error())
	}
	out, err := exec.Command(systemPython, "-c", "import sqlalchemy, psycopg2; print(sqlalchemy.__version__)").CombinedOutput()
	if err != nil {
		miss(strings.TrimSpace(string(out)))
	}
	if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, "1.4.") {
		miss("SQLAlchemy " + v + ", not 1.4")
	}
}

// runRealWorkload serves a fresh fakepg on loopback, runs the Python
// workload against it and returns the bytes each accepted connection
// delivered to the server, with the script's report.
func runRealWorkload(t *testing.T) ([][]byte, fidelityOutcome) {
	t.Helper()
	srv := fakepg.NewServer(engine.RealRuntime{}, fakepg.Config{})
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &recordingListener{Listener: inner}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	cmd := exec.Command(systemPython, fidelityScript, "postgresql+psycopg2://app@"+inner.Addr().String()+"/app")
	cmd.Env = pythonEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := runWithTimeout(cmd, time.Minute)
	inner.Close()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if runErr != nil {
		t.Fatalf("%s: %v\n%s", fidelityScript, runErr, stderr.String())
	}
	var out fidelityOutcome
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("%s printed %q: %v", fidelityScript, stdout.String(), err)
	}
	t.Logf("real stack: SQLAlchemy %s, psycopg2 %s", out.SQLAlchemy, out.Psycopg2)
	return ln.received(), out
}

// pythonEnv is the test's environment without libpq's PG* variables
// (which would change what libpq sends) and without writing bytecode.
func pythonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "PYTHON") {
			env = append(env, kv)
		}
	}
	return append(env, "PYTHONDONTWRITEBYTECODE=1")
}

// runWithTimeout runs cmd, killing it after d.
func runWithTimeout(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	timer := time.AfterFunc(d, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	return cmd.Wait()
}

// fidelityWorkload is testdata/fidelity_workload.py through package sqla.
func fidelityWorkload(eng *sqla.Engine) (out fidelityOutcome) {
	c := must(eng.Connect())
	tx := must(c.Begin())
	must(c.Execute(sqla.Text(fidelityCreate)))
	if err := tx.Commit(); err != nil {
		panic(err)
	}
	_ = c.Close()
	s := sqla.NewSession(eng)
	out.Before = rowValues(must(s.Execute(sqla.Text(fidelityRead), sqla.P("k", "a")...)))
	must(s.Execute(sqla.Text(fidelityWrite), sqla.P("k", "a", "v", 1)...))
	if err := s.Commit(); err != nil {
		panic(err)
	}
	if _, err := s.Execute(sqla.Text(fidelityWrite), sqla.P("k", "a", "v", 2)...); err != nil {
		if !exc.IsA(err, exc.IntegrityError) {
			panic(err)
		}
		text := err.Error()
		out.Error = &text
		if err := s.Rollback(); err != nil {
			panic(err)
		}
	}
	out.After = rowValues(must(s.Execute(sqla.Text(fidelityRead), sqla.P("k", "a")...)))
	if err := s.Close(); err != nil {
		panic(err)
	}
	eng.Dispose(true)
	return out
}

// rowValues is [list(r) for r in result.all()].
func rowValues(r *sqla.Result) [][]any {
	rows := must(r.All())
	out := [][]any{}
	for _, row := range rows {
		out = append(out, row.Values())
	}
	return out
}

// runModelWorkload runs fidelityWorkload in a simulated world against
// fakepg and returns, per connection the server admitted, the bytes the
// model's psycopg2 wrote to it, after checking them against the types of
// the messages the server's ground truth says it received.
func runModelWorkload(t *testing.T) ([][]byte, fidelityOutcome) {
	t.Helper()
	w := sim.New(sim.Random(8), sim.MaxSteps(400000))
	srv, err := fakepg.StartSim(w, "db", "db:5432", fakepg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var sent []byte
	drv := psycopg.Driver{Options: psycopg.Options{OnSend: func(p []byte) { sent = append(sent, p...) }}}
	eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: drv, CExtensions: true}, url, sqla.K("pool_pre_ping", true)...)
	if err != nil {
		t.Fatal(err)
	}
	var out fidelityOutcome
	w.Go("app", func() { out = fidelityWorkload(eng) })
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatalf("model run: %v", o)
	}
	var sessions []*fakepg.SessionTruth
	for _, s := range srv.Truth().Sessions {
		if s.PID != 0 {
			sessions = append(sessions, s)
		}
	}
	if len(sessions) != 1 {
		return make([][]byte, len(sessions)), out
	}
	msgs, err := decodeFrontend(sent)
	if err != nil {
		t.Fatalf("the model's bytes: %v", err)
	}
	var truth []string
	for _, m := range sessions[0].Startup {
		truth = append(truth, startupKind(m.Code))
	}
	for _, r := range sessions[0].Requests {
		for _, m := range r.Messages {
			if m.Fail != "" {
				t.Fatalf("the server could not frame a message: %s", m.Fail)
			}
			truth = append(truth, string(m.Type))
		}
	}
	var kinds []string
	for _, m := range msgs {
		kinds = append(kinds, m.kind)
	}
	if !equal(kinds, truth) {
		t.Fatalf("the model wrote\n%q\nbut the server received\n%q", kinds, truth)
	}
	return [][]byte{sent}, out
}

// frontendMessage is one decoded frontend message: its kind (the type
// byte, or "SSLRequest", "startup", "CancelRequest", "GSSENCRequest" for
// the packets without one) and its line for comparison.
type frontendMessage struct {
	kind, line string
}

// Startup packet codes.
const (
	protocol3     = 196608
	sslRequest    = 80877103
	gssencRequest = 80877104
	cancelRequest = 80877102
)

func startupKind(code uint32) string {
	switch code {
	case protocol3:
		return "startup"
	case sslRequest:
		return "SSLRequest"
	case gssencRequest:
		return "GSSENCRequest"
	case cancelRequest:
		return "CancelRequest"
	}
	return "unknown startup packet"
}

// decodeFrontend splits a client's stream into messages: startup packets
// (length, code) until a StartupMessage or CancelRequest, then typed
// messages. A Query's line is "Q " and its text; a StartupMessage's is
// "startup" and its name=value parameters in the order sent; any other
// message's is its type byte.
func decodeFrontend(b []byte) ([]frontendMessage, error) {
	var out []frontendMessage
	u32 := func(p []byte) uint32 { return uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3]) }
	startup := true
	for len(b) > 0 {
		if startup {
			if len(b) < 8 {
				return out, errors.New("a startup packet cut short")
			}
			n := int(u32(b))
			if n < 8 || n > len(b) {
				return out, errors.New("a startup packet's length is wrong")
			}
			code := u32(b[4:])
			m := frontendMessage{kind: startupKind(code)}
			m.line = m.kind
			if code == protocol3 {
				parts := strings.Split(strings.TrimRight(string(b[8:n]), "\x00"), "\x00")
				for i := 0; i+1 < len(parts); i += 2 {
					m.line += " " + parts[i] + "=" + parts[i+1]
				}
			}
			startup = code == sslRequest || code == gssencRequest
			out = append(out, m)
			b = b[n:]
			continue
		}
		if len(b) < 5 {
			return out, errors.New("a message cut short")
		}
		n := int(u32(b[1:]))
		if n < 4 || 1+n > len(b) {
			return out, errors.New("a message's length is wrong")
		}
		m := frontendMessage{kind: string(b[0]), line: string(b[0])}
		if b[0] == 'Q' {
			m.line = "Q " + strings.TrimSuffix(string(b[5:1+n]), "\x00")
		}
		out = append(out, m)
		b = b[1+n:]
	}
	return out, nil
}

// normaliseFrontend decodes a connection's stream and applies the test's
// documented normalisations: a leading SSLRequest dropped, a
// StartupMessage's parameters sorted.
func normaliseFrontend(t *testing.T, b []byte) []string {
	t.Helper()
	msgs, err := decodeFrontend(b)
	if err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	if len(msgs) > 0 && msgs[0].kind == "SSLRequest" {
		msgs = msgs[1:]
	}
	var out []string
	for _, m := range msgs {
		line := m.line
		if m.kind == "startup" {
			params := strings.Fields(strings.TrimPrefix(line, "startup"))
			sortStrings(params)
			line = strings.Join(append([]string{"startup"}, params...), " ")
		}
		out = append(out, line)
	}
	return out
}

// sortStrings sorts in place (insertion sort; the lists are short).
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// diffLines prints a and b with their common prefix and suffix once and
// the lines between as removed (from a) and added (from b).
func diffLines(a, b []string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	j := 0
	for j < len(a)-i && j < len(b)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	var sb strings.Builder
	line := func(mark, l string) { sb.WriteString(mark + " " + quoteLine(l) + "\n") }
	for _, l := range a[:i] {
		line(" ", l)
	}
	for _, l := range a[i : len(a)-j] {
		line("-", l)
	}
	for _, l := range b[i : len(b)-j] {
		line("+", l)
	}
	for _, l := range a[len(a)-j:] {
		line(" ", l)
	}
	return sb.String()
}

func quoteLine(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

// recordingListener is a loopback listener whose connections keep a copy
// of every byte the server reads from them.
type recordingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []*recordingConn
}

// Accept wraps the accepted connection.
func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	rc := &recordingConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns = append(l.conns, rc)
	l.mu.Unlock()
	return rc, nil
}

// received returns the bytes each connection delivered, in accept order.
func (l *recordingListener) received() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out [][]byte
	for _, c := range l.conns {
		out = append(out, append([]byte(nil), c.in...))
	}
	return out
}

// recordingConn is one connection of a recordingListener.
type recordingConn struct {
	net.Conn
	l  *recordingListener
	in []byte // guarded by l.mu
}

// Read reads from the connection and records what it read.
func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.mu.Lock()
	c.in = append(c.in, p[:n]...)
	c.l.mu.Unlock()
	return n, err
}
