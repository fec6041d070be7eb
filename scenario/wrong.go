package scenario

import (
	"fmt"
	"slices"

	"github.com/poolsim/poolsim/app"
)

// WrongResult is an operation that returned without an error, yet with a
// result other than the one the server sent for the request the
// operation made: rows from another request's reply handed to the caller
// as its own.
type WrongResult struct {
	Op     *app.Op
	Answer *Answer
	// Detail says what differs.
	Detail string
}

// String describes the wrong result on one line.
func (wr WrongResult) String() string {
	return fmt.Sprintf("%s %s (op #%d, request %d): %s", wr.Op.Task, wr.Op.Kind, wr.Op.Seq, wr.Op.Request, wr.Detail)
}

// Answers returns every request the server received, decoded.
func (r *Run) Answers() []*Answer {
	if r.answers == nil && r.Database != nil {
		r.answers = answers(r.Database)
	}
	return r.answers
}

// WrongResults compares every operation that returned without an error
// with what the server answered to the request it made: the request the
// operation's task alone wrote, with the operation's SQL, that the server
// read while the operation ran. An operation whose request the server
// never received whole is not compared (its failure, if any, is a
// symptom).
func (r *Run) WrongResults() []WrongResult {
	out, _ := r.compare()
	return out
}

// compare is WrongResults, also returning how many operations were
// compared with an answer.
func (r *Run) compare() (out []WrongResult, compared int) {
	bySender := map[string][]*Answer{} // lookup only
	for _, a := range r.Answers() {
		if a.Sender != nil && len(a.SQL) > 0 {
			p := a.Sender.Path()
			bySender[p] = append(bySender[p], a)
		}
	}
	used := map[*Answer]bool{} // lookup only
	for _, op := range r.Recorder.Ops {
		if !op.Returned || op.Kind == app.OpCommit || op.Kind == app.OpRollback {
			continue
		}
		var a *Answer
		for _, c := range bySender[op.Task] {
			if !used[c] && c.SQL[len(c.SQL)-1] == op.SQL && c.ReadStep > op.CallStep && c.ReadStep <= op.ReturnStep {
				a = c
				break
			}
		}
		if a == nil {
			continue
		}
		used[a] = true
		if op.Failed() {
			continue
		}
		compared++
		if d := differs(op, a); d != "" {
			out = append(out, WrongResult{Op: op, Answer: a, Detail: d})
		}
	}
	return out, compared
}

// differs says how the operation's result differs from the answer's
// last statement result, or "".
func differs(op *app.Op, a *Answer) string {
	if len(a.Results) == 0 {
		if a.Request.Unfinished {
			return "" // the reply never came whole; the op's success is the driver's reading of other bytes
		}
		return "the server's reply has no result"
	}
	res := a.Results[len(a.Results)-1]
	switch {
	case res.Err != "":
		return fmt.Sprintf("returned %s, but the server answered ERROR %s %q", describe(op), res.Code, res.Err)
	case res.Columns == nil && op.Rows != nil:
		return fmt.Sprintf("returned rows %v, but the server sent none (%s)", op.Rows, res.Tag)
	case res.Columns != nil && op.Rows != nil && !equalRows(op.Rows, res.Rows):
		return fmt.Sprintf("returned rows %v, but the server sent %v", op.Rows, res.Rows)
	case op.RowCount >= 0 && res.RowCount() >= 0 && op.RowCount != res.RowCount():
		return fmt.Sprintf("returned rowcount %d, but the server's tag is %q", op.RowCount, res.Tag)
	}
	return ""
}

func describe(op *app.Op) string {
	if op.Rows != nil {
		return fmt.Sprint(op.Rows)
	}
	return fmt.Sprintf("rowcount %d", op.RowCount)
}

func equalRows(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}
