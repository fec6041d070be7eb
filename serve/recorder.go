package serve

import (
	"fmt"
	"os"
	"sync"

	"github.com/poolsim/poolsim/serve/record"
)

// recorder writes the record file for every session at once.
//
// Invariant: mu guards w; each message is written whole, so the lines of
// concurrent sessions interleave but never mix.
type recorder struct {
	path string
	f    *os.File
	mu   sync.Mutex
	w    *record.Writer
}

// newRecorder creates (or truncates) the record file at path.
func newRecorder(path string) (*recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &recorder{path: path, f: f, w: record.NewWriter(f)}, nil
}

// message writes one message.
func (r *recorder) message(m record.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_ = r.w.Write(m) // the first error is kept, and reported by close
}

// flush writes out what is buffered (at the end of every session).
func (r *recorder) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	_ = r.w.Flush()
}

// close flushes and closes the file, returning the first error of the
// recording.
func (r *recorder) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("serve: recording to %s: %w", r.path, err)
	}
	return nil
}
