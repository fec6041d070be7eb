package sim

import (
	"fmt"
	"strings"
	"time"
)

// OutcomeKind says how a run ended.
type OutcomeKind uint8

// The ways a run can end.
const (
	// Completed: every task that is not a daemon returned and no daemon
	// could run without the clock moving.
	Completed OutcomeKind = iota + 1
	// Deadlocked: no task could run and no timer was pending, while some
	// task that is not a daemon had not returned.
	Deadlocked
	// OverBudget: the run took more steps than its budget (a livelock, or a
	// workload larger than the budget).
	OverBudget
	// Panicked: a task panicked.
	Panicked
	// Diverged: the strategy's choice did not fit the run (a replayed
	// schedule that no longer matches the code or scenario).
	Diverged
	// DeadlineReached: the virtual clock reached the world's deadline
	// (see Deadline) with tasks still to run.
	DeadlineReached
)

var outcomeNames = [...]string{Completed: "completed", Deadlocked: "deadlocked",
	OverBudget: "over step budget", Panicked: "panicked", Diverged: "diverged",
	DeadlineReached: "deadline reached"}

// String returns the outcome kind's name.
func (k OutcomeKind) String() string {
	if int(k) < len(outcomeNames) && outcomeNames[k] != "" {
		return outcomeNames[k]
	}
	return fmt.Sprintf("outcome(%d)", uint8(k))
}

// Outcome is how a run ended.
type Outcome struct {
	Kind      OutcomeKind
	Steps     int           // steps taken
	Time      time.Duration // virtual time at the end
	Decisions int           // decisions recorded in the schedule

	// Blocked lists every blocked task when the run deadlocked.
	Blocked []BlockedTask
	// Hung lists, when the run reached its deadline, every task (daemons
	// excepted) that had been blocked for at least the hang threshold.
	Hung []BlockedTask
	// Stuck names the tasks that swallowed the unwind signal (see
	// IsUnwind) and were parked for good when the run ended; their
	// goroutines stay suspended.
	Stuck []string
	// Panic describes the panic when a task panicked.
	Panic *TaskPanic
	// Divergence says where a replay stopped fitting the run.
	Divergence *DivergenceError
}

// BlockedTask is one task that could not proceed at a deadlock or a
// deadline.
type BlockedTask struct {
	Task    string        // the task's path
	Process string        // its process's path
	Daemon  bool          // whether it is a daemon
	WaitsOn string        // what it waits on, e.g. "acquire mutex pool held by app/master"
	Object  ObjectID      // the object it waits on (zero for a sleep)
	Access  Access        // the operation it is blocked in
	Since   time.Duration // virtual time at which it blocked
}

// TaskPanic is a panic raised by a task.
type TaskPanic struct {
	Task    string
	Process string
	Value   any
	Stack   string
}

// DivergenceError reports that a schedule no longer fits the run it
// replays.
type DivergenceError struct {
	Step     int    // the world's step counter
	Decision int    // index of the decision in the schedule
	Reason   string // what did not fit
}

// Error returns "schedule diverged at step N: decision D: reason".
func (e *DivergenceError) Error() string {
	return fmt.Sprintf("schedule diverged at step %d: decision %d: %s", e.Step, e.Decision, e.Reason)
}

// String describes the outcome on one or more lines.
func (o Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s after %d steps, %d decisions, %v virtual time", o.Kind, o.Steps, o.Decisions, o.Time)
	switch o.Kind {
	case Deadlocked:
		for _, t := range o.Blocked {
			daemon := ""
			if t.Daemon {
				daemon = " (daemon)"
			}
			fmt.Fprintf(&b, "\n  task %s in process %s%s waits on %s", t.Task, t.Process, daemon, t.WaitsOn)
		}
	case DeadlineReached:
		for _, t := range o.Hung {
			fmt.Fprintf(&b, "\n  hung: task %s in process %s waits on %s since %v", t.Task, t.Process, t.WaitsOn, t.Since)
		}
	case Panicked:
		fmt.Fprintf(&b, "\n  task %s in process %s panicked: %v\n%s", o.Panic.Task, o.Panic.Process, o.Panic.Value, o.Panic.Stack)
	case Diverged:
		fmt.Fprintf(&b, "\n  %v", o.Divergence)
	}
	for _, t := range o.Stuck {
		fmt.Fprintf(&b, "\n  stuck: task %s swallowed the unwind signal and was parked", t)
	}
	return b.String()
}
