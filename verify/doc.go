// Package verify is poolsim's bounded exhaustive search: it runs a
// deterministic simulated program under every schedule within a delay
// bound and a split bound (or, with the reduction, under enough of them
// to cover every one), judges every run, and answers either "all N
// schedules of SUBJECT up to delay bound K and split bound J: no
// violation", or with the first counterexample (a schedule that replays
// under sim.Replay to the same violation), or "inconclusive" when its
// budget ran out first. Result.Statement says which, with everything the
// answer depends on.
//
// # The search
//
// A schedule is the sequence of a run's decisions (sim.Decision). Choice 0
// is "no preemption"; a delay is a non-zero choice of a run or timer
// decision, a split a non-zero choice of a split decision, and a schedule
// is within the bounds when it has at most Config.Bound delays and at most
// Config.SplitBound splits. Search walks the tree of schedules depth
// first, choice 0 first, and is stateless: every run starts the program
// afresh and replays the path to the node being extended (the program must
// be deterministic; a replay that does not fit is reported as such).
// Without reduction it runs every schedule within the bounds once.
//
// # The reduction
//
// Sleep sets and DPOR, pruned naively by a bound, are unsound: they skip an
// order because an equivalent one is explored, but the equivalent one may
// need more delays than the bound allows (Coons, Musuvathi, McKinley,
// "Bounded partial-order reduction", OOPSLA 2013; TestSleepSetsMissAtTheBound
// shows it here). This package prunes instead by what the explored part of
// the tree already covers, with the delays counted.
//
// During every run it keeps a fingerprint of the Mazurkiewicz trace of the
// steps so far (sim.OnStep reports every step, decided or not): each step
// is an event labelled by its task's lineage path and its index among the
// task's steps, and the fingerprint sums, over the events, a hash of the
// label, the access kind and the labels of the event's immediate
// predecessors in the dependence order. The dependence over-approximates
// sim.Dependent: steps of one task; steps of one process that has not
// declared its accesses (its Go memory); descriptor-table steps of one
// declared process; steps touching a common object unless both read
// declared memory; opaque steps (fork, kill, exit, opaque, timer firings)
// with everything; and, beyond sim.Dependent, all task creations with each
// other (they draw task IDs and lineage ordinals), all dials with each
// other (the connection counter), and a completed Wait with its condition.
// A task's first step follows the step that created it. Split and timer
// choices are the data of their events.
//
// One refinement keeps the classes few: a step that only tries to acquire
// a held mutex, read an empty stream or accept from an empty backlog, and
// blocks, changes nothing but its task's being queued (on a queue whose
// waiters are all woken at once), so it is not an event: the completion
// when the task is woken takes its place, and while it waits, "task T
// blocked in its k-th step" is part of the fingerprint instead.
//
// The cache key of a node is that fingerprint with the task and process
// ID assignment (IDs come from global counters and order the run
// decisions' options), the kind of decision and the task that decides what
// the node's choices do: for a run decision the task of option 0 (the
// options are the runnable tasks in round-robin order of ID from it, and
// every other option is a delay), for a split or timer decision the task
// that ran last.
//
// # Soundness
//
// Claim: when the search ends exhausted, every final state (and every
// violation, and every trace class) of a schedule within the bounds is
// that of a schedule the search ran. The argument, in five steps:
//
//  1. Equal fingerprints mean equivalent traces. The predecessors an
//     event records are the last writer of each resource it touches (and,
//     for a write, the readers since), so their transitive closure orders
//     every two dependent events, and only earlier events are recorded. If
//     two runs have the same events with the same predecessors, take the
//     last event e of the second run; no event after e in the first run
//     depends on e (it would have e among its predecessors, which in the
//     second run came before it), so e moves to the end of the first run
//     by swaps of adjacent independent steps; remove e and repeat. The
//     runs are thus reorderings of each other by swaps of independent
//     steps, which commute, and they end in the same state. A blocked
//     idle attempt is a step that changed nothing but its task's queueing:
//     removing it, with its task then runnable until its completion,
//     leaves every other step's effect unchanged, which is why its
//     completion may take its place.
//  2. The same state, the same ID assignment and the same task at option 0
//     give the same subtree: every decision from the node on offers the
//     same options, mapped to the same tasks, and the same choices make
//     the same runs with the same delays and splits.
//  3. The search records a node in the cache only when it leaves it, so
//     the node's whole subtree within the bounds has been explored, or
//     pruned by this same rule at a node recorded earlier.
//  4. A node that used d delays and s splits is pruned when a recorded
//     node of its key used d' <= d and s' <= s: every completion of the
//     pruned node is a completion of the recorded one with the same
//     choices, within the bounds since the recorded node had at least as
//     much left; by induction on the order of recording, its final state
//     is that of a schedule the search ran. With another task at option 0
//     the recorded node reaches every task at a cost of at most one delay,
//     so it covers the node when d'+1 <= d, and covers the node's non-zero
//     choices (which cost one delay there) when d' <= d: then only the
//     node's choice 0 is explored.
//  5. A pruned run is ended at once (the strategy returns an out-of-range
//     choice, the run ends as diverged) and is neither judged nor counted.
//
// The fingerprints being functions of the trace, the reduced search also
// reaches exactly the trace classes the plain search reaches, which the
// tests check. The argument assumes what sim promises: that steps sim
// calls independent commute. Code that observes another task's state
// through the world (a step counter, whether a killed task has been
// unwound yet) is outside it, and so is a property that reads the order of
// independent steps: linearizability reads real time, which is why the
// application's recorder must declare its call and return records as
// dependent accesses wherever operations of different processes are
// judged together. StateFingerprint says which parts of a scenario's
// final state a search compares.
//
// Memory: the cache keeps every recorded node that still had delays left
// and at most Config.CacheLimit of the others; dropping entries costs
// time, never soundness.
//
// # Shards
//
// Config.Shard splits the tree into parts by the alternatives taken on the
// spine (the schedule of no delay), dealt round-robin: without reduction
// the parts' schedule counts add up to the whole search's, and with it the
// union of their trace fingerprints (Merge) is the whole search's. A
// shard records in its cache only nodes inside its own parts.
package verify
