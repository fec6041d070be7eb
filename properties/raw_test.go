package properties

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// query returns a simple Query message for sql.
func query(sql string) []byte {
	b := []byte{'Q', 0, 0, 0, 0}
	b = append(b, sql...)
	b = append(b, 0)
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	return b
}

// readReplies reads from sock until n ReadyForQuery messages arrived.
func readReplies(sock *sim.Conn, n int) {
	var buf []byte
	p := make([]byte, 256)
	for n > 0 {
		k, err := sock.Read(p)
		if err != nil {
			panic(err)
		}
		buf = append(buf, p[:k]...)
		for len(buf) >= 5 {
			l := int(binary.BigEndian.Uint32(buf[1:]))
			if len(buf) < 1+l {
				break
			}
			if buf[0] == 'Z' {
				n--
			}
			buf = buf[1+l:]
		}
	}
}

// TestPipeliningByOneOwnerIsLegal: one task sending two queries before
// reading either reply interleaves nothing.
func TestPipeliningByOneOwnerIsLegal(t *testing.T) {
	for seed := range uint64(10) {
		wd := newWorld(t, seed, fakepg.Config{})
		wd.w.Go("client", func() {
			c, sock := wd.connect()
			sock.Write(append(query("SELECT 1"), query("SELECT 2")...))
			readReplies(sock, 2)
			c.Finish()
		})
		wd.run(t)
		if n := len(wd.srv.Truth().Requests); n != 3 {
			t.Fatalf("seed %d: %d requests, want 2 queries and a Terminate", seed, n)
		}
		wantStatus(t, Interleaving(wd.srv.Truth(), wd.ct, wd.w.Trace()), Held)
	}
}

// TestTwoOwnersOutstandingAndMixed: a second task writing half a message
// after the first task's half, and a request from another task while the
// first one's reply is unread, are both reported with both tasks.
func TestTwoOwnersOutstandingAndMixed(t *testing.T) {
	wd := newWorld(t, 0, fakepg.Config{})
	app := wd.w.NewProcess("app")
	app.Go("main", func() {
		_, sock := wd.connect()
		q := query("SELECT 1")
		sock.Write(q) // main's request, reply unread until the end
		helper := app.Go("helper", func() {
			sock.Write(q[:3])
		})
		for !helper.Done() {
			wd.w.Yield()
		}
		sock.Write(q[3:]) // finishes the message the helper began
		readReplies(sock, 2)
	})
	wd.run(t)
	r := Interleaving(wd.srv.Truth(), wd.ct, wd.w.Trace())
	wantStatus(t, r, Violated)
	kinds := map[string]Violation{}
	for _, v := range r.Violations {
		kinds[v.Kind] = v
	}
	// the mixed message's writers in byte order; the outstanding request's
	// owner first
	wants := map[string][]string{
		MixedMessage:            {"app/main/helper", "app/main"},
		RequestWhileOutstanding: {"app/main", "app/main/helper"},
	}
	for _, k := range []string{MixedMessage, RequestWhileOutstanding} {
		v, ok := kinds[k]
		if !ok {
			t.Errorf("no %s in %v", k, r.Violations)
			continue
		}
		if !slices.Equal(v.Tasks, wants[k]) || !slices.Equal(v.Processes, []string{"app"}) {
			t.Errorf("%s names %q in %q, want %q in app", k, v.Tasks, v.Processes, wants[k])
		}
	}
	if v := kinds[MixedMessage]; v.Step == 0 || v.Step <= kinds[RequestWhileOutstanding].Step {
		t.Errorf("mixed message at step %d, want a step after the helper's request at step %d",
			v.Step, kinds[RequestWhileOutstanding].Step)
	}
	if v := kinds[MixedMessage]; v.Offset != wd.srv.Truth().Requests[1].Messages[0].Off+3 {
		t.Errorf("mixed message at offset %d, want 3 bytes into the second request", v.Offset)
	}
}

// TestWithoutTraceInconclusive: with no trace events the outstanding
// check cannot run, so a clean run is inconclusive rather than held.
func TestWithoutTraceInconclusive(t *testing.T) {
	wd := newWorld(t, 0, fakepg.Config{})
	wd.w.Go("client", func() {
		c, _ := wd.connect()
		c.Exec("SELECT 1")
		c.Finish()
	})
	wd.run(t)
	wantStatus(t, Interleaving(wd.srv.Truth(), wd.ct, nil), Inconclusive)
	wantStatus(t, ReplyRouting(wd.srv.Truth(), nil), Inconclusive)
}
