package sim

import (
	"fmt"
	"slices"
	"testing"
)

// TestPathsAndIdentitiesSurviveScheduleChanges: task and process paths and
// object identities come from lineage, not creation order, so the same
// task or object has the same name under every schedule even when the
// order in which tasks create things varies.
func TestPathsAndIdentitiesSurviveScheduleChanges(t *testing.T) {
	names := func(seed uint64) (tasks, procs map[string]bool, objs map[string]string) {
		w := New(Random(seed))
		app := w.NewProcess("app")
		tasks, procs, objs = map[string]bool{}, map[string]bool{}, map[string]string{}
		app.Go("master", func() {
			for i := range 2 {
				app.Fork("worker", func(kid *Process) {
					kid.Go("main", func() {
						for j := range 3 {
							kid.Go("thread", func() {
								m := w.NewMutex("conn")
								objs[fmt.Sprintf("w%d t%d", i, j)] = m.ID().String()
								m.Lock()
								w.Yield()
								m.Unlock()
							})
						}
					})
				})
			}
		})
		if o := w.Run(); o.Kind != Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		for _, tk := range w.Tasks() {
			tasks[tk.Path()] = true
		}
		for _, p := range w.Processes() {
			procs[p.Path()] = true
		}
		return
	}
	t0, p0, o0 := names(0)
	want := []string{"app/master", "app/worker#1/main", "app/worker#1/main/thread", "app/worker#1/main/thread#2",
		"app/worker#1/main/thread#3", "app/worker#2/main", "app/worker#2/main/thread#3"}
	for _, p := range want {
		if !t0[p] {
			t.Fatalf("no task %q in %v", p, t0)
		}
	}
	if !p0["app/worker#2"] {
		t.Fatalf("processes %v", p0)
	}
	for seed := uint64(1); seed < 40; seed++ {
		t1, p1, o1 := names(seed)
		if fmt.Sprint(t1) != fmt.Sprint(t0) || fmt.Sprint(p1) != fmt.Sprint(p0) || fmt.Sprint(o1) != fmt.Sprint(o0) {
			t.Fatalf("seed %d names differ:\n%v\n%v\n%v\nvs\n%v\n%v\n%v", seed, t1, p1, o1, t0, p0, o0)
		}
	}
	if o0["w1 t2"] != "app/worker#2/main/thread#3:1" {
		t.Fatalf("mutex identity %q", o0["w1 t2"])
	}
}

// TestDependentRelation pins the dependence relation a partial-order
// reduction relies on.
func TestDependentRelation(t *testing.T) {
	w := New(Zeros())
	a, b := w.NewProcess("a"), w.NewProcess("b")
	ta1 := &Task{proc: a, path: "a/1"}
	ta2 := &Task{proc: a, path: "a/2"}
	tb := &Task{proc: b, path: "b/1"}
	m, s := &object{num: 1}, &object{num: 2}
	op := func(t *Task, acc Access, objs ...*object) Op {
		o := Op{Task: t, Access: acc, op: pendingOp{acc: acc}}
		if len(objs) > 0 {
			o.op.obj = objs[0]
		}
		if len(objs) > 1 {
			o.op.obj2 = objs[1]
		}
		return o
	}
	cases := []struct {
		name string
		x, y Op
		want bool
	}{
		{"same task", op(ta1, AccYield), op(ta1, AccYield), true},
		{"same process, undeclared memory", op(ta1, AccYield), op(ta2, AccYield), true},
		{"other processes, nothing shared", op(ta1, AccYield), op(tb, AccYield), false},
		{"two reads of one stream", op(ta1, AccRead, s), op(tb, AccRead, s), true},
		{"read and write of one stream", op(ta1, AccRead, s), op(tb, AccWrite, s), true},
		{"close touches the inbound stream", op(ta1, AccClose, m, s), op(tb, AccWrite, s), true},
		{"different objects", op(ta1, AccAcquire, m), op(tb, AccAcquire, s), false},
		{"same mutex", op(ta1, AccAcquire, m), op(tb, AccRelease, m), true},
		{"wait releases its mutex", op(ta1, AccWait, s, m), op(tb, AccAcquire, m), true},
		{"two memory reads", op(ta1, AccMemRead, m), op(tb, AccMemRead, m), false},
		{"memory read and write", op(ta1, AccMemRead, m), op(tb, AccMemWrite, m), true},
		{"fork is opaque", op(ta1, AccFork), op(tb, AccYield), true},
		{"exit is opaque", op(tb, AccExit), op(ta1, AccYield), true},
	}
	for _, c := range cases {
		if got := Dependent(c.x, c.y); got != c.want {
			t.Errorf("%s: Dependent = %v, want %v", c.name, got, c.want)
		}
		if got := Dependent(c.y, c.x); got != c.want {
			t.Errorf("%s (swapped): Dependent = %v, want %v", c.name, got, c.want)
		}
	}
	a.DeclareAccesses()
	if Dependent(op(ta1, AccYield), op(ta2, AccYield)) {
		t.Error("tasks of a process that declares its accesses are still dependent through its memory")
	}
	if !Dependent(op(ta1, AccMemWrite, m), op(ta2, AccMemRead, m)) {
		t.Error("declared accesses to one object are not dependent")
	}
	fdA := op(ta1, AccDial, m)
	fdA.op.fds = true
	fdB := op(ta2, AccClose, s)
	fdB.op.fds = true
	if !Dependent(fdA, fdB) {
		t.Error("two operations on one descriptor table are not dependent")
	}
}

// TestDeclaredAccessIsADecision: World.Access is a decision point whose
// pending operation names the declared object.
func TestDeclaredAccessIsADecision(t *testing.T) {
	rec := &opRecorder{inner: Random(3)}
	w := New(rec)
	rec.w = w
	w.Main().DeclareAccesses()
	queue := w.NewObject("pool.queue")
	for i := range 2 {
		w.Go(fmt.Sprintf("t%d", i), func() {
			w.Access(queue, AccMemWrite)
			w.Access(queue, AccMemRead)
		})
	}
	w.Run()
	var seen []Access
	for _, p := range rec.picks {
		if id, ok := p.op.Object(); ok && id == queue.ID() {
			seen = append(seen, p.op.Access)
		}
	}
	if !slices.Contains(seen, AccMemWrite) || !slices.Contains(seen, AccMemRead) || queue.ID().Owner != "" {
		t.Fatalf("declared accesses seen at decisions: %v (object %v)", seen, queue.ID())
	}
}
