package verdict

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// run executes the named built-in scenario under the random strategy of
// seed, keeping the trace's events (which protocol interleaving needs).
func run(t testing.TB, name string, seed uint64) *scenario.Run {
	t.Helper()
	s, err := scenario.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	r := scenario.Execute(s, sim.Random(seed), scenario.Options{Seed: seed, KeepEvents: true})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	return r
}

// result returns the verdict's result of the named property, failing the
// test when there is none.
func result(t *testing.T, v *Verdict, name string) *properties.Result {
	t.Helper()
	r := v.Result(name)
	if r == nil {
		t.Fatalf("no %s in %s", name, v)
	}
	return r
}

// TestWrongRowWithoutError: under some seed of the fixed set, an
// operation of a preload-touch-db worker returns rows, with no error at
// all, that the server sent for another request; reply routing is violated and names that
// operation's task.
func TestWrongRowWithoutError(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		r := run(t, "preload-touch-db", seed)
		wrong := slices.DeleteFunc(r.WrongResults(), func(w scenario.WrongResult) bool { return w.Op.Rows == nil })
		if len(wrong) == 0 {
			continue
		}
		op := wrong[0].Op
		if op.Err != "" || !op.Returned {
			t.Fatalf("seed %d: wrong result %v has an error or never returned", seed, wrong[0])
		}
		v := Judge(r, Options{})
		rr := result(t, &v, ReplyRouting)
		if rr.Status != properties.Violated {
			t.Fatalf("seed %d: %v returned a wrong row, yet %v", seed, wrong[0], rr)
		}
		named := slices.ContainsFunc(rr.Violations, func(x properties.Violation) bool {
			return slices.Contains(x.Tasks, op.Task) && x.Step > 0
		})
		if !named {
			t.Errorf("seed %d: no reply routing violation names %s at a step: %v", seed, op.Task, rr.Violations)
		}
		t.Logf("seed %d: %v\n  %v", seed, wrong[0], rr)
		return
	}
	t.Fatal("no seed of 40 returned another request's rows")
}

// clean is a run of a safe scenario whose verdict holds everything: the
// run the history tests judge their hand-built histories with.
func clean(t *testing.T) *scenario.Run {
	t.Helper()
	r := run(t, "gthread-queuepool", 1)
	if v := Judge(r, Options{}); v.Status() != properties.Held {
		t.Fatalf("gthread-queuepool seed 1 is not clean: %s", v.String())
	}
	return r
}

// op is an autocommit kv operation of the hand-built histories.
func op(client, kind string, value, out int64, call, ret int64) model.Op {
	return model.Op{Client: client, Process: "app", Kind: kind, Key: "k0", Value: value, Out: out, Call: call, Return: ret}
}

// TestStaleRead: a read that returns the value a completed write had
// overwritten before the read was called is not linearizable, whether the
// key's operations overlap (porcupine judges them) or not (the sequential
// replay does); the verdict's violations name linearizability alone, and
// the result names the stale read. The same histories with a fresh read
// hold.
func TestStaleRead(t *testing.T) {
	r := clean(t)
	initial := model.Initial(map[string]int64{"k0": 0})
	histories := map[string][]model.Op{
		"concurrent": {
			op("app/a", model.KindWrite, 5, 1, 10, 20),
			op("app/b", model.KindRead, 0, 5, 12, 18), // overlaps the write
			op("app/c", model.KindRead, 0, 0, 30, 40), // after the write returned
		},
		"sequential": {
			op("app/a", model.KindWrite, 5, 1, 10, 20),
			op("app/c", model.KindRead, 0, 0, 30, 40),
		},
	}
	for name, h := range histories {
		ops := append(slices.Clone(initial), h...)
		v := Judge(r, Options{History: func(*scenario.Run) []model.Op { return ops }})
		if got := v.Violations(); !slices.Equal(got, []string{Linearizability}) {
			t.Errorf("%s: violations %q, want linearizability alone", name, got)
		}
		lin := result(t, &v, Linearizability)
		if len(lin.Violations) != 1 {
			t.Fatalf("%s: %v: want the stale read alone", name, lin)
		}
		if x := lin.First(); !slices.Equal(x.Tasks, []string{"app/c"}) || x.Step != 30 || !strings.Contains(x.Detail, "read(k0) -> 0") {
			t.Errorf("%s: violation %v does not name app/c's stale read at step 30", name, x)
		}
		fresh := slices.Clone(ops)
		fresh[len(fresh)-1].Out = 5
		v = Judge(r, Options{History: func(*scenario.Run) []model.Op { return fresh }})
		if lin := result(t, &v, Linearizability); lin.Status != properties.Held {
			t.Errorf("%s with a fresh read: %v", name, lin)
		}
	}
}

// ambiguous is a history porcupine cannot settle quickly: n writes of
// distinct values and n reads of them, all concurrent, then a read of a
// value none wrote. Every order of the concurrent operations must be
// tried before the last read is found impossible.
func ambiguous(n int) []model.Op {
	ops := model.Initial(map[string]int64{"k0": 0})
	for i := range n {
		c := "app/t" + string(rune('a'+i))
		ops = append(ops, op(c, model.KindWrite, int64(i+1), 1, int64(2*i), 1000+int64(i)))
		ops = append(ops, op(c+"r", model.KindRead, 0, int64(n-i), int64(2*i+1), 1000+int64(n+i)))
	}
	return append(ops, op("app/last", model.KindRead, 0, -7, 5000, 5001))
}

// TestPorcupineUnknownIsInconclusive: when porcupine gives no answer
// within the timeout, linearizability is inconclusive with the reason,
// never held, and the verdict, with nothing else violated, is
// inconclusive.
func TestPorcupineUnknownIsInconclusive(t *testing.T) {
	r := clean(t)
	ops := ambiguous(14)
	v := Judge(r, Options{PorcupineTimeout: time.Nanosecond, History: func(*scenario.Run) []model.Op { return ops }})
	lin := result(t, &v, Linearizability)
	if lin.Status != properties.Inconclusive || !strings.Contains(lin.Reason, "porcupine gave no answer within 1ns") {
		t.Fatalf("linearizability %v, want inconclusive for want of an answer", lin)
	}
	if !v.Inconclusive() || v.Violated() || v.Status() != properties.Inconclusive {
		t.Errorf("verdict %s: want inconclusive", v.Summary())
	}
	if !strings.Contains(v.Summary(), "inconclusive: "+Linearizability) {
		t.Errorf("summary %q does not say linearizability is inconclusive", v.Summary())
	}
}

// TestNamesAreTheJudgedProperties: Names lists exactly the properties
// Judge reports, in its order.
func TestNamesAreTheJudgedProperties(t *testing.T) {
	s, err := scenario.Lookup("gthread-queuepool")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Never: []string{"conn busy"}}
	v := Judge(scenario.Execute(s, sim.Zeros(), scenario.Options{Seed: 1, KeepEvents: true}), opts)
	var got []string
	for _, p := range v.Properties {
		got = append(got, p.Property)
	}
	if want := Names(opts); !slices.Equal(got, want) {
		t.Fatalf("Judge reports %q, Names says %q", got, want)
	}
}
