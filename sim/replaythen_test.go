package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// counting is a strategy that takes option 0 and counts how often it was
// asked.
type counting struct{ calls int }

func (c *counting) Choose(Decision) int { c.calls++; return 0 }

// prefixThenZeros replays a list of choices by decision index and takes
// option 0 after it: what ReplayThen of a fitting prefix and Zeros must do,
// written independently of it.
type prefixThenZeros []Choice

func (p prefixThenZeros) Choose(d Decision) int {
	if d.Index < len(p) {
		return p[d.Index].Choice
	}
	return 0
}

// recordEcho runs the echo workload under s and returns its schedule.
func recordEcho(t *testing.T, s Strategy) *Schedule {
	t.Helper()
	w, o := runEcho(s)
	if o.Kind != Completed {
		t.Fatalf("recording run: %v", o)
	}
	return w.Schedule()
}

func TestReplayThenOfFullScheduleIsReplay(t *testing.T) {
	for _, seed := range []uint64{1, 7, 42} {
		sched := recordEcho(t, Random(seed))
		wr, o := runEcho(Replay(sched))
		if o.Kind != Completed {
			t.Fatalf("seed %d replay: %v", seed, o)
		}
		next := &counting{}
		r := ReplayThen(sched, next)
		w, o := runEcho(r)
		if o.Kind != Completed {
			t.Fatalf("seed %d ReplayThen: %v", seed, o)
		}
		if got, want := w.Trace().Hash(), wr.Trace().Hash(); got != want || got != sched.Hash {
			t.Errorf("seed %d: ReplayThen hash %016x, Replay %016x, recorded %016x", seed, got, want, sched.Hash)
		}
		if r.Matched() != len(sched.Decisions) {
			t.Errorf("seed %d: matched %d of %d", seed, r.Matched(), len(sched.Decisions))
		}
		if d, why := r.Diverged(); d {
			t.Errorf("seed %d: diverged: %s", seed, why)
		}
		if next.calls != 0 {
			t.Errorf("seed %d: the following strategy was asked %d times", seed, next.calls)
		}
	}
}

func TestReplayThenOfPrefixContinuesWithZeros(t *testing.T) {
	for _, seed := range []uint64{2, 3, 11} {
		full := recordEcho(t, Random(seed))
		keep := len(full.Decisions) / 2
		prefix := &Schedule{Decisions: slices.Clone(full.Decisions[:keep])}
		r := ReplayThen(prefix, nil)
		w, o := runEcho(r)
		if o.Kind != Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		if r.Matched() != keep {
			t.Errorf("seed %d: matched %d, want %d", seed, r.Matched(), keep)
		}
		if d, why := r.Diverged(); d {
			t.Errorf("seed %d: running out of the schedule reported as divergence: %s", seed, why)
		}
		got := w.Schedule().Decisions
		if len(got) < keep || !slices.Equal(got[:keep], prefix.Decisions) {
			t.Fatalf("seed %d: the run's schedule does not start with the replayed prefix", seed)
		}
		// the prefix followed by option 0 of every later decision is what
		// the run recorded, and it replays to the same hash
		hand := &Schedule{Decisions: slices.Clone(prefix.Decisions)}
		for i, c := range got[keep:] {
			if c.Choice != 0 {
				t.Fatalf("seed %d: decision %d after the prefix took option %d", seed, keep+i, c.Choice)
			}
			hand.Decisions = append(hand.Decisions, Choice{Kind: c.Kind, N: c.N})
		}
		rh := Replay(hand)
		wh, o := runEcho(rh)
		if o.Kind != Completed || wh.Trace().Hash() != w.Trace().Hash() {
			t.Fatalf("seed %d: hand-built schedule replays to %v hash %016x, ReplayThen %016x",
				seed, o, wh.Trace().Hash(), w.Trace().Hash())
		}
		if err := rh.Check(wh); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		// and so does a strategy that knows nothing of schedules
		wz, _ := runEcho(prefixThenZeros(prefix.Decisions))
		if wz.Trace().Hash() != w.Trace().Hash() {
			t.Errorf("seed %d: prefix-then-zeros hash %016x, ReplayThen %016x", seed, wz.Trace().Hash(), w.Trace().Hash())
		}
	}
}

func TestReplayThenSwitchesAtAMismatch(t *testing.T) {
	full := recordEcho(t, Random(5))
	firstOf := func(k Kind) int {
		for i, c := range full.Decisions[len(full.Decisions)/4:] {
			if c.Kind == k {
				return len(full.Decisions)/4 + i
			}
		}
		t.Fatalf("recorded run has no %v decision past its first quarter", k)
		return -1
	}
	for _, tc := range []struct {
		name   string
		at     int
		tamper func(Choice) Choice
		want   string
	}{
		{"options", firstOf(SplitDecision), func(c Choice) Choice { c.N++; return c }, "recorded split"},
		{"kind", firstOf(RunDecision), func(c Choice) Choice { c.Kind = TimerDecision; return c }, "recorded timer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := tc.at
			tampered := &Schedule{Decisions: slices.Clone(full.Decisions)}
			tampered.Decisions[k] = tc.tamper(full.Decisions[k])
			next := &counting{}
			r := ReplayThen(tampered, next)
			w, o := runEcho(r)
			if o.Kind != Completed {
				t.Fatalf("run after the mismatch: %v", o)
			}
			d, why := r.Diverged()
			if !d || r.Matched() != k {
				t.Fatalf("diverged %v matched %d, want true and %d", d, r.Matched(), k)
			}
			orig := full.Decisions[k]
			wantWhy := fmt.Sprintf("decision %d at step ", k)
			if !strings.HasPrefix(why, wantWhy) || !strings.Contains(why, tc.want) ||
				!strings.HasSuffix(why, fmt.Sprintf("the run offers %s with %d options", orig.Kind, orig.N)) {
				t.Errorf("divergence %q", why)
			}
			got := w.Schedule().Decisions
			if !slices.Equal(got[:k], full.Decisions[:k]) {
				t.Error("the decisions before the mismatch were not replayed")
			}
			if got[k].Kind != orig.Kind || got[k].N != orig.N || got[k].Choice != 0 {
				t.Errorf("decision %d is %+v, want option 0 of the run's %v", k, got[k], orig)
			}
			// every decision from the mismatch on went to next, even those
			// the schedule would still have fitted
			if next.calls != len(got)-k {
				t.Errorf("next was asked %d times, the run took %d decisions after %d", next.calls, len(got)-k, k)
			}
		})
	}
}

func TestReplayThenLongerThanTheRun(t *testing.T) {
	full := recordEcho(t, Random(9))
	longer := &Schedule{Decisions: append(slices.Clone(full.Decisions), Choice{RunDecision, 1, 2, ""})}
	next := &counting{}
	r := ReplayThen(longer, next)
	w, o := runEcho(r)
	if o.Kind != Completed || w.Trace().Hash() != full.Hash {
		t.Fatalf("%v, hash %016x want %016x", o, w.Trace().Hash(), full.Hash)
	}
	if d, _ := r.Diverged(); d || r.Matched() != len(full.Decisions) || next.calls != 0 {
		t.Fatalf("diverged %v matched %d of %d, next asked %d times", d, r.Matched(), len(full.Decisions), next.calls)
	}
}
