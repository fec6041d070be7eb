package properties

import (
	"fmt"
	"strings"
)

// Status is a property's standing over one run.
type Status uint8

// The standings a property can have.
const (
	// Held: the run shows no violation of the property.
	Held Status = iota
	// Violated: the run shows at least one violation.
	Violated
	// Inconclusive: the ground truth given cannot decide the property
	// (Result.Reason says why), and no violation was seen.
	Inconclusive
)

// String returns the status's name.
func (s Status) String() string {
	switch s {
	case Held:
		return "held"
	case Violated:
		return "violated"
	case Inconclusive:
		return "inconclusive"
	}
	return "unknown"
}

// MarshalText renders the status as its name, as JSON shows it.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a status's name.
func (s *Status) UnmarshalText(b []byte) error {
	for _, st := range []Status{Held, Violated, Inconclusive} {
		if string(b) == st.String() {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("properties: unknown status %q", b)
}

// Result is one property's verdict over one run.
type Result struct {
	// Property names the property, like "protocol interleaving".
	Property string `json:"property"`
	// Status is held, violated or inconclusive.
	Status Status `json:"status"`
	// Violations are every violation found, in the order the property's
	// judge documents (mostly by session, then check, then stream offset;
	// by step where the judge says so).
	Violations []Violation `json:"violations,omitempty"`
	// Reason says why the result is inconclusive, or what part of the
	// property could not be checked.
	Reason string `json:"reason,omitempty"`
}

// First returns the first violation, or nil if there is none.
func (r Result) First() *Violation {
	if len(r.Violations) == 0 {
		return nil
	}
	return &r.Violations[0]
}

// String summarises the result on one line: the property, the status and
// the first violation or the reason.
func (r Result) String() string {
	s := r.Property + ": " + r.Status.String()
	if v := r.First(); v != nil {
		s += fmt.Sprintf(" (%d; first: %s)", len(r.Violations), v)
	} else if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	return s
}

// Violation is one breach of a property.
type Violation struct {
	// Kind names what went wrong, like "mixed message".
	Kind string `json:"kind"`
	// Session names the server session: its backend PID and the name of
	// the stream from the client.
	Session string `json:"session,omitempty"`
	// Tasks and Processes are the paths of the tasks involved and of their
	// processes, without repeats, in order of involvement.
	Tasks     []string `json:"tasks,omitempty"`
	Processes []string `json:"processes,omitempty"`
	// Offset is the first offending byte's offset in the stream the
	// violation concerns (-1 when none does).
	Offset int64 `json:"offset"`
	// Step is the world's step of the violation where ground truth records
	// one, else 0.
	Step int `json:"step"`
	// Detail explains the violation.
	Detail string `json:"detail,omitempty"`
}

// String returns the violation on one line.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(v.Kind)
	if v.Session != "" {
		fmt.Fprintf(&b, " on %s", v.Session)
	}
	if len(v.Tasks) > 0 {
		fmt.Fprintf(&b, " by tasks %s", strings.Join(v.Tasks, ", "))
	}
	if len(v.Processes) > 0 {
		fmt.Fprintf(&b, " in processes %s", strings.Join(v.Processes, ", "))
	}
	if v.Offset >= 0 {
		fmt.Fprintf(&b, " at offset %d", v.Offset)
	}
	if v.Step > 0 {
		fmt.Fprintf(&b, " at step %d", v.Step)
	}
	if v.Detail != "" {
		b.WriteString(": " + v.Detail)
	}
	return b.String()
}

// conclude sets the result's status from its violations and reason.
func (r *Result) conclude() {
	switch {
	case len(r.Violations) > 0:
		r.Status = Violated
	case r.Reason != "":
		r.Status = Inconclusive
	default:
		r.Status = Held
	}
}
