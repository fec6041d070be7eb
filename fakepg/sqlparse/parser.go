// Package sqlparse is the SQL front end of poolsim's fake PostgreSQL
// backend: a tokenizer and a recursive-descent parser for the subset of
// PostgreSQL 15's grammar the backend executes.
//
// Errors are PostgreSQL's: a query PostgreSQL rejects fails here with the
// message and position the server would report, and a query PostgreSQL
// accepts but the subset lacks fails with SQLSTATE 0A000 instead.
package sqlparse

// Parse parses query, which may hold several statements separated by
// semicolons, the way PostgreSQL parses a simple-protocol Query message.
// Empty statements are skipped: Parse("") returns an empty slice. On error
// it returns a nil slice and an *Error.
func Parse(query string) (stmts []Stmt, err error) {
	p := &parser{src: query, toks: tokenize(query)}
	applyLookahead(p.toks)
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			stmts, err = nil, b.err
		}
	}()
	stmts = []Stmt{}
	p.stmtBase = 1 // the initial state
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return stmts, nil
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
	// limited (see push); stmtBase is its depth at the start of the
	// current statement.
	depth, stmtBase int
}

// maxParseDepth is the size of PostgreSQL's parser stack (YYMAXDEPTH).
const maxParseDepth = 10000

// push checks that PostgreSQL's parser stack has room for n more entries
// above depth when it reaches token t, and otherwise fails as PostgreSQL
// does. The parser tracks the depth for the nesting constructs of
// expressions, so that deeply nested queries fail where the server's do.
func (p *parser) push(n int, t *token) {
	if p.depth+n >= maxParseDepth {
		fail(p.errorNear("memory exhausted", t))
	}
}

// shiftChar consumes the character c, which PostgreSQL pushes as the n-th
// parser stack entry above depth, or fails with a syntax error.
func (p *parser) shiftChar(c byte, n int) {
	t := p.peek()
	if !t.isChar(c) {
		p.syntaxError(t)
	}
	p.push(n, t)
	p.next()
}

// at sets the parser stack depth to n entries above the statement's start,
// the depth PostgreSQL's grammar has at the clause about to be parsed.
func (p *parser) at(n int) { p.depth = p.stmtBase + n }

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

// lexerLooksAhead reports whether PostgreSQL's lexer reads the token after
// t before handing t to the grammar (src/backend/parser/parser.c): after
// NOT, NULLS and WITH, and after U&'...' and U&"..." literals.
func lexerLooksAhead(t *token) bool {
	if t.kind == tIdent && t.kw != nil {
		switch t.val {
		case "not", "nulls", "with":
			return true
		}
	}
	return t.kind == tUIdent || t.kind == tUString
}

// The key words NOT, NULLS and WITH become different tokens when certain
// words follow them, as PostgreSQL's lexer filter makes them (NOT_LA,
// NULLS_LA, WITH_LA in parser.c); they are then no longer names.
var (
	kwNotLA   = &keyword{name: "not_la", cat: kwLookahead}   // NOT before BETWEEN, IN, LIKE, ILIKE, SIMILAR
	kwNullsLA = &keyword{name: "nulls_la", cat: kwLookahead} // NULLS before FIRST, LAST
	kwWithLA  = &keyword{name: "with_la", cat: kwLookahead}  // WITH before TIME, ORDINALITY
)

// applyLookahead replaces NOT, NULLS and WITH by their look-ahead forms
// where the next token calls for it.
func applyLookahead(toks []token) {
	for i := 0; i+1 < len(toks); i++ {
		t, n := &toks[i], &toks[i+1]
		switch {
		case t.isKw("not") && notLAWords.has(n):
			t.kw = kwNotLA
		case t.isKw("nulls") && (n.isKw("first") || n.isKw("last")):
			t.kw = kwNullsLA
		case t.isKw("with") && (n.isKw("time") || n.isKw("ordinality")):
			t.kw = kwWithLA
		}
	}
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

// reject fails at the current token: with 0A000 naming what if PostgreSQL
// would accept the token here (pgValid), else with a syntax error.
func (p *parser) reject(pgValid bool, what string) {
	t := p.peek()
	if pgValid {
		p.unsupported(t, what)
	}
	p.syntaxError(t)
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
	start := t.start
	var s Stmt
	var span *StmtSpan
	switch {
	case t.isKw("select"):
		st := p.parseSelect()
		s, span = st, &st.StmtSpan
	case t.isKw("insert"):
		st := p.parseInsert()
		s, span = st, &st.StmtSpan
	case t.isKw("update"):
		st := p.parseUpdate()
		s, span = st, &st.StmtSpan
	case t.isKw("delete"):
		st := p.parseDelete()
		s, span = st, &st.StmtSpan
	case t.isKw("begin"), t.isKw("start"), t.isKw("commit"), t.isKw("end"),
		t.isKw("rollback"), t.isKw("abort"):
		st := p.parseTransaction()
		s, span = st, &st.StmtSpan
	case t.isKw("set"):
		st := p.parseSet()
		s, span = st, &st.StmtSpan
	case t.isKw("show"):
		st := p.parseShow()
		s, span = st, &st.StmtSpan
	case t.isKw("reset"):
		st := p.parseReset()
		s, span = st, &st.StmtSpan
	case t.isChar('('):
		p.unsupported(t, "parenthesized SELECT")
	case t.kw != nil && t.kind == tIdent && stmtStartWords[t.kw.name]:
		p.unsupported(t, upper(t.val)+" statements")
	default:
		p.syntaxError(t)
	}
	span.Start, span.End = start, p.lastEnd()
	return s
}

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
