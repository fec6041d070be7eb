package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/poolsim/poolsim/diagnose"
	"github.com/poolsim/poolsim/review"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
	"github.com/poolsim/poolsim/verify"
)

// proofBudget bounds the schedules of one bounded search a review or a
// diagnosis makes; a search it stops is inconclusive, never safe.
const proofBudget = 50000

// textPrefix marks, in a proof search's violation, an error text of a
// diagnose template that reached the application.
const textPrefix = "text: "

// proofJudge reports every violated property of a run and every template
// of the texts its application saw: one search serves both the review
// (the properties) and the diagnosis (the texts).
func proofJudge(r *scenario.Run, v *verdict.Verdict) string {
	out := v.Violations()
	for _, t := range diagnose.RunEvidence(r).Templates() {
		out = append(out, textPrefix+t)
	}
	return strings.Join(out, ", ")
}

// proofs caches the bounded searches of one command by scenario and bound.
var proofs = struct {
	sync.Mutex
	m map[string]*proofEntry
}{m: map[string]*proofEntry{}}

type proofEntry struct {
	once sync.Once
	res  verify.Result
}

// prove searches s (at the size given) up to delay bound with proofJudge,
// once per command.
func prove(s *scenario.Scenario, bound int) verify.Result {
	key := fmt.Sprintf("%s %v %d", s.Name, s.Overrides, bound)
	proofs.Lock()
	e := proofs.m[key]
	if e == nil {
		e = &proofEntry{}
		proofs.m[key] = e
	}
	proofs.Unlock()
	e.once.Do(func() {
		e.res = verify.Search(verify.ScenarioProgram(s, 1, proofJudge),
			verify.Config{Bound: bound, Reduction: true, StopAtViolation: true, MaxSchedules: proofBudget})
	})
	return e.res
}

// violations splits a proof search's violation into properties and texts.
func violations(res verify.Result) (props, texts []string) {
	if res.Counterexample == nil {
		return nil, nil
	}
	for _, v := range strings.Split(res.Counterexample.Violation, ", ") {
		if t, ok := strings.CutPrefix(v, textPrefix); ok {
			texts = append(texts, t)
		} else {
			props = append(props, v)
		}
	}
	return props, texts
}

// verifyCommand is the command that repeats a search of s.
func verifyCommand(s *scenario.Scenario, bound int) string {
	return s.Command("verify", "--bound", fmt.Sprint(bound))
}

// verifier returns the review's bounded search up to delay bound bound,
// or nil for none (bound < 0).
func verifier(bound int) review.Verifier {
	if bound < 0 {
		return nil
	}
	return func(s *scenario.Scenario) review.Proof {
		res := prove(s, bound)
		props, texts := violations(res)
		p := review.Proof{Complete: res.Exhausted && len(texts) == 0, Bound: fmt.Sprintf("delay bound %d", bound),
			Schedules: res.Schedules, Statement: strings.ReplaceAll(res.Statement(), textPrefix, "")}
		if len(props) > 0 {
			p.Violated, p.Replay, p.Complete = props, verifyCommand(s, bound), true
		}
		return p
	}
}

// addProofs verifies, at the review's small size up to delay bound
// bound, the designs whose sampled runs produced none of the texts poolsim
// knows, and adds the proofs to them: no error text of any template
// reaches the application in any schedule within the bound.
func addProofs(designs []diagnose.Design, all []*scenario.Scenario, bound int) {
	if bound < 0 {
		return
	}
	byName := map[string]*scenario.Scenario{}
	for _, s := range all {
		byName[s.Name] = s
	}
	var todo []*diagnose.Design
	for i := range designs {
		d := &designs[i]
		if s := byName[d.Name]; s != nil && len(d.Unable) > 0 {
			todo = append(todo, d)
		}
	}
	parallelDo(len(todo), func(i int) {
		d := todo[i]
		small := review.Small(byName[d.Name])
		res := prove(small, bound)
		if !res.Exhausted || res.Counterexample != nil {
			return // the budget ran out, or a violation stopped the search: no proof
		}
		for _, p := range slices.Clone(d.Unable) {
			d.AddProof(diagnose.VerifiedProof(p.Template, review.Size(small), bound, res.Schedules))
		}
	})
}

// parallelDo runs fn(0) to fn(n-1), as many at once as there are cores.
// Each is an independent world; the results do not depend on the order.
func parallelDo(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
