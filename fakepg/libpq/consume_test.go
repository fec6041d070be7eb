package libpq

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// sharedStream is the client's view of a socket whose inbound stream
// another reader also consumes: each Read returns the next delivery, whose
// bytes sit at the given stream offset; the bytes between deliveries went
// to the other reader. StreamOffset reports the offset of the next byte
// the stream will deliver.
type sharedStream struct {
	deliveries []delivery
	next       int // offset after the last byte delivered
	written    []byte
}

type delivery struct {
	off  int64
	data []byte
}

func (s *sharedStream) Read(p []byte) (int, error) {
	if len(s.deliveries) == 0 {
		return 0, io.EOF
	}
	d := &s.deliveries[0]
	n := copy(p, d.data)
	s.next = int(d.off) + n
	d.off += int64(n)
	d.data = d.data[n:]
	if len(d.data) == 0 {
		s.deliveries = s.deliveries[1:]
	}
	return n, nil
}

func (s *sharedStream) Write(p []byte) (int, error) {
	s.written = append(s.written, p...)
	return len(p), nil
}

func (s *sharedStream) StreamOffset() int64 { return int64(s.next) }

// record installs a hook that collects what c consumes.
func record(c *Conn) *[]Consumed {
	var got []Consumed
	c.SetConsumeHook(func(m Consumed) { got = append(got, m) })
	return &got
}

// consumedAt builds the expected record of a message read contiguously at
// stream offset off.
func consumedAt(m []byte, off int64) Consumed {
	return Consumed{Type: m[0], Length: int32(len(m) - 1), Ranges: []Range{{off, len(m)}}}
}

func wantConsumed(t *testing.T, got, want []Consumed) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("consumed\n%+v\nwant\n%+v", got, want)
	}
}

// A clean reply: one record per message, in order, contiguous, however
// the reads split it; bytes seen while waiting for the rest of a message
// are not reported early.
func TestConsumeHookCleanReply(t *testing.T) {
	msgs := [][]byte{rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I')}
	var want []Consumed
	off := int64(0)
	for _, m := range msgs {
		want = append(want, consumedAt(m, off))
		off += int64(len(m))
	}
	for _, chunk := range []int{1, 3, 7, 1 << 20} {
		t.Run(fmt.Sprint("chunk", chunk), func(t *testing.T) {
			c := NewConn(newServer(cat(msgs...)).chunked(chunk))
			got := record(c)
			wantResult(t, c.Exec("select 1 as a"), PGRES_TUPLES_OK, "")
			wantConsumed(t, *got, want)
		})
	}
}

// Offsets without StreamOffset count the connection's own bytes across
// replies.
func TestConsumeHookOwnOffsets(t *testing.T) {
	r1, r2 := cmdComplete("BEGIN"), ready('T')
	r3, r4 := cmdComplete("COMMIT"), ready('I')
	c := NewConn(newServer(cat(r1, r2), cat(r3, r4)))
	got := record(c)
	c.Exec("begin")
	c.Exec("commit")
	n1, n2, n3 := int64(len(r1)), int64(len(r2)), int64(len(r3))
	wantConsumed(t, *got, []Consumed{consumedAt(r1, 0), consumedAt(r2, n1), consumedAt(r3, n1+n2), consumedAt(r4, n1+n2+n3)})
}

// When another reader took bytes between two reads, a message made of
// bytes from both reads has two ranges.
func TestConsumeHookGapInStream(t *testing.T) {
	tm, dm, cm, zm := rowDesc(col{"a", 23}), dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I')
	reply := cat(tm, dm, cm, zm)
	const base, gap = 1000, 57
	t.Run("mid message", func(t *testing.T) {
		cut := len(tm) + 4 // inside the DataRow
		s := &sharedStream{deliveries: []delivery{{base, reply[:cut]}, {base + int64(cut) + gap, reply[cut:]}}}
		c := NewConn(s)
		got := record(c)
		wantResult(t, c.Exec("select 1 as a"), PGRES_TUPLES_OK, "")
		after := int64(base + len(tm) + len(dm) + gap)
		wantConsumed(t, *got, []Consumed{
			consumedAt(tm, base),
			{Type: 'D', Length: int32(len(dm) - 1), Ranges: []Range{{base + int64(len(tm)), 4}, {base + int64(cut) + gap, len(dm) - 4}}},
			consumedAt(cm, after),
			consumedAt(zm, after+int64(len(cm))),
		})
	})
	t.Run("at a message boundary", func(t *testing.T) {
		cut := len(tm)
		s := &sharedStream{deliveries: []delivery{{base, reply[:cut]}, {base + int64(cut) + gap, reply[cut:]}}}
		c := NewConn(s)
		got := record(c)
		c.Exec("select 1 as a")
		after := int64(base + len(tm) + gap)
		wantConsumed(t, *got, []Consumed{consumedAt(tm, base), consumedAt(dm, after),
			consumedAt(cm, after+int64(len(dm))), consumedAt(zm, after+int64(len(dm)+len(cm)))})
	})
	// Three reads with two gaps, the middle one a single byte.
	t.Run("two gaps", func(t *testing.T) {
		s := &sharedStream{deliveries: []delivery{{0, zm[:2]}, {10, zm[2:3]}, {20, zm[3:]}}}
		c := NewConn(s)
		got := record(c)
		c.Exec("select")
		wantConsumed(t, *got, []Consumed{{Type: 'Z', Length: 5, Ranges: []Range{{0, 2}, {10, 1}, {20, 3}}}})
	})
}

// The incident's garbled stream: a reader that starts inside a
// RowDescription takes "ity_1..." for a header. The record covers what was
// buffered of the declared extent and carries the sync-loss text.
func TestConsumeHookSyncLoss(t *testing.T) {
	garbled := []byte("ity_1_id\x00\x00\x00\x00\x00\x17\x00\x04")
	const text = "lost synchronization with server: got message type \"i\", length 1954111281\n"
	s := &sharedStream{deliveries: []delivery{{4711, garbled}}}
	c := NewConn(s)
	got := record(c)
	wantResult(t, c.Exec("select"), PGRES_FATAL_ERROR, text)
	wantConsumed(t, *got, []Consumed{{Type: 'i', Length: 1954111281, Ranges: []Range{{4711, len(garbled)}}, Error: text}})
	if !strings.Contains((*got)[0].Error, "lost synchronization with server") {
		t.Error("no sync-loss text")
	}

	// A length under 4 still reports the five header bytes.
	c = NewConn(newServer(cat(cmdComplete("SELECT 0"), []byte("Z\x00\x00\x00\x02IZ"))))
	got = record(c)
	c.Exec("select")
	last := (*got)[len(*got)-1]
	if len(*got) != 2 || last.Type != 'Z' || last.Length != 2 || !reflect.DeepEqual(last.Ranges, []Range{{int64(len(cmdComplete("SELECT 0"))), 5}}) ||
		!strings.HasPrefix(last.Error, "lost synchronization") {
		t.Errorf("short length: %+v", *got)
	}
}

// Messages that libpq rejects for their contents are reported with the
// error text; a server's own ErrorResponse is not an error of the message.
func TestConsumeHookContentErrors(t *testing.T) {
	tests := []struct {
		name  string
		bad   []byte
		error string
	}{
		{"short T", msg('T', i16(2), cstr("a")), `insufficient data in "T" message` + "\n"},
		{"long C", msg('C', cstr("SELECT 1"), []byte("xx")), "message contents do not agree with length in message type \"C\"\n"},
		{"D without T", dataRow(sp("1")), "server sent data (\"D\" message) without prior row description (\"T\" message)\n"},
		{"unknown type", msg('Y'), "unexpected response from server; first received character was \"Y\"\n"},
		{"server error", errResp('E', "S", "ERROR", "M", "boom"), ""},
		{"huge D", cat([]byte{'D'}, i32(0x7fffffff)), "cannot allocate memory for input buffer\n" +
			"lost synchronization with server: got message type \"D\", length 2147483643\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := ready('I')
			c := NewConn(newServer(cat(tt.bad, z)))
			got := record(c)
			c.Exec("select")
			want := []Consumed{{Type: tt.bad[0], Length: int32(len(tt.bad) - 1), Ranges: []Range{{0, len(tt.bad)}}, Error: tt.error}}
			if tt.name == "huge D" {
				// Framing fails with the declared extent cut at the buffered
				// data, which includes the ReadyForQuery after it.
				want[0].Length, want[0].Ranges = 0x7fffffff, []Range{{0, len(tt.bad) + len(z)}}
			} else {
				want = append(want, consumedAt(z, int64(len(tt.bad))))
			}
			wantConsumed(t, *got, want)
			if tt.error != "" && !strings.Contains(c.ErrorMessage(), tt.error) {
				t.Errorf("connection error %q lacks %q", c.ErrorMessage(), tt.error)
			}
		})
	}
}

// The startup exchange reports its messages too, also when it fails on a
// stream that is not PostgreSQL.
func TestConsumeHookStartup(t *testing.T) {
	reply := stdStartupReply()
	c := newConn(newServer(reply).withStartup().chunked(2))
	got := record(c)
	if err := c.connect(map[string]string{"user": "u"}); err != nil {
		t.Fatal(err)
	}
	var types []byte
	end := int64(0)
	for _, m := range *got {
		types = append(types, m.Type)
		if len(m.Ranges) != 1 || m.Ranges[0].Off != end || m.Ranges[0].Len != int(m.Length)+1 || m.Error != "" {
			t.Errorf("record %+v does not follow offset %d", m, end)
		}
		end += int64(m.Ranges[0].Len)
	}
	if string(types) != "RSSKZ" || end != int64(len(reply)) {
		t.Errorf("types %q up to offset %d, want RSSKZ up to %d", types, end, len(reply))
	}

	c = newConn(newServer([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")).withStartup())
	rec := record(c)
	if err := c.connect(map[string]string{"user": "u"}); err == nil {
		t.Fatal("connected to HTTP")
	}
	wantConsumed(t, *rec, []Consumed{{Type: 'H', Ranges: []Range{{0, 1}},
		Error: "expected authentication request from server, but received H\n"}})
}

// bindCompletes is an endless stream of BindComplete messages.
type bindCompletes struct{ off int64 }

func (b *bindCompletes) Read(p []byte) (int, error) {
	n := len(p) - len(p)%5
	for i := 0; i < n; i += 5 {
		copy(p[i:], "2\x00\x00\x00\x04")
	}
	b.off += int64(n)
	return n, nil
}

func (b *bindCompletes) Write(p []byte) (int, error) { return len(p), nil }

func (b *bindCompletes) StreamOffset() int64 { return b.off }

// Without a hook, reading and framing allocate nothing per message; with
// one, the records' ranges are allocated rangesPerChunk at a time.
func TestConsumeNoHookAllocs(t *testing.T) {
	c := NewConn(&bindCompletes{})
	c.asyncStatus = asyncBusy
	step := func() {
		if c.readData() != 1 {
			t.Fatal("read failed")
		}
		c.parseInput()
		if c.inStart != c.inEnd {
			t.Fatalf("unparsed input %d..%d", c.inStart, c.inEnd)
		}
	}
	step()
	if a := testing.AllocsPerRun(20, step); a != 0 {
		t.Errorf("%v allocations per read of BindCompletes without a hook", a)
	}
	n := 0
	c.SetConsumeHook(func(Consumed) { n++ })
	a := testing.AllocsPerRun(20, step)
	perRead := float64(n) / 21 // AllocsPerRun steps once more to warm up
	if perRead < 1000 || a < perRead/rangesPerChunk-1 || a > perRead/rangesPerChunk+1 {
		t.Errorf("%v allocations per read of %v messages with a hook, want one per %d", a, perRead, rangesPerChunk)
	}
	if n < 21*1000 {
		t.Errorf("hook called %d times", n)
	}
}

// BenchmarkClientReply parses a four-message reply with and without a
// consume hook.
func BenchmarkClientReply(b *testing.B) {
	reply := cat(rowDesc(col{"k", 25}, col{"v", 20}), dataRow(sp("a"), sp("1")), cmdComplete("SELECT 1"), ready('I'))
	for _, hook := range []bool{false, true} {
		b.Run(fmt.Sprint("hook=", hook), func(b *testing.B) {
			s := &sharedStream{}
			c := NewConn(s)
			if hook {
				c.SetConsumeHook(func(Consumed) {})
			}
			b.ReportAllocs()
			for range b.N {
				s.deliveries = append(s.deliveries[:0], delivery{int64(s.next), reply})
				if r := c.Exec("select k, v from kv"); r.Status() != PGRES_TUPLES_OK {
					b.Fatal(r.ErrorMessage())
				}
			}
		})
	}
}

// A forked copy reports ranges of its own: parent and child consuming
// after the fork never overwrite each other's reported ranges, though the
// parent had carved only part of its chunk of ranges when it forked.
func TestForkedConsumedRangesAreNotShared(t *testing.T) {
	const childBase = 1 << 40
	c := NewConn(&bindCompletes{})
	c.asyncStatus = asyncBusy
	var parent, child []Consumed
	c.SetConsumeHook(func(m Consumed) { parent = append(parent, m) })
	step := func(c *Conn) {
		if c.readData() != 1 {
			t.Fatal("read failed")
		}
		c.parseInput()
	}
	step(c)
	if len(parent)%rangesPerChunk == 0 {
		t.Fatalf("%d messages fill whole chunks: the fork would not share a partly used one", len(parent))
	}
	cp := c.Fork(&bindCompletes{off: childBase})
	cp.SetConsumeHook(func(m Consumed) { child = append(child, m) })
	step(cp)
	step(c)
	for i, m := range parent {
		if len(m.Ranges) != 1 || m.Ranges[0].Off != int64(5*i) || m.Ranges[0].Len != 5 {
			t.Fatalf("parent's message %d: ranges %v, want [{%d 5}]", i, m.Ranges, 5*i)
		}
	}
	for i, m := range child {
		if len(m.Ranges) != 1 || m.Ranges[0].Off != childBase+int64(5*i) {
			t.Fatalf("child's message %d: ranges %v", i, m.Ranges)
		}
	}
}
