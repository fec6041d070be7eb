package explore

import (
	"math"
	"strings"
	"testing"
)

// TestMissBound checks the formula (1 - 1/(n*k^(d-1)))^r on numbers worked
// by hand, its edge cases, and its precision where 1-p rounds to 1.
func TestMissBound(t *testing.T) {
	cases := []struct {
		n, k, d, r int
		want       float64
	}{
		{2, 10, 1, 1, 0.5},                       // 1 - 1/2
		{2, 10, 1, 3, 0.125},                     // (1/2)^3
		{4, 10, 2, 1, 1 - 1.0/40},                // 1 - 1/(4*10)
		{4, 10, 2, 2, (39.0 / 40) * (39.0 / 40)}, // squared
		{3, 5, 3, 1, 1 - 1.0/75},                 // 1 - 1/(3*25)
		{1, 7, 1, 1, 0},                          // one task: found surely
		{5, 100, 2, 0, 1},                        // no runs: no guarantee
		{0, 100, 2, 5, 1},                        // no tasks measured
	}
	for _, c := range cases {
		if got := MissBound(c.n, c.k, c.d, c.r); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("MissBound(%d, %d, %d, %d) = %v, want %v", c.n, c.k, c.d, c.r, got, c.want)
		}
	}
	// p = 1e-13: 1-p is not exact in floating point, the bound must be
	// exp(-r*p) to many digits.
	got, want := MissBound(1000, 100_000, 3, 1_000_000), math.Exp(-1e-7)
	if math.Abs(got-want) > 1e-15 {
		t.Errorf("tiny p: got %.17g, want %.17g", got, want)
	}
	// more runs never raise the bound; more depth never lowers it
	if MissBound(8, 300, 2, 1000) >= MissBound(8, 300, 2, 100) || MissBound(8, 300, 3, 100) <= MissBound(8, 300, 2, 100) {
		t.Error("bound not monotone in runs and depth")
	}
}

// TestPCTBoundsPreconditions: the bound is given only when no violation
// was found, the depth had runs, and the horizon covers the measured k;
// split and timer decisions restrict it to orderings.
func TestPCTBoundsPreconditions(t *testing.T) {
	runs := [4]int{0, 10, 10, 0}
	size := Size{RunDecisions: 90, Tasks: 4}
	b := pctBounds(runs, 100, size, false)
	if len(b) != 3 || b[0].Depth != 1 || b[2].Depth != 3 {
		t.Fatalf("want depths 1, 2, 3, got %v", b)
	}
	if !b[0].Applies || b[0].OrderingsOnly || b[0].Miss != MissBound(4, 100, 1, 10) {
		t.Errorf("depth 1: %+v", b[0])
	}
	if !b[1].Applies || b[1].Miss != MissBound(4, 100, 2, 10) {
		t.Errorf("depth 2: %+v", b[1])
	}
	if b[2].Applies || !strings.Contains(b[2].Why, "no run had PCT depth 3") {
		t.Errorf("depth 3 without runs: %+v", b[2])
	}
	over := pctBounds(runs, 80, size, false)
	if over[0].Applies || !strings.Contains(over[0].Why, "beyond the horizon 80") {
		t.Errorf("k beyond the horizon: %+v", over[0])
	}
	found := pctBounds(runs, 100, size, true)
	if found[1].Applies || found[1].Why != "a violation was found" {
		t.Errorf("after a violation: %+v", found[1])
	}
	size.SplitDecisions = 3
	data := pctBounds(runs, 100, size, false)
	if !data[0].Applies || !data[0].OrderingsOnly || !strings.Contains(data[0].Why, "orderings only") {
		t.Errorf("with split decisions: %+v", data[0])
	}
	if !strings.Contains(data[0].String(), "P(missed) <= ") || !strings.Contains(over[0].String(), "does not apply") {
		t.Errorf("String: %q, %q", data[0], over[0])
	}
}
