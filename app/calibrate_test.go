package app

import (
	"context"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// median returns the median of the samples.
func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// TestCalibrateCosts measures, against a real PostgreSQL 15 on loopback,
// the figures DefaultCosts stands for: a connection's connect + startup +
// authentication, a `SELECT 1` round trip, and a one-way hop of a small
// message over loopback TCP. It prints the medians (go test -run
// TestCalibrateCosts -v ./app) and checks that the defaults are within a
// factor of ten of them, so a stale default on a very different machine
// shows up. It skips without PostgreSQL 15 (fails under CI=true).
func TestCalibrateCosts(t *testing.T) {
	if testing.Short() {
		t.Skip("calibration starts a PostgreSQL cluster")
	}
	cl := pgtest.StartPostgres(t)
	ctx := context.Background()
	const connects, queries, hops = 30, 500, 500
	var conn []time.Duration
	for range connects {
		start := time.Now()
		c, err := pgx.Connect(ctx, cl.ConnString())
		if err != nil {
			t.Fatal(err)
		}
		conn = append(conn, time.Since(start))
		c.Close(ctx)
	}
	c, err := pgx.Connect(ctx, cl.ConnString()+"&default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var query []time.Duration
	for range queries {
		start := time.Now()
		var one int
		if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatal(err)
		}
		query = append(query, time.Since(start))
	}
	hop := loopbackHops(t, hops)
	got := Costs{Connect: Dur(median(conn)), Query: Dur(median(query)), Hop: Dur(median(hop))}
	t.Logf("measured on this machine: connect+startup+auth %v, SELECT 1 round trip %v, one-way loopback hop %v",
		got.Connect, got.Query, got.Hop)
	def := DefaultCosts()
	for _, c := range []struct {
		name          string
		measured, def Duration
	}{{"connect", got.Connect, def.Connect}, {"query", got.Query, def.Query}, {"hop", got.Hop, def.Hop}} {
		if c.def.D() > 10*c.measured.D() || c.measured.D() > 10*c.def.D() {
			t.Errorf("%s: default %v is more than ten times off the measured %v", c.name, c.def, c.measured)
		}
	}
}

// loopbackHops times n echoes of a 200-byte message over loopback TCP and
// returns half of each round trip.
func loopbackHops(t *testing.T, n int) []time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	//poolsim:allow go -- real TCP echo server for calibration
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(s, s)
		s.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := make([]byte, 200)
	buf := make([]byte, len(msg))
	var out []time.Duration
	for range n {
		start := time.Now()
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		out = append(out, time.Since(start)/2)
	}
	return out
}
