package model

import (
	"fmt"
	"testing"
	"time"
)

// w, r, inc and ins build operations of one client at steps [c, ret].
func w(client, key string, v, c, ret int64) Op {
	return Op{Client: client, Process: "p", Kind: KindWrite, Key: key, Value: v, Out: 1, Call: c, Return: ret}
}

func up(client, key string, v, c, ret int64) Op {
	return Op{Client: client, Process: "p", Kind: KindUpsert, Key: key, Value: v, Out: 1, Call: c, Return: ret}
}

func r(client, key string, out, c, ret int64) Op {
	return Op{Client: client, Process: "p", Kind: KindRead, Key: key, Out: out, Call: c, Return: ret}
}

func absentRead(client, key string, c, ret int64) Op {
	return Op{Client: client, Process: "p", Kind: KindRead, Key: key, OutAbsent: true, Call: c, Return: ret}
}

func inc(client, key string, out, c, ret int64) Op {
	return Op{Client: client, Process: "p", Kind: KindIncrement, Key: key, Value: 1, Out: out, Call: c, Return: ret}
}

func failed(o Op, err string) Op {
	o.Err = err
	o.Return = 0
	return o
}

func check(t *testing.T, ops []Op) Result {
	t.Helper()
	res, _ := Check(ops, 10*time.Second)
	return res
}

func TestLinearizableConcurrentHistory(t *testing.T) {
	ops := []Op{
		up("t0", "k0", 0, 0, 1),
		up("t0", "k1", 0, 0, 1),
		// Two overlapping writes; reads overlapping them see either.
		w("t1", "k0", 1, 2, 10),
		w("t2", "k0", 2, 3, 8),
		r("t3", "k0", 2, 4, 6),
		r("t3", "k0", 1, 7, 12),
		r("t2", "k0", 1, 13, 14),
		// Concurrent increments on another key return distinct values.
		inc("t1", "k1", 2, 11, 20),
		inc("t2", "k1", 1, 15, 18),
		r("t3", "k1", 2, 21, 22),
		absentRead("t3", "k9", 23, 24),
	}
	if got := check(t, ops); got != Ok {
		t.Fatalf("Check = %s, want ok", got)
	}
}

func TestStaleReadIsIllegal(t *testing.T) {
	ops := []Op{
		up("t0", "k0", 1, 0, 1),
		w("t1", "k0", 2, 2, 3),
		// Called after the write of 2 returned, yet sees 1.
		r("t2", "k0", 1, 4, 5),
	}
	res, info := Check(ops, 10*time.Second)
	if res != Illegal {
		t.Fatalf("Check = %s, want illegal", res)
	}
	if v := Violations(ops, info); len(v) != 1 || v[0] != 2 {
		t.Errorf("Violations = %v, want [2] (the stale read)", v)
	}
	// The same read overlapping the write is fine.
	ops[2].Call = 3
	if got := check(t, ops); got != Ok {
		t.Errorf("overlapping read: Check = %s, want ok", got)
	}
}

func TestLostIncrementIsIllegal(t *testing.T) {
	ops := []Op{up("t0", "k0", 0, 0, 1), inc("t1", "k0", 1, 2, 10), inc("t2", "k0", 1, 3, 9)}
	if got := check(t, ops); got != Illegal {
		t.Fatalf("two increments both returning 1: Check = %s, want illegal", got)
	}
}

func TestAbsentKey(t *testing.T) {
	ops := []Op{
		absentRead("t1", "k0", 0, 1),
		// UPDATE of an absent key changes nothing and reports 0 rows.
		{Client: "t1", Kind: KindWrite, Key: "k0", Value: 5, Out: 0, Call: 2, Return: 3},
		{Client: "t1", Kind: KindIncrement, Key: "k0", Value: 1, OutAbsent: true, Call: 4, Return: 5},
		{Client: "t1", Kind: KindInsert, Key: "k0", Value: 7, Out: 1, Call: 6, Return: 7},
		{Client: "t1", Kind: KindInsert, Key: "k0", Value: 8, Out: 0, Call: 8, Return: 9},
		r("t1", "k0", 7, 10, 11),
	}
	if got := check(t, ops); got != Ok {
		t.Fatalf("Check = %s, want ok", got)
	}
	ops[1].Out = 1 // an UPDATE of an absent key cannot report a row
	if got := check(t, ops); got != Illegal {
		t.Errorf("write of absent key reporting 1 row: Check = %s, want illegal", got)
	}
}

func TestErroredWriteAcceptsEitherOutcome(t *testing.T) {
	base := []Op{up("t0", "k0", 0, 0, 1), failed(w("t1", "k0", 5, 2, 3), "server closed the connection unexpectedly")}
	applied := append(append([]Op{}, base...), r("t2", "k0", 5, 10, 11), r("t2", "k0", 5, 12, 13))
	if got := check(t, applied); got != Ok {
		t.Errorf("errored write observed later: Check = %s, want ok", got)
	}
	notApplied := append(append([]Op{}, base...), r("t2", "k0", 0, 10, 11))
	if got := check(t, notApplied); got != Ok {
		t.Errorf("errored write never observed: Check = %s, want ok", got)
	}
	// The error's return bounds nothing: the write may land after a
	// later write returned.
	late := append(append([]Op{}, base...), w("t3", "k0", 6, 10, 11), r("t2", "k0", 5, 12, 13))
	if got := check(t, late); got != Ok {
		t.Errorf("errored write landing after a later write: Check = %s, want ok", got)
	}
	// Once observed it cannot be undone.
	flipFlop := append(append([]Op{}, base...), r("t2", "k0", 5, 10, 11), r("t2", "k0", 0, 12, 13))
	if got := check(t, flipFlop); got != Illegal {
		t.Errorf("errored write observed then gone: Check = %s, want illegal", got)
	}
	// A value nobody wrote is still illegal.
	never := append(append([]Op{}, base...), r("t2", "k0", 7, 10, 11))
	if got := check(t, never); got != Illegal {
		t.Errorf("read of a value never written: Check = %s, want illegal", got)
	}
	// An errored read's output is not checked.
	errRead := append(append([]Op{}, base...), failed(r("t2", "k0", 99, 10, 11), "timeout"))
	if got := check(t, errRead); got != Ok {
		t.Errorf("errored read: Check = %s, want ok", got)
	}
}

func TestGarbledReplyIsIllegal(t *testing.T) {
	ops := []Op{up("t0", "k0", 0, 0, 1), {Client: "t1", Kind: KindRead, Key: "k0", Garbled: true, Call: 2, Return: 3}}
	if got := check(t, ops); got != Illegal {
		t.Fatalf("Check = %s, want illegal", got)
	}
}

// ambiguous is a history expensive to judge: n concurrent writes of
// distinct values to one key, half of them with unknown outcomes, and
// overlapping reads, the last of a value no one wrote, so that the
// search must rule out every order.
func ambiguous(n int) []Op {
	var ops []Op
	for i := range n {
		o := up(fmt.Sprintf("w%d", i), "k0", int64(i+1), int64(i), int64(1000+i))
		if i%2 == 1 {
			o = failed(o, "connection reset")
		}
		ops = append(ops, o)
		ops = append(ops, r(fmt.Sprintf("r%d", i), "k0", int64(n-i), int64(i), int64(1000+n+i)))
	}
	return append(ops, r("last", "k0", int64(n+1), 500, 3000))
}

func TestTimeoutIsUnknown(t *testing.T) {
	for _, d := range []time.Duration{time.Nanosecond, time.Microsecond} {
		res, _ := Check(ambiguous(24), d)
		if res != Unknown {
			t.Errorf("timeout %v: Check = %s, want unknown", d, res)
		}
	}
	// Small, the same shape is judged given time: illegal with the
	// impossible last read, ok without it.
	small := ambiguous(6)
	if res, _ := Check(small, 10*time.Second); res != Illegal {
		t.Errorf("small ambiguous history: Check = %s, want illegal", res)
	}
	if res, _ := Check(small[:len(small)-1], 10*time.Second); res != Ok {
		t.Errorf("small ambiguous history without the last read: Check = %s, want ok", res)
	}
}

func TestHistoryClientIDs(t *testing.T) {
	ops := []Op{
		w("a", "k0", 1, 0, 1),
		failed(w("a", "k0", 2, 2, 3), "boom"),
		w("a", "k0", 3, 4, 5),
		w("b", "k0", 4, 6, 7),
	}
	h := History(ops)
	ids := []int{h[0].ClientId, h[1].ClientId, h[2].ClientId, h[3].ClientId}
	if ids[0] != ids[2] || ids[1] == ids[0] || ids[3] == ids[0] || ids[3] == ids[1] {
		t.Errorf("ClientIds = %v, want a's ops sharing one id, the failed op and b each their own", ids)
	}
	if h[1].Return != Infinity || h[0].Return != 1 || h[2].Call != 4 {
		t.Errorf("times: %+v", h)
	}
}
