package sim

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Kind says what a decision chooses between.
type Kind uint8

const (
	// RunDecision chooses the task that runs next. Option 0 is the current task when
	// it is still runnable; otherwise, and for the other options, tasks follow
	// in round-robin order of task ID starting after the current task.
	RunDecision Kind = iota + 1
	// SplitDecision chooses how many of the available bytes a read returns. Option 0
	// delivers everything that is available and fits the reader's buffer;
	// option i > 0 is the i-th smallest allowed cut.
	SplitDecision
	// TimerDecision chooses which of several timers due at the same instant fires
	// first. Option i is the i-th of them in creation order.
	TimerDecision
)

var kindNames = [...]string{RunDecision: "run", SplitDecision: "split", TimerDecision: "timer"}

// String returns the kind's name as written in schedule files.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// parseKind is the inverse of Kind.String.
func parseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if name != "" && name == s {
			return Kind(k), true
		}
	}
	return 0, false
}

// Decision describes one choice the world asks its strategy to make.
type Decision struct {
	// Step is the world's step counter when the decision is taken.
	Step int
	// Index is the number of decisions taken before this one in the run.
	Index int
	// Kind says what is being chosen.
	Kind Kind
	// N is the number of options; always at least 2.
	N int

	w *World
}

// Task returns the task that option i stands for in a RunDecision, and nil
// for other kinds or an index out of range.
func (d Decision) Task(i int) *Task {
	if d.Kind != RunDecision || d.w == nil || i < 0 || i >= d.N {
		return nil
	}
	return d.w.runOption(i)
}

// Op returns the pending operation of option i's task in a RunDecision:
// what that task does when it runs next. In a SplitDecision every option
// stands for the reading task's read (split options are data choices, not
// orderings). It is the zero Op for other kinds or an index out of range.
func (d Decision) Op(i int) Op {
	if d.w == nil || i < 0 || i >= d.N {
		return Op{}
	}
	var t *Task
	switch d.Kind {
	case RunDecision:
		t = d.w.runOption(i)
	case SplitDecision:
		t = d.w.running
	}
	if t == nil {
		return Op{}
	}
	return Op{Task: t, Access: t.pending.acc, op: t.pending}
}

// Last returns the task that ran last: at a decision point inside a task,
// the task about to perform its operation (still runnable); at a decision
// the scheduler takes, the task that blocked or finished. It is nil at the
// first decision of a run.
func (d Decision) Last() *Task {
	if d.w == nil {
		return nil
	}
	return d.w.current
}

// Delays reports whether taking option i of a RunDecision deviates from
// the no-preemption schedule: every non-zero choice does. A delay-bounded
// search counts these.
func (d Decision) Delays(i int) bool { return d.Kind == RunDecision && i != 0 }

// Preempts reports whether taking option i of a RunDecision switches away
// from a task that could still run (a preemption in the sense of
// preemption bounding). Choices at points where the last task blocked or
// finished are delays but not preemptions.
func (d Decision) Preempts(i int) bool {
	if d.Kind != RunDecision || i == 0 || d.w == nil {
		return false
	}
	last := d.w.current
	return last != nil && last.state == runnable && last.slot >= 0
}

// A Strategy takes every decision of a run. Choose must return a value in
// [0, d.N); any other value ends the run as diverged. Strategies are used by
// one world at a time.
type Strategy interface {
	Choose(d Decision) int
}

// Diverger is implemented by strategies that can explain why they returned
// an invalid choice (Replay does, when a schedule no longer fits the run).
type Diverger interface {
	Divergence() string
}

// zeros is the strategy of no preemption.
type zeros struct{}

func (zeros) Choose(Decision) int { return 0 }

// Zeros returns the strategy that always takes option 0: tasks run until they
// block or finish, and reads deliver everything available. It is the
// schedule a shrinker converges to.
func Zeros() Strategy { return zeros{} }

// RandomStrategy picks every option uniformly from a seeded generator.
type RandomStrategy struct {
	pcg *rand.PCG
}

// Random returns a strategy that takes every decision uniformly at random
// from a PCG generator seeded with seed.
func Random(seed uint64) *RandomStrategy {
	return &RandomStrategy{pcg: rand.NewPCG(seed, 0x706f6f6c73696d)}
}

// Choose picks uniformly among d.N options (Lemire's multiply-and-reject
// method: unbiased, and one multiplication in the common case).
func (r *RandomStrategy) Choose(d Decision) int {
	n := uint64(d.N)
	hi, lo := bits.Mul64(r.pcg.Uint64(), n)
	if lo < n {
		for thresh := -n % n; lo < thresh; {
			hi, lo = bits.Mul64(r.pcg.Uint64(), n)
		}
	}
	return int(hi)
}
