package scenario

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sqla"
)

// firstConnect is what SQLAlchemy 1.4.46's default engine sends at its
// first connect (sqla's first-connect tests pin it against fakepg, and
// sqla's fidelity test against the real stack).
var firstConnect = []string{"BEGIN", sqla.HstoreQuery, "ROLLBACK", "BEGIN", sqla.VersionQuery, sqla.SchemaQuery,
	sqla.IsolationQuery, sqla.StandardStringsQuery, "ROLLBACK"}

// sessionQueries returns the Query texts a backend read, in order.
func sessionQueries(in []byte) []string {
	if len(in) < 4 {
		return nil
	}
	// the startup packets: SSLRequest and the like (8 bytes), then the
	// StartupMessage, which has no type byte either
	for len(in) >= 8 {
		n := int(binary.BigEndian.Uint32(in))
		if n < 8 || n > len(in) {
			return nil
		}
		code := binary.BigEndian.Uint32(in[4:])
		in = in[n:]
		if code == 196608 {
			break
		}
	}
	var out []string
	for len(in) >= 5 {
		n := int(binary.BigEndian.Uint32(in[1:]))
		if n < 4 || 1+n > len(in) {
			break
		}
		if in[0] == 'Q' {
			out = append(out, strings.TrimSuffix(string(in[5:1+n]), "\x00"))
		}
		in = in[1+n:]
	}
	return out
}

// TestScenariosRunTheFirstConnect: with the engine defaults a scenario's
// engines run the dialect's first connect as SQLAlchemy does: each worker
// (which loads the app after fork) initialises its own engine once, on its
// first session, whose queries begin with the whole sequence; no other
// session sends any of it. With use_native_hstore = false and _initialize
// = false in the file, nothing of it is sent.
func TestScenariosRunTheFirstConnect(t *testing.T) {
	src, err := Source("gthread-queuepool")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		extra string
		want  int // sessions that run the first connect
	}{{"", 2}, {"use_native_hstore = false\n_initialize = false\n", 0}} {
		s, err := Parse("gthread-queuepool.toml", []byte(src+tc.extra))
		if err != nil {
			t.Fatal(err)
		}
		r := RunSeed(s, 1)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if len(r.Database.Sessions) == 0 {
			t.Fatalf("%q: no sessions", tc.extra)
		}
		initialised := 0
		for i, wi := range r.Database.Sessions {
			qs := sessionQueries(wi.In)
			if len(qs) >= len(firstConnect) && slices.Equal(qs[:len(firstConnect)], firstConnect) {
				initialised++
				qs = qs[len(firstConnect):]
			}
			for _, q := range qs {
				if q == sqla.HstoreQuery || q == sqla.VersionQuery || q == sqla.SchemaQuery {
					t.Errorf("%q: session %d sent %q outside a first connect", tc.extra, i, q)
				}
			}
		}
		if initialised != tc.want {
			t.Errorf("%q: %d sessions ran the first connect, want %d (one per worker's engine)", tc.extra, initialised, tc.want)
		}
	}
}
