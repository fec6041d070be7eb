package diagnose

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The incident's five texts exactly as ../shared/DOMAIN.md quotes them.
var incidentTexts = []string{
	"PGRES_TUPLES_OK and no message from the libpq",
	`lost synchronization with server: got message type "i", length 1954111281`,
	`insufficient data in "T" message`,
	"IndexError: tuple index out of range",
	"ResourceClosedError: This result object does not return rows",
}

// The templates the incident's texts are of, in template order.
var incidentTemplates = []string{
	`lost synchronization with server: got message type "%c", length %d`,
	`insufficient data in "%c" message`,
	`error with status %s and no message from the libpq`,
	`tuple index out of range`,
	`This result object does not return rows. It has been closed automatically.`,
}

// details returns the match's details joined, "" without the match.
func details(ev *Evidence, format string) string {
	m := ev.Matched(format)
	if m == nil {
		return ""
	}
	return strings.Join(m.Details, "\n")
}

// TestParseIncidentTexts: each of the five texts matches its template
// once; the two quoted in part are marked so; the details decode the
// status, the message type and the length word.
func TestParseIncidentTexts(t *testing.T) {
	ev, err := Parse(incidentTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Records != 5 || len(ev.Unknown) != 0 {
		t.Fatalf("records %d, unknown %v", ev.Records, ev.Unknown)
	}
	if got := ev.Templates(); !slices.Equal(got, incidentTemplates) {
		t.Fatalf("templates %q\nwant %q", got, incidentTemplates)
	}
	for _, m := range ev.Matches {
		wantPartial := 0
		if strings.HasPrefix(m.Template, "error with status") || strings.HasPrefix(m.Template, "This result") {
			wantPartial = 1
		}
		if m.Count != 1 || m.Partial != wantPartial {
			t.Errorf("%q: count %d partial %d", m.Template, m.Count, m.Partial)
		}
	}
	if d := details(ev, incidentTemplates[0]); !strings.Contains(d, `0x74795F31 = "ty_1"`) || !strings.Contains(d, "RowDescription") {
		t.Errorf("length word: %q", d)
	}
	if d := details(ev, incidentTemplates[1]); !strings.Contains(d, `"T" (RowDescription)`) {
		t.Errorf("message type: %q", d)
	}
	if d := details(ev, incidentTemplates[2]); !strings.HasPrefix(d, "status PGRES_TUPLES_OK") {
		t.Errorf("status: %q", d)
	}
	if m := ev.Matched(incidentTemplates[4]); !slices.Equal(m.Classes, []string{"ResourceClosedError"}) {
		t.Errorf("classes %q", m.Classes)
	}
	if len(ev.Notes) != 1 || !strings.Contains(ev.Notes[0], "no pids or timestamps") {
		t.Errorf("notes %q", ev.Notes)
	}
}

// The incident's texts in the forms applications log them.
var wrappedIncidentTexts = []string{
	"sqlalchemy.exc.DatabaseError: (psycopg2.DatabaseError) error with status PGRES_TUPLES_OK and no message from the libpq\n" +
		"[SQL: SELECT activity_1.id AS activity_1_id, activity_1.name AS activity_1_name \nFROM activity AS activity_1]\n" +
		"(Background on this error at: https://sqlalche.me/e/14/4xp6)",
	"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) lost synchronization with server: got message type \"i\", length 1954111281\n\n" +
		"[SQL: SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = %(k_1)s]\n[parameters: {'k_1': 'k1'}]\n" +
		"(Background on this error at: https://sqlalche.me/e/14/e3q8)",
	"Exception on /api/activity [GET]\nTraceback (most recent call last):\n" +
		"  File \"/srv/app/views.py\", line 41, in activity\n    rows = db.session.execute(q).all()\n" +
		"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) insufficient data in \"T\" message\n\n" +
		"(Background on this error at: https://sqlalche.me/e/14/e3q8)",
	"Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/sqlalchemy/engine/row.py\", line 77, in __getitem__\n" +
		"    return self._data[key]\nIndexError: tuple index out of range",
	"Task app.tasks.sync[1] raised unexpected: ResourceClosedError('This result object does not return rows. It has been closed automatically.')",
}

// TestParseWrappedForms: SQLAlchemy's wrapped form, a traceback and a
// Celery failure give the same templates as the bare texts, with the
// classes, statements and codes taken apart; the length word is traced
// to the column labels of a logged statement.
func TestParseWrappedForms(t *testing.T) {
	ev, err := Parse(wrappedIncidentTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Templates(); !slices.Equal(got, incidentTemplates) {
		t.Fatalf("templates %q\nwant %q", got, incidentTemplates)
	}
	for _, m := range ev.Matches {
		if m.Count != 1 || m.Partial != 0 {
			t.Errorf("%q: count %d partial %d", m.Template, m.Count, m.Partial)
		}
	}
	if len(ev.SQL) != 2 || !strings.HasPrefix(ev.SQL[0], "SELECT activity_1.id AS activity_1_id") ||
		!strings.HasSuffix(ev.SQL[0], "FROM activity AS activity_1") {
		t.Errorf("statements %q", ev.SQL)
	}
	if d := details(ev, incidentTemplates[0]); !strings.Contains(d, `"ity_1" is inside activity_1_id, activity_1_name`) {
		t.Errorf("length word not traced to the labels: %q", d)
	}
	want := map[string][]string{
		incidentTemplates[0]: {"sqlalchemy.exc.OperationalError"},
		incidentTemplates[2]: {"sqlalchemy.exc.DatabaseError"},
		incidentTemplates[3]: {"IndexError"},
		incidentTemplates[4]: {"ResourceClosedError"},
	}
	for f, classes := range want {
		if m := ev.Matched(f); !slices.Equal(m.Classes, classes) {
			t.Errorf("%q: classes %q, want %q", f, m.Classes, classes)
		}
	}
	if ex := ev.Matched(incidentTemplates[2]).Examples; len(ex) != 1 ||
		ex[0] != "sqlalchemy.exc.DatabaseError: (psycopg2.DatabaseError) error with status PGRES_TUPLES_OK and no message from the libpq" {
		t.Errorf("examples %q", ex)
	}
}

// TestUnwrap takes SQLAlchemy's, Python's and Celery's forms apart, and
// leaves traceback frames out even when a source line quotes a message.
func TestUnwrap(t *testing.T) {
	got := Unwrap(wrappedIncidentTexts[1])
	want := Raised{Class: "sqlalchemy.exc.OperationalError", DBAPI: "psycopg2.OperationalError",
		Message: `lost synchronization with server: got message type "i", length 1954111281`,
		SQL:     "SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = %(k_1)s", Params: "{'k_1': 'k1'}", Code: "e3q8"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("wrapped form:\n%+v\nwant\n%+v", got, want)
	}

	chained := "Traceback (most recent call last):\n  File \"pool.py\", line 1, in f\n" +
		"    raise TimeoutError(\"QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00\")\n" +
		"psycopg2.DatabaseError: error with status PGRES_TUPLES_OK and no message from the libpq\n\n" +
		"During handling of the above exception, another exception occurred:\n\n" +
		"Traceback (most recent call last):\n  File \"x.py\", line 2, in g\n    h()\nKeyError: 'user_id'"
	got = Unwrap(chained)
	if len(got) != 2 || got[0].Class != "psycopg2.DatabaseError" || got[1].Class != "KeyError" || got[1].Message != "'user_id'" {
		t.Errorf("chained: %+v", got)
	}
	ev, _ := Parse([]string{chained}, nil)
	if ev.Matched(`QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f`) != nil {
		t.Error("a source line in a frame taken for a message")
	}

	celery := `Task app.tasks.handle[3] raised unexpected: DatabaseError('(psycopg2.DatabaseError) error with status PGRES_TUPLES_OK and no message from the libpq\n(Background on this error at: https://sqlalche.me/e/14/4xp6)')`
	got = Unwrap(celery)
	if len(got) != 1 || got[0].Class != "DatabaseError" || got[0].DBAPI != "psycopg2.DatabaseError" || got[0].Code != "4xp6" ||
		got[0].Message != "error with status PGRES_TUPLES_OK and no message from the libpq" {
		t.Errorf("celery: %+v", got)
	}
	if s, ok := pyString(`'a\'b\\c\x41\u00e9\n'`); !ok || s != "a'b\\cA\u00e9\n" {
		t.Errorf("repr %q %v", s, ok)
	}
	// Inside a traceback any name on the last line is the class.
	got = Unwrap("Traceback (most recent call last):\n  File \"a.py\", line 3, in f\n    next(it)\nStopIteration")
	if len(got) != 1 || got[0].Class != "StopIteration" || got[0].Message != "" {
		t.Errorf("traceback's last line: %+v", got)
	}
	if got := Unwrap("libpq: no connection to the server"); len(got) != 1 || got[0].Class != "" {
		t.Errorf("a text without a class: %+v", got)
	}
}

// TestDecodeLength: the incident's length word is "ty_1", the middle of a
// column label; other words are explained by what their bytes look like.
func TestDecodeLength(t *testing.T) {
	lw := DecodeLength('i', 1954111281)
	if lw.Hex != "0x74795F31" || string(lw.Bytes[:]) != "ty_1" || lw.Text != "ity_1" ||
		!strings.Contains(lw.Explanation, "RowDescription") || !strings.Contains(lw.Explanation, "activity_1_id") {
		t.Errorf("incident's word: %+v", lw)
	}
	if s := lw.String(); !strings.HasPrefix(s, `type "i", length 1954111281 = 0x74795F31 = "ty_1": `) {
		t.Errorf("rendered %q", s)
	}
	if ids := lw.Identify([]string{"SELECT activity_1.id AS activity_1_id FROM activity AS activity_1", "SELECT 1"}); !slices.Equal(ids, []string{"activity_1_id"}) {
		t.Errorf("identified %q", ids)
	}
	cases := []struct {
		typ    byte
		length int64
		want   string
	}{
		{'3', 959459376, "digits"},                  // "3900" after "3"
		{'x', 2021161080, "text"},                   // "xxxx": payload bytes
		{0xff, -65536, "not a message's start"},     // below 4
		{'\x05', 1224736781, "binary"},              // 0x48FF000D
		{'@', 117441280, "binary"},                  // 0x07000000
		{'Z', 2, "not a message's start"},           // a length under 4
		{'\x02', 5, "small length with an unknown"}, // 0x00000005
	}
	for _, c := range cases {
		if e := DecodeLength(c.typ, c.length).Explanation; !strings.Contains(e, c.want) {
			t.Errorf("%q %d: %q lacks %q", c.typ, c.length, e, c.want)
		}
	}
}

// TestParseLog reads the sample incident log: the five templates in
// their wrapped forms, counted once per record, with pids and times; the
// unknown KeyError; and what the pids and timestamps say.
func TestParseLog(t *testing.T) {
	f, err := os.Open("testdata/incident.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := Parse(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Templates(); !slices.Equal(got, incidentTemplates) {
		t.Fatalf("templates %q\nwant %q", got, incidentTemplates)
	}
	counts := map[string]int{incidentTemplates[0]: 1, incidentTemplates[1]: 1, incidentTemplates[2]: 2,
		incidentTemplates[3]: 2, incidentTemplates[4]: 1}
	for _, m := range ev.Matches {
		if m.Count != counts[m.Template] || m.Partial != 0 {
			t.Errorf("%q: count %d partial %d, want %d", m.Template, m.Count, m.Partial, counts[m.Template])
		}
	}
	if ev.Records != 8 || len(ev.Unknown) != 1 || ev.Unknown[0].Text != "KeyError: 'user_id'" {
		t.Errorf("records %d, unknown %+v", ev.Records, ev.Unknown)
	}
	m := ev.Matched(incidentTemplates[2])
	if !slices.Equal(m.Who, []string{"pid 1234", "ForkPoolWorker-2"}) ||
		!m.First.Equal(time.Date(2024, 5, 1, 12, 0, 1, 0, time.UTC)) ||
		!m.Last.Equal(time.Date(2024, 5, 1, 12, 12, 40, 518e6, time.UTC)) {
		t.Errorf("who %q, first %v, last %v", m.Who, m.First, m.Last)
	}
	if d := details(ev, incidentTemplates[0]); !strings.Contains(d, "activity_1_id") {
		t.Errorf("length word not traced to the logged statement: %q", d)
	}
	roles := map[string]string{}
	for _, p := range ev.Processes {
		roles[p.Who] = p.Role
	}
	if roles["pid 1200"] != "master" || roles["pid 1234"] != "worker" || roles["pid 1301"] != "replacement worker" {
		t.Errorf("processes %+v", ev.Processes)
	}
	notes := strings.Join(ev.Notes, "\n")
	for _, want := range []string{
		"first errors right after boot (pid 1234 1s after it booted; pid 1235 1s after it booted)",
		"replacement workers fail too (pid 1301 2s after it booted)",
		"at 2024-05-01 12:00:01 pid 1234 and pid 1235 logged errors within 1s of each other",
		"at 2024-05-01 12:12:40 ForkPoolWorker-2 and ForkPoolWorker-1 logged errors within 5ms of each other",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if strings.Contains(notes, "one process") {
		t.Errorf("several processes taken for one:\n%s", notes)
	}
}

// TestParseLogOneProcess: errors from a single process are said to fit
// threads sharing a connection as well as fork. A log without prefixes
// is split at its tracebacks: a line before a traceback heads it (as
// Flask's "Exception on ..." does), a finished traceback ends its record.
func TestParseLogOneProcess(t *testing.T) {
	log := "[2024-05-01 12:00:00 +0000] [77] [ERROR] request 1: libpq: lost synchronization with server: got message type \"x\", length 2021161080\n" +
		"[2024-05-01 12:00:00 +0000] [77] [ERROR] request 2: libpq: no connection to the server\n"
	ev, err := Parse(nil, strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Notes) != 1 || !strings.Contains(ev.Notes[0], "one process (pid 77)") || !strings.Contains(ev.Notes[0], "threads") {
		t.Errorf("notes %q", ev.Notes)
	}

	plain := "starting\nTraceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\n" +
		"IndexError: tuple index out of range\nTraceback (most recent call last):\n  File \"b.py\", line 2, in g\n    h()\n" +
		"sqlalchemy.exc.ResourceClosedError: This result object does not return rows. It has been closed automatically.\n" +
		"IndexError: tuple index out of range\n"
	recs, err := ReadLog(strings.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || !strings.HasPrefix(recs[0].Text, "starting\nTraceback") || recs[2].Text != "IndexError: tuple index out of range" ||
		!strings.HasPrefix(recs[1].Text, "Traceback") || recs[1].Line != 6 || recs[2].Line != 10 {
		t.Errorf("records %+v", recs)
	}
	ev, _ = Parse(nil, strings.NewReader(plain))
	if m := ev.Matched(`tuple index out of range`); m == nil || m.Count != 2 || ev.Records != 3 {
		t.Errorf("plain log: %+v", ev)
	}
}
