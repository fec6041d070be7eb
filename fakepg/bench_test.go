package fakepg

import (
	"bytes"
	"io"
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/sim"
)

// The round-trip benchmarks run a client task and the fake server in one
// simulated world (no preemption, no kept events): the in-memory stream is
// a sim connection. Each is paired with a baseline that only encodes and
// decodes the same messages with pgproto3, in the same run.

var (
	benchQuery    = &pgproto3.Query{String: "SELECT k, v FROM kv WHERE k = 'a'"}
	benchExtended = []pgproto3.FrontendMessage{
		&pgproto3.Parse{Query: "SELECT k, v FROM kv WHERE k = $1"},
		&pgproto3.Bind{Parameters: [][]byte{[]byte("a")}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	}
)

// benchRoundTrips runs b.N round trips of msgs through a simulated server.
func benchRoundTrips(b *testing.B, msgs []pgproto3.FrontendMessage) {
	w := sim.New(sim.Zeros(), sim.KeepEvents(false), sim.MaxSteps(1<<62))
	if _, err := StartSim(w, "db", "db:5432", Config{}); err != nil {
		b.Fatal(err)
	}
	var req []byte
	for _, m := range msgs {
		req = encode(req, m)
	}
	w.Go("client", func() {
		conn, err := w.Dial("db:5432")
		if err != nil {
			panic(err)
		}
		fe := pgproto3.NewFrontend(pgproto3.NewChunkReader(conn), conn)
		conn.Write(startupBytes())
		readUntilReady(fe)
		conn.Write(encode(nil, &pgproto3.Query{String: "INSERT INTO kv VALUES ('a', 1)"}))
		readUntilReady(fe)
		b.ReportAllocs()
		steps, decisions := w.Step(), w.Decisions()
		b.ResetTimer()
		for range b.N {
			conn.Write(req)
			readUntilReady(fe)
		}
		b.StopTimer()
		b.ReportMetric(float64(w.Step()-steps)/float64(b.N), "steps/op")
		b.ReportMetric(float64(w.Decisions()-decisions)/float64(b.N), "decisions/op")
		conn.Write(encode(nil, &pgproto3.Terminate{}))
	})
	if o := w.Run(); o.Kind != sim.Completed {
		b.Fatal(o)
	}
}

func readUntilReady(fe *pgproto3.Frontend) {
	for {
		m, err := fe.Receive()
		if err != nil {
			panic(err)
		}
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return
		}
	}
}

// benchCodec encodes the request, decodes it as the server would, encodes
// the reply a server sends and decodes it as a client would.
func benchCodec(b *testing.B, msgs []pgproto3.FrontendMessage, reply []pgproto3.BackendMessage) {
	var toServer, toClient bytes.Buffer
	be := pgproto3.NewBackend(pgproto3.NewChunkReader(&toServer), io.Discard)
	fe := pgproto3.NewFrontend(pgproto3.NewChunkReader(&toClient), io.Discard)
	var req, rep []byte
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req = req[:0]
		for _, m := range msgs {
			req = encode(req, m)
		}
		toServer.Write(req)
		for range msgs {
			if _, err := be.Receive(); err != nil {
				b.Fatal(err)
			}
		}
		rep = rep[:0]
		for _, m := range reply {
			rep = encode(rep, m)
		}
		toClient.Write(rep)
		readUntilReady(fe)
	}
}

var benchRow = []pgproto3.BackendMessage{
	&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{
		{Name: []byte("k"), TableOID: 16384, TableAttributeNumber: 1, DataTypeOID: 25, DataTypeSize: -1, TypeModifier: -1},
		{Name: []byte("v"), TableOID: 16384, TableAttributeNumber: 2, DataTypeOID: 20, DataTypeSize: 8, TypeModifier: -1},
	}},
	&pgproto3.DataRow{Values: [][]byte{[]byte("a"), []byte("1")}},
	&pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")},
	&pgproto3.ReadyForQuery{TxStatus: 'I'},
}

// BenchmarkSimpleQuery is a simple-query round trip through the fake
// server (target: within 2x of BenchmarkSimpleQueryCodec).
func BenchmarkSimpleQuery(b *testing.B) {
	benchRoundTrips(b, []pgproto3.FrontendMessage{benchQuery})
}

// BenchmarkSimpleQueryCodec is the baseline for BenchmarkSimpleQuery.
func BenchmarkSimpleQueryCodec(b *testing.B) {
	benchCodec(b, []pgproto3.FrontendMessage{benchQuery}, benchRow)
}

// BenchmarkExtendedQuery is an extended-query round trip (Parse, Bind,
// Describe, Execute, Sync) through the fake server (target: within 2x of
// BenchmarkExtendedQueryCodec).
func BenchmarkExtendedQuery(b *testing.B) {
	benchRoundTrips(b, benchExtended)
}

// BenchmarkExtendedQueryCodec is the baseline for BenchmarkExtendedQuery.
func BenchmarkExtendedQueryCodec(b *testing.B) {
	reply := append([]pgproto3.BackendMessage{&pgproto3.ParseComplete{}, &pgproto3.BindComplete{}}, benchRow...)
	benchCodec(b, benchExtended, reply)
}

// BenchmarkSimpleQueryServerOnly is the server's share of
// BenchmarkSimpleQuery: one session consumes b.N queries from memory, with
// no client and no simulator.
func BenchmarkSimpleQueryServerOnly(b *testing.B) {
	in := append(startupBytes(), encode(nil, &pgproto3.Query{String: "INSERT INTO kv VALUES ('a', 1)"})...)
	q := encode(nil, benchQuery)
	for range b.N {
		in = append(in, q...)
	}
	srv := NewServer(&instantRuntime{}, Config{})
	b.ReportAllocs()
	b.ResetTimer()
	if err := srv.ServeConn(readDiscarder{bytes.NewReader(in)}); err != nil {
		b.Fatal(err)
	}
}

// readDiscarder reads from a reader and discards what is written.
type readDiscarder struct{ io.Reader }

func (readDiscarder) Write(p []byte) (int, error) { return len(p), nil }
