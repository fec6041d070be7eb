// Package sqlparse is the SQL front end of poolsim's fake PostgreSQL
// backend: a tokenizer and a recursive-descent parser for the subset of
// PostgreSQL 15's grammar the backend executes (see ast.go): SELECT over
// tables joined by commas, CROSS JOIN and INNER JOIN ... ON, INSERT ...
// VALUES | DEFAULT VALUES [ON CONFLICT], UPDATE, DELETE, the transaction
// statements, SET, SHOW, RESET, CREATE TABLE and DROP TABLE (ast_ddl.go),
// with schema-qualified names and PostgreSQL's expression precedence.
//
// Errors are PostgreSQL's: a query PostgreSQL rejects fails here with the
// SQLSTATE, message and character position the server reports (lexical
// errors, syntax errors, and the few errors PostgreSQL's grammar itself
// raises), and a query PostgreSQL accepts but the subset lacks fails with
// SQLSTATE 0A000 at the first token the subset cannot take. To tell the
// two apart the parser knows, at each point, which tokens PostgreSQL's
// grammar would accept there (grammar_sets.go and the clause parsers).
package sqlparse

// Parse parses query, which may hold several statements separated by
// semicolons, the way PostgreSQL parses a simple-protocol Query message.
// Empty statements are skipped: Parse("") returns an empty slice. On error
// it returns a nil slice and an *Error.
func Parse(query string) ([]Stmt, error) {
	p := &parser{src: query, toks: tokenize(query)}
	applyLookahead(p.toks)
	var stmts []Stmt
	if err := catch(func() { stmts = p.parseStmts() }); err != nil {
		return nil, err
	}
	return stmts, nil
}

// parseStmts parses the statements of the query.
func (p *parser) parseStmts() []Stmt {
	stmts := []Stmt{}
	p.stmtBase = 1 // the initial state
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return stmts
		case t.isChar(';'):
			p.next()
			p.stmtBase = 3 // initial state, statement list, semicolon
			continue
		}
		s := p.parseStmt()
		if t := p.peek(); !t.isStmtEnd() {
			p.syntaxError(t)
		}
		stmts = append(stmts, s)
	}
}

// parser is a recursive-descent parser over the tokens of one query.
type parser struct {
	src  string
	toks []token
	i    int // index of the current token

	// depth mirrors the depth of PostgreSQL's parser stack, which is
	// limited (see depth.go); stmtBase is its depth at the start of the
	// current statement.
	depth, stmtBase int

	// typeMods, when set, receives the type modifiers of the type name
	// being parsed (column definitions allow them; casts do not).
	typeMods *[]Expr
	// bExpr is set while parsing PostgreSQL's restricted b_expr outside
	// parentheses (see parseBExpr).
	bExpr bool
}

// peek returns the current token. If it is a lexical error, or it is a
// token after which PostgreSQL's lexer looks one token ahead and that token
// is a lexical error, parsing stops with the error: PostgreSQL reports
// lexical errors when its grammar asks for the token.
func (p *parser) peek() *token {
	t := &p.toks[p.i]
	if t.kind == tError {
		fail(t.err)
	}
	if p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tError && lexerLooksAhead(t) {
		fail(p.toks[p.i+1].err)
	}
	return t
}

// peekAt returns the token n places after the current one without
// reporting errors; past the end it returns the last token. Use it only to
// choose between alternatives.
func (p *parser) peekAt(n int) *token {
	if p.i+n >= len(p.toks) {
		return &p.toks[len(p.toks)-1]
	}
	return &p.toks[p.i+n]
}

// next consumes the current token and returns it.
func (p *parser) next() *token {
	t := p.peek()
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// lastEnd returns the byte offset just after the last consumed token.
func (p *parser) lastEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

// acceptKw consumes the current token if it is the key word name.
func (p *parser) acceptKw(name string) bool {
	if p.peek().isKw(name) {
		p.next()
		return true
	}
	return false
}

// acceptChar consumes the current token if it is the character c.
func (p *parser) acceptChar(c byte) bool {
	if p.peek().isChar(c) {
		p.next()
		return true
	}
	return false
}

// expectKw consumes the key word name, or fails with a syntax error at the
// current token: use it where PostgreSQL's grammar allows nothing else.
func (p *parser) expectKw(name string) *token {
	t := p.peek()
	if !t.isKw(name) {
		p.syntaxError(t)
	}
	return p.next()
}

// expectChar consumes the character c, or fails with a syntax error at
// the current token: use it where PostgreSQL's grammar allows nothing else.
func (p *parser) expectChar(c byte) *token {
	t := p.peek()
	if !t.isChar(c) {
		p.syntaxError(t)
	}
	return p.next()
}

// ident consumes a name token that the caller has checked, returning it as
// an Ident. U&"" identifiers are valid PostgreSQL but not supported.
func (p *parser) ident() Ident {
	t := p.peek()
	if t.kind == tUIdent {
		p.unsupported(t, `U&"" identifiers`)
	}
	p.next()
	return Ident{Name: t.name(), P: t.pos}
}

// parseStmt parses one statement starting at the current token and sets
// its span.
func (p *parser) parseStmt() Stmt {
	t := p.peek()
	var s interface {
		Stmt
		setSpan(start, end int)
	}
	switch {
	case t.isKw("select"):
		s = p.parseSelect()
	case t.isKw("insert"):
		s = p.parseInsert()
	case t.isKw("update"):
		s = p.parseUpdate()
	case t.isKw("delete"):
		s = p.parseDelete()
	case t.isKw("begin"), t.isKw("start"), t.isKw("commit"), t.isKw("end"),
		t.isKw("rollback"), t.isKw("abort"):
		s = p.parseTransaction()
	case t.isKw("set"):
		s = p.parseSet()
	case t.isKw("show"):
		s = p.parseShow()
	case t.isKw("reset"):
		s = p.parseReset()
	case t.isKw("create"):
		s = p.parseCreate()
	case t.isKw("drop"):
		s = p.parseDrop()
	case t.isChar('('):
		p.unsupported(t, "parenthesized SELECT")
	case stmtStartWords.has(t):
		p.unsupported(t, upper(t.val)+" statements")
	default:
		p.syntaxError(t)
	}
	s.setSpan(t.start, p.lastEnd())
	return s
}

// setSpan records a statement's byte range.
func (s *StmtSpan) setSpan(start, end int) { s.Start, s.End = start, end }

// upper returns the ASCII upper case of a key word.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
