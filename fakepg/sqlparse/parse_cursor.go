package sqlparse

import (
	"math"
	"strconv"
)

// parseName parses a name (PostgreSQL's ColId): a cursor's or prepared
// statement's name.
func (p *parser) parseName() Ident {
	if t := p.peek(); !t.isColID() {
		p.syntaxError(t)
	}
	return p.ident()
}

// parseDeclare parses DECLARE name cursor_options CURSOR [{WITH | WITHOUT}
// HOLD] FOR select.
func (p *parser) parseDeclare() *DeclareStmt {
	p.next() // DECLARE
	s := &DeclareStmt{Name: p.parseName()}
	for {
		t := p.peek()
		switch {
		case t.isKw("binary"):
			s.Options |= CursorBinary
		case t.isKw("scroll"):
			s.Options |= CursorScroll
		case t.isKw("no"):
			p.next()
			p.expectKw("scroll")
			s.Options |= CursorNoScroll
			continue
		case t.isKw("insensitive"):
			s.Options |= CursorInsensitive
		case t.isKw("asensitive"):
			s.Options |= CursorAsensitive
		default:
			p.expectKw("cursor")
			p.parseHold(s)
			p.expectKw("for")
			// DECLARE, name, options, CURSOR, opt_hold and FOR are on
			// PostgreSQL's parser stack below the query.
			s.Query = p.parseInnerSelect(6)
			return s
		}
		p.next()
	}
}

// parseHold parses the optional WITH HOLD or WITHOUT HOLD of DECLARE.
func (p *parser) parseHold(s *DeclareStmt) {
	switch t := p.peek(); {
	case t.isKw("with"):
		p.next()
		p.expectKw("hold")
		s.Options |= CursorHold
	case t.isKw("without"):
		p.next()
		p.expectKw("hold")
	}
}

// parseInnerSelect parses the SELECT of DECLARE, with depth entries of the
// enclosing statement on PostgreSQL's parser stack below it. The forms of
// PostgreSQL's SelectStmt other than a plain SELECT are not supported.
func (p *parser) parseInnerSelect(depth int) *SelectStmt {
	t := p.peek()
	switch {
	case t.isKw("select"):
	case t.isChar('('):
		p.unsupported(t, "parenthesized SELECT")
	case subqueryStartWords.has(t):
		p.unsupported(t, upper(t.val)+" statements")
	default:
		p.syntaxError(t)
	}
	base := p.stmtBase
	p.stmtBase += depth
	defer func() { p.stmtBase = base }()
	s := p.parseSelect()
	s.setSpan(t.start, p.lastEnd())
	return s
}

// parseFetch parses FETCH and MOVE: [direction] [FROM | IN] cursor, where
// direction is NEXT, PRIOR, FIRST, LAST, ABSOLUTE n, RELATIVE n, n, ALL,
// FORWARD [n | ALL] or BACKWARD [n | ALL]. A direction key word followed by
// the end of the statement is the cursor's name, as in PostgreSQL.
func (p *parser) parseFetch() *FetchStmt {
	move := p.next().isKw("move")
	s := &FetchStmt{Move: move, Direction: FetchForward, Count: 1}
	t := p.peek()
	if t.kind == tIdent && t.kw != nil && p.peekAt(1).isStmtEnd() && t.isColID() {
		s.Cursor = p.ident() // FETCH next: the cursor named "next"
		return s
	}
	switch {
	case t.isKw("from"), t.isKw("in"):
		p.next()
		s.Cursor = p.parseName()
		return s
	case t.isKw("next"):
		p.next()
	case t.isKw("prior"):
		p.next()
		s.Direction = FetchBackward
	case t.isKw("first"):
		p.next()
		s.Direction = FetchAbsolute
	case t.isKw("last"):
		p.next()
		s.Direction, s.Count = FetchAbsolute, -1
	case t.isKw("absolute"), t.isKw("relative"):
		p.next()
		s.Direction = FetchAbsolute
		if t.isKw("relative") {
			s.Direction = FetchRelative
		}
		s.Count = p.parseSignedIconst()
	case t.isKw("all"):
		p.next()
		s.Count = FetchAll
	case t.isKw("forward"), t.isKw("backward"):
		p.next()
		if t.isKw("backward") {
			s.Direction = FetchBackward
		}
		switch n := p.peek(); {
		case n.isKw("all"):
			p.next()
			s.Count = FetchAll
		case n.kind == tInteger || n.isChar('+') || n.isChar('-'):
			s.Count = p.parseSignedIconst()
		}
	case t.kind == tInteger || t.isChar('+') || t.isChar('-'):
		s.Count = p.parseSignedIconst()
	default:
		s.Cursor = p.parseName()
		return s
	}
	if t := p.peek(); t.isKw("from") || t.isKw("in") {
		p.next()
	}
	s.Cursor = p.parseName()
	return s
}

// parseSignedIconst parses an optionally signed integer constant that fits
// in 32 bits (PostgreSQL's SignedIconst: a larger integer is a different
// token there, so it is a syntax error).
func (p *parser) parseSignedIconst() int64 {
	neg := false
	if t := p.peek(); t.isChar('+') || t.isChar('-') {
		neg = t.isChar('-')
		p.next()
	}
	t := p.peek()
	if t.kind != tInteger {
		p.syntaxError(t)
	}
	n, err := strconv.ParseInt(t.val, 10, 64)
	if err != nil || n > math.MaxInt32 {
		p.syntaxError(t)
	}
	p.next()
	if neg {
		n = -n
	}
	return n
}

// parseClose parses CLOSE cursor and CLOSE ALL.
func (p *parser) parseClose() *CloseStmt {
	p.next() // CLOSE
	s := &CloseStmt{}
	if p.acceptKw("all") {
		return s
	}
	name := p.parseName()
	s.Cursor = &name
	return s
}
