// Package model judges the autocommit operations of a run on the kv table
// (kv(k text primary key, v bigint)) for linearizability with porcupine
// (github.com/anishathalye/porcupine).
//
// PostgreSQL makes every single-statement autocommit operation on one row
// linearizable: a read (SELECT v FROM kv WHERE k = ...), a write (UPDATE
// kv SET v = x WHERE k = ..., which changes nothing when the key is
// absent), an upsert (INSERT ... ON CONFLICT (k) DO UPDATE SET v = x), an
// increment (UPDATE kv SET v = v + d WHERE k = ... RETURNING v) and an
// insert (INSERT ... ON CONFLICT DO NOTHING). The model is partitioned by
// key: a history is linearizable when each key's operations are. A key
// that no operation has written is absent, and a read of it returns no row.
//
// An operation that ended in an error (or never returned) has an unknown
// outcome: the server may or may not have applied it. Its return is
// unbounded (math.MaxInt64, after every other return), its output is not
// checked, and the model lets a write either apply or not (a
// porcupine.NondeterministicModel). Multi-statement transactions under read
// committed are not linearizable by PostgreSQL's own rules and are not
// judged here.
//
// Histories are ordered by the simulator's step counter (sim.World.Step at
// the call and at the return). Porcupine's intervals are closed: two
// operations recorded at the same step count as concurrent, which can hide
// a violation but never invents one.
//
// Porcupine starts goroutines and a timer for every check. Check therefore
// runs after a simulated run, on the recorded operations, and never inside
// one: nothing in this package runs under the simulator, which is why it is
// not among the packages the determinism analyzer checks. A check that times
// out answers Unknown, never Ok.
package model
