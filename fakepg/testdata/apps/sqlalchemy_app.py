"""A SQLAlchemy 1.4 application, as one is written against PostgreSQL 15.

It maps the built-in tables kv(k text primary key, v bigint) and activity,
which it expects empty, creates a table of its own (ledger, which it
expects absent) with metadata.create_all(), and prints one deterministic
line per step (see appout). The engine is created with create_engine's
defaults: the psycopg2 dialect runs its first-connect queries, and the
pool is a QueuePool, here with pre-ping. Run it with Debian's interpreter,
python3-sqlalchemy 1.4 and python3-psycopg2 2.9:

    /usr/bin/python3 -B sqlalchemy_app.py --port 5432 --role app --max-connections 8

--role names a role that is not a superuser, and --max-connections is the
server's max_connections: the last steps open connections until the server
refuses them, first as the role (refused when only the slots reserved for
superusers remain), then as the superuser.
"""

import sys
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float, Integer, Numeric,
                        SmallInteger, Text, create_engine, func, inspect, select, text, update)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, declarative_base
from sqlalchemy.pool import NullPool

from appout import error, out, parse_args, quietly, step

args = parse_args(__doc__)


def url(user):
    return f"postgresql+psycopg2://{user}@{args.host}:{args.port}/postgres"


engine = create_engine(url(args.user), pool_pre_ping=True)

Base = declarative_base()


class KV(Base):
    """The built-in key-value table."""
    __tablename__ = "kv"
    k = Column(Text, primary_key=True)
    v = Column(BigInteger)


class Activity(Base):
    """The built-in wide table."""
    __tablename__ = "activity"
    id = Column(BigInteger, primary_key=True, autoincrement=False)
    name = Column(Text)
    kind = Column(Text)
    owner = Column(Text)
    payload = Column(Text)
    created = Column(Text)


class Ledger(Base):
    """The application's own table, created by metadata.create_all()."""
    __tablename__ = "ledger"
    id = Column(BigInteger, primary_key=True, autoincrement=False)
    account = Column(Text, nullable=False, unique=True)
    amount = Column(Numeric, nullable=False, server_default="0")
    rate = Column(Float)
    active = Column(Boolean, nullable=False, server_default=sa.true())
    tier = Column(SmallInteger)
    seq = Column(Integer)
    opened = Column(DateTime(timezone=True))


def rows(result):
    return [tuple(r) for r in result]


def kv_state():
    with Session(engine) as s:
        return [(o.k, o.v) for o in s.scalars(select(KV).order_by(KV.k))]


# First connect: the dialect's initialisation (hstore lookup, version,
# current schema, isolation level, standard_conforming_strings). The
# dialect keeps what it learnt: _backslash_escapes is its reading of
# standard_conforming_strings, _has_native_hstore of the hstore lookup.
def first_connect():
    with engine.connect() as c:
        d = engine.dialect
        return (d.server_version_info[0], d.default_schema_name, d.default_isolation_level,
                d._backslash_escapes, d._has_native_hstore, c.scalar(text("SELECT 1")))


if step("first connect", first_connect) is None:
    sys.exit(1)
out("pool", type(engine.pool).__name__, engine.pool.size(), engine.pool.checkedin())

# has_table and create_all (which checks every table first).
step("has_table before", lambda: [inspect(engine).has_table(n) for n in ("kv", "activity", "ledger", "nope")])
step("create_all", lambda: Base.metadata.create_all(engine))
step("has_table after", lambda: [inspect(engine).has_table(n) for n in ("kv", "activity", "ledger")])


# ORM writes.
def orm_insert():
    with Session(engine) as s:
        s.add_all([KV(k="a", v=1), KV(k="b", v=2), KV(k="c", v=None), KV(k="d", v=4)])
        s.add_all([Activity(id=i, name=n, kind="k%d" % (i % 2)) for i, n in
                   enumerate(["1", "1.0", "1e0", "9", "10"], start=1)])
        s.add_all([Ledger(id=1, account="alice", amount=Decimal("10.50"), rate=0.5, tier=1, seq=1,
                          opened=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
                   Ledger(id=2, account="bob", rate=None, seq=2)])
        s.commit()
        return "committed"


step("orm insert", orm_insert)
step("orm state", kv_state)


# ORM reads.
def orm_reads():
    with Session(engine) as s:
        got = [s.get(KV, "a").v, s.get(KV, "zz")]
        got.append([(o.k, o.v) for o in s.scalars(
            select(KV).where(KV.k.in_(["a", "c", "zz"])).order_by(KV.k))])
        got.append([(o.k, o.v) for o in s.scalars(
            select(KV).order_by(KV.v.desc().nulls_last(), KV.k))])
        got.append(s.scalar(select(func.count()).select_from(KV).where(KV.v > 1)))
        got.append(rows(s.execute(select(KV.k, func.length(KV.k), func.upper(KV.k),
                                         func.coalesce(KV.v, -1)).order_by(KV.k))))
        got.append([o.name for o in s.scalars(select(Activity).order_by(Activity.name))])
        got.append([o.id for o in s.scalars(select(Activity).where(Activity.name == "1.0"))])
        return got


step("orm reads", orm_reads)


def ledger_defaults():
    with Session(engine) as s:
        return [(o.id, o.account, o.amount, o.rate, o.active, o.tier, o.seq, o.opened)
                for o in s.scalars(select(Ledger).order_by(Ledger.id))]


step("ledger defaults", ledger_defaults)


# ORM updates and deletes.
def orm_update():
    with Session(engine) as s:
        s.get(KV, "a").v += 10
        s.delete(s.get(KV, "d"))
        s.execute(update(KV).where(KV.k.in_(["b", "c"])).values(v=func.coalesce(KV.v, 0) + 1))
        s.commit()
    return kv_state()


step("orm update", orm_update)


# Savepoints: a nested transaction rolled back, one released, and a unique
# violation caught inside one while the outer transaction goes on.
def savepoints():
    with Session(engine) as s:
        s.add(KV(k="n1", v=1))
        nested = s.begin_nested()
        s.add(KV(k="n2", v=2))
        s.flush()
        nested.rollback()
        with s.begin_nested():
            s.add(KV(k="n3", v=3))
        caught = None
        try:
            with s.begin_nested():
                s.add(KV(k="a", v=0))
        except IntegrityError as e:
            caught = type(e.orig).__name__
        s.commit()
    return caught, [k for k, _ in kv_state() if k.startswith("n")]


step("begin_nested", savepoints)


# yield_per streams through a server-side cursor (DECLARE, FETCH FORWARD).
def streamed():
    with Session(engine) as s:
        return [(o.id, o.name) for o in s.query(Activity).order_by(Activity.id).yield_per(2)]


step("yield_per", streamed)


def core_stream():
    with engine.connect() as c:
        result = c.execution_options(stream_results=True).execute(
            select(Activity.id, Activity.kind).where(Activity.id > 1).order_by(Activity.id))
        return [rows(p) for p in result.partitions(2)]


step("stream_results", core_stream)


# A unique violation, then rollback: the session is usable again and the
# failed changes are gone.
def unique_violation():
    s = Session(engine)
    s.add(KV(k="a", v=99))
    got = []
    try:
        s.commit()
    except IntegrityError as e:
        out("unique violation error", error(e))
    try:
        s.get(KV, "b")
    except Exception as e:
        got.append(type(e).__name__)
    s.rollback()
    got.append(s.get(KV, "a").v)
    s.get(KV, "b").v = 1000
    s.flush()
    got.append(s.scalar(select(KV.v).where(KV.k == "b")))
    s.rollback()
    got.append(s.get(KV, "b").v)
    s.close()
    return got


step("unique violation", unique_violation)


def ledger_unique():
    with Session(engine) as s:
        s.add(Ledger(id=3, account="alice"))
        try:
            s.flush()
        except IntegrityError as e:
            s.rollback()
            return error(e)
    return "no error"


step("ledger unique", ledger_unique)


# Core with an isolation level: REPEATABLE READ keeps the first snapshot
# and refuses to update a row updated since.
def repeatable_read():
    got = []
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as c1, \
            engine.connect() as c2:
        t1 = c1.begin()
        got.append(c1.get_isolation_level())
        got.append(c1.scalar(text("SHOW transaction_isolation")))
        got.append(c1.scalar(text("SELECT v FROM kv WHERE k = :k"), {"k": "a"}))
        with c2.begin():
            c2.execute(text("UPDATE kv SET v = 500 WHERE k = 'a'"))
        got.append(c1.scalar(text("SELECT v FROM kv WHERE k = :k"), {"k": "a"}))
        try:
            c1.execute(text("UPDATE kv SET v = v + 1 WHERE k = 'a'"))
        except OperationalError as e:
            got.append((type(e.orig).__name__, e.orig.pgcode))
        t1.rollback()
        got.append(c2.scalar(text("SHOW transaction_isolation")))
    return got


step("repeatable read", repeatable_read)


def autocommit_level():
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(KV.__table__.insert(), [{"k": "x1", "v": 1}, {"k": "x2", "v": 2}])
        return c.get_isolation_level(), c.scalar(text("SELECT count(*) FROM kv WHERE k >= 'x'"))


step("autocommit", autocommit_level)


def pooled_level():
    with engine.connect() as c:
        return engine.dialect.default_isolation_level, c.scalar(text("SHOW transaction_isolation"))


step("after isolation levels", pooled_level)
step("state", kv_state)
out("pool", engine.pool.size(), engine.pool.checkedin(), engine.pool.checkedout())


# The connection limit: the role gets max_connections minus the slots
# reserved for superusers (and minus what the pool holds), the superuser
# the rest.
def fill(name, user):
    limited = create_engine(url(user), poolclass=NullPool)
    conns = []
    try:
        for _ in range(args.max_connections + 1):
            conns.append(limited.connect())
    except OperationalError as e:
        out(name, len(conns), "connections, then", error(e))
    else:
        out(name, len(conns), "connections, never refused")
    return limited, conns


def limit_settings():
    with engine.connect() as c:
        return [c.scalar(text("SHOW " + name)) for name in
                ("max_connections", "superuser_reserved_connections")]


step("limit settings", limit_settings)
role_engine, role_conns = fill("role connections", args.role)
if role_conns:
    step("role is", lambda: (role_conns[0].scalar(text("SELECT current_user")),
                             role_conns[0].scalar(text("SHOW is_superuser"))))
su_engine, su_conns = fill("superuser connections", args.user)
for c in role_conns + su_conns:
    quietly("close", c.close)
role_engine.dispose()
su_engine.dispose()
step("drop_all", lambda: Ledger.__table__.drop(engine))
engine.dispose()
out("done", engine.pool.checkedin())
