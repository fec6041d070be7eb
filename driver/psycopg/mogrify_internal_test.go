package psycopg

import (
	"math"
	"math/big"
	"testing"

	"github.com/poolsim/poolsim/driver"
)

// TestMogrify: queries interpolated as psycopg2 2.9.5's cursor.mogrify
// interpolates them (each expected text was produced by the real
// psycopg2 against PostgreSQL 15 with standard_conforming_strings on).
func TestMogrify(t *testing.T) {
	c := &Conn{}
	big70 := new(big.Int).Lsh(big.NewInt(1), 70)
	cases := []struct {
		query string
		args  []any
		want  string
	}{
		{"SELECT %s, %s, %s, %s, %s, %s, %s, %s, %%", []any{"it's", nil, 1, -2, 1.5, -1e20, true, Tuple{1, "a"}},
			"SELECT 'it''s', NULL, 1,  -2, 1.5,  -1e+20, true, (1, 'a'), %"},
		{"SELECT %s, %s, %s, %s", []any{[]int{1, 2}, []any{}, []any{nil}, `a\b`},
			`SELECT ARRAY[1,2], '{}', '{NULL}', 'a\b'`},
		{"SELECT %s, %s, %s", []any{driver.Numeric("-1.50"), driver.Numeric("NaN"), math.NaN()},
			"SELECT  -1.50, 'NaN'::numeric, 'NaN'::float"},
		{"SELECT %(a)s, %(b)s %%", []any{Named{"a": 1, "b": "x"}}, "SELECT 1, 'x' %"},
		{"SELECT %%", []any{Named{}}, "SELECT %"},
		{"SELECT %(a)s %(a)s %(b)s", []any{Named{"a": 1, "b": nil, "c": 2}}, "SELECT 1 1 NULL"},
		{"SELECT %s", []any{"a\\b'c\n"}, "SELECT 'a\\b''c\n'"},
		{"SELECT %s", []any{[]any{[]any{}, []any{1}}}, "SELECT ARRAY[ARRAY[],ARRAY[1]]"},
		{"SELECT %s", []any{[]any{nil, nil}}, "SELECT '{NULL,NULL}'"},
		{"SELECT %s", []any{[]any{[]any{nil}, []any{}}}, "SELECT ARRAY['{NULL}',ARRAY[]]"},
		{"SELECT %s, %s", []any{[][]int{{1, 2}, {3, 4}}, [][]any{{nil}, {nil}}}, "SELECT ARRAY[ARRAY[1,2],ARRAY[3,4]], '{{NULL},{NULL}}'"},
		{"SELECT %s", []any{Tuple{1, Tuple{2, 3}, []int{4}, nil}}, "SELECT (1, (2, 3), ARRAY[4], NULL)"},
		{"SELECT %s, %s", []any{Tuple{}, Tuple{nil, "x"}}, "SELECT (), (NULL, 'x')"},
		{"SELECT %s, %s", []any{math.Copysign(0, -1), 1e301}, "SELECT  -0.0, 1e+301"},
		{"SELECT %s, %s, %s, %s, %s", []any{1e16, 1e15, 0.0001, 0.00001, 123456789.123456789},
			"SELECT 1e+16, 1000000000000000.0, 0.0001, 1e-05, 123456789.12345679"},
		{"SELECT %s", []any{big70}, "SELECT 1180591620717411303424"},
		{"SELECT %s", []any{"é"}, "SELECT 'é'"},
		{"SELECT %s, %s", []any{[]byte("hi"), []byte("\x00'")}, `SELECT '\x6869'::bytea, '\x0027'::bytea`},
		{"SELECT %s", []any{[]byte{}}, `SELECT '\x'::bytea`},
		{"SELECT 1", []any{5}, "SELECT 1"}, // no placeholder: sent as written
	}
	for _, tc := range cases {
		got, err := mogrify(c, tc.query, tc.args)
		if err != nil {
			t.Errorf("%q %v: %v", tc.query, tc.args, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%q %v:\n got %q\nwant %q", tc.query, tc.args, got, tc.want)
		}
	}
}

// TestMogrifyErrors: malformed queries and vars raise what psycopg2
// raises, down to the Python built-in exceptions.
func TestMogrifyErrors(t *testing.T) {
	c := &Conn{}
	cases := []struct {
		query      string
		args       []any
		class, msg string
	}{
		{"SELECT %s", []any{"a\x00b"}, "ValueError", "A string literal cannot contain NUL (0x00) characters."},
		{"SELECT %s, %s", []any{1}, "IndexError", "tuple index out of range"},
		{"SELECT %s", []any{1, 2}, "TypeError", "not all arguments converted during string formatting"},
		{"SELECT %s", []any{struct{}{}}, "psycopg2.ProgrammingError", "can't adapt type 'struct {}'"},
		{"SELECT %(a)s", []any{Named{}}, "KeyError", "'a'"},
		{"SELECT %(a)s %s", []any{Named{"a": 1}}, "psycopg2.ProgrammingError", "argument formats can't be mixed"},
		{"SELECT %(a", []any{Named{"a": 1}}, "psycopg2.ProgrammingError", "incomplete placeholder: '%(' without ')'"},
		{"SELECT %d", []any{1}, "ValueError", "unsupported format character 'd' (0x64) at index 8"},
		{"SELECT %x", []any{1}, "ValueError", "unsupported format character 'x' (0x78) at index 8"},
		{"SELECT %s", []any{Named{"a": 1}}, "TypeError", "dict is not a sequence"},
		{"SELECT %(a)s", []any{1}, "TypeError", "tuple indices must be integers or slices, not str"},
		{"SELECT %", []any{1}, "ValueError", "incomplete format"},
	}
	for _, tc := range cases {
		_, err := mogrify(c, tc.query, tc.args)
		e, ok := err.(*driver.Error)
		if !ok || e.Class != tc.class || e.Message != tc.msg {
			t.Errorf("%q %v: got %v, want %s: %s", tc.query, tc.args, err, tc.class, tc.msg)
		}
	}
}

// TestQuoteWithoutStandardStrings: with standard_conforming_strings off at
// connect time strings are written E'...' and backslashes are doubled.
func TestQuoteWithoutStandardStrings(t *testing.T) {
	c := &Conn{equote: true}
	got, err := quote(c, `a\b'c`)
	if err != nil || got != `E'a\b''c'` { // no PGconn: escaping follows the fallback (on)
		t.Errorf("got %q, %v", got, err)
	}
	var b = new(stringsBuilder)
	escapeString(&b.Builder, `a\b'c`, false)
	if b.String() != `a\\b''c` {
		t.Errorf("escape without standard strings: %q", b.String())
	}
}
