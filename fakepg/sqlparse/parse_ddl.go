package sqlparse

// The DDL the parser supports: CREATE TABLE with column definitions,
// NOT NULL, NULL, DEFAULT, PRIMARY KEY and UNIQUE, and DROP TABLE. Every
// other CREATE and DROP statement, and the clauses of these two that are
// not listed, are valid PostgreSQL that is not supported (0A000).

// createObjectWords may follow CREATE in PostgreSQL's grammar.
var createObjectWords = words(
	"access", "aggregate", "cast", "collation", "constraint", "conversion",
	"database", "default", "domain", "event", "extension", "foreign",
	"function", "global", "group", "index", "language", "local",
	"materialized", "operator", "or", "policy", "procedural", "procedure",
	"publication", "recursive", "role", "rule", "schema", "sequence",
	"server", "statistics", "subscription", "table", "tablespace", "temp",
	"temporary", "text", "transform", "trigger", "trusted", "type", "unique",
	"unlogged", "user", "view",
)

// dropObjectWords may follow DROP in PostgreSQL's grammar.
var dropObjectWords = words(
	"access", "aggregate", "cast", "collation", "conversion", "database",
	"domain", "event", "extension", "foreign", "function", "group", "index",
	"language", "materialized", "operator", "owned", "policy", "procedural",
	"procedure", "publication", "role", "routine", "rule", "schema",
	"sequence", "server", "statistics", "subscription", "table", "tablespace",
	"text", "transform", "trigger", "type", "user", "view",
)

// parseCreate parses CREATE TABLE; every other CREATE is unsupported.
func (p *parser) parseCreate() *CreateTableStmt {
	create := p.next() // CREATE
	t := p.peek()
	switch {
	case t.isKw("table"):
		p.next()
		return p.parseCreateTable()
	case t.isKw("temp"), t.isKw("temporary"), t.isKw("local"), t.isKw("global"):
		p.unsupported(t, "temporary tables")
	case t.isKw("unlogged"):
		p.unsupported(t, "unlogged tables")
	case createObjectWords.has(t):
		p.unsupported(create, "CREATE "+upper(t.val))
	}
	p.syntaxError(t)
	return nil
}

// parseCreateTable parses what follows CREATE TABLE.
func (p *parser) parseCreateTable() *CreateTableStmt {
	s := &CreateTableStmt{}
	if t := p.peek(); t.isKw("if") && p.peekAt(1).isKw("not") {
		p.next()
		p.expectKw("not")
		p.expectKw("exists")
		s.IfNotExists = true
	}
	if t := p.peek(); !t.isColID() {
		p.syntaxError(t)
	}
	s.Table = p.parseQualifiedName()
	switch t := p.peek(); {
	case t.isKw("of"):
		p.unsupported(t, "CREATE TABLE ... OF")
	case t.isKw("partition"):
		p.unsupported(t, "CREATE TABLE ... PARTITION OF")
	case t.isKw("as"):
		p.unsupported(t, "CREATE TABLE ... AS")
	case t.isKw("using"), t.isKw("with"), t.isKw("without"), t.isKw("on"), t.isKw("tablespace"):
		// only the target of CREATE TABLE ... AS has these before a
		// parenthesis
		p.unsupported(t, "CREATE TABLE ... AS")
	case t.isChar('(') && !p.peekAt(1).isChar(')'):
		// (a, b) without types is the column list of CREATE TABLE ... AS
		if n, ok := p.columnNameListEnd(); ok {
			if n.isKw("as") || n.isKw("using") || n.isKw("with") || n.isKw("without") ||
				n.isKw("on") || n.isKw("tablespace") {
				p.unsupported(n, "CREATE TABLE ... AS")
			}
			p.syntaxError(n)
		}
	}
	p.expectChar('(')
	if !p.acceptChar(')') {
		for {
			p.parseTableElement(s)
			if p.acceptChar(',') {
				continue
			}
			p.expectChar(')')
			break
		}
	}
	switch t := p.peek(); {
	case t.isKw("inherits"):
		p.unsupported(t, "INHERITS")
	case t.isKw("partition"):
		p.unsupported(t, "PARTITION BY")
	case t.isKw("using"):
		p.unsupported(t, "table access methods")
	case t.isKw("with"), t.isKw("without"):
		p.unsupported(t, "table storage parameters")
	case t.isKw("on"):
		p.unsupported(t, "ON COMMIT")
	case t.isKw("tablespace"):
		p.unsupported(t, "TABLESPACE")
	}
	return s
}

// columnNameListEnd looks past a parenthesized, non-empty list of plain
// names at the current token, (a, b), and returns the token after it;
// false if the parentheses hold anything else.
func (p *parser) columnNameListEnd() (*token, bool) {
	for i := 1; ; i += 2 {
		if !p.peekAt(i).isColID() {
			return nil, false
		}
		switch t := p.peekAt(i + 1); {
		case t.isChar(')'):
			return p.peekAt(i + 2), true
		case !t.isChar(','):
			return nil, false
		}
	}
}

// tableConstraintWords begin a table constraint among the elements of
// CREATE TABLE (EXCLUDE only when a parenthesis or USING follows, since it
// may also name a column).
var tableConstraintWords = words("constraint", "check", "unique", "primary", "foreign")

// parseTableElement parses a column definition or a table constraint.
func (p *parser) parseTableElement(s *CreateTableStmt) {
	t := p.peek()
	switch {
	case tableConstraintWords.has(t):
		s.Constraints = append(s.Constraints, p.parseTableConstraint())
		return
	case t.isKw("exclude") && (p.peekAt(1).isChar('(') || p.peekAt(1).isKw("using")):
		p.unsupported(t, "EXCLUDE constraints")
	case t.isKw("like"):
		p.unsupported(t, "LIKE in CREATE TABLE")
	case !t.isColID():
		p.syntaxError(t)
	}
	col := ColumnDef{Name: p.ident()}
	col.Type = p.parseColumnType()
	for {
		t := p.peek()
		switch {
		case t.isKw("compression"):
			p.unsupported(t, "COMPRESSION")
		case t.isKw("options"):
			p.unsupported(t, "column options")
		case t.isKw("collate"):
			p.unsupported(t, "COLLATE")
		case t.isKw("deferrable"), t.isKw("initially"):
			p.unsupported(t, "constraint attributes")
		case t.isKw("not") && p.peekAt(1).isKw("deferrable"):
			p.unsupported(t, "constraint attributes")
		case t.isKw("constraint"):
			p.next()
			if !p.peek().isColID() {
				p.syntaxError(p.peek())
			}
			name := p.ident()
			c := p.parseColumnConstraint()
			c.Name, c.P = &name, t.pos
			col.Constraints = append(col.Constraints, c)
		case columnConstraintWords.has(t):
			col.Constraints = append(col.Constraints, p.parseColumnConstraint())
		default:
			s.Columns = append(s.Columns, col)
			return
		}
	}
}

// columnConstraintWords begin a column constraint without a name.
var columnConstraintWords = words("not", "null", "unique", "primary", "check", "default", "generated", "references")

// parseColumnConstraint parses one column constraint (ColConstraintElem).
func (p *parser) parseColumnConstraint() ColumnConstraint {
	t := p.peek()
	c := ColumnConstraint{P: t.pos}
	switch {
	case t.isKw("not"):
		p.next()
		p.expectKw("null")
		c.Kind = ConNotNull
	case t.isKw("null"):
		p.next()
		c.Kind = ConNull
	case t.isKw("unique"):
		p.next()
		if n := p.peek(); n.isKw("nulls") {
			p.unsupported(n, "NULLS [NOT] DISTINCT")
		}
		p.indexOptions(false)
		c.Kind = ConUnique
	case t.isKw("primary"):
		p.next()
		p.expectKw("key")
		p.indexOptions(false)
		c.Kind = ConPrimaryKey
	case t.isKw("check"):
		p.unsupported(t, "CHECK constraints")
	case t.isKw("default"):
		p.next()
		c.Kind = ConDefault
		c.Default = p.parseBExpr()
	case t.isKw("generated"):
		p.unsupported(t, "generated columns")
	case t.isKw("references"):
		p.unsupported(t, "foreign keys")
	default:
		p.syntaxError(t)
	}
	return c
}

// indexOptions rejects what PostgreSQL allows after the column list of a
// UNIQUE or PRIMARY KEY constraint, or after one in a column definition:
// INCLUDE (only table constraints), WITH (...), USING INDEX TABLESPACE.
func (p *parser) indexOptions(table bool) {
	t := p.peek()
	switch {
	case t.isKw("include") && table:
		p.unsupported(t, "INCLUDE")
	case t.isKw("with"):
		p.unsupported(t, "index storage parameters")
	case t.isKw("using"):
		p.unsupported(t, "USING INDEX TABLESPACE")
	}
}

// parseTableConstraint parses [CONSTRAINT name] PRIMARY KEY (columns) or
// UNIQUE (columns).
func (p *parser) parseTableConstraint() TableConstraint {
	t := p.peek()
	c := TableConstraint{P: t.pos}
	if t.isKw("constraint") {
		p.next()
		if !p.peek().isColID() {
			p.syntaxError(p.peek())
		}
		name := p.ident()
		c.Name = &name
		t = p.peek()
	}
	switch {
	case t.isKw("primary"):
		p.next()
		p.expectKw("key")
		c.Kind = ConPrimaryKey
	case t.isKw("unique"):
		p.next()
		c.Kind = ConUnique
		if n := p.peek(); n.isKw("nulls") {
			p.unsupported(n, "NULLS [NOT] DISTINCT")
		}
	case t.isKw("check"):
		p.unsupported(t, "CHECK constraints")
	case t.isKw("foreign"):
		p.unsupported(t, "foreign keys")
	case t.isKw("exclude"):
		p.unsupported(t, "EXCLUDE constraints")
	default:
		p.syntaxError(t)
	}
	if n := p.peek(); n.isKw("using") && p.peekAt(1).isKw("index") && c.Name == nil {
		p.unsupported(n, "UNIQUE USING INDEX")
	}
	p.expectChar('(')
	c.Columns = p.parseColumnList(false)
	p.indexOptions(true)
	switch n := p.peek(); {
	case n.isKw("deferrable"), n.isKw("initially"), n.isKw("not") && p.peekAt(1).isKw("deferrable"):
		p.unsupported(n, "constraint attributes")
	}
	return c
}

// parseColumnType parses the type of a column definition, type modifiers
// included.
func (p *parser) parseColumnType() TypeName {
	t := p.peek()
	var mods []Expr
	p.typeMods = &mods
	name := p.parseTypeName()
	p.typeMods = nil
	return TypeName{Name: name, Mods: mods, P: t.pos}
}

// parseTypeMods parses the parenthesized type modifiers of a type name
// into p.typeMods: one unsigned integer if iconst, else expressions.
func (p *parser) parseTypeMods(iconst bool) {
	mods := p.typeMods
	p.typeMods = nil // modifiers do not nest
	p.next()         // (
	if iconst {
		t := p.peek()
		if t.kind != tInteger {
			p.syntaxError(t)
		}
		p.next()
		*mods = append(*mods, &Const{Kind: ConstInt, Text: t.val, P: t.pos})
		p.expectChar(')')
		return
	}
	for {
		*mods = append(*mods, p.nested(3, p.parseExpr))
		if !p.acceptChar(',') {
			break
		}
	}
	p.expectChar(')')
}

// parseBExpr parses an expression of PostgreSQL's restricted b_expr
// grammar (the DEFAULT of a column): without AND, OR, NOT, IS, LIKE, IN,
// BETWEEN, COLLATE or AT TIME ZONE outside parentheses.
func (p *parser) parseBExpr() Expr {
	saved := p.bExpr
	p.bExpr = true
	e := p.expr(precCmp, nil)
	p.bExpr = saved
	if t := p.peek(); t.isKw("is") {
		// b_expr IS [NOT] DISTINCT FROM b_expr, b_expr IS [NOT] DOCUMENT
		p.next()
		p.acceptKw("not")
		n := p.peek()
		if n.isKw("distinct") || n.isKw("document") {
			p.unsupported(n, "IS "+upper(n.val))
		}
		p.syntaxError(n)
	}
	return e
}

// parseDrop parses DROP TABLE; every other DROP is unsupported.
func (p *parser) parseDrop() *DropTableStmt {
	drop := p.next() // DROP
	t := p.peek()
	switch {
	case t.isKw("table"):
		p.next()
	case dropObjectWords.has(t):
		p.unsupported(drop, "DROP "+upper(t.val))
	default:
		p.syntaxError(t)
	}
	s := &DropTableStmt{}
	if t := p.peek(); t.isKw("if") && p.peekAt(1).isKw("exists") {
		p.next()
		p.expectKw("exists")
		s.IfExists = true
	}
	for {
		if t := p.peek(); !t.isColID() {
			p.syntaxError(t)
		}
		s.Tables = append(s.Tables, p.parseQualifiedName())
		if !p.acceptChar(',') {
			break
		}
	}
	switch t := p.peek(); {
	case t.isKw("cascade"):
		p.next()
		s.Cascade = true
	case t.isKw("restrict"):
		p.next()
	}
	return s
}
