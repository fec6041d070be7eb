package sqlparse

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that every error is an *Error
// with a known code and a position inside the query (or just past its end),
// and that statement spans are ordered and inside the query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT k, v FROM kv WHERE k = $1 ORDER BY v DESC LIMIT 10 FOR UPDATE",
		"INSERT INTO kv (k, v) VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v RETURNING *",
		"UPDATE kv SET v = v + 1 WHERE k = 'é' RETURNING v; DELETE FROM kv t WHERE t.k IS NULL",
		"BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY; COMMIT; SET TIME ZONE 'UTC'; SHOW ALL; RESET x.y",
		"SELECT CAST($1 AS double precision) :: text || 'x''y' FROM kv /* a /* b */ */ -- c",
		"SELECT 'unterminated",
		"SELECT $$dollar$$, E'\\n\\u00e9\\xC3\\251', B'01', U&\"x\", 1e+, 1..2, (((1)))",
		"CREATE TABLE IF NOT EXISTS public.t (id serial PRIMARY KEY, n varchar(10) NOT NULL DEFAULT 'x' UNIQUE, CONSTRAINT c UNIQUE (n, id)); DROP TABLE IF EXISTS a, b CASCADE",
		"SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid, kv CROSS JOIN activity a WHERE pg_catalog.pg_table_is_visible(t.oid) AND current_user = session_user",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		stmts, err := Parse(query)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			switch e.Code {
			case CodeSyntaxError, CodeFeatureNotSupported, CodeInvalidEscapeSequence:
			case CodeCharacterNotInRepertoire:
				if e.Position != 0 {
					t.Fatalf("position %d for %s", e.Position, e.Message)
				}
				return
			default:
				t.Fatalf("unexpected code %q", e.Code)
			}
			if e.Position < 1 || e.Position > utf8.RuneCountInString(query)+1 {
				t.Fatalf("position %d outside the query (%d characters)", e.Position, utf8.RuneCountInString(query))
			}
			if stmts != nil {
				t.Fatalf("statements returned with an error")
			}
			return
		}
		if stmts == nil {
			t.Fatal("nil slice without an error")
		}
		last := 0
		for _, s := range stmts {
			start, end := s.Span()
			if start < last || end < start || end > len(query) {
				t.Fatalf("span [%d:%d] after %d in a %d-byte query", start, end, last, len(query))
			}
			last = end
		}
	})
}
