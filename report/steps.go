package report

import (
	"sort"

	"github.com/poolsim/poolsim/sim"
)

// ioSpan is one socket write or read of the trace: the stream range it
// covered and the step it happened at.
type ioSpan struct {
	off, end int64
	step     int
}

// streamIO indexes a trace's socket writes and reads by stream, to tell
// the step at which a stream byte was written or read.
type streamIO struct {
	writes, reads map[sim.ObjectID][]ioSpan // lookup only
}

// indexIO indexes the events of tr.
func indexIO(tr *sim.Trace) *streamIO {
	ix := &streamIO{writes: map[sim.ObjectID][]ioSpan{}, reads: map[sim.ObjectID][]ioSpan{}}
	for _, e := range tr.Events() {
		if e.Kind != sim.EvWrite && e.Kind != sim.EvRead {
			continue
		}
		id, ok := e.Object()
		if !ok || e.B <= e.A {
			continue
		}
		sp := ioSpan{off: e.A, end: e.B, step: e.Step}
		if e.Kind == sim.EvWrite {
			ix.writes[id] = append(ix.writes[id], sp)
		} else {
			ix.reads[id] = append(ix.reads[id], sp)
		}
	}
	return ix
}

// stepAt returns the step of the span of spans (in stream order) that
// covers off, or -1.
func stepAt(spans []ioSpan, off int64) int {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].end > off })
	if i < len(spans) && spans[i].off <= off {
		return spans[i].step
	}
	return -1
}

// written returns the step at which byte off of s was written, or -1.
func (ix *streamIO) written(s *sim.Stream, off int64) int {
	if s == nil {
		return -1
	}
	return stepAt(ix.writes[s.ID()], off)
}

// read returns the step at which byte off of s was read, or -1 if it never
// was.
func (ix *streamIO) read(s *sim.Stream, off int64) int {
	if s == nil {
		return -1
	}
	return stepAt(ix.reads[s.ID()], off)
}
