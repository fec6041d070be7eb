package verify

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// judgeFunc names the violation of a finished run ("" if none) and
// renders its final state.
type judgeFunc func() (violation, state string)

// handProgram is a Program over a world that build populates; build
// returns the judge to call after the run. A run that does not complete
// is a violation naming its outcome.
func handProgram(subject string, build func(w *sim.World) judgeFunc) Program {
	return Program{Subject: subject, Run: func(s sim.Strategy, opts ...sim.Option) Outcome {
		w := sim.New(s, opts...)
		judge := build(w)
		o := w.Run()
		if o.Kind == sim.Diverged {
			return Outcome{}
		}
		v, st := judge()
		if o.Kind != sim.Completed {
			v = strings.TrimPrefix(v+", "+o.Kind.String(), ", ")
			st += " " + o.Kind.String()
		}
		out := Outcome{Violation: v, Fingerprint: hashString(st), Hash: w.Trace().Hash()}
		if v != "" {
			out.Schedule = w.Schedule()
		}
		return out
	}}
}

// declared returns a process that declares its shared accesses.
func declared(w *sim.World, name string) *sim.Process {
	p := w.NewProcess(name)
	p.DeclareAccesses()
	return p
}

// twoDelays: a writer sets x to 1, then to 2; a reader reads x twice. The
// reader seeing 1 and then 2 takes a switch to the reader between the
// writes and one back to the writer before the reader's second read:
// exactly two delays.
func twoDelays(w *sim.World) judgeFunc {
	p := declared(w, "shared")
	x := w.NewObject("x")
	val, r1, r2 := 0, 0, 0
	p.Go("writer", func() {
		w.Access(x, sim.AccMemWrite)
		val = 1
		w.Access(x, sim.AccMemWrite)
		val = 2
	})
	p.Go("reader", func() {
		w.Access(x, sim.AccMemRead)
		r1 = val
		w.Access(x, sim.AccMemRead)
		r2 = val
	})
	return func() (string, string) {
		v := ""
		if r1 == 1 && r2 == 2 {
			v = "the reader saw the half-done update"
		}
		return v, fmt.Sprint(r1, r2, val)
	}
}

// sleepingStarts is like Coons et al.'s example: two readers (tasks 1 and
// 2) read x once; a writer (task 3) sets x to 1, then to 2. The violation,
// reader 2 seeing 1 and reader 1 seeing 2, takes two delays: run the
// writer first, and switch to reader 2 between its writes. The readers'
// first steps (their starts) are independent of everything, so a sleep-set
// search that explored reader 1 and reader 2 first lets them sleep in the
// writer's subtree; every order that moves the starts to the front needs a
// third delay.
func sleepingStarts(w *sim.World) judgeFunc {
	p := declared(w, "shared")
	x := w.NewObject("x")
	val := 0
	seen := [2]int{}
	for i := range 2 {
		p.Go("reader", func() {
			w.Access(x, sim.AccMemRead)
			seen[i] = val
		})
	}
	p.Go("writer", func() {
		w.Access(x, sim.AccMemWrite)
		val = 1
		w.Access(x, sim.AccMemWrite)
		val = 2
	})
	return func() (string, string) {
		v := ""
		if seen == [2]int{2, 1} {
			v = "reader 2 saw the older value after reader 1 saw the newer"
		}
		return v, fmt.Sprint(seen, val)
	}
}

// lostUpdate: two tasks increment a counter under a sim.Mutex, a third
// increments it without the lock; the counter ends at 2 when the unlocked
// increment's read and write straddle a locked one.
func lostUpdate(w *sim.World) judgeFunc {
	p := declared(w, "counter")
	mu := p.NewMutex("mu")
	c := w.NewObject("counter")
	n := 0
	inc := func() {
		w.Access(c, sim.AccMemRead)
		v := n
		w.Access(c, sim.AccMemWrite)
		n = v + 1
	}
	for range 2 {
		p.Go("locked", func() {
			mu.Lock()
			inc()
			mu.Unlock()
		})
	}
	p.Go("unlocked", inc)
	return func() (string, string) {
		v := ""
		if n != 3 {
			v = "lost update"
		}
		return v, fmt.Sprint(n)
	}
}

// forkedSocket: a process dials a server, forks, and parent and child
// each send a two-part message on the inherited socket. The server
// records the chunks it reads; a message whose parts are separated by the
// other's is a violation. The server may not be listening yet when the
// client dials: the client retries after a virtual millisecond.
func forkedSocket(w *sim.World) judgeFunc {
	server := w.NewProcess("server")
	var chunks []string
	server.Go("listener", func() {
		ln, err := w.Listen("db:1")
		if err != nil {
			panic(err)
		}
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		buf := make([]byte, 16)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				chunks = append(chunks, string(buf[:n]))
			}
			if err == io.EOF {
				return
			}
		}
	})
	app := w.NewProcess("app")
	app.Go("main", func() {
		var c *sim.Conn
		for {
			var err error
			if c, err = w.Dial("db:1"); err == nil {
				break
			}
			w.Sleep(time.Millisecond)
		}
		var cc *sim.Conn
		child := app.Fork("worker", func(child *sim.Process) { cc = c.In(child) })
		child.Go("main", func() {
			cc.Write([]byte("B1"))
			cc.Write([]byte("B2"))
			cc.Close()
		})
		c.Write([]byte("A1"))
		c.Write([]byte("A2"))
		c.Close()
	})
	return func() (string, string) {
		all := strings.Join(chunks, "")
		v := ""
		if all != "A1A2B1B2" && all != "B1B2A1A2" {
			v = "messages interleaved on the shared socket"
		}
		return v, strings.Join(chunks, "|")
	}
}

// randomProgram is a small program drawn from seed: two or three tasks of
// one declared process, each reading and writing one or two shared
// variables (writes store a value naming the task and the write), some
// steps under a mutex. Its violation is a read of a value that a task with
// a higher ID wrote.
func randomProgram(seed uint64) Program {
	rng := rand.New(rand.NewPCG(seed, 17))
	type step struct {
		v            int
		write, under bool
	}
	tasks := make([][]step, 2+rng.IntN(2))
	vars := 1 + rng.IntN(2)
	for i := range tasks {
		for range 1 + rng.IntN(3) {
			tasks[i] = append(tasks[i], step{rng.IntN(vars), rng.IntN(2) == 0, rng.IntN(4) == 0})
		}
	}
	return handProgram(fmt.Sprintf("random program %d %v", seed, tasks), func(w *sim.World) judgeFunc {
		p := declared(w, "p")
		mu := p.NewMutex("mu")
		objs := make([]*sim.Object, vars)
		for i := range objs {
			objs[i] = w.NewObject(fmt.Sprint("x", i))
		}
		vals := make([]int, vars)
		reads := make([][]int, len(tasks))
		bad := false
		for ti, steps := range tasks {
			p.Go("t", func() {
				for si, s := range steps {
					if s.under {
						mu.Lock()
					}
					if s.write {
						w.Access(objs[s.v], sim.AccMemWrite)
						vals[s.v] = (ti+1)*10 + si
					} else {
						w.Access(objs[s.v], sim.AccMemRead)
						reads[ti] = append(reads[ti], vals[s.v])
						bad = bad || vals[s.v]/10 > ti+1
					}
					if s.under {
						mu.Unlock()
					}
				}
			})
		}
		return func() (string, string) {
			v := ""
			if bad {
				v = "read a later task's write"
			}
			return v, fmt.Sprint(reads, vals)
		}
	})
}
