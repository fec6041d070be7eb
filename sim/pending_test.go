package sim

import (
	"slices"
	"testing"
)

// opRecorder wraps a strategy and records, at every run decision, the
// chosen task's pending operation and how long the trace was, so that a
// test can compare it with what the task then did.
type opRecorder struct {
	inner Strategy
	w     *World
	picks []pick
	bad   []string
}

type pick struct {
	traceLen int
	op       Op
}

func (r *opRecorder) Choose(d Decision) int {
	c := r.inner.Choose(d)
	switch d.Kind {
	case RunDecision:
		op := d.Op(c)
		if op.Task != d.Task(c) {
			r.bad = append(r.bad, "Op(i).Task is not Task(i)")
		}
		if d.Delays(c) != (c != 0) || (d.Preempts(c) && c == 0) {
			r.bad = append(r.bad, "Delays/Preempts inconsistent with the choice")
		}
		r.picks = append(r.picks, pick{r.w.Trace().Len(), op})
	case SplitDecision:
		if op := d.Op(c); op.Access != AccRead || op.Task != r.w.Current() {
			r.bad = append(r.bad, "a split decision's op is not the running task's read: "+op.String())
		}
	}
	return c
}

// eventsFor lists the event kinds by which each access shows in the trace.
var eventsFor = map[Access][]EventKind{
	AccAcquire: {EvLock, EvBlock}, AccRelease: {EvUnlock}, AccWait: {EvUnlock},
	AccSignal: {EvSignal}, AccSpawn: {EvSpawn}, AccFork: {EvFork}, AccKill: {EvKill},
	AccExit: {EvExit}, AccTimer: {EvSleep, EvAfter}, AccWrite: {EvWrite},
	AccRead: {EvRead, EvBlock, EvEOF}, AccClose: {EvClose, EvShutdown}, AccListen: {EvListen},
	AccDial: {EvDial}, AccAccept: {EvAccept, EvBlock}, AccMemRead: {EvAccess},
	AccMemWrite: {EvAccess}, AccOpaque: {EvClose},
}

// TestPendingOpIsWhatTheTaskDoes: over many seeds of the echo workload
// (network, mutex, clock, listener), the operation reported for the task a
// run decision picks is the operation that task then performs: its next
// event has the kind of that access and concerns the same object.
func TestPendingOpIsWhatTheTaskDoes(t *testing.T) {
	checked := map[Access]int{}
	for seed := range uint64(150) {
		for _, s := range []Strategy{Random(seed), PCT(seed, 3)} {
			rec := &opRecorder{inner: s}
			w := New(rec)
			rec.w = w
			echoWorkload(w, 3)
			if o := w.Run(); o.Kind != Completed {
				t.Fatalf("seed %d: %v", seed, o)
			}
			if len(rec.bad) > 0 {
				t.Fatalf("seed %d: %s", seed, rec.bad[0])
			}
			events := w.Trace().Events()
			for _, p := range rec.picks {
				kinds, ok := eventsFor[p.op.Access]
				if !ok {
					continue // start and yield show only through later operations
				}
				i := p.traceLen
				for i < len(events) && events[i].Task != p.op.Task.ID() {
					i++
				}
				if i == len(events) {
					t.Fatalf("seed %d: %s never happened", seed, p.op)
				}
				e := events[i]
				id, hasObj := p.op.Object()
				if !slices.Contains(kinds, e.Kind) || (hasObj && !slices.Contains(e.Objects(), id) &&
					!slices.ContainsFunc(p.op.Objects(), func(o ObjectID) bool { return slices.Contains(e.Objects(), o) })) {
					t.Fatalf("seed %d: pending %s, but the task then did %s", seed, p.op, w.Trace().Format(e))
				}
				checked[p.op.Access]++
			}
		}
	}
	for _, a := range []Access{AccAcquire, AccRelease, AccSpawn, AccExit, AccTimer, AccWrite, AccRead, AccClose, AccListen, AccDial, AccAccept} {
		if checked[a] == 0 {
			t.Errorf("no decision picked a task about to %s", a)
		}
	}
}
