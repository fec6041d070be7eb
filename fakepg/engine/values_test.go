package engine

import (
	"strings"
	"testing"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
	"github.com/poolsim/poolsim/sim"
)

// The expected values of these tests are PostgreSQL 15's answers to the
// same statements (the differential tests in package fakepg compare them
// with a real server).

// execAll runs each statement in a fresh session of a simulated world and
// checks the rendered outcome.
func execAll(t *testing.T, cases [][2]string) {
	t.Helper()
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			for _, c := range cases {
				if got := exec(s, c[0]); got != c[1] {
					t.Errorf("%s\n got  %s\n want %s", c[0], got, c[1])
				}
			}
		})
	})
}

func TestIntegerRanges(t *testing.T) {
	execAll(t, [][2]string{
		{"INSERT INTO kv VALUES ('e', 9223372036854775808)", "ERROR 22003 bigint out of range"},
		{"INSERT INTO kv VALUES ('e', '9223372036854775808')", `ERROR 22003 value "9223372036854775808" is out of range for type bigint`},
		{"INSERT INTO kv VALUES ('e', 1.5), ('f', -2.5), ('g', 2.5::float8)", "INSERT 0 3"},
		{"SELECT v FROM kv ORDER BY k", "2; -3; 2; SELECT 3"},
		{"SELECT 32767::int2 + 1::int2", "ERROR 22003 smallint out of range"},
		{"SELECT 32768::int2", "ERROR 22003 smallint out of range"},
		{"SELECT -2147483648 * -1", "ERROR 22003 integer out of range"},
		{"SELECT (-9223372036854775808)::int8 / -1", "ERROR 22003 bigint out of range"},
		{"SELECT (-2147483648) % -1, 7 / 2, -7 / 2, -7 % 3, 100::int2 * 1000", "0|3|-3|-1|100000; SELECT 1"},
		{"SELECT -(-9223372036854775808)::int8", "ERROR 22003 bigint out of range"},
		{"SELECT 1 % 0", "ERROR 22012 division by zero"},
		{"SELECT ' 42 '::int4, '+7'::int8", "42|7; SELECT 1"},
		{"SELECT '2147483648x'::int4", `ERROR 22P02 invalid input syntax for type integer: "2147483648x"`},
		{"SELECT '99999999999x'::int4", `ERROR 22003 value "99999999999x" is out of range for type integer`},
		{"SELECT 'NaN'::numeric::int4", "ERROR 0A000 cannot convert NaN to integer"},
		{"SELECT 'NaN'::float8::int8", "ERROR 22003 bigint out of range"},
		{"SELECT 1::int8::bool", "ERROR 42846 cannot cast type bigint to boolean"},
	})
}

func TestNumericScales(t *testing.T) {
	execAll(t, [][2]string{
		{"SELECT 1e3, 1.5 * 2, 0.1 + 0.2, 1/3.0, 1.50e1, 1e-3, -0.0, 1e-20", "1000|3.0|0.3|0.33333333333333333333|15.0|0.001|0.0|0.00000000000000000001; SELECT 1"},
		{"SELECT 10 / 4, 10.0 / 4, 1 / 7.000000000, 123456789.123 / 0.001, 1e20 / 3", "2|2.5000000000000000|0.14285714285714285714|123456789123.00000000|33333333333333333333; SELECT 1"},
		{"SELECT 5.5 % 2, -7.5 % 2, 7 % -2.25, 1.5 % 0.7", "1.5|-1.5|0.25|0.1; SELECT 1"},
		{"SELECT 12345678901234567890123456789 * 98765432109876543210", "1219326311370217952249657064223746380111126352690; SELECT 1"},
		{"SELECT 5.0 % 0", "ERROR 22012 division by zero"},
		{"SELECT 1e200000", "ERROR 22003 value overflows numeric format"},
		{"SELECT '1e-20000'::numeric", "ERROR 22003 value overflows numeric format"},
		{"SELECT ' 12.50 '::numeric, '.5'::numeric, '5.'::numeric, '-0.00'::numeric, '1e 5'::numeric", "12.50|0.5|5|0.00|100000; SELECT 1"},
		{"SELECT '1.2.3'::numeric", `ERROR 22P02 invalid input syntax for type numeric: "1.2.3"`},
		{"SELECT 'inf'::numeric - 'inf'::numeric, 'inf'::numeric * 0, 1 / 'inf'::numeric, -'inf'::numeric * -2, 2 % 'inf'::numeric", "NaN|NaN|0|Infinity|2; SELECT 1"},
		{"SELECT 'inf'::numeric / 0", "ERROR 22012 division by zero"},
		{"SELECT 'NaN'::numeric / 0, 1.0 = 1.00, 'NaN'::numeric > 'Infinity'::numeric", "NaN|t|t; SELECT 1"},
		{"SELECT round(2.5), round(-2.5), round(1234.5678, 2), round(1234.5, -2), round(1.5, 3)", "3|-3|1234.57|1200|1.500; SELECT 1"},
	})
}

func TestFloat8Format(t *testing.T) {
	execAll(t, [][2]string{
		{"SELECT 0.1::float8 + 0.2::float8, 1e20::float8, 1e15::float8, 1e14::float8, 1e-5::float8, 0.0001::float8", "0.30000000000000004|1e+20|1e+15|100000000000000|1e-05|0.0001; SELECT 1"},
		{"SELECT 123456789012345678::float8, -0.0::float8, 'nan'::float8, '-inf'::float8, 5e-324::float8", "1.2345678901234568e+17|-0|NaN|-Infinity|5e-324; SELECT 1"},
		{"SELECT '0x10'::float8, '0x1p-2'::float8, 'NaN(12)'::float8, round(2.5::float8), round(-0.5::float8)", "16|0.25|NaN|2|-0; SELECT 1"},
		{"SELECT ' 1e-400 '::float8", `ERROR 22003 "1e-400" is out of range for type double precision`},
		{"SELECT '1e400x'::float8", `ERROR 22003 "1e400" is out of range for type double precision`},
		{"SELECT '1e'::float8", `ERROR 22P02 invalid input syntax for type double precision: "1e"`},
		{"SELECT 1e308::float8 * 10", "ERROR 22003 value out of range: overflow"},
		{"SELECT 1e-300::float8 * 1e-300::float8", "ERROR 22003 value out of range: underflow"},
		{"SELECT 'nan'::float8 / 0", "NaN; SELECT 1"},
		{"SELECT 1::float8 / 0", "ERROR 22012 division by zero"},
		{"SELECT 5::float8 % 2", "ERROR 42883 operator does not exist: double precision % integer"},
		{"SELECT (0.1::float8 + 0.2::float8)::numeric, 1e20::float8::numeric", "0.3|100000000000000000000; SELECT 1"},
		{"SET extra_float_digits = 0", "SET"},
		{"SELECT 0.1::float8 + 0.2::float8, 1.0/3::float8, (1.0/3::float8)::text", "0.3|0.333333333333333|0.333333333333333; SELECT 1"},
		{"SET extra_float_digits = 4", `ERROR 22023 4 is outside the valid range for parameter "extra_float_digits" (-15 .. 3)`},
		{"SET extra_float_digits = '010'", `ERROR 22023 8 is outside the valid range for parameter "extra_float_digits" (-15 .. 3)`},
		{"SET extra_float_digits = '0x3'", "SET"},
		{"SHOW extra_float_digits", "3; SHOW"},
	})
}

func TestScalarFunctions(t *testing.T) {
	execAll(t, [][2]string{
		{"SELECT length('héllo'), lower('ÀBC'), upper('àbc'), length(NULL)", "5|Àbc|àBC|NULL; SELECT 1"},
		{"SELECT concat(1, NULL, 'a', true, 1.50, 2.5::float8), true || 'x', 1 || 'a'", "1at1.502.5|truex|1a; SELECT 1"},
		{"SELECT concat()", "ERROR 42883 function concat() does not exist"},
		{"SELECT 1 || 2", "ERROR 42883 operator does not exist: integer || integer"},
		{"SELECT coalesce(NULL, 1, 1.5), coalesce(NULL, NULL), coalesce(1, 1/0)", "1|NULL|1; SELECT 1"},
		{"SELECT coalesce(NULL, 1/0, 2)", "ERROR 22012 division by zero"},
		{"SELECT coalesce(1, 'x'::text)", "ERROR 42804 COALESCE types integer and text cannot be matched"},
		{"SELECT greatest(1, 2.5, NULL), least('b', 'a'), greatest(NULL, NULL)", "2.5|a|NULL; SELECT 1"},
		{"SELECT abs('-1.5'), abs(-5::int2), round(5), round(5, 2)", "1.5|5|5|5.00; SELECT 1"},
		{"SELECT abs(-2147483648)", "ERROR 22003 integer out of range"},
		{"SELECT length(5)", "ERROR 42883 function length(integer) does not exist"},
		{"SELECT \"coalesce\"(1)", "ERROR 42883 function coalesce(integer) does not exist"},
		{"SELECT sum(v) FROM kv", "ERROR 0A000 poolsim does not support the function sum"},
	})
}

// TestFunctionResultTypes: overloaded functions resolve to PostgreSQL's
// signatures (round(integer) is round(double precision); an unknown
// literal resolves to the preferred type of the category).
func TestFunctionResultTypes(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			for q, types := range map[string]string{
				"SELECT round(5), round(5, 2), abs('1'), abs(1::int2), coalesce(1, 2::int8), greatest(1::int2, 2.5::float8)": "double precision numeric double precision smallint bigint double precision",
				"SELECT length('x'), concat(1), now(), current_timestamp, 1 IN (1, 2)":                                       "integer text timestamp with time zone timestamp with time zone boolean",
			} {
				stmts, err := sqlparse.Parse(q)
				if err != nil {
					t.Fatal(err)
				}
				s.StartCommand()
				p, perr := s.Prepare(stmts[0], nil)
				if perr != nil {
					t.Fatalf("%s: %v", q, perr)
				}
				var names []string
				for _, c := range p.Columns {
					names = append(names, c.Type.Name)
				}
				want(t, strings.Join(names, " "), types)
				s.AbortCommand()
			}
		})
	})
}

func TestInListsAndNullsOrder(t *testing.T) {
	execAll(t, [][2]string{
		{"INSERT INTO kv VALUES ('a', 1), ('b', NULL), ('c', 3), ('d', 2)", "INSERT 0 4"},
		{"SELECT k FROM kv WHERE k IN ('a', 'b') ORDER BY k", "a; b; SELECT 2"},
		{"SELECT k FROM kv WHERE v NOT IN (1, NULL)", "SELECT 0"},
		{"SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), 1 NOT IN (1, NULL), 3 NOT IN (1, 2)", "t|NULL|NULL|f|t; SELECT 1"},
		{"SELECT k FROM kv WHERE k IN (1, 2)", "ERROR 42883 operator does not exist: text = integer"},
		{"SELECT 1 IN (1, 'x')", `ERROR 22P02 invalid input syntax for type integer: "x"`},
		{"SELECT k FROM kv ORDER BY v", "a; d; c; b; SELECT 4"},
		{"SELECT k FROM kv ORDER BY v DESC", "b; c; d; a; SELECT 4"},
		{"SELECT k FROM kv ORDER BY v NULLS FIRST", "b; a; d; c; SELECT 4"},
		{"SELECT k FROM kv ORDER BY v DESC NULLS LAST", "c; d; a; b; SELECT 4"},
		{"SELECT k, v + 1/0 FROM kv WHERE false", "ERROR 22012 division by zero"},
		{"SELECT false AND 1/0 = 1", "f; SELECT 1"},
	})
}

// TestTimestamps: now() is the transaction's start in the simulator's
// virtual time (which starts at 2000-01-01 00:00:00 UTC), shown in the
// session's TimeZone.
func TestTimestamps(t *testing.T) {
	execAll(t, [][2]string{
		{"SELECT now(), current_timestamp, clock_timestamp()", "2000-01-01 00:00:00+00|2000-01-01 00:00:00+00|2000-01-01 00:00:00+00; SELECT 1"},
		{"BEGIN", "BEGIN"},
		{"SELECT pg_sleep(1.5)", "; SELECT 1"},
		{"SELECT now(), clock_timestamp(), now() < clock_timestamp()", "2000-01-01 00:00:00+00|2000-01-01 00:00:01.5+00|t; SELECT 1"},
		{"COMMIT", "COMMIT"},
		{"SELECT now(), 'now'::timestamptz = now(), 'today'::timestamptz", "2000-01-01 00:00:01.5+00|t|2000-01-01 00:00:00+00; SELECT 1"},
		{"SET TimeZone = 'America/New_York'", "SET"},
		{"SELECT now(), '2024-03-10 02:30'::timestamptz, '2024-11-03 01:30'::timestamptz, '1883-01-01 00:00'::timestamptz", "1999-12-31 19:00:01.5-05|2024-03-10 03:30:00-04|2024-11-03 01:30:00-05|1883-01-01 00:00:00-04:56:02; SELECT 1"},
		{"SELECT '2024-01-01 12:34:56.5+02'::timestamptz, 'epoch'::timestamptz, '0001-01-01 00:00+00 BC'::timestamptz", "2024-01-01 05:34:56.5-05|1969-12-31 19:00:00-05|0002-12-31 19:03:58-04:56:02 BC; SELECT 1"},
		{"SELECT '2024-13-01'::timestamptz", `ERROR 22008 date/time field value out of range: "2024-13-01"`},
		{"SELECT '2024-01-01 10:00+16'::timestamptz", `ERROR 22009 time zone displacement out of range: "2024-01-01 10:00+16"`},
		{"SELECT 'next tuesday'::timestamptz", `ERROR 0A000 poolsim does not support this timestamp with time zone input: "next tuesday"`},
		{"SELECT now() - now()", "ERROR 0A000 poolsim does not support interval arithmetic"},
		{"SET DateStyle = 'SQL'", "SET"},
		{"SELECT now()", `ERROR 0A000 poolsim does not support timestamp output in DateStyle "SQL, MDY"`},
	})
}

func TestDecimalText(t *testing.T) {
	for in, want := range map[string]string{
		"1e3": "1000", "1.50e1": "15.0", "-0.000": "0.000", "  +12.5  ": "12.5", ".5": "0.5",
		"1e-3": "0.001", "NaN": "NaN", "-Infinity": "-Infinity", "inf": "Infinity", "123456789012345678901234567890.1": "123456789012345678901234567890.1",
	} {
		d, err := ParseDecimal(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "-", ".", "1..2", "1e", "1e+", "e5", "1 2", "NaNx", "0x10"} {
		if _, err := ParseDecimal(in); err == nil || err.(*Error).Code != InvalidTextRepresentation {
			t.Errorf("ParseDecimal(%q) = %v; want invalid input syntax", in, err)
		}
	}
	if _, err := ParseDecimal("1e131072"); err == nil || err.(*Error).Code != NumericValueOutOfRange {
		t.Errorf("1e131072: %v", err)
	}
}

func TestBinaryFormats(t *testing.T) {
	for _, tc := range []struct {
		t   Type
		in  string
		hex string
	}{
		{Numeric, "1.50", "000200000000000200011388"},
		{Numeric, "-12345.678", "0003000140000003000109291a7c"},
		{Numeric, "0.000", "0000000000000003"},
		{Numeric, "0.0001", "0001ffff000000040001"},
		{Numeric, "NaN", "00000000c0000000"},
		{Numeric, "Infinity", "00000000d0000020"},
		{Int2, "-2", "fffe"},
	} {
		v, err := ParseText(tc.t, tc.in)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := AppendBinary(nil, tc.t, v)
		if got := hexString(enc); got != tc.hex {
			t.Errorf("%s %s: binary %s, want %s", tc.t.Name, tc.in, got, tc.hex)
		}
		back, err := ParseBinary(tc.t, enc)
		if err != nil {
			t.Errorf("%s %s: %v", tc.t.Name, tc.in, err)
			continue
		}
		if s, _ := FormatText(tc.t, back); s != tc.in {
			t.Errorf("%s %s: read back as %s", tc.t.Name, tc.in, s)
		}
	}
	ts := Timestamp(1500000)
	enc, _ := AppendBinary(nil, Timestamptz, ts)
	if back, err := ParseBinary(Timestamptz, enc); err != nil || back != ts {
		t.Errorf("timestamptz: %v %v", back, err)
	}
	if s, _ := FormatText(Timestamptz, ts); s != "2000-01-01 00:00:01.5+00" {
		t.Errorf("timestamptz text %s", s)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
