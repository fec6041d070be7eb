package sim

import (
	"fmt"
	"io"
	"testing"
)

// sharedSocket builds two writer tasks in an "app" process that share one
// socket, each sending one framed message (a length byte and a body) in a
// single write, and two reader tasks in a "db" process that share the
// accepted end, each reading one message the way a client library does:
// the length first, then that many bytes. readersFirst starts the readers
// before the writers. It returns the accepted end, for ground truth.
func sharedSocket(w *World, readersFirst bool) *Conn {
	db := w.NewProcess("db")
	app := w.NewProcess("app")
	ln, err := db.Listen("db:5432")
	if err != nil {
		panic(err)
	}
	client, err := app.Dial("db:5432")
	if err != nil {
		panic(err)
	}
	server, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	startReaders := func() {
		for i := range 2 {
			db.Go(fmt.Sprintf("reader%d", i), func() {
				var hdr [1]byte
				if _, err := io.ReadFull(server, hdr[:]); err != nil {
					return
				}
				body := make([]byte, hdr[0])
				io.ReadFull(server, body)
			})
		}
	}
	startWriters := func() {
		for i := range 2 {
			app.Go(fmt.Sprintf("writer%d", i), func() {
				msg := append([]byte{8}, fmt.Sprintf("message%d", i)...)
				client.Write(msg)
			})
		}
	}
	if readersFirst {
		startReaders()
		startWriters()
	} else {
		startWriters()
		startReaders()
	}
	return server
}

// splitMessages returns, for each 9-byte message on the stream, whether its
// bytes were read by more than one task.
func splitMessages(s *Stream) []bool {
	var out []bool
	for off := int64(0); off+9 <= s.Written(); off += 9 {
		readers := map[*Task]bool{}
		for _, sp := range s.ReadersOf(off, 9) {
			readers[sp.Task] = true
		}
		out = append(out, len(readers) > 1)
	}
	return out
}

func anySplit(s *Stream) bool {
	for _, split := range splitMessages(s) {
		if split {
			return true
		}
	}
	return false
}

func TestNoSplitWithoutPreemption(t *testing.T) {
	for _, policy := range []SplitPolicy{SplitWrites, SplitBytes} {
		for _, readersFirst := range []bool{false, true} {
			w := New(Zeros(), SplitAt(policy))
			server := sharedSocket(w, readersFirst)
			o := w.Run()
			if o.Kind != Completed {
				t.Fatalf("%v readersFirst=%v: %v", policy, readersFirst, o)
			}
			in := server.Inbound()
			if in.Written() != 18 || in.Consumed() != 18 {
				t.Fatalf("%v: written %d consumed %d, want 18 and 18", policy, in.Written(), in.Consumed())
			}
			if anySplit(in) {
				t.Errorf("%v readersFirst=%v: a message was split between readers with no preemption", policy, readersFirst)
			}
		}
	}
}

func TestSomeScheduleSplitsAMessage(t *testing.T) {
	for _, policy := range []SplitPolicy{SplitWrites, SplitBytes} {
		found := false
		for seed := uint64(0); seed < 200 && !found; seed++ {
			w := New(Random(seed), SplitAt(policy))
			server := sharedSocket(w, false)
			w.Run()
			if !anySplit(server.Inbound()) {
				continue
			}
			found = true
			// the counterexample replays, without the seed
			sched := w.Schedule()
			w2 := New(Replay(sched), SplitAt(policy))
			server2 := sharedSocket(w2, false)
			w2.Run()
			if w2.Trace().Hash() != w.Trace().Hash() || !anySplit(server2.Inbound()) {
				t.Fatalf("%v seed %d: the split did not replay", policy, seed)
			}
			// and the ground truth names both readers
			spans := server.Inbound().ReadersOf(0, 18)
			names := map[string]bool{}
			for _, sp := range spans {
				names[sp.Task.Name()] = true
			}
			if !names["reader0"] || !names["reader1"] {
				t.Fatalf("readers of the stream: %v", spans)
			}
		}
		if !found {
			t.Errorf("%v: no schedule in 200 seeds split a message between readers", policy)
		}
	}
}

func TestSplitBytesCutsInsideAWrite(t *testing.T) {
	// one 9-byte write read with a large buffer: under SplitWrites the only
	// option is the whole write; under SplitBytes every length is possible.
	for _, tc := range []struct {
		policy SplitPolicy
		want   int // distinct first-read sizes seen over many seeds
	}{{SplitWrites, 1}, {SplitBytes, 9}} {
		sizes := map[int]bool{}
		for seed := range uint64(300) {
			w := New(Random(seed), SplitAt(tc.policy))
			ln, _ := w.Listen("x")
			w.Go("writer", func() {
				c, _ := w.Dial("x")
				c.Write([]byte("123456789"))
				c.Close()
			})
			w.Go("reader", func() {
				c, _ := ln.Accept()
				buf := make([]byte, 64)
				n, _ := c.Read(buf)
				sizes[n] = true
				io.Copy(io.Discard, c)
			})
			if o := w.Run(); o.Kind != Completed {
				t.Fatal(o)
			}
		}
		if len(sizes) != tc.want {
			t.Errorf("%v: first reads of %d distinct sizes %v, want %d", tc.policy, len(sizes), sizes, tc.want)
		}
	}
}

func TestParseSplitPolicy(t *testing.T) {
	for _, p := range []SplitPolicy{SplitWrites, SplitBytes} {
		if q, err := ParseSplitPolicy(p.String()); err != nil || q != p {
			t.Errorf("round trip of %v: %v %v", p, q, err)
		}
	}
	if _, err := ParseSplitPolicy("segments"); err == nil {
		t.Error("ParseSplitPolicy accepted an unknown policy")
	}
}
