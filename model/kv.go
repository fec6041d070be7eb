package model

import (
	"fmt"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// row is one key's state: absent, or present with a value.
type row struct {
	Present bool
	V       int64
}

func (r row) String() string {
	if !r.Present {
		return "absent"
	}
	return strconv.FormatInt(r.V, 10)
}

// apply runs in on r as PostgreSQL does: the next state and the output a
// successful run returns.
func apply(r row, in input) (row, output) {
	switch in.Kind {
	case KindRead:
		return r, output{Value: r.V, Absent: !r.Present}
	case KindWrite:
		if !r.Present {
			return r, output{Value: 0}
		}
		return row{Present: true, V: in.Value}, output{Value: 1}
	case KindUpsert:
		return row{Present: true, V: in.Value}, output{Value: 1}
	case KindIncrement:
		if !r.Present {
			return r, output{Absent: true}
		}
		n := row{Present: true, V: r.V + in.Value}
		return n, output{Value: n.V}
	case KindInsert:
		if r.Present {
			return r, output{Value: 0}
		}
		return row{Present: true, V: in.Value}, output{Value: 1}
	}
	panic("model: unknown operation kind " + strconv.Quote(in.Kind))
}

// matches reports whether got is an output a run that returned want may
// have been recorded as.
func matches(kind string, want, got output) bool {
	if got.Garbled {
		return false
	}
	switch kind {
	case KindRead, KindIncrement:
		if want.Absent || got.Absent {
			return want.Absent == got.Absent
		}
		return want.Value == got.Value
	case KindWrite, KindInsert:
		return got.Value < 0 || got.Value == want.Value
	}
	return true // upsert: nothing to check
}

// step is the nondeterministic model's step on one key: an operation with
// an unknown outcome applies or not; any other must return what PostgreSQL
// would.
func step(state, in, out any) []any {
	r, i, o := state.(row), in.(input), out.(output)
	next, want := apply(r, i)
	if o.Unknown {
		if next == r {
			return []any{r}
		}
		return []any{r, next}
	}
	if !matches(i.Kind, want, o) {
		return nil
	}
	return []any{next}
}

// partition splits a history by key, keys in order of first appearance.
func partition(h []porcupine.Operation) [][]porcupine.Operation {
	index := map[string]int{} // lookup only
	var parts [][]porcupine.Operation
	for _, op := range h {
		k := op.Input.(input).Key
		i, ok := index[k]
		if !ok {
			i = len(parts)
			index[k] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], op)
	}
	return parts
}

func partitionEvents(h []porcupine.Event) [][]porcupine.Event {
	index := map[string]int{} // lookup only
	keyOf := map[int]string{} // lookup only: event id to key
	var parts [][]porcupine.Event
	for _, e := range h {
		var k string
		if e.Kind == porcupine.CallEvent {
			k = e.Value.(input).Key
			keyOf[e.Id] = k
		} else {
			k = keyOf[e.Id]
		}
		i, ok := index[k]
		if !ok {
			i = len(parts)
			index[k] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], e)
	}
	return parts
}

// describeOperation renders an operation like "read(k0) -> 3",
// "write(k0, 5) -> 1 row", "increment(k0, 1) -> absent" or
// "upsert(k1, 2) -> unknown".
func describeOperation(in, out any) string {
	i, o := in.(input), out.(output)
	call := fmt.Sprintf("%s(%s, %d)", i.Kind, i.Key, i.Value)
	if i.Kind == KindRead {
		call = fmt.Sprintf("read(%s)", i.Key)
	}
	var res string
	switch {
	case o.Unknown:
		res = "unknown"
	case o.Garbled:
		res = "garbled"
	case i.Kind == KindUpsert:
		res = "ok"
	case o.Absent:
		res = "absent"
	case (i.Kind == KindWrite || i.Kind == KindInsert) && o.Value < 0:
		res = "ok"
	case i.Kind == KindWrite || i.Kind == KindInsert:
		res = fmt.Sprintf("%d row(s)", o.Value)
	default:
		res = strconv.FormatInt(o.Value, 10)
	}
	return call + " -> " + res
}

// hashRow hashes a row state (FNV-1a over its fields).
func hashRow(state any) uint64 {
	r := state.(row)
	h := uint64(14695981039346656037)
	mix := func(b uint64) {
		for range 8 {
			h ^= b & 0xff
			h *= 1099511628211
			b >>= 8
		}
	}
	if r.Present {
		mix(1)
	}
	mix(uint64(r.V))
	return h
}

// KV is the porcupine model of the kv table, partitioned by key, as a
// deterministic model over sets of possible states (the power set of
// the nondeterministic one, whose unknown-outcome writes apply or not).
func KV() porcupine.Model {
	nm := &porcupine.NondeterministicModel{
		Partition:         partition,
		PartitionEvent:    partitionEvents,
		Init:              func() []any { return []any{row{}} },
		Step:              step,
		Hash:              hashRow,
		DescribeOperation: describeOperation,
		DescribeState:     func(state any) string { return state.(row).String() },
		DescribeOperationMetadata: func(m any) string {
			if mm, ok := m.(meta); ok {
				return mm.Text()
			}
			return ""
		},
	}
	return nm.ToModel()
}
