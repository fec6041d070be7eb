package engine

import (
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// TestFilteredJoinMatchesCursorJoin: a SELECT over a join (which copies
// only the rows its WHERE keeps) gives the rows and errors of the same
// query run by a cursor with ORDER BY (which materialises every joined
// row, then filters): catalogs joined and narrowed, joins that keep every
// row, no row, rows of three tables, and errors raised by an ON condition
// and by the WHERE, whichever a row meets first.
func TestFilteredJoinMatchesCursorJoin(t *testing.T) {
	queries := []string{
		"SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'hstore' ORDER BY 1",
		"SELECT t.oid, typname, nspname FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname LIKE '%int%' ORDER BY 1",
		"SELECT typname, nspname FROM pg_type t, pg_namespace ns WHERE typnamespace = ns.oid AND nspname = 'public' ORDER BY 1",
		"SELECT a.id, b.id FROM ja a JOIN jb b ON b.a = a.id ORDER BY 1, 2",
		"SELECT a.id, b.id FROM ja a, jb b ORDER BY 1, 2",
		"SELECT a.id, b.id, c.id FROM ja a JOIN jb b ON b.a = a.id JOIN jc c ON c.b = b.id WHERE c.id > 100 ORDER BY 1, 2, 3",
		"SELECT a.id, b.id FROM ja a JOIN jb b ON b.a = a.id WHERE 10 / b.d > 1 ORDER BY 1, 2",
		"SELECT a.id, b.id FROM ja a JOIN jb b ON 10 / b.d > 0 AND b.a = a.id ORDER BY 1, 2",
		"SELECT a.id, b.id FROM ja a JOIN jb b ON b.a = a.id WHERE a.id = 2 AND 10 / b.d > 0 ORDER BY 1, 2",
		"SELECT a.id FROM ja a JOIN jb b ON b.a = a.id WHERE false ORDER BY 1",
		"SELECT a.id FROM ja a JOIN jb b ON b.a = a.id AND 10 / (b.id - 13) <> 0 WHERE a.id + 2147483647 > 0 ORDER BY 1",
		"SELECT a.id FROM ja a JOIN jb b ON b.a = a.id WHERE a.id + 2147483647 > 0 ORDER BY 1",
	}
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			for _, q := range []string{
				"CREATE TABLE ja (id int PRIMARY KEY)",
				"CREATE TABLE jb (id int PRIMARY KEY, a int, d int)",
				"CREATE TABLE jc (id int PRIMARY KEY, b int)",
				"INSERT INTO ja VALUES (1), (2), (3)",
				"INSERT INTO jb VALUES (10, 1, 1), (11, 2, 0), (12, 1, 5), (13, 3, 2)",
				"INSERT INTO jc VALUES (100, 10), (101, 12), (102, 13), (103, 12)",
			} {
				exec(s, q)
			}
			for _, q := range queries {
				direct := exec(s, q)
				cursor := exec(s, "BEGIN; DECLARE c CURSOR FOR "+q+"; FETCH ALL c")
				exec(s, "ROLLBACK")
				got := strings.TrimPrefix(cursor, "BEGIN; DECLARE CURSOR; ")
				if k := strings.LastIndex(got, "FETCH "); k >= 0 {
					got = got[:k] + "SELECT " + got[k+len("FETCH "):]
				}
				if got != direct {
					t.Errorf("%s:\n select %s\n cursor %s", q, direct, cursor)
				}
			}
			if got := exec(s, queries[0]); got != "SELECT 0" {
				t.Errorf("hstore: %s", got)
			}
			// every ON condition is evaluated before the WHERE sees a row
			if got := exec(s, queries[10]); got != "ERROR 22012 division by zero" {
				t.Errorf("an ON condition's late error after the WHERE's early one: %s", got)
			}
			if got := exec(s, queries[11]); got != "ERROR 22003 integer out of range" {
				t.Errorf("the WHERE's error: %s", got)
			}
			if got := exec(s, queries[6]); got != "ERROR 22012 division by zero" {
				t.Errorf("the WHERE's division: %s", got)
			}
			if got := exec(s, "SELECT a.id, b.id FROM ja a JOIN jb b ON b.a = a.id WHERE b.d > 1 ORDER BY 1, 2"); got != "1|12; 3|13; SELECT 2" {
				t.Errorf("narrowed: %s", got)
			}
		})
	})
}
