package model

import (
	"maps"
	"slices"
	"strconv"

	"github.com/poolsim/poolsim/app"
)

// InitialStep is the step of the operations Initial returns: before every
// step of a run.
const InitialStep = -1

// Initial returns the upserts that put the table in its seeded state
// before the run (the application seeds every key with 0, see
// app.WorkloadConfig.SeedSQL), keys in sorted order, at InitialStep, by
// the client "initial". Prepend them to the run's operations.
func Initial(values map[string]int64) []Op {
	var ops []Op
	for _, k := range slices.Sorted(maps.Keys(values)) {
		ops = append(ops, Op{Client: "initial", Process: "initial", Kind: KindUpsert, Key: k, Value: values[k],
			Call: InitialStep, Return: InitialStep})
	}
	return ops
}

// FromApp converts the application's recorded operations into the
// model's, in the same order. It keeps the autocommit kv operations
// (read, write, increment, upsert) on keys that no transactional
// statement touches: a transaction's writes are not operations of the
// model, so a key they touch cannot be judged. The mapping:
//
//   - Task and Process are Client and Process; CallStep and ReturnStep
//     are Call and Return.
//   - An operation that failed (Err) or never returned has an unknown
//     outcome (Err is "never returned" for the latter).
//   - A read's rows [[k, v]] give Out = v, no rows OutAbsent; an
//     increment's [[v]] likewise, with Value 1 (the application adds 1);
//     a write's rowcount is Out (-1 when unknown). Any other rows, and
//     no result set at all (nil Rows, as when the reply was another
//     statement's command tag), are Garbled.
func FromApp(recs []*app.Op) []Op {
	touched := map[string]bool{} // lookup only
	for _, r := range recs {
		if !r.Autocommit && kindOf(r.Kind) != "" {
			touched[r.Key] = true
		}
	}
	var ops []Op
	for _, r := range recs {
		kind := kindOf(r.Kind)
		if !r.Autocommit || kind == "" || touched[r.Key] {
			continue
		}
		o := Op{Client: r.Task, Process: r.Process, Kind: kind, Key: r.Key, Value: r.Value,
			Call: int64(r.CallStep), Return: int64(r.ReturnStep), Err: r.Err}
		switch {
		case !r.Returned:
			o.Err = "never returned"
		case r.Err != "":
		case kind == KindRead:
			o.Out, o.OutAbsent, o.Garbled = rowValue(r.Rows, r.Key, 2)
		case kind == KindIncrement:
			o.Value = 1
			o.Out, o.OutAbsent, o.Garbled = rowValue(r.Rows, r.Key, 1)
		case kind == KindWrite:
			o.Out = int64(r.RowCount)
		}
		ops = append(ops, o)
	}
	return ops
}

// kindOf is the model's kind of an application operation, "" for one the
// model does not know.
func kindOf(k app.OpKind) string {
	switch k {
	case app.OpRead:
		return KindRead
	case app.OpWrite:
		return KindWrite
	case app.OpIncrement:
		return KindIncrement
	case app.OpUpsert:
		return KindUpsert
	}
	return ""
}

// rowValue reads the value out of a reply of at most one row of width
// columns, the value last and, for two columns, the key first.
func rowValue(rows [][]string, key string, width int) (v int64, absent, garbled bool) {
	if rows == nil { // the reply had no rows at all: not a SELECT's or a RETURNING's
		return 0, false, true
	}
	if len(rows) == 0 {
		return 0, true, false
	}
	if len(rows) > 1 || len(rows[0]) != width || (width == 2 && rows[0][0] != key) {
		return 0, false, true
	}
	v, err := strconv.ParseInt(rows[0][width-1], 10, 64)
	if err != nil {
		return 0, false, true
	}
	return v, false, false
}
