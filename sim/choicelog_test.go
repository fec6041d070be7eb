package sim

import (
	"math/rand/v2"
	"testing"
)

// TestChoiceLogRoundTrip records decisions of every kind, small and wide,
// across chunk boundaries, and reads them back.
func TestChoiceLogRoundTrip(t *testing.T) {
	var l choiceLog
	var want []Choice
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3 * choiceChunk / 2 {
		n := 2 + r.IntN(300)
		if i%1000 == 0 {
			n = 1 << 20
		}
		c := Choice{Kind: Kind(1 + r.IntN(3)), Choice: r.IntN(n), N: n}
		want = append(want, c)
		l.add(c.Kind, c.Choice, c.N)
	}
	got := l.all()
	if len(got) != len(want) || l.n != len(want) {
		t.Fatalf("%d decisions back of %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("decision %d: got %+v want %+v", i, got[i], want[i])
		}
	}
}
