package serve

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Real clients on loopback: psql, pgx and psycopg2 connect, query and
// leave, each skipped when missing (failed under CI=true).

func TestPsql(t *testing.T) {
	psql := requireClient(t, "psql")
	s := startServer(t, Config{})
	host, port := hostPort(t, s.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, psql, "-X", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres",
		"-At", "-c", "select 1", "-c", "select 'served' || 2").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "1\nserved2" {
		t.Fatalf("psql printed %q", got)
	}
}

func TestPgx(t *testing.T) {
	s := startServer(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://postgres@"+s.Addr()+"/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE items (k text PRIMARY KEY, v int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO items VALUES ($1, $2)", "a", 41); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := conn.QueryRow(ctx, "UPDATE items SET v = v + 1 WHERE k = $1 RETURNING v", "a").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 42 {
		t.Fatalf("v = %d, want 42", v)
	}
	_, err = conn.Exec(ctx, "INSERT INTO items VALUES ('a', 0)")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("duplicate key: %v", err)
	}
}

// psycopg2Script connects, runs a transaction and an error, and prints
// what it got.
const psycopg2Script = `
import sys, psycopg2
conn = psycopg2.connect(host=sys.argv[1], port=int(sys.argv[2]), user="postgres", dbname="postgres")
cur = conn.cursor()
cur.execute("CREATE TABLE t (id int PRIMARY KEY, name text)")
cur.execute("INSERT INTO t VALUES (%s, %s)", (1, "one"))
conn.commit()
cur.execute("SELECT id, name FROM t")
print(cur.fetchall())
try:
    cur.execute("SELECT * FROM missing")
except psycopg2.Error as e:
    print(type(e).__name__, e.pgcode)
conn.rollback()
conn.close()
`

func TestPsycopg2(t *testing.T) {
	py := requirePsycopg2(t)
	s := startServer(t, Config{})
	host, port := hostPort(t, s.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", psycopg2Script, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("psycopg2: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "[(1, 'one')]\nUndefinedTable 42P01"; got != want {
		t.Fatalf("psycopg2 printed %q, want %q", got, want)
	}
}
