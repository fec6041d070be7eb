package fakepg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Real applications: the Python programs in testdata/apps, written against
// PostgreSQL 15 with SQLAlchemy 1.4 and psycopg2 2.9 as an application
// would be, run against a throwaway real PostgreSQL 15 and against the
// fake server over TCP, and must print the same lines. The programs
// normalise what differs between servers and runs (see appout.py: the
// port in client error messages, the server version's minor part and
// build, process IDs never printed), and nothing else is normalised.
//
// Each run goes through a wireRecorder. When the outputs differ, the
// traffic of the real run is replayed to a real server and to a fresh
// fake as a pgtest script, and the test shows the transcript diff: the
// exact statements the fake answers differently, even those a run against
// the fake never reached.

// appsPython is Debian's interpreter, the one with python3-sqlalchemy and
// python3-psycopg2.
const appsPython = "/usr/bin/python3"

// The server settings the applications expect: max_connections (with the
// default superuser_reserved_connections of 3) small enough that the
// connection-limit steps end quickly, and a role that is not a superuser.
const (
	appsMaxConnections = 8
	appsRole           = "app"
)

// appsTables are the tables the applications create, dropped before each
// run on the real server (the fake starts fresh).
var appsTables = []string{"ledger"}

// pythonApps are the application scripts, in testdata/apps, each with
// lines its output against PostgreSQL must contain: a check that the
// application got as far as the steps that matter.
var pythonApps = []struct {
	script string
	marks  []string
}{
	{"psycopg2_app.py", []string{
		"named fetchmany: [(2, '1.0'), (3, '1e0')]",
		"held fetch after commit: [('a',), ('b',), ('e',)]",
		"repeatable read update: ! SerializationFailure 40001",
		"write with default read only: ! ReadOnlySqlTransaction 25006",
	}},
	{"sqlalchemy_app.py", []string{
		"first connect: (15, 'public', 'READ COMMITTED', False, False, 1)",
		"has_table after: [True, True, True]",
		"begin_nested: ('UniqueViolation', ['n1', 'n3'])",
		"yield_per: [(1, '1'), (2, '1.0'), (3, '1e0'), (4, '9'), (5, '10')]",
		"'SerializationFailure', '40001'",
		"FATAL:  remaining connection slots are reserved for non-replication superuser connections",
		"FATAL:  sorry, too many clients already",
	}},
}

// requirePythonApps returns the interpreter, after checking it has the
// modules and versions the applications are written for. It skips t, or
// fails it when CI is "true", if not.
func requirePythonApps(t *testing.T) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	out, err := exec.Command(appsPython, "-c",
		"import sqlalchemy, psycopg2; print(sqlalchemy.__version__, psycopg2.__version__.split()[0])").CombinedOutput()
	if err != nil {
		fail("%s with python3-sqlalchemy and python3-psycopg2 is needed: %v\n%s", appsPython, err, out)
		return ""
	}
	versions := strings.Fields(string(out))
	if len(versions) != 2 || !strings.HasPrefix(versions[0], "1.4.") || !strings.HasPrefix(versions[1], "2.9.") {
		fail("the applications are written for SQLAlchemy 1.4 and psycopg2 2.9; %s has %q", appsPython, out)
		return ""
	}
	t.Logf("%s: SQLAlchemy %s, psycopg2 %s", appsPython, versions[0], versions[1])
	return appsPython
}

func TestPythonAppsAgainstRealPostgres(t *testing.T) {
	python := requirePythonApps(t)
	real := pgtest.StartPostgresWith(t, fmt.Sprintf("max_connections=%d", appsMaxConnections))
	real.Exec(t, "CREATE ROLE "+appsRole+" LOGIN")
	resetReal := func(t *testing.T) {
		t.Helper()
		for _, table := range appsTables {
			real.Exec(t, "DROP TABLE IF EXISTS "+table)
		}
		real.Reset(t)
	}
	for _, tc := range pythonApps {
		app := tc.script
		t.Run(strings.TrimSuffix(app, ".py"), func(t *testing.T) {
			resetReal(t)
			realWire := startWireRecorder(t, real.Addr())
			want, err := runPythonApp(t, python, app, realWire.Addr())
			if err != nil {
				t.Fatalf("against PostgreSQL: %v\n%s", err, want)
			}
			for _, mark := range tc.marks {
				if !strings.Contains(want, mark) {
					t.Fatalf("against PostgreSQL the output lacks %q:\n%s", mark, want)
				}
			}
			// The fake is reached through a recorder too, so that both
			// runs see the same path.
			_, fakeAddr := startTCP(t, Config{MaxConnections: appsMaxConnections})
			got, err := runPythonApp(t, python, app, startWireRecorder(t, fakeAddr).Addr())
			if err != nil {
				got += fmt.Sprintf("<%v>\n", err)
			}
			if got == want {
				return
			}
			t.Errorf("%s prints differently against the fake (- real, + fake):\n%s", app, outputDiff(want, got))
			script, err := realWire.replayScript()
			if err != nil {
				t.Fatal(err)
			}
			resetReal(t)
			wantTr := pgtest.Run(t, real.Addr(), script)
			_, fakeAddr = startTCP(t, Config{MaxConnections: appsMaxConnections})
			gotTr := pgtest.Run(t, fakeAddr, script)
			if d := pgtest.Diff(wantTr, gotTr); d != "" {
				t.Errorf("the real run's traffic, replayed (- real, + fake):\n%s", d)
			}
		})
	}
}

// runPythonApp runs a script of testdata/apps against addr and returns its
// standard output; standard error, if any, is logged. An error reports a
// non-zero exit or a timeout.
func runPythonApp(t *testing.T, python, app, addr string) (string, error) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "apps"))
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-B", filepath.Join(dir, app),
		"--host", host, "--port", port, "--user", "postgres", "--role", appsRole,
		"--max-connections", fmt.Sprint(appsMaxConnections))
	cmd.Dir = dir
	// libpq reads PG* variables (PGHOST, PGSSLMODE, PGOPTIONS, ...); the
	// applications connect with exactly the parameters they give.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "PYTHON") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1", "PYTHONIOENCODING=utf-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	begin := time.Now()
	err = cmd.Run()
	t.Logf("%s against %s: %s", app, addr, time.Since(begin).Round(time.Millisecond))
	if stderr.Len() > 0 {
		t.Logf("%s standard error:\n%s", app, stderr.String())
	}
	if ctx.Err() != nil {
		err = errors.New("timed out")
	}
	return stdout.String(), err
}

// outputDiff shows two outputs line by line as a unified diff, reusing
// pgtest's transcript diff with one step holding the lines.
func outputDiff(want, got string) string {
	tr := func(label, out string) pgtest.Transcript {
		return pgtest.Transcript{Server: label, Entries: []pgtest.Entry{{
			Step: 1, Session: "out", Sent: "run",
			Recv: strings.Split(strings.TrimSuffix(out, "\n"), "\n"),
		}}}
	}
	return pgtest.Diff(tr("PostgreSQL", want), tr("fakepg", got))
}
