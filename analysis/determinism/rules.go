package determinism

import "fmt"

// A rule is one determinism rule, spelled as allow comments spell it.
type rule string

// The rules, each with the remedy its diagnostics suggest.
const (
	ruleGo       rule = "go"
	ruleChan     rule = "chan"
	ruleSync     rule = "sync"
	ruleTime     rule = "time"
	ruleRand     rule = "rand"
	ruleMapRange rule = "maprange"
)

// rules lists every rule in the order the documentation gives them.
var rules = []rule{ruleGo, ruleChan, ruleSync, ruleTime, ruleRand, ruleMapRange}

// remedies says, per rule, what code under simulation does instead.
var remedies = map[rule]string{
	ruleGo:       "code under simulation must start tasks with sim (World.Go / Process.Go)",
	ruleChan:     "code under simulation must block on sim primitives the scheduler can see (sim.Mutex, sim.Cond)",
	ruleSync:     "code under simulation must use sim.Mutex and sim.Cond, which the scheduler can see",
	ruleTime:     "code under simulation must use the world's virtual clock (World.Now, World.Sleep, World.AfterFunc)",
	ruleRand:     "use a seeded generator (rand.New(rand.NewPCG(seed1, seed2))) or a choice drawn from the world's strategy",
	ruleMapRange: "map iteration order is random; range over sorted keys (slices.Sorted(maps.Keys(m)))",
}

// message is the text of a diagnostic: the construct found, the rule's
// remedy, and how to allow the construct.
func message(r rule, what string) string {
	return fmt.Sprintf("%s: %s (to allow it: //poolsim:allow %s -- <justification>)", what, remedies[r], r)
}
