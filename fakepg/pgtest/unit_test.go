package pgtest

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// stubTB turns Fatalf and Skipf into panics, to test the failure paths.
type stubTB struct {
	*testing.T
}

type stopped struct{ how, msg string }

func (s stubTB) Fatalf(format string, args ...any) {
	panic(stopped{"fatal", fmt.Sprintf(format, args...)})
}
func (s stubTB) Skipf(format string, args ...any) {
	panic(stopped{"skip", fmt.Sprintf(format, args...)})
}

// catch runs f and returns how it stopped.
func catch(f func()) (st stopped) {
	defer func() {
		if r := recover(); r != nil {
			st = r.(stopped)
		}
	}()
	f()
	return stopped{}
}

// serve starts a server that writes reply to every connection, then closes
// it (or, with hang, keeps it open).
func serve(t *testing.T, reply []byte, hang bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write(reply)
			if hang {
				t.Cleanup(func() { c.Close() })
			} else {
				c.Close()
			}
		}
	}()
	return ln.Addr().String()
}

func TestMisbehavingServer(t *testing.T) {
	cases := []struct {
		name  string
		reply string
		want  []string
	}{
		{"protocol 2 error", "EFATAL:  unsupported frontend protocol 2.0\n\x00",
			[]string{`<garbage "EFATAL:  unsupported frontend protocol 2.0\n\x00">`, Closed}},
		{"cut short", "Z\x00\x00\x00\x05",
			[]string{`<garbage "Z\x00\x00\x00\x05">`, Closed}},
		{"cut in header", "Z\x00\x00",
			[]string{`<garbage "Z\x00\x00">`, Closed}},
		{"bad body", "Z\x00\x00\x00\x04Z\x00\x00\x00\x05I",
			[]string{`<bad Z message: ReadyForQuery body must have length of 1, but it is 0: "">`, "Z I", Closed}},
		{"short notification", "A\x00\x00\x00\x06ab",
			[]string{`<bad A message: too short: "ab">`, Closed}},
		{"unknown type", "q\x00\x00\x00\x06ab",
			[]string{`? q "ab"`, Closed}},
		{"negotiate", "v\x00\x00\x00\x13\x00\x00\x00\x00\x00\x00\x00\x01_pq_.x\x00",
			[]string{`v 0 [_pq_.x]`, Closed}},
		{"auth", "R\x00\x00\x00\x0c\x00\x00\x00\x05salt" + "R\x00\x00\x00\x17\x00\x00\x00\x0aSCRAM-SHA-256\x00\x00",
			[]string{"R md5", "R sasl [SCRAM-SHA-256]", Closed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := serve(t, []byte(tc.reply), false)
			tr := Run(t, addr, Script{Dial("s1"), Await("s1").UntilClose()})
			if got := tr.Recv(2); !slices.Equal(got, tc.want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func TestTimeoutFailsWithTranscript(t *testing.T) {
	addr := serve(t, []byte("N\x00\x00\x00\x0eSWARNING\x00\x00"), true)
	st := catch(func() {
		Run(stubTB{t}, addr, Script{Dial("s1"), Query("s1", "SELECT 1").Timeout(100 * time.Millisecond)})
	})
	if st.how != "fatal" || !strings.Contains(st.msg, "step 2 (s1: Q \"SELECT 1\"): no reply within 100ms (waiting for 1 ReadyForQuery)") ||
		!strings.Contains(st.msg, "#2 s1 < N WARNING") {
		t.Errorf("got %+v", st)
	}
}

func TestScriptErrors(t *testing.T) {
	addr := serve(t, nil, true)
	for _, s := range []Script{
		{Query("s1", "SELECT 1")},
		{Dial("s1"), Dial("s1")},
		{Disconnect("s1")},
	} {
		if st := catch(func() { Run(stubTB{t}, addr, s) }); st.how != "fatal" || !strings.Contains(st.msg, "connected") {
			t.Errorf("%v: got %+v", s, st)
		}
	}
}

func TestMissingServer(t *testing.T) {
	findBinaries() // settle the cache, then pretend nothing was found
	saved := found.bins
	savedErr := found.err
	t.Cleanup(func() { found.bins, found.err = saved, savedErr })
	found.err = errNoPostgres

	t.Setenv("CI", "true")
	if st := catch(func() { StartPostgres(stubTB{t}) }); st.how != "fatal" || !strings.Contains(st.msg, "CI=true") {
		t.Errorf("CI=true: got %+v", st)
	}
	t.Setenv("CI", "")
	if st := catch(func() { StartPostgres(stubTB{t}) }); st.how != "skip" {
		t.Errorf("CI unset: got %+v", st)
	}
}

func TestNormalizeDeadlock(t *testing.T) {
	in := "Process 901 waits for ShareLock on transaction 77; blocked by process 902.\n" +
		"Process 902 waits for ExclusiveLock on tuple (0,1) of relation 16385 of database 5; blocked by process 901."
	want := "Process <pid1> waits for ShareLock on transaction <xid1>; blocked by process <pid2>.\n" +
		"Process <pid2> waits for ExclusiveLock on tuple (0,1) of relation <rel1> of database <db1>; blocked by process <pid1>."
	if got := normalizeDeadlock(in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDiff(t *testing.T) {
	a := Transcript{Server: "real", Entries: []Entry{
		{Step: 1, Session: "s1", Sent: "connect user=postgres", Recv: []string{"R ok", "K", "Z I"}},
		{Step: 2, Session: "s1", Sent: `Q "UPDATE kv SET v = 1"`, Recv: []string{`C "UPDATE 1"`, "Z I"}},
		{Step: 3, Session: "s2", Sent: "await", Recv: []string{"Z I"}},
	}}
	if d := Diff(a, a); d != "" {
		t.Errorf("Diff(a, a) = %q", d)
	}
	b := Transcript{Server: "fake", Entries: slices.Clone(a.Entries)}
	b.Entries[1].Recv = []string{`C "UPDATE 2"`, "Z I"}
	want := `--- real
+++ fake
@@ -3,7 +3,7 @@ step 2 session s1
 #1 s1 < K
 #1 s1 < Z I
 #2 s1 > Q "UPDATE kv SET v = 1"
-#2 s1 < C "UPDATE 1"
+#2 s1 < C "UPDATE 2"
 #2 s1 < Z I
 #3 s2 > await
 #3 s2 < Z I
`
	if d := Diff(a, b); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
}

func TestStepString(t *testing.T) {
	for _, tc := range []struct {
		s    Step
		want string
	}{
		{Connect("s1", map[string]string{"user": "u", "database": "d b"}), `connect database="d b" user=u`},
		{Query("s1", "SELECT 1").NoWait(), `Q "SELECT 1" [nowait]`},
		{Raw("s1", []byte("Zx")).UntilClose(), `raw "Zx" [until close]`},
		{Sync("s1").Mask(), `S [mask]`},
		{Bind("s1", "p", "st", [][]byte{[]byte("a"), nil}, 1), `B "p" "st" ["a" NULL] rfmt=[1]`},
		{Parse("s1", "st", "SELECT $1", 25), `P "st" "SELECT $1" [25]`},
		{Describe("s1", 'S', "st"), `D S "st"`},
		{Execute("s1", "p", 5), `E "p" 5`},
		{Close("s1", 'P', "p"), `C P "p"`},
		{Flush("s1").UntilCount(2), `H [until 2 messages]`},
		{Idle("s1", time.Second), `idle 1s`},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}
