package explore

import (
	"slices"
	"testing"
)

// TestMergeOfPiecesIsTheWhole explores a seed range whole and in three
// pieces: the merged pieces have the whole's runs, violations, tallies,
// outcomes and PCT bounds.
func TestMergeOfPiecesIsTheWhole(t *testing.T) {
	for _, c := range []struct {
		name, strategy string
	}{{"threads-assertionpool", Random}, {"gthread-queuepool", PCT}} {
		tg, err := NewTarget(c.name, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg := Config{Strategy: c.strategy, Seeds: [2]uint64{1, 13}, KeepGoing: true, Depth: 2, Horizon: 4000}
		whole, err := Explore(tg, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var pieces []Result
		for _, r := range [][2]uint64{{1, 4}, {4, 9}, {9, 13}} {
			pc := cfg
			pc.Seeds = r
			p, err := Explore(tg, pc)
			if err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, p)
		}
		m := Merge(pieces...)
		if m.Runs != whole.Runs || len(m.Violations) != len(whole.Violations) || !slices.Equal(m.Tally, whole.Tally) ||
			m.Size != whole.Size || len(m.Outcomes) != len(whole.Outcomes) || !slices.Equal(m.PCT, whole.PCT) {
			t.Fatalf("%s: merged %+v\nwhole %+v", c.name, m, whole)
		}
		for i := range m.Violations {
			if m.Violations[i].Seed != whole.Violations[i].Seed || m.Violations[i].Verdict.TraceHash != whole.Violations[i].Verdict.TraceHash {
				t.Fatalf("%s: violation %d: seed %d, whole's %d", c.name, i, m.Violations[i].Seed, whole.Violations[i].Seed)
			}
		}
		if c.strategy == Random && len(whole.Violations) == 0 {
			t.Fatalf("%s: no violation to compare", c.name)
		}
	}
}
