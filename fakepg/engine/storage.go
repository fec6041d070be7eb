package engine

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
)

// version is one tuple version of a row.
type version struct {
	vals []Value
	seq  int64 // heap order: versions written later scan later
	item int   // line pointer number, for ctids "(0,item)"
}

// rowSlot is everything known about one primary key value.
//
// Invariants: pending and deleting are set only while holder holds the row
// lock; a transaction other than holder sees committed, holder sees its own
// pending version (or nothing when deleting).
type rowSlot struct {
	table     *Table
	key       string
	committed *version // the latest committed version; nil if none
	pending   *version // holder's uncommitted new version
	deleting  bool     // holder deleted the row
	holder    *Txn     // the transaction holding the row lock
}

// visible returns the version tx sees, or nil.
func (s *rowSlot) visible(tx *Txn) *version {
	if tx != nil && s.holder == tx {
		if s.deleting {
			return nil
		}
		if s.pending != nil {
			return s.pending
		}
	}
	return s.committed
}

// ctid renders a version's tuple identifier as PostgreSQL prints it.
func (v *version) ctid() string { return fmt.Sprintf("(0,%d)", v.item) }

// keyText renders a key value as slot and index keys: values that
// compare equal have equal keys (numbers of any scale or spelling, and
// -0 and 0, are the same number).
func keyText(t Type, v Value) string {
	switch x := v.(type) {
	case float64:
		if x == 0 {
			return "0"
		}
	case string:
		if t == Numeric {
			if r, ok := new(big.Rat).SetString(x); ok {
				return r.RatString()
			}
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

// scan appends the rows tx sees to buf, in heap order.
func (t *Table) scan(tx *Txn, buf []scanned) []scanned {
	out := buf
	for _, s := range t.slots {
		if v := s.visible(tx); v != nil {
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
