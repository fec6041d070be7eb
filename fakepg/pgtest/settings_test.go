package pgtest_test

import (
	"testing"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// TestStartPostgresWith starts a cluster of its own with a setting the
// shared cluster does not have, and AwaitNoClients leaves no session
// behind: the script's is the only one.
func TestStartPostgresWith(t *testing.T) {
	shared := start(t)
	own := pgtest.StartPostgresWith(t, "max_connections=7")
	if own.Addr() == shared.Addr() {
		t.Fatal("StartPostgresWith returned the shared cluster")
	}
	own.Exec(t, "SELECT 1")
	own.AwaitNoClients(t)
	script := pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SHOW max_connections"),
		pgtest.Query("s", "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"),
		pgtest.Terminate("s"),
	}
	tr := pgtest.Run(t, own.Addr(), script)
	wantRecv(t, tr, 2, `T [max_connections:text(25)]`, `D ["7"]`, `C "SHOW"`, "Z I")
	wantRecv(t, tr, 3, `T [count:int8(20)]`, `D ["1"]`, `C "SELECT 1"`, "Z I")
	tr = pgtest.Run(t, shared.Addr(), script[:2])
	wantRecv(t, tr, 2, `T [max_connections:text(25)]`, `D ["100"]`, `C "SHOW"`, "Z I")
}
