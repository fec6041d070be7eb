package sqlparse

// PostgreSQL's lexer filter (src/backend/parser/parser.c) reads one token
// ahead after some tokens, to turn NOT, NULLS and WITH into other tokens
// before certain words and to join U&'...' literals with a UESCAPE clause.

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
