package explore

import (
	"slices"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// TestLenientUnchangedIsStrict: an unchanged schedule replays leniently
// exactly as it does strictly.
func TestLenientUnchangedIsStrict(t *testing.T) {
	tg := target(t, "gthread-queuepool")
	run, _ := Attempt(tg, sim.Random(5))
	sch := run.Schedule()
	l := Lenient(sch)
	re, _ := Attempt(tg, l)
	if re.Hash() != run.Hash() || l.Adjusted != 0 {
		t.Fatalf("lenient replay: hash %016x, want %016x; %d choices adjusted", re.Hash(), run.Hash(), l.Adjusted)
	}
	if !slices.Equal(re.Schedule().Decisions, sch.Decisions) {
		t.Fatal("re-recorded decisions differ")
	}
}

// TestLenientNeverDiverges: choices dropped, out of range or of the wrong
// kind never end the run as diverged.
func TestLenientNeverDiverges(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	run, _ := Attempt(tg, sim.Random(9))
	sch := run.Schedule()
	cs := slices.Clone(sch.Decisions[5:]) // drop the first five
	for i := range cs {
		if i%3 == 0 {
			cs[i].Choice, cs[i].N, cs[i].Task = cs[i].N+7, cs[i].N+8, "" // beyond any option
		}
	}
	l := Lenient(withDecisions(sch, cs))
	re, _ := Attempt(tg, l)
	if re.Outcome.Kind == sim.Diverged || re.Outcome.Kind == sim.Panicked {
		t.Fatalf("lenient replay: %v", re.Outcome)
	}
	if l.Adjusted == 0 {
		t.Fatal("no choice was adjusted")
	}
	// and the run it took replays strictly
	if _, _, err := Replay(tg, re.Schedule()); err != nil {
		t.Fatal(err)
	}
}

// TestLenientFollowsTheTask: a run choice that names a task runs that task
// wherever its option is now, and takes 0 when the task cannot run.
func TestLenientFollowsTheTask(t *testing.T) {
	first := func(s sim.Strategy) string {
		w := sim.New(s)
		var order []string
		for _, name := range []string{"a", "b", "c"} {
			w.Go(name, func() {
				order = append(order, name)
				w.Yield()
			})
		}
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("run: %v", o)
		}
		return order[0]
	}
	one := func(c sim.Choice) *sim.Schedule { return &sim.Schedule{Decisions: []sim.Choice{c}} }
	if got := first(Lenient(one(sim.Choice{Kind: sim.RunDecision, Choice: 1, N: 3, Task: "main/c"}))); got != "c" {
		t.Fatalf("choice 1 naming main/c ran %s first", got)
	}
	if got := first(Lenient(one(sim.Choice{Kind: sim.RunDecision, Choice: 2, N: 3, Task: "main/gone"}))); got != first(sim.Zeros()) {
		t.Fatalf("a choice naming no runnable task ran %s first, not option 0", got)
	}
	if got := first(Lenient(one(sim.Choice{Kind: sim.RunDecision, Choice: 1, N: 3}))); got != "b" {
		t.Fatalf("an unnamed choice 1 ran %s first", got)
	}
}
