package properties

import (
	"sort"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// ioRecord is one socket write or read from the trace: the stream range it
// covered and the step it happened at.
type ioRecord struct {
	off, end int64
	step     int
}

// StreamSteps indexes a trace's socket writes to the server sessions'
// inbound streams and reads from their outbound streams, so that a stream
// offset can be mapped to the step its byte was written or read (the HTML
// report's timeline uses it too).
type StreamSteps struct {
	logs  []ioLog
	bySeq map[int][]int // ObjectID.Seq to the logs of streams with it; lookup only
}

// ioLog is the writes to, or the reads from, one stream, in stream order.
type ioLog struct {
	id    sim.ObjectID
	write bool
	recs  []ioRecord
}

// NewStreamSteps indexes tr's events for the streams of sessions: the
// writes to their inbound streams and the reads from their outbound ones,
// what the judges ask about. It returns nil when tr is nil or kept no
// events.
func NewStreamSteps(tr *sim.Trace, sessions []*fakepg.SessionTruth) *StreamSteps {
	return newStreamSteps(tr, sessions, false)
}

// NewStreamStepsBoth is NewStreamSteps indexing both directions of both
// streams: the server's reads and writes too.
func NewStreamStepsBoth(tr *sim.Trace, sessions []*fakepg.SessionTruth) *StreamSteps {
	return newStreamSteps(tr, sessions, true)
}

func newStreamSteps(tr *sim.Trace, sessions []*fakepg.SessionTruth, both bool) *StreamSteps {
	if tr == nil || len(tr.Events()) == 0 {
		return nil
	}
	ss := &StreamSteps{bySeq: map[int][]int{}}
	add := func(s *sim.Stream, write bool) {
		if s == nil || ss.find(s.ID(), write) >= 0 {
			return
		}
		id := s.ID()
		ss.bySeq[id.Seq] = append(ss.bySeq[id.Seq], len(ss.logs))
		ss.logs = append(ss.logs, ioLog{id: id, write: write})
	}
	for _, s := range sessions {
		add(s.Inbound, true)
		add(s.Outbound, false)
		if both {
			add(s.Inbound, false)
			add(s.Outbound, true)
		}
	}
	evs := tr.Events()
	for i := range evs {
		e := &evs[i]
		if e.Kind != sim.EvWrite && e.Kind != sim.EvRead || e.B <= e.A {
			continue
		}
		id, ok := e.Object()
		if !ok {
			continue
		}
		if k := ss.find(id, e.Kind == sim.EvWrite); k >= 0 {
			ss.logs[k].recs = append(ss.logs[k].recs, ioRecord{off: e.A, end: e.B, step: e.Step})
		}
	}
	return ss
}

// find returns the index of the log of the writes (or reads) of stream
// id, or -1.
func (ss *StreamSteps) find(id sim.ObjectID, write bool) int {
	for _, k := range ss.bySeq[id.Seq] {
		if l := &ss.logs[k]; l.write == write && l.id == id {
			return k
		}
	}
	return -1
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

// steps returns the records of the writes (or reads) of s.
func (ss *StreamSteps) steps(s *sim.Stream, write bool) []ioRecord {
	if s == nil {
		return nil
	}
	if k := ss.find(s.ID(), write); k >= 0 {
		return ss.logs[k].recs
	}
	return nil
}

// Written returns the step at which byte off of s was written, or 0
// when ss is nil and -1 when no write covers it.
func (ss *StreamSteps) Written(s *sim.Stream, off int64) int {
	if ss == nil {
		return 0
	}
	return at(ss.steps(s, true), off)
}

// Read returns the step at which byte off of s was read, or 0 when ss is
// nil and -1 if it never was.
func (ss *StreamSteps) Read(s *sim.Stream, off int64) int {
	if ss == nil {
		return 0
	}
	return at(ss.steps(s, false), off)
}
