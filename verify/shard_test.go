package verify

import (
	"slices"
	"strings"
	"testing"
)

// TestShardsPartitionTheSearch: without reduction the shards' schedule
// counts add up to the whole search's and their trace classes unite to
// its; with reduction the union of the shards' trace fingerprints (Merge)
// is the unsharded search's, and so are the final states and violations.
func TestShardsPartitionTheSearch(t *testing.T) {
	for _, c := range []struct {
		p   Program
		cfg Config
	}{
		{handProgram("forked socket", forkedSocket), Config{Bound: 2, SplitBound: 1}},
		{handProgram("lost update", lostUpdate), Config{Bound: 3}},
	} {
		for _, reduce := range []bool{false, true} {
			cfg := c.cfg
			cfg.Reduction = reduce
			whole := Search(c.p, cfg)
			for _, n := range []int{2, 3, 5} {
				var parts []Result
				sum := 0
				for k := range n {
					cfg.Shard = Shard{K: k, N: n}
					r := Search(c.p, cfg)
					if !r.Exhausted || !strings.Contains(r.Statement(), cfg.Shard.String()) {
						t.Fatalf("%s: %s", cfg.Shard, r.Statement())
					}
					sum += r.Schedules
					parts = append(parts, r)
				}
				cfg.Shard = Shard{}
				m := Merge(parts...)
				if !reduce && (sum != whole.Schedules || m.Schedules != whole.Schedules) {
					t.Errorf("%s, %d shards: %d schedules, the whole search has %d", c.p.Subject, n, sum, whole.Schedules)
				}
				if !slices.Equal(m.Traces, whole.Traces) || !slices.Equal(m.States, whole.States) ||
					!slices.Equal(m.ViolationNames(), whole.ViolationNames()) {
					t.Errorf("%s, %d shards, reduction %v: the union has %d classes and %d states, the whole %d and %d",
						c.p.Subject, n, reduce, m.Classes, len(m.States), whole.Classes, len(whole.States))
				}
				if !m.Exhausted || m.Merged != n || !strings.Contains(m.Statement(), "union of") {
					t.Errorf("merged: %s", m.Statement())
				}
				for _, r := range parts {
					if r.Schedules == 0 {
						t.Errorf("%s, %d shards: an empty shard", c.p.Subject, n)
					}
				}
			}
		}
	}
}

// TestMergeChecksItsShards: a merge that lacks a shard is inconclusive
// and names it; results of different searches, or one shard twice, do not
// merge.
func TestMergeChecksItsShards(t *testing.T) {
	p := handProgram("two delays", twoDelays)
	shard := func(bound, k int) Result { return Search(p, Config{Bound: bound, Shard: Shard{K: k, N: 3}}) }
	m := Merge(shard(1, 0), shard(1, 2))
	if m.Exhausted || !slices.Equal(m.Missing, []int{1}) || !strings.HasPrefix(m.Statement(), "inconclusive: shards [1] of 3") {
		t.Fatalf("a merge without shard 1: %s", m.Statement())
	}
	for name, rs := range map[string][]Result{
		"bounds 1 and 2": {shard(1, 0), shard(2, 1)},
		"shard 0 twice":  {shard(1, 0), shard(1, 0)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("merging %s did not panic", name)
				}
			}()
			Merge(rs...)
		}()
	}
}
