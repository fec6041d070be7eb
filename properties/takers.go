package properties

import (
	"cmp"
	"slices"
	"sort"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// takers indexes the client's ground truth by stream: for each inbound
// stream of a client, the ranges its parsed messages were made of, sorted
// by offset, so that the tasks that took a reply range are found without
// scanning every message of the run for every request.
type takers struct {
	streams map[*sim.Stream]*takenStream // lookup only; never iterated
	found   []takenRange                 // overlapping's result, reused
	spans   []sim.Span                   // replyTakers' result, reused
}

// takenStream is one stream's parsed ranges, by offset.
type takenStream struct {
	index  int // the stream's place in the order of first messages
	ranges []takenRange
	// reach[i] is the largest end of ranges[:i+1]: ranges may overlap
	// (a forked child parses the bytes its copy of a buffer holds, as its
	// parent may), so a range that starts early may still cover a late
	// offset.
	reach []int64
}

// takenRange is one range of one parsed message.
type takenRange struct {
	off, end int64
	task     *sim.Task
	step     int
	order    int // the range's position in the client truth: message, then range
}

// newTakers indexes ct; a nil ct gives an index that covers no stream.
func newTakers(ct *fakepg.ClientTruth) *takers {
	tk := &takers{streams: map[*sim.Stream]*takenStream{}}
	if ct == nil {
		return tk
	}
	// count each stream's ranges first, so that they share one array
	var seen []*takenStream // in order of first message
	var counts []int
	total := 0
	for _, m := range ct.Messages {
		ts := tk.streams[m.Stream]
		if ts == nil {
			ts = &takenStream{index: len(seen)}
			tk.streams[m.Stream] = ts
			seen = append(seen, ts)
			counts = append(counts, 0)
		}
		counts[ts.index] += len(m.Ranges)
		total += len(m.Ranges)
	}
	ranges, reach := make([]takenRange, total), make([]int64, total)
	for i, ts := range seen {
		n := counts[i]
		ts.ranges, ts.reach = ranges[:0:n], reach[:n:n]
		ranges, reach = ranges[n:], reach[n:]
	}
	order := 0
	for _, m := range ct.Messages {
		ts := tk.streams[m.Stream]
		for _, rg := range m.Ranges {
			ts.ranges = append(ts.ranges, takenRange{off: rg.Off, end: rg.Off + int64(rg.Len), task: m.Task, step: m.Step, order: order})
			order++
		}
	}
	byOff := func(a, b takenRange) int { return cmp.Compare(a.off, b.off) }
	for _, ts := range seen {
		if !slices.IsSortedFunc(ts.ranges, byOff) {
			slices.SortStableFunc(ts.ranges, byOff)
		}
		r := int64(-1)
		for i, rg := range ts.ranges {
			r = max(r, rg.end)
			ts.reach[i] = r
		}
	}
	return tk
}

// covers reports whether the client truth records any message of stream
// s.
func (tk *takers) covers(s *sim.Stream) bool { return tk.streams[s] != nil }

// overlapping returns the ranges of s's parsed messages that overlap [lo,
// hi), in the client truth's order. The slice is valid until the next
// call.
func (tk *takers) overlapping(s *sim.Stream, lo, hi int64) []takenRange {
	ts := tk.streams[s]
	if ts == nil {
		return nil
	}
	out := tk.found[:0]
	for i := sort.Search(len(ts.reach), func(i int) bool { return ts.reach[i] > lo }); i < len(ts.ranges) && ts.ranges[i].off < hi; i++ {
		if r := ts.ranges[i]; r.end > lo && r.end > r.off {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b takenRange) int { return a.order - b.order })
	tk.found = out
	return out
}

// replyTakers returns the parts of a request's reply range taken by each
// task, in the order they were taken: from the client's ground truth when
// it records messages of the session's outbound stream (the tasks that
// parsed the bytes), else from the stream's reads (the tasks that read
// them from the socket). parsed reports which of the two it is; it is
// true for a request without a reply when a client truth was given. The
// spans of the client truth are valid until the next call.
func (tk *takers) replyTakers(r *fakepg.Request, haveTruth bool) (spans []sim.Span, parsed bool) {
	out := r.Session.Outbound
	if out == nil || r.ReplyEnd <= r.ReplyOff {
		return nil, haveTruth
	}
	if tk.covers(out) {
		spans = tk.spans[:0]
		for _, rg := range tk.overlapping(out, r.ReplyOff, r.ReplyEnd) {
			lo, hi := max(rg.off, r.ReplyOff), min(rg.end, r.ReplyEnd)
			spans = append(spans, sim.Span{Off: lo, Len: int(hi - lo), Task: rg.task})
		}
		tk.spans = spans
		return spans, true
	}
	return out.ReadersOf(r.ReplyOff, int(r.ReplyEnd-r.ReplyOff)), false
}

// parsedStep returns the step at which a client task parsed the first
// message (in the client truth's order) of stream out holding byte off,
// or 0 when none did.
func (tk *takers) parsedStep(out *sim.Stream, off int64) int {
	if rs := tk.overlapping(out, off, off+1); len(rs) > 0 {
		return rs[0].step
	}
	return 0
}
