"""Deterministic output for the application scripts of this directory.

Each application prints one line per step to standard output, so that a
run against a real PostgreSQL 15 and a run against fakepg can be compared
byte for byte. The values that differ from server to server or from run to
run are normalised here, and only here:

  - the server's port in client error messages ("port 54321" becomes
    "port <port>"), since each server listens on a port of its own;
  - the server version: version() and the server_version parameter are
    cut to the major version ("PostgreSQL 15.<minor> <build>", "15.<minor>"),
    and psycopg2's connection.server_version to its major version;
  - process IDs are never printed: the scripts print whether two of them
    agree instead.
"""

import argparse
import re
import sys


def parse_args(description):
    """Reads the command line every application takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", default="postgres", help="a superuser")
    p.add_argument("--role", default="app", help="a role that is not a superuser")
    p.add_argument("--max-connections", type=int, default=8,
                   help="the server's max_connections")
    return p.parse_args()


_port = re.compile(r"port \d+")
_version = re.compile(r"PostgreSQL (\d+)\.\S+.*")
_version_param = re.compile(r"^(\d+)\.\S*.*$")


def norm(text):
    """Normalises volatile parts of a message or value (see the module doc)."""
    text = _port.sub("port <port>", text)
    text = _version.sub(r"PostgreSQL \1.<minor> <build>", text)
    return text


def norm_version_param(value):
    """Normalises a server_version parameter such as "15.4 (Debian ...)"."""
    return _version_param.sub(r"\1.<minor>", value)


def one_line(text):
    """Shows a multi-line message on one line, newlines as " | "."""
    return " | ".join(line for line in text.rstrip("\n").split("\n"))


def out(step, *values):
    """Prints one step's result as "step: value value ..."."""
    text = " ".join(v if isinstance(v, str) else repr(v) for v in values)
    print(norm(f"{step}: {text}"))
    sys.stdout.flush()


def pg_error(e):
    """Describes a psycopg2 error: class, SQLSTATE, the message as libpq
    formats it (with DETAIL, HINT, LINE and caret) and the fields an
    application reads from diag."""
    parts = [type(e).__name__, str(e.pgcode)]
    text = e.pgerror if e.pgerror is not None else str(e)
    parts.append(one_line(text))
    d = getattr(e, "diag", None)
    if d is not None:
        for name in ("schema_name", "table_name", "column_name", "constraint_name",
                     "statement_position"):
            v = getattr(d, name)
            if v is not None:
                parts.append(f"{name}={v}")
    return " ".join(parts)


def error(e):
    """Describes any exception: SQLAlchemy wrappers show their own class,
    the statement as the dialect sent it and the driver's error."""
    orig = getattr(e, "orig", None)
    if orig is not None:
        return f"{type(e).__name__} [{e.statement}] <- {pg_error(orig)}"
    if hasattr(e, "pgcode"):
        return pg_error(e)
    return f"{type(e).__name__} {one_line(str(e))}"


def step(name, fn):
    """Runs fn, printing what it returns, or the exception it raises
    prefixed with "!". Returns fn's result, or None after an exception."""
    try:
        result = fn()
    except Exception as e:  # every failure is part of the output
        out(name, "!", error(e))
        return None
    out(name, repr(result))
    return result


def quietly(name, fn):
    """Runs fn, printing nothing unless it raises; for the bookkeeping
    calls (commit, rollback, close) whose success is not news."""
    try:
        fn()
    except Exception as e:
        out(name, "!", error(e))
