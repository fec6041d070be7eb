package verify

// cache holds the nodes whose subtrees the search has fully explored: for
// each node key, the delays and splits the node had used and the task of
// its option 0 (who), keeping only entries no other entry of the key
// covers.
//
// An entry covers a node of its key that used no fewer splits and either
// has the same task at option 0 and no fewer delays, or has used at least
// one delay more (a run decision whose option 0 is another task: its
// choices reach the same tasks in another order, each at a cost of at most
// one delay more; see the package documentation).
//
// Every entry may be dropped at any time (the search then explores more,
// never less), so the cache bounds its memory: it keeps every node that
// still had delays left, and at most limit entries for the others.
type cache struct {
	first map[uint64]uint64   // the first entry of each key
	more  map[uint64][]uint64 // further entries, none covering another
	limit int                 // entries at most for nodes with no delay left
	full  int                 // such entries held
	bound int                 // the delay bound
}

func newCache(bound, limit int) *cache {
	return &cache{first: map[uint64]uint64{}, more: map[uint64][]uint64{}, limit: limit, bound: bound}
}

// entry packs delays, splits and who.
type entry uint64

func pack(d, s int, who uint32) uint64 { return uint64(d)<<48 | uint64(s)<<32 | uint64(who) }

func (e entry) delays() int { return int(e >> 48) }
func (e entry) splits() int { return int(e >> 32 & 0xffff) }
func (e entry) who() uint32 { return uint32(e) }
func (e entry) covers(n entry) bool {
	if e.splits() > n.splits() {
		return false
	}
	if e.who() == n.who() {
		return e.delays() <= n.delays()
	}
	return e.delays()+1 <= n.delays()
}

// covers reports whether a node of key k that used d delays and s splits,
// with who at option 0, is covered by an explored one (all), or at least
// its alternatives are (rest): an explored node of its key, with another
// task at option 0, used no more delays and splits. Every non-zero choice
// of the node costs one delay, and the explored node reaches the same task
// at a cost of at most one.
func (c *cache) covers(k uint64, d, s int, who uint32) (all, rest bool) {
	e, ok := c.first[k]
	if !ok {
		return false, false
	}
	n := entry(pack(d, s, who))
	check := func(q entry) bool {
		if q.covers(n) {
			return true
		}
		if q.who() != who && q.delays() <= d && q.splits() <= s {
			rest = true
		}
		return false
	}
	if check(entry(e)) {
		return true, true
	}
	for _, q := range c.more[k] {
		if check(entry(q)) {
			return true, true
		}
	}
	return false, rest
}

// add records an explored node of key k that used d delays and s splits,
// with who at option 0.
func (c *cache) add(k uint64, d, s int, who uint32) {
	np := pack(d, s, who)
	e, ok := c.first[k]
	if !ok {
		if d >= c.bound {
			if c.full >= c.limit {
				return
			}
			c.full++
		}
		c.first[k] = np
		return
	}
	if all, _ := c.covers(k, d, s, who); all {
		return
	}
	n := entry(np)
	all := append([]uint64{e}, c.more[k]...)
	kept := all[:0]
	for _, q := range all {
		if !n.covers(entry(q)) {
			kept = append(kept, q)
		}
	}
	kept = append(kept, np)
	c.first[k] = kept[0]
	if len(kept) > 1 {
		c.more[k] = kept[1:]
	} else {
		delete(c.more, k)
	}
}

// len returns the number of keys held.
func (c *cache) len() int { return len(c.first) }
