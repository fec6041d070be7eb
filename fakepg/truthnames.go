package fakepg

import (
	"fmt"

	"github.com/poolsim/poolsim/sim"
)

// Name names the session in reports: "backend 4201 (c1.up)", its backend
// PID and the name of the stream from the client.
func (s *SessionTruth) Name() string {
	name := "?"
	if s.Inbound != nil {
		name = s.Inbound.Name()
	}
	return fmt.Sprintf("backend %d (%s)", s.PID, name)
}

// Opener returns the task that wrote the session's first startup byte,
// or nil when none was recorded.
func (s *SessionTruth) Opener() *sim.Task { return firstWriter(s.Startup) }

// Owner returns the task that owns the request: the writer of its first
// byte, or nil for a request with no recorded writer.
func (r *Request) Owner() *sim.Task { return firstWriter(r.Messages) }

func firstWriter(ms []MessageTruth) *sim.Task {
	for _, m := range ms {
		if len(m.Writers) > 0 {
			return m.Writers[0].Task
		}
	}
	return nil
}
