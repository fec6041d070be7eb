package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/scenario"
)

// shard is one piece K of N (K from 0) of a search, as --shard K/N gives.
type shard struct{ k, n int }

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.k, s.n) }

// parseShard reads "K/N" with 0 <= K < N; empty is the whole, 0/1.
func parseShard(v string) (shard, error) {
	if v == "" {
		return shard{0, 1}, nil
	}
	ks, ns, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
		return shard{}, fmt.Errorf("--shard %q: want K/N with 0 <= K < N (K counts from 0, as JOB_COMPLETION_INDEX does)", v)
	}
	return shard{k, n}, nil
}

// piece returns the k-th of n contiguous, near-equal pieces of [lo, hi).
func piece(lo, hi uint64, k, n int) (uint64, uint64) {
	size := hi - lo
	a := lo + size*uint64(k)/uint64(n)
	b := lo + size*uint64(k+1)/uint64(n)
	return a, b
}

// scenarioAndShard reads the scenario argument with its knobs and the
// --shard flag of a search.
func scenarioAndShard(pos []string, k *knobs, shardFlag string) (*scenario.Scenario, shard, error) {
	s, err := scenarioArg(pos, k)
	if err != nil {
		return nil, shard{}, err
	}
	sh, err := parseShard(shardFlag)
	return s, sh, err
}
