package sqlparse

// Operator precedence, lowest first, as declared in PostgreSQL's gram.y.
// IS binds looser than the comparison operators there (a = b IS NULL is
// (a = b) IS NULL), and || is one of the "other" operators, between the
// comparisons and + -.
const (
	precNone    = iota
	precOr      // OR
	precAnd     // AND
	precNot     // prefix NOT
	precIs      // IS [NOT] NULL, ISNULL, NOTNULL
	precCmp     // < > = <= >= <> (non-associative)
	precLike    // BETWEEN IN LIKE ILIKE SIMILAR, NOT LIKE...
	precOp      // any other operator: || ~ @> ...
	precAdd     // + -
	precMul     // * / %
	precExp     // ^
	precAt      // AT TIME ZONE
	precCollate // COLLATE
	precUnary   // prefix + -
	precCast    // ::
)

// parseExpr parses a complete expression (PostgreSQL's a_expr), also
// inside a b_expr's parentheses and function arguments.
func (p *parser) parseExpr() Expr {
	saved := p.bExpr
	p.bExpr = false
	e := p.expr(precOr, nil)
	p.bExpr = saved
	return e
}

// parseTargetExpr parses the expression of a select-list or RETURNING item.
// A key word that is both an operator and a bare column label (AND, IS,
// LIKE, ...) ends the expression when the token after it cannot continue
// the operator: it is the item's label then, as in PostgreSQL (SELECT 1 and
// FROM t labels the column "and").
func (p *parser) parseTargetExpr() Expr { return p.expr(precOr, &labelContext{}) }

// labelContext marks the top level of a target expression.
type labelContext struct{}

// expr parses an expression whose operators all bind at least as tightly as
// minPrec (precedence climbing). labels is non-nil only at the top level of
// a target expression.
//
// Along the way it keeps p.depth, the depth PostgreSQL's parser stack
// would have, as it is on entry plus the entries of pending operators,
// parentheses and calls (see push).
func (p *parser) expr(minPrec int, labels *labelContext) Expr {
	left := p.prefixExpr()
	lastCmp := false // the last operator applied at this level was a comparison
	for {
		t := p.peek()
		prec := infixPrec(t)
		if prec == precNone || prec < minPrec {
			return left
		}
		if p.bExpr && (prec == precLike || prec == precAt || prec == precCollate) {
			return left // not operators of b_expr
		}
		if labels != nil && t.kind == tIdent && t.kw != nil && t.isBareLabel() && !p.infixContinues(t) {
			return left // the key word is the column label
		}
		if prec == precCmp && lastCmp {
			// PostgreSQL's comparison operators do not associate: a < b < c.
			p.syntaxError(t)
		}
		lastCmp = prec == precCmp
		left = p.infix(left, t, prec)
	}
}

// infixPrec returns the precedence of t as an operator after an operand,
// or precNone if t cannot continue an expression that way.
func infixPrec(t *token) int {
	switch t.kind {
	case tChar:
		switch t.ch {
		case '<', '>', '=':
			return precCmp
		case '+', '-':
			return precAdd
		case '*', '/', '%':
			return precMul
		case '^':
			return precExp
		}
	case tLessEquals, tGreaterEquals, tNotEquals:
		return precCmp
	case tOp:
		return precOp
	case tTypecast:
		return precCast
	case tIdent:
		if t.kw == nil {
			return precNone
		}
		switch t.kw.name {
		case "or":
			return precOr
		case "and":
			return precAnd
		case "is", "isnull", "notnull":
			return precIs
		case "not_la":
			// NOT continues an expression only as NOT BETWEEN, NOT IN,
			// NOT LIKE, NOT ILIKE, NOT SIMILAR.
			return precLike
		case "between", "in", "like", "ilike", "similar":
			return precLike
		case "operator":
			return precOp
		case "at":
			return precAt
		case "collate":
			return precCollate
		}
	}
	return precNone
}

// notLAWords turn a NOT after an operand into an infix NOT.
var notLAWords = words("between", "in", "like", "ilike", "similar")

// isTests are the words that may follow IS or IS NOT besides NULL.
var isTests = words("true", "false", "unknown", "distinct", "document", "normalized", "nfc", "nfd", "nfkc", "nfkd")

// infixContinues reports whether the token after the infix key word t can
// continue the operator t begins (so t is not a column label).
func (p *parser) infixContinues(t *token) bool {
	n := p.peekAt(1)
	switch t.kw.name {
	case "and", "or":
		return canStartExpr(n)
	case "is":
		return n.isKw("not") || n.isKw("null") || isTests.has(n)
	case "not_la":
		return true
	case "between":
		return n.isKw("symmetric") || n.isKw("asymmetric") || canStartExpr(n)
	case "in":
		return n.isChar('(')
	case "like", "ilike":
		return canStartExpr(n) || isSubqueryQuantifier(n)
	case "similar":
		return n.isKw("to")
	case "collate":
		return n.isColID()
	case "at":
		return n.isKw("time")
	case "operator":
		return n.isChar('(')
	}
	return true
}

// nested parses with n more entries on the parser stack.
func (p *parser) nested(n int, parse func() Expr) Expr {
	p.depth += n
	e := parse()
	p.depth -= n
	return e
}

// rightOperand parses the right operand of a binary operator of
// precedence prec.
func (p *parser) rightOperand(prec int) Expr {
	// The stack holds the left operand and the operator.
	return p.nested(2, func() Expr { return p.expr(prec+1, nil) })
}

// infix applies the operator t, of precedence prec, to left.
func (p *parser) infix(left Expr, t *token, prec int) Expr {
	p.push(2, t)
	switch t.kind {
	case tTypecast:
		p.next()
		p.depth += 2
		typ := p.parseTypeName()
		p.depth -= 2
		return &TypeCast{X: left, Type: typ, P: t.pos}
	case tChar, tLessEquals, tGreaterEquals, tNotEquals, tOp:
		op := p.src[t.start:t.end]
		switch {
		case t.kind == tNotEquals:
			op = "<>"
		case t.isChar('^'), t.kind == tOp && op != "||":
			p.unsupported(t, "the "+op+" operator")
		}
		p.next()
		p.checkQuantifier()
		return &BinaryExpr{Op: op, L: left, R: p.rightOperand(prec), P: t.pos}
	}
	// A key word operator.
	switch t.kw.name {
	case "and", "or":
		p.next()
		return &BinaryExpr{Op: upper(t.val), L: left, R: p.rightOperand(prec), P: t.pos}
	case "isnull", "notnull":
		p.next()
		return &IsNullExpr{X: left, Not: t.kw.name == "notnull", P: t.pos}
	case "is":
		p.next()
		depth := 3 // the operand, IS and the word after it
		not := p.peek().isKw("not")
		if not {
			p.push(depth, p.next())
			depth++
		}
		n := p.peek()
		switch {
		case n.isKw("null"):
			p.push(depth, n)
			p.next()
			return &IsNullExpr{X: left, Not: not, P: t.pos}
		case isTests.has(n):
			p.unsupported(n, "IS "+upper(n.val))
		}
		p.syntaxError(n)
	}
	// The remaining operators are valid PostgreSQL that is not supported;
	// whether PostgreSQL accepts what follows decides the error.
	what := upper(t.val)
	if t.isKw("not_la") {
		what = "NOT " + upper(p.peekAt(1).kw.name)
	} else if t.isKw("at") {
		what = "AT TIME ZONE"
	}
	if p.infixContinues(t) {
		p.unsupported(t, what)
	}
	p.next()
	p.syntaxError(p.peek())
	return nil
}

// checkQuantifier rejects ANY, SOME and ALL after a binary operator
// (x = ANY (...)): valid PostgreSQL when a parenthesis follows.
func (p *parser) checkQuantifier() {
	t := p.peek()
	if !isSubqueryQuantifier(t) {
		return
	}
	if p.peekAt(1).isChar('(') {
		p.unsupported(t, upper(t.val)+" (...)")
	}
	p.next()
	p.syntaxError(p.peek())
}

// prefixExpr parses an operand with its prefix operators.
func (p *parser) prefixExpr() Expr {
	t := p.peek()
	switch {
	case (t.isKw("not") || t.isKw("not_la")) && p.bExpr:
		p.syntaxError(t)
	case t.isKw("not"), t.isKw("not_la"):
		p.push(1, t)
		p.next()
		return &UnaryExpr{Op: "NOT", X: p.nested(1, func() Expr { return p.expr(precNot, nil) }), P: t.pos}
	case t.isChar('-'):
		p.push(1, t)
		p.next()
		x := p.nested(1, func() Expr { return p.expr(precUnary, nil) })
		if c, ok := x.(*Const); ok && (c.Kind == ConstInt || c.Kind == ConstFloat) {
			// PostgreSQL folds the sign into a numeric literal and reports
			// the literal at the sign (doNegate in gram.y).
			return &Const{Kind: c.Kind, Text: negateNumber(c.Text), P: t.pos}
		}
		return &UnaryExpr{Op: "-", X: x, P: t.pos}
	case t.isChar('+'):
		p.push(1, t)
		p.next()
		return &UnaryExpr{Op: "+", X: p.nested(1, func() Expr { return p.expr(precUnary, nil) }), P: t.pos}
	case t.kind == tOp:
		p.unsupported(t, "the prefix "+t.val+" operator")
	}
	return p.primary()
}

// negateNumber returns the text of -n for the text of a numeric literal.
func negateNumber(n string) string {
	if len(n) > 0 && n[0] == '-' {
		return n[1:]
	}
	return "-" + n
}

// primary parses an operand without operators (PostgreSQL's c_expr).
func (p *parser) primary() Expr {
	t := p.peek()
	if canStartExpr(t) {
		p.push(1, t)
	}
	switch t.kind {
	case tInteger:
		p.next()
		return &Const{Kind: ConstInt, Text: t.val, P: t.pos}
	case tFloat:
		p.next()
		return &Const{Kind: ConstFloat, Text: t.val, P: t.pos}
	case tString, tEString:
		p.next()
		return &Const{Kind: ConstString, Text: t.val, P: t.pos}
	case tUString:
		p.unsupported(t, "U&'' string constants")
	case tBitString, tHexString:
		p.unsupported(t, "bit string constants")
	case tParam:
		p.next()
		p.noIndirection("parameters")
		return &Param{N: t.param, P: t.pos}
	case tChar:
		if t.ch == '(' {
			return p.parenExpr()
		}
	case tQIdent, tUIdent:
		return p.nameExpr()
	case tIdent:
		if t.kw == nil {
			return p.nameExpr()
		}
		switch t.kw.cat {
		case kwUnreserved:
			if t.isKw("double") && p.peekAt(1).isKw("precision") {
				p.unsupported(t, "typed literals")
			}
			return p.nameExpr()
		case kwColName:
			return p.colNameKeywordExpr()
		case kwTypeFuncName:
			return p.typeFuncKeywordExpr()
		}
		switch t.kw.name {
		case "true", "false":
			p.next()
			return &Const{Kind: ConstBool, Text: t.kw.name, P: t.pos}
		case "null":
			p.next()
			return &Const{Kind: ConstNull, Text: "", P: t.pos}
		case "cast":
			return p.castExpr()
		case "current_user", "session_user", "user", "current_role", "current_catalog":
			p.next()
			return &FuncCall{Name: t.kw.name, Keyword: true, P: t.pos}
		case "default":
			if p.bExpr {
				p.syntaxError(t) // b_expr has no DEFAULT
			}
			p.next()
			return &Default{P: t.pos}
		}
		if exprStartReserved[t.kw.name] {
			p.unsupported(t, upper(t.val))
		}
	}
	p.syntaxError(t)
	return nil
}

// isSconst reports whether t is a string constant in PostgreSQL's sense
// (SCONST: standard, E'...', U&'...' and dollar-quoted strings).
func isSconst(t *token) bool {
	return t.kind == tString || t.kind == tEString || t.kind == tUString
}

// noIndirection rejects a subscript or field selection after an operand
// that allows one in PostgreSQL.
func (p *parser) noIndirection(of string) {
	t := p.peek()
	if t.isChar('[') {
		p.unsupported(t, "subscripts on "+of)
	}
	if t.isChar('.') {
		p.unsupported(t, "field selection on "+of)
	}
}

// nameExpr parses what starts with an identifier or unreserved key word: a
// column reference, a function call or (unsupported) a typed literal.
func (p *parser) nameExpr() Expr {
	t := p.peek()
	n := p.peekAt(1)
	switch {
	case n.isChar('('):
		return p.funcCall()
	case isSconst(n):
		p.unsupported(t, "typed literals")
	case n.isChar('.'):
		return p.qualifiedRef()
	}
	id := p.ident()
	p.noIndirection("columns")
	return &ColumnRef{Column: id.Name, P: id.P}
}

// qualifiedRef parses table.column.
func (p *parser) qualifiedRef() Expr {
	table := p.ident()
	p.push(2, p.next()) // .
	t := p.peek()
	if t.isChar('*') {
		p.unsupported(t, "table.* inside an expression")
	}
	if !t.isColLabel() {
		p.syntaxError(t)
	}
	p.push(3, t)
	col := p.ident()
	n := p.peek()
	switch {
	case n.isChar('.'):
		p.unsupported(n, "names with more than two parts")
	case n.isChar('('):
		return p.funcCallArgs(&FuncCall{Schema: table.Name, Name: col.Name, P: table.P})
	case isSconst(n):
		p.unsupportedAt(table.P, "typed literals")
	}
	p.noIndirection("columns")
	return &ColumnRef{Table: table.Name, Column: col.Name, P: table.P}
}

// Column-name key words that begin a type name with a literal after it
// (INT '1', NUMERIC(10,2) '1.5', CHARACTER VARYING 'x', ...).
var (
	constTypeWords      = words("bigint", "bit", "boolean", "char", "character", "dec", "decimal", "float", "int", "integer", "interval", "nchar", "numeric", "real", "smallint", "time", "timestamp", "varchar")
	typeModifierWords   = words("bit", "char", "character", "dec", "decimal", "float", "interval", "nchar", "numeric", "time", "timestamp", "varchar")
	varyingTypeWords    = words("bit", "char", "character", "nchar")
	specialFuncWords    = words("coalesce", "exists", "extract", "greatest", "grouping", "least", "normalize", "nullif", "overlay", "position", "row", "substring", "treat", "trim", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlparse", "xmlpi", "xmlroot", "xmlserialize")
	timeZoneTypeWords   = words("time", "timestamp")
	nationalCharsetWord = words("character", "char")
)

// colNameKeywordExpr parses an operand starting with a column-name key
// word: a column reference, or (unsupported) a typed literal or one of the
// special function forms such as COALESCE(...).
func (p *parser) colNameKeywordExpr() Expr {
	t := p.peek()
	n := p.peekAt(1)
	name := t.kw.name
	switch {
	case n.isChar('(') && typeModifierWords[name]:
		p.unsupported(t, "typed literals")
	case n.isChar('(') && specialFuncWords[name]:
		p.unsupported(t, upper(name)+"(...)")
	case constTypeWords[name] && isSconst(n),
		varyingTypeWords[name] && n.isKw("varying"),
		name == "national" && nationalCharsetWord.has(n),
		timeZoneTypeWords[name] && n.isKw("without"):
		p.unsupported(t, "typed literals")
	case timeZoneTypeWords[name] && n.isKw("with_la"):
		if p.peekAt(2).isKw("time") {
			p.unsupported(t, "typed literals")
		}
		// TIMESTAMP WITH ORDINALITY: WITH can only begin WITH TIME ZONE.
		p.next()
		p.next()
		p.syntaxError(p.peek())
	case n.isChar('.'):
		return p.qualifiedRef()
	}
	id := p.ident()
	p.noIndirection("columns")
	return &ColumnRef{Column: id.Name, P: id.P}
}

// typeFuncKeywordExpr parses an operand starting with a type/function-name
// key word (LEFT, LIKE, CURRENT_SCHEMA, ...): only a function call is
// supported.
func (p *parser) typeFuncKeywordExpr() Expr {
	t := p.peek()
	n := p.peekAt(1)
	switch {
	case n.isChar('('):
		return p.funcCall()
	case isSconst(n):
		p.unsupported(t, "typed literals")
	case t.isKw("current_schema"):
		p.next()
		return &FuncCall{Name: "current_schema", Keyword: true, P: t.pos}
	case t.isKw("collation") && n.isKw("for"):
		p.unsupported(t, "COLLATION FOR")
	}
	p.next()
	p.syntaxError(p.peek())
	return nil
}

// funcCall parses name(args), name() or name(*).
func (p *parser) funcCall() Expr {
	name := p.ident()
	return p.funcCallArgs(&FuncCall{Name: name.Name, P: name.P})
}

// funcCallArgs parses the parenthesized arguments of f, whose name has
// been read.
func (p *parser) funcCallArgs(f *FuncCall) Expr {
	p.push(2, p.next()) // (
	t := p.peek()
	switch {
	case t.isChar(')'):
		p.push(3, t)
		p.next()
	case t.isChar('*'):
		p.push(3, t)
		p.next()
		p.shiftChar(')', 4)
		f.Star = true
	case t.isKw("all"), t.isKw("distinct"), t.isKw("variadic"):
		p.unsupported(t, upper(t.val)+" in function arguments")
	default:
		for {
			argStart := p.i
			// The stack holds the name and parenthesis, and after the
			// first argument also the argument list and a comma.
			depth := 2 + 2*min(len(f.Args), 1)
			f.Args = append(f.Args, p.nested(depth, p.parseExpr))
			t := p.peek()
			if t.kind == tColonEquals || t.kind == tEqualsGreater {
				// name => value is valid when the argument was one name.
				if p.i == argStart+1 && p.toks[argStart].isTypeFuncName() {
					p.unsupported(t, "named function arguments")
				}
				p.syntaxError(t)
			}
			if t.isKw("order") {
				p.unsupported(t, "ORDER BY in function arguments")
			}
			if t.isChar(',') {
				p.push(4, t)
				p.next()
				if n := p.peek(); n.isKw("variadic") {
					p.unsupported(n, "VARIADIC in function arguments")
				}
				continue
			}
			p.shiftChar(')', 5) // name ( arguments, empty ORDER BY )
			break
		}
	}
	p.funcCallSuffix(len(f.Args) > 0)
	// PostgreSQL then reduces the empty WITHIN GROUP, FILTER and OVER
	// clauses, with the next token read.
	p.push(4, p.peek())
	return f
}

// funcCallSuffix rejects what PostgreSQL allows after a function call's
// closing parenthesis: WITHIN GROUP, FILTER, OVER, and for calls with
// arguments a string (a typed literal with type modifiers).
func (p *parser) funcCallSuffix(hasArgs bool) {
	t := p.peek()
	n := p.peekAt(1)
	switch {
	case t.isKw("within") && n.isKw("group"):
		p.unsupported(t, "WITHIN GROUP")
	case t.isKw("filter") && n.isChar('('):
		p.unsupported(t, "FILTER")
	case t.isKw("over") && (n.isChar('(') || n.isColID()):
		p.unsupported(t, "window functions")
	case hasArgs && isSconst(t):
		p.unsupported(t, "typed literals")
	case t.isKw("within"), t.isKw("filter"), t.isKw("over"):
		p.next()
		p.syntaxError(p.peek())
	}
}

// parenExpr parses a parenthesized expression.
func (p *parser) parenExpr() Expr {
	p.next() // (
	t := p.peek()
	if subqueryStartWords.has(t) {
		p.unsupported(t, "subqueries")
	}
	e := p.nested(1, p.parseExpr)
	t = p.peek()
	if t.isChar(',') {
		p.unsupported(t, "row constructors")
	}
	p.shiftChar(')', 4) // ( expr ) and the empty indirection after it
	p.noIndirection("parenthesized expressions")
	return e
}

// castExpr parses CAST(expr AS type).
func (p *parser) castExpr() Expr {
	c := p.next()
	p.shiftChar('(', 2)
	x := p.nested(2, p.parseExpr)
	if t := p.peek(); t.isKw("as") {
		p.push(4, t)
	}
	p.expectKw("as")
	p.depth += 4
	typ := p.parseTypeName()
	p.depth -= 4
	p.shiftChar(')', 6)
	return &TypeCast{X: x, Type: typ, P: c.pos}
}
