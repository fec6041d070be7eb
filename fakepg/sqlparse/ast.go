package sqlparse

// Stmt is one parsed SQL statement.
type Stmt interface {
	// Span returns the statement's byte range in the query string it was
	// parsed from (without the terminating semicolon).
	Span() (start, end int)
	stmt()
}

// Expr is an expression.
type Expr interface {
	// Pos returns the 1-based character position of the expression's first
	// token in the query string, as PostgreSQL reports positions.
	Pos() int
	expr()
}

// StmtSpan is embedded in every statement to record where it stands.
type StmtSpan struct {
	Start, End int // byte offsets into the query string
}

// Span returns the statement's byte range.
func (s StmtSpan) Span() (int, int) { return s.Start, s.End }

// ---- statements ----

// SelectStmt is SELECT targets [FROM from-list] [WHERE cond] [ORDER BY
// items] [LIMIT n] [FOR UPDATE], where the from list is a table [[AS]
// alias] followed by tables joined to it (Joins).
type SelectStmt struct {
	StmtSpan
	Targets   []Target
	From      *TableRef // the first FROM item; nil without FROM
	Joins     []Join    // the FROM items after the first, in order
	Where     Expr      // nil without WHERE
	OrderBy   []OrderItem
	Limit     Expr // nil without LIMIT
	ForUpdate bool
}

// InsertStmt is INSERT INTO table [(columns)] {VALUES (row), ... | DEFAULT
// VALUES} [ON CONFLICT [(columns)] DO NOTHING | DO UPDATE SET ...]
// [RETURNING ...]. A value may be DEFAULT (a Default expression).
type InsertStmt struct {
	StmtSpan
	Table      TableRef
	Columns    []Ident  // empty: all columns in table order
	Rows       [][]Expr // nil for DEFAULT VALUES
	OnConflict *OnConflict
	Returning  []Target
}

// OnConflict is an INSERT's ON CONFLICT clause.
type OnConflict struct {
	Columns   []Ident // the conflict target; may be empty for DO NOTHING
	DoNothing bool
	Set       []SetClause // DO UPDATE SET ...
	Where     Expr        // DO UPDATE ... WHERE cond; nil if absent
	// P is the position of ON, where PostgreSQL reports errors about the
	// clause (such as DO UPDATE without a conflict target, which parses).
	P int
}

// UpdateStmt is UPDATE table [[AS] alias] SET col = expr, ... [WHERE cond]
// [RETURNING ...].
type UpdateStmt struct {
	StmtSpan
	Table     TableRef
	Set       []SetClause
	Where     Expr
	Returning []Target
}

// DeleteStmt is DELETE FROM table [[AS] alias] [WHERE cond] [RETURNING ...].
type DeleteStmt struct {
	StmtSpan
	Table     TableRef
	Where     Expr
	Returning []Target
}

// TxKind says which transaction statement a TransactionStmt is.
type TxKind int

// The transaction statements.
const (
	TxBegin    TxKind = iota + 1 // BEGIN [WORK|TRANSACTION] [modes]
	TxStart                      // START TRANSACTION [modes]
	TxCommit                     // COMMIT [WORK|TRANSACTION], END [WORK|TRANSACTION]
	TxRollback                   // ROLLBACK [WORK|TRANSACTION], ABORT [WORK|TRANSACTION]
)

// TransactionStmt is BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK or
// ABORT.
type TransactionStmt struct {
	StmtSpan
	Kind TxKind
	// Modes holds the transaction modes as written, lower-cased and
	// space-separated: "isolation level read committed", "read only", ...
	Modes []string
}

// SetStmt is SET [SESSION|LOCAL] name {TO|=} value[, value...] | DEFAULT,
// and SET TIME ZONE value.
type SetStmt struct {
	StmtSpan
	Local   bool
	Name    string   // lower-cased; "timezone" for SET TIME ZONE
	Values  []string // each value as PostgreSQL would render it: unquoted string, number or identifier
	Default bool     // SET x TO DEFAULT
}

// ShowStmt is SHOW name, SHOW ALL, SHOW TIME ZONE.
type ShowStmt struct {
	StmtSpan
	Name string // lower-cased; "all" for SHOW ALL; "timezone" for SHOW TIME ZONE
}

// ResetStmt is RESET name and RESET ALL.
type ResetStmt struct {
	StmtSpan
	Name string // lower-cased; "all" for RESET ALL
}

func (*SelectStmt) stmt()      {}
func (*InsertStmt) stmt()      {}
func (*UpdateStmt) stmt()      {}
func (*DeleteStmt) stmt()      {}
func (*TransactionStmt) stmt() {}
func (*SetStmt) stmt()         {}
func (*ShowStmt) stmt()        {}
func (*ResetStmt) stmt()       {}

// ---- clauses ----

// Ident is an identifier with its position. Unquoted identifiers are
// folded to lower case; quoted ones keep their spelling.
type Ident struct {
	Name string
	P    int // 1-based character position
}

// TableRef names a table, optionally schema-qualified, optionally with an
// alias.
type TableRef struct {
	Schema *Ident // nil unless qualified (schema.table)
	Name   Ident
	Alias  *Ident // nil without alias
}

// Pos returns the position of the reference's first token, where
// PostgreSQL reports errors about the table.
func (r TableRef) Pos() int {
	if r.Schema != nil {
		return r.Schema.P
	}
	return r.Name.P
}

// JoinKind says how a FROM item is joined to the items before it.
type JoinKind int

// The join kinds.
const (
	JoinComma JoinKind = iota + 1 // FROM a, b
	JoinCross                     // a CROSS JOIN b
	JoinInner                     // a [INNER] JOIN b ON cond
)

// Join is a FROM item after the first with how it is joined. A comma
// starts a new item of the FROM list; CROSS and INNER JOIN join the table
// to the items since the last comma.
type Join struct {
	Kind  JoinKind
	Table TableRef
	On    Expr // the ON condition of an inner join; nil otherwise
	P     int  // position of the comma or of the join's first key word
}

// Target is one item of a select list or RETURNING list.
type Target struct {
	Expr  Expr   // nil for a star
	Star  bool   // * or table.*
	Table *Ident // the table of table.*; nil for a bare *
	Alias *Ident // AS alias (or bare alias); nil if none
	P     int    // position of the target's first token
}

// OrderItem is one ORDER BY item.
type OrderItem struct {
	Expr Expr
	Desc bool
}

// SetClause is col = expr in UPDATE or ON CONFLICT DO UPDATE.
type SetClause struct {
	Column Ident
	Value  Expr
}

// ---- expressions ----

// ConstKind says what kind of literal a Const is.
type ConstKind int

// The literal kinds.
const (
	ConstInt    ConstKind = iota + 1 // 123 (fits int64 or not: Text keeps the digits)
	ConstFloat                       // 1.5, 1e3
	ConstString                      // 'text' (Text is the unescaped value)
	ConstNull                        // NULL
	ConstBool                        // TRUE / FALSE (Text is "true" or "false")
)

// Const is a literal.
type Const struct {
	Kind ConstKind
	Text string
	P    int
}

// Param is a $n parameter reference.
type Param struct {
	N int // 1-based
	P int
}

// ColumnRef is col or table.col.
type ColumnRef struct {
	Table  string // lower-cased qualifier; "" if unqualified
	Column string
	P      int
}

// FuncCall is [schema.]name(args), name(*), or one of the SQL-standard
// functions written as a key word without parentheses (CURRENT_USER,
// SESSION_USER, USER, CURRENT_ROLE, CURRENT_CATALOG, CURRENT_SCHEMA).
type FuncCall struct {
	Schema  string // lower-cased qualifier; "" if unqualified
	Name    string // lower-cased
	Args    []Expr
	Star    bool // count(*)
	Keyword bool // written as a key word without parentheses
	P       int
}

// Default is the key word DEFAULT as a value of INSERT's VALUES.
type Default struct {
	P int
}

// BinaryExpr is L op R. Op is one of + - * / % = <> != < <= > >= AND OR ||
// (upper-case for AND and OR; "!=" is reported as "<>").
type BinaryExpr struct {
	Op   string
	L, R Expr
	P    int // position of the operator, as PostgreSQL reports operator errors
}

// UnaryExpr is op X, with Op "-", "+" or "NOT".
type UnaryExpr struct {
	Op string
	X  Expr
	P  int
}

// TypeCast is X::type or CAST(X AS type). Type is the lower-cased type
// name as written ("bigint", "int8", "text", "integer", ...).
type TypeCast struct {
	X    Expr
	Type string
	P    int // position of the :: or of CAST
}

// IsNullExpr is X IS [NOT] NULL.
type IsNullExpr struct {
	X   Expr
	Not bool
	P   int
}

// Pos returns the literal's position.
func (e *Const) Pos() int { return e.P }

// Pos returns the parameter's position.
func (e *Param) Pos() int { return e.P }

// Pos returns the column reference's position.
func (e *ColumnRef) Pos() int { return e.P }

// Pos returns the function call's position.
func (e *FuncCall) Pos() int { return e.P }

// Pos returns the key word's position.
func (e *Default) Pos() int { return e.P }

// Pos returns the position of the left operand.
func (e *BinaryExpr) Pos() int { return e.L.Pos() }

// Pos returns the operator's position.
func (e *UnaryExpr) Pos() int { return e.P }

// Pos returns the position of the cast operand.
func (e *TypeCast) Pos() int { return e.X.Pos() }

// Pos returns the position of the tested expression.
func (e *IsNullExpr) Pos() int { return e.X.Pos() }

func (*Const) expr()      {}
func (*Param) expr()      {}
func (*ColumnRef) expr()  {}
func (*FuncCall) expr()   {}
func (*Default) expr()    {}
func (*BinaryExpr) expr() {}
func (*UnaryExpr) expr()  {}
func (*TypeCast) expr()   {}
func (*IsNullExpr) expr() {}
