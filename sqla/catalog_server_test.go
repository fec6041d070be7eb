package sqla_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

// catalogServer is a stand-in PostgreSQL 15 for the one exchange fakepg
// cannot answer yet: it answers the first connect's catalog queries with
// what PostgreSQL 15.18 answers (no hstore type, schema public, read
// committed, standard_conforming_strings on) and every other query with
// an empty SELECT; it records the queries.
type catalogServer struct {
	queries []string
}

func (s *catalogServer) start(t *testing.T, w *sim.World, addr string) {
	pm := w.NewProcess("pg")
	ln, err := pm.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	pm.Go("postmaster", func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			pm.Go("backend", func() { s.serve(c) }).Daemon()
		}
	}).Daemon()
}

func (s *catalogServer) serve(c *sim.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(pgproto3.NewChunkReader(c), c)
	for {
		m, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		if _, ok := m.(*pgproto3.SSLRequest); ok {
			_, _ = c.Write([]byte("N"))
			continue
		}
		break
	}
	var out []byte
	out = enc(out, &pgproto3.AuthenticationOk{})
	for _, p := range [][2]string{{"server_version", "15.18 (Debian 15.18-0+deb12u1)"}, {"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"}, {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"}, {"TimeZone", "UTC"}} {
		out = enc(out, &pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	out = enc(out, &pgproto3.BackendKeyData{ProcessID: 7001, SecretKey: 1})
	status := byte('I')
	out = enc(out, &pgproto3.ReadyForQuery{TxStatus: status})
	if _, err := c.Write(out); err != nil {
		return
	}
	text := func(name string) *pgproto3.RowDescription {
		return &pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{{Name: []byte(name), DataTypeOID: 25, DataTypeSize: -1, TypeModifier: -1}}}
	}
	for {
		m, err := be.Receive()
		if err != nil {
			return
		}
		q, ok := m.(*pgproto3.Query)
		if !ok {
			return // Terminate
		}
		s.queries = append(s.queries, q.String)
		out = out[:0]
		one := func(col, val string) {
			out = enc(out, text(col))
			out = enc(out, &pgproto3.DataRow{Values: [][]byte{[]byte(val)}})
			out = enc(out, &pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
		}
		switch {
		case strings.HasPrefix(q.String, "BEGIN"):
			status = 'T'
			out = enc(out, &pgproto3.CommandComplete{CommandTag: []byte("BEGIN")})
		case q.String == "ROLLBACK":
			status = 'I'
			out = enc(out, &pgproto3.CommandComplete{CommandTag: []byte("ROLLBACK")})
		case q.String == sqla.HstoreQuery:
			out = enc(out, &pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{
				{Name: []byte("oid"), DataTypeOID: 26, DataTypeSize: 4, TypeModifier: -1},
				{Name: []byte("typarray"), DataTypeOID: 26, DataTypeSize: 4, TypeModifier: -1}}})
			out = enc(out, &pgproto3.CommandComplete{CommandTag: []byte("SELECT 0")})
		case q.String == sqla.VersionQuery:
			one("version", "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit")
		case q.String == sqla.SchemaQuery:
			one("current_schema", "public")
		case q.String == sqla.IsolationQuery:
			one("transaction_isolation", "read committed")
		case q.String == sqla.StandardStringsQuery:
			one("standard_conforming_strings", "on")
		default:
			out = enc(out, text("x"))
			out = enc(out, &pgproto3.CommandComplete{CommandTag: []byte("SELECT 0")})
		}
		out = enc(out, &pgproto3.ReadyForQuery{TxStatus: status})
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

// enc appends a message's encoding.
func enc(out []byte, m pgproto3.BackendMessage) []byte {
	b, err := m.Encode(out)
	if err != nil {
		panic(err)
	}
	return b
}

// TestFirstConnectInitialisesDialect: against a server that answers the
// catalog queries, the first connect sends exactly the recorded sequence
// and fills the dialect in from the answers; later connects send nothing.
func TestFirstConnectInitialisesDialect(t *testing.T) {
	w := sim.New(sim.Random(31))
	srv := &catalogServer{}
	srv.start(t, w, "pg:5432")
	eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: psycopg.Driver{}}, "postgresql+psycopg2://app@pg:5432/app")
	if err != nil {
		t.Fatal(err)
	}
	var firstN int
	w.Go("app", func() {
		c := must(eng.Connect())
		firstN = len(srv.queries)
		_ = c.Close()
		d := must(eng.Connect())
		_ = d.Close()
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	if !equal(srv.queries[:firstN], firstConnectWire) {
		t.Fatalf("first connect sent\n%q\nwant\n%q", srv.queries[:firstN], firstConnectWire)
	}
	if len(srv.queries) != firstN {
		t.Fatalf("later connects sent %q", srv.queries[firstN:])
	}
	d := eng.Dialect()
	if fmt := d.ServerVersionInfo; len(fmt) != 2 || fmt[0] != 15 || fmt[1] != 18 || d.DefaultSchemaName != "public" ||
		d.DefaultIsolation != "READ COMMITTED" || d.BackslashEscapes || d.HasNativeHstore {
		t.Fatalf("dialect after initialize: %+v", d)
	}
}

// TestFirstConnectSerializedAcrossThreads: two threads connecting a fresh
// engine at once: the second waits on the first-run mutex of the connect
// event, and the initialisation runs once.
func TestFirstConnectSerializedAcrossThreads(t *testing.T) {
	for seed := range uint64(5) {
		w := sim.New(sim.Random(40 + seed))
		srv := &catalogServer{}
		srv.start(t, w, "pg:5432")
		eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: psycopg.Driver{}}, "postgresql+psycopg2://app@pg:5432/app")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			w.Go("thread", func() { _ = must(eng.Connect()).Close() })
		}
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatal(o)
		}
		n := 0
		for _, q := range srv.queries {
			if q == sqla.VersionQuery {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("seed %d: the initialisation ran %d times: %q", seed, n, srv.queries)
		}
	}
}

// TestIsolationLevelOnConnect: create_engine's isolation_level is set on
// every new connection (psycopg2's set_isolation_level): SERIALIZABLE
// makes psycopg2's BEGIN carry it; AUTOCOMMIT sends no BEGIN or ROLLBACK
// at all. Both sequences as recorded from the real stack.
func TestIsolationLevelOnConnect(t *testing.T) {
	cases := map[string][]string{
		"SERIALIZABLE": {"BEGIN ISOLATION LEVEL SERIALIZABLE", sqla.HstoreQuery, "ROLLBACK",
			"BEGIN ISOLATION LEVEL SERIALIZABLE", sqla.VersionQuery, sqla.SchemaQuery, sqla.IsolationQuery, sqla.StandardStringsQuery, "ROLLBACK",
			"BEGIN ISOLATION LEVEL SERIALIZABLE", "select 1", "ROLLBACK"},
		"AUTOCOMMIT": {sqla.HstoreQuery, sqla.VersionQuery, sqla.SchemaQuery, sqla.IsolationQuery, sqla.StandardStringsQuery, "select 1"},
	}
	for _, level := range []string{"SERIALIZABLE", "AUTOCOMMIT"} {
		w := sim.New(sim.Random(45))
		srv := &catalogServer{}
		srv.start(t, w, "pg:5432")
		eng, err := sqla.CreateEngine(sqla.Setup{World: w, Driver: psycopg.Driver{}}, "postgresql+psycopg2://app@pg:5432/app",
			sqla.K("isolation_level", level)...)
		if err != nil {
			t.Fatal(err)
		}
		w.Go("app", func() {
			c := must(eng.Connect())
			must(c.Execute(sqla.Text("select 1")))
			_ = c.Close()
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatal(o)
		}
		if !equal(srv.queries, cases[level]) {
			t.Errorf("%s: sent\n%q\nwant\n%q", level, srv.queries, cases[level])
		}
	}
}
