package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// A DROP TABLE waits, under the simulator, for the transaction reading
// the table; a SELECT arriving after the DROP waits behind it (the lock
// queue), and finds the table gone when it is granted.
func TestDropTableWaitsForReadersUnderSim(t *testing.T) {
	var order []string
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		a, b, c := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", ""), db.NewSession(3, "postgres", "")
		w.Go("a", func() {
			want(t, exec(a, "CREATE TABLE t (id int)"), "CREATE TABLE")
			want(t, exec(a, "BEGIN; SELECT count(*) FROM t"), "BEGIN; 0; SELECT 1")
			w.Go("b", func() {
				got := exec(b, "DROP TABLE t")
				order = append(order, fmt.Sprintf("b %s at %v", got, w.Elapsed()))
			})
			w.Go("c", func() {
				w.Sleep(100 * time.Millisecond)
				got := exec(c, "SELECT count(*) FROM t")
				order = append(order, fmt.Sprintf("c %s at %v", got, w.Elapsed()))
			})
			w.Sleep(time.Second)
			want(t, exec(a, "SELECT count(*) FROM t"), "0; SELECT 1") // a holds its lock: no wait
			want(t, exec(a, "COMMIT"), "COMMIT")
		})
	})
	want(t, strings.Join(order, ", "), `b DROP TABLE at 1s, c ERROR 42P01 relation "t" does not exist at 1s`)
}

// A transaction's new table, its rows and its sequence are its own until
// it commits, and gone if it rolls back.
func TestCreateTableIsTransactional(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			want(t, exec(a, "BEGIN; CREATE TABLE t (id serial PRIMARY KEY, e text UNIQUE)"), "BEGIN; CREATE TABLE")
			want(t, exec(a, "INSERT INTO t (e) VALUES ('x') RETURNING id"), "1; INSERT 0 1")
			want(t, exec(a, "SELECT relname FROM pg_class WHERE relnamespace = 2200 AND relname <> 'kv' AND relname <> 'kv_pkey' AND relname <> 'activity' AND relname <> 'activity_pkey'"),
				"t_id_seq; t; t_pkey; t_e_key; SELECT 4")
			want(t, exec(b, "SELECT relname FROM pg_class WHERE relname = 't' OR relname = 't_id_seq'"), "SELECT 0")
			want(t, exec(b, "SELECT * FROM t"), `ERROR 42P01 relation "t" does not exist`)
			want(t, exec(a, "ROLLBACK"), "ROLLBACK")
			want(t, exec(a, "SELECT * FROM t"), `ERROR 42P01 relation "t" does not exist`)
			want(t, exec(a, "SELECT nextval('t_id_seq')"), `ERROR 42P01 relation "t_id_seq" does not exist`)
			want(t, exec(a, "CREATE TABLE t (x text)"), "CREATE TABLE")
			want(t, exec(b, "INSERT INTO t VALUES ('y') RETURNING x"), "y; INSERT 0 1")
			want(t, exec(b, "BEGIN; DROP TABLE t; SELECT * FROM t"), `BEGIN; DROP TABLE; ERROR 42P01 relation "t" does not exist`)
			want(t, exec(b, "ROLLBACK; SELECT * FROM t"), "ROLLBACK; y; SELECT 1")
		})
	})
}

// Creating a table another transaction is creating waits for it and
// fails as PostgreSQL's unique index on pg_type fails if it commits.
func TestCreateSameNameWaitsForCreator(t *testing.T) {
	var got string
	inWorld(t, sim.Random(3), func(w *sim.World, db *DB) {
		a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
		w.Go("a", func() {
			exec(a, "BEGIN; CREATE TABLE t (id int)")
			w.Go("b", func() { got = exec(b, "CREATE TABLE t (x text)") })
			w.Sleep(time.Second)
			exec(a, "COMMIT")
		})
	})
	want(t, got, "ERROR 23505 duplicate key value violates unique constraint \"pg_type_typname_nsp_index\"")
}

// The catalog gives a new table's objects OIDs in PostgreSQL's order: the
// sequence, the table, its array and row types, one per default, TOAST
// table and index, each index and its constraint.
func TestCatalogOIDs(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			want(t, exec(s, "SELECT oid, relname, reltype, reltoastrelid FROM pg_class WHERE oid >= 16384"),
				"16384|kv|16386|16387; 16387|pg_toast_16384|0|0; 16388|pg_toast_16384_index|0|0; 16389|kv_pkey|0|0; "+
					"16391|activity|16393|16394; 16394|pg_toast_16391|0|0; 16395|pg_toast_16391_index|0|0; 16396|activity_pkey|0|0; SELECT 8")
			exec(s, "CREATE TABLE s1 (id serial PRIMARY KEY, e text UNIQUE, f int UNIQUE)")
			want(t, exec(s, "SELECT c.oid, relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = relnamespace WHERE c.oid > 16397 ORDER BY c.oid"),
				"16398|s1_id_seq|S; 16399|s1|r; 16403|pg_toast_16399|t; 16404|pg_toast_16399_index|i; "+
					"16405|s1_pkey|i; 16407|s1_e_key|i; 16409|s1_f_key|i; SELECT 7")
			want(t, exec(s, "SELECT t.oid, t.typname, t.typarray, t.typrelid FROM pg_type t WHERE t.oid > 16397"),
				"16401|s1|16400|16399; 16400|_s1|0|0; SELECT 2")
		})
	})
}

// Index and sequence names are chosen as PostgreSQL's ChooseRelationName
// chooses them (the expected names are PostgreSQL 15's).
func TestChosenNames(t *testing.T) {
	long := strings.Repeat("t", 60)
	col := strings.Repeat("c", 30)
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			want(t, exec(s, fmt.Sprintf("CREATE TABLE %s (id serial PRIMARY KEY, %s int UNIQUE, d int UNIQUE, e int, UNIQUE (d, e))", long, col)), "CREATE TABLE")
			want(t, exec(s, "CREATE TABLE x (id serial, id2 serial); CREATE TABLE x_id_seq2 (id int)"), "CREATE TABLE; CREATE TABLE")
			want(t, exec(s, "CREATE TABLE x2 (a int CONSTRAINT x PRIMARY KEY)"), `ERROR 42P07 relation "x" already exists`)
			want(t, exec(s, "SELECT relname FROM pg_class WHERE relnamespace = 2200 AND oid > 16397"), strings.Join([]string{
				strings.Repeat("t", 56) + "_id_seq", long, strings.Repeat("t", 58) + "_pkey",
				strings.Repeat("t", 29) + "_" + strings.Repeat("c", 29) + "_key", strings.Repeat("t", 57) + "_d_key",
				strings.Repeat("t", 55) + "_d_e_key", "x_id_seq", "x_id2_seq", "x", "x_id_seq2", "SELECT 10"}, "; "))
		})
	})
	want(t, makeObjectName("users", "email", "key"), "users_email_key")
	want(t, makeObjectName("t", "", "pkey"), "t_pkey")
}

// Timestamps print as PostgreSQL prints them in UTC and read back the
// same; the calendar arithmetic agrees with package time's.
func TestTimestampText(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"2024-01-02T03:04:05+00:00", "2024-01-02 03:04:05+00"},
		{"2024-01-02 03:04:05.123456789", "2024-01-02 03:04:05.123457+00"},
		{"2024-01-02", "2024-01-02 00:00:00+00"},
		{"2024-01-02 03:04:05 +0130", "2024-01-02 01:34:05+00"},
		{"2024-01-02 03:04:05-02", "2024-01-02 05:04:05+00"},
		{"2024-02-29 24:00:00", "2024-03-01 00:00:00+00"},
		{"2024-12-31 23:59:60", "2025-01-01 00:00:00+00"},
		{"0099-01-01", "0099-01-01 00:00:00+00"},
		{"10000-01-01", "10000-01-01 00:00:00+00"},
		{"2024-01-02 03:04:05.9999995", "2024-01-02 03:04:06+00"},
		{"  2024-1-2  3:4:5 Z ", "2024-01-02 03:04:05+00"},
		{"epoch", "1970-01-01 00:00:00+00"},
		{"-infinity", "-infinity"},
	} {
		v, err := parseTimestamp(tc.in)
		if err != nil {
			t.Errorf("parseTimestamp(%q): %v", tc.in, err)
			continue
		}
		want(t, string(appendTimestamp(nil, v.(Timestamp))), tc.out)
	}
	for _, in := range []string{"2024-13-01", "2023-02-29", "2024-01-01 25:00", "2024-01-01 24:00:01", "2024-01-01 10:61"} {
		if _, err := parseTimestamp(in); err == nil || err.(*Error).Code != "22008" {
			t.Errorf("parseTimestamp(%q) = %v, want 22008", in, err)
		}
	}
	for _, in := range []string{"now", "garbage", "Jan 1 2024", "2024-01-01 10:00 Europe/Paris"} {
		if _, err := parseTimestamp(in); err == nil || err.(*Error).Code != FeatureNotSupported {
			t.Errorf("parseTimestamp(%q) = %v, want 0A000", in, err)
		}
	}
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for days := -800000; days < 3000000; days += 997 {
		at := base.AddDate(0, 0, days).Add(37*time.Hour/10 + 1234*time.Microsecond)
		ts := Timestamp((at.Unix()-base.Unix())*1_000_000 + int64(at.Nanosecond()/1000))
		if at.Year() > 9999 || at.Year() < 1 {
			continue
		}
		want(t, string(appendTimestamp(nil, ts)), at.Format("2006-01-02 15:04:05.000000")[:26]+"+00")
		back, err := parseTimestamp(at.Format("2006-01-02T15:04:05.000000Z"))
		if err != nil || back != ts {
			t.Fatalf("round trip of %v: %v, %v", at, back, err)
		}
	}
}

// Names in regclass input and the search path are read as PostgreSQL
// reads them.
func TestQualifiedNamesAndSearchPath(t *testing.T) {
	for in, out := range map[string]string{
		"kv": "kv", "KV": "kv", `"KV"`: "KV", "public.kv": "public|kv", `"a.b"`: "a.b", `"x""y"`: `x"y`,
		"a.b.c": "!", "": "!", "a.": "!", `"x`: "!", "a b": "!",
	} {
		parts, ok := splitQualifiedName(in)
		got := strings.Join(parts, "|")
		if !ok {
			got = "!"
		}
		want(t, got, out)
	}
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "public", "")
			want(t, exec(s, "SELECT current_schema, current_user"), "public|public; SELECT 1")
			exec(s, `SET search_path = "$user", pg_catalog, nosuch`)
			want(t, exec(s, "SELECT current_schema()"), "public; SELECT 1")
			exec(s, `SET search_path = nosuch`)
			want(t, exec(s, "SELECT current_schema() IS NULL, pg_table_is_visible(16384), pg_table_is_visible(1259)"), "t|f|t; SELECT 1")
			want(t, exec(s, "SELECT 16384::regclass, 'public.kv'::regclass"), "public.kv|public.kv; SELECT 1")
		})
	})
}

// Timestamps are refused, not misprinted, under a time zone or date style
// the engine does not implement.
func TestTimestampNeedsUTC(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			want(t, exec(s, "CREATE TABLE e (at timestamptz)"), "CREATE TABLE")
			want(t, exec(s, "INSERT INTO e VALUES ('2024-01-01 10:00+02') RETURNING at"), "2024-01-01 08:00:00+00; INSERT 0 1")
			exec(s, "SET TimeZone = 'Europe/Paris'")
			want(t, exec(s, "SELECT at FROM e"), "ERROR 0A000 poolsim does not support timestamp with time zone unless TimeZone is UTC and DateStyle is ISO")
			want(t, exec(s, "SELECT count(*) FROM e"), "1; SELECT 1")
			exec(s, "SET TimeZone = 'UTC'")
			want(t, exec(s, "SELECT at FROM e"), "2024-01-01 08:00:00+00; SELECT 1")
		})
	})
}
