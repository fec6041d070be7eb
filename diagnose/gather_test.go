package diagnose

import (
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolsim/poolsim/scenario"
)

var (
	registryOnce    sync.Once
	registryDesigns []Design
	registryTook    time.Duration
)

// registry gathers the built-in scenarios' designs at the default runs
// (8 seeds under each split policy), once for all tests.
func registry(t *testing.T) []Design {
	t.Helper()
	registryOnce.Do(func() {
		ss, err := scenario.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		registryDesigns = Gather(ss, 8)
		registryTook = time.Since(start)
	})
	if registryDesigns == nil {
		t.Fatal("gathering failed")
	}
	return registryDesigns
}

// forkSharing are the built-in designs whose processes share a connection
// inherited through fork.
var forkSharing = []string{"preload-touch-db", "celery-prefork", "max-requests-touch-db", "preload-pre-ping",
	"preload-background-thread", "preload-held-connection-dispose"}

// incidentEvidence is the incident's five texts in the three forms:
// as DOMAIN.md quotes them, as applications wrap them, in a log.
func incidentEvidence(t *testing.T) map[string]*Evidence {
	t.Helper()
	bare, err := Parse(incidentTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := Parse(wrappedIncidentTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/incident.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	logged, err := Parse(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Evidence{"bare": bare, "wrapped": wrapped, "log": logged}
}

// TestDiagnoseIncident (must-show 6): on the incident's five texts, bare,
// wrapped and in a log, the ranking names the fork-sharing designs as
// able to produce them, gthread + QueuePool as shown unable with the size
// and bound, and says which texts no registered design produces.
func TestDiagnoseIncident(t *testing.T) {
	designs := registry(t)
	t.Logf("gathered %d designs in %v", len(designs), registryTook)
	for form, ev := range incidentEvidence(t) {
		rep := Rank(ev, designs)
		if !slices.Equal(rep.Templates, incidentTemplates) {
			t.Fatalf("%s: templates %q", form, rep.Templates)
		}
		score := map[string]int{}
		for _, c := range rep.Candidates {
			score[c.Design] = c.Score
		}
		// The prefork designs without a hook produce four of the five:
		// psycopg2's status error, libpq's sync loss, the IndexError and
		// SQLAlchemy's ResourceClosedError (a SELECT handed a command's
		// reply).
		for _, name := range []string{"preload-touch-db", "celery-prefork", "max-requests-touch-db"} {
			if score[name] != 4 {
				t.Errorf("%s: %s produces %d of the texts, want 4", form, name, score[name])
			}
		}
		for i, c := range rep.Candidates[:4] {
			if !slices.Contains(forkSharing, c.Design) {
				t.Errorf("%s: candidate %d is %s, not a fork-sharing design", form, i+1, c.Design)
			}
		}
		// Threads sharing one libpq connection without a lock produce the
		// sync loss too: a candidate, ranked below the fork designs.
		if score["threads-libpq-shared"] != 1 {
			t.Errorf("%s: threads-libpq-shared scores %d", form, score["threads-libpq-shared"])
		}
		unable := map[string]Candidate{}
		for _, c := range rep.Unable {
			unable[c.Design] = c
		}
		q, ok := unable["gthread-queuepool"]
		if !ok || len(q.Missing) != 5 {
			t.Fatalf("%s: gthread-queuepool is not shown unable: %+v", form, q)
		}
		for _, p := range q.Missing {
			if p.Size != "2 workers x 2 threads (gthread), 2 clients x 3 requests" ||
				p.How != "no occurrence in 16 schedules (seeds 1-8, split writes and bytes)" || p.Schedules != 16 {
				t.Errorf("%s: gthread-queuepool's proof %+v", form, p)
			}
		}
		// The incident's own configuration and its proposal hold, and so
		// do the designs where threads share a connection without
		// interleaving bytes: judged, and found unable.
		for _, name := range []string{"incident-production", "incident-nullpool", "threads-psycopg2-shared", "threads-staticpool", "sync-queuepool"} {
			if _, ok := unable[name]; !ok {
				t.Errorf("%s: %s is not shown unable", form, name)
			}
		}
		// What the runs show at this size and budget: every text is
		// produced by some registered design ("insufficient data" by the
		// background thread sharing the master's connection).
		var want []string
		if !slices.Equal(rep.Unproduced, want) {
			t.Errorf("%s: unproduced %q, want %q", form, rep.Unproduced, want)
		}
		s := rep.String()
		for _, line := range []string{"Designs shown unable to produce any of them:", "  gthread-queuepool  (",
			"none of the 5: no occurrence in 16 schedules (seeds 1-8, split writes and bytes) at 2 workers x 2 threads (gthread), 2 clients x 3 requests",
			"Texts no registered design produces:\n  none: every text is produced by at least one design"} {
			if !strings.Contains(s, line) {
				t.Errorf("%s: report lacks %q", form, line)
			}
		}
	}
}

// TestReplayCommandsReproduce: the replay command of each leading
// candidate runs a seed that shows the texts it is given for.
func TestReplayCommandsReproduce(t *testing.T) {
	designs := registry(t)
	rep := Rank(incidentEvidence(t)["bare"], designs)
	for _, c := range rep.Candidates[:3] {
		for _, p := range c.Produces {
			r := replay(t, p.Replay)
			if RunEvidence(r).Matched(p.Template) == nil {
				t.Errorf("%s: %q does not show %q", c.Design, p.Replay, p.Template)
			}
		}
	}
}

// replay runs what a `simulate run NAME --seed N [--split S]` command
// names.
func replay(t *testing.T, cmd string) *scenario.Run {
	t.Helper()
	f := strings.Fields(cmd)
	if len(f) < 5 || f[0] != "simulate" || f[1] != "run" || f[3] != "--seed" {
		t.Fatalf("replay command %q", cmd)
	}
	s, err := scenario.Lookup(f[2])
	if err != nil {
		t.Fatal(err)
	}
	seed, err := strconv.ParseUint(f[4], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) == 7 && f[5] == "--split" {
		s.Run.Split = f[6]
	} else if len(f) != 5 {
		t.Fatalf("replay command %q", cmd)
	}
	return scenario.RunSeed(s, seed)
}

// TestGatherAgreesWithSymptoms: what Gather records per design agrees
// with the scenario package's own symptom counting over the same runs,
// and does not depend on how many runs are made at once.
func TestGatherAgreesWithSymptoms(t *testing.T) {
	var ss []*scenario.Scenario
	for _, n := range []string{"preload-touch-db", "threads-libpq-shared", "threads-assertionpool", "gthread-queuepool"} {
		s, err := scenario.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	const runs = 3
	one := GatherWith(ss, GatherOptions{Runs: runs, Splits: []string{""}, Parallel: 1})
	three := GatherWith(ss, GatherOptions{Runs: runs, Splits: []string{""}, Parallel: 3})
	if !reflect.DeepEqual(one, three) {
		t.Fatal("the designs depend on how many runs are made at once")
	}
	for i, s := range ss {
		d := one[i]
		symptoms := map[string]bool{}
		for seed := uint64(1); seed <= runs; seed++ {
			for k := range scenario.RunSeed(s, seed).Symptoms() {
				symptoms[k] = true
			}
		}
		for _, st := range scenario.SymptomTexts {
			produced := false
			for _, tp := range Templates() {
				produced = produced || slices.Contains(tp.Keys, st) && d.Produces[tp.Format] > 0
			}
			if produced != symptoms[st] {
				t.Errorf("%s: template with key %q produced %v, scenario symptoms say %v", s.Name, st, produced, symptoms[st])
			}
		}
		if d.Schedules != runs || d.Size != Size(s) {
			t.Errorf("%s: schedules %d size %q", s.Name, d.Schedules, d.Size)
		}
		for _, sh := range d.Shown {
			if !strings.HasPrefix(sh.Replay, "simulate run "+s.Name+" --seed ") || strings.Contains(sh.Replay, "--split") {
				t.Errorf("%s: replay %q", s.Name, sh.Replay)
			}
		}
		for _, tp := range Templates() {
			if (d.Proof(tp.Format) == nil) == (d.Produces[tp.Format] == 0) {
				t.Errorf("%s: %q produced %d with proof %v", s.Name, tp.Format, d.Produces[tp.Format], d.Proof(tp.Format))
			}
		}
	}
	if len(one[3].Produces) != 0 || one[3].Violated["protocol interleaving"] != 0 {
		t.Errorf("gthread-queuepool: %+v", one[3])
	}
	if one[0].Violated["protocol interleaving"] == 0 {
		t.Errorf("preload-touch-db's runs show no interleaving: %+v", one[0].Violated)
	}
}

// TestSize describes the configurations of the built-in scenarios.
func TestSize(t *testing.T) {
	want := map[string]string{
		"gthread-queuepool":       "2 workers x 2 threads (gthread), 2 clients x 3 requests",
		"preload-touch-db":        "2 workers (sync), 2 clients x 3 requests",
		"celery-prefork":          "2 prefork processes, 2 clients x 3 requests",
		"threads-psycopg2-shared": "2 threads x 4 requests",
		"incident-production":     "4 workers x 16 threads (gthread), 4 prefork processes, 64 clients x 6 requests",
	}
	for name, size := range want {
		s, err := scenario.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := Size(s); got != size {
			t.Errorf("%s: %q, want %q", name, got, size)
		}
	}
	s, _ := scenario.Lookup("preload-touch-db")
	if got := ReplayCommand(s, 4, "bytes"); got != "simulate run preload-touch-db --seed 4 --split bytes" {
		t.Errorf("replay %q", got)
	}
	s.File = "mine.toml"
	if got := ReplayCommand(s, 4, "writes"); got != "simulate run mine.toml --seed 4" {
		t.Errorf("replay of one's own file %q", got)
	}
}
