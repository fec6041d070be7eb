package report

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// violatingScenario is the scenario whose reports the tests read: preload
// with a query at import and no fork hook, so both workers share the
// master's connection and take each other's replies.
const violatingScenario = "preload-touch-db"

// runSeed runs the named scenario under the random strategy of seed,
// keeping the events, and judges it.
func runSeed(t *testing.T, name string, seed uint64) (*scenario.Run, verdict.Verdict) {
	t.Helper()
	s, err := scenario.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	r := scenario.Execute(s, sim.Random(seed), scenario.Options{Seed: seed, KeepEvents: true})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	return r, verdict.Judge(r, verdict.Options{})
}

// violatingRun returns the first run of seeds 0-9 of violatingScenario
// whose protocol interleaving shows a reply taken by another task, and
// that violation.
func violatingRun(t *testing.T) (*scenario.Run, verdict.Verdict, properties.Violation) {
	t.Helper()
	for seed := range uint64(10) {
		r, v := runSeed(t, violatingScenario, seed)
		for _, x := range interleavingViolations(v) {
			if x.Kind == properties.ReplyTakenByOther {
				return r, v, x
			}
		}
	}
	t.Fatalf("no seed of 0-9 of %s shows a reply taken by another task", violatingScenario)
	return nil, verdict.Verdict{}, properties.Violation{}
}

// render writes the report of r with opts.
func render(t *testing.T, r *scenario.Run, v verdict.Verdict, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, v, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// timelineRows returns the message rows of the session with the given
// id, in order.
func timelineRows(t *testing.T, doc *node, id string) []*node {
	t.Helper()
	s := doc.byID(id)
	if s == nil {
		t.Fatalf("no session %s in the timeline", id)
	}
	return s.byClass("tr", "msg")
}

// rowSpan returns a row's offset and length.
func rowSpan(t *testing.T, r *node) (int64, int64) {
	t.Helper()
	cs := r.cells()
	off, err1 := strconv.ParseInt(cs[4].text(), 10, 64)
	n, err2 := strconv.ParseInt(cs[5].text(), 10, 64)
	if err1 != nil || err2 != nil || strconv.FormatInt(off, 10) != r.attrs["data-off"] {
		t.Fatalf("row %s: offset %q, length %q, data-off %q", r.attrs["id"], cs[4].text(), cs[5].text(), r.attrs["data-off"])
	}
	return off, n
}

func TestReportSections(t *testing.T) {
	r, v, _ := violatingRun(t)
	doc := parseHTML(t, render(t, r, v, Options{}))
	var order []string
	for _, s := range doc.all(func(n *node) bool { return n.tag == "section" }) {
		order = append(order, s.attrs["id"])
	}
	if want := []string{"verdict", "timeline", "history", "schedule"}; !slices.Equal(order, want) {
		t.Fatalf("sections %v, want %v", order, want)
	}
	vs := doc.byID("verdict")
	props := vs.byClass("tr", "property")
	if len(props) != len(v.Properties) {
		t.Fatalf("%d property rows, want %d", len(props), len(v.Properties))
	}
	for i, p := range v.Properties {
		cs := props[i].cells()
		if cs[0].text() != p.Property || cs[1].text() != p.Status.String() || !props[i].hasClass(p.Status.String()) ||
			cs[2].text() != strconv.Itoa(len(p.Violations)) {
			t.Errorf("property row %d = %q, want %s %s %d", i, props[i].text(), p.Property, p.Status, len(p.Violations))
		}
		if f := p.First(); f != nil && !strings.Contains(cs[3].text(), strings.Join(strings.Fields(f.String()), " ")) {
			t.Errorf("property %s: first violation %q not shown in %q", p.Property, f, cs[3].text())
		}
	}
	text := vs.text()
	for _, want := range []string{fmt.Sprintf("%016x", v.TraceHash), "simulate replay FILE",
		fmt.Sprintf("%d of max_connections %d", v.Peak, v.Limit), "p50 " + v.P50.String(), "p99 " + v.P99.String()} {
		if !strings.Contains(text, want) {
			t.Errorf("verdict section lacks %q", want)
		}
	}
	for _, sy := range v.SymptomOrder() {
		if !strings.Contains(text, fmt.Sprintf("%s × %d", sy, v.Symptoms[sy])) {
			t.Errorf("verdict section lacks symptom %q × %d", sy, v.Symptoms[sy])
		}
	}
	if len(v.SymptomOrder()) == 0 {
		t.Errorf("the violating run shows no symptom")
	}
	iframes := doc.byID("history").all(func(n *node) bool { return n.tag == "iframe" })
	if len(iframes) != 1 || !strings.Contains(iframes[0].attrs["srcdoc"], "<html") ||
		!strings.Contains(iframes[0].attrs["srcdoc"], "task gunicorn/worker#1/main") {
		t.Errorf("history: want one iframe with porcupine's document, got %d", len(iframes))
	}
}

// The schedule the report carries replays the run.
func TestEmbeddedScheduleReplays(t *testing.T) {
	r, v, _ := violatingRun(t)
	doc := parseHTML(t, render(t, r, v, Options{}))
	links := doc.byClass("a", "download")
	if len(links) != 1 {
		t.Fatalf("%d schedule links, want 1", len(links))
	}
	href := links[0].attrs["href"]
	text, ok := strings.CutPrefix(href, "data:text/plain;charset=utf-8,")
	if !ok {
		t.Fatalf("schedule link %.60q is not a text data URL", href)
	}
	text, err := url.PathUnescape(text)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := sim.ReadSchedule(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	again := scenario.Execute(r.Scenario, sim.Replay(sch), r.Options)
	if again.Hash() != r.Hash() {
		t.Errorf("replay of the embedded schedule: hash %016x, want %016x", again.Hash(), r.Hash())
	}
}

// Every protocol-interleaving violation is on the row of its message,
// which is marked interleaved and names the tasks involved.
func TestTimelineMarksEveryViolation(t *testing.T) {
	r, v, _ := violatingRun(t)
	doc := parseHTML(t, render(t, r, v, Options{}))
	ids := map[string]string{}
	for i, s := range r.Truth.Sessions {
		ids[s.Name()] = fmt.Sprintf("s%d", i+1)
	}
	vs := interleavingViolations(v)
	if len(vs) == 0 {
		t.Fatal("no interleaving violation")
	}
	for _, x := range vs {
		dir := dirFrontend
		if x.Kind == properties.ReplyTakenByOther {
			dir = dirBackend
		}
		var found *node
		for _, row := range timelineRows(t, doc, ids[x.Session]) {
			off, n := rowSpan(t, row)
			if row.attrs["data-dir"] == dir && off <= x.Offset && x.Offset < off+max(n, 1) {
				found = row
				break
			}
		}
		if found == nil {
			t.Errorf("%s: no %s row holds offset %d", x, dir, x.Offset)
			continue
		}
		if !found.hasClass("interleaved") {
			t.Errorf("%s: row %s is not marked interleaved", x, found.attrs["id"])
		}
		marks := found.all(func(n *node) bool { return n.attrs["data-kind"] == x.Kind })
		if len(marks) == 0 || !marks[0].hasClass("interleaved") || !strings.Contains(marks[0].text(), x.Kind) {
			t.Errorf("%s: row %s has no visible %q mark", x, found.attrs["id"], x.Kind)
		}
		for _, task := range x.Tasks {
			if !strings.Contains(found.text(), task) {
				t.Errorf("%s: row %s does not name task %s", x, found.attrs["id"], task)
			}
		}
	}
}

// Every interleaved row is one: a backend message some task other than
// its request's owner parsed, or a frontend message with two writers or a
// violation of its own.
func TestTimelineMarksOnlyInterleavings(t *testing.T) {
	r, v, _ := violatingRun(t)
	doc := parseHTML(t, render(t, r, v, Options{}))
	marked := 0
	for _, row := range doc.byClass("tr", "interleaved") {
		marked++
		cs := row.cells()
		switch row.attrs["data-dir"] {
		case dirBackend:
			owners, readers := cs[8].tasks(), cs[7].tasks()
			if len(owners) != 1 || !slices.ContainsFunc(readers, func(p string) bool { return p != owners[0] }) {
				t.Errorf("backend row %s marked interleaved: owner %v, readers %v", row.attrs["id"], owners, readers)
			}
		case dirFrontend:
			if len(cs[6].tasks()) < 2 && len(row.all(func(n *node) bool {
				return n.attrs["data-kind"] == properties.RequestWhileOutstanding
			})) == 0 {
				t.Errorf("frontend row %s marked interleaved with one writer and no violation", row.attrs["id"])
			}
		default:
			t.Errorf("row %s of direction %q marked interleaved", row.attrs["id"], row.attrs["data-dir"])
		}
	}
	if marked == 0 {
		t.Error("no row marked interleaved")
	}
}

// The timeline holds every message of the ground truth: each frontend
// message with its writers, and backend messages tiling the bytes the
// backend wrote, in the order of the steps they were written at.
func TestTimelineMatchesGroundTruth(t *testing.T) {
	r, v, _ := violatingRun(t)
	doc := parseHTML(t, render(t, r, v, Options{MessagesPerSession: -1}))
	for i, s := range r.Truth.Sessions {
		rows := timelineRows(t, doc, fmt.Sprintf("s%d", i+1))
		var front []fakepg.MessageTruth
		front = append(front, s.Startup...)
		for _, rq := range s.Requests {
			front = append(front, rq.Messages...)
		}
		var next int64
		fi, lastStep := 0, -1
		for _, row := range rows {
			cs := row.cells()
			off, n := rowSpan(t, row)
			step, err := strconv.Atoi(cs[1].text())
			if err != nil || step < lastStep {
				t.Errorf("row %s: step %q after step %d", row.attrs["id"], cs[1].text(), lastStep)
			}
			lastStep = step
			switch row.attrs["data-dir"] {
			case dirFrontend:
				if fi >= len(front) {
					t.Fatalf("session %d: more frontend rows than messages (%d)", i+1, len(front))
				}
				m := front[fi]
				fi++
				var want []string
				for _, tk := range sim.SpanTasks(m.Writers) {
					want = append(want, tk.Path())
				}
				if off != m.Off || n != int64(m.Len) || !slices.Equal(cs[6].tasks(), want) {
					t.Errorf("frontend row %s: [%d+%d] by %v, want [%d+%d] by %v", row.attrs["id"], off, n, cs[6].tasks(), m.Off, m.Len, want)
				}
			case dirBackend:
				if off != next {
					t.Errorf("backend row %s at offset %d, want %d", row.attrs["id"], off, next)
				}
				next = off + n
			}
		}
		if fi != len(front) {
			t.Errorf("session %d: %d frontend rows, want %d", i+1, fi, len(front))
		}
		if w := (runParts{wires: r.Database.Sessions}).wire(s.Inbound); w == nil || next != int64(len(w.Out)) {
			t.Errorf("session %d: backend rows end at %d, the backend wrote %d bytes", i+1, next, len(w.Out))
		}
	}
}

// A capped timeline keeps every marked message and says what it left out.
func TestTimelineCap(t *testing.T) {
	r, v, _ := violatingRun(t)
	full := parseHTML(t, render(t, r, v, Options{MessagesPerSession: -1}))
	capped := parseHTML(t, render(t, r, v, Options{MessagesPerSession: 10}))
	if len(capped.byClass("p", "elided")) == 0 || len(capped.byClass("tr", "gap")) == 0 {
		t.Fatal("a timeline cut to 10 messages per session says nothing of the cut")
	}
	if len(full.byClass("tr", "gap")) != 0 {
		t.Fatal("an uncapped timeline has gaps")
	}
	for _, row := range full.byClass("tr", "msg") {
		if len(row.byClass("div", "mark")) > 0 && capped.byID(row.attrs["id"]) == nil {
			t.Errorf("marked row %s left out of the capped timeline", row.attrs["id"])
		}
	}
	gapped := 0
	gap := regexp.MustCompile(`… (\d+) messages not shown …`)
	for _, g := range capped.byClass("tr", "gap") {
		m := gap.FindStringSubmatch(g.text())
		if m == nil {
			t.Fatalf("gap row %q", g.text())
		}
		k, _ := strconv.Atoi(m[1])
		gapped += k
	}
	if got, want := len(capped.byClass("tr", "msg"))+gapped, len(full.byClass("tr", "msg")); got != want {
		t.Errorf("capped: shown + gaps = %d messages, want %d", got, want)
	}
}

// The schedule table highlights exactly the non-zero choices.
func TestScheduleHighlightsDelays(t *testing.T) {
	r, v, _ := violatingRun(t)
	sch := r.Schedule()
	for _, limit := range []int{0, 50} {
		doc := parseHTML(t, render(t, r, v, Options{ScheduleRows: limit}))
		table := doc.byID("schedule").byClass("table", "schedule")
		if len(table) != 1 {
			t.Fatalf("%d schedule tables", len(table))
		}
		rows := table[0].all(func(n *node) bool { return n.tag == "tr" && n.attrs["class"] != "" })
		want := len(sch.Decisions)
		if limit > 0 {
			want = limit
		}
		if len(rows) != want {
			t.Fatalf("limit %d: %d schedule rows, want %d", limit, len(rows), want)
		}
		delays := 0
		for i, row := range rows {
			c := sch.Decisions[i]
			cs := row.cells()
			if !strings.HasPrefix(cs[2].text(), fmt.Sprintf("%d/%d", c.Choice, c.N)) || cs[1].text() != c.Kind.String() ||
				row.hasClass("delay") != (c.Choice != 0) || (c.Task != "" && !slices.Equal(cs[3].tasks(), []string{c.Task})) {
				t.Errorf("schedule row %d = %q (class %q), want %s %d/%d %s", i, row.text(), row.attrs["class"], c.Kind, c.Choice, c.N, c.Task)
			}
			if row.hasClass("delay") {
				delays++
			}
		}
		if delays == 0 {
			t.Errorf("limit %d: no decision highlighted", limit)
		}
		if hidden := len(doc.byID("schedule").byClass("p", "elided")) > 0; hidden != (limit > 0) {
			t.Errorf("limit %d: note of hidden decisions shown %v", limit, hidden)
		}
	}
}

// The report is one file: nothing refers to another resource.
func TestSelfContained(t *testing.T) {
	r, v, _ := violatingRun(t)
	html := render(t, r, v, Options{})
	for _, u := range regexp.MustCompile(`(?i)(https?|ftp|wss?)://[^\s"'<>)\\&]*`).FindAllString(html, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the report refers to %s", u)
		}
	}
	doc := parseHTML(t, html)
	for _, n := range doc.all(func(n *node) bool { return n.attrs["src"] != "" || n.tag == "link" || n.tag == "object" }) {
		t.Errorf("element <%s> loads a resource", n.tag)
	}
	for _, a := range doc.all(func(n *node) bool { return n.tag == "a" }) {
		if h := a.attrs["href"]; !strings.HasPrefix(h, "#") && !strings.HasPrefix(h, "data:text/plain") {
			t.Errorf("link to %q", h)
		}
	}
	for _, f := range doc.all(func(n *node) bool { return n.tag == "iframe" }) {
		if inner := f.attrs["srcdoc"]; regexp.MustCompile(`<(script|img|link)[^>]*\ssrc=|<link\s|@import`).MatchString(inner) {
			t.Errorf("porcupine's document loads a resource")
		}
	}
}

// The same run gives the same bytes; another run gives others.
func TestDeterministic(t *testing.T) {
	r1, v1, _ := violatingRun(t)
	r2, v2 := runSeed(t, violatingScenario, r1.Options.Seed)
	a, b := render(t, r1, v1, Options{}), render(t, r2, v2, Options{})
	if a != b {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		t.Fatalf("two runs of seed %d give different reports; first difference at byte %d: %.80q vs %.80q",
			r1.Options.Seed, i, a[i:], b[i:])
	}
	if again := render(t, r1, v1, Options{}); again != a {
		t.Fatal("writing the report twice gives different bytes")
	}
	r3, v3 := runSeed(t, violatingScenario, r1.Options.Seed+1)
	if render(t, r3, v3, Options{}) == a {
		t.Fatal("runs of two seeds give the same report")
	}
}

// A client's parse of bytes from the middle of a server message is shown
// where it happened, marked misframed.
func TestMisframedParse(t *testing.T) {
	for seed := range uint64(10) {
		r, v := runSeed(t, "threads-libpq-shared", seed)
		s := r.Truth.Sessions[0]
		out := (runParts{wires: r.Database.Sessions}).wire(s.Inbound).Out
		var want []fakepg.ConsumedMessage
		for _, c := range r.ClientTruth.Messages {
			if c.Stream == s.Outbound && len(c.Ranges) > 0 && out[c.Ranges[0].Off] != c.Type {
				want = append(want, c)
			}
		}
		if len(want) == 0 {
			continue
		}
		doc := parseHTML(t, render(t, r, v, Options{}))
		rows := doc.byClass("tr", "misframed")
		for _, c := range want {
			found := false
			for _, row := range rows {
				off, _ := rowSpan(t, row)
				if off == c.Ranges[0].Off && slices.Equal(row.cells()[7].tasks(), []string{c.Task.Path()}) &&
					row.attrs["data-dir"] == dirClient && len(row.all(func(n *node) bool { return n.attrs["data-kind"] == Misframed })) == 1 {
					found = true
				}
			}
			if !found {
				t.Errorf("seed %d: %s's parse of type %s at offset %d not marked misframed", seed, c.Task.Path(), typeByte(c.Type), c.Ranges[0].Off)
			}
		}
		return
	}
	t.Fatal("no seed of 0-9 of threads-libpq-shared has a client parse bytes out of frame")
}

func TestNeedsEvents(t *testing.T) {
	s, err := scenario.Lookup(violatingScenario)
	if err != nil {
		t.Fatal(err)
	}
	r := scenario.RunSeed(s, 0)
	err = WriteHTML(&bytes.Buffer{}, r, verdict.Judge(r, verdict.Options{}))
	if !errors.Is(err, ErrNoEvents) {
		t.Fatalf("report of a run without events: %v, want ErrNoEvents", err)
	}
}

func TestSplitBackend(t *testing.T) {
	var out []byte
	out = append(out, 'N')                         // SSL refused
	out = append(out, 'R', 0, 0, 0, 8, 0, 0, 0, 0) // AuthenticationOk
	out = append(out, 'Z', 0, 0, 0, 5, 'I')        // ReadyForQuery
	out = append(out, 'E', 0, 0, 0, 2, 'x')        // impossible length
	msgs := splitBackend(out, 1)
	want := []wireMessage{
		{Off: 0, Len: 1, Type: 'N', Name: "SSL refused"},
		{Off: 1, Len: 9, Type: 'R', Name: "Authentication"},
		{Off: 10, Len: 6, Type: 'Z', Name: "ReadyForQuery"},
		{Off: 16, Len: 6, Type: 'E', Name: "ErrorResponse", Bad: true},
	}
	if !slices.Equal(msgs, want) {
		t.Fatalf("splitBackend = %+v, want %+v", msgs, want)
	}
	short := splitBackend([]byte{'T', 0, 0, 0, 40, 0, 1}, 0)
	if len(short) != 1 || !short[0].Short || short[0].Len != 7 || short[0].Name != "RowDescription" {
		t.Fatalf("a message cut short: %+v", short)
	}
}

// A run that could not start gets a report of its error.
func TestReportOfRunNotStarted(t *testing.T) {
	s, err := scenario.Lookup(violatingScenario)
	if err != nil {
		t.Fatal(err)
	}
	s.Engine.Driver = "no-such-driver" // Lookup parses a fresh copy
	r := scenario.Execute(s, sim.Random(0), scenario.Options{KeepEvents: true})
	if r.Err == nil {
		t.Fatal("a scenario with an unknown driver started")
	}
	doc := parseHTML(t, render(t, r, verdict.Judge(r, verdict.Options{}), Options{}))
	if line := doc.byClass("p", "error"); len(line) != 1 || !strings.Contains(line[0].text(), r.Err.Error()) {
		t.Errorf("the report does not say why the run did not start (%v)", r.Err)
	}
	if len(doc.byClass("tr", "msg")) != 0 {
		t.Error("a run that did not start has timeline rows")
	}
}

// Sessions without a mark beyond the cap are left out, and the report
// says how many.
func TestSessionCap(t *testing.T) {
	r, v := runSeed(t, "gthread-nullpool", 0)
	total := len(r.Truth.Sessions)
	if total < 4 {
		t.Fatalf("gthread-nullpool opened %d sessions; the test needs 4", total)
	}
	doc := parseHTML(t, render(t, r, v, Options{Sessions: 2}))
	if got := len(doc.byClass("div", "session")); got != 2 {
		t.Errorf("%d sessions shown, want 2", got)
	}
	note := doc.byClass("p", "omitted")
	if want := fmt.Sprintf("%d of %d sessions", total-2, total); len(note) != 1 || !strings.Contains(note[0].text(), want) {
		t.Errorf("no note saying %q", want)
	}
	if all := parseHTML(t, render(t, r, v, Options{Sessions: -1})); len(all.byClass("div", "session")) != total {
		t.Errorf("uncapped: %d sessions shown, want %d", len(all.byClass("div", "session")), total)
	}
}
