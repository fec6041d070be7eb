package sqlparse

// parsePrepare parses PREPARE name [(type, ...)] AS statement.
func (p *parser) parsePrepare() *PrepareStmt {
	p.next() // PREPARE
	s := &PrepareStmt{Name: p.parseName()}
	if p.acceptChar('(') {
		for {
			p.at(3 + 2*min(len(s.Types), 1)) // PREPARE, name, ( [, the list so far, a comma]
			t := p.peek()
			s.Types = append(s.Types, TypeRef{Name: p.parseTypeName(), P: t.pos})
			if !p.acceptChar(',') {
				break
			}
		}
		p.expectChar(')')
	}
	p.expectKw("as")
	// PREPARE, name, the type clause and AS are on PostgreSQL's parser
	// stack below the statement.
	base := p.stmtBase
	p.stmtBase += 4
	defer func() { p.stmtBase = base }()
	t := p.peek()
	var q interface {
		Stmt
		setSpan(start, end int)
	}
	switch {
	case t.isKw("select"):
		q = p.parseSelect()
	case t.isKw("insert"):
		q = p.parseInsert()
	case t.isKw("update"):
		q = p.parseUpdate()
	case t.isKw("delete"):
		q = p.parseDelete()
	case t.isChar('('):
		p.unsupported(t, "parenthesized SELECT")
	case subqueryStartWords.has(t), t.isKw("merge"):
		p.unsupported(t, upper(t.val)+" statements")
	default:
		p.syntaxError(t)
	}
	q.setSpan(t.start, p.lastEnd())
	s.Query = q
	return s
}

// parseExecute parses EXECUTE name [(expr, ...)].
func (p *parser) parseExecute() *ExecuteStmt {
	p.next() // EXECUTE
	s := &ExecuteStmt{Name: p.parseName()}
	if !p.acceptChar('(') {
		return s
	}
	for {
		// EXECUTE, name and ( are on the parser stack below the first
		// expression; the list so far and a comma below the others.
		p.at(3 + 2*min(len(s.Params), 1))
		s.Params = append(s.Params, p.parseExpr())
		if !p.acceptChar(',') {
			break
		}
	}
	p.expectChar(')')
	return s
}

// parseDeallocate parses DEALLOCATE [PREPARE] name and DEALLOCATE
// [PREPARE] ALL. DEALLOCATE prepare names the statement "prepare".
func (p *parser) parseDeallocate() *DeallocateStmt {
	p.next() // DEALLOCATE
	s := &DeallocateStmt{}
	if t := p.peek(); t.isKw("prepare") && !p.peekAt(1).isStmtEnd() {
		p.next()
	}
	if p.acceptKw("all") {
		return s
	}
	name := p.parseName()
	s.Name = &name
	return s
}
