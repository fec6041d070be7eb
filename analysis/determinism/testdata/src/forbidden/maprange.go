package forbidden

import "maps"

// Catalog is a named map type: ranging over it is ranging over a map.
type Catalog map[string]int

// Tables is an alias of a named map type.
type Tables = Catalog

func mapRanges(m map[string]int, c Catalog, t Tables) (names []string) {
	for k := range m { // want `^range over map\[string\]int: map iteration order is random; range over sorted keys \(slices.Sorted\(maps.Keys\(m\)\)\) \(to allow it: //poolsim:allow maprange -- <justification>\)$`
		names = append(names, k)
	}
	for k, v := range c { // want `range over Catalog \(map\[string\]int\)`
		_, _ = k, v
	}
	for range t { // want `range over Tables \(map\[string\]int\)`
	}
	for k := range maps.Keys(m) { // want `range over maps.Keys`
		names = append(names, k)
	}
	for k, v := range maps.All(c) { // want `range over maps.All`
		_, _ = k, v
	}
	return names
}

// keysOf ranges over a type parameter whose types are maps.
func keysOf[M ~map[K]V, K comparable, V any](m M) (keys []K) {
	for k := range m { // want `range over M`
		keys = append(keys, k)
	}
	return keys
}
