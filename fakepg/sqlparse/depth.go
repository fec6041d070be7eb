package sqlparse

// PostgreSQL's parser keeps its state on a stack of at most 10000 entries
// (bison's YYMAXDEPTH); a query nested deeper fails with "memory exhausted
// at or near ..." at the token that would overflow it. The parser mirrors
// the stack's depth for the constructs that nest (parentheses, operators,
// function calls, casts) so that such queries fail where the server's do:
// clause parsers set the depth at which their expressions start (at), and
// the expression parser adds the entries of pending constructs and checks
// every entry it shifts (push). Recursion is bounded by the limit too.

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
