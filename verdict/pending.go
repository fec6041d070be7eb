package verdict

import (
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
)

// transactionMixing: statements of two tasks in one server transaction.
func transactionMixing(r *scenario.Run, _ Options) properties.Result {
	return properties.Result{Property: TransactionMixing, Status: properties.Inconclusive, Reason: "not judged"}
}

// sessionStateLeak: session state set by one client seen by another where
// a proxy reuses server sessions.
func sessionStateLeak(r *scenario.Run, _ Options) properties.Result {
	return properties.Result{Property: SessionStateLeak, Status: properties.Held, Reason: "no proxy reuses server sessions"}
}
