"""A plain psycopg2 application, as one is written against PostgreSQL 15.

It uses the built-in tables kv(k text primary key, v bigint) and activity,
which it expects empty, and prints one deterministic line per step (see
appout). Run it with Debian's interpreter and python3-psycopg2 2.9:

    /usr/bin/python3 -B psycopg2_app.py --port 5432
"""

import sys

import psycopg2

from appout import error, norm_version_param, one_line, out, parse_args, quietly, step

args = parse_args(__doc__)


def connect(**kw):
    return psycopg2.connect(host=args.host, port=args.port, user=args.user,
                            dbname="postgres", application_name="psycopg2-app", **kw)


def connect_or_exit(name):
    """Connects, or ends the application: nothing can be done without."""
    try:
        return connect()
    except psycopg2.Error as e:
        out(name, "!", error(e))
        sys.exit(1)


def query(cur, sql, params=None):
    """Executes sql and returns what the application sees of it."""
    cur.execute(sql, params)
    rows = cur.fetchall() if cur.description is not None else None
    return rows, cur.rowcount, cur.statusmessage


def columns(cur):
    if cur.description is None:
        return None
    return [tuple(c) for c in cur.description]


def types(cur):
    if cur.description is None:
        return None
    return [c.type_code for c in cur.description]


def notices(conn):
    """Returns and forgets the notices the server sent."""
    got = [one_line(n) for n in conn.notices]
    del conn.notices[:]
    return got


conn = connect_or_exit("connect")
out("connect", "server major", conn.server_version // 10000, "protocol", conn.protocol_version,
    "encoding", conn.encoding, "status", conn.status, "autocommit", conn.autocommit,
    "isolation_level", conn.isolation_level, "readonly", conn.readonly)
for name in ("application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
             "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser",
             "server_encoding", "session_authorization", "standard_conforming_strings",
             "TimeZone"):
    out("parameter " + name, repr(conn.info.parameter_status(name)))
out("parameter server_version", norm_version_param(conn.info.parameter_status("server_version")))
out("info", conn.info.user, conn.info.dbname, conn.info.transaction_status,
    conn.get_backend_pid() == conn.info.backend_pid)

cur = conn.cursor()

# Parameters: psycopg2 interpolates them client-side; cur.query is what
# went over the wire.
step("params scalar", lambda: query(cur, "SELECT %s AS s, %s AS i, %s AS n, %s AS f, %s AS b",
                                    ("it's", 42, None, 2.5, True)))
out("params scalar query", cur.query)
out("params scalar columns", columns(cur))
out("params list mogrify", cur.mogrify("SELECT %s", (["a", None, "it's"],)))
out("params big mogrify", cur.mogrify("SELECT %s", (9223372036854775808,)))
step("params named", lambda: query(cur, "SELECT %(a)s || %(b)s AS joined", {"a": "x", "b": "y"}))
out("status in transaction", conn.status, conn.info.transaction_status)
quietly("conn commit", conn.commit)

# Writes: rowcount and the command tag.
step("executemany", lambda: (cur.executemany("INSERT INTO kv VALUES (%s, %s)",
                                              [("a", 1), ("b", 2), ("c", None), ("d", 4)]),
                             cur.rowcount, cur.statusmessage)[1:])
step("insert returning", lambda: query(cur, "INSERT INTO kv VALUES (%s, %s) RETURNING k, v", ("e", 5)))
quietly("conn commit", conn.commit)
step("update", lambda: query(cur, "UPDATE kv SET v = v + %s WHERE k IN %s", (10, ("a", "b", "zz"))))
quietly("conn commit", conn.commit)
step("delete", lambda: query(cur, "DELETE FROM kv WHERE k = %s", ("d",)))
quietly("conn commit", conn.commit)
step("select in tuple", lambda: query(cur, "SELECT k, v FROM kv WHERE k IN %s ORDER BY k", (("a", "c", "e"),)))
out("select in tuple query", cur.query)
out("select columns", columns(cur))
quietly("conn commit", conn.commit)
step("select count", lambda: query(cur, "SELECT count(*), count(v) FROM kv"))
quietly("conn commit", conn.commit)

# Errors: each one aborts the transaction until the rollback.
step("unique violation", lambda: query(cur, "INSERT INTO kv VALUES (%s, %s)", ("a", 0)))
out("transaction status after error", conn.info.transaction_status)
step("in failed transaction", lambda: query(cur, "SELECT 1"))
quietly("conn rollback", conn.rollback)
for name, sql in [
    ("syntax error", "SELEC 1"),
    ("undefined table", "SELECT * FROM nope"),
    ("undefined column", "SELECT nope FROM kv"),
    ("undefined function", "SELECT nosuchfunc(1)"),
    ("division by zero", "SELECT 1/0"),
    ("bigint out of range", "INSERT INTO kv VALUES ('big', 9223372036854775808)"),
    ("integer out of range", "SELECT 2147483647 + 1"),
    ("not null violation", "INSERT INTO kv VALUES (NULL, 1)"),
]:
    step(name, lambda: query(cur, sql))
    quietly("conn rollback", conn.rollback)

# Numbers: numeric literals and arithmetic are numeric (Decimal), float8
# only where PostgreSQL uses it.
step("numeric", lambda: query(cur, "SELECT 1e3, 1.5 * 2, 0.1 + 0.2, 10.0 / 4, 7 / 2, 2.5::float8 * 2"))
out("numeric columns", types(cur))
quietly("conn rollback", conn.rollback)
step("bigint range", lambda: query(cur, "SELECT 9223372036854775807, -9223372036854775808, 9223372036854775808"))
out("bigint range columns", types(cur))
quietly("conn commit", conn.commit)

# Text keys compare as text, however numeric they look.
step("activity rows", lambda: (cur.executemany(
    "INSERT INTO activity (id, name) VALUES (%s, %s)",
    [(i, n) for i, n in enumerate(["1", "1.0", "1e0", "9", "10"], start=1)]), cur.rowcount)[1])
quietly("conn commit", conn.commit)
step("text order", lambda: query(cur, "SELECT name FROM activity ORDER BY name"))
step("text equality", lambda: query(cur, "SELECT id FROM activity WHERE name = %s", ("1.0",)))
quietly("conn rollback", conn.rollback)
step("nulls last", lambda: query(cur, "SELECT k, v FROM kv ORDER BY v DESC NULLS LAST, k"))
quietly("conn rollback", conn.rollback)
step("scalar functions", lambda: query(
    cur, "SELECT length(%s), lower('AbC'), upper('AbC'), coalesce(NULL, 'x'), "
         "current_user, current_database(), current_schema()", ("héllo",)))
quietly("conn rollback", conn.rollback)
step("now in a transaction", lambda: (cur.execute("SELECT now()"), cur.fetchone()[0].utcoffset())[1])
step("now is the transaction's start",
     lambda: query(cur, "SELECT now() = now(), pg_backend_pid() = %s", (conn.info.backend_pid,)))
quietly("conn commit", conn.commit)

# A named cursor is a server-side cursor: DECLARE, then FETCH FORWARD.
named = conn.cursor("activity_stream")
named.itersize = 2
step("named declare", lambda: named.execute("SELECT id, name FROM activity ORDER BY id"))
step("named fetchone", lambda: named.fetchone())
out("named columns", columns(named))
step("named fetchmany", lambda: named.fetchmany(2))
step("named scroll", lambda: named.scroll(1))
step("named iterate", lambda: [row for row in named])
step("named fetchall", lambda: named.fetchall())
out("named rowcount", named.rowcount)
step("named close", lambda: named.close())
step("fetch closed cursor", lambda: query(cur, "FETCH FORWARD 1 FROM activity_stream"))
quietly("conn rollback", conn.rollback)
held = conn.cursor("kv_held", withhold=True)
step("held declare", lambda: held.execute("SELECT k FROM kv WHERE v > %s ORDER BY k", (1,)))
quietly("conn commit", conn.commit)
step("held fetch after commit", lambda: held.fetchall())
step("held close", lambda: held.close())
quietly("conn commit", conn.commit)

# Savepoints: an error after a savepoint is undone by rolling back to it.
step("savepoint", lambda: query(cur, "SAVEPOINT before_dup"))
step("savepoint dup", lambda: query(cur, "INSERT INTO kv VALUES ('a', 0)"))
step("rollback to savepoint", lambda: query(cur, "ROLLBACK TO SAVEPOINT before_dup"))
step("after rollback to", lambda: query(cur, "INSERT INTO kv VALUES ('f', 6) RETURNING k"))
step("release", lambda: query(cur, "RELEASE SAVEPOINT before_dup"))
step("release unknown", lambda: query(cur, "RELEASE SAVEPOINT before_dup"))
quietly("conn rollback", conn.rollback)

# Row locks between two connections: NOWAIT and SKIP LOCKED never wait.
other = connect_or_exit("connect other")
ocur = other.cursor()
step("lock a", lambda: query(cur, "SELECT k FROM kv WHERE k = 'a' FOR UPDATE"))
out("lock a in transaction", conn.info.transaction_status)
step("nowait", lambda: query(ocur, "SELECT k FROM kv WHERE k = 'a' FOR UPDATE NOWAIT"))
quietly("other rollback", other.rollback)
step("share nowait", lambda: query(ocur, "SELECT k FROM kv WHERE k = 'a' FOR SHARE NOWAIT"))
quietly("other rollback", other.rollback)
step("skip locked", lambda: query(ocur, "SELECT k FROM kv ORDER BY k LIMIT 2 FOR UPDATE SKIP LOCKED"))
quietly("other rollback", other.rollback)
quietly("conn rollback", conn.rollback)

# Advisory locks are the session's until unlocked.
step("advisory lock", lambda: query(cur, "SELECT pg_try_advisory_lock(42)"))
step("advisory lock other", lambda: query(ocur, "SELECT pg_try_advisory_lock(42)"))
step("advisory unlock", lambda: query(cur, "SELECT pg_advisory_unlock(42)"))
step("advisory unlock again", lambda: (query(cur, "SELECT pg_advisory_unlock(42)"), notices(conn)))
quietly("conn rollback", conn.rollback)
quietly("other rollback", other.rollback)

# SQL-level prepared statements live as long as the session.
step("prepare", lambda: query(cur, "PREPARE get_v (text) AS SELECT v FROM kv WHERE k = $1"))
step("execute", lambda: query(cur, "EXECUTE get_v('a')"))
step("prepare again", lambda: query(cur, "PREPARE get_v (text) AS SELECT 1"))
quietly("conn rollback", conn.rollback)
step("deallocate", lambda: query(cur, "DEALLOCATE get_v"))
step("execute deallocated", lambda: query(cur, "EXECUTE get_v('a')"))
quietly("conn rollback", conn.rollback)

# DDL is transactional.
step("create in transaction", lambda: query(cur, "CREATE TABLE scratch (id int PRIMARY KEY, note text NOT NULL)"))
quietly("conn rollback", conn.rollback)
step("table rolled back", lambda: query(cur, "SELECT * FROM scratch"))
quietly("conn rollback", conn.rollback)
step("drop if exists", lambda: (query(cur, "DROP TABLE IF EXISTS scratch"), notices(conn)))
quietly("conn rollback", conn.rollback)

# Autocommit: every statement commits; transaction-block statements
# complain.
conn.autocommit = True
out("autocommit", conn.autocommit, conn.status, conn.info.transaction_status)
step("autocommit insert", lambda: query(cur, "INSERT INTO kv VALUES ('g', 7)"))
step("visible to other", lambda: query(ocur, "SELECT v FROM kv WHERE k = 'g'"))
quietly("other rollback", other.rollback)
step("commit without transaction", lambda: (query(cur, "COMMIT"), notices(conn)))
step("begin twice", lambda: (query(cur, "BEGIN"), query(cur, "BEGIN"), notices(conn)))
step("end block", lambda: query(cur, "ROLLBACK"))
step("savepoint outside transaction", lambda: query(cur, "SAVEPOINT s"))
step("declare outside transaction", lambda: query(cur, "DECLARE c CURSOR FOR SELECT 1"))
step("named cursor in autocommit", lambda: conn.cursor("no_tx").execute("SELECT 1"))

# set_session: isolation level and read-only for the transactions to come.
quietly("set_session", lambda: conn.set_session(isolation_level="REPEATABLE READ", readonly=True, autocommit=False))
out("set_session", conn.isolation_level, conn.readonly, conn.autocommit)
step("show isolation", lambda: query(cur, "SHOW transaction_isolation"))
step("show read only", lambda: query(cur, "SHOW transaction_read_only"))
step("write in read only", lambda: query(cur, "INSERT INTO kv VALUES ('h', 8)"))
quietly("conn rollback", conn.rollback)

quietly("set_session", lambda: conn.set_session(readonly=False))
other.autocommit = True
step("repeatable read first read", lambda: query(cur, "SELECT v FROM kv WHERE k = 'a'"))
step("concurrent update", lambda: query(ocur, "UPDATE kv SET v = 100 WHERE k = 'a'"))
step("repeatable read second read", lambda: query(cur, "SELECT v FROM kv WHERE k = 'a'"))
step("repeatable read update", lambda: query(cur, "UPDATE kv SET v = v + 1 WHERE k = 'a'"))
quietly("conn rollback", conn.rollback)
step("read committed sees it", lambda: (conn.set_session(isolation_level="READ COMMITTED"),
                                        query(cur, "SELECT v FROM kv WHERE k = 'a'"))[1])
quietly("conn rollback", conn.rollback)

quietly("set_session", lambda: conn.set_session(isolation_level="DEFAULT", readonly=True, autocommit=True))
out("set_session autocommit", conn.isolation_level, conn.readonly, conn.autocommit)
step("show default read only", lambda: query(cur, "SHOW default_transaction_read_only"))
step("write with default read only", lambda: query(cur, "INSERT INTO kv VALUES ('h', 8)"))
quietly("set_session", lambda: conn.set_session(readonly="DEFAULT"))
step("show default read only reset", lambda: query(cur, "SHOW default_transaction_read_only"))

step("final state", lambda: query(cur, "SELECT k, v FROM kv ORDER BY k"))
out("notices left", notices(conn), notices(other))
quietly("close other", other.close)
quietly("close", conn.close)
out("closed", conn.closed, other.closed)
