package sqlparse

import (
	"strings"
	"testing"
)

// syntaxErrorTests are queries PostgreSQL rejects, with the position and
// message it reports. The expected values were taken from PostgreSQL 15
// (15.18, simple query protocol, standard_conforming_strings on): each
// query was sent to a real server and its ErrorResponse recorded. All have
// SQLSTATE 42601.
var syntaxErrorTests = []struct {
	query   string
	pos     int
	message string
}{
	{"SELECT 1 FROM", 14, "syntax error at end of input"},
	{"SELECT 1 FROM   ", 17, "syntax error at end of input"},
	{"SELECT 1 FROM -- trailing comment", 34, "syntax error at end of input"},
	{"SELECT 1 FROM /* c */", 22, "syntax error at end of input"},
	{"SELECT * FROM kv whre k = 1", 23, "syntax error at or near \"k\""},
	{"SELEC 1", 1, "syntax error at or near \"SELEC\""},
	{"SELECT 1 2", 10, "syntax error at or near \"2\""},
	{"SELECT (1", 10, "syntax error at end of input"},
	{"SELECT 1)", 9, "syntax error at or near \")\""},
	{"SELECT 1 +", 11, "syntax error at end of input"},
	{"SELECT f(1,)", 12, "syntax error at or near \")\""},
	{"SELECT * AS x FROM kv", 10, "syntax error at or near \"AS\""},
	{"SELECT 1 < 2 = true", 14, "syntax error at or near \"=\""},
	{"SELECT 1 = 2 = 3", 14, "syntax error at or near \"=\""},
	{"SELECT 1 = 2 IS NULL = 3 = 4", 26, "syntax error at or near \"=\""},
	{"SELECT 1 IS NOT LIKE 'x'", 13, "syntax error at or near \"NOT\""},
	{"SELECT 1 IS 2", 13, "syntax error at or near \"2\""},
	{"SELECT 1 day", 10, "syntax error at or near \"day\""},
	{"SELECT 1 AS", 12, "syntax error at end of input"},
	{"SELECT 1 AS with time", 13, "syntax error at or near \"with\""},
	{"SELECT 1::timestamp with ordinality", 26, "syntax error at or near \"ordinality\""},
	{"SELECT 1::int(4)", 14, "syntax error at or near \"(\""},
	{"SELECT 1[1]", 9, "syntax error at or near \"[\""},
	{"SELECT left FROM kv", 13, "syntax error at or near \"FROM\""},
	{"SELECT k FROM kv WHERE", 23, "syntax error at end of input"},
	{"SELECT k FROM kv WHERE k = 1 ORDER k", 36, "syntax error at or near \"k\""},
	{"SELECT k FROM kv ORDER BY k NULLS", 29, "syntax error at or near \"NULLS\""},
	{"SELECT k FROM kv LIMIT 1 LIMIT 2", 26, "syntax error at or near \"LIMIT\""},
	{"SELECT k FROM kv LIMIT 1, 2", 18, "LIMIT #,# syntax is not supported"},
	{"SELECT k FROM kv FOR DELETE", 22, "syntax error at or near \"DELETE\""},
	{"SELECT k FROM kv t u", 20, "syntax error at or near \"u\""},
	{"SELECT k FROM kv AS select", 21, "syntax error at or near \"select\""},
	{"SELECT k FROM select", 15, "syntax error at or near \"select\""},
	{"INSERT kv VALUES (1)", 8, "syntax error at or near \"kv\""},
	{"INSERT INTO kv VALUES", 22, "syntax error at end of input"},
	{"INSERT INTO kv VALUES (1,", 26, "syntax error at end of input"},
	{"INSERT INTO kv (k v) VALUES (1)", 19, "syntax error at or near \"v\""},
	{"INSERT INTO kv VALUES (1) ON CONFLICT (k) DO", 45, "syntax error at end of input"},
	{"INSERT INTO kv VALUES (1) ON CONFLICT (k) DO UPDATE v = 1", 53, "syntax error at or near \"v\""},
	{"INSERT INTO kv VALUES (1) RETURNING", 36, "syntax error at end of input"},
	{"UPDATE kv SET v", 16, "syntax error at end of input"},
	{"UPDATE kv set SET v = 1", 19, "syntax error at or near \"v\""},
	{"UPDATE kv SET v = 1 WHERE", 26, "syntax error at end of input"},
	{"DELETE kv", 8, "syntax error at or near \"kv\""},
	{"DELETE FROM kv set", 16, "syntax error at or near \"set\""},
	{"DELETE FROM kv WHERE k = 1 RETURNING k AS", 42, "syntax error at end of input"},
	{"BEGIN ISOLATION LEVEL READ", 27, "syntax error at end of input"},
	{"BEGIN ISOLATION LEVEL READ ONLY", 28, "syntax error at or near \"ONLY\""},
	{"BEGIN READ ONLY,", 17, "syntax error at end of input"},
	{"BEGIN NOT LIKE", 7, "syntax error at or near \"NOT\""},
	{"START", 6, "syntax error at end of input"},
	{"COMMIT WORK WORK", 13, "syntax error at or near \"WORK\""},
	{"COMMIT AND", 11, "syntax error at end of input"},
	{"ROLLBACK AND NO", 16, "syntax error at end of input"},
	{"SET", 4, "syntax error at end of input"},
	{"SET x", 6, "syntax error at end of input"},
	{"SET x TO", 9, "syntax error at end of input"},
	{"SET x = 1,", 11, "syntax error at end of input"},
	{"SET x = -", 10, "syntax error at end of input"},
	{"SET x = 1, DEFAULT", 12, "syntax error at or near \"DEFAULT\""},
	{"SET x = select", 9, "syntax error at or near \"select\""},
	{"SET TIME ZONE on", 15, "syntax error at or near \"on\""},
	{"SET select = 1", 5, "syntax error at or near \"select\""},
	{"SHOW", 5, "syntax error at end of input"},
	{"SHOW x y", 8, "syntax error at or near \"y\""},
	{"SHOW TRANSACTION ISOLATION", 27, "syntax error at end of input"},
	{"RESET", 6, "syntax error at end of input"},
	{"RESET ALL x", 11, "syntax error at or near \"x\""},
	{"SELECT 'abc", 8, "unterminated quoted string at or near \"'abc\""},
	{"SELECT 'it''s", 8, "unterminated quoted string at or near \"'it''s\""},
	{"SELECT 'a'\n'b", 8, "unterminated quoted string at or near \"'a'\n'b\""},
	{"SELECT \"abc", 8, "unterminated quoted identifier at or near \"\"abc\""},
	{"SELECT \"\"", 8, "zero-length delimited identifier at or near \"\"\"\""},
	{"SELECT U&\"\"", 8, "zero-length delimited identifier at or near \"U&\"\"\""},
	{"SELECT /* abc", 8, "unterminated /* comment at or near \"/* abc\""},
	{"SELECT /* a /* b */ c", 8, "unterminated /* comment at or near \"/* a /* b */ c\""},
	{"SELECT 123abc", 8, "trailing junk after numeric literal at or near \"123abc\""},
	{"SELECT 1.5e+x", 8, "trailing junk after numeric literal at or near \"1.5e+\""},
	{"SELECT 0x1F", 8, "trailing junk after numeric literal at or near \"0x1F\""},
	{"SELECT $1abc", 8, "trailing junk after parameter at or near \"$1abc\""},
	{"SELECT $$abc", 8, "unterminated dollar-quoted string at or near \"$$abc\""},
	{"SELECT E'abc", 8, "unterminated quoted string at or near \"E'abc\""},
	{"SELECT B'01", 8, "unterminated bit string literal at or near \"B'01\""},
	{"SELECT X'1F", 8, "unterminated hexadecimal string literal at or near \"X'1F\""},
	{"SELECT 1 FROM kv WHERE k = $abc", 28, "syntax error at or near \"$\""},
	{"SELECT 1 {", 10, "syntax error at or near \"{\""},
	{"SELECT 1 .. 2", 10, "syntax error at or near \"..\""},
	{"SELECT 1 NOT 'abc", 14, "unterminated quoted string at or near \"'abc\""},
	{"SELECT 1 ) NOT 'abc", 10, "syntax error at or near \")\""},
	{"SELECT 'é' 'ü'", 12, "syntax error at or near \"'ü'\""},
	{"SELECT é, ü FROM kv WHERE é =", 30, "syntax error at end of input"},
	{"SELECT 'ééé' FROM kv WHERE x = 'ü", 32, "unterminated quoted string at or near \"'ü\""},
	{"SELECT \"été\" FROM kv é ü", 24, "syntax error at or near \"ü\""},
	{"SELECT 1; SELECT 2 FROM; SELECT 3", 24, "syntax error at or near \";\""},
	{"SELECT 1; SELEC 2", 11, "syntax error at or near \"SELEC\""},
	{"SELECT 1; SELECT 'unterminated", 18, "unterminated quoted string at or near \"'unterminated\""},
	{"SELECT 1 FROM kv; UPDATE", 25, "syntax error at end of input"},
	{";;SELECT (", 11, "syntax error at end of input"},
	{"SELECT 1 FROM kv ORDER BY k, ;", 30, "syntax error at or near \";\""},
	{"SELECT 1 ; ; SELECT 1 1", 23, "syntax error at or near \"1\""},
}

func TestSyntaxErrors(t *testing.T) {
	for _, tt := range syntaxErrorTests {
		checkError(t, tt.query, CodeSyntaxError, tt.pos, tt.message)
	}
}

// checkError checks that Parse(query) fails with the given error.
func checkError(t *testing.T, query, code string, pos int, message string) {
	t.Helper()
	stmts, err := Parse(query)
	if err == nil {
		t.Errorf("Parse(%.80q) = %s, want error %q at %d", query, formatStmts(stmts), message, pos)
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Errorf("Parse(%.80q): error %T is not *Error", query, err)
		return
	}
	if e.Code != code || e.Position != pos || e.Message != message {
		t.Errorf("Parse(%.80q)\n got %s %d %q\nwant %s %d %q", query, e.Code, e.Position, e.Message, code, pos, message)
	}
}

// escapeStringTests are errors in E'...' strings, with PostgreSQL's codes,
// positions and messages. The expected values were taken from PostgreSQL
// 15.18.
var escapeStringTests = []struct {
	query, code string
	pos         int
	message     string
}{
	{"SELECT E'\\u12'", CodeInvalidEscapeSequence, 10, "invalid Unicode escape"},
	{"SELECT E'\\U1234'", CodeInvalidEscapeSequence, 10, "invalid Unicode escape"},
	{"SELECT E'\\u'", CodeInvalidEscapeSequence, 10, "invalid Unicode escape"},
	{"SELECT E'\\uD83D'", CodeSyntaxError, 16, "invalid Unicode surrogate pair at or near \"'\""},
	{"SELECT E'\\uD83Dx'", CodeSyntaxError, 16, "invalid Unicode surrogate pair at or near \"x\""},
	{"SELECT E'\\uD83D\\u0041'", CodeSyntaxError, 16, "invalid Unicode surrogate pair at or near \"\\u0041\""},
	{"SELECT E'\\uDE00'", CodeSyntaxError, 10, "invalid Unicode surrogate pair at or near \"\\uDE00\""},
	{"SELECT E'\\uD83D\\u12'", CodeInvalidEscapeSequence, 16, "invalid Unicode escape"},
	{"SELECT E'\\u0000'", CodeSyntaxError, 10, "invalid Unicode escape value at or near \"\\u0000\""},
	{"SELECT E'\\U00110000'", CodeSyntaxError, 10, "invalid Unicode escape value at or near \"\\U00110000\""},
	{"SELECT E'\\0'", CodeCharacterNotInRepertoire, 0, "invalid byte sequence for encoding \"UTF8\": 0x00"},
	{"SELECT E'\\351'", CodeCharacterNotInRepertoire, 0, "invalid byte sequence for encoding \"UTF8\": 0xe9"},
	{"SELECT E'\\351ab'", CodeCharacterNotInRepertoire, 0, "invalid byte sequence for encoding \"UTF8\": 0xe9 0x61 0x62"},
	{"SELECT E'\\xC3'", CodeCharacterNotInRepertoire, 0, "invalid byte sequence for encoding \"UTF8\": 0xc3"},
	{"SELECT E'\\777'", CodeCharacterNotInRepertoire, 0, "invalid byte sequence for encoding \"UTF8\": 0xff"},
	{"SELECT E'\\", CodeSyntaxError, 8, "unterminated quoted string at or near \"E'\\\""},
	{"SELECT E'\\uD83D", CodeSyntaxError, 16, "invalid Unicode surrogate pair at end of input"},
	{"SELECT 1 FROM kv WHERE k = E'\\'' AND x = E'\\u00'", CodeInvalidEscapeSequence, 44, "invalid Unicode escape"},
	{"SELECT é, E'\\uDC00'", CodeSyntaxError, 13, "invalid Unicode surrogate pair at or near \"\\uDC00\""},
	{"SELECT E'\\uD83D\\\\'", CodeSyntaxError, 16, "invalid Unicode surrogate pair at or near \"\\\""},
}

func TestEscapeStringErrors(t *testing.T) {
	for _, tt := range escapeStringTests {
		checkError(t, tt.query, tt.code, tt.pos, tt.message)
	}
}

// TestDeepNesting checks that queries nested deeper than PostgreSQL's
// parser stack allows fail where the server's do. The expected values were
// taken from PostgreSQL 15.18.
func TestDeepNesting(t *testing.T) {
	parens := func(n int, inner string) string {
		return "SELECT " + strings.Repeat("(", n) + inner + strings.Repeat(")", n)
	}
	for _, tt := range []struct {
		query   string
		pos     int
		message string // "" if PostgreSQL parses the query
	}{
		{parens(9993, "1"), 0, ""},
		{parens(9994, "1"), 10003, `memory exhausted at or near ")"`},
		{parens(20000, "1"), 10004, `memory exhausted at or near "("`},
		{"SELECT " + strings.Repeat("NOT ", 9995) + "true", 0, ""},
		{"SELECT " + strings.Repeat("NOT ", 9996) + "true", 39992, `memory exhausted at or near "true"`},
		{"SELECT " + strings.Repeat("f(", 4996) + "1" + strings.Repeat(")", 4996), 0, ""},
		{"SELECT " + strings.Repeat("f(", 4997) + "1" + strings.Repeat(")", 4997), 10003, `memory exhausted at or near ")"`},
	} {
		if tt.message == "" {
			if _, err := Parse(tt.query); err != nil {
				t.Errorf("Parse(%.40q...): %v", tt.query, err)
			}
			continue
		}
		checkError(t, tt.query, CodeSyntaxError, tt.pos, tt.message)
	}
}

// unsupportedTests are queries PostgreSQL 15 parses (checked against a
// real server) that this parser does not support: Parse must fail with
// 0A000 at the first unsupported token, never with a syntax error.
var unsupportedTests = []struct {
	query string
	pos   int
	what  string
}{
	{"SELECT k FROM kv LEFT JOIN activity ON true", 18, "outer joins"},
	{"SELECT k FROM kv NATURAL JOIN activity", 18, "NATURAL JOIN"},
	{"SELECT count(*) FROM kv GROUP BY k", 25, "GROUP BY"},
	{"SELECT 1 HAVING true", 10, "HAVING"},
	{"SELECT (SELECT 1)", 9, "subqueries"},
	{"SELECT 1 FROM (SELECT 1) AS s", 15, "subqueries and parenthesized joins in FROM"},
	{"SELECT DISTINCT k FROM kv", 8, "SELECT DISTINCT"},
	{"SELECT 1 UNION SELECT 2", 10, "UNION"},
	{"SELECT 1 OFFSET 1", 10, "OFFSET"},
	{"SELECT 1 FROM kv LIMIT ALL", 24, "LIMIT ALL"},
	{"SELECT k FROM kv FOR SHARE", 22, "locking clauses other than FOR UPDATE"},
	{"SELECT k FROM kv FOR UPDATE SKIP LOCKED", 29, "SKIP LOCKED"},
	{"SELECT k FROM kv ORDER BY k NULLS FIRST", 29, "NULLS FIRST/LAST"},
	{"SELECT FROM kv", 8, "SELECT without a target list"},
	{"SELECT", 7, "SELECT without a target list"},
	{"SELECT k INTO t FROM kv", 10, "SELECT INTO"},
	{"SELECT k FROM postgres.public.kv", 30, "three-part table names"},
	{"SELECT k FROM ONLY kv", 15, "ONLY"},
	{"SELECT k LIKE 'a%' FROM kv", 10, "LIKE"},
	{"SELECT k FROM kv WHERE k IN ('a', 'b')", 26, "IN"},
	{"SELECT k FROM kv WHERE k NOT IN ('a')", 26, "NOT IN"},
	{"SELECT 1 BETWEEN 0 AND 2", 10, "BETWEEN"},
	{"SELECT CASE WHEN true THEN 1 END", 8, "CASE"},
	{"SELECT coalesce(v, 0) FROM kv", 8, "COALESCE(...)"},
	{"SELECT v = ANY ($1) FROM kv", 12, "ANY (...)"},
	{"SELECT 1 IS TRUE", 13, "IS TRUE"},
	{"SELECT ARRAY[1]", 8, "ARRAY"},
	{"SELECT $1[1]", 10, "subscripts on parameters"},
	{"SELECT (1, 2)", 10, "row constructors"},
	{"SELECT 1 ~ 2", 10, "the ~ operator"},
	{"SELECT |/ 4", 8, "the prefix |/ operator"},
	{"SELECT 2 ^ 3", 10, "the ^ operator"},
	{"SELECT interval '1 day'", 8, "typed literals"},
	{"SELECT date '2020-01-01'", 8, "typed literals"},
	{"SELECT 1::numeric(10, 2)", 18, "type modifiers"},
	{"SELECT 1::int[]", 14, "array types"},
	{"SELECT 'x' COLLATE \"C\"", 12, "COLLATE"},
	{"SELECT now() AT TIME ZONE 'UTC'", 14, "AT TIME ZONE"},
	{"SELECT current_date", 8, "CURRENT_DATE"},
	{"SELECT count(DISTINCT k) FROM kv", 14, "DISTINCT in function arguments"},
	{"SELECT f(x => 1)", 12, "named function arguments"},
	{"SELECT sum(v) OVER () FROM kv", 15, "window functions"},
	{"SELECT pg_catalog.now() OVER ()", 25, "window functions"},
	{"SELECT a.b.c FROM kv", 11, "names with more than two parts"},
	{"INSERT INTO kv SELECT 'a', 1", 16, "INSERT ... SELECT"},
	{"INSERT INTO kv OVERRIDING SYSTEM VALUE VALUES ('a', 1)", 16, "OVERRIDING"},
	{"INSERT INTO kv VALUES ('a', 1) ON CONFLICT ON CONSTRAINT kv_pkey DO NOTHING", 44, "ON CONFLICT ON CONSTRAINT"},
	{"INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) WHERE v > 0 DO NOTHING", 48, "ON CONFLICT (...) WHERE"},
	{"INSERT INTO kv VALUES ('a', 1) ON CONFLICT ((lower(k))) DO NOTHING", 45, "index expressions in ON CONFLICT"},
	{"INSERT INTO a.b.c VALUES ('a', 1)", 16, "three-part table names"},
	{"UPDATE kv SET (k, v) = ('a', 1)", 15, "SET (columns) = ..."},
	{"UPDATE kv SET v = 1 FROM activity", 21, "UPDATE ... FROM"},
	{"UPDATE ONLY kv SET v = 1", 8, "ONLY"},
	{"UPDATE kv SET v = 1 WHERE CURRENT OF c", 27, "WHERE CURRENT OF"},
	{"DELETE FROM kv USING activity", 16, "DELETE ... USING"},
	{"WITH t AS (SELECT 1) SELECT * FROM t", 1, "WITH statements"},
	{"VALUES (1)", 1, "VALUES statements"},
	{"TABLE kv", 1, "TABLE statements"},
	{"CREATE INDEX i ON kv (v)", 1, "CREATE INDEX"},
	{"EXPLAIN SELECT 1", 1, "EXPLAIN statements"},
	{"(SELECT 1)", 1, "parenthesized SELECT"},
	{"SAVEPOINT s", 1, "SAVEPOINT statements"},
	{"ROLLBACK TO SAVEPOINT s", 10, "ROLLBACK TO SAVEPOINT"},
	{"COMMIT AND CHAIN", 12, "AND CHAIN"},
	{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", 5, "SET TRANSACTION"},
	{"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", 5, "SET SESSION CHARACTERISTICS"},
	{"SET NAMES 'UTF8'", 5, "SET NAMES"},
	{"SET ROLE postgres", 5, "SET ROLE"},
	{"SET x FROM CURRENT", 7, "SET ... FROM CURRENT"},
	{"SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE", 15, "SET TIME ZONE INTERVAL"},
	{"SELECT 'é', ü FROM kv LEFT JOIN activity ON true", 23, "outer joins"},
	{"SELECT 1; SELECT 2 UNION SELECT 3", 20, "UNION"},
	{"SELECT 1 FROM kv WHERE é = 'ü' AND k LIKE 'x'", 38, "LIKE"},
}

func TestUnsupported(t *testing.T) {
	for _, tt := range unsupportedTests {
		checkError(t, tt.query, CodeFeatureNotSupported, tt.pos, "poolsim does not support this statement: "+tt.what)
	}
}
