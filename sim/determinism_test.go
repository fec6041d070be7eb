package sim

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const determinismSeeds = 200

// seedHashes runs the echo workload for every seed and returns one line
// per seed: seed, outcome and trace hash.
func seedHashes(t *testing.T) []string {
	t.Helper()
	lines := make([]string, determinismSeeds)
	for seed := range determinismSeeds {
		w, o := runEcho(Random(uint64(seed)), KeepEvents(false))
		if o.Kind != Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		lines[seed] = fmt.Sprintf("%d %s %016x", seed, o.Kind, w.Trace().Hash())
	}
	return lines
}

// TestSameSeedSameTrace runs the workload twice per seed under GOMAXPROCS 1
// and 4, with busy goroutines competing for the CPUs, and requires the same
// hash every time. The hashes of all seeds must also match the golden
// file, which pins them across processes, builds and the race detector
// (.ci/run runs this test with -race too). Rewrite it with -update only
// when the trace format changes on purpose.
func TestSameSeedSameTrace(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	first := seedHashes(t)

	runtime.GOMAXPROCS(4)
	stop := make(chan struct{})
	defer close(stop)
	for range 3 {
		go func() { // noise: real goroutines the simulation must not notice
			x := 0
			for {
				select {
				case <-stop:
					return
				default:
					x++
					runtime.Gosched()
				}
			}
		}()
	}
	second := seedHashes(t)
	for i := range first {
		if first[i] != second[i] {
			t.Errorf("GOMAXPROCS 1 gave %q, GOMAXPROCS 4 gave %q", first[i], second[i])
		}
	}

	distinct := map[string]bool{}
	for _, l := range first {
		distinct[strings.Fields(l)[2]] = true
	}
	if len(distinct) < determinismSeeds/2 {
		t.Errorf("only %d distinct hashes over %d seeds: the strategy hardly changes the run", len(distinct), determinismSeeds)
	}

	got := []byte(strings.Join(first, "\n") + "\n")
	golden := filepath.Join("testdata", "echo-hashes.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run TestSameSeedSameTrace -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("trace hashes differ from %s at line %d: got %q, want %q", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("trace hashes differ from %s in length", golden)
	}
}

// TestKeptEventsDoNotChangeHash checks that keeping events is only a view:
// the hash is the same with and without them, and the kept events hash to
// it when fed through a fresh trace.
func TestKeptEventsDoNotChangeHash(t *testing.T) {
	w1, _ := runEcho(Random(7))
	w2, _ := runEcho(Random(7), KeepEvents(false))
	if w1.Trace().Hash() != w2.Trace().Hash() {
		t.Fatalf("hash with events %x, without %x", w1.Trace().Hash(), w2.Trace().Hash())
	}
	var again Trace
	for _, e := range w1.Trace().Events() {
		again.add(&e)
	}
	if again.Hash() != w1.Trace().Hash() || again.Len() != w1.Trace().Len() {
		t.Fatalf("re-hashing kept events gives %x (%d events), trace says %x (%d)",
			again.Hash(), again.Len(), w1.Trace().Hash(), w1.Trace().Len())
	}
}

// TestDifferentDetailDifferentHash guards the hash against ignoring a field.
func TestDifferentDetailDifferentHash(t *testing.T) {
	obj, other := &object{num: 7}, &object{num: 8}
	base := Event{Step: 3, Time: 5, Proc: 1, Task: 2, Kind: EvWrite, A: 0, B: 5, C: 3, Text: "note", obj: obj}
	variants := []Event{base, base, base, base, base, base, base, base, base, base}
	variants[0].Step++
	variants[1].Time++
	variants[2].Proc++
	variants[3].Task++
	variants[4].Kind = EvRead
	variants[5].B = 6
	variants[6].A = 1
	variants[7].C = 4
	variants[8].Text = "other"
	variants[9].obj = other
	var ref Trace
	ref.add(&base)
	for i, v := range variants {
		var tr Trace
		tr.add(&v)
		if tr.Hash() == ref.Hash() {
			t.Errorf("variant %d (%+v) hashes like the base event", i, v)
		}
	}
}
