package sqlparse

// parseSelect parses SELECT targets [FROM table [[AS] alias]] [WHERE cond]
// [ORDER BY items] [LIMIT n] [FOR UPDATE], with LIMIT and FOR UPDATE in
// either order as PostgreSQL allows. The clause parsers reject every
// clause PostgreSQL would accept at their place but this parser does not
// support, so that what is left at the end is a syntax error.
func (p *parser) parseSelect() *SelectStmt {
	p.next() // SELECT
	s := &SelectStmt{}
	t := p.peek()
	switch {
	case t.isKw("all"), t.isKw("distinct"):
		p.unsupported(t, "SELECT "+upper(t.val))
	case t.isStmtEnd() || selectTargetFollow.has(t):
		p.unsupported(t, "SELECT without a target list")
	}
	s.Targets = p.parseTargetList(selectTargetFollow, 2)
	if t := p.peek(); t.isKw("into") {
		p.unsupported(t, "SELECT INTO")
	}
	if p.acceptKw("from") {
		s.From, s.Joins = p.parseFromList()
	}
	if p.acceptKw("where") {
		p.at(6)
		s.Where = p.parseExpr()
	}
	switch t := p.peek(); {
	case t.isKw("group"):
		p.unsupported(t, "GROUP BY")
	case t.isKw("having"):
		p.unsupported(t, "HAVING")
	case t.isKw("window"):
		p.unsupported(t, "WINDOW")
	case setOperationWords.has(t):
		p.unsupported(t, upper(t.val))
	}
	if p.acceptKw("order") {
		p.expectKw("by")
		s.OrderBy = p.parseOrderBy()
	}
	p.parseLimitAndLocking(s)
	return s
}

// parseTargetList parses a select list or RETURNING list. follow holds the
// key words PostgreSQL accepts after the list (besides ; and the end);
// depth is the parser stack depth at the list's start.
func (p *parser) parseTargetList(follow wordSet, depth int) []Target {
	var targets []Target
	for {
		p.at(depth)
		if targets != nil {
			p.at(depth + 2) // the list so far and the comma
		}
		targets = append(targets, p.parseTarget(follow))
		t := p.peek()
		if p.acceptChar(',') {
			continue
		}
		if !t.isStmtEnd() && !follow.has(t) {
			p.syntaxError(t)
		}
		return targets
	}
}

// parseTarget parses *, table.* or expr [[AS] label].
func (p *parser) parseTarget(follow wordSet) Target {
	t := p.peek()
	if t.isChar('*') {
		p.next()
		return Target{Star: true, P: t.pos}
	}
	if t.isColID() && p.peekAt(1).isChar('.') && p.peekAt(2).isChar('*') {
		table := p.ident()
		p.next() // .
		p.next() // *
		p.afterTableStar(follow)
		return Target{Star: true, Table: &table, P: t.pos}
	}
	tgt := Target{Expr: p.parseTargetExpr(), P: t.pos}
	n := p.peek()
	switch {
	case n.isKw("as"):
		p.next()
		if !p.peek().isColLabel() {
			p.syntaxError(p.peek())
		}
		alias := p.ident()
		tgt.Alias = &alias
	case n.isBareLabel():
		alias := p.ident()
		tgt.Alias = &alias
	}
	return tgt
}

// afterTableStar rejects what PostgreSQL accepts after table.* in a target
// list other than the end of the item: table.* is an expression there.
func (p *parser) afterTableStar(follow wordSet) {
	t := p.peek()
	switch {
	case t.isChar(',') || t.isStmtEnd() || follow.has(t):
		return
	case t.isChar('.') || t.isChar('['):
		p.unsupported(t, "indirection on table.*")
	case t.isKw("as") || t.isBareLabel() || infixPrec(t) != precNone:
		p.unsupported(t, "table.* in an expression or with an alias")
	}
	p.syntaxError(t)
}

// parseFromItem parses a table of a FROM clause and its alias.
func (p *parser) parseFromItem() *TableRef {
	t := p.peek()
	switch {
	case t.isKw("rows") && p.peekAt(1).isKw("from"):
		if p.peekAt(2).isChar('(') {
			p.unsupported(t, "ROWS FROM")
		}
		p.next()
		p.next()
		p.syntaxError(p.peek())
	case t.isColID():
		if p.peekAt(1).isChar('(') {
			p.unsupported(t, "functions in FROM")
		}
	case t.isKw("only"):
		p.unsupported(t, "ONLY")
	case t.isKw("lateral"):
		p.unsupported(t, "LATERAL")
	case t.isChar('('):
		p.unsupported(t, "subqueries and parenthesized joins in FROM")
	case t.category() == kwTypeFuncName:
		// Only a function call can start with such a key word.
		if p.peekAt(1).isChar('(') || t.isKw("current_schema") {
			p.unsupported(t, "functions in FROM")
		}
		p.next()
		p.syntaxError(p.peek())
	case t.isKw("cast") || sqlValueFunctions.has(t):
		p.unsupported(t, "functions in FROM")
	default:
		p.syntaxError(t)
	}
	ref := p.parseQualifiedName()
	p.relationSuffix()
	n := p.peek()
	switch {
	case n.isKw("as"):
		p.next()
		if !p.peek().isColID() {
			p.syntaxError(p.peek())
		}
		fallthrough
	case n.isColID():
		alias := p.ident()
		ref.Alias = &alias
		if t := p.peek(); t.isChar('(') {
			p.unsupported(t, "column alias lists")
		}
	}
	if t := p.peek(); t.isKw("tablesample") {
		p.unsupported(t, "TABLESAMPLE")
	}
	return &ref
}

// relationSuffix rejects what PostgreSQL accepts right after a table name:
// a subscript (which PostgreSQL rejects only later) and the inheritance
// star (table *).
func (p *parser) relationSuffix() {
	t := p.peek()
	switch {
	case t.isChar('['):
		p.unsupported(t, "subscripted table names")
	case t.isChar('*'):
		p.unsupported(t, "table * (inheritance)")
	}
}

// parseOrderBy parses the items of ORDER BY.
func (p *parser) parseOrderBy() []OrderItem {
	var items []OrderItem
	for {
		p.at(3) // query, ORDER, BY
		if items != nil {
			p.at(5)
		}
		item := OrderItem{Expr: p.parseExpr()}
		t := p.peek()
		switch {
		case t.isKw("asc"):
			p.next()
		case t.isKw("desc"):
			p.next()
			item.Desc = true
		case t.isKw("using"):
			p.unsupported(t, "ORDER BY ... USING")
		}
		if t := p.peek(); t.isKw("nulls_la") {
			p.unsupported(t, "NULLS FIRST/LAST")
		}
		items = append(items, item)
		if !p.acceptChar(',') {
			return items
		}
	}
}

// parseLimitAndLocking parses LIMIT and FOR UPDATE in either order and
// rejects OFFSET, FETCH and the other locking clauses.
func (p *parser) parseLimitAndLocking(s *SelectStmt) {
	limitDone, lockDone := false, false
	for {
		t := p.peek()
		switch {
		case !limitDone && t.isKw("limit"):
			p.at(3) // query, ORDER BY (or nothing), LIMIT
			if lockDone {
				p.at(4)
			}
			p.parseLimit(s)
			limitDone = true
		case !limitDone && (t.isKw("offset") || t.isKw("fetch")):
			p.unsupported(t, upper(t.val))
		case !lockDone && t.isKw("for"):
			p.parseForUpdate()
			s.ForUpdate = true
			lockDone = true
		default:
			return
		}
	}
}

// parseLimit parses LIMIT expr.
func (p *parser) parseLimit(s *SelectStmt) {
	limit := p.next()
	if t := p.peek(); t.isKw("all") {
		p.unsupported(t, "LIMIT ALL")
	}
	s.Limit = p.parseExpr()
	t := p.peek()
	switch {
	case t.isChar(','):
		p.next()
		p.depth += 2
		// PostgreSQL's grammar rejects LIMIT #,# once it has parsed the
		// second expression, so errors in that come first.
		p.parseExpr()
		fail(&Error{Code: CodeSyntaxError, Message: "LIMIT #,# syntax is not supported", Position: limit.pos})
	case t.isKw("offset"):
		p.unsupported(t, "OFFSET")
	}
}

// parseForUpdate parses FOR UPDATE and rejects the other locking clauses
// and options.
func (p *parser) parseForUpdate() {
	p.next() // FOR
	t := p.peek()
	switch {
	case t.isKw("update"):
		p.next()
	case t.isKw("no"), t.isKw("share"), t.isKw("key"):
		p.unsupported(t, "locking clauses other than FOR UPDATE")
	case t.isKw("read"):
		p.unsupported(t, "FOR READ ONLY")
	default:
		p.syntaxError(t)
	}
	t = p.peek()
	switch {
	case t.isKw("of"):
		p.unsupported(t, "FOR UPDATE OF")
	case t.isKw("nowait"):
		p.unsupported(t, "NOWAIT")
	case t.isKw("skip"):
		if p.peekAt(1).isKw("locked") {
			p.unsupported(t, "SKIP LOCKED")
		}
		p.next()
		p.syntaxError(p.peek())
	case t.isKw("for"):
		p.unsupported(t, "more than one locking clause")
	}
}
