package fakepg

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// ormQuery is the shape of query the incident's ORM sent: long aliased
// column names, so a reader that starts in the middle of a RowDescription
// takes "ty_1..." for a message header.
const ormQuery = "SELECT activity_1.id AS activity_1_id, activity_1.name AS activity_1_name, " +
	"activity_1.kind AS activity_1_kind, activity_1.owner AS activity_1_owner, " +
	"activity_1.payload AS activity_1_payload FROM activity AS activity_1 ORDER BY activity_1.id"

// consumedBy is one backend message as a process's libpq took it.
type consumedBy struct {
	proc *sim.Process
	msg  libpq.Consumed
}

// forkedRun is what forkedLibpq's tasks leave behind.
type forkedRun struct {
	seen     map[string]bool // libpq error and notice texts, by first line
	sock     *sim.Conn       // the parent's socket, once dialled
	consumed []consumedBy    // messages consumed after the startup, if recorded
}

// forkedLibpq connects with the libpq client, forks, and has the parent
// and the child run the ORM query twice each on the inherited socket, each
// with its own copy of the (idle) connection state. With record set, each
// process's connection records the messages it consumes.
func forkedLibpq(w *sim.World, record bool) *forkedRun {
	run := &forkedRun{seen: map[string]bool{}}
	seen := run.seen
	note := func(c *libpq.Conn, res *libpq.Result) {
		if msg := res.ErrorMessage(); msg != "" {
			seen[strings.SplitN(msg, "\n", 2)[0]] = true
		} else if res == nil {
			seen[strings.SplitN(c.ErrorMessage(), "\n", 2)[0]] = true
		}
		for _, n := range c.Notices() {
			seen[strings.TrimSuffix(n, "\n")] = true
		}
	}
	hook := func(c *libpq.Conn, p *sim.Process) {
		if record {
			c.SetConsumeHook(func(m libpq.Consumed) { run.consumed = append(run.consumed, consumedBy{p, m}) })
		}
	}
	app := w.NewProcess("app")
	app.Go("master", func() {
		sock, err := w.Dial("db:5432")
		if err != nil {
			panic(err)
		}
		run.sock = sock
		c, err := libpq.Connect(sock, map[string]string{"user": "postgres"})
		if err != nil {
			panic(err)
		}
		hook(c, app)
		// replies larger than the server's 8 KB send buffer leave it in
		// several writes, which the two processes' reads can split
		for i := range 3 {
			c.Exec(fmt.Sprintf("INSERT INTO activity VALUES (%d, 'deploy', 'job', 'ops', '%s', 'today')",
				i, strings.Repeat("x", 3000)))
		}
		app.Fork("worker", func(kid *sim.Process) {
			copied := c.Fork(sock.In(kid))
			hook(copied, kid)
			kid.Go("worker-main", func() {
				for range 2 {
					note(copied, copied.Exec(ormQuery))
				}
			})
		})
		for range 2 {
			note(c, c.Exec(ormQuery))
		}
	})
	return run
}

// TestIncidentErrorsFromSharedSocket is the incident's mechanism end to
// end: two processes sharing one connection after fork, each using libpq
// correctly, produce libpq's corruption errors under some schedules, and
// every such schedule replays.
func TestIncidentErrorsFromSharedSocket(t *testing.T) {
	libpqTexts := []string{
		"lost synchronization with server",
		"insufficient data in",
		"message contents do not agree with length",
		"server sent data (\"D\" message) without prior row description",
		"arrived from server while idle",
		"unexpected response from server",
		"unexpected field count",
	}
	found := map[string]bool{}
	for seed := range uint64(300) {
		w := sim.New(sim.Random(seed), sim.MaxSteps(20000))
		startSim(t, w, Config{})
		seen := forkedLibpq(w, false).seen
		if o := w.Run(); o.Kind == sim.Panicked {
			t.Fatalf("seed %d: %v", seed, o)
		}
		corrupt := false
		for text := range seen {
			for _, want := range libpqTexts {
				if strings.Contains(text, want) {
					found[want] = true
					corrupt = true
				}
			}
		}
		if !corrupt {
			continue
		}
		w2 := sim.New(sim.Replay(w.Schedule()), sim.MaxSteps(20000))
		startSim(t, w2, Config{})
		seen2 := forkedLibpq(w2, false).seen
		w2.Run()
		if w2.Trace().Hash() != w.Trace().Hash() || len(seen2) != len(seen) {
			t.Fatalf("seed %d did not replay: %v vs %v", seed, seen, seen2)
		}
	}
	if len(found) == 0 {
		t.Fatal("no schedule in 300 seeds produced a libpq corruption error")
	}
	var kinds []string
	for k := range found {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	t.Logf("libpq errors produced: %q", kinds)
}

// TestIncidentConsumedBytesReadByConsumer checks the client-side ground
// truth against the simulator's: every stream byte a process's libpq
// reports as part of a message was read by a task of that process, and no
// byte is reported twice, also when the two processes' reads interleave
// inside messages.
func TestIncidentConsumedBytesReadByConsumer(t *testing.T) {
	split, broken := 0, 0
	for seed := range uint64(100) {
		w := sim.New(sim.Random(seed), sim.MaxSteps(20000))
		startSim(t, w, Config{})
		run := forkedLibpq(w, true)
		if o := w.Run(); o.Kind == sim.Panicked {
			t.Fatalf("seed %d: %v", seed, o)
		}
		in := run.sock.Inbound()
		var all []libpq.Range
		for _, c := range run.consumed {
			if len(c.msg.Ranges) > 1 {
				split++
			}
			if c.msg.Error != "" {
				broken++
			}
			for _, r := range c.msg.Ranges {
				all = append(all, r)
				n := 0
				for _, sp := range in.ReadersOf(r.Off, r.Len) {
					if sp.Task.Process() != c.proc {
						t.Fatalf("seed %d: %s reports %c bytes %d+%d, but %s read %d+%d",
							seed, c.proc, c.msg.Type, r.Off, r.Len, sp.Task, sp.Off, sp.Len)
					}
					n += sp.Len
				}
				if n != r.Len {
					t.Fatalf("seed %d: %s reports %d+%d, of which %d bytes were read", seed, c.proc, r.Off, r.Len, n)
				}
			}
		}
		sort.Slice(all, func(i, j int) bool { return all[i].Off < all[j].Off })
		for i := 1; i < len(all); i++ {
			if all[i].Off < all[i-1].Off+int64(all[i-1].Len) {
				t.Fatalf("seed %d: ranges %+v and %+v overlap", seed, all[i-1], all[i])
			}
		}
	}
	if split == 0 || broken == 0 {
		t.Fatalf("%d messages from split reads, %d failed messages: the schedules did not interleave", split, broken)
	}
	t.Logf("%d messages made of non-contiguous stream bytes, %d failed", split, broken)
}
