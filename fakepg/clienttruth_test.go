package fakepg

import (
	"fmt"
	"slices"
	"testing"

	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// sharedRawConn has two threads of one process use one libpq connection
// without a lock (raw libpq shared by threads, which libpq forbids). Each
// runs a query; client truth records who parsed which reply.
func sharedRawConn(w *sim.World, ct *ClientTruth) {
	app := w.NewProcess("app")
	app.Go("main", func() {
		sock, err := w.Dial("db:5432")
		if err != nil {
			panic(err)
		}
		c, err := libpq.ConnectObserved(sock, map[string]string{"user": "postgres"}, ct.Hook(w, sock.Inbound()))
		if err != nil {
			panic(err)
		}
		for i := range 2 {
			app.Go(fmt.Sprintf("thread-%d", i), func() {
				c.Exec(fmt.Sprintf("SELECT %d", i))
			})
		}
	})
}

// TestClientTruthNamesWhoParsedAReply: the startup exchange is recorded,
// every reply byte a client parsed is attributed to a task, and under some
// schedule a thread parses (part of) the reply to the other thread's
// request: the ground truth of a misrouted reply.
func TestClientTruthNamesWhoParsedAReply(t *testing.T) {
	misrouted := 0
	for seed := range uint64(200) {
		w := sim.New(sim.Random(seed), sim.MaxSteps(20000))
		srv := startSim(t, w, Config{})
		ct := &ClientTruth{}
		sharedRawConn(w, ct)
		if o := w.Run(); o.Kind == sim.Panicked {
			t.Fatalf("seed %d: %v", seed, o)
		}
		if len(ct.Messages) == 0 || ct.Messages[0].Type != 'R' || ct.Messages[0].Task.Path() != "app/main" {
			t.Fatalf("seed %d: the startup's AuthenticationOk is not the first message recorded: %+v", seed, ct.Messages)
		}
		for _, req := range srv.Truth().Requests {
			if req.ReplyEnd <= req.ReplyOff {
				continue
			}
			senders := req.Senders()
			for _, c := range ct.Consumers(req.Session.Outbound, req.ReplyOff, req.ReplyEnd) {
				if !slices.Contains(senders, c) {
					misrouted++
				}
			}
		}
	}
	if misrouted == 0 {
		t.Fatal("in 200 seeds no thread parsed the reply to another thread's request")
	}
}
