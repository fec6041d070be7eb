package sim

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ScheduleVersion is the format version written in schedule files.
const ScheduleVersion = 1

// Choice is one recorded decision: option Choice of N options of a kind.
// For a run decision, Task is the path of the task the choice ran (empty
// when unknown, as in files written without it).
type Choice struct {
	Kind   Kind
	Choice int
	N      int
	Task   string
}

// fits reports whether a recorded choice answers decision d: the same
// kind, the same number of options, and, when the recorded task is known,
// the same task behind the chosen option. It returns why not.
func (c Choice) fits(d Decision) (bool, string) {
	if c.Kind != d.Kind || c.N != d.N {
		return false, fmt.Sprintf("recorded %s %d/%d, the run offers %s with %d options", c.Kind, c.Choice, c.N, d.Kind, d.N)
	}
	if c.Task != "" {
		if t := d.Task(c.Choice); t != nil && t.path != c.Task {
			return false, fmt.Sprintf("recorded run %d/%d for task %s, the run's option %d is task %s", c.Choice, c.N, c.Task, c.Choice, t.path)
		}
	}
	return true, ""
}

// runTasks records the IDs of the tasks run decisions chose.
type runTasks struct {
	chunks[int32]
}

// paths fills in the Task of every run decision of cs.
func (r *runTasks) paths(w *World, cs []Choice) {
	ids := r.all()
	for j := range cs {
		if cs[j].Kind == RunDecision {
			cs[j].Task, ids = w.taskName(int(ids[0])), ids[1:]
		}
	}
}

// choiceLog records decisions compactly, in fixed-size chunks so that
// recording never copies what was recorded before. A decision with fewer
// than 256 options is three bytes: kind, options, choice. A larger one is
// the kind with its high bit set, then options and choice as uvarints.
type choiceLog struct {
	full [][]byte // filled chunks
	cur  []byte   // the chunk being filled
	n    int      // decisions recorded
}

const (
	choiceChunk = 64 << 10 // the largest chunk
	wideChoice  = 0x80
)

func (l *choiceLog) add(kind Kind, choice, n int) {
	if n < 256 && len(l.cur)+3 <= cap(l.cur) {
		l.cur = append(l.cur, byte(kind), byte(n), byte(choice)) // the common case
		l.n++
		return
	}
	l.addSlow(kind, choice, n)
}

func (l *choiceLog) addSlow(kind Kind, choice, n int) {
	if len(l.cur)+1+2*binary.MaxVarintLen64 > cap(l.cur) {
		size := 1 << 10 // short runs stay small; long ones reach 64 KB chunks
		if l.cur != nil {
			l.full = append(l.full, l.cur)
			size = min(2*cap(l.cur), choiceChunk)
		}
		l.cur = make([]byte, 0, size)
	}
	if n < 256 {
		l.cur = append(l.cur, byte(kind), byte(n), byte(choice))
	} else {
		l.cur = append(l.cur, byte(kind)|wideChoice)
		l.cur = binary.AppendUvarint(l.cur, uint64(n))
		l.cur = binary.AppendUvarint(l.cur, uint64(choice))
	}
	l.n++
}

func (l *choiceLog) all() []Choice {
	out := make([]Choice, 0, l.n)
	for _, c := range append(l.full[:len(l.full):len(l.full)], l.cur) {
		for len(c) > 0 {
			if c[0]&wideChoice == 0 {
				out = append(out, Choice{Kind: Kind(c[0]), N: int(c[1]), Choice: int(c[2])})
				c = c[3:]
				continue
			}
			n, k := binary.Uvarint(c[1:])
			choice, m := binary.Uvarint(c[1+k:])
			out = append(out, Choice{Kind: Kind(c[0] &^ wideChoice), N: int(n), Choice: int(choice)})
			c = c[1+k+m:]
		}
	}
	return out
}

// Param is one named scenario parameter in a schedule's header.
type Param struct {
	Key, Value string
}

// Schedule is the list of decisions of one run, with a header naming what
// was run. Replaying it reproduces the run without the strategy that made
// it.
//
// Its text form (the file a failing run leaves behind):
//
//	poolsim-schedule 1
//	scenario two-writers
//	param clients=2
//	split writes
//	build github.com/poolsim/poolsim@v0.3.0 vcs 4f1c9e0d2b7a dirty
//	hash 9f3c2a61b0e4d5c7
//	decisions 3
//	run 1/2
//	split 0/3
//	timer 1/2
//
// Lines starting with # and blank lines are ignored. The param lines are
// the scenario's parameters. The split line names the world's split policy
// ("writes" or "bytes"); it is always written, and a file without one reads
// as SplitWrites. A "split" line whose argument contains a slash is a
// decision, any other is the policy. The build line names the binary that
// recorded the run (see BuildID) and the hash line the trace hash of the
// recorded run; both are optional. Each decision line is
// "kind choice/options".
type Schedule struct {
	Scenario string
	Params   []Param
	// Split is the split policy of the recorded world; SplitSet says
	// whether the schedule stated it (a file without a split line reads as
	// SplitWrites with SplitSet false).
	Split    SplitPolicy
	SplitSet bool
	// Build identifies the binary that recorded the run, as BuildID
	// returns it; empty if unknown.
	Build     string
	Hash      uint64 // trace hash of the recorded run; 0 if unknown
	Decisions []Choice
}

// Schedule returns the decisions taken so far, as a schedule whose header
// holds the world's split policy, the running build and the trace hash so
// far; the scenario and its parameters are left for the caller to fill.
func (w *World) Schedule() *Schedule {
	cs := w.choices.all()
	w.chosen.paths(w, cs)
	return &Schedule{Split: w.split, SplitSet: true, Build: BuildID(),
		Hash: w.trace.Hash(), Decisions: cs}
}

// Param returns the value of the named parameter and whether it is set.
func (s *Schedule) Param(key string) (string, bool) {
	for _, p := range s.Params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// WriteTo writes the schedule's text form.
func (s *Schedule) WriteTo(out io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "poolsim-schedule %d\n", ScheduleVersion)
	if s.Scenario != "" {
		fmt.Fprintf(&b, "scenario %s\n", s.Scenario)
	}
	for _, p := range s.Params {
		fmt.Fprintf(&b, "param %s=%s\n", p.Key, p.Value)
	}
	fmt.Fprintf(&b, "split %s\n", s.Split)
	if s.Build != "" {
		fmt.Fprintf(&b, "build %s\n", s.Build)
	}
	if s.Hash != 0 {
		fmt.Fprintf(&b, "hash %016x\n", s.Hash)
	}
	fmt.Fprintf(&b, "decisions %d\n", len(s.Decisions))
	for _, c := range s.Decisions {
		if c.Task != "" {
			fmt.Fprintf(&b, "%s %d/%d %s\n", c.Kind, c.Choice, c.N, c.Task)
		} else {
			fmt.Fprintf(&b, "%s %d/%d\n", c.Kind, c.Choice, c.N)
		}
	}
	n, err := io.WriteString(out, b.String())
	return int64(n), err
}

// String returns the schedule's text form.
func (s *Schedule) String() string {
	var b strings.Builder
	s.WriteTo(&b)
	return b.String()
}

// ReadSchedule parses a schedule's text form. Errors name the line.
func ReadSchedule(in io.Reader) (*Schedule, error) {
	s := &Schedule{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line, count, sawHeader := 0, -1, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		word, rest, _ := strings.Cut(text, " ")
		rest = strings.TrimSpace(rest)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("schedule line %d: %s", line, fmt.Sprintf(format, args...))
		}
		if !sawHeader {
			if word != "poolsim-schedule" {
				return nil, bad("want \"poolsim-schedule %d\", got %q", ScheduleVersion, text)
			}
			if v, err := strconv.Atoi(rest); err != nil || v != ScheduleVersion {
				return nil, bad("unsupported schedule version %q (this build reads %d)", rest, ScheduleVersion)
			}
			sawHeader = true
			continue
		}
		switch word {
		case "scenario":
			s.Scenario = rest
		case "param":
			k, v, ok := strings.Cut(rest, "=")
			if !ok || k == "" {
				return nil, bad("want \"param key=value\", got %q", text)
			}
			s.Params = append(s.Params, Param{Key: k, Value: v})
		case "build":
			if rest == "" {
				return nil, bad("want \"build module@version [vcs revision] [dirty]\", got %q", text)
			}
			s.Build = rest
		case "split":
			if strings.Contains(rest, "/") {
				c, err := parseChoice(SplitDecision, rest)
				if err != nil {
					return nil, bad("%v, got %q", err, text)
				}
				s.Decisions = append(s.Decisions, c)
				break
			}
			p, err := ParseSplitPolicy(rest)
			if err != nil {
				return nil, bad("%v", err)
			}
			s.Split, s.SplitSet = p, true
		case "hash":
			h, err := strconv.ParseUint(rest, 16, 64)
			if err != nil {
				return nil, bad("bad hash %q", rest)
			}
			s.Hash = h
		case "decisions":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 {
				return nil, bad("bad decision count %q", rest)
			}
			count = n
		default:
			kind, ok := parseKind(word)
			if !ok {
				return nil, bad("unknown line %q", text)
			}
			c, err := parseChoice(kind, rest)
			if err != nil {
				return nil, bad("%v, got %q", err, text)
			}
			s.Decisions = append(s.Decisions, c)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !sawHeader {
		return nil, fmt.Errorf("schedule: empty input (want \"poolsim-schedule %d\")", ScheduleVersion)
	}
	if count >= 0 && count != len(s.Decisions) {
		return nil, fmt.Errorf("schedule: header says %d decisions, file has %d", count, len(s.Decisions))
	}
	return s, nil
}

// parseChoice parses the "choice/options [task path]" of a decision line of
// kind.
func parseChoice(kind Kind, text string) (Choice, error) {
	text, task, _ := strings.Cut(text, " ")
	task = strings.TrimSpace(task)
	if task != "" && kind != RunDecision {
		return Choice{}, fmt.Errorf("want \"%s choice/options\": only run decisions name a task", kind)
	}
	cs, ns, ok := strings.Cut(text, "/")
	c, err1 := strconv.Atoi(cs)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 2 || c < 0 || c >= n {
		return Choice{}, fmt.Errorf("want \"%s choice/options\" with 0 <= choice < options and options >= 2", kind)
	}
	return Choice{Kind: kind, Choice: c, N: n, Task: task}, nil
}

// ReplayStrategy takes its decisions from a schedule.
type ReplayStrategy struct {
	s      *Schedule
	next   int
	reason string
}

// Replay returns a strategy that replays s decision by decision. When a
// decision asked of it does not match the recorded kind and option count,
// or the schedule runs out, the run ends as Diverged with "schedule
// diverged at step N".
func Replay(s *Schedule) *ReplayStrategy { return &ReplayStrategy{s: s} }

// Choose returns the next recorded choice, or -1 when it does not fit d.
func (r *ReplayStrategy) Choose(d Decision) int {
	if r.next >= len(r.s.Decisions) {
		r.reason = fmt.Sprintf("the schedule has %d decisions, the run asks for another (%s of %d options)",
			len(r.s.Decisions), d.Kind, d.N)
		return -1
	}
	c := r.s.Decisions[r.next]
	if ok, why := c.fits(d); !ok {
		r.reason = why
		return -1
	}
	r.next++
	return c.Choice
}

// Divergence explains the last invalid choice.
func (r *ReplayStrategy) Divergence() string { return r.reason }

// Remaining returns the number of recorded decisions not yet replayed. A
// replay that completes with decisions remaining did not follow the
// recorded run all the way; Check reports that.
func (r *ReplayStrategy) Remaining() int { return len(r.s.Decisions) - r.next }

// Check compares a finished replay with its schedule: it returns an error
// when decisions were left over or the recorded hash (if any) differs from
// the replayed trace's hash.
func (r *ReplayStrategy) Check(w *World) error {
	if n := r.Remaining(); n > 0 {
		return &DivergenceError{Step: w.Step(), Decision: r.next,
			Reason: fmt.Sprintf("the run ended with %d recorded decisions left", n)}
	}
	if r.s.Hash != 0 && r.s.Hash != w.Trace().Hash() {
		return fmt.Errorf("replay finished with trace hash %016x, the schedule recorded %016x", w.Trace().Hash(), r.s.Hash)
	}
	return nil
}
