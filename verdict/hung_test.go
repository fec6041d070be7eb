package verdict

import (
	"testing"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// endedRun is a run that ended as o, with the log lines given.
func endedRun(o sim.Outcome, lines ...app.LogLine) *scenario.Run {
	log := app.NewLog(sim.New(sim.Zeros()))
	log.Lines = lines
	return &scenario.Run{Outcome: o, Log: log}
}

// TestHungTasksCount: a task hung at the deadline, a non-daemon task
// blocked at a deadlock and a worker killed for silence each violate
// hung tasks, naming the task or the line; a daemon blocked at the end
// does not; a run over its step budget never got to be judged.
func TestHungTasksCount(t *testing.T) {
	blocked := sim.BlockedTask{Task: "gunicorn/worker#1/thread", Process: "gunicorn/worker#1", WaitsOn: "acquire mutex pool"}
	daemon := sim.BlockedTask{Task: "gunicorn/master", Process: "gunicorn", Daemon: true, WaitsOn: "sleep"}
	timeout := app.LogLine{Step: 77, Task: "gunicorn/master", Process: "gunicorn", Level: app.Critical, Text: "WORKER TIMEOUT (pid:1002)"}
	cases := []struct {
		name string
		run  *scenario.Run
		kind string
		step int
	}{
		{"deadline", endedRun(sim.Outcome{Kind: sim.DeadlineReached, Steps: 90, Hung: []sim.BlockedTask{blocked}}), HungAtDeadline, 90},
		{"deadlock", endedRun(sim.Outcome{Kind: sim.Deadlocked, Steps: 80, Blocked: []sim.BlockedTask{daemon, blocked}}), Deadlocked, 80},
		{"worker timeout", endedRun(sim.Outcome{Kind: sim.Completed, Steps: 100}, timeout), WorkerTimeout, 77},
	}
	for _, c := range cases {
		res := hungTasks(c.run, Options{})
		if res.Status != properties.Violated || len(res.Violations) != 1 {
			t.Errorf("%s: %v: want one violation", c.name, res)
			continue
		}
		if x := res.First(); x.Kind != c.kind || x.Step != c.step || len(x.Tasks) != 1 {
			t.Errorf("%s: %v: want %s at step %d naming one task", c.name, x, c.kind, c.step)
		}
	}
	if res := hungTasks(endedRun(sim.Outcome{Kind: sim.Deadlocked, Blocked: []sim.BlockedTask{daemon}}), Options{}); res.Status != properties.Held {
		t.Errorf("a blocked daemon: %v", res)
	}
	if res := hungTasks(endedRun(sim.Outcome{Kind: sim.OverBudget}), Options{}); res.Status != properties.Inconclusive {
		t.Errorf("over budget: %v", res)
	}
}

// TestBackgroundThreadHangs: preload-background-thread hangs a worker
// under some seed of the fixed set, and the verdict's hung tasks says so
// as run.Hangs does.
func TestBackgroundThreadHangs(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		r := run(t, "preload-background-thread", seed)
		v := Judge(r, Options{})
		ht := result(t, &v, HungTasks)
		if len(ht.Violations) != len(r.Hangs()) {
			t.Fatalf("seed %d: %v, yet the run's hangs are %q", seed, ht, r.Hangs())
		}
		if ht.Status == properties.Violated {
			t.Logf("seed %d: %v", seed, ht)
			return
		}
	}
	t.Fatal("no seed of 8 hung")
}
