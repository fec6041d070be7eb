package sqlparse

import "testing"

// The FROM lists, qualified names, system functions and DDL of the
// catalog: each query below was checked against PostgreSQL 15, which
// accepts the valid ones, accepts the unsupported ones (they fail there, if
// at all, only in analysis) and rejects the syntax errors with the same
// message and position.

var catalogValidTests = []struct {
	query, want string
}{
	{"SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'hstore'",
		`SELECT t.oid@8, typarray@15 FROM pg_type@29 AS t@37 JOIN@39 pg_namespace@44 AS ns@57 ON (=@76 typnamespace@63 ns.oid@78) WHERE (=@99 typname@91 'hstore'@101) [0:108]`},
	{"select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where pg_catalog.pg_table_is_visible(c.oid) and relname='users'",
		`SELECT relname@8 FROM pg_class@21 AS c@30 JOIN@32 pg_namespace@37 AS n@50 ON (=@60 n.oid@55 c.relnamespace@61) WHERE (AND@120 pg_catalog.pg_table_is_visible(c.oid@113)@82 (=@131 relname@124 'users'@132)) [0:138]`},
	{"SELECT 1 FROM kv, activity a CROSS JOIN kv AS k2 INNER JOIN pg_catalog.pg_class ON true, public.kv k3",
		`SELECT 1@8 FROM kv@15,@17 activity@19 AS a@28 CROSS JOIN@30 kv@41 AS k2@47 JOIN@50 pg_catalog@61.pg_class@72 ON TRUE@84,@88 public@90.kv@97 AS k3@100 [0:101]`},
	{"select pg_catalog.version(), current_schema(), current_schema, current_user, session_user, user, current_role, current_catalog, current_database()",
		`SELECT pg_catalog.version()@8, current_schema()@30, CURRENT_SCHEMA@48, CURRENT_USER@64, SESSION_USER@78, USER@92, CURRENT_ROLE@98, CURRENT_CATALOG@112, current_database()@129 [0:146]`},
	{"INSERT INTO public.kv DEFAULT VALUES RETURNING k",
		`INSERT INTO public@13.kv@20 DEFAULT VALUES RETURNING k@48 [0:48]`},
	{"INSERT INTO kv (k, v) VALUES ('a', DEFAULT), (DEFAULT, 1)",
		`INSERT INTO kv@13 (k@17, v@20) VALUES ('a'@31, DEFAULT@36), (DEFAULT@47, 1@56) [0:57]`},
	{"UPDATE public.kv AS t SET v = DEFAULT",
		`UPDATE public@8.kv@15 AS t@21 SET v@27 = DEFAULT@31 [0:37]`},
	{"DELETE FROM pg_catalog.kv",
		`DELETE FROM pg_catalog@13.kv@24 [0:25]`},
	{"CREATE TABLE users (id SERIAL NOT NULL, name VARCHAR(50) NOT NULL, score NUMERIC, created TIMESTAMP WITH TIME ZONE, small SMALLINT DEFAULT '0', PRIMARY KEY (id), UNIQUE (name))",
		`CREATE TABLE users@14 (id@21 serial@24 NOT NULL@31, name@41 varchar@46(50@54) NOT NULL@58, score@68 numeric@74, created@83 timestamp with time zone@91, small@117 smallint@123 DEFAULT@132 '0'@140, PRIMARY KEY@145 (id@158), UNIQUE@163 (name@171)) [0:176]`},
	{"CREATE TABLE IF NOT EXISTS public.t (a int CONSTRAINT a_pk PRIMARY KEY NULL, b text UNIQUE DEFAULT 'x' || 'y', c float8 DEFAULT -1.5 NOT NULL, CONSTRAINT u UNIQUE (b, c), d numeric(10, 2))",
		`CREATE TABLE IF NOT EXISTS public@28.t@35 (a@38 int@40 CONSTRAINT a_pk@55 PRIMARY KEY@44 NULL@72, b@78 text@80 UNIQUE@85 DEFAULT@92 (||@104 'x'@100 'y'@107), c@112 float8@114 DEFAULT@121 -1.5(f)@129 NOT NULL@134, d@172 numeric@174(10@182, 2@186), CONSTRAINT u@155 UNIQUE@144 (b@165, c@168)) [0:188]`},
	{"CREATE TABLE t ()",
		`CREATE TABLE t@14 () [0:17]`},
	{"CREATE TABLE if (exclude int, if text)",
		`CREATE TABLE if@14 (exclude@18 int@26, if@31 text@34) [0:38]`},
	{"DROP TABLE t; DROP TABLE IF EXISTS a, public.b CASCADE; DROP TABLE if RESTRICT",
		`DROP TABLE t@12 [0:12]; DROP TABLE IF EXISTS a@36, public@39.b@46 CASCADE [14:54]; DROP TABLE if@68 [56:78]`},
	{"CREATE TABLE t (a boolean DEFAULT (NOT true), b int DEFAULT 1 + 2 * 3)",
		`CREATE TABLE t@14 (a@17 boolean@19 DEFAULT@27 (NOT@36 TRUE@40), b@47 int@49 DEFAULT@53 (+@63 1@61 (*@67 2@65 3@69))) [0:70]`},
}

func TestParseCatalogValid(t *testing.T) {
	for _, tt := range catalogValidTests {
		stmts, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if got := formatStmts(stmts); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}

var catalogUnsupportedTests = []struct {
	query string
	pos   int
	what  string
}{
	{"CREATE TEMP TABLE t (a int)", 8, "temporary tables"},
	{"CREATE UNLOGGED TABLE t (a int)", 8, "unlogged tables"},
	{"CREATE TABLE t AS SELECT 1", 16, "CREATE TABLE ... AS"},
	{"CREATE TABLE t (a, b) AS SELECT 1, 2", 23, "CREATE TABLE ... AS"},
	{"CREATE TABLE t (a int REFERENCES kv)", 23, "foreign keys"},
	{"CREATE TABLE t (a int CHECK (a > 0))", 23, "CHECK constraints"},
	{"CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES kv (k))", 24, "foreign keys"},
	{"CREATE TABLE t (a int) INHERITS (kv)", 24, "INHERITS"},
	{"CREATE TABLE t (a int UNIQUE DEFERRABLE)", 30, "constraint attributes"},
	{"CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY)", 23, "generated columns"},
	{"CREATE TABLE t (a text COLLATE \"C\")", 24, "COLLATE"},
	{"CREATE TABLE t (LIKE kv)", 17, "LIKE in CREATE TABLE"},
	{"CREATE TABLE t (a int, UNIQUE (a) INCLUDE (a))", 35, "INCLUDE"},
	{"CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT)", 30, "NULLS [NOT] DISTINCT"},
	{"CREATE TABLE t (a int, CHECK (a > 0))", 24, "CHECK constraints"},
	{"CREATE TABLE t (a int[])", 22, "array types"},
	{"CREATE INDEX i ON kv (v)", 1, "CREATE INDEX"},
	{"CREATE SEQUENCE s", 1, "CREATE SEQUENCE"},
	{"DROP INDEX kv_pkey", 1, "DROP INDEX"},
	{"DROP TABLE a.b.c", 15, "three-part table names"},
	{"SELECT k FROM postgres.public.kv", 30, "three-part table names"},
	{"INSERT INTO a.b.c VALUES (1)", 16, "three-part table names"},
	{"SELECT pg_catalog.now() OVER ()", 25, "window functions"},
	{"SELECT k FROM kv LEFT JOIN activity ON true", 18, "outer joins"},
	{"SELECT k FROM kv NATURAL JOIN activity", 18, "NATURAL JOIN"},
	{"SELECT k FROM kv JOIN activity USING (k)", 32, "JOIN ... USING"},
	{"SELECT 1 FROM kv JOIN activity JOIN kv k2 ON true ON true", 32, "nested joins"},
}

func TestParseCatalogUnsupported(t *testing.T) {
	for _, tt := range catalogUnsupportedTests {
		checkError(t, tt.query, CodeFeatureNotSupported, tt.pos, "poolsim does not support this statement: "+tt.what)
	}
}

var catalogSyntaxErrorTests = []struct {
	query   string
	pos     int
	message string
}{
	{"CREATE TABLE t (a)", 19, "syntax error at end of input"},
	{"CREATE TABLE t a int", 16, "syntax error at or near \"a\""},
	{"CREATE TABLE", 13, "syntax error at end of input"},
	{"DROP TABLE", 11, "syntax error at end of input"},
	{"DROP TABLE t CASCADE x", 22, "syntax error at or near \"x\""},
	{"CREATE TABLE t (a int NOT)", 26, "syntax error at or near \")\""},
	{"CREATE TABLE t (a int DEFAULT NOT true)", 31, "syntax error at or near \"NOT\""},
	{"CREATE TABLE t (a int DEFAULT 1 IS NULL)", 36, "syntax error at or near \"NULL\""},
	{"CREATE TABLE t (a int DEFAULT 'a' LIKE 'b')", 35, "syntax error at or near \"LIKE\""},
	{"CREATE TABLE t (a int DEFAULT 1 AND true)", 33, "syntax error at or near \"AND\""},
	{"CREATE TABLE t (PRIMARY KEY)", 28, "syntax error at or near \")\""},
	{"CREATE TABLE t (a int PRIMARY KEY INCLUDE (a))", 35, "syntax error at or near \"INCLUDE\""},
	{"CREATE FOO", 8, "syntax error at or near \"FOO\""},
	{"DROP FOO x", 6, "syntax error at or near \"FOO\""},
	{"SELECT 1 FROM kv JOIN activity", 31, "syntax error at end of input"},
	{"SELECT 1 FROM kv JOIN activity, kv k2", 31, "syntax error at or near \",\""},
	{"SELECT 1 FROM kv LEFT activity", 23, "syntax error at or near \"activity\""},
	{"SELECT current_user()", 20, "syntax error at or near \"(\""},
	{"SELECT 1 FROM kv CROSS activity", 24, "syntax error at or near \"activity\""},
	{"SELECT 1 FROM kv JOIN activity ON", 34, "syntax error at end of input"},
	{"CREATE TABLE t (a int,)", 23, "syntax error at or near \")\""},
	{"CREATE TABLE t (CONSTRAINT c NOT NULL)", 30, "syntax error at or near \"NOT\""},
	{"CREATE TABLE t (a varchar(x))", 27, "syntax error at or near \"x\""},
	{"CREATE TABLE t (a int DEFAULT DEFAULT)", 31, "syntax error at or near \"DEFAULT\""},
}

func TestParseCatalogSyntaxErrors(t *testing.T) {
	for _, tt := range catalogSyntaxErrorTests {
		checkError(t, tt.query, CodeSyntaxError, tt.pos, tt.message)
	}
}
