package engine

import "math"

// Sequence is a sequence generator, as SERIAL columns own: nextval is not
// transactional (a value handed out is used up whether or not its
// transaction commits), while the sequence's creation and dropping are,
// with its table's.
type Sequence struct {
	OID       uint32
	Name      string
	Namespace uint32

	max    int64 // the data type's maximum: the sequence's MAXVALUE
	last   int64 // last_value
	called bool  // is_called: last has been handed out

	created, dropped *Txn // as for tables
	owner            *Table
}

// newSequence returns a sequence of type t (smallint, integer or
// bigint), starting at 1.
func newSequence(name string, ns uint32, t Type) *Sequence {
	sq := &Sequence{Name: name, Namespace: ns, max: math.MaxInt64, last: 1}
	switch t {
	case Int2:
		sq.max = math.MaxInt16
	case Int4:
		sq.max = math.MaxInt32
	}
	return sq
}

// visibleTo reports whether tx sees the sequence in the catalog.
func (sq *Sequence) visibleTo(tx *Txn) bool {
	return (sq.created == nil || sq.created == tx) && (sq.dropped == nil || sq.dropped != tx)
}

// nextval advances the sequence and returns its new value, as
// nextval(regclass) does, remembering it for currval.
func (s *Session) nextval(sq *Sequence) (Value, error) {
	if sq.called {
		if sq.last >= sq.max {
			return nil, errorf("2200H", "nextval: reached maximum value of sequence \"%s\" (%d)", sq.Name, sq.max)
		}
		sq.last++
	}
	sq.called = true
	if s.currvals == nil {
		s.currvals = map[uint32]int64{}
	}
	s.currvals[sq.OID] = sq.last
	return sq.last, nil
}

// currval returns the value nextval last gave this session.
func (s *Session) currval(sq *Sequence) (Value, error) {
	v, ok := s.currvals[sq.OID]
	if !ok {
		return nil, errorf("55000", "currval of sequence \"%s\" is not yet defined in this session", sq.Name)
	}
	return v, nil
}

// sequenceByOID returns the sequence with the given OID that tx sees.
func (db *DB) sequenceByOID(tx *Txn, oid uint32) *Sequence {
	for _, sq := range db.sequences {
		if sq.OID == oid && sq.visibleTo(tx) {
			return sq
		}
	}
	return nil
}
