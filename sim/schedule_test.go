package sim

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
)

// record runs the echo workload under s and returns its schedule as text.
func record(t *testing.T, s Strategy) (string, uint64) {
	t.Helper()
	w, o := runEcho(s)
	if o.Kind != Completed {
		t.Fatalf("recording run: %v", o)
	}
	sched := w.Schedule()
	sched.Scenario = "echo"
	sched.Params = []Param{{"clients", "3"}, {"split", "writes"}}
	return sched.String(), w.Trace().Hash()
}

func TestReplayReproducesHashWithoutSeed(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 42, 1000} {
		text, hash := record(t, Random(seed))
		sched, err := ReadSchedule(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		if sched.Scenario != "echo" || len(sched.Params) != 2 || sched.Params[1] != (Param{"split", "writes"}) {
			t.Fatalf("header did not round-trip: %+v", sched)
		}
		if sched.String() != text {
			t.Fatalf("schedule text did not round-trip:\n%s\nvs\n%s", sched, text)
		}
		r := Replay(sched)
		w, o := runEcho(r)
		if o.Kind != Completed {
			t.Fatalf("seed %d replay: %v", seed, o)
		}
		if got := w.Trace().Hash(); got != hash {
			t.Fatalf("seed %d: replay hash %016x, recorded %016x", seed, got, hash)
		}
		if err := r.Check(w); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func TestReplayOfPCTRun(t *testing.T) {
	text, hash := record(t, PCT(9, 3))
	sched, err := ReadSchedule(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	w, o := runEcho(Replay(sched))
	if o.Kind != Completed || w.Trace().Hash() != hash {
		t.Fatalf("PCT replay: %v, hash %016x want %016x", o, w.Trace().Hash(), hash)
	}
}

// tamper rewrites decision line i (0-based among decision lines) of a
// schedule's text with repl.
func tamper(t *testing.T, text string, i int, repl func(kind string, choice, n int) string) string {
	t.Helper()
	sched, err := ReadSchedule(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text, "\n")
	first := len(lines) - 1 - len(sched.Decisions) // the text ends with a newline
	c := sched.Decisions[i]
	lines[first+i] = repl(c.Kind.String(), c.Choice, c.N)
	return strings.Join(lines, "\n")
}

func TestTamperedScheduleReportsDivergence(t *testing.T) {
	text, _ := record(t, Random(5))
	sched, _ := ReadSchedule(strings.NewReader(text))
	// the first split decision, recorded with a different option count
	at := -1
	for i, c := range sched.Decisions {
		if c.Kind == SplitDecision {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatal("recorded run has no split decision")
	}
	bad := tamper(t, text, at, func(kind string, choice, n int) string {
		return fmt.Sprintf("split 0/%d", n+1)
	})
	tampered, err := ReadSchedule(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	_, o := runEcho(Replay(tampered))
	if o.Kind != Diverged {
		t.Fatalf("tampered replay: %v", o)
	}
	if o.Divergence.Decision != at {
		t.Errorf("divergence at decision %d, tampered decision %d", o.Divergence.Decision, at)
	}
	msg := o.Divergence.Error()
	if !strings.HasPrefix(msg, "schedule diverged at step ") || !strings.Contains(msg, "recorded split") {
		t.Errorf("divergence message %q", msg)
	}
	var de *DivergenceError
	if !errors.As(error(o.Divergence), &de) || de.Step <= 0 {
		t.Errorf("divergence step %d", de.Step)
	}
}

func TestTruncatedScheduleDiverges(t *testing.T) {
	text, _ := record(t, Random(6))
	sched, _ := ReadSchedule(strings.NewReader(text))
	keep := len(sched.Decisions) / 2
	sched.Decisions = sched.Decisions[:keep]
	_, o := runEcho(Replay(sched))
	if o.Kind != Diverged || o.Divergence.Decision != keep ||
		!strings.Contains(o.Divergence.Error(), "asks for another") {
		t.Fatalf("truncated replay: %v", o)
	}
}

func TestChangedChoiceIsCaught(t *testing.T) {
	text, _ := record(t, Random(8))
	sched, _ := ReadSchedule(strings.NewReader(text))
	// flip a run decision to another valid option: the replay follows a
	// different path, so it either diverges or ends with another hash
	for i, c := range sched.Decisions {
		if c.Kind == RunDecision {
			sched.Decisions[i].Choice = (c.Choice + 1) % c.N
			break
		}
	}
	r := Replay(sched)
	w, o := runEcho(r)
	if o.Kind == Completed {
		if err := r.Check(w); err == nil {
			t.Fatal("a changed choice replayed to the recorded hash")
		}
	} else if o.Kind != Diverged {
		t.Fatalf("changed replay: %v", o)
	}
}

func TestReadScheduleErrors(t *testing.T) {
	cases := map[string]string{
		"":                               "empty input",
		"hello\n":                        "line 1: want \"poolsim-schedule 1\"",
		"poolsim-schedule 9\n":           "unsupported schedule version",
		"poolsim-schedule 1\nrun 2/2\n":  "line 2: want \"run choice/options\"",
		"poolsim-schedule 1\nrun 0/1\n":  "line 2",
		"poolsim-schedule 1\njump 0/2\n": "unknown line",
		"poolsim-schedule 1\ndecisions 2\nrun 0/2":         "header says 2 decisions, file has 1",
		"poolsim-schedule 1\nparam =x\n":                   "want \"param key=value\"",
		"poolsim-schedule 1\nhash zz\n":                    "bad hash",
		"poolsim-schedule 1\nscenario x\nsplit segments\n": "line 3: unknown split policy \"segments\"",
		"poolsim-schedule 1\nsplit\n":                      "line 2: unknown split policy",
		"poolsim-schedule 1\nsplit 3/3\n":                  "line 2: want \"split choice/options\"",
		"poolsim-schedule 1\n\nbuild\n":                    "line 3: want \"build module@version",
	}
	for in, want := range cases {
		_, err := ReadSchedule(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadSchedule(%q) = %v, want error containing %q", in, err, want)
		}
	}
	ok := "# a comment\npoolsim-schedule 1\n\nscenario x\nparam a=b=c\ntimer 1/3\n"
	s, err := ReadSchedule(strings.NewReader(ok))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Param("a"); v != "b=c" || s.Scenario != "x" || s.Decisions[0] != (Choice{TimerDecision, 1, 3, ""}) {
		t.Fatalf("parsed %+v", s)
	}
}

func TestScheduleHeaderRoundTrip(t *testing.T) {
	for _, in := range []*Schedule{
		{Scenario: "two-writers", Params: []Param{{"clients", "2"}, {"mode", "a=b"}},
			Split: SplitBytes, SplitSet: true, Build: "github.com/poolsim/poolsim@v0.3.0 vcs 4f1c9e0d dirty",
			Hash: 0x9f3c2a61b0e4d5c7, Decisions: []Choice{{RunDecision, 1, 2, "main/t1"}, {SplitDecision, 0, 3, ""}, {TimerDecision, 2, 300, ""}}},
		{Scenario: "echo", Split: SplitWrites, SplitSet: true, Build: "example.com/m@(devel)",
			Decisions: []Choice{{SplitDecision, 2, 3, ""}}},
	} {
		text := in.String()
		out, err := ReadSchedule(strings.NewReader(text))
		if err != nil {
			t.Fatalf("%v in\n%s", err, text)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("header did not round-trip:\n%+v\nvs\n%+v", out, in)
		}
		if out.String() != text {
			t.Errorf("text did not round-trip:\n%s\nvs\n%s", out, text)
		}
	}
}

func TestWorldScheduleRecordsSplitAndBuild(t *testing.T) {
	for _, policy := range []SplitPolicy{SplitWrites, SplitBytes} {
		w, o := runEcho(Random(4), SplitAt(policy))
		if o.Kind != Completed {
			t.Fatal(o)
		}
		s := w.Schedule()
		if s.Split != policy || !s.SplitSet || s.Build != BuildID() {
			t.Fatalf("%v: schedule header split %v set %v build %q", policy, s.Split, s.SplitSet, s.Build)
		}
		text := s.String()
		if !strings.Contains(text, "\nsplit "+policy.String()+"\n") ||
			!strings.Contains(text, "\nbuild "+BuildID()+"\n") {
			t.Fatalf("%v: header of\n%s", policy, text)
		}
		back, err := ReadSchedule(strings.NewReader(text))
		if err != nil || back.Split != policy || back.Build != BuildID() {
			t.Fatalf("%v: read back %+v, %v", policy, back, err)
		}
		// the recorded policy is what the replay needs
		w2, o := runEcho(Replay(back), SplitAt(back.Split))
		if o.Kind != Completed || w2.Trace().Hash() != w.Trace().Hash() {
			t.Fatalf("%v: replay %v", policy, o)
		}
	}
}

func TestScheduleWithoutSplitOrBuildReads(t *testing.T) {
	old := "poolsim-schedule 1\nscenario echo\nparam split=bytes\nhash 00000000000000ff\n" +
		"decisions 3\nsplit 1/3\nrun 0/2\nsplit 0/2\n"
	s, err := ReadSchedule(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	want := &Schedule{Scenario: "echo", Params: []Param{{"split", "bytes"}}, Hash: 0xff,
		Decisions: []Choice{{SplitDecision, 1, 3, ""}, {RunDecision, 0, 2, ""}, {SplitDecision, 0, 2, ""}}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("read %+v, want %+v", s, want)
	}
	if s.Split != SplitWrites || s.SplitSet {
		t.Errorf("a file without a split line read as split %v (set %v)", s.Split, s.SplitSet)
	}
	// written back, it states the default
	if !strings.Contains(s.String(), "\nsplit writes\n") {
		t.Errorf("written back without a split line:\n%s", s)
	}
}

func TestDescribeBuild(t *testing.T) {
	main := debug.Module{Path: "github.com/poolsim/poolsim", Version: "v1.2.0"}
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	cases := []struct {
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{&debug.BuildInfo{Main: main, Settings: vcs("-compiler", "gc", "vcs.revision", "abc123", "vcs.modified", "true")}, true,
			"github.com/poolsim/poolsim@v1.2.0 vcs abc123 dirty"},
		{&debug.BuildInfo{Main: main, Settings: vcs("vcs.revision", "abc123", "vcs.modified", "false")}, true,
			"github.com/poolsim/poolsim@v1.2.0 vcs abc123"},
		{&debug.BuildInfo{Main: debug.Module{Path: "github.com/poolsim/poolsim", Version: "(devel)"}}, true,
			"github.com/poolsim/poolsim@(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/m"}}, true, "example.com/m"},
		{nil, false, ""},
	}
	for _, c := range cases {
		if got := describeBuild(c.info, c.ok); got != c.want {
			t.Errorf("describeBuild(%+v) = %q, want %q", c.info, got, c.want)
		}
	}
	// a test binary has build information naming this module
	if id := BuildID(); !strings.HasPrefix(id, "github.com/poolsim/poolsim") {
		t.Errorf("BuildID() = %q", id)
	}
}

// TestReplayChecksTaskPaths: run decisions record the task they ran, and
// a replay whose option now stands for another task diverges, naming both.
func TestReplayChecksTaskPaths(t *testing.T) {
	w, _ := runEcho(Random(5))
	s := w.Schedule()
	k := -1
	for i, c := range s.Decisions {
		if c.Kind == RunDecision {
			if c.Task == "" {
				t.Fatalf("run decision %d records no task", i)
			}
			if k < 0 && c.Task != "main/client0" {
				k = i
			}
		}
	}
	text := s.String()
	back, err := ReadSchedule(strings.NewReader(text))
	if err != nil || back.String() != text {
		t.Fatalf("round trip: %v", err)
	}
	back.Decisions[k].Task = "main/nobody"
	w2 := New(Replay(back))
	echoWorkload(w2, 3)
	o := w2.Run()
	if o.Kind != Diverged || !strings.Contains(o.Divergence.Reason, "for task main/nobody, the run's option") {
		t.Fatalf("got %v", o)
	}
}
