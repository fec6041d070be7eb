package report

import (
	"bytes"
	"fmt"
	"time"

	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
)

// history is the porcupine part of the report.
type history struct {
	// Ops is the number of autocommit operations; Answer porcupine's.
	Ops    int
	Answer string
	// Doc is porcupine's visualisation, a whole HTML document, shown in
	// an iframe's srcdoc (which the template escapes); empty when there
	// is nothing to show.
	Doc  string
	Note string
}

// buildHistory checks the run's autocommit operations with porcupine
// (after the run: porcupine starts goroutines) and renders its
// visualisation.
func buildHistory(r *scenario.Run, timeout time.Duration) (history, error) {
	ops := verdict.History(r)
	h := history{Ops: len(ops)}
	if len(ops) == 0 {
		h.Note = "the run recorded no autocommit operation"
		return h, nil
	}
	answer, info := model.Check(ops, timeout)
	h.Answer = string(answer)
	switch answer {
	case model.Ok:
		h.Note = "porcupine found a linearization of every key's operations"
	case model.Illegal:
		h.Note = "porcupine found no linearization: the \"violations\" row marks the operations no linearization reaches"
	default:
		h.Note = fmt.Sprintf("porcupine gave no answer within %v: the view shows how far it got", timeout)
	}
	var b bytes.Buffer
	if err := model.WriteHTML(&b, ops, info); err != nil {
		return h, fmt.Errorf("report: porcupine's view: %w", err)
	}
	h.Doc = b.String()
	return h, nil
}
