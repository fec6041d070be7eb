package pgtest

import (
	"sync"
	"testing"
)

var shared struct {
	mu      sync.Mutex // held while starting the cluster
	enabled bool
	cluster *Cluster
	err     error // why the shared cluster failed to start
}

// Main runs the tests with one PostgreSQL cluster shared by every
// StartPostgres call, then stops it. Use it in place of m.Run:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.enabled = true
	shared.mu.Unlock()
	defer Shutdown()
	return m.Run()
}

// Shutdown stops and removes the shared cluster, if one was started, and
// turns sharing off: later StartPostgres calls start a cluster per test.
// Main calls it after the tests; call it to stop the shared cluster
// earlier. It is safe to call more than once.
func Shutdown() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster != nil {
		shared.cluster.stop()
	}
	shared.enabled = false
	shared.cluster = nil
	shared.err = nil
}

// sharedCluster returns the shared cluster, starting it if needed, or nil
// when sharing is off. A failure to start fails t, and every later caller.
func sharedCluster(t testing.TB) *Cluster {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.enabled {
		return nil
	}
	if c := shared.cluster; c != nil {
		if c.running() {
			return c
		}
		t.Logf("pgtest: the shared cluster exited; starting a new one. Its log:\n%s", c.Log())
		c.stop()
		shared.cluster = nil
	}
	if shared.err != nil {
		t.Fatalf("pgtest: the shared cluster failed to start: %v", shared.err)
	}
	c, err := startCluster()
	if err != nil {
		shared.err = err
		t.Fatalf("pgtest: %v", err)
	}
	t.Logf("pgtest: shared cluster: %s", c)
	shared.cluster = c
	return c
}
