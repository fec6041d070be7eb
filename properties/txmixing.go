package properties

import (
	"fmt"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// MixedTransaction is the kind of a transaction mixing violation: one
// server transaction ran statements of two tasks.
const MixedTransaction = "statements of two tasks in one transaction"

// TransactionMixing judges that every server transaction of t ran the
// statements of one task only. A transaction is a transaction block, from
// the request whose ReadyForQuery left the session in one (status 'T' or
// 'E') to the request whose ReadyForQuery left it idle, or a request that
// began and ended idle, whose statements ran in one implicit transaction
// (a simple Query's, or an extended-query batch's up to its Sync). A
// statement is a Query, Execute or FunctionCall message, and its task the
// writer of its first byte: the application task that sent it. A request
// no ReadyForQuery closed ends the transaction with the session.
//
// Each violation names the session, the task that began the transaction
// and the first other task to run a statement in it, their processes, the
// offset of that statement in the stream from the client and the step
// the server read its request at.
func TransactionMixing(t *fakepg.Truth) Result {
	res := Result{Property: "transaction mixing"}
	for _, s := range t.Sessions {
		mixedTransactions(&res, s)
	}
	res.conclude()
	return res
}

// transaction is the server transaction under way on a session while its
// requests are walked.
type transaction struct {
	begin    *fakepg.Request // the request that began it
	first    *sim.Task       // the first task to run a statement in it
	reported bool
}

// mixedTransactions reports every transaction of s with statements of a
// second task, once, at that task's first statement in it.
func mixedTransactions(res *Result, s *fakepg.SessionTruth) {
	var tx *transaction
	for _, r := range s.Requests {
		if tx == nil {
			tx = &transaction{begin: r}
		}
		for _, m := range r.Messages {
			who := statementTask(m)
			if who == nil || tx.reported {
				continue
			}
			if tx.first == nil {
				tx.first = who
				continue
			}
			if who == tx.first {
				continue
			}
			tx.reported = true
			tasks, procs := involved(tx.first, who)
			kind := "transaction block"
			if tx.begin == r && r.TxStatus == 'I' {
				kind = "implicit transaction"
			}
			res.Violations = append(res.Violations, Violation{
				Kind: MixedTransaction, Session: s.Name(), Tasks: tasks, Processes: procs,
				Offset: m.Off, Step: r.Step,
				Detail: fmt.Sprintf("%s's statement ran in the %s %s began at step %d", pathOf(who), kind, pathOf(tx.first), tx.begin.Step),
			})
		}
		switch {
		case r.TxStatus == 'I' || r.Unfinished:
			tx = nil
		case r.TxStatus == 0 && tx.first == nil:
			tx = nil // a lone Terminate, or a request that ran nothing, began nothing
		}
	}
}

// statementTask returns the task whose statement m is (the writer of its
// first byte), or nil when m runs no statement or has no recorded writer.
func statementTask(m fakepg.MessageTruth) *sim.Task {
	switch m.Type {
	case 'Q', 'E', 'F':
		if len(m.Writers) > 0 && m.Fail == "" {
			return m.Writers[0].Task
		}
	}
	return nil
}
