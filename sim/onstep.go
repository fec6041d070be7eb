package sim

// OnStep has fn called at every step the world performs, in the order they
// are performed, at the moment each starts:
//
//   - a task about to perform its pending operation, once the decision that
//     lets it run is taken (or without one, when it alone can run);
//   - a task's start (AccStart): its code up to its first operation;
//   - a task resumed after it blocked in an operation: the operation it
//     completes (its pending operation) is a step of its own here, since
//     other tasks ran between the attempt and the completion;
//   - a timer firing in the scheduler: an Op with a nil Task and Access
//     AccTimer on the clock.
//
// When the run ends, before its remaining tasks are unwound, fn is called
// once more with the zero Op (no task, no access). Everything the world
// does between two reports is the reported step's doing. A search learns
// from it the steps that are not decisions (those taken while one task
// alone could run), which the strategy never sees.
// fn may read the world's tasks and processes but must not call
// operations. A world without OnStep pays one nil check per step.
func OnStep(fn func(Op)) Option { return func(w *World) { w.onStep = fn } }
