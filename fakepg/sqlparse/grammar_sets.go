package sqlparse

// Facts about PostgreSQL 15's grammar (src/backend/parser/gram.y) that the
// parser needs to tell a syntax error from valid SQL it does not support:
// which tokens PostgreSQL accepts at a given point.

// wordSet is a set of key words, by lower-case name.
type wordSet map[string]bool

func words(list ...string) wordSet {
	s := make(wordSet, len(list))
	for _, w := range list {
		s[w] = true
	}
	return s
}

// has reports whether t is one of the key words of s.
func (s wordSet) has(t *token) bool {
	return t.kind == tIdent && t.kw != nil && s[t.kw.name]
}

// stmtStartWords are the key words that begin a PostgreSQL statement.
var stmtStartWords = words(
	"abort", "alter", "analyse", "analyze", "begin", "call", "checkpoint",
	"close", "cluster", "comment", "commit", "copy", "create", "deallocate",
	"declare", "delete", "discard", "do", "drop", "end", "execute", "explain",
	"fetch", "grant", "import", "insert", "listen", "load", "lock", "merge",
	"move", "notify", "prepare", "reassign", "refresh", "reindex", "release",
	"reset", "revoke", "rollback", "savepoint", "security", "select", "set",
	"show", "start", "table", "truncate", "unlisten", "update", "vacuum",
	"values", "with", "with_la",
)

// exprStartReserved are the reserved key words that can begin an
// expression.
var exprStartReserved = words(
	"array", "case", "cast", "current_catalog", "current_date",
	"current_role", "current_time", "current_timestamp", "current_user",
	"default", "false", "localtime", "localtimestamp", "not", "null",
	"session_user", "true", "unique", "user", "not_la",
)

// sqlValueFunctions are the reserved key words that are complete
// expressions on their own (CURRENT_DATE, USER, ...).
var sqlValueFunctions = words(
	"current_catalog", "current_date", "current_role", "current_time",
	"current_timestamp", "current_user", "localtime", "localtimestamp",
	"session_user", "user",
)

// canStartExpr reports whether an expression (a_expr) can begin with t.
func canStartExpr(t *token) bool {
	switch t.kind {
	case tIdent:
		return t.kw == nil || t.kw.cat < kwReserved || exprStartReserved[t.kw.name]
	case tQIdent, tUIdent, tString, tEString, tBitString, tHexString, tUString,
		tInteger, tFloat, tParam, tOp:
		return true
	case tChar:
		return t.ch == '(' || t.ch == '+' || t.ch == '-'
	}
	return false
}

// isSubqueryQuantifier reports whether t is ANY, SOME or ALL, which may
// follow a binary operator (x = ANY (...)).
func isSubqueryQuantifier(t *token) bool {
	return t.isKw("any") || t.isKw("some") || t.isKw("all")
}

// subqueryStartWords begin a query inside parentheses.
var subqueryStartWords = words("select", "values", "with", "with_la", "table")

// joinWords begin a join after a FROM item.
var joinWords = words("cross", "full", "inner", "join", "left", "natural", "right")

// selectTargetFollow are the key words that may follow a SELECT target
// list in PostgreSQL.
var selectTargetFollow = words(
	"into", "from", "where", "group", "having", "window", "union",
	"intersect", "except", "order", "limit", "offset", "fetch", "for",
)

// setOperationWords combine two queries.
var setOperationWords = words("union", "intersect", "except")
