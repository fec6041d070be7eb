//go:build linux

package libpq

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// This file holds the differential test against C libpq 15: every case
// (clibpq_cases_test.go, clibpq_generated_test.go) is a stream of server
// bytes cut into segments and a script of commands. The same script runs
// in a small C program linked with the system's libpq (testdata/clibpq,
// driven over stdin/stdout, fed over a Unix socket one segment per recv,
// clibpq_server_test.go) and against this package (fed one segment per
// Read, clibpq_transcript_test.go); the two transcripts of results,
// statuses, error texts, notices and client bytes must be equal.
//
// Where this package cannot behave like libpq by design, the case is listed
// in knownDifferences with the reason, and the test requires that exactly
// those cases differ.

// knownDifferences maps the name of each case whose transcripts are
// expected to differ to the reason.
var knownDifferences = map[string]string{
	// The SCRAM exchange is not implemented (see saslInit). libpq answers
	// the request with a SASLInitialResponse carrying a random client
	// nonce, which no reimplementation could reproduce byte for byte, and
	// then meets end of file; this package fails the startup at once with
	// a text of its own.
	"startup/sasl/whole": "SCRAM-SHA-256 exchange not implemented",
	// This package answers AuthenticationGSS like a libpq built without
	// GSSAPI ("GSSAPI authentication not supported"). Debian's libpq is
	// built with it and starts a Kerberos exchange, whose failure text
	// comes from the machine's Kerberos library and configuration.
	"startup/gssapi/whole": "GSSAPI not built in",
}

// maxShownDiffs is how many differing cases the test shows in full.
const maxShownDiffs = 20

// cDriverTimeout bounds one case on the C side; a case that takes longer
// means the segment handshake is stuck.
const cDriverTimeout = 30 * time.Second

// TestCLibpqDifferential feeds every case to C libpq and to this package
// and compares the transcripts. Without gcc or libpq 15's development files
// it skips, unless CI=true, when it fails.
func TestCLibpqDifferential(t *testing.T) {
	driver := buildCDriver(t)

	cases := differentialCases(t)
	names := map[string]bool{}
	for _, dc := range cases {
		if names[dc.name] {
			t.Fatalf("two cases are named %q", dc.name)
		}
		names[dc.name] = true
	}
	for name := range knownDifferences {
		if !names[name] {
			t.Errorf("known difference %q names no case", name)
		}
	}

	dir := shortTempDir(t)
	start := time.Now()
	cOut, err := runOnCLibpq(driver, dir, cases)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)

	var differing []string
	unknown := 0
	for i, dc := range cases {
		goOut := goTranscript(dc, cOut[i].host, cOut[i].port)
		if goOut == cOut[i].transcript {
			continue
		}
		differing = append(differing, dc.name)
		if _, known := knownDifferences[dc.name]; known {
			continue
		}
		if unknown++; unknown <= maxShownDiffs {
			t.Errorf("case %s: fakepg/libpq differs from C libpq\n%s", dc.name, transcriptDiff(cOut[i].transcript, goOut))
		}
	}
	if unknown > maxShownDiffs {
		t.Errorf("%d more cases differ", unknown-maxShownDiffs)
	}
	for name, why := range knownDifferences {
		if !slices.Contains(differing, name) {
			t.Errorf("known difference %s (%s) no longer differs: remove it from knownDifferences", name, why)
		}
	}
	t.Logf("%d cases compared with C libpq in %v; %d differ, %d of them known", len(cases),
		elapsed.Round(time.Millisecond), len(differing), len(knownDifferences))
}

// buildCDriver compiles testdata/clibpq/driver.c against libpq and returns
// the program's path. It skips the test (fails it under CI=true) when gcc,
// the libpq header or library is missing, or libpq is not version 15.
func buildCDriver(t *testing.T) string {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("C libpq differential test cannot run under CI: %s", msg)
		}
		t.Skipf("C libpq differential test skipped: %s (install gcc and libpq-dev 15)", msg)
	}
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		unavailable("gcc not found")
	}
	includeDir := "/usr/include/postgresql"
	if out, err := exec.Command("pg_config", "--includedir").Output(); err == nil {
		includeDir = strings.TrimSpace(string(out))
	}
	if _, err := os.Stat(filepath.Join(includeDir, "libpq-fe.h")); err != nil {
		unavailable("libpq-fe.h not found in %s", includeDir)
	}
	src, err := filepath.Abs(filepath.Join("testdata", "clibpq", "driver.c"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "clibpq-driver")
	// -rdynamic exports the driver's recv, so that libpq's calls bind to it.
	build := exec.Command(gcc, "-O1", "-Wall", "-Werror", "-rdynamic", "-I"+includeDir, "-o", bin, src, "-lpq")
	if out, err := build.CombinedOutput(); err != nil {
		unavailable("cannot build the C driver with -lpq: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").Output()
	if err != nil {
		t.Fatalf("C driver -version: %v", err)
	}
	var version int
	if _, err := fmt.Sscanf(string(out), "%d", &version); err != nil {
		t.Fatalf("C driver -version printed %q", out)
	}
	if version/10000 != 15 {
		unavailable("libpq is version %d, the reference is libpq 15", version)
	}
	return bin
}

// shortTempDir returns a temporary directory with a path short enough for
// a Unix socket address (108 bytes on Linux).
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "clibpq")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// cResult is the C side's transcript of one case and the address it
// connected to, which is part of libpq's error texts.
type cResult struct {
	transcript string
	host, port string
}

// runOnCLibpq runs every case on C libpq, spread over a few driver
// processes, and returns the transcripts in case order.
func runOnCLibpq(driver, dir string, cases []diffCase) ([]cResult, error) {
	workers := min(max(2*runtime.GOMAXPROCS(0), 2), 8, len(cases))
	out := make([]cResult, len(cases))
	next := make(chan int)
	errs := make(chan error, workers)
	started := 0
	for w := range workers {
		wk, err := startCWorker(driver, dir, fmt.Sprint(5432+w))
		if err != nil {
			close(next)
			for range started {
				<-errs
			}
			return nil, err
		}
		started++
		go func() {
			defer wk.stop()
			for i := range next {
				tr, err := wk.run(cases[i])
				if err != nil {
					errs <- fmt.Errorf("case %s on C libpq: %w", cases[i].name, err)
					for range next {
					}
					return
				}
				host, port := wk.address(cases[i])
				out[i] = cResult{transcript: tr, host: host, port: port}
			}
			errs <- nil
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	var first error
	for range workers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return out, first
}

// transcriptDiff shows the two transcripts from the first differing line.
func transcriptDiff(c, g string) string {
	cl, gl := strings.Split(c, "\n"), strings.Split(g, "\n")
	i := 0
	for i < len(cl) && i < len(gl) && cl[i] == gl[i] {
		i++
	}
	from := max(i-3, 0)
	var b bytes.Buffer
	fmt.Fprintf(&b, "first difference at line %d\n--- C libpq\n", i+1)
	for _, l := range cl[from:min(len(cl), i+8)] {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	b.WriteString("--- fakepg/libpq\n")
	for _, l := range gl[from:min(len(gl), i+8)] {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return b.String()
}
