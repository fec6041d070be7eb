package sim

import (
	"fmt"
	"slices"
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

// SpanTasks returns the tasks of spans without repeats, in order of first
// appearance: who wrote (or read) a run of bytes.
func SpanTasks(spans []Span) []*Task {
	var out []*Task
	for _, sp := range spans {
		if !slices.Contains(out, sp.Task) {
			out = append(out, sp.Task)
		}
	}
	return out
}

// spanLog is the list of a stream's write or read spans, in offset order.
type spanLog struct {
	chunks[Span]
}

// firstEndingAfter returns the index of the first span that ends after
// off (spans are in offset order), or l.n.
func (l *spanLog) firstEndingAfter(off int64) int {
	k := sort.Search(len(l.lists), func(j int) bool {
		c := l.lists[j]
		return c[len(c)-1].End() > off
	})
	if k == len(l.lists) {
		return l.n
	}
	c := l.lists[k]
	return l.starts[k] + sort.Search(len(c), func(j int) bool { return c[j].End() > off })
}

// clip returns the parts of the spans that cover [from, to), each clipped
// to that range.
func (l *spanLog) clip(from, to int64) []Span {
	var out []Span
	for i := l.firstEndingAfter(from); i < l.n; i++ {
		sp := l.at(i)
		if sp.Off >= to {
			break
		}
		lo, hi := max(sp.Off, from), min(sp.End(), to)
		out = append(out, Span{Off: lo, Len: int(hi - lo), Task: sp.Task})
	}
	return out
}

// Stream is one direction of a connection: the bytes one endpoint writes
// and the other reads, with the provenance of every byte. Its buffer is
// unbounded: writes never block (a writer that outpaces its reader does not
// feel back-pressure, unlike a full kernel socket buffer).
type Stream struct {
	obj      object
	w        *World
	buf      []byte // bytes written; buf[head:] are unread, buf[head] is at offset consumed
	head     int
	consumed int64 // bytes read so far
	written  int64 // bytes written so far
	writes   spanLog
	reads    spanLog
	eof      bool // the writing side shut down or closed
	readers  waitq
}

// Name returns the stream's name, like "c1.up" (dialer to acceptor) or
// "c1.down" (acceptor to dialer).
func (s *Stream) Name() string { return s.obj.name }

// ID returns the stream's identity.
func (s *Stream) ID() ObjectID { return s.obj.id }

// Writes returns every write to the stream in order (a copy).
func (s *Stream) Writes() []Span { return s.writes.all() }

// Reads returns every read from the stream in order (a copy).
func (s *Stream) Reads() []Span { return s.reads.all() }

// Consumed returns the number of bytes read from the stream so far: the
// offset of the next byte a read returns.
func (s *Stream) Consumed() int64 { return s.consumed }

// Written returns the number of bytes written to the stream so far.
func (s *Stream) Written() int64 { return s.written }

// WritersOf returns the parts of the writes that cover [off, off+n), in
// order, each clipped to that range.
func (s *Stream) WritersOf(off int64, n int) []Span {
	return s.writes.clip(off, off+int64(n))
}

// ReadersOf returns the parts of the reads that cover [off, off+n), in
// order, each clipped to that range.
func (s *Stream) ReadersOf(off int64, n int) []Span {
	return s.reads.clip(off, off+int64(n))
}

// available returns the number of unread bytes.
func (s *Stream) available() int { return len(s.buf) - s.head }

func (s *Stream) write(p []byte, t *Task) {
	s.writes.add(Span{Off: s.written, Len: len(p), Task: t})
	s.buf = append(s.buf, p...)
	s.written += int64(len(p))
}

// read moves a scheduler-chosen prefix of the available bytes into p. The
// stream must have bytes available and p must not be empty. It returns -1
// when the run ended (the strategy diverged or panicked).
//
// The options: 0 delivers everything available that fits p; under
// SplitBytes option i > 0 delivers i bytes, under SplitWrites option i > 0
// delivers up to the i-th write boundary that falls short of that.
func (s *Stream) read(p []byte) int {
	w := s.w
	m := min(s.available(), len(p))
	var first, options int
	if w.split == SplitBytes {
		options = m
	} else {
		first = s.writes.firstEndingAfter(s.consumed)
		// write boundaries strictly inside the m bytes available
		for i := first; i < s.writes.n && s.writes.at(i).End()-s.consumed < int64(m); i++ {
			options++
		}
		options++
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
			n = int(s.writes.at(first+c-1).End() - s.consumed)
		}
	}
	copy(p, s.buf[s.head:s.head+n])
	s.head += n
	if s.head == len(s.buf) {
		s.buf, s.head = s.buf[:0], 0 // drained: reuse the array from its start
	}
	s.reads.add(Span{Off: s.consumed, Len: n, Task: w.running})
	s.consumed += int64(n)
	return n
}
