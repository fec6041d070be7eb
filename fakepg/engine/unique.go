package engine

import (
	"fmt"
	"strings"
)

// Unique constraints other than the primary key (which row slots key):
// a row's values for a UNIQUE constraint's columns are checked, as
// PostgreSQL's unique index insertion checks them, against every version
// of every other row that may still become or stay visible: a conflicting
// committed row fails with 23505; a conflicting row another transaction
// is inserting, updating or deleting makes the writer wait for that
// transaction and look again; a row only locked (FOR UPDATE) counts as
// present. Rows with a NULL in the constraint's columns never conflict.

// uniqueConflict checks row, about to be written as a new version of
// self (nil for a new row), against index ix: it returns a transaction to
// wait for, or whether a row conflicts.
func (t *Table) uniqueConflict(tx *Txn, ix *index, row []Value, self *rowSlot) (*Txn, bool) {
	for _, c := range ix.cols {
		if row[c] == nil {
			return nil, false
		}
	}
	for _, sl := range ix.slots[t.indexKey(ix, row)] {
		if sl == self {
			continue
		}
		if h := sl.holder; h != nil && h != tx {
			if sl.pending != nil && t.sameKey(ix, sl.pending.vals, row) {
				return h, false
			}
			if c := sl.committed; c != nil && t.sameKey(ix, c.vals, row) {
				if sl.pending != nil || sl.deleting {
					return h, false
				}
				return nil, true
			}
			continue
		}
		if v := sl.visible(tx); v != nil && t.sameKey(ix, v.vals, row) {
			return nil, true
		}
	}
	return nil, false
}

// indexRow records that slot has a version with row's values, in the
// table's UNIQUE indexes (not the primary key, which slots key). A slot
// stays listed under a key after its versions change; the checks compare
// the versions' values.
func (t *Table) indexRow(slot *rowSlot, row []Value) {
	for _, ix := range t.indexes {
		if ix.primary {
			continue
		}
		k := t.indexKey(ix, row)
		for _, sl := range ix.slots[k] {
			if sl == slot {
				goto next
			}
		}
		if ix.slots == nil {
			ix.slots = map[string][]*rowSlot{}
		}
		ix.slots[k] = append(ix.slots[k], slot)
	next:
	}
}

// indexKey is the text of row's values in ix's columns.
func (t *Table) indexKey(ix *index, row []Value) string {
	if len(ix.cols) == 1 {
		return keyText(t.Columns[ix.cols[0]].Type, row[ix.cols[0]])
	}
	parts := make([]string, len(ix.cols))
	for i, c := range ix.cols {
		parts[i] = keyText(t.Columns[c].Type, row[c])
	}
	return strings.Join(parts, "\x00")
}

// sameKey reports whether two rows have equal values in ix's columns.
func (t *Table) sameKey(ix *index, a, b []Value) bool {
	for _, c := range ix.cols {
		if a[c] == nil || b[c] == nil || compare(t.Columns[c].Type, a[c], b[c]) != 0 {
			return false
		}
	}
	return true
}

// checkUniques checks row against the table's UNIQUE constraints (not
// the primary key). It returns a transaction to wait for before looking
// again, or the index a row conflicts with.
func (t *Table) checkUniques(tx *Txn, row []Value, self *rowSlot) (*Txn, *index) {
	for _, ix := range t.indexes {
		if ix.primary {
			continue
		}
		if w, conflict := t.uniqueConflict(tx, ix, row, self); w != nil {
			return w, ix
		} else if conflict {
			return nil, ix
		}
	}
	return nil, nil
}

// uniqueWait is the context of a wait for a transaction whose row may
// conflict with a unique index entry.
func (t *Table) uniqueWait(ix *index) string {
	return fmt.Sprintf("while inserting index tuple (0,%d) in relation \"%s\"", t.items+1, ix.name)
}

// uniqueViolation is PostgreSQL's error for a row whose values for ix's
// columns another row has.
func uniqueViolation(t *Table, name string, cols []int, row []Value) *Error {
	e := errorf(UniqueViolation, "duplicate key value violates unique constraint \"%s\"", name)
	e.Detail = "Key " + keyDetail(t, cols, row) + " already exists."
	e.Schema, e.Table, e.Constraint = namespaceName(t.Namespace), t.Name, name
	return e
}

// keyDetail renders a key as error details do: (a, b)=(1, x).
func keyDetail(t *Table, cols []int, row []Value) string {
	names := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		names[i] = t.Columns[c].Name
		vals[i], _ = FormatText(t.Columns[c].Type, row[c])
	}
	return "(" + strings.Join(names, ", ") + ")=(" + strings.Join(vals, ", ") + ")"
}

// rowKey is the text a row's slot is keyed by: its primary key's values,
// or for a table without one a number of its own.
func (t *Table) rowKey(row []Value) string {
	if len(t.pkey) == 1 {
		return keyText(t.Columns[t.pkey[0]].Type, row[t.pkey[0]])
	}
	if t.pkey == nil {
		t.serial++
		return "#" + fmt.Sprint(t.serial)
	}
	parts := make([]string, len(t.pkey))
	for i, c := range t.pkey {
		parts[i] = keyText(t.Columns[c].Type, row[c])
	}
	return strings.Join(parts, "\x00")
}
