package sqlparse

// parseQualifiedName parses [schema.]name, the current token being a name
// the caller has checked. Three-part names (database.schema.name) are
// valid PostgreSQL that is not supported.
func (p *parser) parseQualifiedName() TableRef {
	first := p.ident()
	if !p.peek().isChar('.') {
		return TableRef{Name: first}
	}
	p.next() // .
	t := p.peek()
	if !t.isColLabel() {
		p.syntaxError(t)
	}
	name := p.ident()
	if n := p.peek(); n.isChar('.') {
		p.unsupported(n, "three-part table names")
	}
	return TableRef{Schema: &first, Name: name}
}

// parseFromList parses the items of a FROM clause: the first table, then
// tables joined to it by commas, CROSS JOIN and [INNER] JOIN ... ON.
func (p *parser) parseFromList() (*TableRef, []Join) {
	first := p.parseFromItem()
	var joins []Join
	for {
		t := p.peek()
		switch {
		case t.isChar(','):
			p.next()
			joins = append(joins, Join{Kind: JoinComma, Table: *p.parseFromItem(), P: t.pos})
		case t.isKw("cross"):
			p.next()
			p.expectKw("join")
			joins = append(joins, Join{Kind: JoinCross, Table: *p.parseFromItem(), P: t.pos})
		case t.isKw("join"), t.isKw("inner"):
			p.next()
			if t.isKw("inner") {
				p.expectKw("join")
			}
			j := Join{Kind: JoinInner, Table: *p.parseFromItem(), P: t.pos}
			n := p.peek()
			switch {
			case n.isKw("on"):
				p.next()
				p.at(8)
				j.On = p.parseExpr()
			case n.isKw("using"):
				p.unsupported(n, "JOIN ... USING")
			case joinWords.has(n):
				// a JOIN b JOIN c ON ... ON ...: b joins c first
				p.unsupported(n, "nested joins")
			default:
				p.syntaxError(n)
			}
			joins = append(joins, j)
		case t.isKw("left"), t.isKw("right"), t.isKw("full"):
			if n := p.peek(); p.peekAt(1).isKw("outer") || p.peekAt(1).isKw("join") {
				p.unsupported(n, "outer joins")
			}
			p.next()
			p.syntaxError(p.peek())
		case t.isKw("natural"):
			p.unsupported(t, "NATURAL JOIN")
		default:
			return first, joins
		}
	}
}
