// Package simtest holds what the drivers' tests share: a simulated world
// with a fakepg server in it, a recorder of the frontend messages a
// client sends, and checks over the server's ground truth.
package simtest

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// Addr is where the test server listens.
const Addr = "db:5432"

// World returns a world run by s with a fakepg server "db" on Addr.
func World(t testing.TB, s sim.Strategy, cfg fakepg.Config, opts ...sim.Option) (*sim.World, *fakepg.Server) {
	t.Helper()
	if len(opts) == 0 {
		opts = []sim.Option{sim.MaxSteps(200000)}
	}
	w := sim.New(s, opts...)
	srv, err := fakepg.StartSim(w, "db", Addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w, srv
}

// Target is the server as a driver target, user postgres.
func Target(w *sim.World) driver.Target {
	return driver.Target{World: w, Addr: Addr, Params: map[string]string{"user": "postgres", "dbname": "postgres"}}
}

// Run runs w and fails the test if a task panicked or the run diverged.
func Run(t testing.TB, w *sim.World) sim.Outcome {
	t.Helper()
	o := w.Run()
	if o.Kind == sim.Panicked || o.Kind == sim.Diverged {
		t.Fatalf("run ended badly: %v", o)
	}
	return o
}

// Message is one frontend message as a client wrote it.
type Message struct {
	Type byte
	Body []byte
	Task string // the task that wrote it
}

// Text is a Query's text, or "" for other messages.
func (m Message) Text() string {
	if m.Type != 'Q' {
		return ""
	}
	return strings.TrimSuffix(string(m.Body), "\x00")
}

// String renders the message for test failures.
func (m Message) String() string {
	if m.Type == 'Q' {
		return fmt.Sprintf("Q %q", m.Text())
	}
	return fmt.Sprintf("%c %q", m.Type, m.Body)
}

// Wire records the frontend messages of the connections whose send hook
// it is (OnSend). Each chunk a client writes starts at a message
// boundary; a chunk that starts with a zero byte is a startup packet and
// is skipped.
type Wire struct {
	W        *sim.World
	Messages []Message
}

// OnSend is the send hook to give a driver.
func (r *Wire) OnSend(p []byte) {
	task := ""
	if r.W != nil && r.W.Current() != nil {
		task = r.W.Current().Path()
	}
	if len(p) == 0 || p[0] == 0 {
		return
	}
	for len(p) >= 5 {
		n := int(binary.BigEndian.Uint32(p[1:5]))
		if n < 4 || 1+n > len(p) {
			break
		}
		r.Messages = append(r.Messages, Message{Type: p[0], Body: append([]byte(nil), p[5:1+n]...), Task: task})
		p = p[1+n:]
	}
}

// Queries returns the texts of the Query messages, in order.
func (r *Wire) Queries() []string {
	var qs []string
	for _, m := range r.Messages {
		if m.Type == 'Q' {
			qs = append(qs, m.Text())
		}
	}
	return qs
}

// Types returns the message types, in order, as a string.
func (r *Wire) Types() string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteByte(m.Type)
	}
	return b.String()
}

// Interleavings returns the server's requests that were written by more
// than one task, or whose reply was read by a task other than the one
// that sent them: what a per-connection lock must prevent.
func Interleavings(truth *fakepg.Truth) []*fakepg.Request {
	var bad []*fakepg.Request
	for _, r := range truth.Requests {
		senders, readers := r.Senders(), r.Readers()
		if len(senders) > 1 || len(readers) > 1 || (len(readers) == 1 && len(senders) == 1 && readers[0] != senders[0]) {
			bad = append(bad, r)
		}
	}
	return bad
}

// Describe renders a request's senders and readers.
func Describe(r *fakepg.Request) string {
	var s, rd []string
	for _, t := range r.Senders() {
		s = append(s, t.Path())
	}
	for _, t := range r.Readers() {
		rd = append(rd, t.Path())
	}
	return fmt.Sprintf("request of %d messages, senders %v, readers %v", len(r.Messages), s, rd)
}
