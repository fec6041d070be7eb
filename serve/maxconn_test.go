package serve

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestMaxConnections: with max_connections 3 (and PostgreSQL's default
// superuser_reserved_connections, here 2), a superuser's fourth session
// is refused with FATAL 53300 "sorry, too many clients already", another
// role's second with the reserved-slots FATAL; when a session leaves,
// its slot is free again.
func TestMaxConnections(t *testing.T) {
	s := startServer(t, Config{MaxConnections: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	connect := func(user string) (*pgx.Conn, error) {
		return pgx.Connect(ctx, "postgres://"+user+"@"+s.Addr()+"/postgres?sslmode=disable")
	}
	fatal := func(err error, code, msg string) {
		t.Helper()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Severity != "FATAL" || pgErr.Code != code || pgErr.Message != msg {
			t.Fatalf("got %v, want FATAL %s %q", err, code, msg)
		}
	}
	var held []*pgx.Conn
	for range 3 {
		c, err := connect("postgres")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	_, err := connect("postgres")
	fatal(err, "53300", "sorry, too many clients already")
	held[2].Close(ctx)
	held[1].Close(ctx)
	if !waitFor(5*time.Second, func() bool { return s.Sessions() == 1 }) {
		t.Fatalf("%d sessions open after two left", s.Sessions())
	}
	_, err = connect("app")
	fatal(err, "53300", "remaining connection slots are reserved for non-replication superuser connections")
	c, err := connect("postgres")
	if err != nil {
		t.Fatalf("a freed slot: %v", err)
	}
	var v int
	if err := c.QueryRow(ctx, "SELECT current_setting('max_connections')::int").Scan(&v); err != nil || v != 3 {
		t.Fatalf("max_connections = %d, %v", v, err)
	}
	c.Close(ctx)
	held[0].Close(ctx)
}
