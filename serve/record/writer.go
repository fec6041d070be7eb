package record

import (
	"bufio"
	"encoding/json"
	"io"
)

// Writer writes a recording: the header, then one line per message. It
// buffers; Flush writes out what it holds. A Writer is not safe for
// concurrent use.
type Writer struct {
	bw  *bufio.Writer
	enc *json.Encoder
	err error // the first error; later writes are dropped
}

// NewWriter returns a writer of a recording to w, its header written
// (buffered).
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // SQL's <, > and & stay readable
	rw := &Writer{bw: bw, enc: enc}
	rw.err = enc.Encode(Header{Format: Format, Version: Version})
	return rw
}

// Write appends one message line.
func (w *Writer) Write(m Message) error {
	if w.err == nil {
		w.err = w.enc.Encode(m)
	}
	return w.err
}

// Flush writes out the buffered lines.
func (w *Writer) Flush() error {
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	return w.err
}
