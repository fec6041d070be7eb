package fakepg

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential tests of values and expressions: integer ranges, numeric
// and float8 arithmetic and formats, the scalar functions, IN lists and
// NULLS ordering, each against PostgreSQL 15.

// queries is a session's Connect, one Query step per statement, and
// Terminate.
func queries(sqls ...string) pgtest.Script {
	script := pgtest.Script{pgtest.Connect("s", nil)}
	for _, q := range sqls {
		script = append(script, pgtest.Query("s", q))
	}
	return append(script, pgtest.Terminate("s"))
}

func TestDifferentialValuesIntegerRanges(t *testing.T) {
	differential(t, queries(
		"SELECT 32767::int2, -32768::smallint, 2147483647, -2147483648, 2147483648, 9223372036854775807, -9223372036854775808, 9223372036854775808",
		"SELECT 32768::int2",
		"SELECT '32768'::int2",
		"SELECT '-32769'::smallint",
		"SELECT 2147483647 + 1",
		"SELECT -2147483648 * -1",
		"SELECT 9223372036854775807 + 1",
		"SELECT (-9223372036854775808)::int8 / -1",
		"SELECT (-2147483648) / -1, (-2147483648) % -1",
		"SELECT -(-2147483648), -(-9223372036854775807)",
		"SELECT -(-9223372036854775808)::int8",
		"SELECT 32767::int2 + 1::int2",
		"SELECT 100::int2 * 1000, 100::int2 * 100::int2",
		"SELECT 300::int2 * 300::int2",
		"SELECT 7 / 2, -7 / 2, 7 % -3, -7 % 3, 7::int8 / 2::int2",
		"SELECT 1 / 0",
		"SELECT 1 % 0",
		"SELECT 5::int8 / 0",
		"SELECT ' 42 '::int4, '+7'::int8, '-0'::int2",
		"SELECT '4 2'::int4",
		"SELECT '2147483648x'::int4",
		"SELECT '99999999999x'::int4",
		"SELECT ''::int8",
		"SELECT 1.5::int4, 2.5::int4, -2.5::int4, 2.5::float8::int4, 3.5::float8::int8, (-32768.4)::int2",
		"SELECT 'NaN'::numeric::int4",
		"SELECT 'Infinity'::numeric::int8",
		"SELECT 'NaN'::float8::int8",
		"SELECT 1e20::int8",
		"SELECT 2147483647.5::int4",
		"SELECT 1e10::float8::int4",
		"SELECT true::int, false::int",
		"SELECT 1::int8::bool",
		"SELECT 1::int2::bool",
		"SELECT 1::bool, 0::bool",
	))
}

func TestDifferentialValuesStoredIntegers(t *testing.T) {
	differential(t, queries(
		"INSERT INTO kv VALUES ('e', 9223372036854775808)",
		"INSERT INTO kv VALUES ('e', -9223372036854775809)",
		"INSERT INTO kv VALUES ('e', '9223372036854775808')",
		"INSERT INTO kv VALUES ('e', 1e19)",
		"INSERT INTO kv VALUES ('a', 9223372036854775807), ('b', 1.5), ('c', 2.5::float8), ('d', '-12')",
		"SELECT k, v FROM kv ORDER BY k",
		"UPDATE kv SET v = v + 1 WHERE k = 'a'",
		"UPDATE kv SET v = v * 2 WHERE k = 'b' RETURNING v, v / 3, v % 3, v * 1.5",
		"INSERT INTO activity (id, name) VALUES (1.4, 12.50), (2, 1e3), (3, 0.1::float8 + 0.2::float8), (4, true)",
		"SELECT id, name FROM activity ORDER BY id",
		"INSERT INTO activity (id) VALUES ('abc')",
	))
}

func TestDifferentialValuesNumericArithmetic(t *testing.T) {
	differential(t, queries(
		"SELECT 1e3, 1.5 * 2, 0.1 + 0.2, 1/3.0, 1.50e1, 1e-3, -0.0, 0.000, 1e-20, 10 / 4, 10.0 / 4, 2 * 3.5, 1 - 0.75",
		"SELECT 1000000 / 3.0, 1 / 7.000000000, 123456789.123 / 0.001, 0.0001 / 3, 2 / 3.0, 99999 / 100000.0, 1e20 / 3, 1 / 3e20",
		"SELECT 1.000 + 2.5, 1.25 - 1.25, 0.5 * 0.5, -1.5 * 2.25, 1.5 / -0.5, 5.5 % 2, -7.5 % 2, 7 % -2.25, 1.5 % 0.7",
		"SELECT 12345678901234567890123456789 * 98765432109876543210, 1e-10 * 1e-10",
		"SELECT 1 + 1.5, 2::int8 * 1.5, 3::int2 - 0.5, 1.5 + 1::float8, 4 / 2.0::float8",
		"SELECT 5.0 % 0",
		"SELECT 5 / 0.0",
		"SELECT 1e200000",
		"SELECT -1e131072",
		"SELECT 9e131071 * 10",
		"SELECT '1e-20000'::numeric",
		"SELECT 'abc'::numeric",
		"SELECT ' 12.50 '::numeric, '.5'::numeric, '5.'::numeric, '-0.00'::numeric, '+3'::numeric, '1e 5'::numeric, '1E+2'::numeric",
		"SELECT '1.2.3'::numeric",
		"SELECT '1e'::numeric",
		"SELECT 'NaN'::numeric, 'nan'::numeric, '-inf'::numeric, '+Infinity'::numeric, ' infinity '::numeric",
		"SELECT 'Infinity'::numeric + 1, 'inf'::numeric - 'inf'::numeric, 'inf'::numeric * 0, 1 / 'inf'::numeric, -'inf'::numeric * -2, 'NaN'::numeric + 1, 'inf'::numeric % 2, 2 % 'inf'::numeric",
		"SELECT 'inf'::numeric / 0",
		"SELECT 'NaN'::numeric / 0",
		"SELECT 1.0 = 1.00, 1.5 > 1.49, 'NaN'::numeric > 'Infinity'::numeric, '-inf'::numeric < -1e100, 'NaN'::numeric = 'NaN'::numeric, 0.1 + 0.2 = 0.3",
		"SELECT -1.5, +1.5, -(-1.5), -'inf'::numeric, -0.0 = 0",
	))
}

func TestDifferentialValuesFloat8(t *testing.T) {
	differential(t, queries(
		"SELECT 0.1::float8 + 0.2::float8, 1e20::float8, 1e15::float8, 1e14::float8, 123456789012345678::float8, 1e-5::float8, 0.0001::float8, 1e100::float8",
		"SELECT -0.0::float8, '-0'::float8, 'nan'::float8, '-inf'::float8, 'Infinity'::float8, 1::float8 / 3, 5e-324::float8, 1.7976931348623157e308::float8",
		"SELECT ' 1.5 '::float8, '0x10'::float8, '0x1p-2'::float8, '2.4e-320'::float8, '+inf'::float8, 'NaN(12)'::float8, '1e'::float8, '.5'::float8",
		"SELECT '1e400'::float8",
		"SELECT ' 1e-400 '::float8",
		"SELECT '1e400x'::float8",
		"SELECT ' abc '::float8",
		"SELECT ''::float8",
		"SELECT 1e308::float8 * 10",
		"SELECT 1e-300::float8 * 1e-300::float8",
		"SELECT 1e-300::float8 / 1e300::float8",
		"SELECT 1::float8 / 0",
		"SELECT 'nan'::float8 / 0",
		"SELECT 5::float8 % 2",
		"SELECT 'inf'::float8 + 1, 'inf'::float8 - 'inf'::float8, 'nan'::float8 = 'nan'::float8, 'nan'::float8 > 'inf'::float8, -0.0::float8 = 0::float8",
		"SELECT (0.1::float8 + 0.2::float8)::numeric, 1e20::float8::numeric, 'NaN'::float8::numeric, '-inf'::float8::numeric, 1.5::numeric::float8, 123.456::float8::numeric",
		"SELECT (0.1::float8 + 0.2::float8)::text, 1e20::float8::text, 2.5::text, 'NaN'::numeric::text, true::text, 1.50 || 'x', 1.5::float8 || ''",
		"SET extra_float_digits = 0",
		"SELECT 0.1::float8 + 0.2::float8, 1e20::float8, 1.0/3::float8, (0.1::float8 + 0.2::float8)::text, concat(0.1::float8 + 0.2::float8)",
		"SET extra_float_digits = -15",
		"SELECT 0.1::float8 + 0.2::float8, 123.456::float8",
		"SET extra_float_digits = 3",
		"SELECT 0.1::float8 + 0.2::float8",
		"SET extra_float_digits = 4",
		"SET extra_float_digits = 'abc'",
		"SHOW extra_float_digits",
	))
}

func TestDifferentialValuesFunctions(t *testing.T) {
	differential(t, queries(
		"SELECT length('héllo'), length(NULL), lower('ÀBC'), upper('àbc'), lower(NULL), length(''), upper('MiXeD 1')",
		"SELECT length(5)",
		"SELECT lower(5)",
		"SELECT concat(1, NULL, 'a', true, 1.50, 2.5::float8), concat(NULL), concat('x', -1)",
		"SELECT concat()",
		"SELECT coalesce(NULL, 1, 1.5), coalesce(NULL, NULL), coalesce(1, 2.0::float8), coalesce('a', 'b'), coalesce(NULL::int, 3)",
		"SELECT coalesce(1, 'x')",
		"SELECT coalesce(1, 'x'::text)",
		"SELECT coalesce(1, 1/0), coalesce(NULL, 2, 1/0)",
		"SELECT coalesce(NULL, 1/0, 2)",
		"SELECT greatest(1, 2.5, NULL), least('b', 'a'), greatest(NULL, NULL), least(3::int2, 2::int8), greatest(1.10, 1.1), least(-1, 'nan'::numeric)",
		"SELECT greatest(1, 'a')",
		"SELECT least(1, true)",
		"SELECT abs('-1.5'), abs(-5::int2), abs(-7), abs(-2.50), abs(-1e300::float8), abs(NULL)",
		"SELECT abs(-2147483648)",
		"SELECT abs(-32768::int2)",
		"SELECT abs('x')",
		"SELECT round(5), round(2.5), round(-2.5), round(2.5::float8), round(-0.5::float8), round(1234.5678, 2), round(1234.5, -2), round(1.5, 3), round(5, 2), round('2.5'), round(0.5), round(12345.678, -10), round(1e-20, 25), round(1.5, NULL)",
		"SELECT round(1.5::float8, 2)",
		"SELECT 1 || 2",
		"SELECT 1 || 'a', 'a' || 1, NULL || 'a', 1.5 || 'x', true || 'x', 'a' || 'b' || 2",
		"SELECT \"coalesce\"(1)",
		"SELECT now() = current_timestamp, now() = transaction_timestamp(), now() <= clock_timestamp(), now() > '2020-01-01'",
		"SELECT k, coalesce(v, -1) FROM kv",
	))
}

func TestDifferentialValuesTimestamps(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SELECT now(), current_timestamp, clock_timestamp()").Mask(),
		pgtest.Query("s", "SELECT '2024-01-01 12:34:56.5+02'::timestamptz, '2024-07-01'::timestamptz, 'epoch'::timestamptz, 'infinity'::timestamptz, '-infinity'::timestamptz, '0001-01-01 BC'::timestamptz, '10000-01-01'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-01-01 24:00'::timestamptz, '2024-01-01 23:59:60'::timestamptz, '2024-1-5 1:2:3'::timestamptz, '2024-01-01T10:00:00Z'::timestamptz, '2024-01-01 10:00:00 +05:30'::timestamptz, '2024-01-01 10:00:00-0330'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-01-01 10:00:00.1234567'::timestamptz, '2024-01-01 10:00:00.9999995'::timestamptz, '2024-01-01 10:00 UTC'::timestamptz, '2024-01-01 10:00 gmt'::timestamptz, ' 2024-01-01 '::timestamptz"),
		pgtest.Query("s", "SELECT '2024-13-01'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-02-30'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-01-01 25:00'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-01-01 10:00+16'::timestamptz"),
		pgtest.Query("s", "SELECT '0000-01-01'::timestamptz"),
		pgtest.Query("s", "SELECT '294277-01-01'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-01-01'::timestamptz < '2024-01-02 00:00+01'::timestamptz, '2024-01-01 00:00+00'::timestamptz = '2024-01-01 01:00+01'::timestamptz, 'infinity'::timestamptz > now()"),
		pgtest.Query("s", "SET TimeZone = 'America/New_York'"),
		pgtest.Query("s", "SELECT '1883-01-01 00:00'::timestamptz, '2024-01-01'::timestamptz, '2024-03-10 02:30'::timestamptz, '2024-11-03 01:30'::timestamptz, '2024-11-03 00:30'::timestamptz, '2024-07-01 12:00'::timestamptz"),
		pgtest.Query("s", "SELECT '2024-07-01 12:00+00'::timestamptz::text, concat('2024-07-01 12:00+00'::timestamptz)"),
		pgtest.Query("s", "SET TimeZone = 'Asia/Kolkata'"),
		pgtest.Query("s", "SELECT '2024-01-01 00:00+00'::timestamptz"),
		pgtest.Query("s", "RESET TimeZone"),
		pgtest.Parse("s", "", "SELECT $1::timestamptz, $2::numeric, $3::float8, $4::int2").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("2024-05-06 07:08:09.123+00", "-12.340", "1e-3", "-7"), 1).NoWait(),
		pgtest.Describe("s", 'P', "").NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "SELECT $1::text").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("x")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialValuesBinaryFormats(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Parse("s", "", "SELECT 1.50, -12345.678, 0::numeric, 0.000, 'NaN'::numeric, 'Infinity'::numeric, '-inf'::numeric, 10000::numeric, 0.0001, 123456789.00001, 7::int2, 1.5::float8, '2024-01-01 00:00:00.5+00'::timestamptz, 'infinity'::timestamptz").NoWait(),
		pgtest.Bind("s", "", "", nil, 1).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Send("s", &pgproto3.Parse{Query: "SELECT $1::numeric + 1, $2::int2 + 1, $3::timestamptz"}, &pgproto3.Bind{
			ParameterFormatCodes: []int16{1},
			Parameters: [][]byte{
				{0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 13, 172}, // 12.35 (12, 3500): ndigits 2, weight 0, sign +, dscale 2
				{0, 5},                                   // 5
				{0, 0, 0, 0, 0, 0, 0, 0},                 // 2000-01-01 00:00:00+00
			},
		}, &pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Send("s", &pgproto3.Parse{Query: "SELECT $1::numeric"}, &pgproto3.Bind{
			ParameterFormatCodes: []int16{1},
			Parameters:           [][]byte{{0, 1, 0, 0, 0, 0, 0, 1, 0, 99}}, // 0.99 truncated to scale 1
		}, &pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Send("s", &pgproto3.Parse{Query: "SELECT $1::numeric"}, &pgproto3.Bind{
			ParameterFormatCodes: []int16{1},
			Parameters:           [][]byte{{0, 1, 0, 0, 0x12, 0x34, 0, 0, 0, 1}},
		}, &pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Send("s", &pgproto3.Parse{Query: "SELECT $1::numeric"}, &pgproto3.Bind{
			ParameterFormatCodes: []int16{1},
			Parameters:           [][]byte{{0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10}},
		}, &pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialValuesInLists(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1), ('b', NULL), ('c', 3), ('d', 2)"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k IN ('a', 'b') ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k NOT IN ('a', 'c') ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv WHERE v IN (1, NULL) ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv WHERE v NOT IN (1, NULL) ORDER BY k"),
		pgtest.Query("s", "SELECT k, v IN (1, 2), v NOT IN (3), v IN (k::int8, 1) FROM kv WHERE k <> 'c' ORDER BY k"),
		pgtest.Query("s", "SELECT k FROM kv WHERE v IN (1, 2.5, '3') ORDER BY k"),
		pgtest.Query("s", "SELECT 1 IN (1, NULL), 2 IN (1, NULL), NULL IN (1, 2), 2 NOT IN (1, NULL), 1 NOT IN (1, NULL), 3 NOT IN (1, 2), 'a' IN ('a', 'b'), 1 IN (1) IN (true), 1.0 IN (1, 2), 2 IN (1.5, 2.0::float8)"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k IN (1, 2)"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k NOT IN (1)"),
		pgtest.Query("s", "SELECT 1 IN (1, 'x')"),
		pgtest.Query("s", "SELECT 1 IN ('x')"),
		pgtest.Query("s", "SELECT k FROM kv WHERE k IN (k, 'x', v)"),
		pgtest.Query("s", "SELECT v IN (1, 1/0) FROM kv"),
		pgtest.Query("s", "SELECT k FROM kv WHERE 1 IN (v, 1/0)"),
		pgtest.Query("s", "SELECT k IN ('a') FROM kv WHERE false"),
		// SQLAlchemy 1.4's renderings of in_([]) and not_in([])
		pgtest.Query("s", "SELECT kv.k FROM kv WHERE kv.k IN (NULL) AND (1 != 1)"),
		pgtest.Query("s", "SELECT kv.k FROM kv WHERE (kv.k NOT IN (NULL) OR (1 = 1)) ORDER BY kv.k"),
		pgtest.Parse("s", "", "SELECT k FROM kv WHERE k IN ($1, $2) AND v NOT IN ($3) ORDER BY k").NoWait(),
		pgtest.Describe("s", 'S', "").NoWait(),
		pgtest.Bind("s", "", "", pgtest.Text("a", "d", "5")).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialValuesNullsOrder(t *testing.T) {
	differential(t, queries(
		"INSERT INTO kv VALUES ('a', 1), ('b', NULL), ('c', 3), ('d', NULL), ('e', 2)",
		"SELECT k, v FROM kv ORDER BY v, k",
		"SELECT k, v FROM kv ORDER BY v DESC, k",
		"SELECT k, v FROM kv ORDER BY v NULLS FIRST, k",
		"SELECT k, v FROM kv ORDER BY v DESC NULLS LAST, k",
		"SELECT k, v FROM kv ORDER BY v ASC NULLS LAST, k DESC NULLS FIRST",
		"SELECT k, v FROM kv ORDER BY v DESC NULLS FIRST, k DESC",
		"SELECT k FROM kv ORDER BY coalesce(v, 0) DESC, k LIMIT 3",
		"SELECT k FROM kv ORDER BY k NULLS",
	))
}

func TestDifferentialValuesConstantFolding(t *testing.T) {
	differential(t, queries(
		"SELECT false AND 1/0 = 1, true OR 1/0 = 1",
		"SELECT 1/0 = 1 AND false",
		"SELECT k, v + 1/0 FROM kv",
		"SELECT coalesce(v, 1/0) FROM kv",
		"SELECT k FROM kv WHERE v = 1/0",
		"SELECT k FROM kv WHERE false AND v = 1/0",
		"SELECT 1/0, nope FROM kv",
	))
}

// TestDifferentialValuesGenerated compares generated numeric arithmetic,
// float8 output and conversions, and timestamptz input and output in
// several time zones (with their daylight-saving changes) against
// PostgreSQL. The generator is seeded: every run sends the same queries.
func TestDifferentialValuesGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 15))
	number := func() string {
		var b strings.Builder
		if rng.IntN(4) == 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.FormatUint(rng.Uint64()>>uint(rng.IntN(64)), 10))
		if rng.IntN(3) > 0 {
			b.WriteByte('.')
			for range rng.IntN(12) + 1 {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "e%d", rng.IntN(60)-30)
		}
		return b.String()
	}
	nonzero := func() string {
		for {
			n := number()
			if d, err := engine.ParseDecimal(n); err == nil && strings.Trim(d.String(), "-0.") != "" {
				return n
			}
		}
	}
	script := pgtest.Script{pgtest.Connect("s", nil)}
	for range 8 {
		var exprs []string
		for range 30 {
			a, b := number(), nonzero()
			switch rng.IntN(9) {
			case 0:
				exprs = append(exprs, fmt.Sprintf("(%s)::numeric + (%s)::numeric", a, b))
			case 1:
				exprs = append(exprs, fmt.Sprintf("(%s)::numeric - (%s)::numeric", a, b))
			case 2:
				exprs = append(exprs, fmt.Sprintf("(%s)::numeric * (%s)::numeric", a, b))
			case 3, 4:
				exprs = append(exprs, fmt.Sprintf("(%s)::numeric / (%s)::numeric", a, b))
			case 5:
				exprs = append(exprs, fmt.Sprintf("(%s)::numeric %% (%s)::numeric", a, b))
			case 6:
				exprs = append(exprs, fmt.Sprintf("(%s)::float8 / (%s)::float8", a, b))
			case 7:
				exprs = append(exprs, fmt.Sprintf("((%s)::float8 * (%s)::float8)::numeric", a, b))
			case 8:
				exprs = append(exprs, fmt.Sprintf("round((%s)::numeric, %d)", a, rng.IntN(16)-6))
			}
		}
		script = append(script, pgtest.Query("s", "SELECT "+strings.Join(exprs, ", ")))
	}
	for _, zone := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"} {
		script = append(script, pgtest.Query("s", "SET TimeZone = '"+zone+"'"))
		var exprs []string
		for range 25 {
			sec := rng.Int64N(120*365*86400) - 60*365*86400
			wall := time.Unix(sec+946684800, 0).UTC().Format("2006-01-02 15:04:05")
			exprs = append(exprs, fmt.Sprintf("'%s'::timestamptz", wall), fmt.Sprintf("'%s+00'::timestamptz", wall))
		}
		script = append(script, pgtest.Query("s", "SELECT "+strings.Join(exprs, ", ")))
	}
	differential(t, append(script, pgtest.Terminate("s")))
}
