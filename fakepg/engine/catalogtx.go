package engine

// The catalog is transactional, as PostgreSQL's system catalogs are
// tables of their own:
//
//   - Names resolve (FROM items, regclass, pg_table_is_visible) in the
//     latest committed catalog plus the transaction's own changes, as
//     PostgreSQL's catalog snapshot does: a table another session created
//     and committed after a REPEATABLE READ transaction's snapshot is
//     found, though its rows follow the snapshot (visibleTo).
//   - Reading pg_class or pg_type is reading a table: their rows follow
//     the statement's snapshot like any table's (seenBy). A table whose
//     drop committed stays listed (retired) while a held snapshot from
//     before the drop may still read it.
//   - ROLLBACK TO undoes the tables created and dropped since the
//     savepoint, and releases the relation locks taken since (a lock
//     strengthened since goes back to its old mode), as the abort of a
//     subtransaction does (catalogUndo).

// catalogEntry is the transactional state of a table or sequence.
type catalogEntry struct {
	// created is the transaction that created the entry, until it
	// commits; dropped is a transaction that dropped it and has not
	// ended.
	created, dropped *Txn
	// createdSeq and droppedSeq are the commit sequence numbers (see
	// Snapshot) of the creating and the dropping transaction once they
	// committed; 0 for an entry as old as the database, or not dropped.
	createdSeq, droppedSeq uint64
}

// visibleTo reports whether tx finds the entry by name: its creation
// committed or is tx's own, and neither tx nor a committed transaction
// dropped it.
func (e *catalogEntry) visibleTo(tx *Txn) bool {
	return (e.created == nil || e.created == tx) && (e.dropped == nil || e.dropped != tx) && e.droppedSeq == 0
}

// seenBy reports whether a scan of the system catalogs by tx through
// snap shows the entry: tx's own creation (unless tx dropped it), else a
// creation that committed before snap and a drop that had not, unless tx
// dropped it itself.
func (e *catalogEntry) seenBy(tx *Txn, snap *Snapshot) bool {
	switch {
	case e.created != nil:
		return e.created == tx && e.dropped != tx
	case e.dropped != nil && e.dropped == tx:
		return false
	case snap == nil:
		return e.droppedSeq == 0
	}
	return e.createdSeq <= snap.seq && (e.droppedSeq == 0 || snap.seq < e.droppedSeq)
}

// commitSeqFor returns the commit sequence number of tx's commit,
// numbering it now if its row changes have not: *seq is 0 until then.
func (db *DB) commitSeqFor(seq *uint64) uint64 {
	if *seq == 0 {
		db.commitSeq++
		*seq = db.commitSeq
	}
	return *seq
}

// endCatalogWork commits or undoes the catalog changes of a transaction
// that ends (numbering a commit by *seq, see commitSeqFor), retires what
// it dropped, and releases its relation locks.
func (db *DB) endCatalogWork(tx *Txn, commit bool, seq *uint64) {
	if tx.ddl {
		keep := db.tables[:0]
		for _, t := range db.tables {
			if db.endEntry(&t.catalogEntry, tx, commit, seq) {
				keep = append(keep, t)
			}
		}
		clear(db.tables[len(keep):])
		db.tables = keep
		seqs := db.sequences[:0]
		for _, sq := range db.sequences {
			if db.endEntry(&sq.catalogEntry, tx, commit, seq) {
				seqs = append(seqs, sq)
			}
		}
		clear(db.sequences[len(seqs):])
		db.sequences = seqs
		db.catalogVersion++
	} else if db.retired > 0 {
		db.pruneRetired()
	}
	db.releaseRelationLocks(tx)
}

// endEntry applies the end of tx to one catalog entry; it reports
// whether the entry stays in the catalog (live, or retired).
func (db *DB) endEntry(e *catalogEntry, tx *Txn, commit bool, seq *uint64) bool {
	switch {
	case e.created == tx && !commit:
		return false
	case e.created == tx && e.dropped == tx:
		return false // created and dropped by tx: nobody ever saw it
	case e.created == tx:
		e.created, e.createdSeq = nil, db.commitSeqFor(seq)
	case e.dropped == tx && commit:
		e.dropped, e.droppedSeq = nil, db.commitSeqFor(seq)
		if !db.heldBefore(e.droppedSeq) {
			return false
		}
		db.retired++
	case e.dropped == tx:
		e.dropped = nil
	case e.droppedSeq != 0 && !db.heldBefore(e.droppedSeq):
		db.retired--
		return false
	}
	return true
}

// heldBefore reports whether a held snapshot was taken before the commit
// numbered seq.
func (db *DB) heldBefore(seq uint64) bool {
	for _, snap := range db.snapshots {
		if snap.seq < seq {
			return true
		}
	}
	return false
}

// pruneRetired forgets the dropped tables and sequences no held snapshot
// sees any more.
func (db *DB) pruneRetired() {
	keep := db.tables[:0]
	for _, t := range db.tables {
		if t.droppedSeq != 0 && !db.heldBefore(t.droppedSeq) {
			db.retired--
			continue
		}
		keep = append(keep, t)
	}
	clear(db.tables[len(keep):])
	db.tables = keep
	seqs := db.sequences[:0]
	for _, sq := range db.sequences {
		if sq.droppedSeq != 0 && !db.heldBefore(sq.droppedSeq) {
			db.retired--
			continue
		}
		seqs = append(seqs, sq)
	}
	clear(db.sequences[len(seqs):])
	db.sequences = seqs
}

// catalogUndo is one change a transaction made to the catalog or to its
// relation locks while a savepoint was open: ROLLBACK TO undoes it.
type catalogUndo struct {
	kind  catalogUndoKind
	table *Table    // the table created, dropped or locked
	seq   *Sequence // the sequence created or dropped
	mode  relLockMode
}

// catalogUndoKind says what a catalogUndo undoes.
type catalogUndoKind uint8

const (
	undoCreate catalogUndoKind = iota // the table or sequence was created
	undoDrop                          // it was dropped
	undoLock                          // the table's lock was taken, or strengthened from mode
)

// rememberCatalog records a catalog change of tx for its savepoints.
func (tx *Txn) rememberCatalog(u catalogUndo) {
	if len(tx.sess.subs) > 0 {
		tx.sess.catalogUndo = append(tx.sess.catalogUndo, u)
	}
}

// undoCatalogTo undoes tx's catalog changes and relation locks recorded
// from mark on, newest first.
func (db *DB) undoCatalogTo(tx *Txn, mark int) {
	undo := tx.sess.catalogUndo
	if len(undo) == mark {
		return
	}
	for i := len(undo) - 1; i >= mark; i-- {
		u := undo[i]
		switch u.kind {
		case undoCreate:
			if u.table != nil {
				db.releaseRelationLock(tx, u.table)
				db.tables = removeEntry(db.tables, u.table)
			} else {
				db.sequences = removeEntry(db.sequences, u.seq)
			}
			db.catalogVersion++
		case undoDrop:
			if u.table != nil {
				u.table.dropped = nil
			} else {
				u.seq.dropped = nil
			}
			db.catalogVersion++
		case undoLock:
			if u.mode == 0 {
				db.releaseRelationLock(tx, u.table)
				continue
			}
			for j := range u.table.locks {
				if u.table.locks[j].tx == tx {
					u.table.locks[j].mode = u.mode
				}
			}
		}
	}
	clear(undo[mark:])
	tx.sess.catalogUndo = undo[:mark]
	db.cond.Broadcast()
}

// removeEntry returns list without x, in order.
func removeEntry[T comparable](list []T, x T) []T {
	for i, e := range list {
		if e == x {
			var zero T
			copy(list[i:], list[i+1:])
			list[len(list)-1] = zero
			return list[:len(list)-1]
		}
	}
	return list
}
