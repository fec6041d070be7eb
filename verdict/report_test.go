package verdict

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestVerdictJSON: a verdict marshals to the same document every time,
// with statuses by name, latencies as durations, the trace hash in
// hexadecimal and the summary.
func TestVerdictJSON(t *testing.T) {
	v := Judge(run(t, "threads-psycopg2-shared", 1), Options{})
	a, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(&v)
	if !bytes.Equal(a, b) {
		t.Errorf("the verdict and a pointer to it marshal differently:\n%s\n%s", a, b)
	}
	var doc struct {
		Status     string `json:"status"`
		Scenario   string `json:"scenario"`
		Seed       uint64 `json:"seed"`
		Properties []struct {
			Property, Status string
			Violations       []struct {
				Kind  string
				Step  int
				Tasks []string
			}
		} `json:"properties"`
		P50, P99  string
		TraceHash string `json:"trace_hash"`
		Summary   string `json:"summary"`
		Peak      int    `json:"peak_connections"`
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Status != v.Status().String() || doc.Scenario != "threads-psycopg2-shared" || doc.Seed != 1 || doc.Peak != v.Peak {
		t.Errorf("header %+v does not match the verdict", doc)
	}
	if len(doc.Properties) != len(v.Properties) {
		t.Fatalf("%d properties in the document, %d in the verdict", len(doc.Properties), len(v.Properties))
	}
	for i, p := range doc.Properties {
		if p.Property != v.Properties[i].Property || p.Status != v.Properties[i].Status.String() || len(p.Violations) != len(v.Properties[i].Violations) {
			t.Errorf("property %d: %+v, want %v", i, p, v.Properties[i])
		}
	}
	for _, d := range []string{doc.P50, doc.P99} {
		if _, err := time.ParseDuration(d); err != nil {
			t.Errorf("latency %q: %v", d, err)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(doc.TraceHash) {
		t.Errorf("trace hash %q is not 16 hexadecimal digits", doc.TraceHash)
	}
	if doc.Summary != v.Summary() {
		t.Errorf("summary %q, want %q", doc.Summary, v.Summary())
	}
}

// TestSummary: the summary is one line naming the scenario, the seed,
// the overall status and each violated property with its first step.
func TestSummary(t *testing.T) {
	v := Judge(run(t, "gthread-nullpool-max-connections-4", 1), Options{})
	s := v.Summary()
	if strings.Contains(s, "\n") {
		t.Fatalf("summary spans lines: %q", s)
	}
	for _, want := range []string{"gthread-nullpool-max-connections-4 seed 1: completed", "; violated; violated: ", ConnectionBudget + " (", Symptoms + " (", "held; peak 4 of 4 connections"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary %q lacks %q", s, want)
		}
	}
	cb := v.Result(ConnectionBudget)
	if want := ConnectionBudget + " (" + strconv.Itoa(len(cb.Violations)) + ", step " + strconv.Itoa(cb.First().Step) + ")"; !strings.Contains(s, want) {
		t.Errorf("summary %q lacks %q", s, want)
	}
}
