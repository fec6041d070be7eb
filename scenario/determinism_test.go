package scenario

import (
	"runtime"
	"testing"
)

// TestSameSeedSameHashOnAnyGOMAXPROCS: the same scenario and seed give
// the same trace hash, the same operations and the same log under
// GOMAXPROCS 1 and 4; different seeds give different schedules.
func TestSameSeedSameHashOnAnyGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type result struct {
		hash uint64
		ops  int
		log  string
	}
	run := func(name string, seed uint64) result {
		r := RunSeed(loadRunnable(t, name), seed)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		return result{r.Hash(), len(r.Ops()), r.Log.String()}
	}
	for _, name := range []string{"gthread-queuepool", "preload-touch-db", "celery-prefork", "threads-libpq-shared", "preload-background-thread"} {
		hashes := map[uint64]bool{}
		for seed := uint64(1); seed <= 3; seed++ {
			runtime.GOMAXPROCS(1)
			one := run(name, seed)
			runtime.GOMAXPROCS(4)
			four := run(name, seed)
			if one != four {
				t.Fatalf("%s seed %d: GOMAXPROCS 1 gave %x (%d ops), 4 gave %x (%d ops)", name, seed, one.hash, one.ops, four.hash, four.ops)
			}
			hashes[one.hash] = true
		}
		if len(hashes) < 2 {
			t.Fatalf("%s: three seeds gave one schedule", name)
		}
	}
}
