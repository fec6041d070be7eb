//go:build linux

package libpq

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The crafted cases of the differential test. Most streams are the ones
// the unit tests of this package check by hand (parse_test.go,
// exec_test.go, errors_test.go, connect_test.go), here compared with C
// libpq directly, whole and split at byte boundaries.

// craftedReply is a server reply to one query, sent after a trust startup.
type craftedReply struct {
	name  string
	query string
	reply []byte
	pre   []diffStep // steps before the query (error verbosity)
	// next is the query run after it ("select 2" if ""); after prepare
	// the next step is xprepared.
	next string
	// splits selects the boundaries at which the reply is cut in two in
	// the first mode: 0 every boundary, n > 0 about n of them.
	splits int
	modes  []string // the commands to run the query with (diffModes if nil)
}

// craftedStartup is a server's answer to the startup packet.
type craftedStartup struct {
	name     string
	reply    []byte
	password string
	whole    bool // only the case of the reply in one segment
}

// The modes a query is run in: PQexec, PQsendQuery with a blocking
// PQgetResult loop, and PQsendQuery with PQconsumeInput/PQisBusy.
var diffModes = []string{"exec", "send", "poll"}

func craftedReplies() []craftedReply {
	full := cat(rowDesc(col{"id", 23}, col{"activity_1_id", 23}), dataRow(sp("1"), sp("2")), dataRow(sp("3"), nil),
		cmdComplete("SELECT 2"), ready('I'))
	// The middle of the RowDescription, at the "ity_1_id" of
	// activity_1_id: the incident's stream.
	nameAt := strings.Index(string(full), "ity_1_id")
	rdLen := len(rowDesc(col{"id", 23}, col{"activity_1_id", 23}))
	shortT := msg('T', i16(2), cstr("a"), i32(0), i16(0), i32(23), i16(4), i32(-1), i16(0))
	longT := msg('T', i16(1), cstr("a"), i32(0), i16(0), i32(23), i16(4), i32(-1), i16(0), []byte("zz"))
	serverErr := errResp('E', "S", "ERROR", "V", "ERROR", "C", "42P01", "M", `relation "x" does not exist`, "P", "15",
		"F", "parse_relation.c", "L", "1392", "R", "parserOpenTable")
	fatal := errResp('E', "S", "FATAL", "V", "FATAL", "C", "57P01", "M", "terminating connection due to administrator command")
	notice := errResp('N', "S", "WARNING", "V", "WARNING", "C", "25001", "M", "there is already a transaction in progress",
		"W", "context is not shown for notices")
	longTag := make([]byte, 30000-4)
	copy(longTag, "SELECT 1")
	for i := len("SELECT 1"); i < len(longTag)-1; i++ {
		longTag[i] = ' '
	}
	utf8 := msg('S', cstr("client_encoding"), cstr("UTF8"))
	asciiEnc := msg('S', cstr("client_encoding"), cstr("SQL_ASCII"))
	fullErr := []string{"M", `column "zz" does not exist`, "D", "some detail", "H", `Perhaps you meant to reference the column "t.z".`,
		"W", `SQL function "f" statement 1`, "s", "public", "t", "tbl", "c", "zz", "d", "int4", "n", "tbl_pkey",
		"F", "parse_relation.c", "L", "3651", "R", "errorMissingColumn", "P", "8"}
	verbose := []diffStep{{cmd: "verbosity", arg: fmt.Sprintf("%d %d", PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS)}}
	terse := []diffStep{{cmd: "verbosity", arg: fmt.Sprintf("%d %d", PQERRORS_TERSE, PQSHOW_CONTEXT_NEVER)}}
	sqlstate := []diffStep{{cmd: "verbosity", arg: fmt.Sprintf("%d %d", PQERRORS_SQLSTATE, PQSHOW_CONTEXT_ERRORS)}}
	const (
		qMulti = "select 1,\n  2 from\n\tnosuch where a = 1"
		qUTF8  = "select 'é日本語テキスト' || zz from pg_class where relname = 'ａｂｃ'"
		qLong  = "select col1, col2, col3, col4, col5, col6, col7, col8, col9, col10, col11, col12, col13 from pg_class where nosuchcolumn = 1"
		qCRLF  = "select 1\r\nfrom\r\r\nx\n"
	)
	e42703 := func(fields ...string) []byte {
		return errResp('E', append([]string{"S", "ERROR", "V", "ERROR", "C", "42703"}, fields...)...)
	}

	// The extended protocol: PQexecParams, and PQprepare followed by
	// PQexecPrepared (the reply holds both answers).
	extended := []string{"xparams"}
	prepared := []string{"prepare"}
	return []craftedReply{
		{name: "select", query: "select id, activity_1_id from t", reply: full},
		{name: "ity_1", query: "select id, activity_1_id from t", reply: full[nameAt:]},
		{name: "from-datarow", query: "select id, activity_1_id from t", reply: full[rdLen:]},
		{name: "error", query: "select * from x", reply: cat(serverErr, ready('I'))},
		{name: "error-in-transaction", query: "begin; selectx", reply: cat(cmdComplete("BEGIN"),
			errResp('E', "S", "ERROR", "C", "42601", "M", `syntax error at or near "selectx"`, "P", "8"), ready('E'))},
		{name: "notice", query: "begin", reply: cat(notice, cmdComplete("BEGIN"), ready('T'))},
		{name: "multi-result", query: "begin; select 7 as a; insert into t select 1 from generate_series(1,3)",
			reply: cat(cmdComplete("BEGIN"), rowDesc(col{"a", 23}), dataRow(sp("7")), cmdComplete("SELECT 1"),
				cmdComplete("INSERT 0 3"), ready('T'))},
		{name: "error-then-rows", query: "select 1", reply: cat(errResp('E', "S", "ERROR", "V", "ERROR", "C", "XX000", "M", "boom"),
			rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I'))},
		{name: "fatal-then-eof", query: "select 1", reply: fatal},
		{name: "eof-mid-row", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), dataRow(sp("1")), dataRow(sp("2"))[:6])},
		{name: "eof-mid-header", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), []byte{'D', 0, 0})},
		{name: "datarow-without-rowdesc", query: "select 1", reply: cat(dataRow(sp("1")), dataRow(sp("2")), cmdComplete("SELECT 2"), ready('I'))},
		{name: "field-count", query: "select a, b from t", reply: cat(rowDesc(col{"a", 23}, col{"b", 23}), dataRow(sp("1")),
			dataRow(sp("1"), sp("2")), cmdComplete("SELECT 2"), ready('I'))},
		{name: "rowdesc-short", query: "select a, b from t", reply: cat(shortT, dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I'))},
		{name: "rowdesc-long", query: "select a from t", reply: cat(longT, dataRow(sp("1")), dataRow(sp("2")), cmdComplete("SELECT 2"), ready('I'))},
		{name: "ready-too-long", query: "select 0", reply: cat(cmdComplete("SELECT 0"), msg('Z', []byte("IX")), ready('I'))},
		{name: "length-30001", query: "select 1", reply: cat([]byte{'C'}, i32(30001), make([]byte, 50))},
		{name: "length-negative", query: "select 1", reply: cat([]byte{'D'}, i32(-7))},
		{name: "length-3", query: "select 1", reply: cat([]byte{'Z'}, i32(3), []byte("I"))},
		{name: "datarow-huge", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), []byte{'D'}, i32(0x7fffffff), i16(1))},
		{name: "datarow-largest", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), []byte{'D'}, i32(2147475455), i16(1))},
		{name: "tag-30000", query: "select 1", reply: cat(msg('C', longTag), ready('I')), splits: 24},
		{name: "unknown-type", query: "select 0", reply: cat(msg('Y', []byte("abc")), cmdComplete("SELECT 0"), ready('I'))},
		{name: "nul-type", query: "select 0", reply: cat(msg(0), cmdComplete("SELECT 0"), ready('I'))},
		{name: "while-idle", query: "select 0", reply: cat(cmdComplete("SELECT 0"), ready('I'),
			ready('I'), msg(0x80), msg('K', []byte("12345678")), errResp('E', "S", "ERROR", "M", "late"))},
		{name: "empty-query", query: "", reply: cat(msg('I'), ready('I'))},
		{name: "nulls-and-empty", query: "select a, b from t", reply: cat(rowDesc(col{"a", 23}, col{"b", 25}),
			msg('D', i16(2), i32(-7), i32(0)), cmdComplete("SELECT 1"), ready('I'))},
		{name: "notification", query: "notify chan, 'payload'", reply: cat(msg('A', i32(99), cstr("chan"), cstr("payload")),
			cmdComplete("NOTIFY"), ready('I'))},
		{name: "copy-out", query: "copy t to stdout", reply: cat(msg('H', []byte{0}, i16(1), i16(0)), msg('d', []byte("1\n")),
			msg('c'), cmdComplete("COPY 1"), ready('I'))},
		{name: "copy-out-format-0", query: "copy t to stdout", reply: msg('H', []byte{'0'}, i16(1), i16(0))},
		{name: "copy-in", query: "copy t from stdin", next: "select 0", reply: cat(msg('G', []byte{0}, i16(1), i16(0)),
			errResp('E', "S", "ERROR", "C", "57014", "M", "COPY from stdin failed: COPY terminated by new PQexec"), ready('I'),
			cmdComplete("SELECT 0"), ready('I'))},
		{name: "copy-both", query: "start_replication", reply: msg('W', []byte{0}, i16(0))},
		{name: "error-no-terminator", query: "select 1", reply: cat(msg('E', []byte("SERROR\x00Mno terminator")), ready('I'))},
		{name: "error-no-severity", query: "select 1", reply: cat(errResp('E', "M", "no severity", "X", "unknown field"), ready('I'))},
		{name: "cmdtuples", query: "insert", reply: cat(cmdComplete("INSERT 0 3"), cmdComplete("SELECT x"), cmdComplete("UPDATE 7"),
			cmdComplete("MOVE"), ready('I'))},
		{name: "param-description", query: "select 0", reply: cat(msg('t', i16(2), i32(23), i32(25)), cmdComplete("SELECT 0"), ready('I'))},
		{name: "extended-messages", query: "select 0", reply: cat(msg('1'), msg('2'), msg('3'), msg('n'),
			msg('K', i32(1), i32(2)), msg('S', cstr("TimeZone"), cstr("UTC")), cmdComplete("SELECT 0"), ready('I'))},
		{name: "encoding-change", query: "select 'é' || zz", reply: cat(asciiEnc, e42703("M", "m", "P", "15"), ready('I'))},
		{name: "error-multiline", query: qMulti, reply: cat(utf8, e42703("M", `relation "nosuch" does not exist`, "P", pos(qMulti, "nosuch")), ready('I'))},
		{name: "error-utf8-wide", query: qUTF8, reply: cat(utf8, e42703("M", `column "zz" does not exist`, "P", "22"), ready('I'))},
		{name: "error-long-line", query: qLong, reply: cat(utf8, e42703("M", `column "nosuchcolumn" does not exist`, "P", pos(qLong, "nosuchcolumn")), ready('I'))},
		{name: "error-crlf", query: qCRLF, reply: cat(utf8, e42703("M", `relation "x" does not exist`, "P", pos(qCRLF, "x")), ready('I'))},
		{name: "error-position-end", query: "select 1", reply: cat(e42703("M", "m", "P", "9"), ready('I'))},
		{name: "error-position-bad", query: "select 1", reply: cat(e42703("M", "m", "P", "abc"), e42703("M", "n", "P", "0"),
			e42703("M", "o", "P", "10"), ready('I'))},
		{name: "error-full-default", query: "select zz from tbl", reply: cat(e42703(fullErr...), ready('I'))},
		{name: "error-full-verbose", query: "select zz from tbl", pre: verbose, reply: cat(e42703(fullErr...), ready('I'))},
		{name: "error-full-terse", query: "select zz from tbl", pre: terse, reply: cat(e42703(fullErr...), ready('I'))},
		{name: "error-full-sqlstate", query: "select zz from tbl", pre: sqlstate, reply: cat(e42703(fullErr...), ready('I'))},
		{name: "notice-context-always", query: "select zz from tbl", pre: verbose, reply: cat(
			errResp('N', "S", "NOTICE", "M", `column "zz" does not exist`, "D", "some detail", "W", `SQL function "f" statement 1`, "P", "8"),
			cmdComplete("SELECT 0"), ready('I'))},
		{name: "error-internal-query", query: "select f()", reply: cat(e42703("M", `syntax error at or near "frm"`, "p", "10",
			"q", "select a frm t\nwhere x", "W", "PL/pgSQL function f() line 2 at EXECUTE"), ready('I'))},
		{name: "error-repeated-field", query: "select 1", reply: cat(e42703("M", "first", "M", "second"), ready('I'))},
		{name: "params", query: "select $1::int, $2::text", modes: extended, reply: cat(msg('1'), msg('2'),
			rowDesc(col{"int4", 23}, col{"text", 25}), dataRow(sp("1"), nil), cmdComplete("SELECT 1"), ready('I'))},
		{name: "params-error", query: "select $1::int from nosuch", modes: extended, reply: cat(
			errResp('E', "S", "ERROR", "C", "42P01", "M", `relation "nosuch" does not exist`, "P", "22"), ready('I'))},
		{name: "params-nodata", query: "insert into t values ($1, $2)", modes: extended, reply: cat(msg('1'), msg('2'), msg('n'),
			cmdComplete("INSERT 0 1"), ready('T'))},
		{name: "params-describe-messages", query: "select $1, $2", modes: extended, reply: cat(msg('1'),
			msg('t', i16(2), i32(23), i32(25)), msg('2'), msg('n'), cmdComplete("SELECT 0"), ready('I'))},
		{name: "prepare", query: "select $1::int, $2::text", modes: prepared, reply: cat(msg('1'), ready('I'),
			msg('2'), rowDesc(col{"int4", 23}, col{"text", 25}), dataRow(sp("1"), nil), cmdComplete("SELECT 1"), ready('I'))},
		{name: "prepare-error", query: "select $1::int from nosuch", modes: prepared, reply: cat(
			errResp('E', "S", "ERROR", "C", "42P01", "M", `relation "nosuch" does not exist`, "P", "22"), ready('I'),
			errResp('E', "S", "ERROR", "C", "26000", "M", `prepared statement "s1" does not exist`), ready('I'))},
		{name: "prepared-error-position", query: "select 1", modes: prepared, reply: cat(msg('1'), ready('I'),
			errResp('E', "S", "ERROR", "C", "22P02", "M", `invalid input syntax for type integer: "x"`, "P", "8"), ready('I'))},
		{name: "prepare-twice-parsecomplete", query: "select 1", modes: prepared, reply: cat(msg('1'), msg('1'), ready('I'),
			msg('2'), msg('1'), rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I'))},
		{name: "notice-empty", query: "select 0", reply: cat(msg('N', []byte{0}), cmdComplete("SELECT 0"), ready('I'))},
		{name: "notification-mid-rows", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), dataRow(sp("1")),
			msg('A', i32(5), cstr("c"), cstr("")), dataRow(sp("2")), cmdComplete("SELECT 2"), ready('I'))},
		{name: "ready-twice", query: "select 0", reply: cat(cmdComplete("SELECT 0"), ready('T'), ready('E'), cmdComplete("SELECT 0"), ready('I'))},
		{name: "ready-unknown-status", query: "select 0", reply: cat(cmdComplete("SELECT 0"), ready('X'))},
		{name: "parameter-change", query: "select 0", reply: cat(msg('S', cstr("server_version"), cstr("16.1")),
			msg('S', cstr("standard_conforming_strings"), cstr("off")), cmdComplete("SELECT 0"), ready('I'))},
		{name: "copydata-while-busy", query: "select 0", reply: cat(msg('d', []byte("stray")), msg('c'), cmdComplete("SELECT 0"), ready('I'))},
		{name: "zero-columns", query: "select", reply: cat(msg('T', i16(0)), msg('D', i16(0)), msg('D', i16(0)), cmdComplete("SELECT 2"), ready('I'))},
		{name: "binary-columns", query: "select a, b from t", reply: cat(
			msg('T', i16(2), cstr("a"), i32(16384), i16(1), i32(23), i16(4), i32(-1), i16(1),
				cstr("b"), i32(16384), i16(0xfffe), i32(17), i16(0xffff), i32(7), i16(1)),
			msg('D', i16(2), i32(4), i32(42), i32(3), []byte{0, 1, 2}), cmdComplete("SELECT 1"), ready('I'))},
		{name: "datarow-20k", query: "select a from t", splits: 24, reply: cat(rowDesc(col{"a", 25}),
			dataRow(sp(strings.Repeat("x", 20000))), cmdComplete("SELECT 1"), ready('I'))},
		{name: "two-rowdescs", query: "select 1; select 2", reply: cat(rowDesc(col{"a", 23}), dataRow(sp("1")), rowDesc(col{"b", 23}),
			dataRow(sp("2")), cmdComplete("SELECT 1"), ready('I'))},
		{name: "error-mid-rows", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), dataRow(sp("1")),
			errResp('E', "S", "ERROR", "C", "22012", "M", "division by zero"), ready('I'))},
		{name: "fatal-mid-rows", query: "select a from t", reply: cat(rowDesc(col{"a", 23}), dataRow(sp("1")),
			errResp('E', "S", "FATAL", "C", "57P01", "M", "terminating connection due to administrator command"))},
	}
}

func craftedStartups() []craftedStartup {
	tooMany := errResp('E', "S", "FATAL", "V", "FATAL", "C", "53300", "M", "sorry, too many clients already",
		"F", "proc.c", "L", "359", "R", "InitProcess")
	return []craftedStartup{
		{name: "ok", reply: stdStartupReply()},
		{name: "ok-version-text", reply: cat(msg('R', i32(0)), msg('S', cstr("server_version"), cstr("15.18 (Debian 15.18-0+deb12u1)")),
			msg('S', cstr("standard_conforming_strings"), cstr("on")), msg('K', i32(9), i32(10)), ready('I'))},
		{name: "ok-version-short", reply: cat(msg('R', i32(0)), msg('S', cstr("server_version"), cstr("9.6")), ready('I'))},
		{name: "too-many-clients", reply: tooMany},
		{name: "eof", reply: nil},
		{name: "not-postgres", reply: []byte("HTTP/1.1 400 Bad Request\r\n\r\n")},
		{name: "no-password", reply: msg('R', i32(3))},
		{name: "cleartext", reply: cat(msg('R', i32(3)), stdStartupReply()), password: "secret"},
		{name: "md5", reply: cat(msg('R', i32(5), []byte("abcd")), stdStartupReply()), password: "secret"},
		{name: "md5-salt-missing", reply: cat(msg('R', i32(5)), msg('R', i32(0))), password: "secret"},
		{name: "unknown-method", reply: msg('R', i32(-5))},
		{name: "kerberos5", reply: msg('R', i32(2))},
		{name: "auth-length-short", reply: cat([]byte{'R'}, i32(7), i32(0))},
		{name: "error-after-auth", reply: cat(msg('R', i32(0)), errResp('E', "S", "FATAL", "C", "3D000", "M", `database "d" does not exist`))},
		{name: "rows-during-startup", reply: cat(msg('R', i32(0)), rowDesc(col{"a", 23}), ready('I'))},
		{name: "sync-loss-during-startup", reply: cat(msg('R', i32(0), []byte("XYZW")), msg('S', cstr("client_encoding"), cstr("UTF8")), ready('I'))},
		{name: "pre-3.0-error", reply: []byte("EFATAL: old server\x00")},
		{name: "notice-during-startup", reply: cat(msg('R', i32(0)), errResp('N', "S", "WARNING", "M", "collation version mismatch"), ready('I'))},
		{name: "eof-after-auth", reply: msg('R', i32(0))},
		{name: "sasl-without-password", reply: msg('R', i32(10), cstr("SCRAM-SHA-256"), []byte{0})},
		{name: "sasl", reply: msg('R', i32(10), cstr("SCRAM-SHA-256"), []byte{0}), password: "secret", whole: true},
		{name: "sasl-plus-only", reply: msg('R', i32(10), cstr("SCRAM-SHA-256-PLUS"), []byte{0}), password: "secret"},
		{name: "sasl-plus-after", reply: msg('R', i32(10), cstr("SCRAM-SHA-256"), cstr("SCRAM-SHA-256-PLUS"), []byte{0}), password: "secret"},
		{name: "sasl-unknown-mechanism", reply: msg('R', i32(10), cstr("OAUTHBEARER"), []byte{0}), password: "secret"},
		{name: "sasl-list-unterminated", reply: msg('R', i32(10), []byte("SCRAM-SHA-256")), password: "secret"},
		{name: "sasl-continue-first", reply: msg('R', i32(11), []byte("r=abc")), password: "secret"},
		{name: "sasl-final-first", reply: msg('R', i32(12), []byte("v=abc")), password: "secret"},
		{name: "kerberos4", reply: msg('R', i32(1))},
		{name: "gssapi", reply: msg('R', i32(7)), whole: true},
		{name: "crypt", reply: msg('R', i32(4))},
		{name: "scm-credentials", reply: msg('R', i32(6))},
		{name: "auth-length-2001", reply: cat([]byte{'R'}, i32(2001), i32(0))},
		{name: "error-length-40000", reply: cat([]byte{'E'}, i32(40000), []byte("FATAL: long\x00"))},
		{name: "parameter-before-auth", reply: cat(msg('S', cstr("a"), cstr("b")), stdStartupReply())},
		{name: "negotiate-protocol", reply: cat(msg('v', i32(0x30000), i32(1), cstr("_pq_.x")), stdStartupReply())},
		{name: "backend-key-short", reply: cat(msg('R', i32(0)), msg('K', i32(1)), ready('I'))},
		{name: "cleartext-twice", reply: cat(msg('R', i32(3)), msg('R', i32(3)), stdStartupReply()), password: "secret"},
		{name: "notice-before-auth", reply: cat(errResp('N', "S", "NOTICE", "M", "early"), stdStartupReply())},
	}
}

// differentialCases returns every case of the test, crafted and generated.
func differentialCases(t *testing.T) []diffCase {
	var cases []diffCase
	for _, cr := range craftedReplies() {
		cases = append(cases, replyCases(cr)...)
	}
	for _, cs := range craftedStartups() {
		cases = append(cases, startupCases(cs)...)
		if cs.whole {
			continue
		}
		// Over TCP libpq names the server differently in its errors.
		tcp := startupCases(craftedStartup{name: cs.name, reply: cs.reply, password: cs.password, whole: true})[0]
		tcp.name, tcp.tcp = "tcp/"+tcp.name, true
		cases = append(cases, tcp)
	}
	cases = append(cases, fuzzCorpusCases(t)...)
	cases = append(cases, generatedCases()...)
	cases = append(cases, generatedStartupCases()...)
	return cases
}

// replyCase is the case of one query run in mode with the reply cut into
// segs, after a trust startup, followed by a second command.
func replyCase(name string, cr craftedReply, mode string, segs [][]byte) diffCase {
	second := diffStep{cmd: "exec", arg: cr.next}
	switch {
	case mode == "prepare":
		second = diffStep{cmd: "xprepared"}
	case cr.next == "":
		second.arg = "select 2"
	}
	steps := append(append([]diffStep(nil), cr.pre...), diffStep{cmd: mode, arg: cr.query}, second)
	return diffCase{name: name, segs: append([][]byte{stdStartupReply()}, segs...), steps: steps}
}

// replyCases are a crafted reply's cases: in every mode whole and one byte
// per segment (up to 512 bytes), and cut in two at every boundary (or a
// sample) in the first mode, at a sample of boundaries in the others.
func replyCases(cr craftedReply) []diffCase {
	var out []diffCase
	modes := cr.modes
	if modes == nil {
		modes = diffModes
	}
	for i, mode := range modes {
		base := "reply/" + cr.name + "/" + mode
		out = append(out, replyCase(base+"/whole", cr, mode, [][]byte{cr.reply}))
		if len(cr.reply) > 1 && len(cr.reply) <= 512 {
			out = append(out, replyCase(base+"/bytes", cr, mode, splitEvery(cr.reply, 1)))
		}
		want := cr.splits
		if i > 0 {
			want = 8
		}
		for _, at := range boundaries(len(cr.reply), want) {
			out = append(out, replyCase(fmt.Sprintf("%s/cut%d", base, at), cr, mode, splitAt(cr.reply, at)))
		}
	}
	return out
}

// startupCases are a startup reply's cases: whole, one byte per segment
// and cut in two at every boundary, each followed by a query.
func startupCases(cs craftedStartup) []diffCase {
	// A startup that ends with ReadyForQuery is followed by the reply to
	// the query; after any other the query meets end of file.
	var after [][]byte
	if bytes.HasSuffix(cs.reply, ready('I')) {
		after = [][]byte{cat(cmdComplete("SELECT 0"), ready('I'))}
	}
	mk := func(name string, segs [][]byte) diffCase {
		return diffCase{name: "startup/" + cs.name + "/" + name, segs: append(segs, after...),
			password: cs.password, steps: []diffStep{{cmd: "exec", arg: "select 0"}}}
	}
	out := []diffCase{mk("whole", [][]byte{cs.reply})}
	if cs.whole {
		return out
	}
	if len(cs.reply) > 1 {
		out = append(out, mk("bytes", splitEvery(cs.reply, 1)))
	}
	for _, at := range boundaries(len(cs.reply), 0) {
		out = append(out, mk(fmt.Sprintf("cut%d", at), splitAt(cs.reply, at)))
	}
	return out
}

// boundaries returns the cut positions inside a stream of n bytes: all of
// them if want is 0, else about want of them spread evenly.
func boundaries(n, want int) []int {
	var out []int
	if n < 2 {
		return nil
	}
	step := 1
	if want > 0 && n-1 > want {
		step = (n - 1 + want - 1) / want
	}
	for at := 1; at < n; at += step {
		out = append(out, at)
	}
	return out
}

// splitAt cuts b at the given increasing positions.
func splitAt(b []byte, at ...int) [][]byte {
	var out [][]byte
	prev := 0
	for _, a := range at {
		if a > prev && a < len(b) {
			out = append(out, b[prev:a])
			prev = a
		}
	}
	return append(out, b[prev:])
}

// splitEvery cuts b into segments of n bytes.
func splitEvery(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n])
		b = b[n:]
	}
	return append(out, b)
}
