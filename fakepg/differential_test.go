package fakepg

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// TestMain shares one real PostgreSQL cluster among the differential
// tests (started only if one of them runs).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// startTCP serves a fresh fake server on a loopback port.
func startTCP(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	srv := NewServer(engine.RealRuntime{}, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		srv.Serve(ln)
		close(done)
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return srv, ln.Addr().String()
}

// differential runs script against a real PostgreSQL 15 and against a
// fresh fake server and fails with the diff of their transcripts. The
// transcripts are normalized as package pgtest documents: the
// server_version value, BackendKeyData, masked values (pg_backend_pid),
// the F, L and R error fields, and deadlock report process and
// transaction numbers.
func differential(t *testing.T, script pgtest.Script) {
	t.Helper()
	real := pgtest.StartPostgres(t)
	real.Reset(t)
	want := pgtest.Run(t, real.Addr(), script)
	_, addr := startTCP(t, Config{})
	got := pgtest.Run(t, addr, script)
	if d := pgtest.Diff(want, got); d != "" {
		t.Errorf("fake server differs from PostgreSQL (- real, + fake):\n%s", d)
	}
}

func TestDifferentialSimpleQueries(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"application_name": "poolsim"}),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "select 1 as one, 'a' as b, null::text, 2 + 3 * 4, -7 / 2, 7 % 3, 'x' || 1"),
		pgtest.Query("s", "SELECT 1; SELECT 2; SELECT 'three'"),
		pgtest.Query("s", ""),
		pgtest.Query("s", " ; -- nothing"),
		pgtest.Query("s", "SELECT true, false, 1 = 1, 1 < 2 AND 2 > 3, NOT true, 1::bigint, '42'::int8, 2147483648"),
		pgtest.Query("s", "SELECT pg_sleep(0)"),
		pgtest.Query("s", "SELECT pg_backend_pid()").Mask(),
		pgtest.Query("s", "SELECT 1 FROM kv"),
		pgtest.Query("s", "SELECT count(*) FROM kv"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialKV(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1), ('b', 2)"),
		pgtest.Query("s", "INSERT INTO kv (k, v) VALUES ('c', NULL) RETURNING k, v"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "SELECT * FROM kv ORDER BY v DESC"),
		pgtest.Query("s", "SELECT v FROM kv WHERE k = 'a'"),
		pgtest.Query("s", "SELECT count(*), count(v) FROM kv"),
		pgtest.Query("s", "UPDATE kv SET v = v + 10 WHERE k = 'a' RETURNING v"),
		pgtest.Query("s", "UPDATE kv SET v = 0 WHERE k = 'zzz'"),
		pgtest.Query("s", "DELETE FROM kv WHERE k = 'b'"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 5) ON CONFLICT (k) DO UPDATE SET v = excluded.v + kv.v RETURNING k, v"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 5) ON CONFLICT DO NOTHING"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 5)"),
		pgtest.Query("s", "INSERT INTO kv VALUES (NULL, 5)"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('d', 'x')"),
		pgtest.Query("s", "DELETE FROM kv RETURNING k"),
		pgtest.Query("s", "SELECT k FROM kv ORDER BY k LIMIT 1"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialErrors(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SELEC 1"),
		pgtest.Query("s", "SELECT * FROM nope"),
		pgtest.Query("s", "SELECT nope FROM kv"),
		pgtest.Query("s", "SELECT kv.nope FROM kv"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k = 1"),
		pgtest.Query("s", "SELECT 1 +"),
		pgtest.Query("s", "SELECT 'unterminated"),
		pgtest.Query("s", "SELECT 1/0"),
		pgtest.Query("s", "SELECT nosuchfunc(1)"),
		pgtest.Query("s", "INSERT INTO kv (k, nope) VALUES ('a', 1)"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1, 2)"),
		pgtest.Query("s", "SELECT k, count(*) FROM kv"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1), ('b')"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('short') RETURNING *"),
		pgtest.Query("s", "INSERT INTO kv (k, v) VALUES ('short')"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1) ON CONFLICT DO UPDATE SET v = 2"),
		pgtest.Query("s", "SELECT $0"),
		pgtest.Query("s", "SELECT v FROM kv WHERE k = $1"),
		pgtest.Query("s", "SELECT 1; SELECT * FROM nope; SELECT 2"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)"),
		pgtest.Query("s", "SELECT k, 10 / (v - 2) FROM kv"),
		pgtest.Query("s", "SELECT k, 10 / (v - 2) FROM kv ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv WHERE 10 / (v - 3) > 0"),
		pgtest.Query("s", "UPDATE kv SET v = 10 / (v - 2) RETURNING k, v"),
		pgtest.Query("s", "SELECT k, 10 / (v - 2) FROM kv LIMIT 1"),
		pgtest.Query("s", "SELECT 1 WHERE 1/0 = 1"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialTransactions(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "START TRANSACTION ISOLATION LEVEL READ COMMITTED"),
		pgtest.Query("s", "SELECT * FROM nope"),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "BEGIN; UPDATE kv SET v = 2 WHERE k = 'a'; END"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('b', 1); SELECT * FROM nope"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('c', 1); COMMIT; SELECT 1"),
		pgtest.Query("s", "BEGIN; ROLLBACK; ABORT"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SELECT 1/0"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialSettings(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SET application_name = 'worker-1'"),
		pgtest.Query("s", "SHOW application_name"),
		pgtest.Query("s", "SHOW timezone"),
		pgtest.Query("s", "SET statement_timeout = 5000"),
		pgtest.Query("s", "SHOW statement_timeout"),
		pgtest.Query("s", "RESET statement_timeout"),
		pgtest.Query("s", "SHOW statement_timeout"),
		pgtest.Query("s", "SET nope = 1"),
		pgtest.Query("s", "SHOW nope"),
		pgtest.Query("s", "SET server_version = '1'"),
		pgtest.Query("s", "SET LOCAL statement_timeout = 1000"),
		pgtest.Query("s", "BEGIN; SET application_name = 'inside'; ROLLBACK"),
		pgtest.Query("s", "SHOW application_name"),
		pgtest.Query("s", "SET TIME ZONE 'UTC'"),
		pgtest.Query("s", "RESET ALL"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialExtended(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)"),
		pgtest.Parse("s", "get", "SELECT k, v FROM kv WHERE v >= $1 ORDER BY k").NoWait(),
		pgtest.Describe("s", 'S', "get").NoWait(),
		pgtest.Bind("s", "", "get", pgtest.Text("2")).NoWait(),
		pgtest.Describe("s", 'P', "").NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "get", "SELECT 1").NoWait(),
		pgtest.Bind("s", "", "get", pgtest.Text("2")).NoWait(),
		pgtest.Sync("s"),
		pgtest.Bind("s", "", "missing", nil).NoWait(),
		pgtest.Sync("s"),
		pgtest.Execute("s", "nope", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Close("s", 'S', "never-prepared").NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "UPDATE kv SET v = $2 WHERE k = $1 RETURNING v").NoWait(),
		pgtest.Describe("s", 'S', "").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("a", "100")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("b", "not a number")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Parse("s", "", "").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "BEGIN").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "SELECT * FROM nope").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Send("s", &pgproto3.Parse{Query: "SELECT $1::bigint + 1"}, &pgproto3.Bind{
			ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 0, 0, 0, 0, 41}}, ResultFormatCodes: []int16{1}},
			&pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialWideTable(t *testing.T) {
	orm := "SELECT activity_1.id AS activity_1_id, activity_1.name AS activity_1_name, " +
		"activity_1.kind AS activity_1_kind, activity_1.owner AS activity_1_owner, " +
		"activity_1.payload AS activity_1_payload, activity_1.created AS activity_1_created " +
		"FROM activity AS activity_1 WHERE activity_1.id = $1"
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO activity VALUES (1, 'deploy', 'job', 'ops', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '2024-01-01')"),
		pgtest.Parse("s", "", orm).NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("1")).NoWait(),
		pgtest.Describe("s", 'P', "").NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SELECT a.name FROM activity a WHERE activity.id = 1"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialRowLocks(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "UPDATE kv SET v = v + 1 WHERE k = 'a'"),
		pgtest.Query("s2", "UPDATE kv SET v = v * 10 WHERE k = 'a' RETURNING v").NoWait(),
		pgtest.Idle("s2", 200*time.Millisecond),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DELETE FROM kv WHERE k = 'b'"),
		pgtest.Query("s2", "UPDATE kv SET v = 5 WHERE k = 'b'").NoWait(),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('c', 1)"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('c', 2) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v RETURNING v").NoWait(),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

func TestDifferentialDeadlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s2", "BEGIN"),
		pgtest.Query("s1", "UPDATE kv SET v = 2 WHERE k = 'a'"),
		pgtest.Query("s2", "UPDATE kv SET v = 3 WHERE k = 'b'"),
		pgtest.Query("s1", "UPDATE kv SET v = 2 WHERE k = 'b'").NoWait(),
		pgtest.Idle("s1", 200*time.Millisecond),
		pgtest.Query("s2", "UPDATE kv SET v = 3 WHERE k = 'a'"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

func TestDifferentialGarbledInput(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("bad-type", nil),
		pgtest.Raw("bad-type", []byte("Zxxxx")).UntilClose(),
		pgtest.Connect("bad-length", nil),
		pgtest.Raw("bad-length", []byte{'Q', 0, 0, 0, 2}).UntilClose(),
		pgtest.Connect("ity", nil),
		pgtest.Raw("ity", []byte("ity_1_id\x00")).UntilClose(),
		pgtest.Dial("no-user"),
		pgtest.Startup("no-user", map[string]string{"database": "postgres"}).UntilClose(),
		pgtest.Dial("ssl"),
		pgtest.SSLRequest("ssl"),
		pgtest.Startup("ssl", map[string]string{"user": "postgres"}),
		pgtest.Terminate("ssl"),
		pgtest.Dial("v2"),
		pgtest.Raw("v2", []byte{0, 0, 0, 8, 0, 2, 0, 0}).UntilClose(),
	})
}
