package fakepg

import (
	"testing"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential scripts where users' tables meet transactions and values:
// DDL rolled back to a savepoint, the catalog a REPEATABLE READ
// transaction sees, joins under REPEATABLE READ, a table with a column of
// every supported type and arithmetic on its columns, and savepoints and
// row locks on users' tables.

// spRelations lists the relations of the tables the savepoint scripts
// create, by name (user OIDs differ from run to run).
const spRelations = "SELECT relname, relkind FROM pg_class WHERE relname IN " +
	"('sp1', 'sp1_pkey', 'sp1_t_key', 'sp1_id_seq', 'sp2', 'keep1', 'keep1_pkey') ORDER BY relname"

// CREATE TABLE and DROP TABLE rolled back to a savepoint, or undone by an
// error inside one; the relation locks taken after a savepoint are
// released by ROLLBACK TO, and a session waiting for them proceeds.
func TestDifferentialDDLSavepoints(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE keep1 (id int PRIMARY KEY, n numeric)"),
		pgtest.Query("a", "INSERT INTO keep1 VALUES (1, 1.5)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SAVEPOINT s"),
		pgtest.Query("a", "CREATE TABLE sp1 (id serial PRIMARY KEY, t text UNIQUE)"),
		pgtest.Query("a", "INSERT INTO sp1 (t) VALUES ('x'), ('y') RETURNING id"),
		pgtest.Query("a", spRelations),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("a", spRelations),
		pgtest.Query("a", "SELECT * FROM sp1"),
		pgtest.Query("a", "ROLLBACK TO SAVEPOINT s"),
		pgtest.Query("a", "SELECT nextval('sp1_id_seq')"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("a", "CREATE TABLE sp1 (x int)"),
		pgtest.Query("a", "INSERT INTO sp1 VALUES (1)"),
		pgtest.Query("a", "SAVEPOINT t"),
		pgtest.Query("a", "DROP TABLE keep1"),
		pgtest.Query("a", spRelations),
		pgtest.Query("a", "SELECT * FROM keep1"),
		pgtest.Query("a", "ROLLBACK TO t"),
		pgtest.Query("a", spRelations),
		pgtest.Query("a", "UPDATE keep1 SET n = n * 2 RETURNING n"),
		pgtest.Query("b", "SELECT * FROM keep1"),
		pgtest.Query("a", "SAVEPOINT u"),
		pgtest.Query("a", "DROP TABLE keep1"),
		pgtest.Query("b", "SELECT * FROM keep1").NoWait(),
		pgtest.Idle("b", wait),
		pgtest.Query("a", "ROLLBACK TO u"),
		pgtest.Await("b"),
		pgtest.Query("a", "SAVEPOINT v"),
		pgtest.Query("a", "CREATE TABLE sp2 (id int)"),
		pgtest.Query("a", "SELECT 1/0"),
		pgtest.Query("a", "SELECT * FROM sp2"),
		pgtest.Query("a", "ROLLBACK TO v"),
		pgtest.Query("a", "SELECT * FROM sp2"),
		pgtest.Query("a", "ROLLBACK TO v"),
		pgtest.Query("a", "CREATE TABLE sp2 (id int)"),
		pgtest.Query("a", "RELEASE v"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Query("b", spRelations),
		pgtest.Query("b", "SELECT * FROM sp1; SELECT * FROM sp2; SELECT * FROM keep1"),
		// a lock taken after a savepoint is released by ROLLBACK TO
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SAVEPOINT s"),
		pgtest.Query("a", "SELECT * FROM keep1"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("b", "DROP TABLE keep1"),
		pgtest.Query("a", "SELECT * FROM keep1"),
		pgtest.Query("a", "ROLLBACK"),
		// a concurrent CREATE of the name waits for the creating
		// savepoint, and proceeds when it is rolled back
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SAVEPOINT s"),
		pgtest.Query("a", "CREATE TABLE sp3 (id int)"),
		pgtest.Query("b", "CREATE TABLE sp3 (x text)").NoWait(),
		pgtest.Idle("b", wait),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Await("b"),
		pgtest.Query("a", "SELECT * FROM sp3"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Query("a", "DROP TABLE sp1, sp2, sp3"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// A REPEATABLE READ transaction finds the tables committed after its
// snapshot by name (catalog lookups use the latest catalog), reads their
// rows through its snapshot, and reads pg_class and pg_type as tables
// through its snapshot too; a table dropped after it is gone by name but
// still in its pg_class.
func TestDifferentialRepeatableReadCatalog(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE rr0 (id int PRIMARY KEY)"),
		pgtest.Query("a", "INSERT INTO rr0 VALUES (1)"),
		pgtest.Query("a", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("a", "SELECT count(*) FROM kv"),
		pgtest.Query("b", "CREATE TABLE rr1 (id int PRIMARY KEY, v text)"),
		pgtest.Query("b", "INSERT INTO rr1 VALUES (1, 'x')"),
		pgtest.Query("b", "DROP TABLE rr0"),
		pgtest.Query("a", "SELECT relname FROM pg_class WHERE relname IN ('rr0', 'rr1', 'rr0_pkey', 'rr1_pkey') ORDER BY 1"),
		pgtest.Query("a", "SELECT c.relname, t.typname FROM pg_class c JOIN pg_type t ON t.oid = c.reltype WHERE c.relname IN ('rr0', 'rr1')"),
		pgtest.Query("a", "SELECT * FROM rr1"),
		pgtest.Query("a", "SELECT pg_table_is_visible('rr1'::regclass)"),
		pgtest.Query("a", "INSERT INTO rr1 VALUES (2, 'y')"),
		pgtest.Query("a", "SELECT * FROM rr1 ORDER BY id"),
		pgtest.Query("a", "SELECT * FROM rr0"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("a", "SELECT relname FROM pg_class WHERE relname IN ('rr0', 'rr1') ORDER BY 1"),
		pgtest.Query("b", "INSERT INTO rr1 VALUES (3, 'z')"),
		pgtest.Query("a", "SELECT * FROM rr1 ORDER BY id"),
		pgtest.Query("a", "INSERT INTO rr1 VALUES (3, 'w')"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "SELECT * FROM rr1 ORDER BY id"),
		pgtest.Query("a", "DROP TABLE rr1"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// Joins of users' tables in a REPEATABLE READ transaction: every table of
// the join is read through the one snapshot; an UPDATE of a row changed
// since fails with 40001.
func TestDifferentialRepeatableReadJoin(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE j1 (id int PRIMARY KEY, name text); CREATE TABLE j2 (id int PRIMARY KEY, j1 int, amount numeric)"),
		pgtest.Query("a", "INSERT INTO j1 VALUES (1, 'a'), (2, 'b'); INSERT INTO j2 VALUES (10, 1, 1.50), (11, 2, 2.25)"),
		pgtest.Query("a", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("a", "SELECT j1.name, j2.amount FROM j1 JOIN j2 ON j2.j1 = j1.id ORDER BY j2.id"),
		pgtest.Query("b", "UPDATE j2 SET amount = amount * 10; INSERT INTO j1 VALUES (3, 'c'); INSERT INTO j2 VALUES (12, 3, 0.5)"),
		pgtest.Query("a", "SELECT j1.name, j2.amount FROM j1 JOIN j2 ON j2.j1 = j1.id ORDER BY j2.id"),
		pgtest.Query("a", "SELECT count(*), count(j2.amount) FROM j1, j2 WHERE j1.id = j2.j1 AND j2.amount > 1"),
		pgtest.Query("a", "SELECT a.name, b.name FROM j1 a CROSS JOIN j1 b WHERE a.id < b.id ORDER BY 1, 2"),
		pgtest.Query("a", "UPDATE j2 SET amount = 0 WHERE id = 10"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "SELECT j1.name, j2.amount * 2 AS twice FROM j1 INNER JOIN j2 ON j2.j1 = j1.id ORDER BY twice DESC"),
		pgtest.Query("a", "DROP TABLE j1, j2"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// A user table with a column of every supported type: values in and out
// in PostgreSQL's formats (text and binary), the range and input errors,
// and arithmetic on the columns with PostgreSQL's result types.
func TestDifferentialUserTableTypes(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "CREATE TABLE ty (id smallserial PRIMARY KEY, s smallint, i integer, b bigint, n numeric, "+
			"f float8, ok boolean, at timestamptz, t text, v varchar(5), d double precision DEFAULT 1.5, n2 numeric DEFAULT 0.10)"),
		pgtest.Query("s", "INSERT INTO ty (s, i, b, n, f, ok, at, t, v) VALUES "+
			"(32767, 2147483647, 9223372036854775807, 12345678901234567890.123, 1e300, true, '2024-02-29 12:34:56.789+05:30', 'x', 'abc') RETURNING *"),
		pgtest.Query("s", "INSERT INTO ty (s, i, b, n, f, ok, at, t, v) VALUES "+
			"(-32768, -2147483648, -9223372036854775808, -0.000100, 0.1, 'off', 'infinity', '', 'ab   ') RETURNING *"),
		pgtest.Query("s", "INSERT INTO ty (s, i, n, f, at) VALUES (3, 7, 'NaN', 'NaN', '2000-01-01'), (NULL, NULL, 2.5, '-Infinity', '-infinity') RETURNING id, n, f, at"),
		pgtest.Query("s", "INSERT INTO ty (s) VALUES (32768)"),
		pgtest.Query("s", "INSERT INTO ty (i) VALUES (2147483648)"),
		pgtest.Query("s", "INSERT INTO ty (b) VALUES (9223372036854775808)"),
		pgtest.Query("s", "INSERT INTO ty (s) VALUES ('40000')"),
		pgtest.Query("s", "INSERT INTO ty (n) VALUES ('abc')"),
		pgtest.Query("s", "INSERT INTO ty (f) VALUES ('1e400')"),
		pgtest.Query("s", "INSERT INTO ty (v) VALUES ('abcdef')"),
		pgtest.Query("s", "INSERT INTO ty (at) VALUES ('2024-02-30')"),
		pgtest.Query("s", "INSERT INTO ty (ok) VALUES ('maybe')"),
		pgtest.Query("s", "INSERT INTO ty (s) VALUES (1.5), (2.5) RETURNING s"),
		pgtest.Query("s", "SELECT * FROM ty ORDER BY id"),
		pgtest.Query("s", "SELECT s * 2, s + i, s + 0.5, s / 2, s % 4, -s FROM ty WHERE id = 3"),
		pgtest.Query("s", "SELECT s + s FROM ty WHERE id = 1"),
		pgtest.Query("s", "SELECT i + 1 FROM ty WHERE id = 1"),
		pgtest.Query("s", "SELECT b + 1 FROM ty WHERE id = 1"),
		pgtest.Query("s", "SELECT -s FROM ty WHERE id = 2"),
		pgtest.Query("s", "SELECT n * 2, n / 3, n + i, n + s, n - 0.000001, round(n, 2), abs(n), n = 12345678901234567890.1230 FROM ty WHERE id = 1"),
		pgtest.Query("s", "SELECT n + f, f * 2, f / 3, f + i, d * n2, n2 * 3 FROM ty WHERE id = 2"),
		pgtest.Query("s", "SELECT n / 0 FROM ty WHERE id = 2"),
		pgtest.Query("s", "SELECT f * 1e300 FROM ty WHERE id = 1"),
		pgtest.Query("s", "SELECT id, n FROM ty ORDER BY n NULLS FIRST, id"),
		pgtest.Query("s", "SELECT id, f FROM ty WHERE f IN (0.1, 1e300) OR s IN (3, -32768) ORDER BY f DESC"),
		pgtest.Query("s", "SELECT id, at FROM ty WHERE at > '2001-01-01' ORDER BY at"),
		pgtest.Query("s", "SELECT coalesce(s, i, b), greatest(n, f), least(s, 0), length(t || v), upper(v) FROM ty ORDER BY id"),
		pgtest.Query("s", "UPDATE ty SET n = n * 1.1, s = s - 1, v = v || 'z' WHERE id = 3 RETURNING n, s, v"),
		pgtest.Query("s", "UPDATE ty SET s = s + 1 WHERE id = 1"),
		pgtest.Query("s", "SET TimeZone = 'Asia/Kolkata'"),
		pgtest.Query("s", "SELECT id, at FROM ty ORDER BY id"),
		pgtest.Query("s", "SET extra_float_digits = 0"),
		pgtest.Query("s", "SELECT f, d FROM ty ORDER BY id"),
		pgtest.Query("s", "RESET ALL"),
		pgtest.Parse("s", "", "SELECT s, i, b, n, f, ok, at, t, v FROM ty WHERE id <= $1 ORDER BY id"),
		pgtest.Bind("s", "", "", pgtest.Text("2"), 1),
		pgtest.Execute("s", "", 0),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "INSERT INTO ty (s, n, f, at) VALUES ($1, $2, $3, $4) RETURNING s, n, f, at"),
		pgtest.Bind("s", "", "", pgtest.Text("12", "1.50", "2.5e-3", "2024-06-01 12:00:00-07")),
		pgtest.Execute("s", "", 0),
		pgtest.Sync("s"),
		pgtest.Query("s", "DROP TABLE ty"),
		// a default is cooked when the table is created (a literal is
		// read in the creator's TimeZone) and evaluated by the session
		// that inserts (a cast to text prints in its TimeZone)
		pgtest.Connect("k", map[string]string{"TimeZone": "Asia/Kolkata"}),
		pgtest.Query("s", "CREATE TABLE dz (id int, a timestamptz DEFAULT '2024-01-01 00:00', "+
			"b text DEFAULT '2024-01-01 00:00'::timestamptz::text, c text DEFAULT 0.1::float8::text)"),
		pgtest.Query("k", "SET extra_float_digits = 3"),
		pgtest.Query("k", "INSERT INTO dz (id) VALUES (1) RETURNING *"),
		pgtest.Query("s", "INSERT INTO dz (id) VALUES (2) RETURNING *"),
		pgtest.Query("k", "DROP TABLE dz"),
		pgtest.Terminate("k"),
		pgtest.Terminate("s"),
	})
}

// Savepoints and row locks on a user table with a UNIQUE constraint:
// ROLLBACK TO undoes inserts, updates and deletes (and their unique
// keys), releases the rows a waiter waits for, and the locks taken since;
// FOR SHARE and FOR UPDATE with NOWAIT and SKIP LOCKED between two
// sessions.
func TestDifferentialUserTableSavepointsAndLocks(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE su (id int PRIMARY KEY, email text UNIQUE, n numeric NOT NULL DEFAULT 0)"),
		pgtest.Query("a", "INSERT INTO su VALUES (1, 'a', 1), (5, 'e', 5)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SAVEPOINT s"),
		pgtest.Query("a", "INSERT INTO su VALUES (2, 'b', 2)"),
		pgtest.Query("a", "UPDATE su SET email = 'c' WHERE id = 1"),
		pgtest.Query("a", "DELETE FROM su WHERE id = 5"),
		pgtest.Query("a", "SELECT * FROM su ORDER BY id"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("a", "SELECT * FROM su ORDER BY id"),
		pgtest.Query("a", "INSERT INTO su VALUES (3, 'a', 3)"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("a", "INSERT INTO su (id, email) VALUES (3, 'c')"),
		pgtest.Query("b", "INSERT INTO su VALUES (4, 'c', 4)").NoWait(),
		pgtest.Idle("b", wait),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Await("b"),
		pgtest.Query("a", "INSERT INTO su VALUES (6, 'c', 6)"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("a", "UPDATE su SET n = NULL WHERE id = 1"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SELECT id FROM su WHERE id = 1 FOR SHARE"),
		pgtest.Query("b", "BEGIN"),
		pgtest.Query("b", "SELECT id FROM su WHERE id = 1 FOR SHARE"),
		pgtest.Query("b", "SELECT id FROM su WHERE id = 1 FOR UPDATE NOWAIT"),
		pgtest.Query("b", "ROLLBACK"),
		pgtest.Query("a", "SAVEPOINT s"),
		pgtest.Query("a", "SELECT id FROM su ORDER BY id FOR UPDATE"),
		pgtest.Query("b", "SELECT id, n FROM su ORDER BY id FOR UPDATE SKIP LOCKED"),
		pgtest.Query("b", "SELECT id, n FROM su ORDER BY id FOR SHARE SKIP LOCKED"),
		pgtest.Query("a", "ROLLBACK TO s"),
		pgtest.Query("b", "SELECT id, n FROM su ORDER BY id FOR UPDATE SKIP LOCKED"),
		pgtest.Query("b", "UPDATE su SET n = n + 1 WHERE id = 1").NoWait(),
		pgtest.Idle("b", wait),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "SELECT * FROM su ORDER BY id"),
		pgtest.Query("a", "DROP TABLE su"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// DDL in a READ ONLY transaction fails before it looks at the catalog.
func TestDifferentialDDLReadOnly(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN READ ONLY"),
		pgtest.Query("s", "CREATE TABLE ro (id int)"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN READ ONLY"),
		pgtest.Query("s", "DROP TABLE IF EXISTS nothing"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SET default_transaction_read_only = on"),
		pgtest.Query("s", "CREATE TABLE IF NOT EXISTS kv (id int)"),
		pgtest.Query("s", "DROP TABLE kv"),
		pgtest.Query("s", "SELECT count(*) FROM kv"),
		pgtest.Terminate("s"),
	})
}

// Cursors and prepared statements over users' tables: a cursor over a
// join reads every table through its DECLARE's snapshot and evaluates the
// ON conditions as its FETCHes reach the rows; a BINARY cursor over a
// column of every supported type; a locking cursor on a user table; a
// table an open cursor reads cannot be dropped; EXECUTE and a prepared
// DECLARE are analysed again after DDL, and EXECUTE's parameters are read
// in the session's TimeZone.
func TestDifferentialCursorsOnUserTables(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE cu (id int PRIMARY KEY, name text, amount numeric, at timestamptz, s smallint, f float8, ok boolean, v varchar(3))"),
		pgtest.Query("a", "CREATE TABLE cj (id int PRIMARY KEY, cu int, d int)"),
		pgtest.Query("a", "INSERT INTO cu VALUES (1, 'a', 1.50, '2024-01-01 00:00+00', 1, 0.1, true, 'x'), "+
			"(2, 'b', -2.25, '2024-06-30 12:00+02', -2, 1e-5, false, 'yz'), (3, 'c', NULL, NULL, NULL, NULL, NULL, NULL)"),
		pgtest.Query("a", "INSERT INTO cj VALUES (10, 1, 1), (11, 2, 0), (12, 3, 1), (13, 1, 2)"),
		pgtest.Query("a", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("a", "DECLARE j CURSOR FOR SELECT cu.name, cj.id, cu.amount * cj.d FROM cu JOIN cj ON cj.cu = cu.id ORDER BY cj.id"),
		pgtest.Query("b", "UPDATE cu SET amount = 100 WHERE id = 1; INSERT INTO cj VALUES (14, 2, 5)"),
		pgtest.Query("a", "FETCH 2 j"),
		pgtest.Query("a", "FETCH ALL j"),
		pgtest.Query("a", "DECLARE o CURSOR FOR SELECT count(*), count(cu.amount) FROM cu, cj WHERE cj.cu = cu.id AND cu.id < 3"),
		pgtest.Query("a", "FETCH ALL o"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DECLARE s CURSOR FOR SELECT cu.name, cj.id FROM cu JOIN cj ON cj.cu = cu.id ORDER BY cj.id DESC"),
		pgtest.Query("a", "FETCH 2 s"),
		pgtest.Query("a", "DECLARE bin BINARY CURSOR FOR SELECT id, name, amount, at, s, f, ok, v FROM cu ORDER BY id"),
		pgtest.Query("a", "FETCH ALL bin"),
		pgtest.Query("a", "DECLARE l CURSOR FOR SELECT id, amount FROM cu ORDER BY id FOR UPDATE"),
		pgtest.Query("a", "FETCH 1 l"),
		pgtest.Query("b", "SELECT id FROM cu ORDER BY id FOR UPDATE SKIP LOCKED"),
		pgtest.Query("a", "ROLLBACK"),
		// a table an open cursor reads (one without an index, whose scan
		// PostgreSQL's plan cannot take through one) cannot be dropped
		pgtest.Query("a", "CREATE TABLE cn (id int, t text)"),
		pgtest.Query("a", "INSERT INTO cn VALUES (1, 'x'), (2, 'y')"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DECLARE c CURSOR FOR SELECT cn.t, cj.id FROM cn JOIN cj ON cj.cu = cn.id ORDER BY 2"),
		pgtest.Query("a", "FETCH 1 c"),
		pgtest.Query("a", "DROP TABLE cn"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DECLARE c CURSOR FOR SELECT id FROM cn"),
		pgtest.Query("a", "CLOSE c"),
		pgtest.Query("a", "SAVEPOINT sp"),
		pgtest.Query("a", "DECLARE c CURSOR FOR SELECT id FROM cn"),
		pgtest.Query("a", "ROLLBACK TO sp"),
		pgtest.Query("a", "DROP TABLE cn"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DECLARE h NO SCROLL CURSOR WITH HOLD FOR SELECT cn.t, cj.id FROM cn JOIN cj ON cj.cu = cn.id ORDER BY 2"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Query("a", "DROP TABLE cn"),
		pgtest.Query("a", "FETCH ALL h"),
		pgtest.Query("a", "CLOSE h"),
		// prepared statements across DDL
		pgtest.Query("a", "PREPARE q (timestamptz, regclass) AS SELECT id, at < $1, $2 FROM cu ORDER BY id"),
		pgtest.Query("a", "SET TimeZone = 'Asia/Kolkata'"),
		pgtest.Query("a", "EXECUTE q ('2024-06-30 15:30', 'cu')"),
		pgtest.Query("a", "RESET TimeZone"),
		pgtest.Query("a", "PREPARE r AS SELECT * FROM cj"),
		pgtest.Query("a", "EXECUTE r"),
		pgtest.Query("b", "DROP TABLE cj; CREATE TABLE cj (id int)"),
		pgtest.Query("a", "EXECUTE r"),
		pgtest.Query("b", "DROP TABLE cj; CREATE TABLE cj (id text, x int)"),
		pgtest.Query("a", "EXECUTE r"),
		pgtest.Query("b", "DROP TABLE cj"),
		pgtest.Query("a", "EXECUTE r"),
		pgtest.Query("a", "DEALLOCATE ALL"),
		pgtest.Query("a", "DROP TABLE cu"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}
