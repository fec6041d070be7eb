package libpq

import (
	"testing"
)

// stdStartupReply is a server's answer to a trust-authenticated startup.
func stdStartupReply() []byte {
	return cat(
		msg('R', i32(0)),
		msg('S', cstr("client_encoding"), cstr("UTF8")),
		msg('S', cstr("server_version"), cstr("15.18")),
		msg('K', i32(4242), i32(777)),
		ready('I'),
	)
}

func tooManyClients() []byte {
	return errResp('E', "S", "FATAL", "V", "FATAL", "C", "53300", "M", "sorry, too many clients already",
		"F", "proc.c", "L", "359", "R", "InitProcess")
}

func TestConnectOK(t *testing.T) {
	srv := newServer(stdStartupReply()).withStartup().chunked(1)
	c, err := Connect(srv, map[string]string{
		"user": "app", "database": "db", "application_name": "web", "password": "unused", "host": "/tmp", "port": "5432",
	})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	wantConn(t, c, ConnectionOK, "")
	if c.TransactionStatus() != PQTRANS_IDLE || c.BackendPID() != 4242 || c.ServerVersion() != 150018 ||
		c.ParameterStatus("client_encoding") != "UTF8" {
		t.Errorf("xact %s pid %d version %d encoding %q", c.TransactionStatus(), c.BackendPID(), c.ServerVersion(),
			c.ParameterStatus("client_encoding"))
	}
	// Protocol 3.0, parameters in sorted order, connection-only ones left
	// out.
	want := "\x00\x00\x00\x33\x00\x03\x00\x00application_name\x00web\x00database\x00db\x00user\x00app\x00\x00"
	if got := string(srv.written); got != want {
		t.Errorf("startup packet\n%q\nwant\n%q", got, want)
	}
}

func TestConnectErrors(t *testing.T) {
	const prefix = "connection to server on socket \"/DIR/.s.PGSQL.55990\" failed: "
	tests := []struct {
		name   string
		params map[string]string
		reply  []byte
		want   string
	}{
		{"too many clients", map[string]string{"user": "u"}, tooManyClients(),
			"FATAL:  sorry, too many clients already\n"},
		{"too many clients on a socket", map[string]string{"user": "u", "host": "/DIR", "port": "55990"}, tooManyClients(),
			prefix + "FATAL:  sorry, too many clients already\n"},
		{"TCP host", map[string]string{"user": "u", "host": "db", "port": "6432"}, tooManyClients(),
			"connection to server at \"db\", port 6432 failed: FATAL:  sorry, too many clients already\n"},
		{"EOF", map[string]string{"user": "u"}, nil, closedText},
		{"not postgres", map[string]string{"user": "u"}, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
			"expected authentication request from server, but received H\n"},
		{"no password", map[string]string{"user": "u"}, msg('R', i32(3)), "fe_sendauth: no password supplied\n"},
		{"MD5 salt missing", map[string]string{"user": "u", "password": "secret"}, cat(msg('R', i32(5)), msg('R', i32(0))),
			"expected authentication request from server, but received \x08\n"},
		{"unknown method", map[string]string{"user": "u"}, msg('R', i32(-5)),
			"authentication method 4294967291 not supported\n"},
		{"error after AuthenticationOk", map[string]string{"user": "u"},
			cat(msg('R', i32(0)), errResp('E', "S", "FATAL", "C", "3D000", "M", `database "d" does not exist`)),
			"FATAL:  database \"d\" does not exist\n"},
		{"rows during startup", map[string]string{"user": "u"}, cat(msg('R', i32(0)), rowDesc(col{"a", 23}), ready('I')),
			"unexpected message from server during startup\n"},
		{"sync loss during startup", map[string]string{"user": "u"}, cat(msg('R', i32(0), []byte("XYZW")), msg('S', cstr("client_encoding"), cstr("UTF8")), ready('I')),
			"lost synchronization with server: got message type \"X\", length 1499092819\n"},
		{"pre-3.0 error", map[string]string{"user": "u"}, []byte("EFATAL: old server\x00"), "FATAL: old server\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(tt.reply).withStartup()
			c, err := Connect(srv, tt.params)
			if err == nil {
				t.Fatal("Connect succeeded")
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err.Error(), tt.want)
			}
			wantConn(t, c, ConnectionBad, tt.want)
			c.Finish()
			if n := len(srv.messages(t, true)); n > 1 {
				t.Errorf("client sent %d messages after startup", n)
			}
		})
	}
}

func TestConnectPasswords(t *testing.T) {
	tests := []struct {
		name string
		auth []byte
		want string
	}{
		{"cleartext", msg('R', i32(3)), "secret"},
		{"md5", msg('R', i32(5), []byte("abcd")), "md5a05ce7e2d585968111cf9414346f1386"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(tt.auth, stdStartupReply()).withStartup()
			c, err := Connect(srv, map[string]string{"user": "u", "password": "secret"})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			msgs := srv.messages(t, true)
			if len(msgs) != 1 || msgs[0] != [2]string{"p", tt.want + "\x00"} {
				t.Errorf("client messages = %q, want password %q", msgs, tt.want)
			}
			wantConn(t, c, ConnectionOK, "")
		})
	}
}

// Notices during startup go to the default notice processor.
func TestConnectNotice(t *testing.T) {
	reply := cat(msg('R', i32(0)), errResp('N', "S", "WARNING", "M", "collation version mismatch"), ready('I'))
	c, err := Connect(newServer(reply).withStartup(), map[string]string{"user": "u"})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Notices(); len(n) != 1 || n[0] != "WARNING:  collation version mismatch\n" {
		t.Errorf("notices = %q", n)
	}
}

func TestStartupPacketParameters(t *testing.T) {
	got := string(buildStartupPacket(map[string]string{
		"dbname": "a", "database": "b", "fallback_application_name": "fb", "user": "u",
		"options": "-c x=1", "password": "p", "sslmode": "disable", "host": "/tmp", "client_encoding": "",
	}))
	want := "application_name\x00fb\x00database\x00a\x00options\x00-c x=1\x00user\x00u\x00\x00"
	if got[8:] != want || int(got[3]) != len(got) || got[4:8] != "\x00\x03\x00\x00" {
		t.Errorf("startup packet = %q, want header + %q", got, want)
	}
}
