package sqlparse

// CreateTableStmt is CREATE TABLE [IF NOT EXISTS] [schema.]name (element,
// ...), where each element is a column definition or a table constraint.
type CreateTableStmt struct {
	StmtSpan
	Table       TableRef // never has an alias
	IfNotExists bool
	Columns     []ColumnDef
	Constraints []TableConstraint
}

// DropTableStmt is DROP TABLE [IF EXISTS] name, ... [CASCADE | RESTRICT].
type DropTableStmt struct {
	StmtSpan
	IfExists bool
	Tables   []TableRef // never have aliases
	Cascade  bool
}

func (*CreateTableStmt) stmt() {}
func (*DropTableStmt) stmt()   {}

// ColumnDef is one column of CREATE TABLE: name, type and the column's
// constraints in the order written.
type ColumnDef struct {
	Name        Ident
	Type        TypeName
	Constraints []ColumnConstraint
}

// TypeName is a type as a column definition writes it.
type TypeName struct {
	// Name is the type's name as casts render it (see parseTypeName):
	// "bigint", "character varying", "timestamp with time zone", "serial".
	Name string
	// Mods are the type modifiers, varchar(10)'s 10; nil without a list.
	Mods []Expr
	P    int // position of the type's first token
}

// ConstraintKind says what a column or table constraint is.
type ConstraintKind int

// The constraint kinds.
const (
	ConNotNull    ConstraintKind = iota + 1 // NOT NULL
	ConNull                                 // NULL
	ConDefault                              // DEFAULT expr
	ConPrimaryKey                           // PRIMARY KEY
	ConUnique                               // UNIQUE
)

// ColumnConstraint is a constraint (or DEFAULT) in a column definition.
type ColumnConstraint struct {
	Kind    ConstraintKind
	Name    *Ident // CONSTRAINT name; nil if none
	Default Expr   // the expression of DEFAULT
	// P is the position of the constraint's first token (CONSTRAINT, if
	// named), where PostgreSQL reports errors about it.
	P int
}

// TableConstraint is [CONSTRAINT name] PRIMARY KEY (columns) or UNIQUE
// (columns) among the elements of CREATE TABLE.
type TableConstraint struct {
	Kind    ConstraintKind // ConPrimaryKey or ConUnique
	Name    *Ident
	Columns []Ident
	P       int // position of the constraint's first token
}
