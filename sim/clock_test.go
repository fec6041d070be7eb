package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSleepMovesVirtualTimeOnly(t *testing.T) {
	w := New(Random(1))
	var woke []string
	for i, d := range []time.Duration{30 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond} {
		w.Go(fmt.Sprintf("s%d", i), func() {
			w.Sleep(d)
			woke = append(woke, fmt.Sprintf("%s@%v", w.Current().Name(), w.Elapsed()))
		})
	}
	start := time.Now()
	o := w.Run()
	if o.Kind != Completed || o.Time != 30*time.Millisecond {
		t.Fatalf("got %v", o)
	}
	if got := strings.Join(woke, " "); got != "s1@10ms s2@20ms s0@30ms" {
		t.Fatalf("wake order %s", got)
	}
	if time.Since(start) > 25*time.Millisecond {
		t.Logf("note: the run took %v of real time", time.Since(start))
	}
	if !w.Now().Equal(Epoch.Add(30 * time.Millisecond)) {
		t.Fatalf("Now() = %v", w.Now())
	}
}

func TestTimersDueTogetherAreADecision(t *testing.T) {
	orders := map[string]bool{}
	for seed := range uint64(40) {
		w := New(Random(seed))
		var order []string
		for _, name := range []string{"a", "b", "c"} {
			w.Go(name, func() {
				w.Sleep(time.Second)
				order = append(order, name)
			})
		}
		if o := w.Run(); o.Kind != Completed {
			t.Fatal(o)
		}
		timers := 0
		for _, c := range w.Schedule().Decisions {
			if c.Kind == TimerDecision {
				timers++
			}
		}
		if timers != 2 {
			t.Fatalf("seed %d: %d timer decisions, want 2 (3 timers then 2 due at once)", seed, timers)
		}
		var fired []string
		for _, e := range w.Trace().Events() {
			if e.Kind == EvWake {
				fired = append(fired, w.Trace().Detail(e))
			}
		}
		orders[strings.Join(fired, ",")] = true
	}
	if len(orders) < 4 {
		t.Fatalf("only %d firing orders over 40 seeds: %v", len(orders), orders)
	}
}

func TestTimerStop(t *testing.T) {
	w := New(Zeros())
	fired := 0
	w.Go("main", func() {
		tm := w.AfterFunc(time.Second, func() { fired++ })
		w.AfterFunc(2*time.Second, func() { fired += 10 })
		if !tm.Stop() || tm.Stop() {
			panic("Stop should report true once")
		}
		w.Sleep(3 * time.Second)
	})
	if o := w.Run(); o.Kind != Completed || fired != 10 {
		t.Fatalf("%v, fired %d", o, fired)
	}
}

func TestCondWaitTimeout(t *testing.T) {
	w := New(Zeros())
	mu := w.NewMutex("pool")
	c := w.NewCond("available", mu)
	var results []string
	w.Go("waiter", func() {
		mu.Lock()
		ok := c.WaitTimeout(30 * time.Second)
		results = append(results, fmt.Sprintf("first %v at %v holding=%v", ok, w.Elapsed(), mu.Holder() == w.Current()))
		ok = c.WaitTimeout(30 * time.Second)
		results = append(results, fmt.Sprintf("second %v at %v", ok, w.Elapsed()))
		mu.Unlock()
	})
	w.Go("signaller", func() {
		w.Sleep(40 * time.Second)
		mu.Lock()
		c.Signal()
		mu.Unlock()
	})
	if o := w.Run(); o.Kind != Completed {
		t.Fatal(o)
	}
	want := "first false at 30s holding=true|second true at 40s"
	if got := strings.Join(results, "|"); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestMutexExcludes(t *testing.T) {
	lost := false
	for seed := range uint64(100) {
		for _, locked := range []bool{true, false} {
			w := New(Random(seed))
			mu := w.NewMutex("m")
			counter, inside := 0, 0
			for i := range 4 {
				w.Go(fmt.Sprintf("inc%d", i), func() {
					for range 5 {
						if locked {
							mu.Lock()
						}
						inside++
						if locked && inside > 1 {
							panic("two tasks inside the critical section")
						}
						v := counter
						w.Yield()
						counter = v + 1
						inside--
						if locked {
							mu.Unlock()
						}
					}
				})
			}
			if o := w.Run(); o.Kind != Completed {
				t.Fatalf("seed %d locked %v: %v", seed, locked, o)
			}
			if locked && counter != 20 {
				t.Fatalf("seed %d: counter %d with the mutex", seed, counter)
			}
			if !locked && counter != 20 {
				lost = true
			}
		}
	}
	if !lost {
		t.Fatal("no schedule lost an update without the mutex: the scheduler does not interleave")
	}
}

func TestMutexMisuse(t *testing.T) {
	for name, body := range map[string]func(w *World, m *Mutex){
		"relock":          func(w *World, m *Mutex) { m.Lock(); m.Lock() },
		"unlock unlocked": func(w *World, m *Mutex) { m.Unlock() },
	} {
		w := New(Zeros())
		m := w.NewMutex("m")
		w.Go(name, func() { body(w, m) })
		if o := w.Run(); o.Kind != Panicked || !strings.Contains(fmt.Sprint(o.Panic.Value), "mutex m") {
			t.Errorf("%s: %v", name, o)
		}
	}
}

func TestPCTIsDeterministicAndVaries(t *testing.T) {
	hashes := map[uint64]bool{}
	for seed := range uint64(30) {
		w1, o1 := runEcho(PCT(seed, 3))
		w2, _ := runEcho(PCT(seed, 3))
		if o1.Kind != Completed || w1.Trace().Hash() != w2.Trace().Hash() {
			t.Fatalf("seed %d: %v, hashes %x %x", seed, o1, w1.Trace().Hash(), w2.Trace().Hash())
		}
		hashes[w1.Trace().Hash()] = true
	}
	if len(hashes) < 10 {
		t.Fatalf("PCT gave %d distinct runs over 30 seeds", len(hashes))
	}
}

// TestPCTFindsOrderingBug: a bug that needs one specific preemption (the
// reader runs between the writer's two steps) is found by PCT with depth 2.
func TestPCTFindsOrderingBug(t *testing.T) {
	found := 0
	for seed := range uint64(200) {
		s := PCT(seed, 2)
		s.Horizon = 10
		w := New(s)
		state := 0
		bug := false
		w.Go("writer", func() {
			state = 1
			w.Yield()
			state = 2
		})
		w.Go("reader", func() {
			w.Yield()
			if state == 1 {
				bug = true
			}
		})
		if o := w.Run(); o.Kind != Completed {
			t.Fatal(o)
		}
		if bug {
			found++
		}
	}
	if found == 0 {
		t.Fatal("PCT depth 2 never found the half-written state in 200 seeds")
	}
}
