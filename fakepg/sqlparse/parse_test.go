package sqlparse

import (
	"errors"
	"testing"
)

// validTests pair queries with their parse, printed by formatStmts (see
// format_test.go): every node carries its 1-based character position after
// @ and every statement its byte span in brackets. PostgreSQL 15 accepts
// each of these queries (checked against a real server, where errors such
// as "column does not exist" confirmed the positions of several nodes).
var validTests = []struct {
	query, want string
}{
	{"SELECT 1",
		`SELECT 1@8 [0:8]`},
	{"select k, v from kv where k = $1",
		`SELECT k@8, v@11 FROM kv@18 WHERE (=@29 k@27 $1@31) [0:32]`},
	{"SELECT * FROM kv",
		`SELECT *@8 FROM kv@15 [0:16]`},
	{"SELECT kv.*, * FROM kv",
		`SELECT kv.*@8, *@14 FROM kv@21 [0:22]`},
	{"SELECT k AS key, v val FROM kv AS t WHERE t.v > 10 ORDER BY v DESC, k ASC, 1 LIMIT 5 FOR UPDATE",
		`SELECT k@8 AS key@13, v@18 AS val@20 FROM kv@29 AS t@35 WHERE (>@47 t.v@43 10@49) ORDER BY v@61 DESC, k@69, 1@76 LIMIT 5@84 FOR UPDATE [0:95]`},
	{"SELECT k FROM kv k2 FOR UPDATE LIMIT $1",
		`SELECT k@8 FROM kv@15 AS k2@18 LIMIT $1@38 FOR UPDATE [0:39]`},
	{"SELECT k FROM kv WHERE k IN ('a', $1) AND v NOT IN (1) IN (true) ORDER BY v NULLS FIRST, k DESC NULLS LAST",
		`SELECT k@8 FROM kv@15 WHERE (AND@39 (IN@26 k@24 ('a'@30, $1@35)) (IN@56 (NOT IN@45 v@43 (1@53)) (TRUE@60))) ORDER BY v@75 NULLS FIRST, k@90 DESC NULLS LAST [0:106]`},
	{"SELECT coalesce(v, 0), GREATEST(1, 2.5, -3), least(k), current_timestamp, \"coalesce\"(1) FROM kv",
		`SELECT COALESCE(v@17, 0@20)@8, GREATEST(1@33, 2.5(f)@36, -3@41)@24, LEAST(k@52)@46, CURRENT_TIMESTAMP@56, coalesce(1@86)@75 FROM kv@94 [0:95]`},
	{"SELECT count(*), coalesce_(v, 0), now(), \"Lower\"(k) FROM kv",
		`SELECT count(*)@8, coalesce_(v@28, 0@31)@18, now()@35, Lower(k@50)@42 FROM kv@58 [0:59]`},
	{"SELECT 1 + 2 * 3 - 4 / 2 % 3",
		`SELECT (-@18 (+@10 1@8 (*@14 2@12 3@16)) (%@26 (/@22 4@20 2@24) 3@28)) [0:28]`},
	{"SELECT (1 + 2) * 3, 1 - (2 - 3), -(4), - -5, -x, +y",
		`SELECT (*@16 (+@11 1@9 2@13) 3@18){target@8}, (-@23 1@21 (-@28 2@26 3@30)), -4@34, 5@40, (-@46 x@47), (+@50 y@51) [0:51]`},
	{"SELECT 'a' || 'b' || k, 1 + 2 || 'x', 'x' || 1 = 'x1'",
		`SELECT (||@19 (||@12 'a'@8 'b'@15) k@22), (||@31 (+@27 1@25 2@29) 'x'@34), (=@48 (||@43 'x'@39 1@46) 'x1'@50) [0:53]`},
	{"SELECT $1::bigint, CAST($2 AS text), 1::double precision, 'x'::character varying, x::int::text",
		`SELECT (::bigint@10 $1@8), (::text@20 $2@25){target@20}, (::double precision@39 1@38), (::character varying@62 'x'@59), (::text@89 (::int@84 x@83)) [0:94]`},
	{"SELECT $1::timestamp with time zone, $1::TIME WITHOUT TIME ZONE, $1::national char varying, $1::\"Int8\", $1::bit varying",
		`SELECT (::timestamp with time zone@10 $1@8), (::time without time zone@40 $1@38), (::national char varying@68 $1@66), (::Int8@95 $1@93), (::bit varying@107 $1@105) [0:119]`},
	{"SELECT -1::text, -1.5e3, -9223372036854775808, 00012, .5, 1.e3",
		`SELECT (-@8 (::text@10 1@9)), -1.5e3(f)@18, -9223372036854775808@26, 00012@48, .5(f)@55, 1.e3(f)@59 [0:62]`},
	{"SELECT v IS NULL, v IS NOT NULL, v ISNULL, v NOTNULL FROM kv",
		`SELECT (IS NULL@10 v@8), (IS NOT NULL@21 v@19), (IS NULL@36 v@34), (IS NOT NULL@46 v@44) FROM kv@59 [0:60]`},
	{"SELECT NOT a AND b OR c AND NOT d",
		`SELECT (OR@20 (AND@14 (NOT@8 a@12) b@18) (AND@25 c@23 (NOT@29 d@33))) [0:33]`},
	{"SELECT a = b IS NULL, a IS NULL = b, NOT a = b, a = NOT b",
		`SELECT (IS NULL@14 (=@10 a@8 b@12)), (=@33 (IS NULL@25 a@23) b@35), (NOT@38 (=@44 a@42 b@46)), (=@51 a@49 (NOT@53 b@57)) [0:57]`},
	{"SELECT a < b AND c >= d OR e <> f AND g != h AND i <= j",
		`SELECT (OR@25 (AND@14 (<@10 a@8 b@12) (>=@20 c@18 d@23)) (AND@46 (AND@35 (<>@30 e@28 f@33) (<>@41 g@39 h@44)) (<=@52 i@50 j@55))) [0:55]`},
	{"SELECT 1 AS select, 2 AS \"Mixed \"\"Case\"\"\", 3 x, 4 AS from",
		`SELECT 1@8 AS select@13, 2@21 AS Mixed "Case"@26, 3@44 AS x@46, 4@49 AS from@54 [0:57]`},
	{"SELECT 1 and, 2 like, 3 is, 4 not FROM kv",
		`SELECT 1@8 AS and@10, 2@15 AS like@17, 3@23 AS is@25, 4@29 AS not@31 FROM kv@40 [0:41]`},
	{"SELECT k FROM kv WHERE k = 'it''s'",
		`SELECT k@8 FROM kv@15 WHERE (=@26 k@24 'it''s'@28) [0:34]`},
	{"SELECT 'a'\n  'b' -- c\n  'c', $$d'd$$, $t$e$$e$t$",
		`SELECT 'abc'@8, 'd''d'@30, 'e$$e'@39 [0:48]`},
	{"SELECT EXCLUDED.v, \"T\".x, kv.select FROM kv",
		`SELECT excluded.v@8, T.x@20, kv.select@27 FROM kv@42 [0:43]`},
	{"SELECT \"ÉtÉ\", é FROM kv WHERE é = 'ü'",
		`SELECT ÉtÉ@8, é@15 FROM kv@22 WHERE (=@33 é@31 'ü'@35) [0:42]`},
	{"SELECT FOO, \"FOO\", Foo_Bar$1 FROM Kv",
		`SELECT foo@8, FOO@13, foo_bar$1@20 FROM kv@35 [0:36]`},
	{"INSERT INTO kv VALUES ('a', 1)",
		`INSERT INTO kv@13 VALUES ('a'@24, 1@29) [0:30]`},
	{"INSERT INTO kv (k, v) VALUES ('a', 1), ('b', 2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v + kv.v WHERE kv.v < 10 RETURNING k, v AS value",
		`INSERT INTO kv@13 (k@17, v@20) VALUES ('a'@31, 1@36), ('b'@41, 2@46) ON@49 CONFLICT (k@62) DO UPDATE SET v@79 = (+@94 excluded.v@83 kv.v@96) WHERE (<@112 kv.v@107 10@114) RETURNING k@127, v@130 AS value@135 [0:139]`},
	{"INSERT INTO kv AS t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING RETURNING *",
		`INSERT INTO kv@13 AS t@19 (k@22, v@25) VALUES ($1@36, $2@40) ON@44 CONFLICT (k@57) DO NOTHING RETURNING *@81 [0:81]`},
	{"INSERT INTO kv VALUES ('a', 1) ON CONFLICT DO NOTHING",
		`INSERT INTO kv@13 VALUES ('a'@24, 1@29) ON@32 CONFLICT DO NOTHING [0:53]`},
	{"INSERT INTO kv VALUES ('a', 1) ON CONFLICT DO UPDATE SET v = 2",
		`INSERT INTO kv@13 VALUES ('a'@24, 1@29) ON@32 CONFLICT DO UPDATE SET v@58 = 2@62 [0:62]`},
	{"UPDATE kv SET v = v + 1 WHERE k = 'a' RETURNING v",
		`UPDATE kv@8 SET v@15 = (+@21 v@19 1@23) WHERE (=@33 k@31 'a'@35) RETURNING v@49 [0:49]`},
	{"UPDATE kv AS t SET v = 1, k = 'b'",
		`UPDATE kv@8 AS t@14 SET v@20 = 1@24, k@27 = 'b'@31 [0:33]`},
	{"UPDATE kv t SET v = DEFAULT_",
		`UPDATE kv@8 AS t@11 SET v@17 = default_@21 [0:28]`},
	{"DELETE FROM kv WHERE k = 'a' RETURNING *, k",
		`DELETE FROM kv@13 WHERE (=@24 k@22 'a'@26) RETURNING *@40, k@43 [0:43]`},
	{"DELETE FROM kv t",
		`DELETE FROM kv@13 AS t@16 [0:16]`},
	{"DELETE FROM kv AS set",
		`DELETE FROM kv@13 AS set@19 [0:21]`},
	{"BEGIN",
		`BEGIN [0:5]`},
	{"begin work",
		`BEGIN [0:10]`},
	{"BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY DEFERRABLE",
		`BEGIN <isolation level serializable> <read only> <deferrable> [0:68]`},
	{"START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ WRITE, NOT DEFERRABLE, isolation level read committed, ISOLATION LEVEL READ UNCOMMITTED",
		`START <isolation level repeatable read> <read write> <not deferrable> <isolation level read committed> <isolation level read uncommitted> [0:142]`},
	{"COMMIT; COMMIT WORK; END TRANSACTION; ROLLBACK WORK; ABORT; ROLLBACK AND NO CHAIN; END",
		`COMMIT [0:6]; COMMIT [8:19]; COMMIT [21:36]; ROLLBACK [38:51]; ROLLBACK [53:58]; ROLLBACK [60:81]; COMMIT [83:86]`},
	{"SELECT k FROM kv FOR SHARE; SELECT k FROM kv FOR NO KEY UPDATE NOWAIT; SELECT k FROM kv FOR UPDATE SKIP LOCKED LIMIT 1",
		`SELECT k@8 FROM kv@15 FOR SHARE [0:26]; SELECT k@36 FROM kv@43 FOR NO KEY UPDATE NOWAIT [28:69]; SELECT k@79 FROM kv@86 LIMIT 1@118 FOR UPDATE SKIP LOCKED [71:118]`},
	{"SAVEPOINT a; RELEASE SAVEPOINT a; RELEASE \"B\"; RELEASE savepoint; ROLLBACK TO a; ROLLBACK WORK TO SAVEPOINT savepoint; ROLLBACK TRANSACTION TO x",
		`SAVEPOINT a [0:11]; RELEASE a [13:32]; RELEASE B [34:45]; RELEASE savepoint [47:64]; ROLLBACK TO a [66:79]; ROLLBACK TO savepoint [81:117]; ROLLBACK TO x [119:144]`},
	{"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; SET LOCAL TRANSACTION DEFERRABLE",
		`SET TRANSACTION <isolation level repeatable read> <read only> [0:58]; SET SESSION CHARACTERISTICS TRANSACTION <read write> [60:113]; SET LOCAL TRANSACTION <deferrable> [115:147]`},
	{"SET search_path TO public, \"$user\"",
		`SET search_path = <public> <$user> [0:34]`},
	{"SET LOCAL statement_timeout = 100",
		`SET LOCAL statement_timeout = <100> [0:33]`},
	{"SET SESSION my.var = 'x'",
		`SET my.var = <x> [0:24]`},
	{"set a.b.c to on, off, true, FALSE, 007, -007, +1.50, -1.5, 2147483648, -2147483648, ident, \"Quoted\", int, left, $$d$$",
		`SET a.b.c = <on> <off> <true> <false> <7> <-7> <1.50> <-1.5> <2147483648> <-2147483648> <ident> <Quoted> <int> <left> <d> [0:117]`},
	{"SET TIME ZONE 'UTC'",
		`SET timezone = <UTC> [0:19]`},
	{"SET LOCAL TIME ZONE LOCAL",
		`SET LOCAL timezone = DEFAULT [0:25]`},
	{"SET TIME ZONE -5",
		`SET timezone = <-5> [0:16]`},
	{"SET TIME ZONE DEFAULT",
		`SET timezone = DEFAULT [0:21]`},
	{"SET TIME ZONE \"Europe/Paris\"",
		`SET timezone = <Europe/Paris> [0:28]`},
	{"SET application_name TO DEFAULT",
		`SET application_name = DEFAULT [0:31]`},
	{"SET application_name = DEFAULT",
		`SET application_name = DEFAULT [0:30]`},
	{"SET local TO 1; SET session = 2; SET time TO 3; SET transaction.x = 4",
		`SET local = <1> [0:14]; SET session = <2> [16:31]; SET time = <3> [33:46]; SET transaction.x = <4> [48:69]`},
	{"SHOW ALL; SHOW TIME ZONE; SHOW search_path; SHOW a.b; show \"ALL\"; SHOW TRANSACTION ISOLATION LEVEL; SHOW SESSION AUTHORIZATION; SHOW time",
		`SHOW all [0:8]; SHOW timezone [10:24]; SHOW search_path [26:42]; SHOW a.b [44:52]; SHOW ALL [54:64]; SHOW transaction_isolation [66:98]; SHOW session_authorization [100:126]; SHOW time [128:137]`},
	{"RESET ALL; RESET statement_timeout; RESET TIME ZONE; RESET transaction isolation level; RESET session authorization",
		`RESET all [0:9]; RESET statement_timeout [11:34]; RESET timezone [36:51]; RESET transaction_isolation [53:86]; RESET session_authorization [88:115]`},
	{";;; ; -- nothing",
		``},
	{"SELECT 1; SELECT 2;",
		`SELECT 1@8 [0:8]; SELECT 2@18 [10:18]`},
	{"  SELECT 1 /* c */ ; /* x */ SELECT 2 -- y",
		`SELECT 1@10 [2:10]; SELECT 2@37 [29:37]`},
	{"/* comment /* nested */ */ SELECT 1",
		`SELECT 1@35 [27:35]`},
	{"SELECT 'é' || 'ü', é FROM kv WHERE é = $1",
		`SELECT (||@12 'é'@8 'ü'@15), é@20 FROM kv@27 WHERE (=@38 é@36 $1@40) [0:45]`},
	{"SELECT E'a\\tb\\'c\\u00e9\\xC3\\xA9\\101'\n'\\n', E'\\uD83D\\uDE00'",
		"SELECT 'a\tb''cééA\n'@8, '\U0001F600'@43 [0:57]"},
	{"", ``},
	{"   \n\t", ``},
	{" ; -- x", ``},
	{"/* only a comment */", ``},
	{"SELECT 1 FROM kv AS t WHERE NOT (k = 'a')", `SELECT 1@8 FROM kv@15 AS t@21 WHERE (NOT@29 (=@36 k@34 'a'@38)) [0:41]`},
}

func TestParseValid(t *testing.T) {
	for _, tt := range validTests {
		stmts, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if stmts == nil {
			t.Errorf("Parse(%q) returned a nil slice", tt.query)
		}
		if got := formatStmts(stmts); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}

// TestParseValues checks details the printer does not show.
func TestParseValues(t *testing.T) {
	stmts, err := Parse("SELECT 'a''b', $2, 1.5, 12, NULL, true FROM kv")
	if err != nil {
		t.Fatal(err)
	}
	targets := stmts[0].(*SelectStmt).Targets
	want := []Const{
		{Kind: ConstString, Text: "a'b", P: 8},
		{}, // $2
		{Kind: ConstFloat, Text: "1.5", P: 20},
		{Kind: ConstInt, Text: "12", P: 25},
		{Kind: ConstNull, Text: "", P: 29},
		{Kind: ConstBool, Text: "true", P: 35},
	}
	for i, w := range want {
		if i == 1 {
			if p, ok := targets[i].Expr.(*Param); !ok || p.N != 2 || p.P != 16 {
				t.Errorf("target 1 = %#v, want $2 at 16", targets[i].Expr)
			}
			continue
		}
		if c, ok := targets[i].Expr.(*Const); !ok || *c != w {
			t.Errorf("target %d = %#v, want %#v", i, targets[i].Expr, w)
		}
	}
}

// TestLongIdentifier checks that identifiers are truncated to 63 bytes
// without splitting a character, as PostgreSQL does.
func TestLongIdentifier(t *testing.T) {
	long := "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "ab" // 62 bytes
	stmts, err := Parse("SELECT " + long + "éé, \"" + long + "X\"")
	if err != nil {
		t.Fatal(err)
	}
	targets := stmts[0].(*SelectStmt).Targets
	if got := targets[0].Expr.(*ColumnRef).Column; got != long {
		t.Errorf("unquoted: got %q (%d bytes), want the first 62 bytes", got, len(got))
	}
	if got := targets[1].Expr.(*ColumnRef).Column; got != long+"X" {
		t.Errorf("quoted: got %q, want %q", got, long+"X")
	}
}

func TestParseErrorType(t *testing.T) {
	stmts, err := Parse("SELECT 1 FROM")
	if stmts != nil {
		t.Errorf("Parse returned statements with an error: %v", stmts)
	}
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not *Error", err)
	}
	if pe.Error() != pe.Message || pe.Message != "syntax error at end of input" {
		t.Errorf("Error() = %q, Message = %q", pe.Error(), pe.Message)
	}
}
