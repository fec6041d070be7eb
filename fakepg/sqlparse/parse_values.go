package sqlparse

// The expression forms of values and lists: x [NOT] IN (list), the key
// word calls COALESCE, GREATEST and LEAST, and CURRENT_TIMESTAMP.

// keywordCallWords are the column-name key words whose calls the parser
// supports (special forms in PostgreSQL's grammar, not function calls).
var keywordCallWords = words("coalesce", "greatest", "least")

// inList parses the rest of left IN (list) or left NOT IN (list); op is
// IN or NOT. A subquery in the parentheses is not supported.
func (p *parser) inList(left Expr, op *token, not bool) Expr {
	depth := 2 // the left operand and IN
	if not {
		p.push(3, p.peekAt(1))
		p.next() // NOT
		depth++
	}
	p.next() // IN
	p.shiftChar('(', depth+1)
	if t := p.peek(); subqueryStartWords.has(t) {
		p.unsupported(t, "subqueries")
	}
	in := &InExpr{X: left, Not: not, P: op.pos}
	for {
		// after the first item the stack holds the list and a comma
		n := depth + 1 + 2*min(len(in.List), 1)
		in.List = append(in.List, p.nested(n, p.parseExpr))
		t := p.peek()
		if !t.isChar(',') {
			break
		}
		p.push(depth+3, t)
		p.next()
	}
	p.shiftChar(')', depth+3)
	return in
}

// keywordCall parses COALESCE(list), GREATEST(list) or LEAST(list).
func (p *parser) keywordCall() Expr {
	name := p.next()
	p.shiftChar('(', 2)
	f := &FuncCall{Name: name.kw.name, Keyword: true, P: name.pos}
	for {
		n := 2 + 2*min(len(f.Args), 1)
		f.Args = append(f.Args, p.nested(n, p.parseExpr))
		t := p.peek()
		if !t.isChar(',') {
			break
		}
		p.push(4, t)
		p.next()
	}
	p.shiftChar(')', 4)
	return f
}

// currentTimestamp parses CURRENT_TIMESTAMP; with a precision it is valid
// PostgreSQL that is not supported.
func (p *parser) currentTimestamp() Expr {
	t := p.next()
	if p.peek().isChar('(') {
		p.push(2, p.next())
		if n := p.peek(); n.kind != tInteger {
			p.syntaxError(n)
		}
		p.push(3, p.next())
		p.shiftChar(')', 4)
		p.unsupported(t, "CURRENT_TIMESTAMP(precision)")
	}
	return &FuncCall{Name: "current_timestamp", Keyword: true, P: t.pos}
}
