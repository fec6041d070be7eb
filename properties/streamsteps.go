package properties

import (
	"sort"

	"github.com/poolsim/poolsim/sim"
)

// ioRecord is one socket write or read from the trace: the stream range it
// covered and the step it happened at.
type ioRecord struct {
	off, end int64
	step     int
}

// streamSteps indexes a trace's socket writes and reads by stream, so that
// a stream offset can be mapped to the step its byte was written or read.
type streamSteps struct {
	writes, reads map[sim.ObjectID][]ioRecord
}

// newStreamSteps indexes tr's events; it returns nil when tr is nil or kept
// no events.
func newStreamSteps(tr *sim.Trace) *streamSteps {
	if tr == nil || len(tr.Events()) == 0 {
		return nil
	}
	ss := &streamSteps{writes: map[sim.ObjectID][]ioRecord{}, reads: map[sim.ObjectID][]ioRecord{}}
	for _, e := range tr.Events() {
		if e.Kind != sim.EvWrite && e.Kind != sim.EvRead {
			continue
		}
		id, ok := e.Object()
		if !ok || e.B <= e.A {
			continue
		}
		rec := ioRecord{off: e.A, end: e.B, step: e.Step}
		if e.Kind == sim.EvWrite {
			ss.writes[id] = append(ss.writes[id], rec)
		} else {
			ss.reads[id] = append(ss.reads[id], rec)
		}
	}
	return ss
}

// at returns the step of the record covering off in recs (which are in
// stream order), or -1.
func at(recs []ioRecord, off int64) int {
	i := sort.Search(len(recs), func(i int) bool { return recs[i].end > off })
	if i < len(recs) && recs[i].off <= off {
		return recs[i].step
	}
	return -1
}

// written returns the step at which byte off of s was written, or 0
// when ss is nil and -1 when no write covers it.
func (ss *streamSteps) written(s *sim.Stream, off int64) int {
	if ss == nil {
		return 0
	}
	return at(ss.writes[s.ID()], off)
}

// read returns the step at which byte off of s was read, or 0 when ss is
// nil and -1 if it never was.
func (ss *streamSteps) read(s *sim.Stream, off int64) int {
	if ss == nil {
		return 0
	}
	return at(ss.reads[s.ID()], off)
}
