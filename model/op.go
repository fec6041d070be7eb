package model

import (
	"fmt"
	"math"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// The kinds of operation the model knows.
const (
	// KindRead is SELECT v FROM kv WHERE k = Key: Out is the value, or
	// OutAbsent when there is no row.
	KindRead = "read"
	// KindWrite is UPDATE kv SET v = Value WHERE k = Key: Out is the
	// rowcount (1, or 0 when the key is absent), negative when not known.
	KindWrite = "write"
	// KindUpsert is INSERT INTO kv VALUES (Key, Value) ON CONFLICT (k) DO
	// UPDATE SET v = excluded.v; its output is not checked (the rowcount
	// is always 1).
	KindUpsert = "upsert"
	// KindIncrement is UPDATE kv SET v = v + Value WHERE k = Key RETURNING
	// v: Out is the new value, or OutAbsent when there is no row.
	KindIncrement = "increment"
	// KindInsert is INSERT INTO kv VALUES (Key, Value) ON CONFLICT DO
	// NOTHING: Out is the rowcount (1 inserted, 0 the key existed),
	// negative when not known.
	KindInsert = "insert"
)

// Infinity is the return time of an operation whose outcome is unknown:
// after every other operation's return.
const Infinity = math.MaxInt64

// Op is one recorded autocommit operation on the kv table.
type Op struct {
	// Client is the calling task's path, Process its process's path.
	Client, Process string
	// Kind is one of the Kind constants; Key the row's key; Value the
	// value written (write, upsert, insert) or the increment's delta.
	Kind, Key string
	Value     int64
	// Out is the value returned (read, increment) or the rowcount (write,
	// insert); OutAbsent says a read or an increment found no row.
	Out       int64
	OutAbsent bool
	// Garbled says the operation succeeded but its reply was not one the
	// statement can produce (a row of another key, a value that is not
	// a number): no state explains it.
	Garbled bool
	// Err is the error the operation ended in, empty on success. An
	// operation with an error has an unknown outcome.
	Err string
	// Call and Return are the world's step at the call and at the return.
	// Return is ignored when Err is set (the return is Infinity).
	Call, Return int64
}

// Unknown reports whether the operation's outcome is unknown.
func (o Op) Unknown() bool { return o.Err != "" }

// String describes the operation on one line, like
// "increment(k0, 1) -> 4 [steps 12-19, task main/t1, process main]".
func (o Op) String() string {
	return describeOperation(o.input(), o.output()) + " [" + o.where() + "]"
}

// where names the operation's steps, task and process.
func (o Op) where() string { return whereText(o.Call, o.Return, o.Unknown(), o.Client, o.Process) }

// whereText is the text of Op.where.
func whereText(call, ret int64, unknown bool, client, process string) string {
	r := strconv.FormatInt(ret, 10)
	if unknown {
		r = "∞"
	}
	return fmt.Sprintf("steps %d-%s, task %s, process %s", call, r, client, process)
}

// input is what porcupine sees as an operation's input.
type input struct {
	Kind, Key string
	Value     int64
}

// output is what porcupine sees as an operation's output.
type output struct {
	Value           int64
	Absent, Garbled bool
	Unknown         bool
}

func (o Op) input() input { return input{Kind: o.Kind, Key: o.Key, Value: o.Value} }

func (o Op) output() output {
	if o.Unknown() {
		return output{Unknown: true}
	}
	return output{Value: o.Out, Absent: o.OutAbsent, Garbled: o.Garbled}
}

// meta is an operation's porcupine metadata: its index in the ops given
// and what its description for the visualisation names (Text), kept as
// fields so that the text is built only when a visualisation asks for it.
type meta struct {
	Index           int
	Call, Return    int64
	Unknown         bool
	Client, Process string
}

// Text describes the operation's steps, task and process, as Op.where.
func (m meta) Text() string { return whereText(m.Call, m.Return, m.Unknown, m.Client, m.Process) }

// History converts ops into porcupine operations, one each, in order.
// Each client (task path) gets a ClientId in order of first appearance;
// each operation with an unknown outcome gets a ClientId of its own, since
// its unbounded interval overlaps the client's later operations.
func History(ops []Op) []porcupine.Operation {
	ids := map[string]int{} // lookup only
	next := 0
	h := make([]porcupine.Operation, len(ops))
	for i, o := range ops {
		var id int
		if o.Unknown() {
			id = next
			next++
		} else {
			var ok bool
			if id, ok = ids[o.Client]; !ok {
				id = next
				next++
				ids[o.Client] = id
			}
		}
		ret := o.Return
		if o.Unknown() {
			ret = Infinity
		}
		h[i] = porcupine.Operation{ClientId: id, Input: o.input(), Call: o.Call, Output: o.output(), Return: ret,
			Metadata: meta{Index: i, Call: o.Call, Return: o.Return, Unknown: o.Unknown(), Client: o.Client, Process: o.Process}}
	}
	return h
}
