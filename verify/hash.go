package verify

// mix combines a and b into a well-spread 64-bit value (the finaliser of
// splitmix64 over a mixed with b). It is deterministic across runs and
// machines, which fingerprints that end up in results must be.
func mix(a, b uint64) uint64 {
	x := a ^ (b + 0x9e3779b97f4a7c15 + (a << 6) + (a >> 2))
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashString is FNV-1a of s, mixed.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h, uint64(len(s)))
}

// Tags that keep the hashes of different things apart.
const (
	tagProcess uint64 = 0x70726f63 + iota<<32
	tagSplit
	tagTimer
	tagKey
	tagScheduler
	tagBlocked
)
