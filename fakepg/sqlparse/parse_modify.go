package sqlparse

// noFollow is the follow set of a RETURNING list: nothing but ; and the end.
var noFollow = words()

// parseInsert parses INSERT INTO table [AS alias] [(columns)] VALUES
// (row), ... [ON CONFLICT ...] [RETURNING targets].
func (p *parser) parseInsert() *InsertStmt {
	p.next() // INSERT
	p.expectKw("into")
	s := &InsertStmt{Table: p.parseTableName()}
	if p.acceptKw("as") {
		if !p.peek().isColID() {
			p.syntaxError(p.peek())
		}
		alias := p.ident()
		s.Table.Alias = &alias
	}
	t := p.peek()
	if t.isChar('(') {
		if n := p.peekAt(1); subqueryStartWords.has(n) || n.isChar('(') {
			p.unsupported(n, "INSERT ... SELECT")
		}
		p.next()
		s.Columns = p.parseColumnList(true)
		t = p.peek()
	}
	switch {
	case t.isKw("values"):
		p.next()
		depth := 6 // WITH, INSERT, INTO, table, VALUES, (
		if s.Columns != nil {
			depth += 3
		}
		s.Rows = p.parseValuesRows(depth)
	case subqueryStartWords.has(t) || t.isChar('('):
		p.unsupported(t, "INSERT ... SELECT")
	case t.isKw("overriding"):
		p.unsupported(t, "OVERRIDING")
	case t.isKw("default") && s.Columns == nil:
		p.next()
		p.expectKw("values")
	default:
		p.syntaxError(t)
	}
	// VALUES is a query in PostgreSQL's grammar: it may be followed by the
	// clauses of one.
	switch t := p.peek(); {
	case t.isKw("order"), t.isKw("limit"), t.isKw("offset"), t.isKw("fetch"),
		t.isKw("for"), setOperationWords.has(t):
		p.unsupported(t, upper(t.val)+" after VALUES")
	}
	if t := p.peek(); t.isKw("on") {
		s.OnConflict = p.parseOnConflict()
	}
	if p.acceptKw("returning") {
		s.Returning = p.parseTargetList(noFollow, 7)
	}
	return s
}

// parseTableName parses the table name of INSERT.
func (p *parser) parseTableName() TableRef {
	t := p.peek()
	if !t.isColID() {
		p.syntaxError(t)
	}
	ref := p.parseQualifiedName()
	if t := p.peek(); t.isChar('[') {
		p.unsupported(t, "subscripted table names")
	}
	return ref
}

// parseColumnList parses col, ... ) after an opening parenthesis.
// indirection says whether PostgreSQL allows col.field and col[n] here.
func (p *parser) parseColumnList(indirection bool) []Ident {
	var cols []Ident
	for {
		t := p.peek()
		if !t.isColID() {
			p.syntaxError(t)
		}
		cols = append(cols, p.ident())
		if t := p.peek(); indirection && (t.isChar('.') || t.isChar('[')) {
			p.unsupported(t, "column subscripts and fields")
		}
		if p.acceptChar(',') {
			continue
		}
		p.expectChar(')')
		return cols
	}
}

// parseValuesRows parses (expr, ...), ... after VALUES; depth is the parser
// stack depth at the first value.
func (p *parser) parseValuesRows(depth int) [][]Expr {
	var rows [][]Expr
	for {
		p.expectChar('(')
		rowDepth := depth
		if rows != nil {
			rowDepth++ // the rows so far, the comma, the parenthesis
		}
		var row []Expr
		for {
			p.at(rowDepth + 2*min(len(row), 1))
			row = append(row, p.parseExpr())
			if p.acceptChar(',') {
				continue
			}
			p.expectChar(')')
			break
		}
		rows = append(rows, row)
		if !p.acceptChar(',') {
			return rows
		}
	}
}

// parseOnConflict parses ON CONFLICT [(columns)] DO NOTHING | DO UPDATE
// SET ... [WHERE cond].
func (p *parser) parseOnConflict() *OnConflict {
	on := p.next()
	p.expectKw("conflict")
	oc := &OnConflict{P: on.pos}
	t := p.peek()
	switch {
	case t.isChar('('):
		p.next()
		oc.Columns = p.parseConflictTarget()
		if t := p.peek(); t.isKw("where") {
			p.unsupported(t, "ON CONFLICT (...) WHERE")
		}
	case t.isKw("on"):
		p.unsupported(t, "ON CONFLICT ON CONSTRAINT")
	}
	p.expectKw("do")
	t = p.peek()
	switch {
	case t.isKw("nothing"):
		p.next()
		oc.DoNothing = true
	case t.isKw("update"):
		p.next()
		p.expectKw("set")
		oc.Set = p.parseSetClauses(13)
		if p.acceptKw("where") {
			p.at(13)
			oc.Where = p.parseExpr()
		}
	default:
		p.syntaxError(t)
	}
	return oc
}

// parseConflictTarget parses the column list of ON CONFLICT (...), after
// the opening parenthesis. PostgreSQL allows index expressions, collations,
// operator classes and orderings there too.
func (p *parser) parseConflictTarget() []Ident {
	var cols []Ident
	for {
		t := p.peek()
		switch {
		case t.isChar('('), t.category() == kwTypeFuncName, t.isKw("cast"), sqlValueFunctions.has(t):
			p.unsupported(t, "index expressions in ON CONFLICT")
		case !t.isColID():
			p.syntaxError(t)
		}
		cols = append(cols, p.ident())
		t = p.peek()
		switch {
		case t.isChar(','):
			p.next()
			continue
		case t.isChar(')'):
			p.next()
			return cols
		case t.isChar('('), t.isChar('.'), t.isChar('['):
			p.unsupported(t, "index expressions in ON CONFLICT")
		case t.isKw("collate"), t.isKw("asc"), t.isKw("desc"), t.isKw("nulls_la"), t.isColID():
			p.unsupported(t, "index options in ON CONFLICT")
		}
		p.syntaxError(t)
	}
}

// parseSetClauses parses col = expr, ... of UPDATE and ON CONFLICT DO
// UPDATE; depth is the parser stack depth at the first value.
func (p *parser) parseSetClauses(depth int) []SetClause {
	var set []SetClause
	for {
		t := p.peek()
		if t.isChar('(') {
			p.unsupported(t, "SET (columns) = ...")
		}
		if !t.isColID() {
			p.syntaxError(t)
		}
		col := p.ident()
		if t := p.peek(); t.isChar('.') || t.isChar('[') {
			p.unsupported(t, "column subscripts and fields")
		}
		p.expectChar('=')
		p.at(depth + 2*min(len(set), 1))
		set = append(set, SetClause{Column: col, Value: p.parseExpr()})
		if !p.acceptChar(',') {
			return set
		}
	}
}

// parseRelationAlias parses the table and optional alias of UPDATE and
// DELETE (PostgreSQL's relation_expr_opt_alias, where SET is never an
// alias without AS).
func (p *parser) parseRelationAlias() TableRef {
	t := p.peek()
	switch {
	case t.isKw("only"):
		p.unsupported(t, "ONLY")
	case !t.isColID():
		p.syntaxError(t)
	}
	ref := p.parseQualifiedName()
	p.relationSuffix()
	t = p.peek()
	switch {
	case t.isKw("as"):
		p.next()
		if !p.peek().isColID() {
			p.syntaxError(p.peek())
		}
		alias := p.ident()
		ref.Alias = &alias
	case t.isColID() && !t.isKw("set"):
		alias := p.ident()
		ref.Alias = &alias
	}
	return ref
}

// parseWhereOrCurrent parses WHERE cond, rejecting WHERE CURRENT OF; depth
// is the parser stack depth at the condition.
func (p *parser) parseWhereOrCurrent(depth int) Expr {
	p.next() // WHERE
	p.at(depth)
	if t := p.peek(); t.isKw("current") && p.peekAt(1).isKw("of") {
		p.unsupported(t, "WHERE CURRENT OF")
	}
	return p.parseExpr()
}

// parseUpdate parses UPDATE table [[AS] alias] SET col = expr, ...
// [WHERE cond] [RETURNING targets].
func (p *parser) parseUpdate() *UpdateStmt {
	p.next() // UPDATE
	s := &UpdateStmt{Table: p.parseRelationAlias()}
	p.expectKw("set")
	s.Set = p.parseSetClauses(6)
	if t := p.peek(); t.isKw("from") {
		p.unsupported(t, "UPDATE ... FROM")
	}
	if p.peek().isKw("where") {
		s.Where = p.parseWhereOrCurrent(7)
	}
	if p.acceptKw("returning") {
		s.Returning = p.parseTargetList(noFollow, 8)
	}
	return s
}

// parseDelete parses DELETE FROM table [[AS] alias] [WHERE cond]
// [RETURNING targets].
func (p *parser) parseDelete() *DeleteStmt {
	p.next() // DELETE
	p.expectKw("from")
	s := &DeleteStmt{Table: p.parseRelationAlias()}
	if t := p.peek(); t.isKw("using") {
		p.unsupported(t, "DELETE ... USING")
	}
	if p.peek().isKw("where") {
		s.Where = p.parseWhereOrCurrent(6)
	}
	if p.acceptKw("returning") {
		s.Returning = p.parseTargetList(noFollow, 7)
	}
	return s
}
