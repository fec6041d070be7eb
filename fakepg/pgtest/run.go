package pgtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"
)

// Run performs the script against the server at addr and returns the
// transcript. All its connections are closed when it returns.
//
// Run fails t with the transcript so far when a step waits longer than its
// timeout, when a connection cannot be opened, or when the script is wrong
// (a step on a session that is not connected, a Connect of one that is).
// It calls t.Fatalf, so call it from the test's goroutine.
func Run(t testing.TB, addr string, s Script) Transcript {
	t.Helper()
	r := &runner{addr: addr, sessions: map[string]*session{}}
	defer r.closeAll()
	tr := Transcript{Server: addr}
	for i, st := range s {
		e := Entry{Step: i + 1, Session: st.Session, Sent: st.String()}
		err := r.step(st, &e)
		tr.Entries = append(tr.Entries, e)
		if err != nil {
			t.Fatalf("pgtest: %s: step %d (%s: %s): %v\ntranscript so far:\n%s",
				addr, i+1, st.Session, e.Sent, err, tr)
		}
	}
	return tr
}

// runner holds the sessions of one Run.
type runner struct {
	addr     string
	sessions map[string]*session
}

func (r *runner) closeAll() {
	for _, s := range r.sessions {
		s.close()
	}
}

// step performs st, recording into e.
func (r *runner) step(st Step, e *Entry) error {
	timeout := st.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	s := r.sessions[st.Session]
	switch st.kind {
	case kindDial:
		if s != nil {
			return fmt.Errorf("session %q is already connected", st.Session)
		}
		conn, err := net.DialTimeout("tcp", r.addr, timeout)
		if err != nil {
			return err
		}
		s = newSession(st.Session, conn)
		r.sessions[st.Session] = s
	case kindDisconnect:
		if s == nil {
			return fmt.Errorf("session %q is not connected", st.Session)
		}
		s.close()
		delete(r.sessions, st.Session)
		return nil
	default:
		if s == nil {
			return fmt.Errorf("session %q is not connected (Connect or Dial it first)", st.Session)
		}
	}
	if err := r.send(s, st, e, timeout); err != nil {
		return err
	}
	return r.collect(s, st, e, timeout)
}

// send writes the step's messages and bytes in one write. Writing to a
// connection the server has closed is recorded as a note, not a failure.
func (r *runner) send(s *session, st Step, e *Entry, timeout time.Duration) error {
	var buf []byte
	for _, m := range st.msgs {
		var err error
		if buf, err = m.Encode(buf); err != nil {
			return fmt.Errorf("encode %T: %v", m, err)
		}
	}
	buf = append(buf, st.raw...)
	if len(buf) == 0 {
		return nil
	}
	if s.ended {
		e.Note = "not sent: the server had closed the connection"
		return nil
	}
	if st.oneByte {
		s.oneByte.Store(true)
	}
	s.conn.SetWriteDeadline(time.Now().Add(timeout))
	defer s.conn.SetWriteDeadline(time.Time{})
	if _, err := s.conn.Write(buf); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("the server did not read %d bytes within %s", len(buf), timeout)
		}
		e.Note = "write failed: the server had closed the connection"
	}
	return nil
}

// collect records backend messages into e until the step's wait is over.
func (r *runner) collect(s *session, st Step, e *Entry, timeout time.Duration) error {
	if st.wait == waitNone || s.ended {
		return nil
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var idle <-chan time.Time
	if st.wait == waitIdle {
		t := time.NewTimer(st.idle)
		defer t.Stop()
		idle = t.C
	}
	got, ready := 0, 0
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				s.ended = true
				return nil
			}
			e.Recv = append(e.Recv, renderFrame(f, st.mask))
			got++
			switch {
			case f.kind == frameClosed:
				s.ended = true
				return nil
			case st.wait == waitReady && f.kind == frameMsg && f.typ == 'Z':
				if ready++; ready >= st.n {
					return nil
				}
			case st.wait == waitCount && got >= st.n:
				return nil
			}
		case <-idle:
			return nil
		case <-deadline.C:
			return fmt.Errorf("no reply within %s (waiting for %s)", timeout, st.waitFor())
		}
	}
}

// waitFor says what the step waits for, for timeout messages.
func (s Step) waitFor() string {
	switch s.wait {
	case waitReady:
		return fmt.Sprintf("%d ReadyForQuery", s.n)
	case waitClose:
		return "the server to close the connection"
	case waitCount:
		return fmt.Sprintf("%d messages", s.n)
	}
	return "nothing"
}
