package allowed

import (
	oldrand "math/rand"
	"math/rand/v2"
)

// seeded draws from generators built from a seed, never the global ones.
func seeded(seed uint64, xs []int) int {
	r := rand.New(rand.NewPCG(seed, seed+1))
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	c := rand.New(rand.NewChaCha8([32]byte{1}))
	z := rand.NewZipf(r, 1.5, 1, 10)
	old := oldrand.New(oldrand.NewSource(int64(seed)))
	return r.IntN(10) + c.IntN(10) + int(z.Uint64()) + old.Intn(10) + r.Perm(3)[0]
}

// globalRandOnce is allowed where order cannot matter.
func globalRandOnce() int {
	return rand.IntN(2) //poolsim:allow rand -- a jitter that no decision depends on
}
