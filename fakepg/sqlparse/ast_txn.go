package sqlparse

// SetTransactionStmt is SET [LOCAL | SESSION] TRANSACTION modes, which
// sets the current transaction's modes, or SET SESSION CHARACTERISTICS AS
// TRANSACTION modes, which sets the defaults of later transactions.
type SetTransactionStmt struct {
	StmtSpan
	// Characteristics is set for SET SESSION CHARACTERISTICS.
	Characteristics bool
	// Local is set for SET LOCAL ...: defaults set by SET LOCAL SESSION
	// CHARACTERISTICS last until the end of the transaction.
	Local bool
	// Modes are as in TransactionStmt.Modes; there is at least one.
	Modes []string
}

// LockStrength is the row lock a locking clause asks for.
type LockStrength int

// The row lock strengths, weakest first.
const (
	LockForKeyShare    LockStrength = iota + 1 // FOR KEY SHARE
	LockForShare                               // FOR SHARE
	LockForNoKeyUpdate                         // FOR NO KEY UPDATE
	LockForUpdate                              // FOR UPDATE
)

// String returns the clause as PostgreSQL names it in messages: "FOR
// UPDATE", "FOR SHARE", ...
func (s LockStrength) String() string {
	switch s {
	case LockForKeyShare:
		return "FOR KEY SHARE"
	case LockForShare:
		return "FOR SHARE"
	case LockForNoKeyUpdate:
		return "FOR NO KEY UPDATE"
	}
	return "FOR UPDATE"
}

// LockWait says what a locking clause does about a row another
// transaction has locked.
type LockWait int

// The wait policies.
const (
	LockWaitBlock  LockWait = iota // wait for the lock (the default)
	LockNoWait                     // NOWAIT: fail at once
	LockSkipLocked                 // SKIP LOCKED: leave the row out
)

// Locking is a SELECT's locking clause: FOR strength [NOWAIT | SKIP
// LOCKED].
type Locking struct {
	Strength LockStrength
	Wait     LockWait
	P        int // position of FOR
}
