package libpq

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// sharedMemory returns the paths at which a and b (values of the same
// type) reach the same slice backing array, map or pointed-to value.
// Interfaces and functions are not followed: the socket, the pending read
// error and installed callbacks may be shared.
func sharedMemory(a, b any) []string {
	var out []string
	walkShared("", reflect.ValueOf(a), reflect.ValueOf(b), &out)
	return out
}

func walkShared(path string, a, b reflect.Value, out *[]string) {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		walkShared(path, a.Elem(), b.Elem(), out)
	case reflect.Struct:
		for i := range a.NumField() {
			walkShared(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i), out)
		}
	case reflect.Slice:
		size := a.Type().Elem().Size()
		if a.Cap() > 0 && b.Cap() > 0 && size > 0 {
			aLo, bLo := a.Pointer(), b.Pointer()
			aHi, bHi := aLo+uintptr(a.Cap())*size, bLo+uintptr(b.Cap())*size
			if aLo < bHi && bLo < aHi {
				*out = append(*out, path)
				return
			}
		}
		for i := range min(a.Len(), b.Len()) {
			walkShared(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), out)
		}
	case reflect.Map:
		if !a.IsNil() && !b.IsNil() && a.Pointer() == b.Pointer() {
			*out = append(*out, path)
		}
	}
}

// forkStartup is a startup reply with every setting libpq tracks.
func forkStartup() []byte {
	return cat(
		msg('R', i32(0)),
		msg('S', cstr("client_encoding"), cstr("UTF8")),
		msg('S', cstr("standard_conforming_strings"), cstr("on")),
		msg('S', cstr("server_version"), cstr("15.18")),
		msg('S', cstr("application_name"), cstr("web")),
		msg('K', i32(4242), i32(777)),
		ready('I'),
	)
}

func wantServerState(t *testing.T, who string, c *Conn, app string, xact TransactionStatus) {
	t.Helper()
	if c.ParameterStatus("application_name") != app || c.ParameterStatus("client_encoding") != "UTF8" ||
		c.BackendPID() != 4242 || c.beKey != 777 || c.ServerVersion() != 150018 ||
		c.clientEncoding != encUTF8 || !c.stdStrings || c.TransactionStatus() != xact {
		t.Errorf("%s: application_name %q encoding %q/%d pid %d key %d version %d std %v xact %s, want %q ... %s",
			who, c.ParameterStatus("application_name"), c.ParameterStatus("client_encoding"), c.clientEncoding,
			c.BackendPID(), c.beKey, c.ServerVersion(), c.stdStrings, c.TransactionStatus(), app, xact)
	}
}

// The copy keeps what the startup exchange and later messages set, and
// each side's later messages change only its own copy.
func TestForkKeepsServerState(t *testing.T) {
	srv := newServer(forkStartup(),
		cat(cmdComplete("BEGIN"), ready('T')),
		cat(msg('S', cstr("application_name"), cstr("parent")), cmdComplete("COMMIT"), ready('I')),
	).withStartup()
	c, err := Connect(srv, map[string]string{"user": "app"})
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, c.Exec("begin"), PGRES_COMMAND_OK, "")

	kidSrv := newServer(cat(msg('S', cstr("application_name"), cstr("child")),
		errResp('E', "S", "ERROR", "C", "22012", "M", "division by zero"), ready('E')))
	k := c.Fork(kidSrv)
	if s := sharedMemory(c, k); len(s) > 0 {
		t.Errorf("parent and copy share %q", s)
	}
	wantServerState(t, "copy", k, "web", PQTRANS_INTRANS)

	// The child's query changes its copy only.
	wantResult(t, k.Exec("select 1/0"), PGRES_FATAL_ERROR, "ERROR:  division by zero\n")
	wantServerState(t, "copy after its query", k, "child", PQTRANS_INERROR)
	wantServerState(t, "parent after the child's query", c, "web", PQTRANS_INTRANS)
	wantConn(t, c, ConnectionOK, "")

	// And the parent's changes its own.
	wantResult(t, c.Exec("commit"), PGRES_COMMAND_OK, "")
	wantServerState(t, "parent after its query", c, "parent", PQTRANS_IDLE)
	wantServerState(t, "copy after the parent's query", k, "child", PQTRANS_INERROR)
	wantConn(t, k, ConnectionOK, "ERROR:  division by zero\n")

	// Finish on the copy closes the child's view of the socket only.
	k.Finish()
	if kidSrv.closed != 1 || srv.closed != 0 {
		t.Errorf("closes: child view %d, parent's %d; want 1, 0", kidSrv.closed, srv.closed)
	}
	if msgs := kidSrv.messages(t, false); len(msgs) != 2 || msgs[1][0] != "X" {
		t.Errorf("child sent %q, want a Query and Terminate", msgs)
	}
	wantServerState(t, "parent after the copy's Finish", c, "parent", PQTRANS_IDLE)
	if k.ParameterStatus("application_name") != "" || k.Status() != ConnectionBad {
		t.Errorf("finished copy: application_name %q status %s", k.ParameterStatus("application_name"), k.Status())
	}
}

// reply4 is a two-row reply: T, D, D, C, Z.
func reply4() []byte {
	return cat(rowDesc(col{"id", 23}, col{"activity_1_id", 23}), dataRow(sp("1"), sp("2")), dataRow(sp("3"), sp("4")),
		cmdComplete("SELECT 2"), ready('I'))
}

// A copy made while part of a reply is buffered, and partly parsed, parses
// the same reply from its own buffer and its own socket, and so does the
// parent afterwards: consuming input in one leaves the other's buffer and
// result alone.
func TestForkBufferedReply(t *testing.T) {
	full := reply4()
	tLen := len(rowDesc(col{"id", 23}, col{"activity_1_id", 23}))
	dLen := len(dataRow(sp("1"), sp("2")))
	for _, cut := range []int{3, tLen, tLen + 4, tLen + dLen + 6, len(full)} {
		t.Run(fmt.Sprintf("cut%d", cut), func(t *testing.T) {
			srv := newServer(full).chunked(cut, 1<<20)
			c := NewConn(srv)
			if !c.SendQuery("select id, activity_1_id from t") || !c.ConsumeInput() || c.IsBusy() != (cut < len(full)) {
				t.Fatalf("setup: %q", c.ErrorMessage())
			}
			parentBuf := slices.Clone(c.inBuf[c.inStart:c.inEnd])
			parentRows := c.result.NTuples()

			k := c.Fork(newServer(full[cut:]))
			if s := sharedMemory(c, k); len(s) > 0 {
				t.Fatalf("parent and copy share %q", s)
			}
			if !bytes.Equal(k.inBuf[k.inStart:k.inEnd], parentBuf) || k.inCursor != c.inCursor {
				t.Fatalf("copy buffer %q cursor %d, parent %q cursor %d", k.inBuf[k.inStart:k.inEnd], k.inCursor, parentBuf, c.inCursor)
			}
			kr := k.GetResult()
			wantRows(t, "copy", kr)
			if k.GetResult() != nil || k.TransactionStatus() != PQTRANS_IDLE {
				t.Errorf("copy not idle after its reply")
			}

			if got := c.inBuf[c.inStart:c.inEnd]; !bytes.Equal(got, parentBuf) || c.result.NTuples() != parentRows {
				t.Fatalf("parent buffer %q rows %d after the copy parsed, want %q rows %d", got, c.result.NTuples(), parentBuf, parentRows)
			}
			if c.TransactionStatus() != PQTRANS_ACTIVE {
				t.Errorf("parent transaction status %s, want PQTRANS_ACTIVE", c.TransactionStatus())
			}
			cr := c.GetResult()
			wantRows(t, "parent", cr)
			if c.GetResult() != nil {
				t.Errorf("parent not idle after its reply")
			}
			if s := sharedMemory(kr, cr); len(s) > 0 {
				t.Errorf("results share %q", s)
			}
		})
	}
}

func wantRows(t *testing.T, who string, r *Result) {
	t.Helper()
	wantResult(t, r, PGRES_TUPLES_OK, "")
	if r.NTuples() != 2 || r.GetValue(0, 1) != "2" || r.GetValue(1, 0) != "3" || r.FName(1) != "activity_1_id" ||
		r.CmdStatus() != "SELECT 2" {
		t.Errorf("%s: rows %q fields %q tag %q", who, r.Rows(), r.FName(1), r.CmdStatus())
	}
}

// Every slice and map is copied, whatever state the connection is in.
func TestForkSharesNoMemory(t *testing.T) {
	states := map[string]func() *Conn{
		"rows with an error before them, input left": func() *Conn {
			reply := cat(errResp('N', "S", "WARNING", "M", "w1"), msg('A', i32(9), cstr("ch"), cstr("pay")),
				errResp('E', "S", "ERROR", "M", "first"), rowDesc(col{"a", 23}), dataRow(sp("x")), dataRow(sp("")),
				dataRow(sp("unread"))[:7])
			c := NewConn(newServer(reply))
			c.SendQuery("select 1; select 2")
			c.ConsumeInput()
			wantResult(t, c.GetResult(), PGRES_FATAL_ERROR, "ERROR:  first\n")
			c.IsBusy()
			return c
		},
		"error result pending": func() *Conn {
			c := NewConn(newServer(cat(errResp('E', "S", "ERROR", "C", "42P01", "M", "no", "P", "3"), ready('I'))))
			c.SendQuery("select * from x")
			c.ConsumeInput()
			c.IsBusy()
			return c
		},
		"parameter description pending": func() *Conn {
			c := NewConn(newServer(cat(msg('t', i16(2), i32(23), i32(25)), ready('I'))))
			c.SendQuery("q")
			c.ConsumeInput()
			c.IsBusy()
			return c
		},
	}
	for name, state := range states {
		t.Run(name, func(t *testing.T) {
			c := state()
			shallow := *c
			if s := sharedMemory(c, &shallow); len(s) < 4 {
				t.Fatalf("a shallow copy shares only %q: the check does not see the state", s)
			}
			k := c.Fork(newServer())
			if s := sharedMemory(c, k); len(s) > 0 {
				t.Errorf("parent and copy share %q", s)
			}
			if !reflect.DeepEqual(k.result.Rows(), c.result.Rows()) || !reflect.DeepEqual(k.result.Fields(), c.result.Fields()) ||
				!reflect.DeepEqual(k.result.errFields, c.result.errFields) || !slices.Equal(k.result.paramTypes, c.result.paramTypes) ||
				k.ErrorMessage() != c.ErrorMessage() || !slices.Equal(k.notices, c.notices) ||
				!slices.Equal(k.notifies, c.notifies) || len(k.cmdQueue) != len(c.cmdQueue) {
				t.Errorf("copy differs from the parent")
			}
			if r := c.result.Rows(); len(r) == 2 && (r[1][0] == nil || k.result.Rows()[1][0] == nil) {
				t.Errorf("an empty value became NULL")
			}
		})
	}
}

// A copy made with the default notice processor collects its own notices;
// so does a result it inherited. A processor the application installed is
// the same function in both.
func TestForkNoticeProcessors(t *testing.T) {
	notice := func(m string) []byte { return errResp('N', "S", "NOTICE", "M", m) }
	t.Run("default", func(t *testing.T) {
		c := NewConn(newServer(cat(notice("p1"), notice("p2"), notice("p3"), cmdComplete("SELECT 0"), ready('I')),
			cat(notice("p4"), cmdComplete("SELECT 0"), ready('I'))))
		c.Exec("select")
		k := c.Fork(newServer(cat(notice("k1"), cmdComplete("SELECT 0"), ready('I'))))
		k.Exec("select")
		c.Exec("select")
		want := []string{"NOTICE:  p1\n", "NOTICE:  p2\n", "NOTICE:  p3\n"}
		if got := k.Notices(); !slices.Equal(got, append(slices.Clone(want), "NOTICE:  k1\n")) {
			t.Errorf("copy notices %q", got)
		}
		if got := c.Notices(); !slices.Equal(got, append(slices.Clone(want), "NOTICE:  p4\n")) {
			t.Errorf("parent notices %q", got)
		}
	})
	t.Run("installed", func(t *testing.T) {
		var got []string
		c := NewConn(newServer())
		c.SetNoticeProcessor(func(m string) { got = append(got, m) })
		k := c.Fork(newServer(cat(notice("k1"), cmdComplete("SELECT 0"), ready('I'))))
		k.Exec("select")
		if !slices.Equal(got, []string{"NOTICE:  k1\n"}) || len(k.Notices()) != 0 {
			t.Errorf("installed processor got %q, copy notices %q", got, k.Notices())
		}
		// Restoring the default on the copy makes it collect its own.
		k.SetNoticeProcessor(nil)
		internalNotice(k.notice, "x")
		if len(got) != 1 || !slices.Equal(k.Notices(), []string{"x\n"}) {
			t.Errorf("after restoring the default: installed got %q, copy notices %q", got, k.Notices())
		}
	})
	// A result built before the fork reports to the connection it ends up
	// in when it was made with the default processor, and to the installed
	// processor otherwise.
	for _, installed := range []bool{false, true} {
		t.Run(fmt.Sprintf("pending result/installed=%v", installed), func(t *testing.T) {
			var got []string
			c := NewConn(newServer(cat(rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I'))))
			if installed {
				c.SetNoticeProcessor(func(m string) { got = append(got, m) })
			}
			c.SendQuery("select 1")
			c.ConsumeInput()
			c.IsBusy()
			c.SetNoticeProcessor(nil) // later changes do not affect the result
			k := c.Fork(newServer())
			kr := k.GetResult()
			cr := c.GetResult()
			if kr == cr || kr.GetValue(5, 0) != "" {
				t.Fatal("copy shares the parent's result or has a row 5")
			}
			const text = "row number 5 is out of range 0..0\n"
			want := []string{text}
			if installed {
				if !slices.Equal(got, want) || len(k.Notices()) != 0 || len(c.Notices()) != 0 {
					t.Errorf("installed got %q, copy %q, parent %q", got, k.Notices(), c.Notices())
				}
				return
			}
			if !slices.Equal(k.Notices(), want) || len(c.Notices()) != 0 {
				t.Errorf("copy notices %q, parent notices %q", k.Notices(), c.Notices())
			}
			cr.GetValue(0, 7)
			if !slices.Equal(k.Notices(), want) || !slices.Equal(c.Notices(), []string{"column number 7 is out of range 0..0\n"}) {
				t.Errorf("after the parent's notice: copy %q, parent %q", k.Notices(), c.Notices())
			}
		})
	}
}

// The copy reads and writes through its own socket, keeps a pending read
// error and the write-failure state, and appends to its own queue and
// error message.
func TestForkSocketAndFailureState(t *testing.T) {
	srv := newServer(cat(cmdComplete("SELECT 0"), ready('I')))
	srv.writeErr = errTest
	c := NewConn(srv)
	c.SendQuery("select") // the write fails; libpq reports it later
	c.pendingReadErr = errTest
	kidSrv := newServer()
	k := c.Fork(kidSrv)
	if !k.writeFailed || !k.hasWriteErrMsg || k.writeErrMsg != c.writeErrMsg || k.pendingReadErr != errTest ||
		k.rw != kidSrv || k.closer != kidSrv || k.offsetter != nil {
		t.Fatalf("copy: write failed %v msg %q pending %v", k.writeFailed, k.writeErrMsg, k.pendingReadErr)
	}
	k.cmdQueue = append(k.cmdQueue, cmdQueueEntry{query: "extra"})
	k.appendError("child only\n")
	if len(c.cmdQueue) != 1 || c.ErrorMessage() != "" {
		t.Errorf("parent queue %d entries, error %q", len(c.cmdQueue), c.ErrorMessage())
	}
	// The child's pending read error is reported from its own copy.
	r := k.GetResult()
	wantResult(t, r, PGRES_FATAL_ERROR, "child only\ncould not receive data from server: test error\n")
	if c.pendingReadErr == nil {
		t.Error("the copy's read consumed the parent's pending error")
	}
}
