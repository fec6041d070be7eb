package properties

import (
	"slices"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// scannedTakers is the reference for takers.replyTakers: every message
// of the client truth scanned for every request.
func scannedTakers(r *fakepg.Request, ct *fakepg.ClientTruth) (spans []sim.Span, parsed bool) {
	out := r.Session.Outbound
	if out == nil || r.ReplyEnd <= r.ReplyOff {
		return nil, ct != nil
	}
	if ct != nil {
		for _, m := range ct.Messages {
			if m.Stream != out {
				continue
			}
			parsed = true
			for _, rg := range m.Ranges {
				lo, hi := max(rg.Off, r.ReplyOff), min(rg.Off+int64(rg.Len), r.ReplyEnd)
				if lo < hi {
					spans = append(spans, sim.Span{Off: lo, Len: int(hi - lo), Task: m.Task})
				}
			}
		}
		if parsed {
			return spans, true
		}
	}
	return out.ReadersOf(r.ReplyOff, int(r.ReplyEnd-r.ReplyOff)), false
}

// scannedStep is the reference for takers.parsedStep.
func scannedStep(ct *fakepg.ClientTruth, out *sim.Stream, off int64) int {
	for _, m := range ct.Messages {
		if m.Stream != out {
			continue
		}
		for _, rg := range m.Ranges {
			if rg.Off <= off && off < rg.Off+int64(rg.Len) {
				return m.Step
			}
		}
	}
	return 0
}

// TestTakersMatchScanningEveryMessage: on every built-in scenario (forked
// processes and threads sharing connections included), the index of the
// client truth gives every request's reply takers, in the same order, and
// the step of the parse of a reply's first and last bytes and of every
// taker's first byte, exactly as scanning every message does.
func TestTakersMatchScanningEveryMessage(t *testing.T) {
	requests := 0
	for _, name := range scenario.Names() {
		s, err := scenario.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		r := scenario.RunSeed(s, 1)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		requests += compareTakers(t, r.Truth, r.ClientTruth)
	}
	if requests == 0 {
		t.Fatal("no request checked")
	}
}

// TestTakersOfOverlappingParses: two tasks that parsed overlapping ranges
// of one stream (a forked child parsing its copy of a buffer the parent
// also parses), a range that starts before and reaches past others, and a
// second stream: the index agrees with the scan.
func TestTakersOfOverlappingParses(t *testing.T) {
	w := sim.New(sim.Zeros())
	var a, b *sim.Task
	var out, other *sim.Stream
	w.NewProcess("app").Go("main", func() {
		ln, _ := w.Listen("db:1")
		w.Go("client", func() { w.Dial("db:1") })
		c, _ := ln.Accept()
		out, other = c.Outbound(), c.Inbound()
		a = w.Current()
		b = w.Go("b", func() {})
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	msg := func(task *sim.Task, s *sim.Stream, step int, rs ...libpq.Range) fakepg.ConsumedMessage {
		return fakepg.ConsumedMessage{Consumed: libpq.Consumed{Ranges: rs}, Task: task, Stream: s, Step: step}
	}
	ct := &fakepg.ClientTruth{Messages: []fakepg.ConsumedMessage{
		msg(a, out, 1, libpq.Range{Off: 0, Len: 40}),
		msg(b, out, 2, libpq.Range{Off: 10, Len: 5}, libpq.Range{Off: 20, Len: 5}),
		msg(a, other, 3, libpq.Range{Off: 0, Len: 100}),
		msg(b, out, 4, libpq.Range{Off: 40, Len: 0}, libpq.Range{Off: 45, Len: 10}),
		msg(a, out, 5, libpq.Range{Off: 12, Len: 3}),
	}}
	sess := &fakepg.SessionTruth{Outbound: out}
	tk := newTakers(ct)
	for lo := int64(0); lo < 60; lo++ {
		for hi := lo + 1; hi <= 60; hi++ {
			req := &fakepg.Request{Session: sess, ReplyOff: lo, ReplyEnd: hi}
			got, _ := tk.replyTakers(req, true)
			want, _ := scannedTakers(req, ct)
			if !slices.Equal(got, want) {
				t.Fatalf("[%d, %d): takers %v, scanning gives %v", lo, hi, got, want)
			}
		}
		if got, want := tk.parsedStep(out, lo), scannedStep(ct, out, lo); got != want {
			t.Fatalf("byte %d parsed at step %d, scanning says %d", lo, got, want)
		}
	}
}

// compareTakers checks every request of t against the scan of ct and
// returns the number of requests checked.
func compareTakers(t *testing.T, truth *fakepg.Truth, ct *fakepg.ClientTruth) int {
	t.Helper()
	n := 0
	tk := newTakers(ct)
	for _, sess := range truth.Sessions {
		if got, want := tk.covers(sess.Outbound), covered(ct, sess.Outbound); got != want {
			t.Fatalf("covers %v, scanning says %v", got, want)
		}
		for _, req := range sess.Requests {
			n++
			got, gotParsed := tk.replyTakers(req, ct != nil)
			want, wantParsed := scannedTakers(req, ct)
			if !slices.Equal(got, want) || gotParsed != wantParsed {
				t.Fatalf("reply [%d, %d): takers %v (%v), scanning gives %v (%v)",
					req.ReplyOff, req.ReplyEnd, got, gotParsed, want, wantParsed)
			}
			if ct == nil || req.ReplyEnd <= req.ReplyOff {
				continue
			}
			offs := []int64{req.ReplyOff, req.ReplyEnd - 1}
			for _, sp := range got {
				offs = append(offs, sp.Off)
			}
			for _, off := range offs {
				if got, want := tk.parsedStep(sess.Outbound, off), scannedStep(ct, sess.Outbound, off); got != want {
					t.Fatalf("byte %d parsed at step %d, scanning says %d", off, got, want)
				}
			}
		}
	}
	return n
}

// covered is the reference for takers.covers.
func covered(ct *fakepg.ClientTruth, s *sim.Stream) bool {
	if ct == nil {
		return false
	}
	for _, m := range ct.Messages {
		if m.Stream == s {
			return true
		}
	}
	return false
}

// TestSoleSenderIsSenders: soleSender names the request's one sender
// exactly when Senders lists one task and it is not nil, including for
// writers outside any task (nil) mixed with a task's.
func TestSoleSenderIsSenders(t *testing.T) {
	w := sim.New(sim.Zeros())
	var a, b *sim.Task
	w.NewProcess("app").Go("a", func() { a = w.Current(); b = w.Go("b", func() {}) })
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	req := func(writers ...[]*sim.Task) *fakepg.Request {
		r := &fakepg.Request{}
		for _, ws := range writers {
			var m fakepg.MessageTruth
			for _, w := range ws {
				m.Writers = append(m.Writers, sim.Span{Task: w, Len: 1})
			}
			r.Messages = append(r.Messages, m)
		}
		return r
	}
	cases := []*fakepg.Request{
		req(), req([]*sim.Task{}), req([]*sim.Task{a}), req([]*sim.Task{a, a}, []*sim.Task{a}),
		req([]*sim.Task{a}, []*sim.Task{b}), req([]*sim.Task{nil}), req([]*sim.Task{nil, a}),
		req([]*sim.Task{a, nil}), req([]*sim.Task{}, []*sim.Task{b, b}),
	}
	for _, name := range []string{"preload-touch-db", "threads-libpq-shared"} {
		s, err := scenario.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, sess := range scenario.RunSeed(s, 1).Truth.Sessions {
			cases = append(cases, sess.Requests...)
		}
	}
	for i, r := range cases {
		senders := r.Senders()
		want := (*sim.Task)(nil)
		if len(senders) == 1 {
			want = senders[0]
		}
		if got := soleSender(r); got != want {
			t.Errorf("case %d: sole sender %v, senders %v", i, got, senders)
		}
	}
}
