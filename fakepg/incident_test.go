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

// forkedLibpq connects with the libpq client, forks, and has the parent
// and the child run the ORM query twice each on the inherited socket, each
// with its own copy of the (idle) connection state. It returns the libpq
// error texts seen, keyed by their first line.
func forkedLibpq(w *sim.World) map[string]bool {
	seen := map[string]bool{}
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
	app := w.NewProcess("app")
	app.Go("master", func() {
		sock, err := w.Dial("db:5432")
		if err != nil {
			panic(err)
		}
		c, err := libpq.Connect(sock, map[string]string{"user": "postgres"})
		if err != nil {
			panic(err)
		}
		// replies larger than the server's 8 KB send buffer leave it in
		// several writes, which the two processes' reads can split
		for i := range 3 {
			c.Exec(fmt.Sprintf("INSERT INTO activity VALUES (%d, 'deploy', 'job', 'ops', '%s', 'today')",
				i, strings.Repeat("x", 3000)))
		}
		app.Fork("worker", func(kid *sim.Process) {
			copied := libpq.NewConn(sock.In(kid))
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
	return seen
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
		seen := forkedLibpq(w)
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
		seen2 := forkedLibpq(w2)
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
