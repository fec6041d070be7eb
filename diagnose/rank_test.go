package diagnose

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const (
	tSync   = `lost synchronization with server: got message type "%c", length %d`
	tStatus = `error with status %s and no message from the libpq`
	tClosed = `This result object does not return rows. It has been closed automatically.`
)

// syntheticDesigns are designs as Gather would describe them, made up to
// pin the ranking's rules.
func syntheticDesigns() []Design {
	size := "2 workers (sync), 2 clients x 3 requests"
	sampled := func(d *Design) {
		for _, tp := range Templates() {
			if d.Produces[tp.Format] == 0 {
				d.AddProof(SampledProof(tp.Format, size, 16, "seeds 1-8"))
			}
		}
	}
	few := Design{Name: "few", Summary: "produces both, rarely", Size: size, Schedules: 16,
		Produces: map[string]int{tSync: 1, tStatus: 1},
		Shown:    []Shown{{Replay: "simulate run few --seed 3", Templates: []string{tSync, tStatus}}}}
	many := Design{Name: "many", Summary: "produces both, often", Size: size, Schedules: 16,
		Produces: map[string]int{tSync: 5, tStatus: 5},
		Shown: []Shown{{Replay: "simulate run many --seed 1", Templates: []string{tSync}},
			{Replay: "simulate run many --seed 2", Templates: []string{tSync, tStatus}}},
		Violated: map[string]int{"protocol interleaving": 16}}
	one := Design{Name: "one", Summary: "produces one", Size: size, Schedules: 16, Produces: map[string]int{tSync: 9},
		Shown: []Shown{{Replay: "simulate run one --seed 1 --split bytes", Templates: []string{tSync}}}}
	twin := one
	twin.Name = "a-twin"
	safe := Design{Name: "safe", Summary: "produces none", Size: size, Schedules: 16, Produces: map[string]int{}}
	broken := Design{Name: "broken", Summary: "cannot run", Err: "driver \"x\" is not available"}
	for _, d := range []*Design{&few, &many, &one, &twin, &safe} {
		sampled(d)
	}
	safe.AddProof(VerifiedProof(tSync, "1 worker x 2 threads x 2 requests", 2, 3000))
	return []Design{safe, few, one, broken, many, twin}
}

// TestRank pins the ranking: by templates produced, then by how often,
// then by name; the designs producing none are unable, with their best
// proofs; the texts no design produces are listed.
func TestRank(t *testing.T) {
	ev, err := Parse([]string{
		`lost synchronization with server: got message type "i", length 1954111281`,
		"PGRES_TUPLES_OK and no message from the libpq",
		"ResourceClosedError: This result object does not return rows",
		"KeyError: 'x'",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := Rank(ev, syntheticDesigns())
	var order []string
	for _, c := range rep.Candidates {
		order = append(order, c.Design)
	}
	if !slices.Equal(order, []string{"many", "few", "a-twin", "one"}) {
		t.Errorf("ranking %q", order)
	}
	if !slices.Equal(rep.Templates, []string{tSync, tStatus, tClosed}) || !slices.Equal(rep.Unproduced, []string{tClosed}) {
		t.Errorf("templates %q, unproduced %q", rep.Templates, rep.Unproduced)
	}
	many := rep.Candidates[0]
	if many.Score != 2 || many.Of != 3 || many.Replay != "simulate run many --seed 2" ||
		many.Produces[0].Replay != "simulate run many --seed 1" || many.Produces[1].Replay != "simulate run many --seed 2" {
		t.Errorf("many: %+v", many)
	}
	if len(many.Missing) != 1 || many.Missing[0].Template != tClosed || many.Missing[0].Schedules != 16 {
		t.Errorf("many's missing: %+v", many.Missing)
	}
	if len(rep.Unable) != 2 || rep.Unable[0].Design != "broken" || rep.Unable[1].Design != "safe" {
		t.Fatalf("unable %+v", rep.Unable)
	}
	safe := rep.Unable[1]
	if len(safe.Missing) != 3 || !safe.Missing[0].Verified || safe.Missing[0].Bound != 2 ||
		safe.Missing[0].String() != "verified up to delay bound 2 (3000 schedules) at 1 worker x 2 threads x 2 requests" ||
		safe.Missing[1].Verified || safe.Missing[1].String() != "no occurrence in 16 schedules (seeds 1-8) at 2 workers (sync), 2 clients x 3 requests" {
		t.Errorf("safe's proofs: %+v", safe.Missing)
	}
	if broken := rep.Unable[0]; broken.Err == "" || !strings.HasPrefix(broken.Missing[0].How, "not run: ") {
		t.Errorf("broken: %+v", broken)
	}

	s := rep.String()
	for _, want := range []string{
		"Evidence: 4 error texts, 3 templates matched, 1 unknown",
		"1. many: 2 of 3  (produces both, often)",
		"runs:     16 at 2 workers (sync), 2 clients x 3 requests",
		"produces  " + tStatus + "  (5 texts)",
		"not seen  " + tClosed + ": no occurrence in 16 schedules (seeds 1-8)\n",
		"replay:   simulate run many --seed 2",
		"ground truth: protocol interleaving violated in 16 of 16 runs",
		"Designs shown unable to produce any of them:\n  broken",
		"verified up to delay bound 2 (3000 schedules) at 1 worker x 2 threads x 2 requests",
		"Texts no registered design produces:\n  " + tClosed,
		"Texts no template matches:\n    1x KeyError: 'x'",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}

	// Shuffled designs rank the same.
	ds := syntheticDesigns()
	slices.Reverse(ds)
	if again := Rank(ev, ds); !reflect.DeepEqual(again.Candidates, rep.Candidates) || !reflect.DeepEqual(again.Unable, rep.Unable) {
		t.Error("the ranking depends on the designs' order")
	}
}

// TestReportJSON: a report survives JSON.
func TestReportJSON(t *testing.T) {
	ev, _ := Parse(incidentTexts, nil)
	rep := Rank(ev, syntheticDesigns())
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Candidates, rep.Candidates) || !slices.Equal(back.Unproduced, rep.Unproduced) ||
		len(back.Evidence.Matches) != 5 || back.Evidence.Matches[0].Details[0] != rep.Evidence.Matches[0].Details[0] {
		t.Errorf("round trip lost something:\n%s", b)
	}
	for _, key := range []string{`"candidates"`, `"unable"`, `"unproduced"`, `"produces"`, `"missing"`, `"verified":true`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// TestAddProof: a verified proof replaces the sampled ones of its
// template; a proof for a produced template is not recorded.
func TestAddProof(t *testing.T) {
	d := Design{Produces: map[string]int{tSync: 1}}
	d.AddProof(SampledProof(tStatus, "s", 8, ""))
	d.AddProof(SampledProof(tClosed, "s", 8, ""))
	d.AddProof(VerifiedProof(tStatus, "s", 3, 100))
	d.AddProof(VerifiedProof(tSync, "s", 3, 100))
	if len(d.Unable) != 2 || d.Unable[0].Template != tClosed || !d.Unable[1].Verified || d.Proof(tSync) != nil {
		t.Errorf("proofs %+v", d.Unable)
	}
	if p := d.Proof(tStatus); p == nil || p.How != "verified up to delay bound 3 (100 schedules)" {
		t.Errorf("proof %+v", p)
	}
	if p := SampledProof(tClosed, "s", 8, ""); p.How != "no occurrence in 8 schedules" {
		t.Errorf("sampled %q", p.How)
	}
}
