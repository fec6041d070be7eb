package model

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/scenario"
)

func TestFromApp(t *testing.T) {
	recs := []*app.Op{
		{Statement: app.ReadStatement("k0"), Autocommit: true, Task: "main/w0/t1", Process: "main/w0",
			Rows: [][]string{{"k0", "3"}}, CallStep: 10, ReturnStep: 20, Returned: true},
		{Statement: app.ReadStatement("k0"), Autocommit: true, Task: "main/w0/t1", Process: "main/w0",
			Rows: [][]string{}, CallStep: 21, ReturnStep: 22, Returned: true},
		{Statement: app.ReadStatement("k0"), Autocommit: true, Task: "main/w0/t2", Process: "main/w0",
			Rows: [][]string{{"activity_1_id", "x"}}, CallStep: 23, ReturnStep: 24, Returned: true},
		{Statement: app.ReadStatement("k0"), Autocommit: true, Task: "main/w0/t2", Process: "main/w0",
			RowCount: 1, CallStep: 23, ReturnStep: 24, Returned: true},
		{Statement: app.IncrementStatement("k0"), Autocommit: true, Task: "main/w0/t2", Process: "main/w0",
			Rows: [][]string{{"4"}}, CallStep: 25, ReturnStep: 26, Returned: true},
		{Statement: app.WriteStatement("k0", 9), Autocommit: true, Task: "main/w0/t2", Process: "main/w0",
			RowCount: 1, Err: "server closed the connection unexpectedly", CallStep: 27, ReturnStep: 28, Returned: true},
		{Statement: app.UpsertStatement("k0", 5), Autocommit: true, Task: "main/w1/t1", Process: "main/w1",
			CallStep: 29, Returned: false},
		// A key a transaction touches is left out, autocommit operations
		// on it included; so are statements the model does not know.
		{Statement: app.WriteStatement("k1", 2), Txn: 0, Task: "main/w1/t1", Process: "main/w1", Returned: true},
		{Statement: app.ReadStatement("k1"), Autocommit: true, Task: "main/w1/t1", Process: "main/w1", Returned: true},
		{Statement: app.SelectStatement(), Autocommit: true, Task: "main/w1/t1", Process: "main/w1", Returned: true},
	}
	got := FromApp(recs)
	want := []Op{
		{Client: "main/w0/t1", Process: "main/w0", Kind: KindRead, Key: "k0", Out: 3, Call: 10, Return: 20},
		{Client: "main/w0/t1", Process: "main/w0", Kind: KindRead, Key: "k0", OutAbsent: true, Call: 21, Return: 22},
		{Client: "main/w0/t2", Process: "main/w0", Kind: KindRead, Key: "k0", Garbled: true, Call: 23, Return: 24},
		{Client: "main/w0/t2", Process: "main/w0", Kind: KindRead, Key: "k0", Garbled: true, Call: 23, Return: 24},
		{Client: "main/w0/t2", Process: "main/w0", Kind: KindIncrement, Key: "k0", Value: 1, Out: 4, Call: 25, Return: 26},
		{Client: "main/w0/t2", Process: "main/w0", Kind: KindWrite, Key: "k0", Value: 9,
			Err: "server closed the connection unexpectedly", Call: 27, Return: 28},
		{Client: "main/w1/t1", Process: "main/w1", Kind: KindUpsert, Key: "k0", Value: 5, Err: "never returned", Call: 29},
	}
	if len(got) != len(want) {
		t.Fatalf("FromApp gave %d ops, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("op %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestInitial(t *testing.T) {
	ops := Initial(map[string]int64{"k1": 0, "k0": 7})
	if len(ops) != 2 || ops[0].Key != "k0" || ops[0].Value != 7 || ops[1].Key != "k1" || ops[0].Kind != KindUpsert ||
		ops[0].Call != InitialStep || ops[0].Return != InitialStep {
		t.Fatalf("Initial = %+v", ops)
	}
	ops = append(ops, Op{Client: "t", Kind: KindRead, Key: "k0", Out: 7, Call: 0, Return: 1})
	if res, _ := Check(ops, 10*time.Second); res != Ok {
		t.Errorf("read of the initial value: Check = %s, want ok", res)
	}
}

// TestSimulatedRunIsLinearizable runs a safe scenario with autocommit
// requests only and judges its operations after the run.
func TestSimulatedRunIsLinearizable(t *testing.T) {
	judged := 0
	for seed := range uint64(5) {
		ops := autocommitRun(t, "gthread-queuepool", seed)
		for _, o := range ops {
			if o.Kind == KindRead && !o.Unknown() && !o.Garbled {
				judged++
			}
		}
		if res, info := Check(ops, 10*time.Second); res != Ok {
			t.Errorf("seed %d: Check = %s, violations %v", seed, res, Violations(ops, info))
		}
	}
	if judged == 0 {
		t.Fatal("no successful autocommit read was recorded")
	}
	t.Logf("%d successful reads judged", judged)
}

// autocommitRun runs scenario name with autocommit requests only and
// returns its operations with the seeded initial values first.
func autocommitRun(t *testing.T, name string, seed uint64) []Op {
	t.Helper()
	base, err := scenario.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	s := *base
	s.Workload.Mix = app.Mix{Autocommit: 1, Read: 2, Write: 1, Increment: 1, Upsert: 1}
	run := scenario.RunSeed(&s, seed)
	if run.Err != nil {
		t.Fatalf("%s seed %d: %v", name, seed, run.Err)
	}
	initial := map[string]int64{app.SettingsKey: 0}
	for i := range s.Workload.Keys {
		initial[fmt.Sprintf("k%d", i)] = 0
	}
	return append(Initial(initial), FromApp(run.Ops())...)
}

// TestSimulatedForkSharingIsIllegal judges a scenario whose workers share
// the connection they inherited through fork: replies reach the wrong
// callers, and the check says so and marks them.
func TestSimulatedForkSharingIsIllegal(t *testing.T) {
	for seed := range uint64(5) {
		ops := autocommitRun(t, "preload-touch-db", seed)
		res, info := Check(ops, 10*time.Second)
		if res != Illegal {
			continue
		}
		v := Violations(ops, info)
		if len(v) == 0 {
			t.Fatalf("seed %d: illegal, but no operation marked", seed)
		}
		var buf bytes.Buffer
		if err := WriteHTML(&buf, ops, info); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "not linearizable") {
			t.Errorf("seed %d: the HTML does not mark the violations", seed)
		}
		t.Logf("seed %d: %d operations, first violation %s", seed, len(ops), ops[v[0]])
		return
	}
	t.Fatal("no seed of 0-4 gave an illegal history for preload-touch-db")
}
