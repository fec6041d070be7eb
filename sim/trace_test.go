package sim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteJSONL(t *testing.T) {
	w, _ := runEcho(Random(11))
	var buf bytes.Buffer
	if err := w.Trace().WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	n := 0
	kinds := map[string]bool{}
	for sc.Scan() {
		var e struct {
			Step    int    `json:"step"`
			TimeNS  int64  `json:"time_ns"`
			Process string `json:"process"`
			Task    string `json:"task"`
			Kind    string `json:"kind"`
			Detail  string `json:"detail"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		want := w.Trace().Events()[n]
		if e.Step != want.Step || e.Kind != want.Kind.String() || e.Detail != w.Trace().Detail(want) ||
			e.Task != w.taskName(want.Task) || e.Process != w.procName(want.Proc) || e.TimeNS != int64(want.Time) {
			t.Fatalf("line %d: %+v does not match event %+v", n+1, e, want)
		}
		kinds[e.Kind] = true
		n++
	}
	if n != w.Trace().Len() {
		t.Fatalf("%d lines for %d events", n, w.Trace().Len())
	}
	for _, k := range []string{"spawn", "dial", "accept", "write", "read", "lock", "unlock", "sleep", "timer", "close", "exit"} {
		if !kinds[k] {
			t.Errorf("no %q event in the echo workload's trace", k)
		}
	}
}
