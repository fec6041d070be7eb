package engine

// blockState is PostgreSQL's transaction block state (TBlockState in
// xact.c), without subtransactions.
type blockState int

const (
	blockDefault      blockState = iota // no transaction
	blockStarted                        // a single-statement transaction
	blockBegin                          // BEGIN just ran
	blockInProgress                     // inside BEGIN ... COMMIT
	blockImplicit                       // inside a multi-statement query string
	blockEnd                            // COMMIT ran in a block
	blockAbort                          // a failed block, waiting for ROLLBACK
	blockAbortEnd                       // ROLLBACK ran in a failed block
	blockAbortPending                   // ROLLBACK ran in a good block
)

// TxStatus returns the transaction status ReadyForQuery reports: 'I' idle,
// 'T' in a transaction block, 'E' in a failed one.
func (s *Session) TxStatus() byte {
	switch s.block {
	case blockDefault, blockStarted:
		return 'I'
	case blockAbort, blockAbortEnd, blockAbortPending:
		return 'E'
	}
	return 'T'
}

// StartCommand starts a transaction if none is open
// (StartTransactionCommand). It touches only the session's own state, so
// it takes no lock.
func (s *Session) StartCommand() { s.startCommand() }

func (s *Session) startCommand() {
	if s.block == blockDefault {
		s.tx = &Txn{sess: s}
		s.gucs.begin()
		s.block = blockStarted
	}
}

// FinishCommand ends the current command (CommitTransactionCommand):
// commits a single-statement transaction or a block whose COMMIT ran, and
// cleans up after a ROLLBACK.
func (s *Session) FinishCommand() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.finishCommand()
	s.sawCatalog()
}

func (s *Session) finishCommand() {
	switch s.block {
	case blockStarted, blockEnd:
		s.endTxn(true)
	case blockBegin:
		s.block = blockInProgress
	case blockAbortEnd, blockAbortPending:
		s.endTxn(false)
	}
}

// AbortCommand is the error path (AbortCurrentTransaction): a failed
// statement rolls back a single-statement or implicit transaction, and
// turns an explicit block into a failed one.
func (s *Session) AbortCommand() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.abortCommand()
}

func (s *Session) abortCommand() {
	switch s.block {
	case blockStarted, blockImplicit, blockEnd, blockAbortEnd, blockAbortPending:
		s.endTxn(false)
	case blockBegin, blockInProgress:
		s.rollbackWork()
		s.block = blockAbort
	}
}

// beginImplicitBlock makes the statements of one multi-statement query
// string one transaction (BeginImplicitTransactionBlock).
func (s *Session) beginImplicitBlock() {
	if s.block == blockStarted {
		s.block = blockImplicit
	}
}

// endImplicitBlock ends the implicit block of a query string
// (EndImplicitTransactionBlock); finishing the command then commits it.
func (s *Session) endImplicitBlock() {
	if s.block == blockImplicit {
		s.block = blockStarted
	}
}

// InFailedBlock reports whether the session is in a failed transaction
// block, where only COMMIT and ROLLBACK are accepted.
func (s *Session) InFailedBlock() bool { return s.block == blockAbort }

// rollbackWork releases the transaction's row locks and drops its writes,
// keeping the (failed) block open.
func (s *Session) rollbackWork() {
	if s.tx != nil && !s.tx.done {
		s.db.finish(s.tx, false)
	}
	s.gucs.abort()
}

// endTxn commits or aborts the transaction and leaves the block.
func (s *Session) endTxn(commit bool) {
	if s.tx != nil && !s.tx.done {
		s.db.finish(s.tx, commit)
	}
	if commit {
		s.gucs.commit()
	} else {
		s.gucs.abort()
	}
	s.tx = nil
	s.block = blockDefault
	if s.OnTransactionEnd != nil {
		s.OnTransactionEnd()
	}
}

// beginBlock runs BEGIN (BeginTransactionBlock).
func (s *Session) beginBlock() *Error {
	switch s.block {
	case blockStarted, blockImplicit:
		s.block = blockBegin
	default:
		return warning(ActiveTransaction, "there is already a transaction in progress")
	}
	return nil
}

// endBlock runs COMMIT (EndTransactionBlock); it reports whether the
// transaction will commit (false: the tag is ROLLBACK).
func (s *Session) endBlock() (bool, *Error) {
	switch s.block {
	case blockInProgress:
		s.block = blockEnd
		return true, nil
	case blockImplicit:
		s.block = blockEnd
		return true, warning(NoActiveTransaction, "there is no transaction in progress")
	case blockAbort:
		s.block = blockAbortEnd
		return false, nil
	}
	return true, warning(NoActiveTransaction, "there is no transaction in progress")
}

// rollbackBlock runs ROLLBACK (UserAbortTransactionBlock).
func (s *Session) rollbackBlock() *Error {
	switch s.block {
	case blockInProgress:
		s.block = blockAbortPending
	case blockAbort:
		s.block = blockAbortEnd
	case blockImplicit, blockStarted:
		s.block = blockAbortPending
		return warning(NoActiveTransaction, "there is no transaction in progress")
	}
	return nil
}
