package verify

import "fmt"

// Config bounds a search.
type Config struct {
	// Bound is the delay bound: the most non-zero choices of run and
	// timer decisions a schedule may take (choice 0 is "no preemption").
	Bound int
	// SplitBound is the most non-zero split choices a schedule may take
	// (choice 0 delivers every byte available).
	SplitBound int
	// Reduction prunes a node when an explored node reached the same
	// Mazurkiewicz trace with the same tasks, the same task that ran last
	// and no more delays and splits used (see the package documentation).
	Reduction bool
	// MaxSchedules stops the search after that many schedules ran to
	// completion, leaving it inconclusive; 0 means no budget.
	MaxSchedules int
	// StopAtViolation ends the search at the first violating schedule.
	StopAtViolation bool
	// CacheLimit caps the explored nodes the reduction keeps among those
	// that had no delay left (those with delays left are always kept);
	// 0 means DefaultCacheLimit. Dropping entries costs time, never
	// soundness.
	CacheLimit int
	// Shard restricts the search to one part of the tree.
	Shard Shard
}

// DefaultCacheLimit is the default Config.CacheLimit.
const DefaultCacheLimit = 1 << 21

// Shard names part K (from 0) of a search split into N parts. The parts
// are the subtrees that leave the schedule of no delay (the spine, which
// every part runs once) at one of its alternatives, dealt round-robin in
// spine order; part 0 also owns the spine's own schedule. The parts'
// schedules partition the whole search's: without reduction their counts
// add up to the whole count, and with it the union of their traces is the
// whole search's (Merge). The zero Shard, like N = 1, is the whole search.
type Shard struct {
	K, N int
}

// whole reports whether the shard is the whole search.
func (s Shard) whole() bool { return s.N <= 1 }

// String renders the shard as "shard 2 of 4", or "" for the whole search.
func (s Shard) String() string {
	if s.whole() {
		return ""
	}
	return fmt.Sprintf("shard %d of %d", s.K, s.N)
}

// check reports a configuration that cannot be searched.
func (c Config) check() error {
	switch {
	case c.Bound < 0 || c.SplitBound < 0:
		return fmt.Errorf("verify: negative bound (delay %d, split %d)", c.Bound, c.SplitBound)
	case c.Bound > 0xffff || c.SplitBound > 0xffff:
		return fmt.Errorf("verify: bound too large (delay %d, split %d)", c.Bound, c.SplitBound)
	case !c.Shard.whole() && (c.Shard.K < 0 || c.Shard.K >= c.Shard.N):
		return fmt.Errorf("verify: shard %d of %d does not exist", c.Shard.K, c.Shard.N)
	}
	return nil
}
