package psycopg

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver"
)

type stringsBuilder struct{ strings.Builder }

// TestTypecastValues: psycopg2's casts, including what they accept beyond
// what PostgreSQL sends.
func TestTypecastValues(t *testing.T) {
	huge, _ := new(big.Int).SetString("99999999999999999999", 10)
	cases := []struct {
		oid  uint32
		in   string
		want any
	}{
		{20, "-42", int64(-42)},
		{23, " 7 ", int64(7)},
		{20, "99999999999999999999", huge},
		{20, "0", int64(0)},
		{26, "1_000", int64(1000)},
		{701, "1.5", 1.5},
		{701, "-Infinity", mathInf(-1)},
		{1700, "2.50", driver.Numeric("2.50")},
		{1700, "NaN", driver.Numeric("NaN")},
		{16, "t", true},
		{16, "f", false},
		{25, "héllo", "héllo"},
		{1082, "2020-01-01", "2020-01-01"},
	}
	for _, tc := range cases {
		got, err := typecast(tc.oid, []byte(tc.in))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("cast %d %q: got %#v, %v; want %#v", tc.oid, tc.in, got, err, tc.want)
		}
	}
	if v, err := typecast(25, nil); v != nil || err != nil {
		t.Errorf("NULL: %v, %v", v, err)
	}
}

func mathInf(sign int) float64 {
	f, _ := pyFloat(map[int]string{-1: "-inf", 1: "inf"}[sign])
	return f
}

// TestTypecastErrors: what a cast raises for bytes it cannot read (as a
// corrupted stream may deliver them).
func TestTypecastErrors(t *testing.T) {
	cases := []struct {
		oid        uint32
		in         string
		class, msg string
	}{
		{20, "ty_1", "ValueError", "invalid literal for int() with base 0: 'ty_1'"},
		{20, "010", "ValueError", "invalid literal for int() with base 0: '010'"},
		{701, "abc", "ValueError", "could not convert string to float: 'abc'"},
		{1700, "1.2.3", "decimal.InvalidOperation", "[<class 'decimal.ConversionSyntax'>]"},
		{16, "x", "psycopg2.InterfaceError", "can't parse boolean: 'x'"},
		{25, "\xff", "UnicodeDecodeError", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
		{25, "a\xe2\x28", "UnicodeDecodeError", "'utf-8' codec can't decode byte 0xe2 in position 1: invalid continuation byte"},
		{25, "ab\xf0\x90", "UnicodeDecodeError", "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"},
	}
	for _, tc := range cases {
		_, err := typecast(tc.oid, []byte(tc.in))
		e, ok := err.(*driver.Error)
		if !ok || e.Class != tc.class || e.Message != tc.msg {
			t.Errorf("cast %d %q: got %v, want %s: %s", tc.oid, tc.in, err, tc.class, tc.msg)
		}
	}
}
