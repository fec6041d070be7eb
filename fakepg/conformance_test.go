package fakepg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Conformance with clients nobody here wrote: pgx and psql run the same
// work against a real PostgreSQL 15 and the fake server, and must see the
// same results and errors.

// pgxWork runs statements through pgx in the given mode and returns a log
// of what pgx reported: rows, command tags, and for errors the SQLSTATE,
// message, detail and position.
func pgxWork(t *testing.T, addr string, mode pgx.QueryExecMode) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig("postgres://postgres@" + addr + "/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgx connect to %s: %v", addr, err)
	}
	defer conn.Close(ctx)
	var log []string
	note := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	noteErr := func(what string, err error) {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			note("%s: %s %s %s | %s | pos %d | constraint %s", what, pe.Severity, pe.Code, pe.Message, pe.Detail, pe.Position, pe.ConstraintName)
		} else {
			note("%s: %v", what, err)
		}
	}
	exec := func(sql string, args ...any) {
		tag, err := conn.Exec(ctx, sql, args...)
		if err != nil {
			noteErr(sql, err)
			return
		}
		note("%s: %s", sql, tag)
	}
	query := func(sql string, args ...any) {
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			noteErr(sql, err)
			return
		}
		var out []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				noteErr(sql, err)
				rows.Close()
				return
			}
			out = append(out, fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			noteErr(sql, err)
			return
		}
		var cols []string
		for _, fd := range rows.FieldDescriptions() {
			cols = append(cols, fmt.Sprintf("%s:%d", fd.Name, fd.DataTypeOID))
		}
		note("%s: %v %v %s", sql, cols, out, rows.CommandTag())
	}
	query("SELECT 1")
	query("SELECT $1::bigint + 1, $2::text", 41, "x")
	exec("INSERT INTO kv VALUES ($1, $2)", "a", 1)
	exec("INSERT INTO kv VALUES ($1, $2), ($3, $4)", "b", 2, "c", nil)
	exec("INSERT INTO kv VALUES ($1, $2)", "a", 1)
	query("SELECT k, v FROM kv ORDER BY k")
	query("SELECT v FROM kv WHERE k = $1", "b")
	query("UPDATE kv SET v = v + $2 WHERE k = $1 RETURNING k, v", "a", 10)
	query("INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING v", "b", 7)
	exec("DELETE FROM kv WHERE k = $1", "c")
	query("SELECT count(*) FROM kv")
	query("SELECT pg_sleep(0.01)")
	query("SELECT * FROM nope")
	query("SELEC 1")
	exec("SET application_name = 'pgx-test'")
	query("SHOW application_name")
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "UPDATE kv SET v = 0 WHERE k = 'a'")
	note("tx update: %v", err)
	_, err = tx.Exec(ctx, "SELECT 1/0")
	noteErr("tx divide", err)
	_, err = tx.Exec(ctx, "SELECT 1")
	noteErr("tx after error", err)
	note("tx rollback: %v", tx.Rollback(ctx))
	query("SELECT k, v FROM kv ORDER BY k")
	return log
}

func TestPgxAgainstRealPostgres(t *testing.T) {
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			real := pgtest.StartPostgres(t)
			real.Reset(t)
			want := pgxWork(t, real.Addr(), mode)
			_, addr := startTCP(t, Config{})
			got := pgxWork(t, addr, mode)
			compareLogs(t, want, got)
		})
	}
}

// compareLogs fails with the first differing lines of two logs.
func compareLogs(t *testing.T, want, got []string) {
	t.Helper()
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Errorf("line %d:\nreal: %s\nfake: %s", i+1, w, g)
		}
	}
}

// psqlScript exercises psql's use of the simple protocol, its error
// display (LINE and caret from the position field) and notices.
const psqlScript = `SELECT 1 AS one, 'two' AS two;
INSERT INTO kv VALUES ('a', 1), ('b', NULL);
SELECT k, v FROM kv ORDER BY k;
SELECT * FROM nope;
SELECT k FROM kv
  WHERE nope = 1;
BEGIN;
BEGIN;
UPDATE kv SET v = 5 WHERE k = 'a' RETURNING *;
SELECT 1/0;
SELECT 1;
COMMIT;
COMMIT;
SHOW TimeZone;
INSERT INTO kv VALUES ('a', 1);
SELECT count(*) FROM kv;
`

// psqlRun runs psqlScript through psql against addr and returns what psql
// printed (standard output and error interleaved as psql wrote them).
func psqlRun(t *testing.T, psql, addr string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	dir := t.TempDir()
	script := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(script, []byte(psqlScript), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, "-X", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres",
		"-v", "ON_ERROR_STOP=0", "-P", "pager=off", "-f", script)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PGCONNECT_TIMEOUT=10", "PGSSLMODE=prefer", "PGCLIENTENCODING=UTF8")
	out, err := cmd.CombinedOutput()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("psql timed out: %s", out)
	}
	return strings.ReplaceAll(string(out), script, "script.sql")
}

func TestPsqlAgainstRealPostgres(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("psql is not installed")
		}
		t.Skip("psql is not installed")
	}
	real := pgtest.StartPostgres(t)
	real.Reset(t)
	want := psqlRun(t, psql, real.Addr())
	_, addr := startTCP(t, Config{})
	got := psqlRun(t, psql, addr)
	if want != got {
		compareLogs(t, strings.Split(want, "\n"), strings.Split(got, "\n"))
	}
	if !strings.Contains(got, `ERROR:  relation "nope" does not exist`) || !strings.Contains(got, "LINE 1: SELECT * FROM nope;") {
		t.Errorf("psql output lacks the error display:\n%s", got)
	}
}
