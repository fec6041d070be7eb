package libpq

import "testing"

// The LISTEN pattern of libpq's documentation: wait for the socket, call
// PQconsumeInput, then PQnotifies, which parses the buffered input itself.
func TestNotifiesParsesBufferedInput(t *testing.T) {
	c := NewConn(newServer(msg('A', i32(7), cstr("chan"), cstr("hello"))))
	if !c.ConsumeInput() {
		t.Fatalf("ConsumeInput failed: %q", c.ErrorMessage())
	}
	n := c.Notifies()
	if n == nil || n.PID != 7 || n.Channel != "chan" || n.Payload != "hello" {
		t.Fatalf("Notifies after ConsumeInput = %+v, want the buffered notification", n)
	}
	if c.Notifies() != nil {
		t.Error("second Notifies not nil")
	}
}

// Messages other than notifications that Notifies parses while idle are
// handled as PQnotifies handles them: here, reported as arriving while
// idle.
func TestNotifiesReportsIdleMessages(t *testing.T) {
	c := NewConn(newServer(ready('I')))
	if !c.ConsumeInput() {
		t.Fatalf("ConsumeInput failed: %q", c.ErrorMessage())
	}
	if c.Notifies() != nil {
		t.Fatal("Notifies returned a notification")
	}
	if n := c.Notices(); len(n) != 1 || n[0] != "message type 0x5a arrived from server while idle\n" {
		t.Errorf("notices = %q", n)
	}
}
