package pgtest

import (
	"fmt"
	"strings"
)

// Transcript is what Run recorded: per step, what was sent and the backend
// messages the step collected, one normalized line each (see the package
// documentation for the line formats).
type Transcript struct {
	// Server is the address the script ran against; Diff uses it as the
	// label of each side.
	Server string
	// Entries has one entry per step, in script order.
	Entries []Entry
}

// Entry is one step of a transcript.
type Entry struct {
	Step    int    // 1-based position in the script
	Session string // session name
	Sent    string // what the step sent (Step.String)
	Note    string // client-side observation, e.g. a write to a closed connection
	Recv    []string
}

// String renders the transcript, one line per step, note and message:
//
//	#2 s1 > Q "SELECT 1"
//	#2 s1 < T [?column?:int4(23)]
func (t Transcript) String() string {
	return strings.Join(t.lines(), "\n")
}

// lines renders the transcript as String does, one element per line.
func (t Transcript) lines() []string {
	var out []string
	for _, e := range t.Entries {
		prefix := fmt.Sprintf("#%d %s ", e.Step, e.Session)
		out = append(out, prefix+"> "+e.Sent)
		if e.Note != "" {
			out = append(out, prefix+"! "+e.Note)
		}
		for _, l := range e.Recv {
			out = append(out, prefix+"< "+l)
		}
	}
	return out
}

// Lines returns every backend message line of session, in order.
func (t Transcript) Lines(session string) []string {
	var out []string
	for _, e := range t.Entries {
		if e.Session == session {
			out = append(out, e.Recv...)
		}
	}
	return out
}

// Recv returns the backend message lines collected by step n (1-based), or
// nil if there is no such step.
func (t Transcript) Recv(n int) []string {
	if n < 1 || n > len(t.Entries) {
		return nil
	}
	return t.Entries[n-1].Recv
}
