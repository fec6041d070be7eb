package psycopg_test

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// queryMessage is a frontend Query message.
func queryMessage(q string) []byte {
	b := []byte{'Q', 0, 0, 0, 0}
	b = append(b, q...)
	b = append(b, 0)
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	return b
}

// TestCommandGetsAnotherReply: when another writer's query precedes
// psycopg2's BEGIN on the socket, BEGIN takes that query's reply as its
// own and pq_raise finds no error text: "error with status ... and no
// message from the libpq", named by the result status libpq made.
func TestCommandGetsAnotherReply(t *testing.T) {
	for _, tc := range []struct{ injected, status string }{
		{"SELECT 1", "PGRES_TUPLES_OK"},
		{"", "PGRES_EMPTY_QUERY"},
	} {
		s := newSession(t, sim.Zeros(), psycopg.Options{})
		var err error
		var status int
		s.w.Go("app", func() {
			c := s.open()
			c.Socket().Write(queryMessage(tc.injected)) // as another process sharing the socket would
			cur := s.cursor(c)
			err = cur.Execute("SELECT 2")
			status = c.Status()
		})
		simtest.Run(t, s.w)
		asError(t, "execute after "+tc.injected, err, "psycopg2.DatabaseError",
			"error with status "+tc.status+" and no message from the libpq")
		if status != psycopg.StatusReady {
			t.Errorf("status %d after a failed BEGIN, want ready", status)
		}
	}
}

// ormQuery is the shape of the incident's ORM query: long aliased column
// names, so that a reader starting inside a RowDescription reads "ty_1"
// as a message length.
const ormQuery = "SELECT activity_1.id AS activity_1_id, activity_1.name AS activity_1_name, " +
	"activity_1.kind AS activity_1_kind, activity_1.owner AS activity_1_owner, " +
	"activity_1.payload AS activity_1_payload FROM activity AS activity_1 ORDER BY activity_1.id"

// forkedPsycopg has a parent and its forked child use their copies of one
// psycopg2 connection, each running the ORM query in a transaction twice;
// it returns the first lines of the errors they saw.
func forkedPsycopg(s *session) map[string]bool {
	seen := map[string]bool{}
	note := func(err error) {
		if err != nil {
			seen[strings.SplitN(err.Error(), "\n", 2)[0]] = true
		}
	}
	work := func(c *psycopg.Conn) {
		for range 2 {
			cur, err := c.NewCursor()
			if err != nil {
				note(err)
				return
			}
			note(cur.Execute(ormQuery))
			_, err = cur.FetchAll()
			note(err)
			note(c.Commit())
		}
	}
	app := s.w.NewProcess("app")
	app.Go("master", func() {
		c := s.open()
		cur := s.cursor(c)
		for i := range 3 {
			s.must(cur, "INSERT INTO activity VALUES (%s, 'deploy', 'job', 'ops', %s, 'today')", i, strings.Repeat("x", 3000))
		}
		c.Commit()
		kid := app.Fork("worker", nil)
		kidConn := c.Copy(procmem.NewCopier(kid))
		kid.Go("main", func() { work(kidConn) })
		work(c)
	})
	return seen
}

// TestForkSharedSocketSymptoms: the parent and a forked child each use
// psycopg2 correctly on their own copy, yet share the socket; some
// schedules show the incident's texts, and every such schedule replays.
func TestForkSharedSocketSymptoms(t *testing.T) {
	symptoms := []string{"no message from the libpq", "lost synchronization with server",
		"insufficient data in", "no results to fetch", "server sent data", "unexpected response from server",
		"message contents do not agree"}
	found := map[string]bool{}
	for seed := range uint64(80) {
		s := newSession(t, sim.Random(seed), psycopg.Options{}, sim.MaxSteps(50000))
		seen := forkedPsycopg(s)
		simtest.Run(t, s.w)
		hit := false
		for text := range seen {
			for _, want := range symptoms {
				if strings.Contains(text, want) {
					found[want], hit = true, true
				}
			}
		}
		if !hit {
			continue
		}
		r := newSession(t, sim.Replay(s.w.Schedule()), psycopg.Options{}, sim.MaxSteps(50000))
		seen2 := forkedPsycopg(r)
		simtest.Run(t, r.w)
		if r.w.Trace().Hash() != s.w.Trace().Hash() || fmt.Sprint(sorted(seen2)) != fmt.Sprint(sorted(seen)) {
			t.Fatalf("seed %d does not replay: %v vs %v", seed, sorted(seen), sorted(seen2))
		}
	}
	if len(found) == 0 {
		t.Fatal("no schedule showed a symptom of the shared socket")
	}
	t.Logf("symptoms: %v", sorted(found))
}

func sorted(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
