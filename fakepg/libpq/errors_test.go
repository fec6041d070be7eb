package libpq

import (
	"strconv"
	"strings"
	"testing"
)

// errorFields builds an ErrorResponse with severity ERROR and SQLSTATE
// 42703 plus the given code/value pairs.
func errorFields(t byte, fields ...string) []byte {
	return errResp(t, append([]string{"S", "ERROR", "V", "ERROR", "C", "42703"}, fields...)...)
}

func pos(query, at string) string {
	return strconv.Itoa(strings.Index(query, at) + 1)
}

// Error texts for server errors, each checked against libpq 15.18 (and the
// first ones against psql talking to a PostgreSQL 15 server).
func TestErrorMessageFormat(t *testing.T) {
	const (
		qMulti = "select 1,\n  2 from\n\tnosuch where a = 1"
		qUTF8  = "select 'é日本語テキスト' || zz from pg_class where relname = 'ａｂｃ'"
		qLong  = "select col1, col2, col3, col4, col5, col6, col7, col8, col9, col10, col11, col12, col13 from pg_class where nosuchcolumn = 1"
		qCRLF  = "select 1\r\nfrom\r\r\nx\n"
	)
	full := []string{"M", `column "zz" does not exist`, "D", "some detail", "H", `Perhaps you meant to reference the column "t.z".`,
		"W", `SQL function "f" statement 1`, "s", "public", "t", "tbl", "c", "zz", "d", "int4", "n", "tbl_pkey",
		"F", "parse_relation.c", "L", "3651", "R", "errorMissingColumn", "P", "8"}
	tests := []struct {
		name      string
		query     string
		fields    []string
		verbosity Verbosity
		want      string
	}{
		{"multi-line with tab", qMulti, []string{"M", `relation "nosuch" does not exist`, "P", pos(qMulti, "nosuch")}, PQERRORS_DEFAULT,
			"ERROR:  relation \"nosuch\" does not exist\nLINE 3:  nosuch where a = 1\n         ^\n"},
		{"UTF-8 wide characters, cut right", qUTF8, []string{"M", `column "zz" does not exist`, "P", "22"}, PQERRORS_DEFAULT,
			"ERROR:  column \"zz\" does not exist\nLINE 1: select 'é日本語テキスト' || zz from pg_class where relname =...\n" +
				strings.Repeat(" ", 36) + "^\n"},
		{"long line cut both sides", qLong, []string{"M", `column "nosuchcolumn" does not exist`, "P", pos(qLong, "nosuchcolumn")}, PQERRORS_DEFAULT,
			"ERROR:  column \"nosuchcolumn\" does not exist\n" +
				"LINE 1: ...9, col10, col11, col12, col13 from pg_class where nosuchcolu...\n" + strings.Repeat(" ", 61) + "^\n"},
		{"long line cut right", qLong, []string{"M", "m", "P", "3"}, PQERRORS_DEFAULT,
			"ERROR:  m\nLINE 1: select col1, col2, col3, col4, col5, col6, col7, col8, col9,...\n          ^\n"},
		{"CR LF line counting", qCRLF, []string{"M", `relation "x" does not exist`, "P", pos(qCRLF, "x")}, PQERRORS_DEFAULT,
			"ERROR:  relation \"x\" does not exist\nLINE 4: x\n        ^\n"},
		{"position just past the end", "select 1", []string{"M", "m", "P", "9"}, PQERRORS_DEFAULT,
			"ERROR:  m\nLINE 1: select 1\n                ^\n"},
		{"position 0", "select 1", []string{"M", "m", "P", "0"}, PQERRORS_DEFAULT, "ERROR:  m\n"},
		{"position not a number", "select 1", []string{"M", "m", "P", "abc"}, PQERRORS_DEFAULT, "ERROR:  m\n"},
		{"position too far", "select 1", []string{"M", "m", "P", "10"}, PQERRORS_DEFAULT, "ERROR:  m\n"},
		{"default verbosity", "select zz from tbl", full, PQERRORS_DEFAULT,
			"ERROR:  column \"zz\" does not exist\nLINE 1: select zz from tbl\n               ^\nDETAIL:  some detail\n" +
				"HINT:  Perhaps you meant to reference the column \"t.z\".\nCONTEXT:  SQL function \"f\" statement 1\n"},
		{"verbose", "select zz from tbl", full, PQERRORS_VERBOSE,
			"ERROR:  42703: column \"zz\" does not exist\nLINE 1: select zz from tbl\n               ^\nDETAIL:  some detail\n" +
				"HINT:  Perhaps you meant to reference the column \"t.z\".\nCONTEXT:  SQL function \"f\" statement 1\n" +
				"SCHEMA NAME:  public\nTABLE NAME:  tbl\nCOLUMN NAME:  zz\nDATATYPE NAME:  int4\nCONSTRAINT NAME:  tbl_pkey\n" +
				"LOCATION:  errorMissingColumn, parse_relation.c:3651\n"},
		{"terse", "select zz from tbl", full, PQERRORS_TERSE, "ERROR:  column \"zz\" does not exist at character 8\n"},
		{"sqlstate", "select zz from tbl", full, PQERRORS_SQLSTATE, "ERROR:  42703\n"},
		{"internal query", "select f()", []string{"M", `syntax error at or near "frm"`, "p", "10", "q", "select a frm t\nwhere x",
			"W", "PL/pgSQL function f() line 2 at EXECUTE"}, PQERRORS_DEFAULT,
			"ERROR:  syntax error at or near \"frm\"\nLINE 1: select a frm t\n                 ^\n" +
				"QUERY:  select a frm t\nwhere x\nCONTEXT:  PL/pgSQL function f() line 2 at EXECUTE\n"},
		{"internal position without query", "select f()", []string{"M", "m", "p", "10"}, PQERRORS_DEFAULT,
			"ERROR:  m at character 10\n"},
		{"repeated field: last wins", "select 1", []string{"M", "first", "M", "second"}, PQERRORS_DEFAULT, "ERROR:  second\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConn(newServer(cat(msg('S', cstr("client_encoding"), cstr("UTF8")), errorFields('E', tt.fields...), ready('I'))))
			c.SetErrorVerbosity(tt.verbosity)
			r := c.Exec(tt.query)
			wantResult(t, r, PGRES_FATAL_ERROR, tt.want)
			wantConn(t, c, ConnectionOK, tt.want)
		})
	}
}

func TestErrorWithoutSeverity(t *testing.T) {
	c := NewConn(newServer(cat(errResp('E', "M", "no severity", "X", "unknown field"), ready('I'))))
	r := c.Exec("select 1")
	wantResult(t, r, PGRES_FATAL_ERROR, "no severity\n")
	if er := r.ErrorResponse(); er == nil || er.UnknownFields['X'] != "unknown field" {
		t.Errorf("ErrorResponse = %+v", er)
	}
}

// Notices show CONTEXT only with PQSHOW_CONTEXT_ALWAYS.
func TestNoticeContextVisibility(t *testing.T) {
	fields := []string{"M", `column "zz" does not exist`, "D", "some detail", "W", `SQL function "f" statement 1`, "P", "8"}
	base := "ERROR:  column \"zz\" does not exist\nLINE 1: select zz from tbl\n               ^\nDETAIL:  some detail\n"
	for _, tt := range []struct {
		show ContextVisibility
		want string
	}{
		{PQSHOW_CONTEXT_ERRORS, base},
		{PQSHOW_CONTEXT_ALWAYS, base + "CONTEXT:  SQL function \"f\" statement 1\n"},
	} {
		c := NewConn(newServer(cat(errorFields('N', fields...), cmdComplete("SELECT 0"), ready('I'))))
		c.SetErrorContextVisibility(tt.show)
		wantResult(t, c.Exec("select zz from tbl"), PGRES_COMMAND_OK, "")
		if n := c.Notices(); len(n) != 1 || n[0] != tt.want {
			t.Errorf("show %d: notices = %q, want %q", tt.show, n, tt.want)
		}
	}
}

// In SQL_ASCII every byte is one column.
func TestErrorPositionSingleByteEncoding(t *testing.T) {
	q := "select 'é' || zz"
	c := NewConn(newServer(cat(errorFields('E', "M", "m", "P", "15"), ready('I'))))
	r := c.Exec(q)
	// Position 15 counts bytes here: 'é' is two characters.
	wantResult(t, r, PGRES_FATAL_ERROR, "ERROR:  m\nLINE 1: select 'é' || zz\n                      ^\n")
}

func TestVerboseErrorMessage(t *testing.T) {
	c := NewConn(newServer(cat(errorFields('E', "M", "m", "F", "f.c", "L", "7"), ready('I'))))
	r := c.Exec("select 1")
	if got := r.VerboseErrorMessage(PQERRORS_VERBOSE, PQSHOW_CONTEXT_ERRORS); got != "ERROR:  42703: m\nLOCATION:  f.c:7\n" {
		t.Errorf("verbose = %q", got)
	}
	ok := NewConn(newServer(cat(cmdComplete("SELECT 0"), ready('I')))).Exec("select 0")
	if got := ok.VerboseErrorMessage(PQERRORS_VERBOSE, PQSHOW_CONTEXT_ERRORS); got != "PGresult is not an error result\n" {
		t.Errorf("verbose of a non-error = %q", got)
	}
}

func TestAtoi(t *testing.T) {
	for s, want := range map[string]int32{"15": 15, " 12": 12, "12abc": 12, "+7": 7, "-3": -3, "abc": 0, "": 0,
		"4294967311": 15, "99999999999999999999": -1} {
		if got := atoi(s); got != want {
			t.Errorf("atoi(%q) = %d, want %d", s, got, want)
		}
	}
}
