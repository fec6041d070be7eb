package report

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// screenshotFile is where TestScreenshot writes its PNG:
//
//	go test ./report -run TestScreenshot -screenshot ../docs/report.png
var screenshotFile = flag.String("screenshot", "", "write a screenshot of the report of a violating run to this PNG `file` (needs Chromium)")

// browserNames are the executables a browser test looks for, in order.
var browserNames = []string{"chromium", "chromium-browser", "headless_shell", "google-chrome"}

// browser returns the path of a Chromium. It skips the test when there is
// none, unless CI=true, where a missing browser fails it.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and no browser found (looked for %s): install Debian's chromium", strings.Join(browserNames, ", "))
	}
	t.Skipf("no browser found (looked for %s)", strings.Join(browserNames, ", "))
	return ""
}

// tab is a report opened in a headless browser, with what the page
// reported that a self-contained, working report never does: console
// errors and warnings, uncaught exceptions, browser log errors, and
// requests for anything but the report itself.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

// open writes html to a temporary file and opens it in a headless
// browser of a width by height window.
func open(t *testing.T, html string, width, height int) *tab {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser(t)), chromedp.WindowSize(width, height))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTime)
	tb := &tab{ctx: ctx}
	url := "file://" + path
	err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			p = "exception: " + e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil {
				p += " " + ex.Description
			}
		case *runtime.EventConsoleAPICalled:
			switch e.Type {
			case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert, runtime.ConsoleAPICalledTypeWarning:
				var args []string
				for _, a := range e.Args {
					args = append(args, a.Description+string(a.Value))
				}
				p = fmt.Sprintf("console %s: %s", e.Type, strings.Join(args, " "))
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				p = fmt.Sprintf("browser log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := e.Request.URL; u != url && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				p = "request for " + u
			}
		}
		if p != "" {
			tb.mu.Lock()
			tb.problems = append(tb.problems, p)
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", browser(t), err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening the report: %v", err)
	}
	return tb
}

// eval evaluates a script expression in the page.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// check fails the test for every problem the page reported.
func (tb *tab) check(t *testing.T) {
	t.Helper()
	// a round trip, so that events sent before it have been handled
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int]("1")); err != nil {
		t.Fatal(err)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		t.Errorf("the page reported %s", p)
	}
}

// timelineRow is a marked timeline row as the browser renders it.
type timelineRow struct {
	ID, Dir, Text string
	Kinds, Tasks  []string
	Owner         []string
	Readers       []string
	Height        float64
}

// markedRows lists the rendered rows marked interleaved.
const markedRows = `Array.from(document.querySelectorAll("table.timeline tr.interleaved")).map(r => ({
	ID: r.id, Dir: r.dataset.dir, Text: r.innerText,
	Kinds: Array.from(r.querySelectorAll(".mark.interleaved")).map(m => m.dataset.kind),
	Tasks: Array.from(r.querySelectorAll(".task")).map(s => s.dataset.task),
	Owner: Array.from(r.cells[8].querySelectorAll(".task")).map(s => s.dataset.task),
	Readers: Array.from(r.cells[7].querySelectorAll(".task")).map(s => s.dataset.task),
	Height: r.getBoundingClientRect().height}))`

// The report of a run where a worker parsed the other's reply opens
// without a console error, exception or request, and its timeline shows
// that reply's message marked, with its owner and the task that took it.
func TestBrowserShowsInterleavedMessage(t *testing.T) {
	browser(t)
	r, v, taken := violatingRun(t)
	tb := open(t, render(t, r, v, Options{}), 1280, 900)

	rows := eval[[]timelineRow](t, tb, markedRows)
	owner, other := taken.Tasks[0], taken.Tasks[1]
	found := false
	for _, row := range rows {
		if row.Dir == dirBackend && slices.Contains(row.Kinds, taken.Kind) && slices.Equal(row.Owner, []string{owner}) &&
			slices.Contains(row.Readers, other) && row.Height > 0 &&
			strings.Contains(strings.ToLower(row.Text), "interleaved") && strings.Contains(row.Text, taken.Kind) {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("no rendered backend row shows %q with owner %s and reader %s; marked rows: %+v", taken.Kind, owner, other, rows)
	}

	// porcupine's view rendered inside its frame
	if n := eval[int](t, tb, `(() => { const d = document.querySelector("iframe.porcupine").contentDocument;
		return d ? d.querySelectorAll("svg *").length : -1 })()`); n <= 0 {
		t.Errorf("porcupine's view drew %d SVG elements", n)
	}

	// the filter leaves exactly the marked rows visible
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS("#only-marked"))); err != nil {
		t.Fatal(err)
	}
	visible := eval[int](t, tb, `Array.from(document.querySelectorAll("table.timeline tr.msg")).filter(r => r.getBoundingClientRect().height > 0).length`)
	marked := eval[int](t, tb, `document.querySelectorAll("table.timeline tr.interleaved, table.timeline tr.misframed").length`)
	if visible != marked || marked == 0 {
		t.Errorf("with only marked messages shown, %d rows are visible, want the %d marked", visible, marked)
	}
	tb.check(t)
}

// TestScreenshot writes docs/report.png, the screenshot README.md shows,
// when -screenshot names the file:
//
//	go test ./report -run TestScreenshot -screenshot ../docs/report.png
func TestScreenshot(t *testing.T) {
	if *screenshotFile == "" {
		t.Skip("no -screenshot file given")
	}
	browser(t)
	r, v, _ := violatingRun(t)
	tb := open(t, render(t, r, v, Options{}), 1400, 1900)
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS("#only-marked"))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	tb.check(t)
	if err := os.WriteFile(*screenshotFile, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", *screenshotFile, len(png))
}
