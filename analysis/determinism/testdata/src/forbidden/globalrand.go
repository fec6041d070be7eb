package forbidden

import "math/rand"

func globalRand(xs []int) int {
	rand.Seed(1)                                                          // want `^rand.Seed uses math/rand's global generator: use a seeded generator \(rand.New\(rand.NewPCG\(seed1, seed2\)\)\) or a choice drawn from the world's strategy \(to allow it: //poolsim:allow rand -- <justification>\)$`
	rand.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] }) // want `rand.Shuffle uses math/rand's`
	_ = rand.Perm(3)                                                      // want `rand.Perm`
	_ = rand.Float64()                                                    // want `rand.Float64`
	_ = rand.Int()                                                        // want `rand.Int uses`
	return rand.Intn(10)                                                  // want `rand.Intn`
}
