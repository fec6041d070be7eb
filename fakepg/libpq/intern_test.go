package libpq

import (
	"testing"
	"unsafe"
)

// TestIntern: a command tag or parameter the server sends over and over
// comes back as the shared string, without allocating; any other text as
// a string of its own with the same bytes.
func TestIntern(t *testing.T) {
	for _, s := range []string{"COMMIT", "SELECT 1", "client_encoding", "UTF8"} {
		b := []byte(s)
		if got := intern(b); got != s || unsafe.StringData(got) != unsafe.StringData(interned[s]) {
			t.Errorf("%q: not the shared string", s)
		}
		if a := testing.AllocsPerRun(10, func() { intern(b) }); a != 0 {
			t.Errorf("%q: %v allocations", s, a)
		}
	}
	b := []byte("SELECT 12345")
	got := intern(b)
	b[0] = 'X'
	if got != "SELECT 12345" {
		t.Errorf("an uninterned text shares the buffer: %q", got)
	}
}
