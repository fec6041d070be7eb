package forbidden

import randv2 "math/rand/v2"

func globalRandV2() int {
	_ = randv2.Float64()             // want `rand.Float64 uses math/rand/v2's global generator`
	_ = randv2.N(10)                 // want `rand.N uses`
	_ = randv2.Perm(4)               // want `rand.Perm`
	pick := randv2.IntN              // want `rand.IntN`
	return pick(3) + randv2.IntN(10) // want `rand.IntN`
}
