package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// exploreDoc is explore --json's document: what was explored (so that
// merge can check the pieces belong together) and what was found.
type exploreDoc struct {
	Kind         string      `json:"kind"` // "explore"
	Scenario     string      `json:"scenario"`
	File         string      `json:"file,omitempty"`
	Overrides    []sim.Param `json:"overrides,omitempty"`
	WorkloadSeed uint64      `json:"workload_seed"`
	Strategy     string      `json:"strategy"`
	Depth        int         `json:"depth,omitempty"`
	Horizon      int         `json:"horizon,omitempty"`
	KeepGoing    bool        `json:"keep_going"`
	Properties   []string    `json:"properties,omitempty"`
	// Seeds is the range of schedule seeds this piece covered.
	Seeds      [2]uint64               `json:"seeds"`
	Shard      string                  `json:"shard,omitempty"`
	Runs       int                     `json:"runs"`
	Violations []foundDoc              `json:"violations"`
	Tally      []explore.PropertyTally `json:"tally"`
	Outcomes   map[string]int          `json:"outcomes"`
	Size       explore.Size            `json:"size"`
	PCT        []explore.PCTBound      `json:"pct,omitempty"`
}

// foundDoc is one violating run.
type foundDoc struct {
	Seed      uint64   `json:"seed"`
	Violated  []string `json:"violated"`
	TraceHash string   `json:"trace_hash"`
	Schedule  string   `json:"schedule"`
}

func exploreDocOf(s *scenario.Scenario, tg explore.Target, cfg explore.Config, strategy string, lo, hi uint64, sh shard, res explore.Result) exploreDoc {
	d := exploreDoc{Kind: "explore", Scenario: s.Name, Overrides: s.Overrides, WorkloadSeed: tg.Seed, Strategy: strategy,
		Horizon: cfg.Horizon, KeepGoing: cfg.KeepGoing, Properties: tg.Properties, Runs: res.Runs, Tally: res.Tally,
		Outcomes: res.Outcomes, Size: res.Size, PCT: res.PCT, Violations: []foundDoc{}}
	if !strings.HasPrefix(s.File, "builtin/") {
		d.File = s.File
	}
	if strategy == explore.PCT {
		d.Depth = cfg.Depth
	}
	if strategy != explore.Rapid {
		d.Seeds = [2]uint64{lo, lo + uint64(res.Runs)}
		if cfg.KeepGoing {
			d.Seeds[1] = hi
		}
	}
	if sh.n > 1 {
		d.Shard = sh.String()
	}
	for _, f := range res.Violations {
		d.Violations = append(d.Violations, foundDoc{Seed: f.Seed, Violated: f.Violated,
			TraceHash: fmt.Sprintf("%016x", f.Verdict.TraceHash), Schedule: f.Schedule.String()})
	}
	return d
}

// result turns the document back into an exploration's result.
func (d exploreDoc) result() (explore.Result, error) {
	r := explore.Result{Strategy: d.Strategy, Runs: d.Runs, Tally: d.Tally, Outcomes: d.Outcomes, Size: d.Size,
		PCT: d.PCT, Horizon: d.Horizon}
	for _, f := range d.Violations {
		sch, err := sim.ReadSchedule(strings.NewReader(f.Schedule))
		if err != nil {
			return r, fmt.Errorf("the schedule of seed %d: %v", f.Seed, oneLine(err))
		}
		var h uint64
		fmt.Sscanf(f.TraceHash, "%x", &h)
		r.Violations = append(r.Violations, explore.Found{Seed: f.Seed, Violated: f.Violated, Schedule: sch,
			Verdict: verdict.Verdict{TraceHash: h}})
	}
	return r, nil
}

// same says whether two pieces explored the same thing.
func (d exploreDoc) same(o exploreDoc) bool {
	return d.Scenario == o.Scenario && d.File == o.File && slices.Equal(d.Overrides, o.Overrides) &&
		d.WorkloadSeed == o.WorkloadSeed && d.Strategy == o.Strategy && d.Depth == o.Depth && d.Horizon == o.Horizon &&
		d.KeepGoing == o.KeepGoing && slices.Equal(d.Properties, o.Properties)
}

// readDoc reads a --json document and says which kind it is.
func readDoc(path string) (kind string, data []byte, err error) {
	data, err = os.ReadFile(path)
	if err != nil {
		return "", nil, oneLine(err)
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", nil, fmt.Errorf("%s: not a simulate --json result: %v", path, oneLine(err))
	}
	return head.Kind, data, nil
}
