package sim

import (
	"errors"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Regression tests for killing processes outside tasks and for wake-ups
// that a killed task must not swallow.

func TestKillBeforeRun(t *testing.T) {
	w := New(Zeros())
	p := w.NewProcess("p")
	ran := false
	p.Go("x", func() { ran = true })
	p.Kill()
	if o := w.Run(); o.Kind != Completed || ran {
		t.Fatalf("outcome %v, task ran %v", o, ran)
	}
}

func TestKillFromTimerStopsSleeperAndWaiter(t *testing.T) {
	w := New(Zeros())
	p := w.NewProcess("p")
	c := w.NewSharedCond("c", w.NewSharedMutex("m"))
	p.Go("sleeper", func() { w.Sleep(10 * time.Second) })
	p.Go("waiter", func() {
		c.L.Lock()
		c.Wait()
	})
	w.Go("killer", func() {
		w.AfterFunc(time.Second, p.Kill)
		w.Sleep(2 * time.Second)
	})
	o := w.Run()
	if o.Kind != Completed || o.Time != 2*time.Second {
		t.Fatalf("want completed at 2s (the killer's sleep), got %v", o)
	}
	for _, e := range w.Trace().Events() {
		if e.Kind == EvWake && strings.Contains(w.Trace().Detail(e), "sleeper") {
			t.Fatalf("killed sleeper was woken: %s", w.Trace().Format(e))
		}
	}
}

func TestMutexWakeupSurvivesKilledWaiter(t *testing.T) {
	w := New(Zeros())
	m := w.NewSharedMutex("m")
	b, c := w.NewProcess("b"), w.NewProcess("c")
	got := false
	w.Go("holder", func() {
		m.Lock()
		w.Sleep(time.Second) // both waiters queue up
		m.Unlock()
		b.Kill() // the first waiter dies before it retries
	})
	b.Go("w1", func() { m.Lock() })
	c.Go("w2", func() {
		m.Lock()
		got = true
		m.Unlock()
	})
	if o := w.Run(); o.Kind != Completed || !got {
		t.Fatalf("outcome %v, second waiter got the mutex: %v", o, got)
	}
}

func TestAcceptReturnsWhenItsDescriptorCloses(t *testing.T) {
	w := New(Zeros())
	app := w.NewProcess("app")
	ln, _ := app.Listen("a")
	app.Fork("kid", nil) // the child keeps the listening socket open
	var err error
	app.Go("acceptor", func() { _, err = ln.Accept() })
	app.Go("closer", func() { ln.Close() })
	if o := w.Run(); o.Kind != Completed || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("outcome %v, accept error %v", o, err)
	}
}

func TestMutexOutsideTaskPanics(t *testing.T) {
	w := New(Zeros())
	m := w.NewSharedMutex("m")
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "outside a task") {
			t.Fatalf("recovered %v", r)
		}
	}()
	m.Lock()
}

func TestZeroLengthReadDoesNotBlock(t *testing.T) {
	w := New(Zeros())
	ln, _ := w.Listen("a")
	c, _ := w.Dial("a")
	ln.Accept()
	var n int
	var err error
	w.Go("reader", func() { n, err = c.Read(nil) })
	if o := w.Run(); o.Kind != Completed || n != 0 || err != nil || o.Time != 0 {
		t.Fatalf("outcome %v, read %d %v", o, n, err)
	}
}

func TestUnrunWorldStartsNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 50 {
		w := New(Zeros())
		w.Go("x", func() {})
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines %d -> %d for worlds never run", before, after)
	}
}

func TestPanicValueWithoutAddressInTrace(t *testing.T) {
	hashes := map[uint64]bool{}
	for range 2 {
		w := New(Zeros())
		w.Go("p", func() { panic(&struct{ x int }{1}) })
		w.Run()
		hashes[w.Trace().Hash()] = true
	}
	if len(hashes) != 1 {
		t.Fatal("a panic with a pointer value gave different trace hashes")
	}
}
