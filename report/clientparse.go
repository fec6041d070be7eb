package report

import (
	"sort"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// clientParses is the client's ground truth grouped by stream: for each
// stream back from the server, the messages client tasks parsed from it
// and the byte ranges each task parsed, in stream order.
type clientParses struct {
	msgs  map[*sim.Stream][]fakepg.ConsumedMessage // lookup only
	spans map[*sim.Stream][]sim.Span               // lookup only
}

// groupParses groups ct by stream; a nil ct records no stream.
func groupParses(ct *fakepg.ClientTruth) *clientParses {
	cp := &clientParses{msgs: map[*sim.Stream][]fakepg.ConsumedMessage{}, spans: map[*sim.Stream][]sim.Span{}}
	if ct == nil {
		return cp
	}
	for _, m := range ct.Messages {
		cp.msgs[m.Stream] = append(cp.msgs[m.Stream], m)
		for _, rg := range m.Ranges {
			if rg.Len > 0 {
				cp.spans[m.Stream] = append(cp.spans[m.Stream], sim.Span{Off: rg.Off, Len: rg.Len, Task: m.Task})
			}
		}
	}
	for _, sps := range cp.spans {
		sort.SliceStable(sps, func(i, j int) bool { return sps[i].Off < sps[j].Off })
	}
	return cp
}

// covers reports whether the client's ground truth records stream s.
func (cp *clientParses) covers(s *sim.Stream) bool { return len(cp.msgs[s]) > 0 }

// parsers returns the parts of [off, off+n) of s that client tasks
// parsed, in stream order.
func (cp *clientParses) parsers(s *sim.Stream, off int64, n int) []sim.Span {
	sps := cp.spans[s]
	end := off + int64(n)
	i := sort.Search(len(sps), func(i int) bool { return sps[i].End() > off })
	var out []sim.Span
	for ; i < len(sps) && sps[i].Off < end; i++ {
		lo, hi := max(sps[i].Off, off), min(sps[i].End(), end)
		out = append(out, sim.Span{Off: lo, Len: int(hi - lo), Task: sps[i].Task})
	}
	return out
}
