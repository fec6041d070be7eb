package sqlparse

// The statements of session objects: cursors (DECLARE, FETCH, MOVE, CLOSE)
// and SQL-level prepared statements (PREPARE, EXECUTE, DEALLOCATE).

// CursorOptions are the options of DECLARE, as flags. PostgreSQL accepts
// each option any number of times and rejects contradictory ones only
// after parsing, so the parser records what was written.
type CursorOptions uint8

// The cursor options.
const (
	CursorBinary      CursorOptions = 1 << iota // BINARY
	CursorScroll                                // SCROLL
	CursorNoScroll                              // NO SCROLL
	CursorInsensitive                           // INSENSITIVE
	CursorAsensitive                            // ASENSITIVE
	CursorHold                                  // WITH HOLD
)

// DeclareStmt is DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE]
// [[NO] SCROLL] CURSOR [{WITH | WITHOUT} HOLD] FOR select.
type DeclareStmt struct {
	StmtSpan
	Name    Ident
	Options CursorOptions
	Query   *SelectStmt
}

// FetchDirection is how a FETCH or MOVE moves, as PostgreSQL's
// FetchDirection: a count forward or backward, or a position.
type FetchDirection uint8

// The fetch directions.
const (
	FetchForward  FetchDirection = iota + 1 // NEXT, FORWARD [n | ALL], n, ALL
	FetchBackward                           // PRIOR, BACKWARD [n | ALL]
	FetchAbsolute                           // FIRST, LAST, ABSOLUTE n
	FetchRelative                           // RELATIVE n
)

// FetchAll is the count of FETCH ALL, FORWARD ALL and BACKWARD ALL
// (PostgreSQL's FETCH_ALL).
const FetchAll = int64(1<<63 - 1)

// FetchStmt is FETCH or MOVE [direction] [FROM | IN] cursor.
type FetchStmt struct {
	StmtSpan
	Move      bool // MOVE: position the cursor without returning rows
	Direction FetchDirection
	// Count is the number of rows for FetchForward and FetchBackward
	// (FetchAll for ALL; it may be negative or zero), and the position for
	// FetchAbsolute and FetchRelative (FIRST is 1, LAST is -1).
	Count  int64
	Cursor Ident
}

// CloseStmt is CLOSE cursor or CLOSE ALL.
type CloseStmt struct {
	StmtSpan
	Cursor *Ident // nil for CLOSE ALL
}

// TypeRef is a type name as written, with its position.
type TypeRef struct {
	Name string // as parseTypeName renders it: "bigint", "double precision"
	P    int
}

// PrepareStmt is PREPARE name [(type, ...)] AS statement, where the
// statement is a SELECT, INSERT, UPDATE or DELETE.
type PrepareStmt struct {
	StmtSpan
	Name  Ident
	Types []TypeRef
	Query Stmt
}

// ExecuteStmt is EXECUTE name [(expr, ...)].
type ExecuteStmt struct {
	StmtSpan
	Name   Ident
	Params []Expr
}

// DeallocateStmt is DEALLOCATE [PREPARE] name | ALL.
type DeallocateStmt struct {
	StmtSpan
	Name *Ident // nil for DEALLOCATE ALL
}

func (*DeclareStmt) stmt()    {}
func (*FetchStmt) stmt()      {}
func (*CloseStmt) stmt()      {}
func (*PrepareStmt) stmt()    {}
func (*ExecuteStmt) stmt()    {}
func (*DeallocateStmt) stmt() {}
