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
type version struct {
	vals  []Value
	seq   int64 // heap order: versions written later scan later
	item  int   // line pointer number, for ctids "(0,item)"
	xmin  uint64
	xmax  uint64
	older *version // the version this one replaced, while a snapshot may still see it
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

// commitChange makes the writer's change committed with commit sequence
// number seq, and drops the versions no snapshot can see any more: those
// replaced at or before horizon (see DB.horizon).
func (s *rowSlot) commitChange(seq, horizon uint64) {
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
	for v := s.committed; v != nil; v = v.older {
		if o := v.older; o != nil && o.xmax <= horizon {
			v.older = nil // o and everything older are invisible to every snapshot
			break
		}
	}
	if v := s.committed; v != nil && v.xmax != 0 && v.xmax <= horizon {
		s.committed = nil
	}
}

// ctid renders a version's tuple identifier as PostgreSQL prints it.
func (v *version) ctid() string { return fmt.Sprintf("(0,%d)", v.item) }

// keyText renders a primary key value as the slot key.
func keyText(t Type, v Value) string {
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

// newVersion makes a version of vals at the end of the heap.
func (db *DB) newVersion(t *Table, vals []Value) *version {
	db.seq++
	t.items++
	return &version{vals: vals, seq: db.seq, item: t.items}
}
