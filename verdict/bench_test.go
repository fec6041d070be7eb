package verdict

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// BenchmarkJudge judges gthread-queuepool's seed-1 run: the whole
// verdict, its linearizability check alone (the sequential replay of the
// keys whose operations never overlap, porcupine for the others),
// porcupine over the whole history as it would be without the replay,
// and, for scale, the run itself.
func BenchmarkJudge(b *testing.B) {
	r := run(b, "gthread-queuepool", 1)
	ops := History(r)
	concurrent := 0
	for _, idx := range byKey(ops) {
		if !sequential(ops, idx) {
			concurrent += len(idx)
		}
	}
	b.Logf("%d operations, %d on keys with concurrent operations", len(ops), concurrent)
	b.Run("verdict", func(b *testing.B) {
		for b.Loop() {
			Judge(r, Options{})
		}
	})
	b.Run("linearizability", func(b *testing.B) {
		for b.Loop() {
			linearizability(r, Options{})
		}
	})
	b.Run("porcupine-whole-history", func(b *testing.B) {
		for b.Loop() {
			porcupine.CheckOperationsTimeout(kv, model.History(ops), DefaultPorcupineTimeout)
		}
	})
	b.Run("run", func(b *testing.B) {
		for b.Loop() {
			scenario.Execute(r.Scenario, sim.Random(1), scenario.Options{Seed: 1, KeepEvents: true})
		}
	})
}
