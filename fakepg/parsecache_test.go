package fakepg_test

import (
	"reflect"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/sqlparse"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// TestParseCacheSharedByRunsChangesNothing: every built-in scenario run
// with one parse cache shared by all the runs gives the same trace hash
// and application log as the run with a cache of its own; and afterwards
// every statement the cache holds is still exactly what parsing its text
// afresh gives, so no session changed a shared parse tree.
func TestParseCacheSharedByRunsChangesNothing(t *testing.T) {
	shared := fakepg.NewParseCache()
	for _, name := range scenario.Names() {
		s, err := scenario.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for seed := uint64(1); seed <= 2; seed++ {
			own := scenario.RunSeed(s, seed)
			opts := own.Options
			opts.Parsed = shared
			again := scenario.Execute(s, sim.Random(seed), opts)
			if own.Err != nil || again.Err != nil {
				t.Fatalf("%s: %v, %v", name, own.Err, again.Err)
			}
			if own.Hash() != again.Hash() || own.Log.String() != again.Log.String() {
				t.Fatalf("%s seed %d: hash %x with its own cache, %x with the shared one", name, seed, own.Hash(), again.Hash())
			}
		}
	}
	texts := fakepg.ParsedTexts(shared)
	if len(texts) < 20 {
		t.Fatalf("the shared cache holds %d texts", len(texts))
	}
	for _, text := range texts {
		got, gotErr := shared.Parse(text)
		want, wantErr := sqlparse.Parse(text)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("%q: the cached parse changed after the runs", text)
		}
	}
}

// TestParseCacheParsesOnce: a text is parsed once and its statements
// shared; an error is remembered too; a nil cache parses every time.
func TestParseCacheParsesOnce(t *testing.T) {
	c := fakepg.NewParseCache()
	a, err := c.Parse("SELECT 1; SELECT 2")
	if err != nil || len(a) != 2 {
		t.Fatalf("%v, %v", a, err)
	}
	b, _ := c.Parse("SELECT 1; SELECT 2")
	if &a[0] != &b[0] || c.Len() != 1 {
		t.Fatalf("a second parse of the same text gave new statements (%d texts)", c.Len())
	}
	if _, err := c.Parse("SELEC 1"); err == nil {
		t.Fatal("no syntax error")
	}
	if _, err := c.Parse("SELEC 1"); err == nil || c.Len() != 2 {
		t.Fatalf("the cached error is lost: %v, %d texts", err, c.Len())
	}
	var none *fakepg.ParseCache
	x, _ := none.Parse("SELECT 1")
	y, _ := none.Parse("SELECT 1")
	if &x[0] == &y[0] {
		t.Fatal("a nil cache shared statements")
	}
}
