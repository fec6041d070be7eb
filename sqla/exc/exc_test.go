package exc

import "testing"

// TestStrForms: str() of SQLAlchemy's exceptions, with and without code,
// statement and parameters, and of built-ins.
func TestStrForms(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{New(ResourceClosedError, "This Connection is closed"), "This Connection is closed"},
		{WithCode(TimeoutError, "QueuePool limit", "3o7r"), "QueuePool limit (Background on this error at: https://sqlalche.me/e/14/3o7r)"},
		{New(IndexError, "tuple index out of range"), "tuple index out of range"},
		{&Error{Class: AssertionError, NoArgs: true}, ""},
		{&Error{Class: InvalidatePoolError, NoArgs: true}, "()"},
		{&Error{Class: OperationalError, Message: "(psycopg2.OperationalError) boom\n"}, "(psycopg2.OperationalError) boom\n\n(Background on this error at: https://sqlalche.me/e/14/e3q8)"},
		{&Error{Class: IntegrityError, Message: "(m.C) dup\n", Statement: "insert", HasStatement: true, Params: "{'k': 'a'}"},
			"(m.C) dup\n\n[SQL: insert]\n[parameters: {'k': 'a'}]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)"},
		{&Error{Class: IntegrityError, Message: "(m.C) dup", Statement: "insert", HasStatement: true, Params: "{'k': 'a'}", HideParameters: true},
			"(m.C) dup\n[SQL: insert]\n[SQL parameters hidden due to hide_parameters=True]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)"},
		{&Error{Class: DBAPIError, Message: "(x.Error) e"}, "(x.Error) e\n(Background on this error at: https://sqlalche.me/e/14/dbapi)"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%s: %q, want %q", c.e.Class, got, c.want)
		}
	}
}

// TestHierarchy: IsA follows the bases, including NoSuchColumnError's
// KeyError, and ForDBAPIClass maps DB-API names.
func TestHierarchy(t *testing.T) {
	if !IsA(New(IntegrityError, ""), DBAPIError) || !IsA(New(IntegrityError, ""), StatementError) || IsA(New(IntegrityError, ""), OperationalError) {
		t.Fatal("IntegrityError's bases")
	}
	if !IsA(New(NoSuchColumnError, ""), KeyError) || !IsA(New(InvalidatePoolError, ""), DisconnectionError) {
		t.Fatal("second base or DisconnectionError")
	}
	if ForDBAPIClass("OperationalError") != OperationalError || ForDBAPIClass("Nonsense") != DBAPIError {
		t.Fatal("ForDBAPIClass")
	}
	if New(IndexError, "x").Traceback() != "IndexError: x" || New(TimeoutError, "t").Traceback() != "sqlalchemy.exc.TimeoutError: t" {
		t.Fatal("traceback lines")
	}
}
