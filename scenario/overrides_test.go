package scenario

import (
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// TestOverridesChangeSettingsAndReplayFromTheSchedule sets knobs by their
// dotted keys, checks that a bad key or value is refused as a file's
// would be, and that a run's schedule gives back the same scenario.
func TestOverridesChangeSettingsAndReplayFromTheSchedule(t *testing.T) {
	s, err := Lookup("gthread-queuepool")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.WithOverrides(sim.Param{Key: "gunicorn.workers", Value: "1"}, sim.Param{Key: "workload.requests", Value: "2"},
		sim.Param{Key: "engine.pool_pre_ping", Value: "true"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Gunicorn.Workers != 1 || o.Workload.Requests != 2 || !o.Engine.PoolPrePing || o.Gunicorn.Threads != s.Gunicorn.Threads {
		t.Fatalf("overrides not applied: workers %d requests %d pre_ping %v", o.Gunicorn.Workers, o.Workload.Requests, o.Engine.PoolPrePing)
	}
	if s.Gunicorn.Workers == 1 {
		t.Fatal("the original scenario changed")
	}
	for _, bad := range []sim.Param{{Key: "gunicorn.wrokers", Value: "1"}, {Key: "gunicorn.workers", Value: "many"},
		{Key: "workers", Value: "1"}, {Key: "gunicorn.workers", Value: "0"}} {
		if _, err := s.WithOverrides(bad); err == nil {
			t.Errorf("override %s=%s accepted", bad.Key, bad.Value)
		} else if !strings.Contains(err.Error(), bad.Key) && !strings.Contains(err.Error(), "wrokers") {
			t.Errorf("override %s=%s: error %q does not name the key", bad.Key, bad.Value, err)
		}
	}
	r := Execute(o, sim.Random(5), Options{Seed: 5})
	sch := r.Schedule()
	text := sch.String()
	back, err := sim.ReadSchedule(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	s2, seed, err := FromSchedule(back, nil)
	if err != nil {
		t.Fatal(err)
	}
	if seed != 5 || s2.Gunicorn.Workers != 1 || s2.Workload.Requests != 2 {
		t.Fatalf("from schedule: seed %d workers %d requests %d\n%s", seed, s2.Gunicorn.Workers, s2.Workload.Requests, text)
	}
	r2 := Execute(s2, sim.Replay(back), Options{Seed: seed})
	if r2.Hash() != r.Hash() || r2.Outcome.Kind != r.Outcome.Kind {
		t.Fatalf("replay from the schedule: hash %x, want %x (%v)", r2.Hash(), r.Hash(), r2.Outcome)
	}
}
