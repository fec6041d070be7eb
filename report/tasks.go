package report

import (
	"fmt"

	"github.com/poolsim/poolsim/sim"
)

// taskColors is the number of colours tasks cycle through.
const taskColors = 8

// taskRef is a task as the report shows it: its lineage path and the class
// that colours its tag.
type taskRef struct {
	Path  string
	Class string
}

// palette gives each task a colour class, in order of first appearance in
// the report, so that the same task has the same colour everywhere.
type palette struct {
	index map[string]int // lookup only
}

func newPalette() *palette { return &palette{index: map[string]int{}} }

// ref returns t as the report shows it; a nil task is "?".
func (p *palette) ref(t *sim.Task) taskRef {
	if t == nil {
		return taskRef{Path: "?", Class: "task unknown"}
	}
	return p.refPath(t.Path())
}

// refPath returns the task of path as the report shows it.
func (p *palette) refPath(path string) taskRef {
	i, ok := p.index[path]
	if !ok {
		i = len(p.index)
		p.index[path] = i
	}
	return taskRef{Path: path, Class: fmt.Sprintf("task t%d", i%taskColors)}
}

// refs returns the tasks of spans without repeats, in order of first
// appearance.
func (p *palette) refs(spans []sim.Span) []taskRef {
	var out []taskRef
	for _, t := range sim.SpanTasks(spans) {
		out = append(out, p.ref(t))
	}
	return out
}

// paths returns the tasks' paths.
func paths(ts []taskRef) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Path
	}
	return out
}
