package sqla

import (
	"reflect"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver"
)

// TestCompileBinds: text() binds become %(name)s for SQLAlchemy's texts and
// %s for the driver; casts, \: and percent signs are kept as text() keeps
// them.
func TestCompileBinds(t *testing.T) {
	c := compileBinds(`select :a::int, x\:y, '5%' from t where k = :k_1 and j = :a`)
	if c.pyformat != `select :a::int, x:y, '5%%' from t where k = %(k_1)s and j = %(a)s` {
		t.Fatalf("pyformat %q", c.pyformat)
	}
	if c.format != `select :a::int, x:y, '5%%' from t where k = %s and j = %s` || strings.Join(c.binds, ",") != "k_1,a" {
		t.Fatalf("format %q binds %v", c.format, c.binds)
	}
	args, shown, err := c.bindValues(P("a", 1, "k_1", "z"))
	if err != nil || len(args) != 2 || args[0] != "z" || paramsRepr(shown) != "{'k_1': 'z', 'a': 1}" {
		t.Fatalf("args %v shown %v err %v", args, shown, err)
	}
	if plain := compileBinds("select '5%'"); plain.format != "select '5%'" {
		t.Fatalf("no binds: %q", plain.format)
	}
	if q := compileBinds("x = :ab::int"); strings.Join(q.binds, ",") != "a" || q.pyformat != "x = %(a)sb::int" {
		t.Fatalf("backtracking bind: %q %v", q.pyformat, q.binds)
	}
}

// TestCompileBindsWithoutColon: a text without a colon, which has no bind
// and no escaped colon, compiles to itself, exactly as rendering it does.
func TestCompileBindsWithoutColon(t *testing.T) {
	for _, sql := range []string{"", "select 1", "select '5%' from t", `select '\' || 'x'`, "UPDATE kv SET v=1 WHERE kv.k = 'k1'"} {
		got, want := compileBinds(sql), renderBinds(sql)
		if !reflect.DeepEqual(got, want) || got.pyformat != sql || got.format != sql {
			t.Errorf("%q: compiled %+v, rendered %+v", sql, *got, *want)
		}
	}
}

// TestPyRepr: Python's repr of parameter values.
func TestPyRepr(t *testing.T) {
	cases := map[string]any{
		"'a'": "a", `"it's"`: "it's", `'a\'"b'`: `a'"b`, `'x\ny'`: "x\ny", "1": int64(1), "None": nil,
		"True": true, "1.0": 1.0, "0.1": 0.1, "1e+16": 1e16, "1e-05": 1e-5, "Decimal('1.50')": driver.Numeric("1.50"),
	}
	for want, v := range cases {
		if got := pyRepr(v); got != want {
			t.Errorf("repr(%v) = %s, want %s", v, got, want)
		}
	}
	long := strings.Repeat("x", 400)
	if got := truncRepr(long); !strings.Contains(got, " ... (102 characters truncated) ... ") || len(got) != 300+len(" ... (102 characters truncated) ... ") {
		t.Errorf("truncated repr %q", got)
	}
}

// TestIsDisconnect: psycopg2's dialect's substrings, on the first line,
// not inside double quotes.
func TestIsDisconnect(t *testing.T) {
	d := NewDialect()
	cases := map[string]bool{
		"server closed the connection unexpectedly\n\tThis probably means": true,
		"terminating connection due to administrator command":              true,
		"connection already closed":                                        true,
		"relation \"closed the connection\" does not exist":                false,
		"duplicate key value\nDETAIL: could not receive data from server":  false,
		"lost synchronization with server: got message type \"i\"":         false,
	}
	for msg, want := range cases {
		if got := d.IsDisconnect(&driver.Error{Class: "psycopg2.OperationalError", Base: "OperationalError", Message: msg}, nil); got != want {
			t.Errorf("%q: %v, want %v", msg, got, want)
		}
	}
}

// TestParseURL: the parts psycopg2.connect gets.
func TestParseURL(t *testing.T) {
	u, err := ParseURL("postgresql+psycopg2://app:s%40cret@db:6432/appdb?application_name=web")
	if err != nil {
		t.Fatal(err)
	}
	p := u.ConnectParams()
	if u.Driver != "psycopg2" || u.Addr() != "db:6432" || p["user"] != "app" || p["password"] != "s@cret" ||
		p["dbname"] != "appdb" || p["application_name"] != "web" {
		t.Fatalf("%+v %v", u, p)
	}
}
