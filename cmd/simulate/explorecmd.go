package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/verdict"
)

func init() {
	register(command{name: "explore", args: "SCENARIO|FILE [flags]",
		summary: "search schedules until something breaks; shrink it and save it", run: cmdExplore})
}

// props collects repeated --property flags.
type props []string

func (p *props) String() string     { return strings.Join(*p, ", ") }
func (p *props) Set(v string) error { *p = append(*p, v); return nil }

func cmdExplore(e *env, args []string) int {
	fs := newFlags(e, "explore", "SCENARIO|FILE [flags]",
		"Explores schedules of a scenario (schedule seeds from --from, workload seed --seed) with a random, PCT or\n"+
			"rapid-driven strategy, judging every run. It stops at the first violation unless --keep-going, shrinks it\n"+
			"(delta debugging over its non-zero choices), saves its schedule and prints the command that replays it.\n"+
			"--shard K/N explores the K-th of N equal pieces of the seed range (K from 0); simulate merge joins the\n"+
			"--json results of the pieces as if unsharded. Exit 1 when a violation was found, 0 when none.")
	runs := fs.Int("runs", 1000, "schedules to explore (the seed range [from, from+runs) before sharding)")
	budget := fs.Duration("time", 0, "explore for this long instead of --runs (which seeds it reaches depends on the machine)")
	strategy := fs.String("strategy", "random", "random, pct or rapid")
	depth := fs.Int("depth", 3, "PCT's bug depth d")
	wseed := fs.Uint64("seed", 1, "the workload seed (the same for every run)")
	from := fs.Uint64("from", 1, "the first schedule seed")
	parallel := fs.Int("parallel", 1, "explorations run at once (independent worlds; the result does not depend on it)")
	shardFlag := fs.String("shard", "", "explore piece `K/N` of the seed range (K from 0)")
	keepGoing := fs.Bool("keep-going", false, "explore the whole budget and report every violation")
	jsonOut := fs.String("json", "", "write the result as JSON to `FILE` (simulate merge combines shards)")
	save := fs.String("save", "", "save the shrunk counterexample's schedule to `FILE` (default: SCENARIO-seedN.sched)")
	noShrink := fs.Bool("no-shrink", false, "save the counterexample as found, without shrinking it")
	var counted props
	fs.Var(&counted, "property", "count only this property's violations (e.g. \"reply routing\"); repeatable")
	k := addKnobs(fs)
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	s, sh, err := scenarioAndShard(pos, k, *shardFlag)
	if err != nil {
		return usageError(e, "explore: %v", err)
	}
	switch {
	case *runs < 1:
		return usageError(e, "explore: --runs %d: want at least 1", *runs)
	case *parallel < 1:
		return usageError(e, "explore: --parallel %d: want at least 1", *parallel)
	case *depth < 1:
		return usageError(e, "explore: --depth %d: want at least 1", *depth)
	case *strategy != explore.Random && *strategy != explore.PCT && *strategy != explore.Rapid:
		return usageError(e, "explore: --strategy %q: want random, pct or rapid", *strategy)
	case *strategy == explore.Rapid && (*parallel > 1 || sh.n > 1 || *budget > 0):
		return usageError(e, "explore: --strategy rapid runs one rapid check: it takes neither --parallel, --shard nor --time")
	case *budget > 0 && sh.n > 1:
		return usageError(e, "explore: --time and --shard do not go together: shards need a fixed seed range (--runs)")
	}
	tg := explore.Target{Scenario: s, Seed: *wseed, Properties: counted}
	if err := checkProperties(tg, counted); err != nil {
		return usageError(e, "explore: %v", err)
	}
	cfg := explore.Config{Strategy: *strategy, KeepGoing: *keepGoing, Depth: *depth}
	if *strategy == explore.PCT {
		h, err := horizon(tg, *from, *depth)
		if err != nil {
			return usageError(e, "explore: %v", err)
		}
		cfg.Horizon = h
	}
	lo, hi := piece(*from, *from+uint64(*runs), sh.k, sh.n)
	start := time.Now()
	var res explore.Result
	if *strategy == explore.Rapid {
		cfg.Runs = *runs
		res, err = explore.Explore(tg, cfg)
	} else if *budget > 0 {
		res, err = explorePieces(e, tg, cfg, lo, 0, start.Add(*budget), *parallel, start)
	} else {
		res, err = explorePieces(e, tg, cfg, lo, hi, time.Time{}, *parallel, start)
	}
	if e.tty {
		fmt.Fprintf(e.stderr, "\r%70s\r", "")
	}
	if err != nil {
		return usageError(e, "explore: %v", oneLine(err))
	}
	elapsed := time.Since(start)
	fmt.Fprintf(e.stdout, "explored %d schedules of %s (%s, workload seed %d", res.Runs, s.Name, *strategy, *wseed)
	if *strategy != explore.Rapid {
		fmt.Fprintf(e.stdout, ", schedule seeds %d..%d", lo, lo+uint64(res.Runs)-1)
	}
	if sh.n > 1 {
		fmt.Fprintf(e.stdout, ", shard %s", sh)
	}
	fmt.Fprintf(e.stdout, ") in %v: %d violating\n", elapsed.Round(time.Millisecond), len(res.Violations))
	for _, p := range res.Tally {
		if p.Violated > 0 || p.Inconclusive > 0 {
			fmt.Fprintf(e.stdout, "  %s: violated in %d, inconclusive in %d\n", p.Property, p.Violated, p.Inconclusive)
		}
	}
	for _, b := range res.PCT {
		fmt.Fprintf(e.stdout, "  PCT %s\n", b.String())
	}
	if *jsonOut != "" {
		doc := exploreDocOf(s, tg, cfg, *strategy, lo, hi, sh, res)
		if err := writeJSON(*jsonOut, doc); err != nil {
			return usageError(e, "explore: --json: %v", err)
		}
	}
	f := res.First()
	if f == nil {
		return exitOK
	}
	sched := f.Schedule
	fmt.Fprintf(e.stdout, "first violation: schedule seed %d: %s\n", f.Seed, strings.Join(f.Violated, ", "))
	if !*noShrink {
		shrunk, v, st := explore.Shrink(tg, sched)
		if st.Err == "" {
			sched = shrunk
			fmt.Fprintf(e.stdout, "shrunk: %s\n", st.String())
			fmt.Fprint(e.stdout, v.String())
		} else {
			fmt.Fprintf(e.stdout, "not shrunk: %s\n", st.Err)
			fmt.Fprint(e.stdout, f.Verdict.String())
		}
	} else {
		fmt.Fprint(e.stdout, f.Verdict.String())
	}
	path := *save
	if path == "" {
		path = fmt.Sprintf("%s-seed%d.sched", s.Name, f.Seed)
	}
	if err := writeFile(path, func(fh *os.File) error { _, err := sched.WriteTo(fh); return err }); err != nil {
		return usageError(e, "explore: saving the schedule: %v", err)
	}
	fmt.Fprintf(e.stdout, "replay: simulate replay %s\n", path)
	return exitViolation
}

// checkProperties refuses a --property the verdict does not have.
func checkProperties(tg explore.Target, names []string) error {
	if len(names) == 0 {
		return nil
	}
	have := verdict.Names(tg.Verdict)
	for _, n := range names {
		if !slices.Contains(have, n) {
			return fmt.Errorf("--property %q: the verdict has %s", n, strings.Join(have, ", "))
		}
	}
	return nil
}

// horizon measures PCT's horizon once for every piece: twice the run
// decisions of the no-preemption run and of the random run of the first
// seed (explore's own calibration), so the pieces agree.
func horizon(tg explore.Target, from uint64, depth int) (int, error) {
	res, err := explore.Explore(tg, explore.Config{Strategy: explore.PCT, Seeds: [2]uint64{from, from + 1}, Depth: depth})
	if err != nil {
		return 0, err
	}
	return res.Horizon, nil
}

// batch is the number of seeds a worker explores at a time.
const batch = 16

// explorePieces explores the seeds from lo, below hi (hi 0: without end)
// and before the deadline (zero: none), in batches of consecutive seeds,
// parallel batches at once, and merges them in seed order. Without
// KeepGoing no batch after one with a violation is started and the result
// ends at the first violation in seed order, whatever finished first: the
// result of --runs does not depend on parallel.
func explorePieces(e *env, tg explore.Target, cfg explore.Config, lo, hi uint64, deadline time.Time, parallel int, start time.Time) (explore.Result, error) {
	var mu sync.Mutex
	results := map[uint64]explore.Result{} // by batch start
	firstBad := uint64(1<<64 - 1)          // the lowest batch with a violation
	next := lo
	var firstErr error
	runs, viol := 0, 0
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tg := tg
			tg.Parsed = fakepg.NewParseCache() // one per worker: a cache serves one run at a time
			for {
				mu.Lock()
				a := next
				stop := firstErr != nil || (hi != 0 && a >= hi) || (!deadline.IsZero() && !time.Now().Before(deadline)) ||
					(!cfg.KeepGoing && a > firstBad)
				if stop {
					mu.Unlock()
					return
				}
				b := a + batch
				if hi != 0 {
					b = min(b, hi)
				}
				next = b
				mu.Unlock()
				c := cfg
				c.Seeds = [2]uint64{a, b}
				r, err := explore.Explore(tg, c)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				results[a] = r
				runs += r.Runs
				viol += len(r.Violations)
				if len(r.Violations) > 0 {
					firstBad = min(firstBad, a)
				}
				if e.tty {
					el := time.Since(start).Seconds()
					fmt.Fprintf(e.stderr, "\r%d runs, %.0f runs/s, %d violations, %.1fs elapsed ", runs, float64(runs)/max(el, 1e-9), viol, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return explore.Result{}, firstErr
	}
	var starts []uint64
	for a := range results {
		starts = append(starts, a)
	}
	slices.Sort(starts)
	var ordered []explore.Result
	for i, a := range starts {
		if !deadline.IsZero() && i > 0 && starts[i-1]+batch != a {
			break // a gap left by the deadline: keep the consecutive seeds
		}
		ordered = append(ordered, results[a])
		if !cfg.KeepGoing && len(results[a].Violations) > 0 {
			break
		}
	}
	return explore.Merge(ordered...), nil
}

func writeJSON(path string, v any) error {
	return writeFile(path, func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
