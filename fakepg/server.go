package fakepg

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// DefaultMaxConnections is PostgreSQL's max_connections default.
const DefaultMaxConnections = 100

// DefaultSuperuserReservedConnections is PostgreSQL's
// superuser_reserved_connections default.
const DefaultSuperuserReservedConnections = 3

// Config configures a Server. The zero value is PostgreSQL's defaults with
// trust authentication.
type Config struct {
	// MaxConnections is the number of concurrent sessions; one more gets
	// FATAL 53300 "sorry, too many clients already". 0 means 100.
	MaxConnections int
	// SuperuserReservedConnections is superuser_reserved_connections: a
	// session of a role that is not a superuser, once authenticated, gets
	// FATAL 53300 "remaining connection slots are reserved for
	// non-replication superuser connections" when fewer slots than this
	// are free. 0 means PostgreSQL's default, 3, lowered to
	// MaxConnections-1 for a smaller MaxConnections (with which PostgreSQL
	// would not start); a negative value reserves none. A value set that
	// is not less than MaxConnections makes NewServer panic, as PostgreSQL
	// refuses to start.
	SuperuserReservedConnections int
	// Superusers names the roles that are superusers (is_superuser, the
	// reserved slots). Nil means only "postgres" is.
	Superusers []string
	// Password, if set, makes the server ask for a cleartext password
	// (AuthenticationCleartextPassword) and check it.
	Password string
	// DeadlockTimeout is deadlock_timeout; 0 means 1s.
	DeadlockTimeout time.Duration
	// ParseCache, if set, is where the server's sessions parse their
	// query strings, sharing the statements of equal texts; nil leaves
	// each session to parse what its own query cache has not seen. A
	// server that serves real TCP must not have one (see ParseCache).
	ParseCache *ParseCache
}

// Server is a fake PostgreSQL server: one database and its sessions.
//
// Invariant: mu guards active, nextPID and backends; truth is written only
// under the simulator, one task at a time.
type Server struct {
	cfg Config
	rt  engine.Runtime
	db  *engine.DB

	mu       engine.Mutex
	active   int
	nextPID  int32
	truth    Truth
	backends map[int32]*backend // by pid, for CancelRequest; lookup only
}

// NewServer returns a server whose sessions block and tell time through rt.
func NewServer(rt engine.Runtime, cfg Config) *Server {
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	switch {
	case cfg.SuperuserReservedConnections == 0:
		cfg.SuperuserReservedConnections = min(DefaultSuperuserReservedConnections, cfg.MaxConnections-1)
	case cfg.SuperuserReservedConnections < 0:
		cfg.SuperuserReservedConnections = 0
	}
	if cfg.SuperuserReservedConnections >= cfg.MaxConnections {
		panic(fmt.Sprintf("fakepg: superuser_reserved_connections (%d) must be less than max_connections (%d)",
			cfg.SuperuserReservedConnections, cfg.MaxConnections))
	}
	s := &Server{cfg: cfg, rt: rt, db: engine.NewDB(rt), nextPID: 4200}
	if cfg.DeadlockTimeout > 0 {
		s.db.DeadlockTimeout = cfg.DeadlockTimeout
	}
	s.db.Superusers = cfg.Superusers
	s.db.SetServerParameter("max_connections", strconv.Itoa(cfg.MaxConnections))
	s.db.SetServerParameter("superuser_reserved_connections", strconv.Itoa(cfg.SuperuserReservedConnections))
	s.mu = rt.NewMutex("postmaster")
	return s
}

// DB returns the server's database.
func (s *Server) DB() *engine.DB { return s.db }

// Parse parses a query string as the server's sessions do, through its
// parse cache when it has one. The statements may be shared: callers must
// not change them.
func (s *Server) Parse(text string) ([]sqlparse.Stmt, error) { return s.cfg.ParseCache.Parse(text) }

// ServeConn runs one session over rw until the client terminates, the
// stream ends or the session fails. It returns nil for a clean end
// (Terminate or EOF at a message boundary) and otherwise the reason the
// session ended: a FATAL error sent to the client, a condition PostgreSQL
// only logs (an invalid message length, a truncated message), or a failed
// write to the client, after which the session reads no more.
// It never panics on any input.
func (s *Server) ServeConn(rw io.ReadWriter) error {
	b := newBackend(s, rw)
	defer b.truth.unwound(b) // a killed backend never returns from run
	err := b.run()
	b.out.flush()
	b.truth.ended(b, err)
	if errors.Is(err, errTerminate) {
		return nil
	}
	return err
}

// admit counts a new session; it fails when max_connections are in use.
func (s *Server) admit() (pid int32, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active >= s.cfg.MaxConnections {
		return 0, false
	}
	s.active++
	s.nextPID++
	return s.nextPID, true
}

// reservedOnly reports whether no more than the superuser-reserved slots
// are free (HaveNFreeProcs), counting the caller's own as taken.
func (s *Server) reservedOnly() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.cfg.SuperuserReservedConnections
	return n > 0 && s.cfg.MaxConnections-s.active < n
}

// release uncounts a session.
func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
}
