package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
	"github.com/poolsim/poolsim/sim"
)

// exec runs one statement the way the simple protocol does and renders the
// outcome: rows, tag and notices, or the error.
func exec(s *Session, sql string, params ...Value) string {
	stmts, err := sqlparse.Parse(sql)
	if err != nil {
		return "parse error: " + err.Error()
	}
	var out []string
	for _, st := range stmts {
		if s.InFailedBlock() && !IsTransactionExit(st) {
			s.AbortCommand()
			return strings.Join(append(out, "ERROR "+FailedBlockError().Message), "; ")
		}
		s.StartCommand()
		p, perr := s.Prepare(st, nil)
		if perr == nil {
			perr = p.PlanError()
		}
		if perr != nil {
			s.AbortCommand()
			return strings.Join(append(out, "ERROR "+perr.Code+" "+perr.Message), "; ")
		}
		res, xerr := s.Execute(p, params)
		if xerr != nil {
			s.AbortCommand()
			return strings.Join(append(out, "ERROR "+xerr.Code+" "+xerr.Message), "; ")
		}
		for _, row := range res.Rows {
			var vals []string
			for i, v := range row {
				txt, ok := FormatText(res.Columns[i].Type, v)
				if !ok {
					txt = "NULL"
				}
				vals = append(vals, txt)
			}
			out = append(out, strings.Join(vals, "|"))
		}
		for _, n := range res.Notices {
			out = append(out, n.Severity+" "+n.Message)
		}
		out = append(out, res.Tag.String())
		s.FinishCommand()
	}
	return strings.Join(out, "; ")
}

// inWorld runs body as a task of a fresh world with a database.
func inWorld(t *testing.T, s sim.Strategy, body func(w *sim.World, db *DB)) {
	t.Helper()
	w := sim.New(s)
	db := NewDB(SimRuntime{W: w})
	body(w, db)
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
}

func want(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUncommittedWritesAreInvisible(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			want(t, exec(a, "BEGIN"), "BEGIN")
			want(t, exec(a, "INSERT INTO kv VALUES ('x', 1)"), "INSERT 0 1")
			want(t, exec(a, "SELECT v FROM kv"), "1; SELECT 1")
			want(t, exec(b, "SELECT v FROM kv"), "SELECT 0")
			want(t, exec(a, "COMMIT"), "COMMIT")
			want(t, exec(b, "SELECT v FROM kv"), "1; SELECT 1")
			want(t, exec(a, "BEGIN; DELETE FROM kv"), "BEGIN; DELETE 1")
			want(t, exec(b, "SELECT count(*) FROM kv"), "1; SELECT 1")
			want(t, exec(a, "ROLLBACK"), "ROLLBACK")
			want(t, exec(b, "SELECT count(*) FROM kv"), "1; SELECT 1")
		})
	})
}

// TestUpdateRechecksAfterWait is read committed's EvalPlanQual: an UPDATE
// that waited for a row lock re-evaluates its WHERE on the committed row.
func TestUpdateRechecksAfterWait(t *testing.T) {
	for seed := range uint64(20) {
		var got string
		inWorld(t, sim.Random(seed), func(w *sim.World, db *DB) {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			w.Go("a", func() {
				exec(a, "INSERT INTO kv VALUES ('x', 1)")
				exec(a, "BEGIN")
				exec(a, "UPDATE kv SET v = 2 WHERE k = 'x'")
				w.Go("b", func() { got = exec(b, "UPDATE kv SET v = 10 WHERE v = 1 RETURNING v") })
				w.Sleep(time.Second)
				exec(a, "COMMIT")
			})
		})
		want(t, got, "UPDATE 0")
	}
}

func TestSelectForUpdateWaits(t *testing.T) {
	var order []string
	inWorld(t, sim.Random(4), func(w *sim.World, db *DB) {
		a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
		w.Go("a", func() {
			exec(a, "INSERT INTO kv VALUES ('x', 1)")
			exec(a, "BEGIN")
			want(t, exec(a, "SELECT v FROM kv WHERE k = 'x' FOR UPDATE"), "1; SELECT 1")
			w.Go("b", func() {
				want(t, exec(b, "SELECT v FROM kv WHERE k = 'x' FOR UPDATE"), "5; SELECT 1")
				order = append(order, fmt.Sprintf("b locked at %v", w.Elapsed()))
			})
			w.Sleep(time.Second)
			exec(a, "UPDATE kv SET v = 5 WHERE k = 'x'")
			exec(a, "COMMIT")
		})
	})
	want(t, strings.Join(order, ","), "b locked at 1s")
}

func TestDeadlockVictimIsTheFirstWaiter(t *testing.T) {
	var ra, rb string
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		a, b := db.NewSession(101, "postgres", ""), db.NewSession(102, "postgres", "")
		w.Go("setup", func() {
			exec(a, "INSERT INTO kv VALUES ('x', 1), ('y', 1)")
			exec(a, "BEGIN")
			exec(b, "BEGIN")
			exec(a, "UPDATE kv SET v = 2 WHERE k = 'x'")
			exec(b, "UPDATE kv SET v = 2 WHERE k = 'y'")
			w.Go("a", func() { ra = exec(a, "UPDATE kv SET v = 3 WHERE k = 'y'") })
			w.Go("b", func() {
				w.Sleep(100 * time.Millisecond)
				rb = exec(b, "UPDATE kv SET v = 3 WHERE k = 'x'")
			})
		})
	})
	want(t, ra, "ERROR 40P01 deadlock detected")
	want(t, rb, "UPDATE 1")
}

func TestDeadlockReportText(t *testing.T) {
	sa, sb, sc := &Session{PID: 10}, &Session{PID: 20}, &Session{PID: 30}
	a, b, c := &Txn{sess: sa, xid: 731}, &Txn{sess: sb, xid: 732}, &Txn{sess: sc}
	sa.tx, sb.tx, sc.tx = a, b, c
	a.waitingFor, b.waitingFor = b, a
	cycle := deadlockCycle(sa)
	if len(cycle) != 2 {
		t.Fatalf("cycle %v", cycle)
	}
	e := deadlockReport(cycle, `while updating tuple (0,1) in relation "kv"`)
	want(t, e.Detail, "Process 10 waits for ShareLock on transaction 732; blocked by process 20.\n"+
		"Process 20 waits for ShareLock on transaction 731; blocked by process 10.")
	c.waitingFor = a // waits into the cycle but is not part of it
	if deadlockCycle(sc) != nil {
		t.Fatal("a waiter outside a cycle was reported as deadlocked")
	}
}

func TestOnConflictCannotAffectRowTwice(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			want(t, exec(s, "INSERT INTO kv VALUES ('a', 1), ('a', 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
				"ERROR 21000 ON CONFLICT DO UPDATE command cannot affect row a second time")
			want(t, exec(s, "INSERT INTO kv VALUES ('a', 1), ('a', 2) ON CONFLICT DO NOTHING"), "INSERT 0 1")
			want(t, exec(s, "INSERT INTO kv VALUES ('b', 1) ON CONFLICT (v) DO NOTHING"),
				"ERROR 42P10 there is no unique or exclusion constraint matching the ON CONFLICT specification")
		})
	})
}

func TestSettingsAreTransactional(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "app")
			want(t, exec(s, "BEGIN; SET application_name = 'x'; SHOW application_name"), "BEGIN; SET; x; SHOW")
			want(t, exec(s, "ROLLBACK; SHOW application_name"), "ROLLBACK; app; SHOW")
			want(t, exec(s, "BEGIN; SET LOCAL statement_timeout = '2min'; SHOW statement_timeout"), "BEGIN; SET; 2min; SHOW")
			want(t, exec(s, "COMMIT; SHOW statement_timeout"), "COMMIT; 0; SHOW")
			want(t, exec(s, "SET statement_timeout = 1500; SHOW statement_timeout"), "SET; 1500ms; SHOW")
			want(t, exec(s, "SET deadlock_timeout = 'x'"), `ERROR 22023 invalid value for parameter "deadlock_timeout": "x"`)
			want(t, exec(s, "SET TimeZone = ''"), `ERROR 22023 invalid value for parameter "TimeZone": ""`)
		})
	})
}

func TestParameterTypeInference(t *testing.T) {
	db := NewDB(RealRuntime{})
	s := db.NewSession(1, "postgres", "")
	for _, tc := range []struct {
		sql   string
		oids  []uint32
		types string
		err   string
	}{
		{sql: "SELECT v FROM kv WHERE k = $1", types: "text"},
		{sql: "UPDATE kv SET v = $2 WHERE k = $1", types: "text bigint"},
		{sql: "INSERT INTO activity (id, name) VALUES ($1, $2)", types: "bigint text"},
		{sql: "SELECT $1", types: "text"},
		{sql: "SELECT pg_sleep($1)", types: "double precision"},
		{sql: "SELECT k FROM kv LIMIT $1", types: "bigint"},
		{sql: "SELECT v FROM kv WHERE k = $1", oids: []uint32{20}, err: "42883 operator does not exist: text = bigint"},
		{sql: "SELECT $2", err: "42P18 could not determine data type of parameter $1"},
	} {
		stmts, err := sqlparse.Parse(tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		p, perr := s.Prepare(stmts[0], tc.oids)
		if perr != nil {
			want(t, perr.Code+" "+perr.Message, tc.err)
			continue
		}
		var names []string
		for _, ty := range p.ParamTypes {
			names = append(names, ty.Name)
		}
		want(t, strings.Join(names, " "), tc.types)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		t Type
		v Value
	}{{Int8, int64(-5)}, {Int4, int64(7)}, {Float8, 1.5}, {Bool, true}, {Text, "héllo"}} {
		enc, _ := AppendBinary(nil, tc.t, tc.v)
		got, err := ParseBinary(tc.t, enc)
		if err != nil || got != tc.v {
			t.Errorf("%s %v: got %v %v", tc.t.Name, tc.v, got, err)
		}
	}
	if _, err := ParseBinary(Int8, []byte{1, 2}); err == nil {
		t.Error("a 2-byte bigint was accepted")
	}
	if _, err := ParseText(Int8, "12x"); err == nil || err.Error() != `invalid input syntax for type bigint: "12x"` {
		t.Errorf("bad bigint text: %v", err)
	}
	if _, err := ParseText(Int4, "3000000000"); err == nil || err.Error() != `value "3000000000" is out of range for type integer` {
		t.Errorf("out of range integer: %v", err)
	}
}

func TestArithmeticErrors(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			want(t, exec(s, "SELECT 2147483647 + 1"), "ERROR 22003 integer out of range")
			want(t, exec(s, "SELECT 9223372036854775807 + 1"), "ERROR 22003 bigint out of range")
			want(t, exec(s, "SELECT 5 / 0"), "ERROR 22012 division by zero")
			want(t, exec(s, "SELECT -7 / 2, -7 % 2, 1.5 + 1"), "-3|-1|2.5; SELECT 1")
			want(t, exec(s, "SELECT NULL = 1, NULL AND false, NULL OR true"), "NULL|f|t; SELECT 1")
		})
	})
}

// TestTextComparesAsText: text is ordered and compared byte by byte (the
// C collation), never as the numbers its values may spell; numeric and
// float8 compare by value, with NaN equal to itself and above every number.
func TestTextComparesAsText(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			exec(s, "INSERT INTO kv VALUES ('1', 1), ('1.0', 2), ('10', 3), ('1e0', 4), ('9', 5)")
			want(t, exec(s, "SELECT k FROM kv ORDER BY k"), "1; 1.0; 10; 1e0; 9; SELECT 5")
			want(t, exec(s, "SELECT k FROM kv WHERE k = '1.0'"), "1.0; SELECT 1")
			want(t, exec(s, "SELECT k FROM kv WHERE k < '9' AND k > '1.0' ORDER BY k DESC"), "1e0; 10; SELECT 2")
			want(t, exec(s, "SELECT '10' < '9', 10 < 9, '1.0'::numeric = '1'::numeric, 1.50 > 1.4"), "t|f|t|t; SELECT 1")
			want(t, exec(s, "SELECT 'NaN'::float8 > 1e300, 'NaN'::float8 = 'NaN'::float8, 'NaN'::numeric > 1"), "t|t|t; SELECT 1")
		})
	})
}
