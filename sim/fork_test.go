package sim

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
)

// appMemory stands for what a forked child copies: a connection object that
// holds a descriptor number.
type appMemory struct {
	conn *Conn
}

// forkSetup has a parent process connect to a server, then fork a child
// whose copy of the connection object reaches the inherited socket through
// its own descriptor table. The server task reads everything until EOF.
func forkSetup(w *World, child func(child *Process, mem *appMemory), parent func(mem *appMemory)) *forkRun {
	r := &forkRun{}
	got := &r.got
	db := w.NewProcess("db")
	ln, _ := db.Listen("db")
	db.Go("session", func() {
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		r.server = c
		buf := make([]byte, 16)
		for {
			n, err := c.Read(buf)
			got.Write(buf[:n])
			if err == io.EOF {
				got.WriteString("<EOF>")
				return
			}
		}
	})
	app := w.NewProcess("app")
	app.Go("master", func() {
		c, err := w.Dial("db")
		if err != nil {
			panic(err)
		}
		mem := &appMemory{conn: c}
		kid := app.Fork("worker", func(kid *Process) {
			copied := *mem
			copied.conn = mem.conn.In(kid)
			kid.Go("worker-main", func() { child(kid, &copied) })
		})
		if kid.Parent() != app {
			panic("fork: wrong parent")
		}
		parent(mem)
	})
	return r
}

// forkRun is what forkSetup's server saw.
type forkRun struct {
	got    strings.Builder
	server *Conn
}

func TestForkedChildWritesTheSameStream(t *testing.T) {
	w := New(Zeros())
	r := forkSetup(w,
		func(kid *Process, mem *appMemory) {
			mem.conn.Write([]byte("child;"))
			mem.conn.Close()
		},
		func(mem *appMemory) {
			mem.conn.Write([]byte("parent;"))
			w.Yield()
			mem.conn.Close()
		})
	if o := w.Run(); o.Kind != Completed {
		t.Fatal(o)
	}
	if got := r.got.String(); got != "parent;child;<EOF>" {
		t.Fatalf("server read %q", got)
	}
	// ground truth: one stream, written by tasks of two processes
	writes := r.server.Inbound().Writes()
	if len(writes) != 2 {
		t.Fatalf("writes %v", writes)
	}
	procs := []string{writes[0].Task.Process().Name(), writes[1].Task.Process().Name()}
	if procs[0] != "app" || procs[1] != "worker" {
		t.Fatalf("writer processes %v, want [app worker]", procs)
	}
	if by := r.server.Inbound().WritersOf(3, 8); len(by) != 2 || by[0].Len != 4 || by[1].Len != 4 {
		t.Fatalf("WritersOf(3, 8) = %v, want 4 bytes of each", by)
	}
}

func TestChildCloseDoesNotGiveEOFWhileParentHoldsTheSocket(t *testing.T) {
	for seed := range uint64(100) {
		w := New(Random(seed))
		var childClosed bool
		r := forkSetup(w,
			func(kid *Process, mem *appMemory) {
				mem.conn.Write([]byte("c1;"))
				if err := mem.conn.Close(); err != nil {
					panic(err)
				}
				childClosed = true
				// the child's descriptor is gone, the socket is not
				if _, err := mem.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
					panic("write on a closed descriptor: " + errString(err))
				}
			},
			func(mem *appMemory) {
				for !childClosed {
					w.Yield()
				}
				mem.conn.Write([]byte("p1;"))
				mem.conn.Close()
			})
		if o := w.Run(); o.Kind != Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		if got := r.got.String(); got != "c1;p1;<EOF>" {
			t.Fatalf("seed %d: server read %q, want the parent's bytes after the child's close and EOF last", seed, got)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestParentsConnUsedByChildPanics(t *testing.T) {
	w := New(Zeros())
	app := w.NewProcess("app")
	db := w.NewProcess("db")
	ln, _ := db.Listen("db")
	c, _ := app.Dial("db")
	ln.Accept()
	kid := app.Fork("worker", nil)
	kid.Go("worker-main", func() { c.Write([]byte("x")) }) // parent's object, not copied
	o := w.Run()
	if o.Kind != Panicked || !strings.Contains(o.Panic.Value.(string), "used by task app/worker#1/worker-main") {
		t.Fatalf("got %v", o)
	}
}

func TestKillClosesDescriptorsAndStopsTasks(t *testing.T) {
	w := New(Zeros())
	db := w.NewProcess("db")
	ln, _ := db.Listen("db")
	app := w.NewProcess("app")
	c, _ := app.Dial("db")
	server, _ := ln.Accept()
	var afterKill, sawEOF, writeErr bool
	app.Go("stuck", func() {
		buf := make([]byte, 1)
		c.Read(buf) // never answered
		afterKill = true
	})
	db.Go("killer", func() {
		w.Yield()
		app.Kill()
		buf := make([]byte, 1)
		_, err := server.Read(buf)
		sawEOF = err == io.EOF
		_, err = server.Write([]byte("late"))
		writeErr = errors.Is(err, syscall.ECONNRESET)
		server.Close()
		ln.Close()
	})
	o := w.Run()
	if o.Kind != Completed {
		t.Fatal(o)
	}
	if afterKill {
		t.Error("a task of the killed process ran on")
	}
	if !sawEOF || !writeErr {
		t.Errorf("after kill: peer EOF %v, write reset %v", sawEOF, writeErr)
	}
	if !app.Exited() || len(app.Descriptors()) != 0 {
		t.Errorf("killed process: exited %v, descriptors %v", app.Exited(), app.Descriptors())
	}
}

func TestSelfKillDoesNotReturn(t *testing.T) {
	w := New(Zeros())
	p := w.NewProcess("p")
	returned := false
	p.Go("suicide", func() {
		p.Kill()
		returned = true
	})
	if o := w.Run(); o.Kind != Completed || returned {
		t.Fatalf("outcome %v, Kill returned %v", o, returned)
	}
}
