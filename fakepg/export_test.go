package fakepg

import (
	"maps"
	"slices"
)

// ParsedTexts returns the texts c holds, sorted.
func ParsedTexts(c *ParseCache) []string { return slices.Sorted(maps.Keys(c.parsed)) }
