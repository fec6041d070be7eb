package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testdata is the analyzer's test packages, checked here through the
// command as CI runs it.
const testdata = "../../analysis/determinism/testdata/src/"

// TestDetcheck builds the command and checks that it fails on a package
// with forbidden constructs, naming them, and passes a package without.
func TestDetcheck(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "detcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	out, err := exec.Command(bin, testdata+"forbidden").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("detcheck on forbidden: err %v, want exit status 3\n%s", err, out)
	}
	for _, want := range []string{"gostmt.go:7:2: go statement", "chans.go:5:5: channel send", `syncimport.go:4:2: import of "sync"`, "maprange.go:12:2: range over map"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("detcheck on forbidden: output lacks %q\n%s", want, out)
		}
	}

	if out, err := exec.Command(bin, testdata+"allowed").CombinedOutput(); err != nil {
		t.Errorf("detcheck on allowed: %v\n%s", err, out)
	}
}
