package record

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestWriteRead: messages written by Writer read back equal, grouped
// into sessions in the order each session's first message appears, each
// session's messages in order; the file is the header line and one line
// per message, with SQL's < and & unescaped.
func TestWriteRead(t *testing.T) {
	msgs := []Message{
		{Session: 2, Type: StartupMessage, Protocol: "3.0", Params: map[string]string{"user": "a"}},
		{Session: 1, Type: StartupMessage, Protocol: "3.0", Params: map[string]string{"user": "b"}},
		{Session: 2, Type: Query, SQL: "SELECT 1 WHERE 1 < 2 AND 'a' = 'a' || ''"},
		{Session: 1, Type: Bind, Values: []*string{nil, str("x")}, ParamFormats: []int16{0}},
		{Session: 2, Type: CopyData, Data: []byte{0, 1, 2}},
		{Session: 1, Type: Terminate},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, m := range msgs {
		if err := w.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 1+len(msgs) || lines[0] != `{"format":"poolsim-record","version":1}` {
		t.Fatalf("file:\n%s", buf.String())
	}
	if want := `{"session":2,"type":"Query","sql":"SELECT 1 WHERE 1 < 2 AND 'a' = 'a' || ''"}`; lines[3] != want {
		t.Errorf("line 4: %s, want %s", lines[3], want)
	}
	rec, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []*Session{
		{ID: 2, Messages: []Message{msgs[0], msgs[2], msgs[4]}},
		{ID: 1, Messages: []Message{msgs[1], msgs[3], msgs[5]}},
	}
	if !reflect.DeepEqual(rec.Sessions, want) {
		t.Fatalf("read\n%+v\nwant\n%+v", rec.Sessions, want)
	}
	if p := rec.Sessions[1].Startup(); p["user"] != "b" {
		t.Errorf("session 1's startup %v", p)
	}
}

// TestReadRefuses: what is not a recording of this version is refused,
// naming the line.
func TestReadRefuses(t *testing.T) {
	header := `{"format":"poolsim-record","version":1}` + "\n"
	for _, c := range []struct{ file, err string }{
		{"", "empty"},
		{`{"session":1,"type":"Query"}` + "\n", "line 1: not a recording"},
		{`{"format":"poolsim-record","version":2}` + "\n", "line 1: recording format version 2 is not supported"},
		{header + `{"session":1,"type":"Query","sql":"x","color":"red"}` + "\n", `line 2: not a message: json: unknown field "color"`},
		{header + "\n" + `{"type":"Query"}` + "\n", "line 3: a message needs a session"},
		{header + `{"session":1,"type":"Query"} {}` + "\n", "line 2: not a message: more than one value"},
		{header + `{"session":1,`, "line 2: not a message"},
	} {
		_, err := Read(strings.NewReader(c.file))
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: %v, want %q", c.file, err, c.err)
		}
	}
	if _, err := Read(strings.NewReader(header)); err != nil {
		t.Errorf("a recording without messages: %v", err)
	}
}
