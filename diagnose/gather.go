package diagnose

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
)

// GatherOptions say which runs Gather makes.
type GatherOptions struct {
	// Runs is the number of seeds (1 to Runs) per split policy.
	Runs int
	// Splits are the split policies each seed runs under ("" is the
	// scenario's own); nil means the scenario's own, then "bytes" (reads
	// cut anywhere, as a loaded TCP stream may), which libpq's framing
	// errors need. A policy equal to the scenario's own runs once.
	Splits []string
	// Parallel is the number of runs made at once; 0 means GOMAXPROCS.
	// Runs are independent worlds: the result does not depend on it.
	Parallel int
	// Judge are the verdict's options; nil judges without the
	// linearizability check (porcupine), which no text depends on.
	Judge *verdict.Options
}

// Gather runs each scenario over seeds 1 to runs, under its own split
// policy and under "bytes", judges each run, and collects which templates
// the runs produced (in operations' and requests' errors and in log
// lines), the first run showing each as a `simulate run NAME --seed N`
// command, and for each template never seen a sampled proof at the
// scenario's size.
func Gather(scenarios []*scenario.Scenario, runs int) []Design {
	return GatherWith(scenarios, GatherOptions{Runs: runs})
}

// GatherWith is Gather with its options.
func GatherWith(scenarios []*scenario.Scenario, opts GatherOptions) []Design {
	judge := verdict.Options{SkipLinearizability: true}
	if opts.Judge != nil {
		judge = *opts.Judge
	}
	type job struct {
		s     int
		split string
		seed  uint64
	}
	var jobs []job
	splits := make([][]string, len(scenarios))
	for i, s := range scenarios {
		splits[i] = splitsFor(s, opts.Splits)
		for _, sp := range splits[i] {
			for seed := uint64(1); seed <= uint64(opts.Runs); seed++ {
				jobs = append(jobs, job{i, sp, seed})
			}
		}
	}
	results := make([]runResult, len(jobs))
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range min(parallel, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(jobs) {
					return
				}
				j := jobs[k]
				results[k] = runOne(scenarios[j.s], j.split, j.seed, judge)
			}
		}()
	}
	wg.Wait()

	designs := make([]Design, len(scenarios))
	for i, s := range scenarios {
		designs[i] = Design{Name: s.Name, Summary: s.Summary, Size: Size(s), Produces: map[string]int{},
			Examples: map[string]string{}, Violated: map[string]int{}}
	}
	for k, j := range jobs {
		d, res := &designs[j.s], results[k]
		if res.err != "" {
			d.Err = res.err
			continue
		}
		d.Schedules++
		for _, p := range res.violated {
			d.Violated[p]++
		}
		if len(res.templates) == 0 {
			continue
		}
		sh := Shown{Replay: ReplayCommand(scenarios[j.s], j.seed, j.split)}
		for _, m := range res.templates {
			sh.Templates = append(sh.Templates, m.Template)
			if d.Produces[m.Template] == 0 {
				d.Examples[m.Template] = m.Examples[0]
			}
			d.Produces[m.Template] += m.Count
		}
		d.Shown = append(d.Shown, sh)
		if d.Replay == "" || len(sh.Templates) > len(bestShown(d).Templates) {
			d.Replay = sh.Replay
		}
	}
	for i, s := range scenarios {
		d := &designs[i]
		if d.Err != "" || d.Schedules == 0 {
			continue
		}
		how := fmt.Sprintf("seeds 1-%d, split %s", opts.Runs, strings.Join(splitNames(s, splits[i]), " and "))
		for _, t := range table {
			if d.Produces[t.Format] == 0 {
				d.AddProof(SampledProof(t.Format, d.Size, d.Schedules, how))
			}
		}
	}
	return designs
}

// bestShown is the run d.Replay names.
func bestShown(d *Design) Shown {
	for _, sh := range d.Shown {
		if sh.Replay == d.Replay {
			return sh
		}
	}
	return Shown{}
}

// splitsFor returns the split policies s runs under, without repeats.
func splitsFor(s *scenario.Scenario, splits []string) []string {
	if splits == nil {
		splits = []string{"", "bytes"}
	}
	var out []string
	seen := map[string]bool{} // lookup only
	for _, sp := range splits {
		eff := sp
		if eff == "" {
			eff = s.Run.Split
		}
		if !seen[eff] {
			seen[eff] = true
			out = append(out, sp)
		}
	}
	return out
}

// splitNames names the policies of splits as they run for s.
func splitNames(s *scenario.Scenario, splits []string) []string {
	var out []string
	for _, sp := range splits {
		if sp == "" {
			sp = s.Run.Split
		}
		out = append(out, sp)
	}
	return out
}

// runResult is what one run showed.
type runResult struct {
	templates []Match
	violated  []string
	err       string
}

// runOne runs s with seed under split, judges it and matches what the
// application saw against the templates.
func runOne(s *scenario.Scenario, split string, seed uint64, judge verdict.Options) runResult {
	c := *s
	if split != "" {
		c.Run.Split = split
	}
	r := scenario.RunSeed(&c, seed)
	if r.Err != nil {
		return runResult{err: r.Err.Error()}
	}
	v := verdict.Judge(r, judge)
	ev := RunEvidence(r)
	return runResult{templates: ev.Matches, violated: v.Violations()}
}

// RunEvidence is the evidence of a finished run: its operations' and
// requests' errors (each as "Class: message") and its application log,
// parsed as a log file is.
func RunEvidence(r *scenario.Run) *Evidence {
	var texts []string
	for _, op := range r.Ops() {
		if op.Err != "" {
			texts = append(texts, op.ErrClass+": "+op.Err)
		}
	}
	for _, rq := range r.Requests() {
		if rq.Err != "" {
			texts = append(texts, rq.Err)
		}
	}
	ev, _ := Parse(texts, strings.NewReader(r.Log.String()))
	return ev
}
