package pgxlike

import (
	"crypto/sha256"
	"encoding/hex"
)

// StatementName is stmtcache.StatementName: the name pgx gives the
// prepared statement of sql in its statement cache, the same on every
// connection and in every run.
func StatementName(sql string) string {
	digest := sha256.Sum256([]byte(sql))
	return "stmtcache_" + hex.EncodeToString(digest[0:24])
}

// DefaultStatementCacheCapacity is pgx's default statement_cache_capacity.
const DefaultStatementCacheCapacity = 512

// lruCache is stmtcache.LRUCache: statement descriptions by SQL, most
// recently used first; a statement that leaves the cache (invalidated, or
// the oldest when the cache is full) waits in invalid until the connection
// deallocates it.
type lruCache struct {
	cap        int
	order      []*StatementDescription // most recently used first
	invalid    []*StatementDescription
	invalidSet map[string]bool // lookup only
}

func newLRUCache(capacity int) *lruCache {
	return &lruCache{cap: capacity, invalidSet: map[string]bool{}}
}

func (c *lruCache) index(sql string) int {
	for i, sd := range c.order {
		if sd.SQL == sql {
			return i
		}
	}
	return -1
}

// Get returns the description of sql and marks it most recently used.
func (c *lruCache) Get(sql string) *StatementDescription {
	i := c.index(sql)
	if i < 0 {
		return nil
	}
	sd := c.order[i]
	copy(c.order[1:i+1], c.order[:i])
	c.order[0] = sd
	return sd
}

// Put stores sd unless its SQL is cached or waits to be deallocated; a
// full cache invalidates its oldest statement first.
func (c *lruCache) Put(sd *StatementDescription) {
	if c.index(sd.SQL) >= 0 || c.invalidSet[sd.SQL] {
		return
	}
	if len(c.order) == c.cap {
		oldest := c.order[len(c.order)-1]
		c.order = c.order[:len(c.order)-1]
		c.invalidate(oldest)
	}
	c.order = append([]*StatementDescription{sd}, c.order...)
}

// Invalidate removes sql's statement, to be deallocated.
func (c *lruCache) Invalidate(sql string) {
	i := c.index(sql)
	if i < 0 {
		return
	}
	sd := c.order[i]
	c.order = append(c.order[:i], c.order[i+1:]...)
	c.invalidate(sd)
}

func (c *lruCache) invalidate(sd *StatementDescription) {
	c.invalid = append(c.invalid, sd)
	c.invalidSet[sd.SQL] = true
}

// InvalidateAll invalidates every cached statement.
func (c *lruCache) InvalidateAll() {
	for _, sd := range c.order {
		c.invalidate(sd)
	}
	c.order = nil
}

// GetInvalidated returns the statements waiting to be deallocated.
func (c *lruCache) GetInvalidated() []*StatementDescription { return c.invalid }

// RemoveInvalidated forgets them, once deallocated.
func (c *lruCache) RemoveInvalidated() {
	c.invalid = nil
	clear(c.invalidSet)
}

// Len is the number of cached statements.
func (c *lruCache) Len() int { return len(c.order) }
