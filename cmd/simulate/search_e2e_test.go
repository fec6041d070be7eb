package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var replayRE = regexp.MustCompile(`replay: (simulate replay \S+)`)

// TestExploreFindsAndTheReplayCommandReproduces explores an unsafe
// scenario: exit 1, a saved shrunk schedule, and the printed command
// reproduces the same trace hash.
func TestExploreFindsAndTheReplayCommandReproduces(t *testing.T) {
	dir := t.TempDir()
	for _, strategy := range []string{"random", "pct"} {
		r := simulate(t, dir, "explore", "preload-touch-db", "--runs", "50", "--strategy", strategy, "--save", strategy+".sched")
		if r.code != exitViolation {
			t.Fatalf("explore --strategy %s: exit %d\n%s%s", strategy, r.code, r.stdout, r.stderr)
		}
		m := replayRE.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("explore printed no replay command:\n%s", r.stdout)
		}
		want := traceHash(t, r.stdout[strings.Index(r.stdout, "shrunk:"):])
		args := strings.Fields(m[1])[1:]
		rp := simulate(t, dir, args...)
		if rp.code != exitViolation || traceHash(t, rp.stdout) != want {
			t.Fatalf("%s: exit %d, hash %s, want %s\n%s%s", m[1], rp.code, traceHash(t, rp.stdout), want, rp.stdout, rp.stderr)
		}
	}
	safe := simulate(t, dir, "explore", "gthread-queuepool", "--runs", "20")
	if safe.code != exitOK || !strings.Contains(safe.stdout, "0 violating") {
		t.Fatalf("explore of a safe scenario: exit %d\n%s%s", safe.code, safe.stdout, safe.stderr)
	}
}

// TestExploreShardsMergeToTheUnsharded runs an exploration whole and as
// three shards (the last with --parallel 2): merged, they cover exactly
// the same seeds with the same violations.
func TestExploreShardsMergeToTheUnsharded(t *testing.T) {
	dir := t.TempDir()
	args := []string{"explore", "threads-assertionpool", "--runs", "40", "--keep-going"}
	whole := simulate(t, dir, append(args, "--json", "whole.json")...)
	if whole.code != exitViolation {
		t.Fatalf("whole: exit %d\n%s%s", whole.code, whole.stdout, whole.stderr)
	}
	var files []string
	for k := range 3 {
		f := filepath.Join(dir, "shard"+string(rune('0'+k))+".json")
		extra := []string{"--shard", string(rune('0'+k)) + "/3", "--json", f}
		if k == 2 {
			extra = append(extra, "--parallel", "2")
		}
		simulate(t, dir, append(slices.Clone(args), extra...)...)
		files = append(files, f)
	}
	m := simulate(t, dir, append([]string{"merge", "--json", "merged.json"}, files...)...)
	if m.code != exitViolation {
		t.Fatalf("merge: exit %d\n%s%s", m.code, m.stdout, m.stderr)
	}
	var a, b exploreDoc
	for p, d := range map[string]*exploreDoc{"whole.json": &a, "merged.json": &b} {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, d); err != nil {
			t.Fatal(err)
		}
	}
	if a.Seeds != b.Seeds || a.Runs != b.Runs || len(a.Violations) != len(b.Violations) || !slices.Equal(a.Tally, b.Tally) {
		t.Fatalf("merged %v %d runs %d violations %v\nwhole %v %d runs %d violations %v", b.Seeds, b.Runs, len(b.Violations), b.Tally,
			a.Seeds, a.Runs, len(a.Violations), a.Tally)
	}
	for i := range a.Violations {
		if a.Violations[i].Seed != b.Violations[i].Seed || a.Violations[i].TraceHash != b.Violations[i].TraceHash {
			t.Fatalf("violation %d: merged seed %d hash %s, whole seed %d hash %s", i, b.Violations[i].Seed,
				b.Violations[i].TraceHash, a.Violations[i].Seed, a.Violations[i].TraceHash)
		}
	}
	bad := simulate(t, dir, "merge", files[0], files[2])
	wantUsageError(t, bad, "consecutive", "merge", "shard0", "shard2")
}

// TestReviewExpectations: the shipped expectations hold (exit 0) and a
// flipped one is a change (exit 1).
func TestReviewExpectations(t *testing.T) {
	dir := t.TempDir()
	shipped := filepath.Join("..", "..", "testdata", "expect.toml")
	abs, err := filepath.Abs(shipped)
	if err != nil {
		t.Fatal(err)
	}
	designs := []string{"gthread-queuepool", "preload-touch-db", "threads-psycopg2-shared"}
	ok := simulate(t, dir, append([]string{"review", "--expect", abs}, designs...)...)
	if ok.code != exitOK {
		t.Fatalf("review --expect shipped: exit %d\n%s%s", ok.code, ok.stdout, ok.stderr)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	flipped := strings.Replace(string(data), "[gthread-queuepool]\nverdict = \"safe\"", "[gthread-queuepool]\nverdict = \"unsafe\"", 1)
	if flipped == string(data) {
		t.Fatal("the shipped expectations have no safe gthread-queuepool to flip")
	}
	os.WriteFile(filepath.Join(dir, "flipped.toml"), []byte(flipped), 0o644)
	bad := simulate(t, dir, append([]string{"review", "--expect", "flipped.toml"}, designs...)...)
	if bad.code != exitViolation || !strings.Contains(bad.stderr, "gthread-queuepool: expected unsafe, found safe") {
		t.Fatalf("review --expect flipped: exit %d\n%s%s", bad.code, bad.stdout, bad.stderr)
	}
}

// TestCorpusReproduces replays the shipped counterexamples: each still
// reproduces its trace hash and a violation.
func TestCorpusReproduces(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("..", "..", "testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	r := simulate(t, "", "replay", "--corpus", abs)
	if r.code != exitOK || strings.Contains(r.stdout, "CHANGED") {
		t.Fatalf("replay --corpus: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// a counterexample that no longer reproduces is a change
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(abs, "preload-touch-db.sched"))
	if err != nil {
		t.Fatal(err)
	}
	stale := regexp.MustCompile(`(?m)^hash [0-9a-f]+$`).ReplaceAll(data, []byte("hash 0123456789abcdef"))
	os.WriteFile(filepath.Join(dir, "stale.sched"), stale, 0o644)
	if r := simulate(t, "", "replay", "--corpus", dir); r.code != exitViolation || !strings.Contains(r.stdout, "CHANGED") {
		t.Fatalf("replay --corpus of a stale schedule: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestVerify: a safe scenario is verified (exit 0, the statement names
// the bound and the count), an unsafe one gives a counterexample that
// replays (exit 1), and the shards' counts add up to the unsharded
// search's: without the reduction exactly, with it as a union of traces.
func TestVerify(t *testing.T) {
	dir := t.TempDir()
	small := []string{"gthread-queuepool", "--workers", "1", "--threads", "2", "--clients", "2", "--requests", "2", "--bound", "1"}
	ok := simulate(t, dir, append([]string{"verify"}, small...)...)
	if ok.code != exitOK || !strings.Contains(ok.stdout, "up to delay bound 1 and split bound 0: no violation") {
		t.Fatalf("verify safe: exit %d\n%s%s", ok.code, ok.stdout, ok.stderr)
	}
	bad := simulate(t, dir, "verify", "preload-touch-db", "--clients", "2", "--requests", "1", "--bound", "1", "--save", "ce.sched")
	if bad.code != exitViolation || !strings.Contains(bad.stdout, "counterexample for preload-touch-db") {
		t.Fatalf("verify unsafe: exit %d\n%s%s", bad.code, bad.stdout, bad.stderr)
	}
	if rp := simulate(t, dir, "replay", "ce.sched"); rp.code != exitViolation {
		t.Fatalf("replay of verify's counterexample: exit %d\n%s%s", rp.code, rp.stdout, rp.stderr)
	}
	budget := simulate(t, dir, append([]string{"verify", "--max-schedules", "3"}, small...)...)
	if budget.code != exitInconclusive || !strings.Contains(budget.stdout, "inconclusive") {
		t.Fatalf("verify with a budget: exit %d\n%s%s", budget.code, budget.stdout, budget.stderr)
	}
	for _, mode := range [][]string{{"--no-reduction"}, nil} {
		whole := simulate(t, dir, append(append([]string{"verify", "--json", "whole.json"}, small...), mode...)...)
		var files []string
		for k := range 3 {
			f := filepath.Join(dir, "v"+string(rune('0'+k))+".json")
			simulate(t, dir, append(append([]string{"verify", "--shard", string(rune('0'+k)) + "/3", "--json", f}, small...), mode...)...)
			files = append(files, f)
		}
		m := simulate(t, dir, append([]string{"merge", "--json", "merged.json"}, files...)...)
		if m.code != exitOK {
			t.Fatalf("merge %v: exit %d\n%s%s", mode, m.code, m.stdout, m.stderr)
		}
		var a, b verifyDoc
		for p, d := range map[string]*verifyDoc{"whole.json": &a, "merged.json": &b} {
			data, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, d); err != nil {
				t.Fatal(err)
			}
		}
		if mode != nil && a.Result.Schedules != b.Result.Schedules {
			t.Errorf("without reduction: merged %d schedules, unsharded %d", b.Result.Schedules, a.Result.Schedules)
		}
		if !slices.Equal(a.Result.Traces, b.Result.Traces) || !slices.Equal(a.Result.States, b.Result.States) || !b.Result.Exhausted {
			t.Errorf("%v: merged %d traces %d states, unsharded %d traces %d states", mode, len(b.Result.Traces),
				len(b.Result.States), len(a.Result.Traces), len(a.Result.States))
		}
		t.Logf("%v: unsharded: %s\nmerged: %s", mode, whole.stdout, m.stdout)
	}
}
