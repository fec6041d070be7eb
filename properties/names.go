package properties

import (
	"slices"

	"github.com/poolsim/poolsim/sim"
)

// involved returns the paths of tasks and of their processes, without
// repeats, in order.
func involved(tasks ...*sim.Task) (paths, procs []string) {
	for _, t := range tasks {
		if t == nil {
			continue
		}
		if p := t.Path(); !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
		if t.Process() != nil {
			if p := t.Process().Path(); !slices.Contains(procs, p) {
				procs = append(procs, p)
			}
		}
	}
	return paths, procs
}
