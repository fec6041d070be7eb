package sim

import (
	"container/heap"
	"time"
)

// Epoch is the virtual wall-clock time at which every run starts.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Now returns the virtual wall-clock time: Epoch plus the virtual time
// elapsed. Time moves only when no task is runnable: the clock then jumps
// to the next timer.
func (w *World) Now() time.Time { return Epoch.Add(w.clock) }

// Elapsed returns the virtual time since the start of the run.
func (w *World) Elapsed() time.Duration { return w.clock }

// Sleep blocks the current task for d of virtual time. It is a decision
// point; a non-positive d only yields.
func (w *World) Sleep(d time.Duration) {
	if d <= 0 {
		w.point(pendingOp{acc: AccYield})
		w.emit(EvYield)
		return
	}
	w.point(pendingOp{acc: AccTimer, obj: &w.clockObj})
	t := w.running
	w.emitObj(EvSleep, &w.clockObj, int64(d), 0, 0)
	t.timer = w.after(d, func() { w.wake(t) })
	w.block(nil, pendingOp{acc: AccTimer}, pendingOp{acc: AccYield}, int64(w.clock+d))
}

// Timer is a callback scheduled on the virtual clock.
type Timer struct {
	at      time.Duration
	seq     int
	fn      func()
	stopped bool
	fired   bool
}

// AfterFunc schedules fn to run after d of virtual time. fn runs in the
// scheduler, outside any task: it may wake tasks (through Cond and the
// like) but must not call operations that block or yield. It is a decision
// point.
func (w *World) AfterFunc(d time.Duration, fn func()) *Timer {
	w.point(pendingOp{acc: AccTimer, obj: &w.clockObj})
	w.emitObj(EvAfter, &w.clockObj, int64(d), 0, 0)
	return w.after(d, fn)
}

func (w *World) after(d time.Duration, fn func()) *Timer {
	w.timers.seq++
	tm := &Timer{at: w.clock + max(d, 0), seq: w.timers.seq, fn: fn}
	heap.Push(&w.timers, tm)
	return tm
}

// Stop cancels the timer; it reports whether the timer had not yet fired.
func (tm *Timer) Stop() bool {
	if tm.fired || tm.stopped {
		return false
	}
	tm.stopped = true
	return true
}

// fireTimers advances the clock to the earliest pending timer and fires
// every timer due then, the order among them being a decision. It reports
// whether any timer was pending. A timer due after the world's deadline
// ends the run instead, at the deadline.
func (w *World) fireTimers() bool {
	q := &w.timers
	for q.Len() > 0 && q.items[0].stopped {
		heap.Pop(q)
	}
	if q.Len() == 0 {
		return false
	}
	if w.deadline > 0 && q.items[0].at > w.deadline {
		w.clock = max(w.clock, w.deadline)
		w.end(Outcome{Kind: DeadlineReached, Hung: w.blockedTasks(w.hungAfter, false)})
		return true
	}
	w.clock = max(w.clock, q.items[0].at)
	var due []*Timer
	for q.Len() > 0 && q.items[0].at <= w.clock {
		if tm := heap.Pop(q).(*Timer); !tm.stopped {
			due = append(due, tm)
		}
	}
	for len(due) > 0 {
		i := 0
		if len(due) > 1 {
			if i = w.decide(TimerDecision, len(due)); i < 0 {
				return true
			}
		}
		tm := due[i]
		due = append(due[:i], due[i+1:]...)
		if tm.stopped {
			continue
		}
		tm.fired = true
		if w.onStep != nil {
			w.onStep(Op{Access: AccTimer, op: pendingOp{acc: AccTimer, obj: &w.clockObj}})
		}
		w.emitObj(EvTimer, &w.clockObj, int64(tm.seq), int64(tm.at), 0)
		tm.fn()
	}
	return true
}

// timerQueue is a min-heap of timers by due time, then creation order.
type timerQueue struct {
	items []*Timer
	seq   int
}

func (q *timerQueue) Len() int { return len(q.items) }
func (q *timerQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}
func (q *timerQueue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
}
func (q *timerQueue) Push(x any) {
	q.items = append(q.items, x.(*Timer))
}
func (q *timerQueue) Pop() any {
	n := len(q.items)
	tm := q.items[n-1]
	q.items = q.items[:n-1]
	return tm
}
