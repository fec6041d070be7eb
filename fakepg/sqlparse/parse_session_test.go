package sqlparse

import (
	"strings"
	"testing"
)

// sessionValidTests are statements of cursors and prepared statements that
// PostgreSQL 15 accepts (checked against a real server), with their parse.
var sessionValidTests = []struct {
	query, want string
}{
	{`DECLARE "c_1" CURSOR WITHOUT HOLD FOR SELECT k FROM kv`,
		`DECLARE c_1@9 FOR SELECT k@46 FROM kv@53 [38:54] [0:54]`},
	{"declare c binary insensitive no scroll cursor with hold for select 1 for update",
		`DECLARE c@9 BINARY INSENSITIVE NO SCROLL HOLD FOR SELECT 1@68 FOR UPDATE [60:79] [0:79]`},
	{"DECLARE next SCROLL ASENSITIVE SCROLL CURSOR FOR SELECT $1",
		`DECLARE next@9 ASENSITIVE SCROLL FOR SELECT $1@57 [49:58] [0:58]`},
	{"FETCH c", `FETCH FORWARD 1 c@7 [0:7]`},
	{"FETCH next", `FETCH FORWARD 1 next@7 [0:10]`},
	{"FETCH absolute", `FETCH FORWARD 1 absolute@7 [0:14]`},
	{"FETCH next next", `FETCH FORWARD 1 next@12 [0:15]`},
	{"FETCH FROM c", `FETCH FORWARD 1 c@12 [0:12]`},
	{"FETCH IN c", `FETCH FORWARD 1 c@10 [0:10]`},
	{"FETCH PRIOR c", `FETCH BACKWARD 1 c@13 [0:13]`},
	{"FETCH FIRST IN c", `FETCH ABSOLUTE 1 c@16 [0:16]`},
	{"FETCH LAST c", `FETCH ABSOLUTE -1 c@12 [0:12]`},
	{"FETCH ABSOLUTE -3 FROM c", `FETCH ABSOLUTE -3 c@24 [0:24]`},
	{"MOVE RELATIVE +2 c", `MOVE RELATIVE 2 c@18 [0:18]`},
	{"FETCH 5 c", `FETCH FORWARD 5 c@9 [0:9]`},
	{"FETCH -5 c", `FETCH FORWARD -5 c@10 [0:10]`},
	{"FETCH ALL FROM c", `FETCH FORWARD ALL c@16 [0:16]`},
	{`FETCH FORWARD 2000 FROM "c_7f"`, `FETCH FORWARD 2000 c_7f@25 [0:30]`},
	{"FETCH FORWARD c", `FETCH FORWARD 1 c@15 [0:15]`},
	{"FETCH FORWARD ALL IN c", `FETCH FORWARD ALL c@22 [0:22]`},
	{"MOVE BACKWARD ALL c", `MOVE BACKWARD ALL c@19 [0:19]`},
	{"MOVE BACKWARD 2147483647 c", `MOVE BACKWARD 2147483647 c@26 [0:26]`},
	{"MOVE 0 c; CLOSE c; CLOSE all", `MOVE FORWARD 0 c@8 [0:8]; CLOSE c@17 [10:17]; CLOSE ALL [19:28]`},
	{"PREPARE p AS SELECT 1", `PREPARE p@9 AS SELECT 1@21 [13:21] [0:21]`},
	{"PREPARE p (int, text, double precision) AS INSERT INTO kv VALUES ($2, $1)",
		`PREPARE p@9 (int@12, text@17, double precision@23) AS INSERT INTO kv@56 VALUES ($2@67, $1@71) [43:73] [0:73]`},
	{"PREPARE u AS UPDATE kv SET v = $1", `PREPARE u@9 AS UPDATE kv@21 SET v@28 = $1@32 [13:33] [0:33]`},
	{"PREPARE d AS DELETE FROM kv", `PREPARE d@9 AS DELETE FROM kv@26 [13:27] [0:27]`},
	{"EXECUTE p", `EXECUTE p@9 [0:9]`},
	{"EXECUTE p (1, 'a' || 'b')", `EXECUTE p@9 (1@12, (||@19 'a'@15 'b'@22)) [0:25]`},
	{"DEALLOCATE p; DEALLOCATE PREPARE p; DEALLOCATE prepare; DEALLOCATE ALL; DEALLOCATE PREPARE ALL",
		`DEALLOCATE p@12 [0:12]; DEALLOCATE p@34 [14:34]; DEALLOCATE prepare@48 [36:54]; DEALLOCATE ALL [56:70]; DEALLOCATE ALL [72:94]`},
}

func TestParseSessionStatements(t *testing.T) {
	for _, tt := range sessionValidTests {
		stmts, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if got := formatStmts(stmts); got != tt.want {
			t.Errorf("Parse(%q):\ngot  %s\nwant %s", tt.query, got, tt.want)
		}
	}
}

// sessionSyntaxErrorTests are statements PostgreSQL 15.18 rejects with a
// syntax error (42601), with the position and message it reports.
var sessionSyntaxErrorTests = []struct {
	query   string
	pos     int
	message string
}{
	{"DECLARE c CURSOR", 17, "syntax error at end of input"},
	{"DECLARE c CURSOR;", 17, `syntax error at or near ";"`},
	{"DECLARE c CURSOR WITH", 22, "syntax error at end of input"},
	{"DECLARE c CURSOR WITHOUT HOLD", 30, "syntax error at end of input"},
	{"DECLARE c NO CURSOR FOR SELECT 1", 14, `syntax error at or near "CURSOR"`},
	{"DECLARE all CURSOR FOR SELECT 1", 9, `syntax error at or near "all"`},
	{"DECLARE c CURSOR FOR INSERT INTO kv VALUES ('z', 1)", 22, `syntax error at or near "INSERT"`},
	{"DECLARE c CURSOR WITH HOLD FOR SELECT * FROM kv FOR UPDATE WITH", 60, `syntax error at or near "WITH"`},
	{"FETCH", 6, "syntax error at end of input"},
	{"FETCH all", 10, "syntax error at end of input"},
	{"FETCH FROM", 11, "syntax error at end of input"},
	{"FETCH FORWARD ALL", 18, "syntax error at end of input"},
	{"FETCH 1.5 c", 7, `syntax error at or near "1.5"`},
	{"FETCH - c", 9, `syntax error at or near "c"`},
	{"FETCH 3000000000 c", 7, `syntax error at or near "3000000000"`},
	{"FETCH -2147483648 c", 8, `syntax error at or near "2147483648"`},
	{"FETCH absolute c", 16, `syntax error at or near "c"`},
	{"FETCH last from", 16, "syntax error at end of input"},
	{"CLOSE", 6, "syntax error at end of input"},
	{"CLOSE ALL ALL", 11, `syntax error at or near "ALL"`},
	{"CLOSE c c", 9, `syntax error at or near "c"`},
	{"PREPARE p", 10, "syntax error at end of input"},
	{"PREPARE p AS", 13, "syntax error at end of input"},
	{"PREPARE p () AS SELECT 1", 12, `syntax error at or near ")"`},
	{"PREPARE p (int,) AS SELECT 1", 16, `syntax error at or near ")"`},
	{"PREPARE p (int) SELECT 1", 17, `syntax error at or near "SELECT"`},
	{"PREPARE all AS SELECT 1", 9, `syntax error at or near "all"`},
	{"PREPARE s AS SHOW work_mem", 14, `syntax error at or near "SHOW"`},
	{"PREPARE d AS DECLARE c CURSOR FOR SELECT 1", 14, `syntax error at or near "DECLARE"`},
	{"PREPARE x AS EXECUTE u('a')", 14, `syntax error at or near "EXECUTE"`},
	{"EXECUTE", 8, "syntax error at end of input"},
	{"EXECUTE p()", 11, `syntax error at or near ")"`},
	{"EXECUTE p(1,)", 13, `syntax error at or near ")"`},
	{"EXECUTE p 1", 11, `syntax error at or near "1"`},
	{"DEALLOCATE", 11, "syntax error at end of input"},
	{"DEALLOCATE ALL x", 16, `syntax error at or near "x"`},
	{`DECLARE "" CURSOR FOR SELECT 1`, 9, `zero-length delimited identifier at or near """"`},
}

func TestSessionSyntaxErrors(t *testing.T) {
	for _, tt := range sessionSyntaxErrorTests {
		checkError(t, tt.query, CodeSyntaxError, tt.pos, tt.message)
	}
}

// sessionUnsupportedTests are statements PostgreSQL 15 parses that this
// parser does not support.
var sessionUnsupportedTests = []struct {
	query string
	pos   int
	what  string
}{
	{"DECLARE c CURSOR FOR VALUES (1)", 22, "VALUES statements"},
	{"DECLARE c CURSOR FOR (SELECT 1)", 22, "parenthesized SELECT"},
	{"DECLARE c CURSOR FOR WITH x AS (SELECT 1) SELECT 1", 22, "WITH statements"},
	{"DECLARE c CURSOR FOR TABLE kv", 22, "TABLE statements"},
	{"DECLARE c CURSOR FOR SELECT k FROM kv LEFT JOIN activity ON true", 39, "outer joins"},
	{"PREPARE p AS VALUES (1)", 14, "VALUES statements"},
	{"PREPARE p AS (SELECT 1)", 14, "parenthesized SELECT"},
	{"PREPARE p (int[]) AS SELECT 1", 15, "array types"},
	{"PREPARE p AS MERGE INTO kv USING activity ON true WHEN MATCHED THEN DELETE", 14, "MERGE statements"},
}

func TestSessionUnsupported(t *testing.T) {
	for _, tt := range sessionUnsupportedTests {
		checkError(t, tt.query, CodeFeatureNotSupported, tt.pos, "poolsim does not support this statement: "+tt.what)
	}
}

// TestSessionDeepNesting checks that the statements around a query or
// parameter list put PostgreSQL's parser stack as deep as the server does:
// the nesting at which "memory exhausted" starts was taken from
// PostgreSQL 15.18.
func TestSessionDeepNesting(t *testing.T) {
	nest := func(prefix string, n int, suffix string) string {
		return prefix + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + suffix
	}
	for _, tt := range []struct {
		query string
		pos   int // 0 if PostgreSQL parses the query
	}{
		{nest("DECLARE c CURSOR FOR SELECT ", 9987, ""), 0},
		{nest("DECLARE c CURSOR FOR SELECT ", 9988, ""), 10018},
		{nest("PREPARE p AS SELECT ", 9989, ""), 0},
		{nest("PREPARE p AS SELECT ", 9990, ""), 10012},
		{nest("EXECUTE p (", 9992, ")"), 0},
		{nest("EXECUTE p (", 9993, ")"), 10006},
		{nest("EXECUTE p (1, ", 9990, ")"), 0},
		{nest("EXECUTE p (1, ", 9991, ")"), 10007},
	} {
		if tt.pos == 0 {
			if _, err := Parse(tt.query); err != nil {
				t.Errorf("Parse(%.40q...): %v", tt.query, err)
			}
			continue
		}
		checkError(t, tt.query, CodeSyntaxError, tt.pos, `memory exhausted at or near ")"`)
	}
}
