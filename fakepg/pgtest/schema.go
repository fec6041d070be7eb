package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Schema is the DDL of the tables the fake server has built in.
// StartPostgres applies it to every cluster it starts.
const Schema = `CREATE TABLE kv (k text PRIMARY KEY, v bigint); CREATE TABLE activity (id bigint PRIMARY KEY, name text, kind text, owner text, payload text, created text);`

// Reset prepares the cluster for the next script: it ends every other
// client session (those a previous script left behind could hold locks or
// count against connection limits), waits until they are gone, drops the
// tables scripts created, and empties the Schema tables (creating them
// again if a script dropped one). It fails t on error.
func (c *Cluster) Reset(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.reset(ctx); err != nil {
		t.Fatalf("pgtest: reset: %v", err)
	}
}

func (c *Cluster) reset(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.ConnString())
	if err != nil {
		return fmt.Errorf("connect to %s: %v", c.Addr(), err)
	}
	defer conn.Close(context.Background())
	const others = `FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) `+others); err != nil {
		return err
	}
	for {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) `+others).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d other sessions still running: %v", n, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	// tables scripts created are dropped (with the sequences they own);
	// the Schema tables are emptied, or made again if a script dropped
	// them
	rows, err := conn.Query(ctx, `SELECT relname FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname NOT IN ('kv', 'activity')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		tables = append(tables, pgx.Identifier{name}.Sanitize())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(tables) > 0 {
		if _, err := conn.Exec(ctx, `DROP TABLE `+strings.Join(tables, ", ")+` CASCADE`); err != nil {
			return err
		}
	}
	if _, err := conn.Exec(ctx, strings.ReplaceAll(Schema, "CREATE TABLE", "CREATE TABLE IF NOT EXISTS")); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `TRUNCATE kv, activity`)
	return err
}
