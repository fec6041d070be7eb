package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// binary is the simulate command built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "simulate-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "simulate")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("building simulate: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// simulate runs the built binary with args in dir (the test's temporary
// directory when empty).
func simulate(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("simulate %s: %v", strings.Join(args, " "), err)
	}
	return result{code, out.String(), errb.String()}
}

// wantUsageError checks that r is exit 2 with exactly one line on stderr
// and no stack trace, containing want.
func wantUsageError(t *testing.T, r result, want string, args ...string) {
	t.Helper()
	if r.code != exitUsage {
		t.Errorf("simulate %s: exit %d, want 2 (stderr %q)", strings.Join(args, " "), r.code, r.stderr)
		return
	}
	if strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("simulate %s: stderr is not one line: %q", strings.Join(args, " "), r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("simulate %s: stderr %q does not say %q", strings.Join(args, " "), r.stderr, want)
	}
}

var hashRE = regexp.MustCompile(`trace hash ([0-9a-f]{16})`)

func traceHash(t *testing.T, out string) string {
	t.Helper()
	m := hashRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no trace hash in output:\n%s", out)
	}
	return m[1]
}

// TestBadInputExitsTwoWithOneLine covers unknown scenarios, bad flag
// values, malformed scenario files and corrupt or truncated schedules.
func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("summary = \"x\"\n[gunicorn]\nworkers = = 2\n"), 0o644)
	unknownKey := filepath.Join(dir, "knob.toml")
	os.WriteFile(unknownKey, []byte("summary = \"x\"\n[gunicorn]\nwrokers = 2\n"), 0o644)
	r := simulate(t, dir, "run", "preload-touch-db", "--seed", "3", "--schedule", "good.sched")
	if r.code != exitViolation {
		t.Fatalf("run preload-touch-db: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	good, err := os.ReadFile(filepath.Join(dir, "good.sched"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "truncated.sched"), good[:len(good)/2], 0o644)
	corrupt := bytes.Replace(good, []byte("run "), []byte("rnu "), 1)
	os.WriteFile(filepath.Join(dir, "corrupt.sched"), corrupt, 0o644)
	flipped := regexp.MustCompile(`(?m)^run 0/(\d+)`).ReplaceAll(good, []byte("run 0/9$1"))
	os.WriteFile(filepath.Join(dir, "misfit.sched"), flipped, 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "no-such-scenario"}, `unknown scenario "no-such-scenario"`},
		{[]string{"show", "no-such-scenario"}, `unknown scenario`},
		{[]string{"run", "gthread-queuepool", "--seed", "many"}, `invalid value "many" for flag -seed`},
		{[]string{"run", "gthread-queuepool", "--strategy", "dfs"}, `--strategy "dfs"`},
		{[]string{"run", "gthread-queuepool", "--split", "halves"}, `--split`},
		{[]string{"run", "gthread-queuepool", "--no-such-flag"}, `flag provided but not defined`},
		{[]string{"run", "celery-prefork", "--threads", "2"}, `--threads`},
		{[]string{"run", bad}, `bad.toml:3`},
		{[]string{"run", unknownKey}, `unknown knob "wrokers"`},
		{[]string{"run", filepath.Join(dir, "missing.toml")}, `no scenario file`},
		{[]string{"replay", "truncated.sched"}, `truncated.sched`},
		{[]string{"replay", "corrupt.sched"}, `corrupt.sched`},
		{[]string{"replay", "misfit.sched"}, `no longer fits`},
		{[]string{"replay", "missing.sched"}, `missing.sched`},
		{[]string{"review", "--format", "yaml"}, `--format "yaml"`},
		{[]string{"nonsense"}, `unknown command "nonsense"`},
	}
	for _, c := range cases {
		wantUsageError(t, simulate(t, dir, c.args...), c.want, c.args...)
	}
}

// TestRunSavesAScheduleThatReplaysToTheSameHash runs an unsafe scenario,
// saves its schedule and replays it.
func TestRunSavesAScheduleThatReplaysToTheSameHash(t *testing.T) {
	dir := t.TempDir()
	r := simulate(t, dir, "run", "preload-touch-db", "--seed", "3", "--workers", "2", "--schedule", "s.sched")
	if r.code != exitViolation || !strings.Contains(r.stdout, "protocol interleaving: violated") {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rp := simulate(t, dir, "replay", "s.sched")
	if rp.code != exitViolation {
		t.Fatalf("replay: exit %d\n%s%s", rp.code, rp.stdout, rp.stderr)
	}
	if a, b := traceHash(t, r.stdout), traceHash(t, rp.stdout); a != b {
		t.Fatalf("replay hash %s, run hash %s", b, a)
	}
	cont := simulate(t, dir, "replay", "s.sched", "--continue", "zeros")
	if !strings.Contains(cont.stdout, "matched ") || traceHash(t, cont.stdout) != traceHash(t, r.stdout) {
		t.Fatalf("replay --continue of a fitting schedule:\n%s%s", cont.stdout, cont.stderr)
	}
}

// TestListShowAndHelp checks the commands a user starts with.
func TestListShowAndHelp(t *testing.T) {
	r := simulate(t, "", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "gthread-queuepool") || !strings.Contains(r.stdout, "gunicorn --worker-class gthread") {
		t.Fatalf("list: exit %d\n%s", r.code, r.stdout)
	}
	r = simulate(t, "", "show", "gthread-queuepool")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "summary = ") {
		t.Fatalf("show: exit %d\n%s", r.code, r.stdout)
	}
	for _, c := range []string{"list", "show", "run", "replay", "review"} {
		h := simulate(t, "", c, "-h")
		if h.code != 0 || !strings.Contains(h.stdout, "Usage: simulate "+c) {
			t.Errorf("%s -h: exit %d\n%s%s", c, h.code, h.stdout, h.stderr)
		}
	}
	h := simulate(t, "", "help")
	if h.code != 0 || !strings.Contains(h.stdout, "simulate review") {
		t.Errorf("help: exit %d\n%s", h.code, h.stdout)
	}
}
