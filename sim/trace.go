package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"time"
)

// EventKind says what an event records.
type EventKind uint8

// The kinds of event a world records.
const (
	EvSpawn    EventKind = iota + 1 // a task was created (or refused: its process had exited)
	EvYield                         // a task slept for no time
	EvExit                          // a task returned
	EvBlock                         // a task blocked; the event says in what
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
	EvKill                          // a process was killed
	EvPanic                         // a task panicked
	EvNote                          // a note from the code under simulation
	EvProcExit                      // a process exited: its last task returned
	EvAccess                        // a declared access to shared memory
	EvAfter                         // a timer was set (AfterFunc)
	evKindCount
)

var eventKindNames = [...]string{
	EvSpawn: "spawn", EvYield: "yield", EvExit: "exit", EvBlock: "block",
	EvWake: "wake", EvLock: "lock", EvUnlock: "unlock", EvSignal: "signal",
	EvSleep: "sleep", EvTimer: "timer", EvListen: "listen", EvDial: "dial",
	EvAccept: "accept", EvWrite: "write", EvRead: "read", EvEOF: "eof",
	EvClose: "close", EvShutdown: "shutdown", EvFork: "fork", EvKill: "kill",
	EvPanic: "panic", EvNote: "note", EvProcExit: "process-exit", EvAccess: "access", EvAfter: "after",
}

// String returns the kind's name as written in JSON Lines traces.
func (k EventKind) String() string {
	if k < evKindCount && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one thing that happened in a world, in structured form: the
// object it concerns and up to three integers whose meaning depends on the
// kind (byte offsets and descriptor of a read or write, the task woken, a
// duration). Its text is rendered only when asked for (Trace.Detail).
type Event struct {
	Step    int           // the world's step counter
	Time    time.Duration // virtual time since the start of the run
	Proc    int           // process ID (0 for the scheduler itself)
	Task    int           // task ID (0 for the scheduler itself)
	Kind    EventKind     // what happened
	A, B, C int64         // kind-specific integers
	Text    string        // the text of a note or a panic
	obj     *object
	obj2    *object
}

// Object returns the identity of the object the event concerns, if any.
func (e *Event) Object() (ObjectID, bool) {
	if e.obj == nil {
		return ObjectID{}, false
	}
	return e.obj.id, true
}

// Objects returns the identities of the objects the event concerns.
func (e *Event) Objects() []ObjectID {
	var ids []ObjectID
	for _, o := range [2]*object{e.obj, e.obj2} {
		if o != nil {
			ids = append(ids, o.id)
		}
	}
	return ids
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
	var objs uint64
	if e.obj != nil {
		objs = uint64(e.obj.num)
	}
	if e.obj2 != nil {
		objs |= uint64(e.obj2.num) << 32
	}
	if objs|uint64(e.A)|uint64(e.B)|uint64(e.C) != 0 {
		h = fold(h, objs)
		h = fold(h, uint64(e.A))
		h = fold(h, uint64(e.B))
		h = fold(h, uint64(e.C))
	}
	if e.Text != "" {
		h = foldString(h, e.Text)
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

// emit records an event without an object, attributed to the current
// task, or to the scheduler outside tasks.
func (w *World) emit(kind EventKind) { w.emitObj2(kind, nil, nil, 0, 0, 0) }

func (w *World) emitObj(kind EventKind, obj *object, a, b, c int64) {
	w.emitObj2(kind, obj, nil, a, b, c)
}

func (w *World) emitObj2(kind EventKind, obj, obj2 *object, a, b, c int64) {
	if w.ended {
		return
	}
	e := Event{Step: w.step, Time: w.clock, Kind: kind, A: a, B: b, C: c, obj: obj, obj2: obj2}
	if t := w.running; t != nil {
		e.Task, e.Proc = t.id, t.proc.id
	}
	w.trace.add(&e)
}

// emitTask records an event about task t (a wake-up).
func (w *World) emitTask(kind EventKind, t *Task) {
	w.emitObj2(kind, nil, nil, int64(t.id), 0, 0)
}

// emitText records an event with a text (a note, a panic).
func (w *World) emitText(kind EventKind, text string) {
	if w.ended {
		return
	}
	e := Event{Step: w.step, Time: w.clock, Kind: kind, Text: text}
	if t := w.running; t != nil {
		e.Task, e.Proc = t.id, t.proc.id
	}
	w.trace.add(&e)
}

// Detail renders an event's kind-specific detail, e.g. "c1.up [0,5) fd 3"
// for a write or "acquire mutex pool" for a block.
func (tr *Trace) Detail(e Event) string {
	w := tr.w
	name := func(o *object) string {
		if o == nil {
			return "-"
		}
		return o.name
	}
	switch e.Kind {
	case EvSpawn:
		s := w.taskName(int(e.A)) + " in " + name(e.obj)
		if e.B == 1 {
			s += " refused: process exited"
		}
		return s
	case EvBlock:
		return blockDetail(Access(e.A), e.obj, e.B)
	case EvWake:
		return w.taskName(int(e.A))
	case EvLock, EvUnlock, EvEOF, EvShutdown, EvKill, EvProcExit:
		return name(e.obj)
	case EvSignal:
		if e.A != 0 {
			return name(e.obj) + " -> " + w.taskName(int(e.A))
		}
		return name(e.obj) + " -> all " + strconv.FormatInt(e.B, 10)
	case EvSleep, EvAfter:
		return time.Duration(e.A).String()
	case EvTimer:
		return "timer " + strconv.FormatInt(e.A, 10) + " due " + time.Duration(e.B).String()
	case EvListen:
		return name(e.obj) + " fd " + strconv.FormatInt(e.A, 10)
	case EvDial, EvAccept:
		if e.A < 0 {
			return name(e.obj) + " refused"
		}
		return name(e.obj) + " " + name(e.obj2) + " fd " + strconv.FormatInt(e.A, 10)
	case EvWrite, EvRead:
		return name(e.obj) + " [" + strconv.FormatInt(e.A, 10) + "," + strconv.FormatInt(e.B, 10) + ") fd " + strconv.FormatInt(e.C, 10)
	case EvClose:
		return "fd " + strconv.FormatInt(e.A, 10) + " of " + w.procName(int(e.B)) + " (" + name(e.obj) + ")"
	case EvFork:
		return name(e.obj) + " -> " + w.procName(int(e.A))
	case EvAccess:
		return Access(e.A).String() + " " + name(e.obj)
	}
	return e.Text
}

// blockDetail renders what a blocked task waits in.
func blockDetail(acc Access, o *object, a int64) string {
	switch {
	case o == nil && acc == AccTimer:
		return "sleep until " + time.Duration(a).String()
	case o == nil:
		return acc.String()
	case acc == AccRead || acc == AccAccept:
		return acc.String() + " " + o.name + " fd " + strconv.FormatInt(a, 10)
	case acc == AccWait && a > 0:
		return "wait cond " + o.name + " (timeout at " + time.Duration(a).String() + ")"
	}
	return acc.String() + " " + objectKindNames[o.kind] + " " + o.name
}

// describeWait says what a blocked task waits on, for deadlock and hang
// reports: "acquire mutex pool held by app/worker#1/main/bg".
func (w *World) describeWait(t *Task) string {
	on := t.blockedOn
	s := blockDetail(on.acc, on.obj, t.blockArg)
	if on.obj != nil && on.obj.mu != nil {
		s += " held by " + on.obj.mu.describeHolder()
	}
	return s
}

// jsonEvent is the JSON Lines form of an event.
type jsonEvent struct {
	Step    int    `json:"step"`
	TimeNS  int64  `json:"time_ns"`
	Process string `json:"process"`
	Task    string `json:"task"`
	Kind    string `json:"kind"`
	Object  string `json:"object,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// WriteJSONL writes the kept events as JSON Lines, one object per event with
// the fields step, time_ns, process, task, kind, object (its lineage
// identity) and detail.
func (tr *Trace) WriteJSONL(out io.Writer) error {
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	for _, e := range tr.events {
		je := jsonEvent{Step: e.Step, TimeNS: int64(e.Time), Kind: e.Kind.String(), Detail: tr.Detail(e)}
		je.Process, je.Task = tr.w.procName(e.Proc), tr.w.taskName(e.Task)
		if e.obj != nil {
			je.Object = e.obj.id.String()
		}
		if err := enc.Encode(je); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Format returns a human-readable line for e.
func (tr *Trace) Format(e Event) string {
	return fmt.Sprintf("%6d %12v %-14s %-24s %-8s %s", e.Step, e.Time, tr.w.procName(e.Proc),
		tr.w.taskName(e.Task), e.Kind, tr.Detail(e))
}
