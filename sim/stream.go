package sim

import (
	"fmt"
	"sort"
)

// SplitPolicy says where a read may cut the bytes available.
type SplitPolicy uint8

const (
	// SplitWrites cuts only at the writers' write boundaries (or where the
	// reader's buffer is full): what a loopback kernel does with coalesced
	// segments. It is the default.
	SplitWrites SplitPolicy = iota
	// SplitBytes cuts at any byte: a fragmenting network.
	SplitBytes
)

// String returns "writes" or "bytes".
func (p SplitPolicy) String() string {
	if p == SplitBytes {
		return "bytes"
	}
	return "writes"
}

// ParseSplitPolicy parses "writes" or "bytes".
func ParseSplitPolicy(s string) (SplitPolicy, error) {
	switch s {
	case "writes":
		return SplitWrites, nil
	case "bytes":
		return SplitBytes, nil
	}
	return 0, fmt.Errorf("unknown split policy %q (want writes or bytes)", s)
}

// SplitAt sets where reads may cut the bytes available.
func SplitAt(p SplitPolicy) Option { return func(w *World) { w.split = p } }

// Span is a run of a stream's bytes written or read by one task.
type Span struct {
	Off  int64 // offset of the first byte in the stream
	Len  int   // number of bytes
	Task *Task // the task that wrote or read them
}

// End returns the offset just past the span.
func (s Span) End() int64 { return s.Off + int64(s.Len) }

// Stream is one direction of a connection: the bytes one endpoint writes
// and the other reads, with the provenance of every byte.
type Stream struct {
	w        *World
	name     string
	buf      []byte // bytes written but not yet read; buf[0] is at offset consumed
	consumed int64  // bytes read so far
	written  int64  // bytes written so far
	writes   []Span // every write, in order
	reads    []Span // every read, in order
	eof      bool   // the writing side shut down or closed
	readers  waitq
}

// Name returns the stream's name, like "c1.up" (dialer to acceptor) or
// "c1.down" (acceptor to dialer).
func (s *Stream) Name() string { return s.name }

// Writes returns every write to the stream in order. The slice must not be
// modified.
func (s *Stream) Writes() []Span { return s.writes }

// Reads returns every read from the stream in order. The slice must not be
// modified.
func (s *Stream) Reads() []Span { return s.reads }

// Consumed returns the number of bytes read from the stream so far: the
// offset of the next byte a read returns.
func (s *Stream) Consumed() int64 { return s.consumed }

// Written returns the number of bytes written to the stream so far.
func (s *Stream) Written() int64 { return s.written }

// WritersOf returns the parts of the writes that cover [off, off+n), in
// order, each clipped to that range.
func (s *Stream) WritersOf(off int64, n int) []Span {
	return clip(s.writes, off, off+int64(n))
}

// ReadersOf returns the parts of the reads that cover [off, off+n), in
// order, each clipped to that range.
func (s *Stream) ReadersOf(off int64, n int) []Span {
	return clip(s.reads, off, off+int64(n))
}

func clip(spans []Span, from, to int64) []Span {
	i := sort.Search(len(spans), func(j int) bool { return spans[j].End() > from })
	var out []Span
	for ; i < len(spans) && spans[i].Off < to; i++ {
		sp := spans[i]
		lo, hi := max(sp.Off, from), min(sp.End(), to)
		out = append(out, Span{Off: lo, Len: int(hi - lo), Task: sp.Task})
	}
	return out
}

func (s *Stream) write(p []byte, t *Task) {
	s.writes = append(s.writes, Span{Off: s.written, Len: len(p), Task: t})
	s.buf = append(s.buf, p...)
	s.written += int64(len(p))
}

// read moves a scheduler-chosen prefix of the available bytes into p. The
// stream must have bytes available and p must not be empty. It returns -1
// when the run ended as diverged.
//
// The options: 0 delivers everything available that fits p; under
// SplitBytes option i > 0 delivers i bytes, under SplitWrites option i > 0
// delivers up to the i-th write boundary that falls short of that.
func (s *Stream) read(p []byte) int {
	w := s.w
	m := min(len(s.buf), len(p))
	var first, options int
	if w.split == SplitBytes {
		options = m
	} else {
		first = sort.Search(len(s.writes), func(j int) bool { return s.writes[j].End() > s.consumed })
		short := sort.Search(len(s.writes)-first, func(j int) bool { return s.writes[first+j].End()-s.consumed >= int64(m) })
		options = 1 + short
	}
	n := m
	if options > 1 {
		c := w.decide(SplitDecision, options)
		switch {
		case c < 0:
			return -1
		case c > 0 && w.split == SplitBytes:
			n = c
		case c > 0:
			n = int(s.writes[first+c-1].End() - s.consumed)
		}
	}
	copy(p, s.buf[:n])
	s.buf = s.buf[n:]
	s.reads = append(s.reads, Span{Off: s.consumed, Len: n, Task: w.current})
	s.consumed += int64(n)
	return n
}
