"""The fidelity workload, as an application runs it on the real stack.

Run by sqla's TestFidelityToRealStack with Debian's python3 (SQLAlchemy
1.4.46, psycopg2 2.9.5) against a fakepg server on loopback; the test
runs the same workload through package sqla in the simulator and
compares the frontend messages each server received. Keep the two in
step: fidelityWorkload in sqla/fidelity_test.go is this script in Go.

Usage: fidelity_workload.py URL. Prints one JSON object: the library
versions, the rows read, and the text of the IntegrityError.
"""

import json
import sys

import psycopg2
import sqlalchemy
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

CREATE = "CREATE TABLE fidelity (k text PRIMARY KEY, v integer NOT NULL)"
READ = "SELECT fidelity.k, fidelity.v FROM fidelity WHERE fidelity.k = :k"
WRITE = "INSERT INTO fidelity (k, v) VALUES (:k, :v)"


def main(url):
    out = {"sqlalchemy": sqlalchemy.__version__, "psycopg2": psycopg2.__version__.split()[0]}
    # default options but the pre-ping: QueuePool, use_native_hstore,
    # the dialect's first-connect initialisation
    engine = create_engine(url, pool_pre_ping=True)
    # first checkout: connect, first connect, the DDL in a transaction
    with engine.begin() as conn:
        conn.execute(text(CREATE))
    session = Session(engine)
    # a pinged checkout: a read and a write, committed
    out["before"] = [list(r) for r in session.execute(text(READ), {"k": "a"}).all()]
    session.execute(text(WRITE), {"k": "a", "v": 1})
    session.commit()
    # a pinged checkout: a unique violation, rolled back
    try:
        session.execute(text(WRITE), {"k": "a", "v": 2})
        out["error"] = None
    except IntegrityError as e:
        out["error"] = str(e)
        session.rollback()
    # a pinged checkout: a read, then the checkin's reset on return
    out["after"] = [list(r) for r in session.execute(text(READ), {"k": "a"}).all()]
    session.close()
    # the checked-in connection is closed: Terminate
    engine.dispose()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
