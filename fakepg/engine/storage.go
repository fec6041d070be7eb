package engine

import (
	"cmp"
	"fmt"
	"slices"
)

// version is one tuple version of a row.
//
// A committed version carries the commit sequence numbers (see Snapshot)
// of the transaction that wrote it (xmin) and of the one that replaced or
// deleted it (xmax, zero while it is the row's latest): a snapshot sees
// it when it saw the first commit and not the second.
//
// An UPDATE's version continues the row of the version it replaces (same
// lineage, PostgreSQL's update chain); an INSERT starts a new row, even
// for a key whose row was deleted, so a waiter that saw the deleted row
// knows it is gone.
type version struct {
	vals    []Value
	seq     int64 // heap order: versions written later scan later
	item    int   // line pointer number, for ctids "(0,item)"
	lineage int64 // the seq of the row's first version
	xmin    uint64
	xmax    uint64
	older   *version // the version this one replaced, while a snapshot may still see it
}

// rowSlot is everything known about one primary key value: its committed
// versions, newest first, an uncommitted change and the row locks held.
//
// Invariants: writer, pending and deleting describe one transaction's
// uncommitted insert, update (pending) or delete (deleting), and that
// transaction holds a row lock that conflicts with every other lock
// (locks); a transaction other than writer sees committed versions
// through its snapshot, writer sees its own change. locks has at most one
// entry per transaction, its strongest lock, in the order they were taken.
type rowSlot struct {
	table     *Table
	key       string
	committed *version // the newest committed version; nil if none; deleted once its xmax is set
	writer    *Txn     // the transaction with an uncommitted change; nil if none
	pending   *version // writer's new version
	deleting  bool     // writer deleted the row
	locks     []rowLock
}

// visible returns the version tx sees through snap, or nil: its own
// uncommitted change, else the newest committed version snap sees.
func (s *rowSlot) visible(tx *Txn, snap *Snapshot) *version {
	if tx != nil && s.writer == tx {
		if s.deleting {
			return nil
		}
		return s.pending
	}
	for v := s.committed; v != nil; v = v.older {
		if v.xmin <= snap.seq {
			if v.xmax != 0 && v.xmax <= snap.seq {
				return nil
			}
			return v
		}
	}
	return nil
}

// latest returns the row's latest version as tx knows it, whatever its
// snapshot: tx's own change, else the newest committed version unless it
// is deleted. A row lock waiter acts on it (EvalPlanQual).
func (s *rowSlot) latest(tx *Txn) *version {
	if tx != nil && s.writer == tx {
		if s.deleting {
			return nil
		}
		return s.pending
	}
	if v := s.committed; v != nil && v.xmax == 0 {
		return v
	}
	return nil
}

// commitChange makes the writer's change of s committed with commit
// sequence number seq, and drops the versions no held snapshot sees (a
// later snapshot sees only the latest).
func (db *DB) commitChange(s *rowSlot, seq uint64) {
	switch {
	case s.deleting:
		if s.committed != nil {
			s.committed.xmax = seq
		}
	case s.pending != nil:
		if s.committed != nil && s.committed.xmax == 0 {
			s.committed.xmax = seq
		}
		s.pending.xmin, s.pending.older = seq, s.committed
		s.committed = s.pending
	}
	var newer *version
	for v := s.committed; v != nil; v = v.older {
		if v.xmax == 0 || db.seen(v) {
			newer = v
		} else if newer == nil {
			s.committed = v.older
		} else {
			newer.older = v.older
		}
	}
}

// seen reports whether a held snapshot sees the committed version v.
func (db *DB) seen(v *version) bool {
	for _, snap := range db.snapshots {
		if v.xmin <= snap.seq && (v.xmax == 0 || snap.seq < v.xmax) {
			return true
		}
	}
	return false
}

// sameRow reports whether cur, a row's latest version (or nil), continues
// the row whose version v a statement saw: false when that row was
// deleted since, even if the key was inserted again.
func sameRow(v, cur *version) bool { return cur != nil && cur.lineage == v.lineage }

// ctid renders a version's tuple identifier as PostgreSQL prints it.
func (v *version) ctid() string { return fmt.Sprintf("(0,%d)", v.item) }

// keyText renders a key value as slot and index keys: values that
// compare equal have equal keys (numbers of any scale or spelling, and
// -0 and 0, are the same number).
func keyText(t Type, v Value) string {
	switch x := v.(type) {
	case Decimal:
		return normalizedDecimal(x)
	case float64:
		if x == 0 {
			return "0"
		}
	}
	s, _ := FormatText(t, v)
	return s
}

// slot returns the slot for key, creating it if create is set.
func (t *Table) slot(key string, create bool) *rowSlot {
	if s, ok := t.byKey[key]; ok || !create {
		return s
	}
	s := &rowSlot{table: t, key: key}
	t.byKey[key] = s
	t.slots = append(t.slots, s)
	return s
}

// scanned is a row found by a scan: its slot and the version seen.
type scanned struct {
	slot *rowSlot
	ver  *version
}

// scan appends the rows tx sees through snap to buf, in heap order.
func (t *Table) scan(tx *Txn, snap *Snapshot, buf []scanned) []scanned {
	out := buf
	for _, s := range t.slots {
		if v := s.visible(tx, snap); v != nil {
			out = append(out, scanned{s, v})
		}
	}
	slices.SortStableFunc(out[len(buf):], func(a, b scanned) int { return cmp.Compare(a.ver.seq, b.ver.seq) })
	return out
}

// newVersion makes a version of vals at the end of the heap: the new
// version of the row whose version old is, or a new row if old is nil.
func (db *DB) newVersion(t *Table, vals []Value, old *version) *version {
	db.seq++
	t.items++
	v := &version{vals: vals, seq: db.seq, item: t.items, lineage: db.seq}
	if old != nil {
		v.lineage = old.lineage
	}
	return v
}
