package pgxlike

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgproto3/v2"
	pgprotov5 "github.com/jackc/pgx/v5/pgproto3"
)

func msg(typ byte, body []byte) []byte {
	b := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(len(body)+4))
	return append(b, body...)
}

// TestFramingTexts: what pgx v5's pgproto3 says of streams it cannot
// read, checked against pgx v5's own Frontend too.
func TestFramingTexts(t *testing.T) {
	cases := []struct {
		name   string
		stream []byte
		want   string
	}{
		{"short length", []byte{'Z', 0, 0, 0, 2, 'I'}, "invalid message length: 2"},
		{"negative length", []byte{'T', 0xff, 0xff, 0, 0}, "invalid message length: -65536"},
		{"unknown type", msg('x', []byte("ab")), "unknown message type: x"},
		{"the incident's length", []byte{'i', 0x74, 0x79, 0x5f, 0x31}, "invalid body length: expected at most 1073741822, but got 1954111277"},
		{"unterminated tag", msg('C', []byte("SELECT 1")), "CommandComplete body is invalid unterminated string"},
		{"early terminated tag", msg('C', []byte("SEL\x00ECT")), "CommandComplete body is invalid string terminated too early"},
		{"short DataRow", msg('D', []byte{0, 1, 0, 0, 0, 9, 'a'}), "DataRow body is invalid "},
		{"negative DataRow value length", msg('D', []byte{0, 1, 0xff, 0xff, 0xff, 0xf0}), "DataRow body is invalid "},
		{"short NotificationResponse", msg('A', []byte{0, 1}), "NotificationResponse body is invalid too short"},
		{"empty CommandComplete", msg('C', nil), "CommandComplete body is invalid unterminated string"},
		{"cut short", msg('Z', []byte{'I'})[:4], "unexpected EOF"},
		{"empty", nil, "unexpected EOF"},
	}
	for _, tc := range cases {
		fr := newFrameReader(bytes.NewReader(tc.stream))
		f := pgproto3.NewFrontend(fr, io.Discard)
		_, err := f.Receive()
		if err != nil {
			err = fr.decodeError(err)
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		_, v5err := pgprotov5.NewFrontend(bytes.NewReader(tc.stream), io.Discard).Receive()
		if v5err == nil || v5err.Error() != tc.want {
			t.Errorf("%s: pgx v5 says %v, the test wants %q", tc.name, v5err, tc.want)
		}
	}
}

// slowReader delivers one byte per read and then blocks (EOF here).
type slowReader struct {
	data  []byte
	reads int
}

func (r *slowReader) Read(p []byte) (int, error) {
	r.reads++
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

// TestFramingHugeLengthWaits: a garbage length under pgproto3's limit
// makes the reader wait for bytes without allocating them.
func TestFramingHugeLengthWaits(t *testing.T) {
	r := &slowReader{data: append([]byte{'i', 0x34, 0x79, 0x5f, 0x31}, bytes.Repeat([]byte{'x'}, 100)...)}
	fr := newFrameReader(r)
	_, err := pgproto3.NewFrontend(fr, io.Discard).Receive()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want unexpected EOF once the stream ends", err)
	}
	if len(fr.buf) > minReadBuf+maxReadAhead {
		t.Errorf("buffer grew to %d bytes for a message whose bytes never came", len(fr.buf))
	}
	if r.reads < 100 {
		t.Errorf("%d reads: the reader did not keep waiting for the body", r.reads)
	}
}

// TestStatementName: pgx's cache names.
func TestStatementName(t *testing.T) {
	// sha256("SELECT 1") = e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5
	if got := StatementName("SELECT 1"); got != "stmtcache_e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701" {
		t.Errorf("got %s", got)
	}
}

// TestLRUCache: most recently used first; a full cache invalidates its
// oldest; invalidated statements wait for deallocation and are not put
// back meanwhile.
func TestLRUCache(t *testing.T) {
	c := newLRUCache(2)
	a, b, d := &StatementDescription{SQL: "a"}, &StatementDescription{SQL: "b"}, &StatementDescription{SQL: "d"}
	c.Put(a)
	c.Put(b)
	c.Get("a")
	c.Put(d) // evicts b, the least recently used
	if c.Get("b") != nil || c.Get("a") != a || c.Get("d") != d || c.Len() != 2 {
		t.Fatalf("cache %v", c.order)
	}
	if inv := c.GetInvalidated(); len(inv) != 1 || inv[0] != b {
		t.Fatalf("invalidated %v", inv)
	}
	c.Invalidate("a")
	c.Put(a)
	if c.Get("a") != nil {
		t.Error("an invalidated statement was put back before deallocation")
	}
	c.RemoveInvalidated()
	c.Put(a)
	if c.Get("a") != a {
		t.Error("after deallocation the statement can be cached again")
	}
}

// TestFramingMatchesPgxV5: on random and mangled backend streams, the
// first message or error from this package's framing over pgproto3 v2 is
// the one pgx v5's own Frontend gives.
func TestFramingMatchesPgxV5(t *testing.T) {
	valid := [][]byte{
		msg('T', append([]byte{0, 1}, append([]byte("activity_1_id\x00"), make([]byte, 18)...)...)),
		msg('D', []byte{0, 1, 0, 0, 0, 1, '7'}),
		msg('C', []byte("SELECT 1\x00")),
		msg('E', []byte("SERROR\x00C23505\x00Mduplicate\x00\x00")),
		msg('N', []byte("SWARNING\x00Mhm\x00\x00")),
		msg('S', []byte("a\x00b\x00")),
		msg('Z', []byte{'I'}),
		msg('1', nil), msg('2', nil), msg('3', nil), msg('n', nil), msg('I', nil), msg('s', nil),
		msg('t', []byte{0, 1, 0, 0, 0, 25}),
		msg('K', []byte{0, 0, 0, 1, 0, 0, 0, 2}),
		msg('A', []byte{0, 0, 0, 1, 'c', 0, 'p', 0}),
	}
	seed := uint64(1)
	next := func() uint64 { // splitmix64
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	types := []byte("123ACDEGHIKNRSTVWZcdnst")
	for i := range 8000 {
		var stream []byte
		switch i % 4 {
		case 3: // any type, a random short body
			body := make([]byte, next()%24)
			for j := range body {
				if next()%3 == 0 {
					body[j] = byte(next() % 4)
				} else {
					body[j] = byte(next())
				}
			}
			stream = msg(types[next()%uint64(len(types))], body)
		case 0: // a valid message cut or mangled
			stream = bytes.Clone(valid[next()%uint64(len(valid))])
			if len(stream) > 5 && next()%2 == 0 {
				stream[5+next()%uint64(len(stream)-5)] = byte(next())
			} else {
				stream = stream[:next()%uint64(len(stream)+1)]
			}
		case 1: // a valid body under a wrong length
			stream = bytes.Clone(valid[next()%uint64(len(valid))])
			binary.BigEndian.PutUint32(stream[1:], uint32(4+next()%uint64(len(stream))))
		default: // the middle of another message
			b := bytes.Clone(valid[next()%uint64(len(valid))])
			b = append(b, valid[next()%uint64(len(valid))]...)
			stream = b[next()%uint64(len(b)):]
		}
		fr := newFrameReader(bytes.NewReader(stream))
		m2, err2 := pgproto3.NewFrontend(fr, io.Discard).Receive()
		if err2 != nil {
			err2 = fr.decodeError(err2)
		}
		if len(stream) >= 5 && int32(binary.BigEndian.Uint32(stream[1:])) > 1<<16 {
			continue // pgx v5 would allocate the declared length; both wait for it
		}
		m5, err5 := pgprotov5.NewFrontend(bytes.NewReader(stream), io.Discard).Receive()
		if (err2 == nil) != (err5 == nil) || (err2 != nil && err2.Error() != err5.Error()) {
			t.Fatalf("stream %q: model %v, pgx v5 %v", stream, err2, err5)
		}
		if err2 == nil && fmt.Sprintf("%T", m2)[len("*pgproto3."):] != fmt.Sprintf("%T", m5)[len("*pgproto3."):] {
			t.Fatalf("stream %q: model %T, pgx v5 %T", stream, m2, m5)
		}
	}
}
