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
	// count first, so that every stream's records share one array
	type counts struct{ writes, reads int }
	per := map[sim.ObjectID]*counts{} // lookup only
	var writes, reads int
	for i := range tr.Events() {
		e := &tr.Events()[i]
		if id, ok := ioEvent(e); ok {
			c := per[id]
			if c == nil {
				c = &counts{}
				per[id] = c
			}
			if e.Kind == sim.EvWrite {
				c.writes++
				writes++
			} else {
				c.reads++
				reads++
			}
		}
	}
	ss := &streamSteps{writes: make(map[sim.ObjectID][]ioRecord, len(per)), reads: make(map[sim.ObjectID][]ioRecord, len(per))}
	wbuf, rbuf := make([]ioRecord, writes), make([]ioRecord, reads)
	for i := range tr.Events() {
		e := &tr.Events()[i]
		id, ok := ioEvent(e)
		if !ok {
			continue
		}
		rec := ioRecord{off: e.A, end: e.B, step: e.Step}
		m, buf, n := ss.reads, &rbuf, per[id].reads
		if e.Kind == sim.EvWrite {
			m, buf, n = ss.writes, &wbuf, per[id].writes
		}
		recs, ok := m[id]
		if !ok {
			recs, *buf = (*buf)[:0:n], (*buf)[n:]
		}
		m[id] = append(recs, rec)
	}
	return ss
}

// ioEvent returns the stream of a socket write or read that moved bytes.
func ioEvent(e *sim.Event) (sim.ObjectID, bool) {
	if e.Kind != sim.EvWrite && e.Kind != sim.EvRead || e.B <= e.A {
		return sim.ObjectID{}, false
	}
	return e.Object()
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
