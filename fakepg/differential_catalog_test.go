package fakepg

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential tests of the catalog: the queries SQLAlchemy 1.4's
// psycopg2 dialect sends when it connects, for has_table and for
// metadata.create_all() (exactly as it renders them), the system catalogs
// and functions they read, joins, and users' own tables: CREATE TABLE and
// DROP TABLE with their errors, defaults, serial columns and unique
// constraints, transactional DDL seen from two sessions, and prepared
// statements across DDL. User tables get different OIDs on every run of
// a real server, so no script shows one.

// sqlalchemyUsers and sqlalchemyTags are the CREATE TABLE statements
// SQLAlchemy 1.4 emits for create_all() of two ORM models (an Integer
// primary key, String(n), Numeric, Float, a Boolean with server_default,
// DateTime(timezone=True), a SmallInteger with server_default, unique=True),
// byte for byte.
const (
	sqlalchemyUsers = "\nCREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tscore NUMERIC, \n\tratio FLOAT, \n\tactive BOOLEAN DEFAULT true, \n\tcreated TIMESTAMP WITH TIME ZONE, \n\tsmall SMALLINT DEFAULT '0', \n\tbig BIGINT, \n\tnote TEXT, \n\tPRIMARY KEY (id), \n\tUNIQUE (email)\n)\n\n"
	sqlalchemyTags  = "\nCREATE TABLE tags (\n\tname VARCHAR NOT NULL, \n\tn INTEGER, \n\tPRIMARY KEY (name)\n)\n\n"
)

// hasTable is the query of SQLAlchemy's has_table without a schema, with
// psycopg2's interpolation of the name.
func hasTable(name string) string {
	return "select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where " +
		"pg_catalog.pg_table_is_visible(c.oid) and relname='" + name + "'"
}

// The first connect of a default create_engine: psycopg2's hstore probe
// in its own transaction, then the dialect's initialize().
func TestDifferentialCatalogFirstConnect(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"user": "postgres", "database": "postgres"}),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SELECT t.oid, typarray\nFROM pg_type t JOIN pg_namespace ns\n    ON typnamespace = ns.oid\nWHERE typname = 'hstore';\n"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "select pg_catalog.version()").Mask(),
		pgtest.Query("s", "select current_schema()"),
		pgtest.Query("s", "show transaction isolation level"),
		pgtest.Query("s", "show standard_conforming_strings"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Terminate("s"),
	})
}

// has_table and create_all as SQLAlchemy runs them, then the ORM's
// statements against the new tables, then drop_all.
func TestDifferentialCatalogCreateAll(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", hasTable("users")),
		pgtest.Query("s", hasTable("tags")),
		pgtest.Query("s", sqlalchemyUsers),
		pgtest.Query("s", sqlalchemyTags),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", hasTable("users")),
		pgtest.Query("s", hasTable("kv")),
		pgtest.Query("s", hasTable("nope")),
		pgtest.Query("s", "select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname='public' and relname='users'"),
		pgtest.Query("s", "SELECT relname FROM pg_class c join pg_namespace n on n.oid=c.relnamespace where relkind='S' and n.nspname='public' and relname='users_id_seq'"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "INSERT INTO tags (name, n) VALUES ('t', 3)"),
		pgtest.Query("s", "INSERT INTO users (name, email, score, ratio, created, big, note) VALUES ('a', 'a@x', 1.5, 0.5, '2024-01-02T03:04:05+00:00'::timestamptz, NULL, NULL) RETURNING users.id"),
		pgtest.Query("s", "INSERT INTO users (name, email, score, ratio, created, big, note) VALUES ('b', 'b@x', 2, 0.25, '2024-01-02T03:04:05.123456+00:00'::timestamptz, 9223372036854775807, 'note') RETURNING users.id"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "SELECT users.id AS users_id, users.name AS users_name, users.email AS users_email, users.score AS users_score, "+
			"users.ratio AS users_ratio, users.active AS users_active, users.created AS users_created, users.small AS users_small, "+
			"users.big AS users_big, users.note AS users_note \nFROM users ORDER BY users.id"),
		pgtest.Query("s", "INSERT INTO users (name, email, score, ratio, created, big, note) VALUES ('c', 'a@x', NULL, NULL, NULL, NULL, NULL) RETURNING users.id"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", hasTable("users")),
		pgtest.Query("s", hasTable("tags")),
		pgtest.Query("s", "\nDROP TABLE tags"),
		pgtest.Query("s", "\nDROP TABLE users"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", hasTable("users")),
		pgtest.Query("s", "SELECT nextval('users_id_seq')"),
		pgtest.Terminate("s"),
	})
}

// The system catalogs as queries read them: rows, column types, joins of
// the catalogs with each other and with user tables.
func TestDifferentialCatalogTables(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SELECT oid, nspname, nspowner FROM pg_catalog.pg_namespace ORDER BY oid"),
		pgtest.Query("s", "SELECT t.oid, typarray, typname, typnamespace, typlen, typbyval, typtype, typcategory, typispreferred, "+
			"typisdefined, typdelim, typrelid, typelem, typalign, typstorage, typnotnull, typbasetype, typtypmod, typndims, typcollation, typdefault "+
			"FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'int4' OR typname = '_varchar' OR typname = 'timestamptz' ORDER BY t.oid"),
		pgtest.Query("s", "SELECT c.oid, c.relname, c.relnamespace, c.reltype, c.reloftype, c.relowner, c.relam, c.reltablespace, c.reltoastrelid, "+
			"c.relhasindex, c.relisshared, c.relpersistence, c.relkind, c.relnatts, c.relchecks, c.relhasrules, c.relhastriggers, "+
			"c.relhassubclass, c.relrowsecurity, c.relforcerowsecurity, c.relispopulated, c.relreplident, c.relispartition, c.relrewrite "+
			"FROM pg_class c WHERE c.relnamespace = 2200 ORDER BY c.oid"),
		pgtest.Query("s", "SELECT c.relname, t.typname, t.typtype, a.typname AS array_name, a.typelem = t.oid FROM pg_class c "+
			"JOIN pg_type t ON t.oid = c.reltype JOIN pg_type a ON a.oid = t.typarray WHERE c.relname = 'kv' OR c.relname = 'pg_class' ORDER BY 1"),
		pgtest.Query("s", "SELECT relname, relkind, relnamespace FROM pg_class WHERE oid = 1259 OR oid = 1247 OR oid = 2615 OR relname = 'pg_toast_16384' ORDER BY relname"),
		pgtest.Query("s", "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('kv', 1), ('pg_class', 2), ('x', 3)"),
		pgtest.Query("s", "SELECT kv.k, c.relkind, c.oid FROM kv JOIN pg_catalog.pg_class AS c ON c.relname = kv.k ORDER BY kv.k"),
		pgtest.Query("s", "SELECT k, v, relname FROM kv, pg_class WHERE relname = k AND v > 1"),
		pgtest.Query("s", "SELECT kv.*, activity.id FROM kv CROSS JOIN activity"),
		pgtest.Query("s", "SELECT * FROM kv a JOIN kv b ON a.v + 1 = b.v JOIN kv c ON c.v = b.v + 1"),
		pgtest.Query("s", "SELECT count(*), count(b.k) FROM kv a INNER JOIN kv b ON true"),
		pgtest.Query("s", "SELECT relname FROM pg_class WHERE relname = 'kv' LIMIT 1"),
		pgtest.Query("s", "SELECT typname FROM pg_type WHERE oid = 23"),
		pgtest.Query("s", "SELECT relname FROM pg_class WHERE oid = 'kv'::regclass"),
		pgtest.Terminate("s"),
	})
}

// The errors of FROM lists, joins and qualified names.
func TestDifferentialCatalogJoinErrors(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SELECT oid FROM pg_class JOIN pg_type ON true"),
		pgtest.Query("s", "SELECT * FROM kv JOIN kv k2 ON kv.k = k"),
		pgtest.Query("s", "SELECT k FROM kv JOIN activity ON k = name JOIN kv ON true"),
		pgtest.Query("s", "SELECT k FROM kv a JOIN activity a ON true"),
		pgtest.Query("s", "SELECT 1 FROM kv, activity JOIN kv k2 ON kv.k = k2.k"),
		pgtest.Query("s", "SELECT 1 FROM kv, activity JOIN kv k2 ON k = 'a'"),
		pgtest.Query("s", "SELECT 1 FROM kv JOIN activity ON activity.id = k2.v JOIN kv k2 ON true"),
		pgtest.Query("s", "SELECT 1 FROM kv JOIN activity ON 1"),
		pgtest.Query("s", "SELECT 1 FROM kv JOIN activity"),
		pgtest.Query("s", "SELECT 1 FROM kv k2 JOIN activity ON kv.k = name"),
		pgtest.Query("s", "SELECT * FROM pg_catalog.nope"),
		pgtest.Query("s", "SELECT * FROM nope.kv"),
		pgtest.Query("s", "SELECT * FROM public.nope"),
		pgtest.Query("s", "SELECT * FROM pg_catalog.kv"),
		pgtest.Query("s", "SELECT * FROM public.kv k WHERE kv.k = 'a'"),
		pgtest.Query("s", "SELECT kv.k FROM public.kv"),
		pgtest.Query("s", "SELECT * FROM kv_pkey"),
		pgtest.Query("s", "SELECT pg_catalog.nope()"),
		pgtest.Query("s", "SELECT public.version()"),
		pgtest.Query("s", "SELECT nope.version()"),
		pgtest.Query("s", "SELECT 'nope'::regclass"),
		pgtest.Terminate("s"),
	})
}

// The system information functions and the search path.
func TestDifferentialCatalogFunctions(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", map[string]string{"user": "postgres", "database": "postgres"}),
		pgtest.Query("s", "SELECT current_schema, current_schema(), pg_catalog.current_schema(), current_user, session_user, user, current_role, current_catalog, current_database()"),
		pgtest.Query("s", "SELECT version() = pg_catalog.version(), version() = version()"),
		pgtest.Query("s", "SELECT pg_table_is_visible(16384), pg_table_is_visible(1259), pg_catalog.pg_table_is_visible(1), pg_table_is_visible(NULL)"),
		pgtest.Query("s", "SELECT 'kv'::regclass, 'pg_class'::regclass, 'pg_catalog.pg_type'::regclass, 'PUBLIC.KV'::regclass, 16384::regclass, 1::regclass, 'kv'::regclass::oid"),
		pgtest.Query("s", "SELECT k FROM kv"),
		pgtest.Query("s", "SELECT 'kv'::regclass::oid"),
		pgtest.Parse("s", "kvs", "SELECT k FROM kv").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SET search_path = nothing"),
		pgtest.Query("s", "SELECT k FROM kv"),
		pgtest.Query("s", "SELECT 'kv'::regclass::oid"),
		pgtest.Bind("s", "", "kvs", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SELECT current_schema, current_schema()"),
		pgtest.Query("s", "SELECT * FROM kv"),
		pgtest.Query("s", "SELECT relname FROM pg_class WHERE oid = 16384"),
		pgtest.Query("s", "SELECT pg_table_is_visible(16384), 16384::regclass"),
		pgtest.Query("s", "CREATE TABLE t (a int)"),
		pgtest.Query("s", "SET search_path = pg_catalog, public"),
		pgtest.Query("s", "SELECT current_schema()"),
		pgtest.Query("s", "CREATE TABLE t (a int)"),
		pgtest.Query("s", "RESET search_path"),
		pgtest.Query("s", "SELECT 'x'::oid"),
		pgtest.Query("s", "SELECT '4294967296'::oid"),
		pgtest.Query("s", "SELECT '-1'::oid, 4294967295::oid, 'abc'::name, 'abc'::varchar, 1::int2 + 1::int2"),
		pgtest.Query("s", "SELECT 32767::int2 + 1::int2"),
		pgtest.Query("s", "SELECT relkind, relname || 'x', relnatts + 1, relname = 'kv', relname < 'l', relname = 'kv'::text FROM pg_class WHERE relname = 'kv'"),
		pgtest.Terminate("s"),
	})
}

// CREATE TABLE and DROP TABLE, their errors and notices.
func TestDifferentialDDL(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "CREATE TABLE t1 (id serial PRIMARY KEY, name varchar(5) NOT NULL, email text UNIQUE, n int2 DEFAULT 7, b boolean, x numeric, f float8, ts timestamptz, big int8)"),
		pgtest.Query("s", "CREATE TABLE t1 (a int)"),
		pgtest.Query("s", "CREATE TABLE IF NOT EXISTS t1 (a int)"),
		pgtest.Query("s", "CREATE TABLE IF NOT EXISTS kv (a nosuchtype)"),
		pgtest.Query("s", "CREATE TABLE kv (a int)"),
		pgtest.Query("s", "CREATE TABLE kv_pkey (a int)"),
		pgtest.Query("s", "INSERT INTO t1 (name, email) VALUES ('abc', 'a@x') RETURNING *"),
		pgtest.Query("s", "INSERT INTO t1 (name, email) VALUES ('abcdef', 'b@x')"),
		pgtest.Query("s", "INSERT INTO t1 (name, email) VALUES ('abc  ', 'b@x') RETURNING id, name, name = 'abc'"),
		pgtest.Query("s", "INSERT INTO t1 (name, email) VALUES ('abc', 'a@x')"),
		pgtest.Query("s", "INSERT INTO t1 (name) VALUES (NULL)"),
		pgtest.Query("s", "INSERT INTO t1 (name, n) VALUES ('q', 40000)"),
		pgtest.Query("s", "INSERT INTO t1 (id, name) VALUES (2, 'q')"),
		pgtest.Query("s", "INSERT INTO t1 (name, ts) VALUES ('r', '2024-02-29 23:59:59.5+01')"),
		pgtest.Query("s", "SELECT * FROM t1 ORDER BY id"),
		pgtest.Query("s", "UPDATE t1 SET n = n + 1, ts = '2024-01-01' WHERE id = 2 RETURNING n, ts"),
		pgtest.Query("s", "UPDATE t1 SET n = 32767 + n WHERE id = 2"),
		pgtest.Query("s", "DELETE FROM t1 WHERE name = 'q' RETURNING id"),
		pgtest.Query("s", "DROP TABLE nope"),
		pgtest.Query("s", "DROP TABLE IF EXISTS nope"),
		pgtest.Query("s", "DROP TABLE IF EXISTS nope, t1"),
		pgtest.Query("s", "DROP TABLE t1"),
		pgtest.Query("s", "DROP TABLE nosuch.t"),
		pgtest.Query("s", "DROP TABLE IF EXISTS nosuch.t, public.nope"),
		pgtest.Query("s", "DROP TABLE kv_pkey"),
		pgtest.Query("s", "DROP TABLE pg_class"),
		pgtest.Query("s", "DROP TABLE pg_attribute"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, a text)"),
		pgtest.Query("s", "CREATE TABLE kv (xmin int)"),
		pgtest.Query("s", "CREATE TABLE t2 (oid int, tableoid int)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int PRIMARY KEY, b int PRIMARY KEY)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int PRIMARY KEY, b int, PRIMARY KEY (b))"),
		pgtest.Query("s", "CREATE TABLE t2 (a foo)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, PRIMARY KEY (z))"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, PRIMARY KEY (z), b foo)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, PRIMARY KEY (z), a int)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, b int, PRIMARY KEY (a, b, a))"),
		pgtest.Query("s", "CREATE TABLE t2 (a int, UNIQUE (a, a))"),
		pgtest.Query("s", "CREATE TABLE t2 (a int DEFAULT 'x')"),
		pgtest.Query("s", "CREATE TABLE t2 (a int DEFAULT b)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int DEFAULT $1)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int DEFAULT 1 DEFAULT 2)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int NOT NULL NULL)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int NULL NOT NULL, b foo)"),
		pgtest.Query("s", "CREATE TABLE t2 (a serial DEFAULT 1)"),
		pgtest.Query("s", "CREATE TABLE t2 (a serial NULL)"),
		pgtest.Query("s", "CREATE TABLE t2 (a varchar(0))"),
		pgtest.Query("s", "CREATE TABLE t2 (a varchar(10485761))"),
		pgtest.Query("s", "CREATE TABLE t2 (a text(5))"),
		pgtest.Query("s", "CREATE TABLE t2 (a serial(1))"),
		pgtest.Query("s", "CREATE TABLE t2 (a int CONSTRAINT kv_pkey PRIMARY KEY)"),
		pgtest.Query("s", "CREATE TABLE t2 (a int CONSTRAINT x PRIMARY KEY, b int CONSTRAINT x UNIQUE)"),
		pgtest.Query("s", "CREATE TABLE pg_catalog.t2 (a int)"),
		pgtest.Query("s", "CREATE TABLE pg_toast.t2 (a int)"),
		pgtest.Query("s", "CREATE TABLE nosuch.t2 (a int)"),
		pgtest.Query("s", "CREATE TABLE t2 ()"),
		pgtest.Query("s", "SELECT * FROM t2"),
		pgtest.Query("s", "INSERT INTO t2 DEFAULT VALUES"),
		pgtest.Query("s", "SELECT count(*) FROM t2"),
		pgtest.Query("s", "DROP TABLE t2, t2"),
		pgtest.Query("s", "SELECT DEFAULT"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', DEFAULT + 1)"),
		pgtest.Query("s", "UPDATE kv SET v = DEFAULT WHERE k = DEFAULT"),
		pgtest.Terminate("s"),
	})
}

// Defaults, serial columns and their sequences, unique constraints and
// their names, ON CONFLICT on them, composite keys and tables without a
// primary key.
func TestDifferentialDDLConstraints(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s", sqlalchemyUsers),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('a', 'a@x') RETURNING id, small, active"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('b', 'a@x') RETURNING users.id"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('c', 'c@x') RETURNING id"),
		pgtest.Query("s", "SELECT currval('users_id_seq'), nextval('users_id_seq'), nextval('public.users_id_seq'::regclass), currval('users_id_seq')"),
		pgtest.Query("s", "SELECT nextval('kv')"),
		pgtest.Query("s2", "SELECT currval('users_id_seq')"),
		pgtest.Query("s", "UPDATE users SET email = 'c@x' WHERE id = 1"),
		pgtest.Query("s", "UPDATE users SET email = 'z@x' WHERE id = 1 RETURNING email"),
		pgtest.Query("s", "UPDATE users SET name = NULL WHERE id = 1"),
		pgtest.Query("s", "INSERT INTO users DEFAULT VALUES"),
		pgtest.Query("s", "INSERT INTO users (name) VALUES (DEFAULT)"),
		pgtest.Query("s", "INSERT INTO users VALUES (DEFAULT, 'd', DEFAULT, DEFAULT) RETURNING id, name, email, score"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('e', 'e@x') ON CONFLICT DO NOTHING RETURNING id"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('e', 'e@x') ON CONFLICT DO NOTHING RETURNING id"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('e', 'e@x') ON CONFLICT (email) DO NOTHING RETURNING id"),
		pgtest.Query("s", "INSERT INTO users (id, name, email) VALUES (1, 'e', 'new@x') ON CONFLICT (email) DO NOTHING"),
		pgtest.Query("s", "INSERT INTO users (name, email) VALUES ('e', 'e@x') ON CONFLICT (id) DO NOTHING"),
		pgtest.Query("s", "INSERT INTO users (name) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"),
		pgtest.Query("s", "UPDATE users SET small = DEFAULT, score = 2.5 WHERE id = 1 RETURNING small, score"),
		pgtest.Query("s", "SELECT id, name, email FROM users ORDER BY id"),
		pgtest.Query("s", "SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relam, c.reltype <> 0, c.reltoastrelid <> 0 FROM pg_class c WHERE c.relnamespace = 2200 ORDER BY c.relname"),
		pgtest.Query("s", "SELECT 'users'::regclass, 'users_id_seq'::regclass, 'users_pkey'::regclass, pg_table_is_visible('users'::regclass)"),
		pgtest.Query("s", "DROP TABLE users"),
		pgtest.Query("s", "SELECT nextval('users_id_seq')"),
		pgtest.Query("s", "CREATE TABLE s5 (a int UNIQUE, b int UNIQUE, UNIQUE (a), c int, UNIQUE (a, c), UNIQUE (c, a), PRIMARY KEY (a))"),
		pgtest.Query("s", "CREATE TABLE s1 (id serial, s1_id_seq int)"),
		pgtest.Query("s", "CREATE TABLE s2 (id bigserial, x smallserial, s1_id_seq1 text)"),
		pgtest.Query("s", "CREATE TABLE s3 (a int NOT NULL NOT NULL, b int NULL NULL, c int PRIMARY KEY NULL, d int UNIQUE UNIQUE)"),
		pgtest.Query("s", "SELECT relname, relkind FROM pg_class WHERE relnamespace = 2200 ORDER BY relname"),
		pgtest.Query("s", "INSERT INTO s2 (s1_id_seq1) VALUES ('a') RETURNING *"),
		pgtest.Query("s", "INSERT INTO s3 (a, b) VALUES (1, 2)"),
		pgtest.Query("s", "CREATE TABLE pairs (a int, b text, PRIMARY KEY (a, b))"),
		pgtest.Query("s", "INSERT INTO pairs VALUES (1, 'x'), (1, 'y'), (2, 'x')"),
		pgtest.Query("s", "INSERT INTO pairs VALUES (1, 'x')"),
		pgtest.Query("s", "INSERT INTO pairs VALUES (1, 'x') ON CONFLICT (b, a) DO NOTHING"),
		pgtest.Query("s", "INSERT INTO pairs VALUES (1, 'x') ON CONFLICT (a) DO NOTHING"),
		pgtest.Query("s", "CREATE TABLE bag (a int, b text DEFAULT 'x' || 'y', c int DEFAULT 2147483647 + 1)"),
		pgtest.Query("s", "INSERT INTO bag (a, c) VALUES (1, 1), (1, 1) RETURNING *"),
		pgtest.Query("s", "INSERT INTO bag (a) VALUES (1)"),
		pgtest.Query("s", "SELECT * FROM bag"),
		pgtest.Query("s", "DELETE FROM bag"),
		pgtest.Terminate("s"),
		pgtest.Terminate("s2"),
	})
}

// DDL is transactional: rolled back, it is gone; uncommitted, other
// sessions do not see it, and creating the same name waits for the
// creator; dropping a table waits for every transaction using it, and
// every statement after the DROP (even one that would not conflict with
// those transactions) waits for the DROP.
func TestDifferentialDDLTransactions(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Connect("c", nil),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "CREATE TABLE c1 (id int PRIMARY KEY)"),
		pgtest.Query("a", "INSERT INTO c1 VALUES (1)"),
		pgtest.Query("b", "SELECT * FROM c1"),
		pgtest.Query("b", "select relname from pg_class where relname = 'c1'"),
		pgtest.Query("b", "DROP TABLE c1"),
		pgtest.Query("b", "CREATE TABLE c1 (x int)").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "CREATE TABLE c2 (id int)"),
		pgtest.Query("b", "CREATE TABLE c2 (x text)").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Await("b"),
		pgtest.Query("b", "SELECT * FROM c2"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DROP TABLE c2"),
		pgtest.Query("a", "select relname from pg_class where relname = 'c2'"),
		pgtest.Query("b", "SELECT * FROM c2").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SELECT * FROM c1"),
		pgtest.Query("b", "DROP TABLE c1").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("c", "SELECT count(*) FROM c1").NoWait(),
		pgtest.Idle("c", 200*time.Millisecond),
		pgtest.Query("a", "SELECT count(*) FROM c1"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Await("c"),
		pgtest.Query("a", "CREATE TABLE c3 (id int PRIMARY KEY)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DROP TABLE c3"),
		pgtest.Query("b", "INSERT INTO c3 VALUES (1)").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "INSERT INTO c3 VALUES (2)"),
		pgtest.Query("b", "DROP TABLE c3").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "SELECT * FROM c3 ORDER BY id"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "CREATE TABLE c4 (id serial, t text UNIQUE)"),
		pgtest.Query("a", "INSERT INTO c4 (t) VALUES ('x')"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("a", "SELECT * FROM c4"),
		pgtest.Query("a", "select relname from pg_class where relnamespace = 2200 ORDER BY relname"),
		pgtest.Query("a", "CREATE TABLE d1 (id int); CREATE TABLE d2 (id int)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DROP TABLE d1"),
		pgtest.Query("b", "SET lock_timeout = 100"),
		pgtest.Query("b", "SELECT * FROM d1"),
		pgtest.Query("b", "INSERT INTO d1 VALUES (1)"),
		pgtest.Query("b", "SET lock_timeout = 0"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
		pgtest.Terminate("c"),
	})
}

// A deadlock through relation locks: each session reads the table the
// other then drops.
func TestDifferentialDDLDeadlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE d1 (id int); CREATE TABLE d2 (id int)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("b", "BEGIN"),
		pgtest.Query("a", "SELECT * FROM d1"),
		pgtest.Query("b", "SELECT * FROM d2"),
		pgtest.Query("a", "DROP TABLE d2").NoWait(),
		pgtest.Idle("a", 200*time.Millisecond),
		pgtest.Query("b", "DROP TABLE d1"),
		pgtest.Await("a"),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Query("b", "ROLLBACK"),
		pgtest.Query("a", "DROP TABLE d1, d2"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// Unique constraints between two sessions: a writer waits for the
// transaction whose uncommitted row has its key, and fails or proceeds as
// that transaction ends.
func TestDifferentialDDLUniqueWaits(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("a", nil),
		pgtest.Connect("b", nil),
		pgtest.Query("a", "CREATE TABLE u (id int PRIMARY KEY, e text UNIQUE)"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "INSERT INTO u VALUES (1, 'x')"),
		pgtest.Query("b", "INSERT INTO u VALUES (2, 'x')").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "INSERT INTO u VALUES (3, 'y')"),
		pgtest.Query("b", "INSERT INTO u VALUES (4, 'y') ON CONFLICT DO NOTHING").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "UPDATE u SET e = 'w' WHERE id = 1"),
		pgtest.Query("b", "INSERT INTO u VALUES (5, 'x')").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "COMMIT"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "DELETE FROM u WHERE id = 5"),
		pgtest.Query("b", "UPDATE u SET e = 'x' WHERE id = 4").NoWait(),
		pgtest.Idle("b", 200*time.Millisecond),
		pgtest.Query("a", "ROLLBACK"),
		pgtest.Await("b"),
		pgtest.Query("a", "BEGIN"),
		pgtest.Query("a", "SELECT * FROM u WHERE id = 1 FOR UPDATE"),
		pgtest.Query("b", "INSERT INTO u VALUES (6, 'w')"),
		pgtest.Query("a", "COMMIT"),
		pgtest.Query("a", "SELECT * FROM u ORDER BY id"),
		pgtest.Terminate("a"),
		pgtest.Terminate("b"),
	})
}

// Prepared statements across DDL: analysed again at Bind when the catalog
// changed, failing if the table is gone or its result columns differ.
func TestDifferentialDDLPreparedStatements(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "CREATE TABLE p (a int, b text)"),
		pgtest.Query("s", "INSERT INTO p VALUES (1, 'x')"),
		pgtest.Parse("s", "sel", "SELECT * FROM p WHERE a = $1").NoWait(),
		pgtest.Parse("s", "ins", "INSERT INTO p VALUES ($1, 'y')").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "DROP TABLE p; CREATE TABLE p (a int, b text)"),
		pgtest.Bind("s", "", "sel", pgtest.Text("1")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Bind("s", "", "ins", pgtest.Text("2")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Bind("s", "", "sel", pgtest.Text("2")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "DROP TABLE p; CREATE TABLE p (a int, b int)"),
		pgtest.Bind("s", "", "sel", pgtest.Text("1")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Bind("s", "", "ins", pgtest.Text("1")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "DROP TABLE p"),
		pgtest.Bind("s", "", "ins", pgtest.Text("1")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "SELECT * FROM users").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", sqlalchemyUsers),
		pgtest.Parse("s", "", "INSERT INTO users (name, email, created) VALUES ($1, $2, $3) RETURNING users.id").NoWait(),
		pgtest.Describe("s", 'S', "").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("a", "a@x", "2024-01-02 03:04:05+00")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Bind("s", "", "", pgtest.Text("b", "a@x", "2024-01-02 03:04:05.25-01")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "SELECT name, created, small FROM users WHERE id = $1").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("1"), 1).NoWait(),
		pgtest.Describe("s", 'P', "").NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}
