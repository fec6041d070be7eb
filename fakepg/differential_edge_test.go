package fakepg

import (
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential tests of extended-protocol edge cases, session settings,
// timeouts and lock waits, each once a difference from PostgreSQL 15.

// A portal dies with its transaction, whichever way the transaction ends.
func TestDifferentialEdgePortalAfterSimpleCommit(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "SELECT 1").NoWait(),
		pgtest.Bind("s", "p", "", nil).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Execute("s", "p", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// A failing unnamed Parse still drops the previous unnamed statement.
func TestDifferentialEdgeFailedUnnamedParse(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "SELECT 1").NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "SELEC 2").NoWait(),
		pgtest.Sync("s"),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// Describing a row-returning statement in a failed block fails with 25P02.
func TestDifferentialEdgeDescribeInFailedBlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "st", "SELECT 1").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SELECT 1/0"),
		pgtest.Describe("s", 'S', "st").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Terminate("s"),
	})
}

// An error in an explicit block keeps its portals (failed) until ROLLBACK.
func TestDifferentialEdgePortalAfterErrorInBlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "SELECT 1").NoWait(),
		pgtest.Bind("s", "p", "", nil).NoWait(),
		pgtest.Parse("s", "", "SELECT 1/0").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Execute("s", "p", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Describe("s", 'P', "p").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Terminate("s"),
	})
}

// A completed portal of a statement without rows cannot run again.
func TestDifferentialEdgeReexecute(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('a', 1)").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('a', 1), ('b', 2) RETURNING k").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// An INSERT does not wait for a row that is only locked FOR UPDATE.
func TestDifferentialEdgeInsertVsForUpdate(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SELECT k FROM kv WHERE k = 'a' FOR UPDATE"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('a', 2) ON CONFLICT DO NOTHING").NoWait(),
		pgtest.Idle("s2", 300*time.Millisecond),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('a', 2)").NoWait(),
		pgtest.Idle("s2", 300*time.Millisecond),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Idle("s2", 300*time.Millisecond),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// RESET restores the startup packet's values.
func TestDifferentialEdgeResetStartup(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"user": "postgres", "application_name": "app1"}),
		pgtest.Query("s", "RESET ALL"),
		pgtest.Query("s", "SHOW application_name"),
		pgtest.Terminate("s"),
	})
}

// DateStyle is normalised (pgjdbc sends DateStyle=ISO).
func TestDifferentialEdgeDateStyle(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"user": "postgres", "DateStyle": "ISO"}),
		pgtest.Query("s", "SET standard_conforming_strings = true"),
		pgtest.Query("s", "SET DateStyle = 'iso, mdy'"),
		pgtest.Terminate("s"),
	})
}

// A plain SET after SET LOCAL in one transaction outlives the transaction.
func TestDifferentialEdgeSetLocalThenSet(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SET LOCAL TimeZone = 'Europe/Berlin'"),
		pgtest.Query("s", "SET TimeZone = 'Asia/Tokyo'"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "SHOW TimeZone"),
		pgtest.Terminate("s"),
	})
}

// A parameter declared of type unknown (705) is inferred like an
// unspecified one.
func TestDifferentialEdgeUnknownParamType(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "SELECT $1, -$2, 'a' || $3", 705, 705, 705).NoWait(),
		pgtest.Describe("s", 'S', "").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("x", "2", "y")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// Binding an empty statement in a failed block fails with 25P02.
func TestDifferentialEdgeEmptyBindFailedBlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SELECT 1/0"),
		pgtest.Parse("s", "", "").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Terminate("s"),
	})
}

// Constant folding errors come at Bind, not Parse or Describe.
func TestDifferentialEdgeParseFold(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "x", "SELECT 1/0").NoWait(),
		pgtest.Describe("s", 'S', "x").NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// An unsupported FunctionCall fails the transaction like any error.
func TestDifferentialEdgeFunctionCallInBlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Send("s", &pgproto3.FunctionCall{Function: 0}).UntilReady(),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Terminate("s"),
	})
}

// A bad startup parameter is FATAL after AuthenticationOk.
func TestDifferentialEdgeStartupBadGUC(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"user": "postgres", "nope": "1"}),
	})
}

// Result format codes are not checked for statements without rows.
func TestDifferentialEdgeResultFormatsNoRows(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "DELETE FROM kv").NoWait(),
		pgtest.Bind("s", "", "", nil, 0, 0).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// SET LOCAL outside a block warns but lasts to the end of the batch.
func TestDifferentialEdgeSetLocalBatch(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "SET LOCAL TimeZone = 'Asia/Tokyo'").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Parse("s", "", "SHOW TimeZone").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// A COMMIT executed mid-batch drops the portals of its transaction.
func TestDifferentialEdgeCommitMidBatch(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "one", "SELECT 1").NoWait(),
		pgtest.Parse("s", "commit", "COMMIT").NoWait(),
		pgtest.Bind("s", "p1", "one", nil).NoWait(),
		pgtest.Bind("s", "", "commit", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Execute("s", "p1", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// BEGIN mid-batch takes in the statements before it; a Sync with a body
// after an error still gets its own error.
func TestDifferentialEdgeBeginMidBatch(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('a', 1)").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Parse("s", "", "BEGIN").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('b', 1)").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SELECT count(*) FROM kv"),
		pgtest.Parse("s", "", "SELEC").NoWait(),
		pgtest.Raw("s", []byte{'S', 0, 0, 0, 5, 0}).UntilReady(),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Terminate("s"),
	})
}

// The command tag of a RETURNING portal counts the rows of each Execute.
func TestDifferentialEdgeReturning(t *testing.T) {
	s := pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('a', 1), ('b', 2) RETURNING k").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Execute("s", "", 1).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	}
	differential(t, s)
}

// statement_timeout cancels pg_sleep; lock_timeout cancels a lock wait.
func TestDifferentialEdgeTimeouts(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "SET statement_timeout = 100"),
		pgtest.Query("s1", "SELECT pg_sleep(0.5)"),
		pgtest.Query("s1", "RESET statement_timeout"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "UPDATE kv SET v = 2"),
		pgtest.Query("s2", "SET lock_timeout = 100"),
		pgtest.Query("s2", "UPDATE kv SET v = 3").NoWait(),
		pgtest.Idle("s2", 500*time.Millisecond),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Idle("s2", 300*time.Millisecond),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// Text compares as text (byte order under the C collation), even when the
// values spell numbers; numeric and float8 compare by value, NaN above
// every number.
func TestDifferentialEdgeTextOrder(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO kv VALUES ('1', 1), ('1.0', 2), ('10', 3), ('1e0', 4), ('9', 5)"),
		pgtest.Query("s", "SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv ORDER BY k DESC"),
		pgtest.Query("s", "SELECT k, v FROM kv WHERE k = '1.0'"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k > '1' AND k <= '9' ORDER BY k"),
		pgtest.Query("s", "SELECT '10' < '9', 10 < 9, '1.0'::numeric = '1'::numeric, 1.50 > 1.4"),
		pgtest.Query("s", "SELECT 'NaN'::float8 > 1e300, 'NaN'::float8 = 'NaN'::float8, 'NaN'::numeric > 1"),
		pgtest.Terminate("s"),
	})
}
