package scenario

import (
	"slices"
	"time"

	"github.com/poolsim/poolsim/fakepg"
)

// PeakConnections is the largest number of sessions the server had
// admitted at once (sessions refused with "too many clients" not
// counted), the number max_connections is compared with.
func (r *Run) PeakConnections() int {
	if r.Database == nil || r.Truth == nil {
		return 0
	}
	type edge struct {
		step, delta int
	}
	var edges []edge
	for _, st := range r.Truth.Sessions {
		if st.PID == 0 {
			continue
		}
		wire := r.Database.Wire(st.Inbound)
		if wire == nil {
			continue
		}
		edges = append(edges, edge{wire.StartStep, 1})
		if st.End != fakepg.SessionOpen && st.End != fakepg.EndRunEnded {
			edges = append(edges, edge{st.EndStep, -1})
		}
	}
	slices.SortStableFunc(edges, func(a, b edge) int {
		if a.step != b.step {
			return a.step - b.step
		}
		return a.delta - b.delta // an end before a start at the same step
	})
	peak, n := 0, 0
	for _, e := range edges {
		n += e.delta
		peak = max(peak, n)
	}
	return peak
}

// SessionsOpened is the number of sessions the server admitted over the
// run: what connection churn costs it (a backend fork and an
// authentication each).
func (r *Run) SessionsOpened() int {
	if r.Truth == nil {
		return 0
	}
	n := 0
	for _, st := range r.Truth.Sessions {
		if st.PID != 0 {
			n++
		}
	}
	return n
}

// Latencies returns the virtual latency of every request that got a
// reply (an error status included; a request that got none is left
// out), sorted.
func (r *Run) Latencies() []time.Duration { return r.LatenciesOf("") }

// LatenciesOf is Latencies for the requests to one target ("gunicorn",
// "celery", "threads"); "" means all.
func (r *Run) LatenciesOf(target string) []time.Duration {
	var out []time.Duration
	for _, rr := range r.Recorder.Requests {
		if rr.Done && rr.Status != "" && (target == "" || rr.Request.Target == target) {
			out = append(out, rr.Latency())
		}
	}
	slices.Sort(out)
	return out
}

// Percentile returns the p-th percentile (0 < p <= 100) of the latencies,
// by the nearest-rank method; 0 without samples.
func (r *Run) Percentile(p float64) time.Duration {
	return percentile(r.Latencies(), p)
}

// PercentileOf is Percentile for the requests to one target.
func (r *Run) PercentileOf(target string, p float64) time.Duration {
	return percentile(r.LatenciesOf(target), p)
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted
// latencies by the nearest-rank method; 0 without samples.
func Percentile(sorted []time.Duration, p float64) time.Duration { return percentile(sorted, p) }
