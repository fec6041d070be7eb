package libpq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// fakeServer is an in-memory io.ReadWriteCloser that plays the server side
// of a connection for tests. Its script is a list of replies: reply 0 is
// readable at once, reply i+1 becomes readable when the client has sent its
// (i+1)-th request (a Query, Sync, PasswordMessage or CopyFail). Read hands
// out the readable bytes in the chunk sizes given in chunks (the last size
// repeats; none means "everything readable"), and never across a pause
// boundary. When nothing is readable, Read returns endErr (io.EOF unless
// set), as a server that closed its side.
type fakeServer struct {
	replies  [][]byte
	next     int // next reply to release
	avail    []byte
	bounds   []int // pause boundaries within avail
	chunks   []int
	nread    int
	endErr   error
	writeErr error // returned by Write, if set

	written  []byte // everything the client wrote
	in       []byte // unparsed client bytes
	started  bool   // startup packet seen
	requests int
	closed   int // Close calls
}

func newServer(replies ...[]byte) *fakeServer {
	s := &fakeServer{replies: replies, started: true}
	s.release()
	return s
}

// withStartup makes the server expect a startup packet first.
func (s *fakeServer) withStartup() *fakeServer {
	s.started = false
	return s
}

// chunked sets the read chunk sizes.
func (s *fakeServer) chunked(sizes ...int) *fakeServer {
	s.chunks = sizes
	return s
}

func (s *fakeServer) release() {
	if s.next < len(s.replies) {
		for _, part := range bytes.Split(s.replies[s.next], []byte(pauseMark)) {
			if len(s.avail) > 0 || len(part) > 0 {
				s.bounds = append(s.bounds, len(s.avail))
			}
			s.avail = append(s.avail, part...)
		}
		s.next++
	}
}

// pauseMark inside a reply marks a read boundary: no Read returns bytes
// from both sides of it, as when the server pauses between writes.
const pauseMark = "\xff<pause>\xff"

func (s *fakeServer) Read(p []byte) (int, error) {
	for len(s.bounds) > 0 && s.bounds[0] <= 0 {
		s.bounds = s.bounds[1:]
	}
	if len(s.avail) == 0 {
		if s.endErr != nil {
			return 0, s.endErr
		}
		return 0, io.EOF
	}
	n := len(s.avail)
	if len(s.bounds) > 0 && s.bounds[0] < n {
		n = s.bounds[0]
	}
	if len(s.chunks) > 0 {
		size := s.chunks[len(s.chunks)-1]
		if s.nread < len(s.chunks) {
			size = s.chunks[s.nread]
		}
		n = min(n, size)
	}
	n = copy(p, s.avail[:n])
	s.avail = s.avail[n:]
	for i := range s.bounds {
		s.bounds[i] -= n
	}
	s.nread++
	return n, nil
}

func (s *fakeServer) Write(p []byte) (int, error) {
	if s.writeErr != nil {
		return 0, s.writeErr
	}
	s.written = append(s.written, p...)
	s.in = append(s.in, p...)
	for {
		if !s.started {
			if len(s.in) < 4 || len(s.in) < int(binary.BigEndian.Uint32(s.in)) {
				break
			}
			s.in = s.in[binary.BigEndian.Uint32(s.in):]
			s.started = true
			continue
		}
		if len(s.in) < 5 || len(s.in) < 1+int(binary.BigEndian.Uint32(s.in[1:])) {
			break
		}
		t := s.in[0]
		s.in = s.in[1+binary.BigEndian.Uint32(s.in[1:]):]
		switch t {
		case 'Q', 'S', 'p', 'f':
			s.requests++
			s.release()
		}
	}
	return len(p), nil
}

func (s *fakeServer) Close() error {
	s.closed++
	return nil
}

// messages splits the client's bytes after the startup packet into
// (type, body) pairs.
func (s *fakeServer) messages(t *testing.T, skipStartup bool) [][2]string {
	t.Helper()
	b := s.written
	if skipStartup {
		b = b[binary.BigEndian.Uint32(b):]
	}
	var out [][2]string
	for len(b) > 0 {
		if len(b) < 5 {
			t.Fatalf("trailing client bytes %q", b)
		}
		n := int(binary.BigEndian.Uint32(b[1:]))
		out = append(out, [2]string{string(b[:1]), string(b[5 : 1+n])})
		b = b[1+n:]
	}
	return out
}

// Server message builders.

func msg(t byte, body ...[]byte) []byte {
	b := []byte{t, 0, 0, 0, 0}
	for _, p := range body {
		b = append(b, p...)
	}
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	return b
}

func cstr(s string) []byte { return append([]byte(s), 0) }

func i16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

func i32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

type col struct {
	name string
	oid  int
}

func rowDesc(cols ...col) []byte {
	b := i16(len(cols))
	for _, c := range cols {
		b = append(b, cstr(c.name)...)
		b = append(b, i32(0)...)
		b = append(b, i16(0)...)
		b = append(b, i32(c.oid)...)
		b = append(b, i16(4)...)
		b = append(b, i32(-1)...)
		b = append(b, i16(0)...)
	}
	return msg('T', b)
}

// dataRow builds a DataRow; a nil *string is NULL.
func dataRow(vals ...*string) []byte {
	b := i16(len(vals))
	for _, v := range vals {
		if v == nil {
			b = append(b, i32(-1)...)
			continue
		}
		b = append(b, i32(len(*v))...)
		b = append(b, *v...)
	}
	return msg('D', b)
}

func sp(s string) *string { return &s }

func cmdComplete(tag string) []byte { return msg('C', cstr(tag)) }

func ready(st byte) []byte { return msg('Z', []byte{st}) }

// errResp builds an ErrorResponse ('E') or NoticeResponse ('N') from
// code/value pairs.
func errResp(t byte, fields ...string) []byte {
	var b []byte
	for i := 0; i+1 < len(fields); i += 2 {
		b = append(b, fields[i][0])
		b = append(b, cstr(fields[i+1])...)
	}
	return msg(t, b, []byte{0})
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// Expected texts, verified against libpq 15.18.
const (
	closedText = "server closed the connection unexpectedly\n" +
		"\tThis probably means the server terminated abnormally\n" +
		"\tbefore or while processing the request.\n"
	noConnText = "no connection to the server\n"
)

// wantResult checks a result's status and error text.
func wantResult(t *testing.T, r *Result, status ExecStatus, errMsg string) {
	t.Helper()
	if r == nil {
		t.Fatalf("result is nil, want %s", status)
	}
	if r.Status() != status {
		t.Errorf("status = %s, want %s (error %q)", r.Status(), status, r.ErrorMessage())
	}
	if r.ErrorMessage() != errMsg {
		t.Errorf("result error =\n%q\nwant\n%q", r.ErrorMessage(), errMsg)
	}
}

// wantConn checks the connection status and error message.
func wantConn(t *testing.T, c *Conn, status ConnStatus, errMsg string) {
	t.Helper()
	if c.Status() != status {
		t.Errorf("conn status = %s, want %s", c.Status(), status)
	}
	if c.ErrorMessage() != errMsg {
		t.Errorf("conn error =\n%q\nwant\n%q", c.ErrorMessage(), errMsg)
	}
}

var errTest = errors.New("test error")
