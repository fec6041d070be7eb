package libpq

import (
	"fmt"
	"net"
	"syscall"
	"testing"
)

// PQexec returns the last result of a multi-statement reply.
func TestExecKeepsLastResult(t *testing.T) {
	c := NewConn(newServer(cat(cmdComplete("BEGIN"), rowDesc(col{"a", 23}), dataRow(sp("7")),
		cmdComplete("SELECT 1"), cmdComplete("INSERT 0 3"), ready('T'))))
	r := c.Exec("begin; select 7 as a; insert into t select 1 from generate_series(1,3)")
	wantResult(t, r, PGRES_COMMAND_OK, "")
	if r.CmdStatus() != "INSERT 0 3" || r.CmdTuples() != "3" {
		t.Errorf("CmdStatus %q CmdTuples %q", r.CmdStatus(), r.CmdTuples())
	}
	if c.TransactionStatus() != PQTRANS_INTRANS {
		t.Errorf("transaction status = %s, want PQTRANS_INTRANS", c.TransactionStatus())
	}
	wantConn(t, c, ConnectionOK, "")
}

// An error followed by more results: the last result wins, the error text
// stays in the connection's error message.
func TestExecErrorThenRows(t *testing.T) {
	c := NewConn(newServer(cat(errResp('E', "S", "ERROR", "V", "ERROR", "C", "XX000", "M", "boom"),
		rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I'))))
	r := c.Exec("select 1")
	wantResult(t, r, PGRES_TUPLES_OK, "")
	if r.NTuples() != 1 || r.GetValue(0, 0) != "1" {
		t.Errorf("rows = %q", r.Rows())
	}
	wantConn(t, c, ConnectionOK, "ERROR:  boom\n")
}

// The error cursor display, as psql prints it (checked against psql 15
// and a PostgreSQL 15 server).
func TestServerErrorWithPosition(t *testing.T) {
	e := errResp('E', "S", "ERROR", "V", "ERROR", "C", "42P01", "M", `relation "x" does not exist`, "P", "15",
		"F", "parse_relation.c", "L", "1392", "R", "parserOpenTable")
	const want = "ERROR:  relation \"x\" does not exist\n" +
		"LINE 1: select * from x\n" +
		"                      ^\n"

	t.Run("Exec", func(t *testing.T) {
		c := NewConn(newServer(cat(e, ready('I'))))
		r := c.Exec("select * from x")
		wantResult(t, r, PGRES_FATAL_ERROR, want)
		wantConn(t, c, ConnectionOK, want)
		for code, v := range map[byte]string{'S': "ERROR", 'C': "42P01", 'P': "15", 'R': "parserOpenTable", 'D': ""} {
			if got := r.ErrorField(code); got != v {
				t.Errorf("ErrorField(%q) = %q, want %q", code, got, v)
			}
		}
		if er := r.ErrorResponse(); er == nil || er.Position != 15 || er.Code != "42P01" || er.Line != 1392 {
			t.Errorf("ErrorResponse = %+v", er)
		}
	})
	t.Run("ExecParams", func(t *testing.T) {
		c := NewConn(newServer(cat(e, ready('I'))))
		wantResult(t, c.ExecParams("select * from x", nil, 0), PGRES_FATAL_ERROR, want)
	})
	// PQexecPrepared has no query text: the position goes on the first
	// line.
	t.Run("ExecPrepared", func(t *testing.T) {
		c := NewConn(newServer(cat(e, ready('I'))))
		wantResult(t, c.ExecPrepared("s1", nil, 0), PGRES_FATAL_ERROR,
			"ERROR:  relation \"x\" does not exist at character 15\n")
	})
	t.Run("multi-statement", func(t *testing.T) {
		c := NewConn(newServer(cat(cmdComplete("BEGIN"),
			errResp('E', "S", "ERROR", "C", "42601", "M", `syntax error at or near "selectx"`, "P", "8"),
			ready('E'))))
		r := c.Exec("begin; selectx")
		const want = "ERROR:  syntax error at or near \"selectx\"\nLINE 1: begin; selectx\n               ^\n"
		wantResult(t, r, PGRES_FATAL_ERROR, want)
		if c.TransactionStatus() != PQTRANS_INERROR {
			t.Errorf("transaction status = %s, want PQTRANS_INERROR", c.TransactionStatus())
		}
	})
}

// A FATAL error and then EOF: the second result carries only the new
// text, the connection's error message both.
func TestFatalThenEOFAccumulates(t *testing.T) {
	c := NewConn(newServer(errResp('E', "S", "FATAL", "V", "FATAL", "C", "57P01", "M",
		"terminating connection due to administrator command")))
	const fatal = "FATAL:  terminating connection due to administrator command\n"
	c.SendQuery("select 1")
	wantResult(t, c.GetResult(), PGRES_FATAL_ERROR, fatal)
	wantResult(t, c.GetResult(), PGRES_FATAL_ERROR, closedText)
	if r := c.GetResult(); r != nil {
		t.Errorf("third GetResult = %s, want nil", r.Status())
	}
	wantConn(t, c, ConnectionBad, fatal+closedText)

	c = NewConn(newServer(errResp('E', "S", "FATAL", "V", "FATAL", "C", "57P01", "M",
		"terminating connection due to administrator command")))
	wantResult(t, c.Exec("select 1"), PGRES_FATAL_ERROR, closedText)
	wantConn(t, c, ConnectionBad, fatal+closedText)
	if c.Exec("select 2") != nil {
		t.Fatal("Exec on a bad connection returned a result")
	}
	wantConn(t, c, ConnectionBad, noConnText)
}

func TestAnotherCommandInProgress(t *testing.T) {
	c := NewConn(newServer(cat(cmdComplete("SELECT 0"), ready('I'))))
	if !c.SendQuery("select 1") {
		t.Fatalf("SendQuery failed: %q", c.ErrorMessage())
	}
	if c.TransactionStatus() != PQTRANS_ACTIVE {
		t.Errorf("transaction status = %s, want PQTRANS_ACTIVE", c.TransactionStatus())
	}
	if c.SendQuery("select 2") {
		t.Fatal("second SendQuery succeeded")
	}
	wantConn(t, c, ConnectionOK, "another command is already in progress\n")
	wantResult(t, c.GetResult(), PGRES_COMMAND_OK, "")
	if c.GetResult() != nil {
		t.Error("GetResult after the reply is not nil")
	}
	// The error text stays until the next query cycle starts.
	wantConn(t, c, ConnectionOK, "another command is already in progress\n")
}

func TestIsBusyAndConsumeInput(t *testing.T) {
	c := NewConn(newServer(cat(cmdComplete("SELECT 0"), ready('I'))).chunked(3))
	c.SendQuery("select 0")
	busy := 0
	for c.IsBusy() {
		if !c.ConsumeInput() {
			t.Fatalf("ConsumeInput failed: %q", c.ErrorMessage())
		}
		busy++
	}
	if busy == 0 {
		t.Error("IsBusy was never true before input arrived")
	}
	wantResult(t, c.GetResult(), PGRES_COMMAND_OK, "")
	if c.GetResult() != nil {
		t.Error("no nil after the reply")
	}
}

func TestPrepareAndExecPrepared(t *testing.T) {
	srv := newServer(cat(msg('1'), ready('I')),
		cat(msg('2'), rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I')))
	c := NewConn(srv)
	wantResult(t, c.Prepare("s1", "select $1::int", 1), PGRES_COMMAND_OK, "")
	v := "1"
	r := c.ExecPrepared("s1", []*string{&v, nil}, 0)
	wantResult(t, r, PGRES_TUPLES_OK, "")
	if r.GetValue(0, 0) != "1" {
		t.Errorf("value = %q", r.GetValue(0, 0))
	}
	got := fmt.Sprintf("%q", srv.messages(t, false))
	want := fmt.Sprintf("%q", [][2]string{
		{"P", "s1\x00select $1::int\x00\x00\x00"},
		{"S", ""},
		{"B", "\x00s1\x00\x00\x00\x00\x02\x00\x00\x00\x011\xff\xff\xff\xff\x00\x01\x00\x00"},
		{"D", "P\x00"},
		{"E", "\x00\x00\x00\x00\x00"},
		{"S", ""},
	})
	if got != want {
		t.Errorf("client messages\n%s\nwant\n%s", got, want)
	}
}

func TestExecParamsMessages(t *testing.T) {
	srv := newServer(cat(msg('1'), msg('2'), rowDesc(col{"a", 25}), dataRow(sp("x")), cmdComplete("SELECT 1"), ready('I')))
	c := NewConn(srv)
	v := "x\x00ignored"
	r := c.ExecParams("select $1", []*string{&v}, 1)
	wantResult(t, r, PGRES_TUPLES_OK, "")
	got := fmt.Sprintf("%q", srv.messages(t, false))
	want := fmt.Sprintf("%q", [][2]string{
		{"P", "\x00select $1\x00\x00\x00"},
		{"B", "\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01x\x00\x01\x00\x01"},
		{"D", "P\x00"},
		{"E", "\x00\x00\x00\x00\x00"},
		{"S", ""},
	})
	if got != want {
		t.Errorf("client messages\n%s\nwant\n%s", got, want)
	}
}

func TestCopyStates(t *testing.T) {
	t.Run("COPY OUT", func(t *testing.T) {
		srv := newServer(cat(msg('H', []byte{0}, i16(1), i16(0)), msg('d', []byte("1\n")), msg('c'),
			cmdComplete("COPY 1"), ready('I')))
		c := NewConn(srv)
		r := c.Exec("copy t to stdout")
		wantResult(t, r, PGRES_COPY_OUT, "")
		if r.NFields() != 1 || c.TransactionStatus() != PQTRANS_ACTIVE {
			t.Errorf("NFields %d, transaction status %s", r.NFields(), c.TransactionStatus())
		}
		if r.BinaryTuples() != 0 {
			t.Errorf("BinaryTuples = %d, want 0", r.BinaryTuples())
		}
		// The next Exec drops the COPY data and swallows the completion.
		wantResult(t, c.Exec("select 2"), PGRES_FATAL_ERROR, closedText)
	})
	// libpq's PQbinaryTuples is the raw format byte of a COPY response.
	t.Run("COPY OUT with format byte '0'", func(t *testing.T) {
		c := NewConn(newServer(msg('H', []byte{'0'}, i16(1), i16(0))))
		r := c.Exec("copy t to stdout")
		wantResult(t, r, PGRES_COPY_OUT, "")
		if r.BinaryTuples() != 48 {
			t.Errorf("BinaryTuples = %d, want 48", r.BinaryTuples())
		}
	})
	t.Run("COPY IN", func(t *testing.T) {
		srv := newServer(msg('G', []byte{0}, i16(1), i16(0)),
			cat(errResp('E', "S", "ERROR", "C", "57014", "M", "COPY from stdin failed: COPY terminated by new PQexec"), ready('I')),
			cat(cmdComplete("SELECT 0"), ready('I')))
		c := NewConn(srv)
		wantResult(t, c.Exec("copy t from stdin"), PGRES_COPY_IN, "")
		wantResult(t, c.Exec("select 0"), PGRES_COMMAND_OK, "")
		wantConn(t, c, ConnectionOK, "")
		msgs := srv.messages(t, false)
		if len(msgs) != 3 || msgs[1] != [2]string{"f", "COPY terminated by new PQexec\x00"} {
			t.Errorf("client messages = %q", msgs)
		}
	})
	t.Run("COPY BOTH", func(t *testing.T) {
		c := NewConn(newServer(msg('W', []byte{0}, i16(0))))
		wantResult(t, c.Exec("start_replication"), PGRES_COPY_BOTH, "")
		if c.Exec("select 2") != nil {
			t.Fatal("Exec during COPY BOTH returned a result")
		}
		wantConn(t, c, ConnectionOK, "PQexec not allowed during COPY BOTH\n")
	})
}

func TestReadErrors(t *testing.T) {
	reply := cat(rowDesc(col{"a", 23}), dataRow(sp("1")))
	tests := []struct {
		err    error
		msg    string
		status ConnStatus
	}{
		{syscall.ECONNRESET, closedText, ConnectionBad},
		{&net.OpError{Op: "read", Net: "tcp", Err: syscall.EPIPE}, closedText, ConnectionBad},
		{syscall.ETIMEDOUT, "could not receive data from server: Connection timed out\n", ConnectionBad},
		{&net.OpError{Op: "read", Net: "sim", Err: net.ErrClosed}, "could not receive data from server: Bad file descriptor\n", ConnectionOK},
		{errTest, "could not receive data from server: test error\n", ConnectionOK},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			srv := newServer(reply)
			srv.endErr = tt.err
			c := NewConn(srv)
			wantResult(t, c.Exec("select a from t"), PGRES_FATAL_ERROR, tt.msg)
			wantConn(t, c, tt.status, tt.msg)
		})
	}
}

func TestWriteFailure(t *testing.T) {
	// The write error is reported only if reading gives nothing better.
	t.Run("reported after a read", func(t *testing.T) {
		srv := newServer(rowDesc(col{"a", 23}))
		srv.writeErr = syscall.EIO
		c := NewConn(srv)
		wantResult(t, c.Exec("select a from t"), PGRES_FATAL_ERROR, "could not send data to server: Input/output error\n")
		wantConn(t, c, ConnectionOK, "could not send data to server: Input/output error\n")
	})
	t.Run("server error wins", func(t *testing.T) {
		srv := newServer(errResp('E', "S", "FATAL", "C", "57P01", "M", "terminating connection due to administrator command"))
		srv.writeErr = syscall.EPIPE
		c := NewConn(srv)
		wantResult(t, c.Exec("select 1"), PGRES_FATAL_ERROR, closedText)
		wantConn(t, c, ConnectionBad, "FATAL:  terminating connection due to administrator command\n"+closedText)
	})
}

func TestFinish(t *testing.T) {
	srv := newServer()
	c := NewConn(srv)
	c.Finish()
	if got := srv.messages(t, false); len(got) != 1 || got[0][0] != "X" {
		t.Errorf("client messages = %q, want one Terminate", got)
	}
	if srv.closed != 1 {
		t.Errorf("closed %d times", srv.closed)
	}
	wantConn(t, c, ConnectionBad, "")
	if c.Exec("select 1") != nil {
		t.Fatal("Exec after Finish returned a result")
	}
	wantConn(t, c, ConnectionBad, noConnText)

	// A connection that is already bad sends nothing and is not closed
	// twice.
	srv = newServer([]byte("ity_1"))
	c = NewConn(srv)
	c.Exec("select 1")
	c.Finish()
	if len(srv.messages(t, false)) != 1 || srv.closed != 1 {
		t.Errorf("messages %q, closed %d times", srv.messages(t, false), srv.closed)
	}
}

func TestNoticeProcessor(t *testing.T) {
	reply := cat(errResp('N', "S", "WARNING", "V", "WARNING", "C", "25001", "M", "there is already a transaction in progress",
		"W", "context is not shown for notices"), cmdComplete("BEGIN"), ready('T'))
	c := NewConn(newServer(reply))
	var got []string
	c.SetNoticeProcessor(func(m string) { got = append(got, m) })
	wantResult(t, c.Exec("begin"), PGRES_COMMAND_OK, "")
	if len(got) != 1 || got[0] != "WARNING:  there is already a transaction in progress\n" {
		t.Errorf("notices = %q", got)
	}
	if len(c.Notices()) != 0 {
		t.Errorf("default processor also got %q", c.Notices())
	}
}

func TestNilResult(t *testing.T) {
	var r *Result
	if r.Status() != PGRES_FATAL_ERROR || r.ErrorMessage() != "" || r.NTuples() != 0 || r.GetValue(0, 0) != "" {
		t.Error("nil result accessors differ from libpq's NULL handling")
	}
}

func TestStatusNames(t *testing.T) {
	for s, want := range map[ExecStatus]string{
		PGRES_EMPTY_QUERY: "PGRES_EMPTY_QUERY", PGRES_TUPLES_OK: "PGRES_TUPLES_OK",
		PGRES_BAD_RESPONSE: "PGRES_BAD_RESPONSE", PGRES_NONFATAL_ERROR: "PGRES_NONFATAL_ERROR",
		PGRES_FATAL_ERROR: "PGRES_FATAL_ERROR", PGRES_COMMAND_OK: "PGRES_COMMAND_OK", 42: "invalid ExecStatusType code",
	} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
	if PQTRANS_INERROR.String() != "PQTRANS_INERROR" || ConnectionBad.String() != "CONNECTION_BAD" {
		t.Error("status names")
	}
}

func TestEmptyQuery(t *testing.T) {
	c := NewConn(newServer(cat(msg('I'), ready('I'))))
	r := c.Exec("")
	wantResult(t, r, PGRES_EMPTY_QUERY, "")
}
