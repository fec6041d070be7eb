package fakepg

import (
	"bytes"
	"slices"
	"testing"
)

// writes records each Write's bytes.
type writes struct{ segs [][]byte }

func (w *writes) Write(p []byte) (int, error) {
	w.segs = append(w.segs, bytes.Clone(p))
	return len(p), nil
}

// TestSendBufferSegments: messages of every size, small ones and ones
// larger than the buffer, put and flushed in turn, reach the writer in
// the segments PostgreSQL's 8 KB send buffer makes (a write whenever the
// buffer is full and at each flush), byte for byte, however the buffer's
// memory grew.
func TestSendBufferSegments(t *testing.T) {
	sizes := []int{5, 300, 8000, 191, 1, 8192, 20000, 3, 16384, 700, 9000}
	w := &writes{}
	b := newSendBuffer(w)
	var want [][]byte
	var pending, all []byte
	for i, n := range sizes {
		msg := bytes.Repeat([]byte{byte('a' + i)}, n)
		all = append(all, msg...)
		b.put(msg)
		for _, c := range msg { // the model: a fixed buffer of SendBufferSize
			if len(pending) == SendBufferSize {
				want, pending = append(want, pending), nil
			}
			pending = append(pending, c)
		}
		if i%3 == 2 {
			b.flush()
			if len(pending) > 0 {
				want, pending = append(want, pending), nil
			}
		}
		if got := b.offset(); got != int64(len(all)) {
			t.Fatalf("offset %d after %d bytes", got, len(all))
		}
	}
	b.flush()
	if len(pending) > 0 {
		want = append(want, pending)
	}
	if !slices.EqualFunc(w.segs, want, bytes.Equal) {
		var got, exp []int
		for _, s := range w.segs {
			got = append(got, len(s))
		}
		for _, s := range want {
			exp = append(exp, len(s))
		}
		t.Fatalf("segments %v, want %v", got, exp)
	}
}
