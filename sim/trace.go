package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"time"
)

// EventKind says what an event records.
type EventKind uint8

// The kinds of event a world records.
const (
	EvSpawn    EventKind = iota + 1 // a task was created
	EvYield                         // a task slept for no time
	EvExit                          // a task returned
	EvBlock                         // a task blocked; detail says on what
	EvWake                          // a blocked task became runnable
	EvLock                          // a mutex was acquired
	EvUnlock                        // a mutex was released
	EvSignal                        // a condition was signalled or broadcast
	EvSleep                         // a task started sleeping
	EvTimer                         // a timer fired
	EvListen                        // a listener was opened
	EvDial                          // a connection was dialled
	EvAccept                        // a connection was accepted
	EvWrite                         // bytes were written to a socket
	EvRead                          // bytes were read from a socket
	EvEOF                           // a read saw end of stream
	EvClose                         // a descriptor was closed
	EvShutdown                      // a socket's write side was shut down
	EvFork                          // a process was forked
	EvKill                          // a process was killed or exited
	EvPanic                         // a task panicked
	EvNote                          // a note from the code under simulation
	evKindCount
)

var eventKindNames = [...]string{
	EvSpawn: "spawn", EvYield: "yield", EvExit: "exit", EvBlock: "block",
	EvWake: "wake", EvLock: "lock", EvUnlock: "unlock", EvSignal: "signal",
	EvSleep: "sleep", EvTimer: "timer", EvListen: "listen", EvDial: "dial",
	EvAccept: "accept", EvWrite: "write", EvRead: "read", EvEOF: "eof",
	EvClose: "close", EvShutdown: "shutdown", EvFork: "fork", EvKill: "kill",
	EvPanic: "panic", EvNote: "note",
}

// String returns the kind's name as written in JSON Lines traces.
func (k EventKind) String() string {
	if k < evKindCount && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one thing that happened in a world.
type Event struct {
	Step   int           // the world's step counter
	Time   time.Duration // virtual time since the start of the run
	Proc   int           // process ID (0 for the scheduler itself)
	Task   int           // task ID (0 for the scheduler itself)
	Kind   EventKind     // what happened
	Detail string        // kind-specific detail
}

// Trace is the ordered record of a run's events and their running hash.
// Events are kept only when the world keeps them (the default); the hash is
// always computed.
type Trace struct {
	events []Event
	state  uint64 // running hash before finishing
	count  int
	keep   bool
	w      *World
}

const (
	hashSeed = 0x9e3779b97f4a7c15
	hashMul  = 0x517cc1b727220a95
)

// fold mixes one word into the running hash: a rotate, an xor and a
// multiply per word (the FxHash step), cheap enough to run at every event.
func fold(h, v uint64) uint64 {
	return (bits.RotateLeft64(h, 5) ^ v) * hashMul
}

// finish is the splitmix64 finaliser, applied when the hash is read so that
// every input bit affects every output bit.
func finish(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func foldString(h uint64, s string) uint64 {
	h = fold(h, uint64(len(s)))
	for len(s) >= 8 {
		h = fold(h, uint64(s[0])|uint64(s[1])<<8|uint64(s[2])<<16|uint64(s[3])<<24|
			uint64(s[4])<<32|uint64(s[5])<<40|uint64(s[6])<<48|uint64(s[7])<<56)
		s = s[8:]
	}
	var word uint64
	for i := 0; i < len(s); i++ {
		word |= uint64(s[i]) << (8 * i)
	}
	return fold(h, word)
}

func (tr *Trace) add(e *Event) {
	h := tr.state
	if tr.count == 0 {
		h = hashSeed
	}
	h = fold(h, uint64(e.Step))
	h = fold(h, uint64(e.Time))
	h = fold(h, uint64(e.Proc)<<40|uint64(e.Task)<<8|uint64(e.Kind))
	if e.Detail != "" {
		h = foldString(h, e.Detail)
	}
	tr.state = h
	tr.count++
	if tr.keep {
		tr.events = append(tr.events, *e)
	}
}

// Hash returns the stable 64-bit hash of every event recorded so far, in
// order. Runs that recorded different events have different hashes except
// with the odds of a 64-bit collision.
func (tr *Trace) Hash() uint64 { return finish(tr.state) }

// Len returns the number of events recorded (kept or not).
func (tr *Trace) Len() int { return tr.count }

// Events returns the kept events. The slice must not be modified.
func (tr *Trace) Events() []Event { return tr.events }

// jsonEvent is the JSON Lines form of an event.
type jsonEvent struct {
	Step    int    `json:"step"`
	TimeNS  int64  `json:"time_ns"`
	Process string `json:"process"`
	Task    string `json:"task"`
	Kind    string `json:"kind"`
	Detail  string `json:"detail,omitempty"`
}

// WriteJSONL writes the kept events as JSON Lines, one object per event with
// the fields step, time_ns, process, task, kind and detail.
func (tr *Trace) WriteJSONL(out io.Writer) error {
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	for _, e := range tr.events {
		je := jsonEvent{Step: e.Step, TimeNS: int64(e.Time), Kind: e.Kind.String(), Detail: e.Detail}
		je.Process, je.Task = tr.w.procName(e.Proc), tr.w.taskName(e.Task)
		if err := enc.Encode(je); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Format returns a human-readable line for e.
func (tr *Trace) Format(e Event) string {
	return fmt.Sprintf("%6d %12v %-10s %-16s %-8s %s", e.Step, e.Time, tr.w.procName(e.Proc),
		tr.w.taskName(e.Task), e.Kind, e.Detail)
}
