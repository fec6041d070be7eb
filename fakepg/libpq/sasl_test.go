package libpq

import "testing"

// The SASL request up to the SCRAM exchange, as libpq 15 handles it: the
// texts were checked against C libpq 15.18 (TestCLibpqDifferential).
func TestConnectSASLMechanisms(t *testing.T) {
	tests := []struct {
		name     string
		reply    []byte
		password string
		want     string
	}{
		{"no password", msg('R', i32(10), cstr("SCRAM-SHA-256"), []byte{0}), "", noPasswordSupplied},
		{"PLUS needs SSL", msg('R', i32(10), cstr("SCRAM-SHA-256"), cstr("SCRAM-SHA-256-PLUS"), []byte{0}), "secret",
			"server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection\n"},
		{"unknown mechanism", msg('R', i32(10), cstr("OAUTHBEARER"), []byte{0}), "secret",
			"none of the server's SASL authentication mechanisms are supported\n"},
		{"list unterminated", msg('R', i32(10), []byte("SCRAM-SHA-256")), "secret",
			"fe_sendauth: invalid authentication request from server: invalid list of authentication mechanisms\n"},
		{"exchange not implemented", msg('R', i32(10), cstr("SCRAM-SHA-256"), []byte{0}), "secret",
			"SCRAM authentication is not supported by this libpq emulation\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Connect(newServer(tt.reply).withStartup(), map[string]string{"user": "u", "password": tt.password})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Connect error = %v, want %q", err, tt.want)
			}
			// libpq consumed the request up to where it stopped reading:
			// with the list read, nothing is left to misparse.
			if tt.name != "list unterminated" {
				if r := c.Exec("select 1"); r != nil {
					t.Fatalf("Exec after a failed startup = %s", r.Status())
				}
				wantConn(t, c, ConnectionBad, noConnText)
			}
		})
	}
}
