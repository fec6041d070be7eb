// Package verdict judges one finished run of a scenario: every property on
// its own (held, violated with its first step, or inconclusive with why),
// the symptom texts the application saw with their counts, the peak of
// server connections, the virtual latency percentiles and the trace hash.
//
// A Verdict is computed after the run, from the run's ground truth, its
// recorded operations and its trace; judging takes no scheduling decision
// and starts no goroutine inside the run (porcupine's goroutines run after
// it).
package verdict

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
)

// The names of the properties a Verdict reports, in the order it reports
// them. A symptom-text property is named SymptomProperty(text).
const (
	ProtocolInterleaving = "protocol interleaving"
	ReplyRouting         = "reply routing"
	Linearizability      = "linearizability"
	TransactionMixing    = "transaction mixing"
	ConnectionBudget     = "connection budget"
	LeakedSessions       = "leaked sessions"
	HungTasks            = "hung tasks"
	SessionStateLeak     = "session-state leak"
	Symptoms             = "symptom texts"
)

// Names returns the names of the properties a verdict judged with opts
// reports, in report order.
func Names(opts Options) []string {
	out := []string{ProtocolInterleaving, ReplyRouting, Linearizability, TransactionMixing, ConnectionBudget,
		LeakedSessions, HungTasks, SessionStateLeak, Symptoms}
	for _, t := range opts.Never {
		out = append(out, SymptomProperty(t))
	}
	return out
}

// SymptomProperty names the property "text never reaches the application".
func SymptomProperty(text string) string { return "symptom " + fmt.Sprintf("%q", text) }

// Options tune the judging of a run.
type Options struct {
	// Never are symptom texts judged as properties: each is violated when
	// the text reaches the application (an operation's or request's error,
	// or a log line).
	Never []string
	// PorcupineTimeout bounds the linearizability check; a check that
	// times out makes the property inconclusive, never held. Zero means
	// DefaultPorcupineTimeout.
	PorcupineTimeout time.Duration
	// SkipLinearizability leaves porcupine out; the property is then
	// reported inconclusive with that reason.
	SkipLinearizability bool
	// History, if set, gives the operations linearizability judges in
	// place of History(run): a seam for judging a run's verdict over a
	// history built by hand.
	History func(*scenario.Run) []model.Op
}

// DefaultPorcupineTimeout is the linearizability check's default bound.
const DefaultPorcupineTimeout = 10 * time.Second

// Verdict is everything a review needs from one run.
type Verdict struct {
	// Scenario is the scenario's name; Seed the workload seed.
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	// Outcome is how the run ended, on one line (completed, deadlocked,
	// hung at the deadline, over budget, a task's panic, diverged).
	Outcome string `json:"outcome"`
	// Err is set when the run could not be started.
	Err string `json:"error,omitempty"`
	// Properties are the judged properties in report order.
	Properties []properties.Result `json:"properties"`
	// Symptoms counts each symptom text the application saw.
	Symptoms map[string]int `json:"symptoms,omitempty"`
	// Peak is the largest number of server sessions open at once, Limit
	// the server's max_connections.
	Peak  int `json:"peak_connections"`
	Limit int `json:"max_connections"`
	// P50 and P99 are the virtual latencies of the requests (in JSON as
	// durations, like "1.5ms"; see MarshalJSON).
	P50 time.Duration `json:"p50"`
	P99 time.Duration `json:"p99"`
	// TraceHash is the run's trace hash; Steps and Decisions its size.
	TraceHash uint64 `json:"trace_hash"`
	Steps     int    `json:"steps"`
	Decisions int    `json:"decisions"`
}

// Result returns the named property's result, or nil if the verdict has
// none of that name.
func (v *Verdict) Result(name string) *properties.Result {
	for i := range v.Properties {
		if v.Properties[i].Property == name {
			return &v.Properties[i]
		}
	}
	return nil
}

// Violated reports whether any property is violated. A run that could
// not start has no properties (see Status).
func (v *Verdict) Violated() bool {
	for _, p := range v.Properties {
		if p.Status == properties.Violated {
			return true
		}
	}
	return false
}

// ViolatedAny reports whether any of the named properties is violated.
// With no names it is Violated.
func (v *Verdict) ViolatedAny(names ...string) bool {
	if len(names) == 0 {
		return v.Violated()
	}
	for _, n := range names {
		if r := v.Result(n); r != nil && r.Status == properties.Violated {
			return true
		}
	}
	return false
}

// Inconclusive reports whether no property is violated and at least one
// is inconclusive.
func (v *Verdict) Inconclusive() bool {
	if v.Violated() {
		return false
	}
	for _, p := range v.Properties {
		if p.Status == properties.Inconclusive {
			return true
		}
	}
	return false
}

// Violations returns the names of the violated properties, in report
// order.
func (v *Verdict) Violations() []string {
	var out []string
	for _, p := range v.Properties {
		if p.Status == properties.Violated {
			out = append(out, p.Property)
		}
	}
	return out
}

// String renders the verdict for a terminal: a header line, one line per
// property, the symptoms, connections, latencies and trace hash.
func (v *Verdict) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s, seed %d: %s\n", v.Scenario, v.Seed, v.Outcome)
	if v.Err != "" {
		fmt.Fprintf(&b, "  not run: %s\n", v.Err)
		return b.String()
	}
	for _, p := range v.Properties {
		fmt.Fprintf(&b, "  %s\n", p.String())
	}
	for _, t := range v.SymptomOrder() {
		fmt.Fprintf(&b, "  symptom %q: %d\n", t, v.Symptoms[t])
	}
	fmt.Fprintf(&b, "  peak server connections %d of %d; latency p50 %v, p99 %v (virtual)\n", v.Peak, v.Limit, v.P50, v.P99)
	fmt.Fprintf(&b, "  trace hash %016x (%d steps, %d decisions)\n", v.TraceHash, v.Steps, v.Decisions)
	return b.String()
}

// SymptomOrder lists the symptom texts seen, sorted.
func (v *Verdict) SymptomOrder() []string { return slices.Sorted(maps.Keys(v.Symptoms)) }

// Judge judges the finished run r: every property of the report order,
// then one per text of opts.Never.
func Judge(r *scenario.Run, opts Options) Verdict {
	v := Verdict{Scenario: r.Scenario.Name, Seed: r.Options.Seed, Outcome: firstLine(r.Outcome.String())}
	if r.Err != nil {
		v.Err = r.Err.Error()
		v.Outcome = "not run"
		return v
	}
	v.Limit = r.Scenario.Server.MaxConnections
	v.Peak = r.PeakConnections()
	v.P50, v.P99 = r.Percentile(50), r.Percentile(99)
	v.TraceHash, v.Steps, v.Decisions = r.Hash(), r.Outcome.Steps, r.Outcome.Decisions
	v.Symptoms = r.Symptoms()
	v.Properties = make([]properties.Result, 0, len(judges)+len(opts.Never))
	for _, j := range judges {
		v.Properties = append(v.Properties, j(r, opts))
	}
	if len(opts.Never) > 0 {
		occ := occurrences(r)
		for _, text := range opts.Never {
			v.Properties = append(v.Properties, symptomText(occ, text))
		}
	}
	return v
}

// judges are the properties of every verdict, in report order.
var judges = []func(*scenario.Run, Options) properties.Result{
	func(r *scenario.Run, _ Options) properties.Result {
		return named(ProtocolInterleaving, properties.Interleaving(r.Truth, r.ClientTruth, r.World.Trace()))
	},
	func(r *scenario.Run, _ Options) properties.Result {
		return named(ReplyRouting, properties.ReplyRouting(r.Truth, r.ClientTruth))
	},
	linearizability,
	func(r *scenario.Run, _ Options) properties.Result {
		return named(TransactionMixing, properties.TransactionMixing(r.Truth))
	},
	func(r *scenario.Run, _ Options) properties.Result {
		return named(ConnectionBudget, properties.ConnectionBudget(r.Truth, r.Scenario.Server.MaxConnections))
	},
	func(r *scenario.Run, _ Options) properties.Result {
		return named(LeakedSessions, properties.LeakedSessions(r.Truth))
	},
	hungTasks,
	func(r *scenario.Run, _ Options) properties.Result {
		return named(SessionStateLeak, properties.SessionStateLeak(r.Truth))
	},
	symptoms,
}

func named(name string, r properties.Result) properties.Result {
	r.Property = name
	return r
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
