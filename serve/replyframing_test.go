package serve

import (
	"testing"

	"github.com/jackc/pgproto3/v2"
)

// TestReplyFraming: the session's output is followed message by message,
// in pieces of any size: the one-byte answers to SSLRequest come first;
// the output is idle only right after a whole ReadyForQuery; the cancel
// key is the BackendKeyData's; an output that does not frame is lost
// (never idle again).
func TestReplyFraming(t *testing.T) {
	enc := func(msgs ...pgproto3.BackendMessage) []byte {
		var b []byte
		for _, m := range msgs {
			var err error
			if b, err = m.Encode(b); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	startup := enc(&pgproto3.AuthenticationOk{}, &pgproto3.ParameterStatus{Name: "server_version", Value: "15.0"},
		&pgproto3.BackendKeyData{ProcessID: 4201, SecretKey: 0xfeedbeef}, &pgproto3.ReadyForQuery{TxStatus: 'I'})
	reply := enc(&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{{Name: []byte("Z")}}},
		&pgproto3.DataRow{Values: [][]byte{[]byte("Z\x00\x00\x00\x05I")}}, &pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
	ready := enc(&pgproto3.ReadyForQuery{TxStatus: 'T'})
	for _, n := range []int{1, 2, 3, 7, 1000} {
		var f replyFraming
		write := func(b []byte) {
			for len(b) > 0 {
				k := min(n, len(b))
				f.write(b[:k])
				b = b[k:]
			}
		}
		f.expectSingles(2)
		write([]byte("NN"))
		if f.idle() {
			t.Fatalf("pieces of %d: idle before the startup's ReadyForQuery", n)
		}
		write(startup)
		if pid, key, ok := f.cancelKey(); !f.idle() || !ok || pid != 4201 || key != 0xfeedbeef {
			t.Fatalf("pieces of %d: after startup idle %v, key %d %x %v", n, f.idle(), pid, key, ok)
		}
		write(reply)
		if f.idle() {
			t.Fatalf("pieces of %d: idle in the middle of a reply (a row that looks like ReadyForQuery)", n)
		}
		write(ready[:len(ready)-1])
		if f.idle() {
			t.Fatalf("pieces of %d: idle inside ReadyForQuery", n)
		}
		write(ready[len(ready)-1:])
		if !f.idle() {
			t.Fatalf("pieces of %d: not idle after ReadyForQuery", n)
		}
	}
	var f replyFraming
	f.expectSingles(1)
	f.write(startup) // the answer to the SSLRequest is missing
	if f.idle() || !f.lost {
		t.Fatal("an output without the expected answer frames")
	}
	var g replyFraming
	g.write([]byte{'Z', 0, 0, 0, 3})
	if g.idle() || !g.lost {
		t.Fatal("a length below 4 frames")
	}
}
