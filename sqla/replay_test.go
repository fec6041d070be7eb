package sqla_test

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

// threadsRun runs three request threads with scoped sessions over a
// QueuePool of one connection plus one overflow, with pre-ping, and
// returns the world after the run.
func threadsRun(t *testing.T, s sim.Strategy) *sim.World {
	e := newEnv(t, s)
	eng := e.engine(sqla.K("pool_size", 1, "max_overflow", 1, "pool_timeout", 5, "pool_pre_ping", true)...)
	db := sqla.NewScopedSession(e.w, func() *sqla.Engine { return eng })
	committed := 0
	for i := range 3 {
		e.w.Go("thread", func() {
			for j := range 2 {
				s := db.Get()
				_, err := s.Execute(sqla.Text("insert into kv values (:k, :v) on conflict (k) do update set v = kv.v + 1"),
					sqla.P("k", "k", "v", i*10+j)...)
				if err == nil {
					_, err = s.Execute(sqla.Select("SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv", "kv_k", "kv_v"))
				}
				if err == nil {
					err = s.Commit()
				}
				if err != nil {
					panic(err)
				}
				committed++
				_ = db.Remove()
				e.w.Sleep(time.Millisecond)
			}
		})
	}
	e.run()
	if committed != 6 {
		t.Fatalf("%d requests committed, want 6", committed)
	}
	return e.w
}

// TestRunsReplay: a seed's run and the replay of its schedule have the
// same trace hash; another seed's differs.
func TestRunsReplay(t *testing.T) {
	a := threadsRun(t, sim.Random(99))
	b := threadsRun(t, sim.Random(99))
	if a.Trace().Hash() != b.Trace().Hash() {
		t.Fatal("the same seed gave two traces")
	}
	r := threadsRun(t, sim.Replay(a.Schedule()))
	if r.Trace().Hash() != a.Trace().Hash() {
		t.Fatal("the replay's trace differs")
	}
	if threadsRun(t, sim.Random(100)).Trace().Hash() == a.Trace().Hash() {
		t.Fatal("two seeds gave the same trace: the schedule does not matter?")
	}
}
