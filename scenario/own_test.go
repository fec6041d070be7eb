package scenario

import (
	"flag"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

var (
	ownFile  = flag.String("scenario", "testdata/my-deployment.toml", "a scenario file to run in TestOwnScenarioFile")
	ownSeeds = flag.Int("seeds", 4, "how many seeds TestOwnScenarioFile runs the file under")
)

// TestOwnScenarioFile runs a reviewer's own scenario file, without Go
// code: by default testdata/my-deployment.toml, or the file given with
// -scenario (go test ./scenario -run TestOwnScenarioFile -v -scenario
// FILE -seeds N). It prints each seed's report, and fails if the file does
// not load or a run cannot be carried out (not for what the deployment
// does: the report says that).
func TestOwnScenarioFile(t *testing.T) {
	s, err := Load(*ownFile)
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= uint64(*ownSeeds); seed++ {
		r := RunSeed(s, seed)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if k := r.Outcome.Kind; k == sim.Panicked || k == sim.Diverged || k == sim.OverBudget {
			t.Fatalf("seed %d: %v", seed, r.Outcome)
		}
		if len(r.Requests()) == 0 || len(r.Ops()) == 0 {
			t.Fatalf("seed %d: nothing ran:\n%s", seed, r.Report())
		}
		t.Log(r.Report())
	}
}
