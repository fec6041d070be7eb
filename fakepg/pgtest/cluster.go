package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// readyTimeout bounds how long a new cluster may take to accept connections.
const readyTimeout = 60 * time.Second

// settings are the server settings on top of initdb's defaults: loopback
// only, and everything that makes a throwaway cluster fast and quiet.
// deadlock_timeout keeps its default (1s) so that which session of a
// deadlock gets the error does not depend on a short race.
var settings = []string{
	"listen_addresses=127.0.0.1",
	"fsync=off",
	"synchronous_commit=off",
	"full_page_writes=off",
	"wal_level=minimal",
	"max_wal_senders=0",
	"autovacuum=off",
	"jit=off",
	"shared_buffers=32MB",
	"huge_pages=off",
	"TimeZone=UTC",
	"log_timezone=UTC",
	"logging_collector=off",
}

// Cluster is a running throwaway PostgreSQL 15 cluster. Connect as user
// "postgres" (trust authentication) to database "postgres".
type Cluster struct {
	bins    binaries
	acct    account
	base    string // temporary directory holding owner, data/ and postgres.log
	data    string
	logPath string
	port    int
	pm      *postmaster
	startup time.Duration
	extra   []string // settings on top of settings, as name=value

	stopOnce sync.Once
}

// StartPostgres returns a running PostgreSQL 15 cluster with Schema
// applied. With Main in TestMain it returns the package's shared cluster,
// starting it on first use; otherwise it starts a new cluster that is
// stopped and removed when t ends. See the package documentation.
//
// If no PostgreSQL 15 binaries are found it skips t, or fails t when the
// environment variable CI is "true".
func StartPostgres(t testing.TB) *Cluster {
	t.Helper()
	requireBinaries(t)
	if c := sharedCluster(t); c != nil {
		return c
	}
	return startOwn(t)
}

// StartPostgresWith starts a cluster of its own for t, never the shared
// one, with server settings (name=value, as postgres -c takes them) on
// top of the usual ones, such as "max_connections=6". It is stopped and
// removed when t ends. A missing server skips or fails t as for
// StartPostgres.
func StartPostgresWith(t testing.TB, settings ...string) *Cluster {
	t.Helper()
	requireBinaries(t)
	return startOwn(t, settings...)
}

// startOwn starts a cluster that t stops.
func startOwn(t testing.TB, settings ...string) *Cluster {
	t.Helper()
	c, err := startCluster(settings...)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Logf("pgtest: %s", c)
	t.Cleanup(c.stop)
	return c
}

// requireBinaries skips t, or fails it when CI is "true", if no
// PostgreSQL 15 binaries are found.
func requireBinaries(t testing.TB) {
	t.Helper()
	if _, err := findBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: %v (CI=true: a missing server is a failure)", err)
		}
		t.Skipf("pgtest: %v", err)
	}
}

// Addr returns the server's address, "127.0.0.1:port".
func (c *Cluster) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)) }

// Port returns the server's TCP port.
func (c *Cluster) Port() int { return c.port }

// ConnString returns a pgx/libpq connection URL for user postgres,
// database postgres.
func (c *Cluster) ConnString() string {
	return fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", c.Addr())
}

// Version returns the output of `postgres --version`.
func (c *Cluster) Version() string { return c.bins.version }

// Log returns the server log so far.
func (c *Cluster) Log() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read server log: %v)", err)
	}
	return string(b)
}

// String describes the cluster and how long it took to start.
func (c *Cluster) String() string {
	return fmt.Sprintf("%s on %s in %s (data %s)", c.bins.version, c.Addr(),
		c.startup.Round(time.Millisecond), c.data)
}

// Exec runs sql, with optional arguments, over a new pgx connection and
// fails t on error. With no arguments sql may hold several statements.
func (c *Cluster) Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.exec(ctx, sql, args...); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
}

func (c *Cluster) exec(ctx context.Context, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, c.ConnString())
	if err != nil {
		return fmt.Errorf("connect to %s: %v", c.Addr(), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %v", sql, err)
	}
	return nil
}

// startCluster creates, starts and fills a new cluster with extra
// settings.
func startCluster(extra ...string) (_ *Cluster, err error) {
	begin := time.Now()
	bins, err := findBinaries()
	if err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	sweepStale()
	base, err := os.MkdirTemp("", stalePrefix)
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		bins:    bins,
		acct:    acct,
		base:    base,
		data:    filepath.Join(base, "data"),
		logPath: filepath.Join(base, "postgres.log"),
		extra:   extra,
	}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	if err := markOwner(base); err != nil {
		return nil, err
	}
	if err := acct.chown(base); err != nil {
		return nil, fmt.Errorf("chown %s to postgres: %v", base, err)
	}
	if err := c.initdb(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err := c.start()
		if err == nil {
			break
		}
		if attempt < 3 && errors.Is(err, errPortTaken) {
			continue
		}
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.exec(ctx, Schema); err != nil {
		return nil, fmt.Errorf("applying Schema: %v\nserver log:\n%s", err, c.Log())
	}
	c.startup = time.Since(begin)
	return c, nil
}

// initdb creates the data directory.
func (c *Cluster) initdb() error {
	cmd := c.acct.command(filepath.Join(c.bins.dir, "initdb"),
		"-D", c.data, "-A", "trust", "-U", "postgres",
		"--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb -D %s: %v\n%s", c.data, err, out)
	}
	return nil
}

// errPortTaken reports that the postmaster could not bind its port (another
// process took it between freePort and the postmaster's bind).
var errPortTaken = errors.New("port taken")

// start starts the postmaster on a free port and waits until it accepts
// connections.
func (c *Cluster) start() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	logFile, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child keeps its own descriptor
	logStart, _ := logFile.Seek(0, 2)

	// The Unix socket goes into the data directory, unless the path would
	// be too long for a socket address; TCP is all pgtest uses.
	sockDir := c.data
	if len(sockDir)+len("/.s.PGSQL.65535") > 100 {
		sockDir = ""
	}
	args := []string{"-D", c.data, "-p", strconv.Itoa(port), "-k", sockDir}
	for _, s := range append(slices.Clip(settings), c.extra...) {
		args = append(args, "-c", s)
	}
	cmd := c.acct.command(filepath.Join(c.bins.dir, "postgres"), args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	pm, err := launch(cmd)
	if err != nil {
		return fmt.Errorf("start postgres: %v", err)
	}
	c.pm = pm
	if err := c.waitReady(); err != nil {
		pm.stop()
		log := c.Log()
		if int64(len(log)) > logStart {
			log = log[logStart:]
		}
		if strings.Contains(log, "could not bind") || strings.Contains(log, "already in use") {
			return fmt.Errorf("%w: %v", errPortTaken, err)
		}
		return fmt.Errorf("%v\nserver log:\n%s", err, log)
	}
	return nil
}

// waitReady waits until the server completes a connection, or fails when
// the postmaster exits or readyTimeout passes.
func (c *Cluster) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	var last error
	for time.Now().Before(deadline) {
		if !c.pm.running() {
			return fmt.Errorf("postgres exited during startup: %v", c.pm.waitErr)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgconn.Connect(ctx, c.ConnString())
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("postgres on %s did not accept connections within %s: %v", c.Addr(), readyTimeout, last)
}

// running reports whether the postmaster is still running.
func (c *Cluster) running() bool { return c.pm != nil && c.pm.running() }

// stop stops the server (immediate shutdown) and removes its files.
func (c *Cluster) stop() {
	c.stopOnce.Do(func() {
		if c.pm != nil {
			c.pm.stop()
		}
		_ = os.RemoveAll(c.base)
	})
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
