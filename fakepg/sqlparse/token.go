package sqlparse

// tokKind is the kind of a lexical token, following the token classes of
// PostgreSQL's scanner (src/backend/parser/scan.l).
type tokKind uint8

// The token kinds.
const (
	tEOF           tokKind = iota // end of input
	tError                        // a lexical error; token.err says which
	tIdent                        // identifier or key word (unquoted)
	tQIdent                       // "quoted identifier"
	tUIdent                       // U&"identifier"
	tString                       // 'string' or $tag$string$tag$
	tEString                      // E'string' (val holds the decoded value)
	tBitString                    // B'0101'
	tHexString                    // X'1f'
	tUString                      // U&'string'
	tInteger                      // 123
	tFloat                        // 1.5, .5, 1e3
	tParam                        // $1
	tOp                           // any operator not listed below: ||, ~, !, @>, ...
	tTypecast                     // ::
	tDotDot                       // ..
	tColonEquals                  // :=
	tEqualsGreater                // =>
	tLessEquals                   // <=
	tGreaterEquals                // >=
	tNotEquals                    // <> or !=
	tChar                         // a single character: , ( ) [ ] . ; : + - * / % ^ < > = and strays
)

// token is one lexical token.
type token struct {
	kind       tokKind
	start, end int // byte offsets of the token's text in the query
	pos        int // 1-based character position of start
	// val is the token's value: the folded or unquoted name of an
	// identifier, the unescaped contents of a string, the digits of a
	// number, the text of an operator.
	val   string
	kw    *keyword // the key word an unquoted identifier spells, or nil
	ch    byte     // the character of a tChar token
	param int      // the number of a tParam token (0 if out of range)
	err   *Error   // the error of a tError token
}

// isKw reports whether t is the key word name (lower case).
func (t *token) isKw(name string) bool {
	return t.kind == tIdent && t.kw != nil && t.kw.name == name
}

// isChar reports whether t is the single-character token c.
func (t *token) isChar(c byte) bool { return t.kind == tChar && t.ch == c }

// isStmtEnd reports whether t ends a statement: a semicolon or the end of
// input.
func (t *token) isStmtEnd() bool { return t.kind == tEOF || t.isChar(';') }

// category returns the key word category of t, or 0 if t is not a key word.
func (t *token) category() kwCategory {
	if t.kind == tIdent && t.kw != nil {
		return t.kw.cat
	}
	return 0
}

// isPlainIdent reports whether t is an identifier that is not a key word:
// PostgreSQL's IDENT token (quoted identifiers included).
func (t *token) isPlainIdent() bool {
	return (t.kind == tIdent && t.kw == nil) || t.kind == tQIdent || t.kind == tUIdent
}

// isColID reports whether t can be a column or table name: PostgreSQL's
// ColId (IDENT, unreserved and column-name key words).
func (t *token) isColID() bool {
	if t.isPlainIdent() {
		return true
	}
	c := t.category()
	return c == kwUnreserved || c == kwColName
}

// isTypeFuncName reports whether t can be a function or type name:
// PostgreSQL's type_function_name (IDENT, unreserved and type/function-name
// key words).
func (t *token) isTypeFuncName() bool {
	if t.isPlainIdent() {
		return true
	}
	c := t.category()
	return c == kwUnreserved || c == kwTypeFuncName
}

// isColLabel reports whether t can be a column label after AS or a field
// name after a dot: any identifier or key word (PostgreSQL's ColLabel).
func (t *token) isColLabel() bool {
	return t.kind == tIdent && t.category() != kwLookahead || t.kind == tQIdent || t.kind == tUIdent
}

// isBareLabel reports whether t can be a column label without AS:
// PostgreSQL's BareColLabel.
func (t *token) isBareLabel() bool {
	if t.kw != nil && t.kind == tIdent {
		return t.kw.bareLabel
	}
	return t.isPlainIdent()
}

// name returns the name an identifier or key word token stands for: the
// folded or unquoted identifier, or the key word in lower case.
func (t *token) name() string {
	if t.kw != nil {
		return t.kw.name
	}
	return t.val
}
