// Package sim is a deterministic world for running concurrent code one task at
// a time.
//
// A World holds tasks (goroutines run as coroutines, one at a time), a
// Strategy that takes every decision, a virtual clock, blocking primitives the
// scheduler can see (Mutex, Cond), a simulated network whose reads return a
// scheduler-chosen prefix of the bytes available, and processes with
// descriptor tables and Fork.
//
// The rules that make a run reproducible:
//
//   - Only one task runs at a time. It runs until it reaches a sim operation,
//     which is a decision point: the strategy may let it continue (choice 0)
//     or switch to another runnable task.
//   - All blocking goes through sim primitives, so the scheduler always knows
//     which tasks are runnable. Code under simulation never uses go
//     statements, channels, package sync, time.Now, time.Sleep, real I/O or
//     the global math/rand.
//   - Every choice with more than one option (which task runs, how many bytes
//     a read returns, which of several timers due at one instant fires first)
//     is drawn from the strategy and appended to the Schedule. Replaying the
//     schedule reproduces the run bit for bit.
//   - A run ends completed, deadlocked, over its step budget, with a task's
//     panic, or diverged (the strategy's choice did not fit the options: a
//     replayed schedule that no longer matches the run).
//
// Choice 0 always means "no preemption": keep running the current task, or
// deliver every byte available. A shrinker that pushes choices toward 0 thus
// minimises context switches and splits.
//
// Everything that happens is an Event in the world's Trace, which has a stable
// 64-bit hash: the same strategy choices give the same hash on any GOMAXPROCS,
// with or without the race detector.
package sim
