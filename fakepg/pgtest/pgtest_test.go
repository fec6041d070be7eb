package pgtest_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// TestMain shares one cluster among the tests of this package.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// start returns the shared cluster, emptied.
func start(t *testing.T) *pgtest.Cluster {
	t.Helper()
	c := pgtest.StartPostgres(t)
	c.Reset(t)
	return c
}

// wantRecv checks the lines collected by step n.
func wantRecv(t *testing.T, tr pgtest.Transcript, n int, want ...string) {
	t.Helper()
	if got := tr.Recv(n); !slices.Equal(got, want) {
		t.Errorf("step %d got\n\t%s\nwant\n\t%s\ntranscript:\n%s", n,
			strings.Join(got, "\n\t"), strings.Join(want, "\n\t"), tr)
	}
}

func TestConnectSelectTerminate(t *testing.T) {
	c := start(t)
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Query("s1", "SELECT 1"),
		pgtest.Terminate("s1"),
	})
	wantRecv(t, tr, 1,
		"R ok",
		"S application_name=",
		"S client_encoding=UTF8",
		"S DateStyle=ISO, MDY",
		"S default_transaction_read_only=off",
		"S in_hot_standby=off",
		"S integer_datetimes=on",
		"S IntervalStyle=postgres",
		"S is_superuser=on",
		"S server_encoding=UTF8",
		"S server_version=<version>",
		"S session_authorization=postgres",
		"S standard_conforming_strings=on",
		"S TimeZone=UTC",
		"K",
		"Z I",
	)
	wantRecv(t, tr, 2, `T [?column?:int4(23)]`, `D ["1"]`, `C "SELECT 1"`, "Z I")
	wantRecv(t, tr, 3, pgtest.Closed)
}

func TestStartPostgresWithSettings(t *testing.T) {
	c := pgtest.StartPostgresWith(t, "max_connections=7", "superuser_reserved_connections=2")
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Query("s1", "SHOW max_connections"),
		pgtest.Query("s1", "SHOW superuser_reserved_connections"),
		pgtest.Query("s1", "SELECT count(*) FROM kv"),
	})
	wantRecv(t, tr, 2, `T [max_connections:text(25)]`, `D ["7"]`, `C "SHOW"`, "Z I")
	wantRecv(t, tr, 3, `T [superuser_reserved_connections:text(25)]`, `D ["2"]`, `C "SHOW"`, "Z I")
	wantRecv(t, tr, 4, `T [count:int8(20)]`, `D ["0"]`, `C "SELECT 1"`, "Z I")
	if shared := start(t); shared.Addr() == c.Addr() {
		t.Errorf("StartPostgresWith returned the shared cluster %s", shared)
	}
}

func TestDuplicateKey(t *testing.T) {
	c := start(t)
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 2)"),
		pgtest.Query("s1", "SELECT k, v, NULL::text AS n FROM kv"),
	})
	wantRecv(t, tr, 2, `C "INSERT 0 1"`, "Z I")
	wantRecv(t, tr, 3,
		`E ERROR 23505 duplicate key value violates unique constraint "kv_pkey" | DETAIL Key (k)=(a) already exists. | SCHEMA public | TABLE kv | CONSTRAINT kv_pkey`,
		"Z I")
	wantRecv(t, tr, 4, `T [k:text(25) v:int8(20) n:text(25)]`, `D ["a" "1" NULL]`, `C "SELECT 1"`, "Z I")
}

func TestTransactionNoticeAndSyntaxError(t *testing.T) {
	c := start(t)
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SELEC 1"),
		pgtest.Query("s1", "SELECT 1"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s1", ""),
	})
	wantRecv(t, tr, 2, `C "BEGIN"`, "Z T")
	wantRecv(t, tr, 3, "N WARNING 25001 there is already a transaction in progress", `C "BEGIN"`, "Z T")
	wantRecv(t, tr, 4, `E ERROR 42601 syntax error at or near "SELEC" | POS 1`, "Z E")
	wantRecv(t, tr, 5, "E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block", "Z E")
	wantRecv(t, tr, 6, `C "ROLLBACK"`, "Z I")
	wantRecv(t, tr, 7, "I", "Z I")
}

// TestRowLock is the two-session lock script: s2's UPDATE blocks on the
// row s1 updated, and completes only after s1's COMMIT.
func TestRowLock(t *testing.T) {
	c := start(t)
	c.Exec(t, "INSERT INTO kv VALUES ('a', 1)")
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "UPDATE kv SET v = 2 WHERE k = 'a'"),
		pgtest.Query("s2", "UPDATE kv SET v = v + 10 WHERE k = 'a'").NoWait(),
		pgtest.Idle("s2", 300*time.Millisecond),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "SELECT v FROM kv"),
	})
	wantRecv(t, tr, 4, `C "UPDATE 1"`, "Z T")
	wantRecv(t, tr, 5)
	wantRecv(t, tr, 6) // still blocked
	wantRecv(t, tr, 7, `C "COMMIT"`, "Z I")
	wantRecv(t, tr, 8, `C "UPDATE 1"`, "Z I")
	wantRecv(t, tr, 9, `T [v:int8(20)]`, `D ["12"]`, `C "SELECT 1"`, "Z I")
	if !strings.Contains(tr.String(), `#5 s2 > Q "UPDATE kv SET v = v + 10 WHERE k = 'a'" [nowait]`) {
		t.Errorf("step 5 not shown as nowait:\n%s", tr)
	}
}

func TestGarbage(t *testing.T) {
	c := start(t)
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Raw("s1", []byte("Zxxxx")).UntilClose(),
		pgtest.Query("s1", "SELECT 1"),
	})
	wantRecv(t, tr, 2, "E FATAL 08P01 invalid frontend message type 90", pgtest.Closed)
	wantRecv(t, tr, 3)
	if note := tr.Entries[2].Note; !strings.Contains(note, "not sent") {
		t.Errorf("step 3 note = %q, want not sent", note)
	}
}

func TestStartupPackets(t *testing.T) {
	c := start(t)
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Dial("s1"),
		pgtest.SSLRequest("s1"),
		pgtest.Startup("s1", map[string]string{"user": "postgres", "database": "postgres", "application_name": "pgtest"}),
		pgtest.Connect("s2", map[string]string{}),
		pgtest.Dial("s3"),
		pgtest.Raw("s3", []byte{0, 0, 0, 2}).UntilClose(), // invalid length: closed silently
	})
	wantRecv(t, tr, 2, "ssl N")
	if got := tr.Recv(3); len(got) != 16 || got[1] != "S application_name=pgtest" || got[15] != "Z I" {
		t.Errorf("startup after SSLRequest:\n%s", tr)
	}
	wantRecv(t, tr, 4, "E FATAL 28000 no PostgreSQL user name specified in startup packet", pgtest.Closed)
	wantRecv(t, tr, 6, pgtest.Closed)
}

func TestExtendedProtocol(t *testing.T) {
	c := start(t)
	script := pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Parse("s1", "ins", "INSERT INTO kv VALUES ($1, $2)", 25, 20),
		pgtest.Describe("s1", 'S', "ins"),
		pgtest.Bind("s1", "", "ins", pgtest.Text("a", "1")),
		pgtest.Execute("s1", "", 0),
		pgtest.Bind("s1", "", "ins", [][]byte{[]byte("b"), nil}),
		pgtest.Execute("s1", "", 0),
		pgtest.Sync("s1"),
		pgtest.Parse("s1", "", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Bind("s1", "p", "", nil),
		pgtest.Describe("s1", 'P', "p"),
		pgtest.Execute("s1", "p", 1),
		pgtest.Flush("s1").UntilCount(5),
		pgtest.Execute("s1", "p", 0),
		pgtest.Close("s1", 'P', "p"),
		pgtest.Sync("s1"),
		pgtest.Bind("s1", "", "missing", nil),
		pgtest.Execute("s1", "", 0),
		pgtest.Sync("s1"),
		pgtest.Query("s1", "SELECT pg_backend_pid()").Mask(),
	}
	tr := pgtest.Run(t, c.Addr(), script)
	wantRecv(t, tr, 8, "1", "t [25 20]", "n", "2", `C "INSERT 0 1"`, "2", `C "INSERT 0 1"`, "Z I")
	wantRecv(t, tr, 13, "1", "2", "T [k:text(25) v:int8(20)]", `D ["a" "1"]`, "s")
	wantRecv(t, tr, 16, `D ["b" NULL]`, `C "SELECT 1"`, "3", "Z I")
	wantRecv(t, tr, 19, `E ERROR 26000 prepared statement "missing" does not exist`, "Z I")
	wantRecv(t, tr, 20, "T [pg_backend_pid:int4(23)]", "D [<masked>]", `C "SELECT 1"`, "Z I")

	// The same script again gives the same transcript.
	c.Reset(t)
	again := pgtest.Run(t, c.Addr(), script)
	if d := pgtest.Diff(tr, again); d != "" {
		t.Errorf("second run differs:\n%s", d)
	}
}

func TestDeadlock(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for deadlock_timeout (1s)")
	}
	c := start(t)
	c.Exec(t, "INSERT INTO kv VALUES ('a', 1), ('b', 2)")
	tr := pgtest.Run(t, c.Addr(), pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s2", "BEGIN"),
		pgtest.Query("s1", "UPDATE kv SET v = 10 WHERE k = 'a'"),
		pgtest.Query("s2", "UPDATE kv SET v = 20 WHERE k = 'b'"),
		pgtest.Query("s1", "UPDATE kv SET v = 11 WHERE k = 'b'").NoWait(),
		pgtest.Query("s2", "UPDATE kv SET v = 21 WHERE k = 'a'").NoWait(),
		pgtest.Await("s1"),
		pgtest.Await("s2"),
	})
	const detail = `E ERROR 40P01 deadlock detected | DETAIL Process <pid1> waits for ShareLock on transaction <xid1>; blocked by process <pid2>.\nProcess <pid2> waits for ShareLock on transaction <xid2>; blocked by process <pid1>. | HINT See server log for query details. | CONTEXT while updating tuple (0,`
	var errors, updates int
	for _, l := range append(tr.Recv(9), tr.Recv(10)...) {
		switch {
		case strings.HasPrefix(l, detail):
			errors++
		case l == `C "UPDATE 1"`:
			updates++
		}
	}
	if errors != 1 || updates != 1 {
		t.Errorf("want one session with %s... and one UPDATE 1; got\n%s", detail, tr)
	}
}
