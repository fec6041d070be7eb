package properties

import (
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// world is one simulated run against a fake server, with the client's
// ground truth.
type world struct {
	w   *sim.World
	srv *fakepg.Server
	ct  *fakepg.ClientTruth
}

// newWorld starts a fake server named db in a world driven by seed.
func newWorld(t *testing.T, seed uint64, cfg fakepg.Config) *world {
	t.Helper()
	w := sim.New(sim.Random(seed), sim.MaxSteps(50000))
	srv, err := fakepg.StartSim(w, "db", "db:5432", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &world{w: w, srv: srv, ct: &fakepg.ClientTruth{}}
}

// connect dials the server from the running task and opens a libpq
// connection whose consumed messages are recorded in the client truth.
func (wd *world) connect() (*libpq.Conn, *sim.Conn) {
	sock, err := wd.w.Dial("db:5432")
	if err != nil {
		panic(err)
	}
	c, err := libpq.ConnectObserved(sock, map[string]string{"user": "postgres"}, wd.ct.Hook(wd.w, sock.Inbound()))
	if err != nil {
		panic(err)
	}
	return c, sock
}

// run runs the world to its end; a panic fails the test.
func (wd *world) run(t *testing.T) {
	t.Helper()
	if o := wd.w.Run(); o.Kind == sim.Panicked {
		t.Fatalf("run panicked: %v", o)
	}
}

// judge returns every property's result for the run.
func (wd *world) judge(limit int) []Result {
	truth := wd.srv.Truth()
	return []Result{
		Interleaving(truth, wd.ct, wd.w.Trace()),
		ReplyRouting(truth, wd.ct),
		ConnectionBudget(truth, limit),
		LeakedSessions(truth),
	}
}

func wantStatus(t *testing.T, r Result, want Status) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s: want %s, got %v", r.Property, want, r)
	}
}

// TestOneTaskHoldsEverything: one task using its own connection and
// closing it breaks no property.
func TestOneTaskHoldsEverything(t *testing.T) {
	for seed := range uint64(10) {
		wd := newWorld(t, seed, fakepg.Config{})
		wd.w.Go("client", func() {
			c, _ := wd.connect()
			for range 3 {
				if res := c.Exec("SELECT 1"); res.ErrorMessage() != "" {
					panic(res.ErrorMessage())
				}
			}
			c.Finish()
		})
		wd.run(t)
		if n := len(wd.srv.Truth().Requests); n < 3 {
			t.Fatalf("seed %d: server saw %d requests, want at least 3", seed, n)
		}
		for _, r := range wd.judge(1) {
			wantStatus(t, r, Held)
		}
	}
}
