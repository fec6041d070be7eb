package model

import (
	"fmt"
	"io"

	"github.com/anishathalye/porcupine"
)

// violationTag is the visualisation row that marks the operations no
// linearization reaches.
const violationTag = "violations"

// WriteHTML writes porcupine's self-contained HTML visualisation of a check
// of ops (info from Check on the same ops). Each operation's tooltip names
// its steps, task and process; a row per task ("task PATH, process PATH")
// carries an annotation per operation naming its steps; and the
// "violations" row marks, in red, every operation of a key whose
// operations have no full linearization and that no partial linearization
// reaches (after an Unknown check: that the search had not reached).
func WriteHTML(w io.Writer, ops []Op, info porcupine.LinearizationInfo) error {
	info.AddAnnotations(Annotations(ops, info))
	return porcupine.Visualize(KV(), info, w)
}

// Annotations returns the annotations WriteHTML adds: one per operation on
// its task's row, then one per violation.
func Annotations(ops []Op, info porcupine.LinearizationInfo) []porcupine.Annotation {
	var last int64
	for _, o := range ops {
		last = max(last, o.Call)
		if !o.Unknown() {
			last = max(last, o.Return)
		}
	}
	var out []porcupine.Annotation
	for _, o := range ops {
		end, steps := o.Return, fmt.Sprintf("steps %d-%d", o.Call, o.Return)
		if o.Unknown() {
			end, steps = last, fmt.Sprintf("steps %d-∞", o.Call)
		}
		details := o.String()
		if o.Unknown() {
			details += "; error: " + o.Err
		}
		out = append(out, porcupine.Annotation{Tag: "task " + o.Client + ", process " + o.Process,
			Start: o.Call, End: end, Description: steps, Details: details})
	}
	for _, i := range Violations(ops, info) {
		o := ops[i]
		end := o.Return
		if o.Unknown() {
			end = last
		}
		out = append(out, porcupine.Annotation{Tag: violationTag, Start: o.Call, End: end,
			Description: "not linearizable: " + describeOperation(o.input(), o.output()),
			Details:     "no linearization of key " + o.Key + "'s operations reaches " + o.String(),
			TextColor:   "#ffffff", BackgroundColor: "#c0392b"})
	}
	return out
}

// Violations returns the indexes in ops of the operations of keys whose
// operations have no full linearization in info and that no partial
// linearization includes, in order.
func Violations(ops []Op, info porcupine.LinearizationInfo) []int {
	parts := partition(History(ops))
	partials := info.PartialLinearizationsOperations()
	var out []int
	bad := make([]bool, len(ops))
	for p, part := range parts {
		covered := map[int]bool{} // lookup only
		if p < len(partials) {
			for _, lin := range partials[p] {
				for _, op := range lin {
					covered[op.Metadata.(meta).Index] = true
				}
			}
		}
		if len(covered) == len(part) {
			continue
		}
		for _, op := range part {
			if i := op.Metadata.(meta).Index; !covered[i] {
				bad[i] = true
			}
		}
	}
	for i, b := range bad {
		if b {
			out = append(out, i)
		}
	}
	return out
}
