package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Op is one recorded database operation: a statement, a commit or a
// rollback, as the application issued it and as it returned.
type Op struct {
	// Seq numbers the operations in the order they were called.
	Seq int
	// Request is the workload request the operation serves, -1 for the
	// application's own work (loading, its background thread).
	Request int
	// Txn is the index of the transaction within the request, -1 for an
	// autocommit operation or the application's own work.
	Txn int
	Statement
	// Autocommit says the statement committed by itself.
	Autocommit bool
	// Task and Process are the paths of the calling task and its
	// process, PID the process's pid (see PID).
	Task, Process string
	PID           int
	// Backend is the server pid of the connection used, as the driver
	// knows it (0 when unknown).
	Backend int32
	// Rows are the rows returned, each value in PostgreSQL's text form
	// ("NULL" for NULL); nil when the statement returned none.
	Rows [][]string
	// RowCount is the cursor's rowcount, -1 if unknown.
	RowCount int
	// Err is the exception's text exactly as the application sees it
	// (str(exc)), ErrClass its qualified class; both empty on success.
	Err, ErrClass string
	// CallStep and ReturnStep are sim.World.Step at the call and at the
	// return; Call and Return the virtual times.
	CallStep, ReturnStep int
	Call, Return         time.Duration
	// Returned is false when the call never returned (its task hung or
	// its process was killed).
	Returned bool
}

// Failed reports whether the operation returned an error.
func (o *Op) Failed() bool { return o.Err != "" }

// String describes the operation on one line.
func (o *Op) String() string {
	out := "..."
	switch {
	case !o.Returned:
		out = "never returned"
	case o.Failed():
		out = o.ErrClass + ": " + firstLine(o.Err)
	case o.Rows != nil:
		out = fmt.Sprint(o.Rows)
	default:
		out = "rowcount " + strconv.Itoa(o.RowCount)
	}
	return fmt.Sprintf("#%d %s req %d txn %d %s %s -> %s [steps %d-%d]", o.Seq, o.Task, o.Request, o.Txn, o.Kind, o.Key, out, o.CallStep, o.ReturnStep)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Recorder records operations and requests. It is the observer, not
// process memory: every process of the run appends to the same recorder,
// and a fork does not copy it.
//
// The call and the return of an autocommit kv operation (read, write,
// increment, upsert: what linearizability judges) are each a decision
// point that writes one object, the history, so that a search that
// reorders independent steps keeps their real-time order: two such
// records are always dependent on each other.
type Recorder struct {
	w       *sim.World
	history *sim.Object
	// Ops are the operations in call order.
	Ops []*Op
	// Requests are the requests as the load generator saw them, in the
	// order they were sent.
	Requests []*RequestRecord
}

// NewRecorder returns an empty recorder of w.
func NewRecorder(w *sim.World) *Recorder { return &Recorder{w: w, history: w.NewObject("history")} }

// Call records the start of an operation by the current task.
func (r *Recorder) Call(request, txn int, st Statement, autocommit bool) *Op {
	if autocommit && st.Kind.kv() {
		r.w.Access(r.history, sim.AccMemWrite)
	}
	op := &Op{Seq: len(r.Ops), Request: request, Txn: txn, Statement: st, Autocommit: autocommit, RowCount: -1,
		CallStep: r.w.Step(), Call: r.w.Elapsed()}
	if t := r.w.Current(); t != nil {
		op.Task, op.Process, op.PID = t.Path(), t.Process().Path(), PID(t.Process())
	}
	r.Ops = append(r.Ops, op)
	return op
}

// Return records the operation's outcome: rows (converted to text),
// rowcount and error.
func (r *Recorder) Return(op *Op, rows []driver.Row, rowCount int, err error) {
	if op.Autocommit && op.Kind.kv() {
		r.w.Access(r.history, sim.AccMemWrite)
	}
	op.ReturnStep, op.Return, op.Returned = r.w.Step(), r.w.Elapsed(), true
	op.RowCount = rowCount
	if rows != nil {
		op.Rows = make([][]string, len(rows))
		for i, row := range rows {
			op.Rows[i] = RowText(row)
		}
	}
	if err != nil {
		op.Err, op.ErrClass = ErrorText(err)
	}
}

// kv reports whether the kind is an operation on the kv table that the
// linearizability model judges when it runs in autocommit.
func (k OpKind) kv() bool {
	switch k {
	case OpRead, OpWrite, OpIncrement, OpUpsert:
		return true
	}
	return false
}

// RowText renders a driver row's values in PostgreSQL's text form.
func RowText(row driver.Row) []string {
	out := make([]string, len(row))
	for i, v := range row {
		out[i] = ValueText(v)
	}
	return out
}

// ValueText renders one driver value as PostgreSQL's text output of it.
func ValueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case bool:
		if x {
			return "t"
		}
		return "f"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case driver.Numeric:
		return string(x)
	}
	return fmt.Sprint(v)
}

// classed is an error that knows its Python class.
type classed interface {
	error
	PythonClass() string
}

// ErrorText returns what the application sees of err: str(exc) and the
// exception's qualified class. A DB-API error (driver.Error) is its class
// and message; an error with a PythonClass method names its own class;
// anything else is its Go text.
func ErrorText(err error) (text, class string) {
	switch e := err.(type) {
	case *exc.Error:
		return e.Error(), e.Class.String()
	case *driver.Error:
		return e.Message, e.Class
	case classed:
		return e.Error(), e.PythonClass()
	}
	return err.Error(), fmt.Sprintf("%T", err)
}

// RequestRecord is one request as its client saw it.
type RequestRecord struct {
	// Request is the workload request.
	Request *Request
	// Client is the sending task's path.
	Client string
	// Sent and Replied are the virtual times of the send and of the
	// reply, SentStep and RepliedStep the steps.
	Sent, Replied         time.Duration
	SentStep, RepliedStep int
	// Status is the reply's status line ("200 OK", "500 INTERNAL SERVER
	// ERROR", "SUCCESS", "FAILURE"); Err the client's error when there was
	// no reply.
	Status, Err string
	// Done says the client got a reply or an error.
	Done bool
}

// Latency is the virtual time from send to reply.
func (rr *RequestRecord) Latency() time.Duration { return rr.Replied - rr.Sent }
