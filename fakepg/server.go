package fakepg

import (
	"errors"
	"io"
	"time"

	"github.com/poolsim/poolsim/fakepg/engine"
)

// DefaultMaxConnections is PostgreSQL's max_connections default.
const DefaultMaxConnections = 100

// Config configures a Server. The zero value is PostgreSQL's defaults with
// trust authentication.
type Config struct {
	// MaxConnections is the number of concurrent sessions; one more gets
	// FATAL 53300 "sorry, too many clients already". 0 means 100.
	MaxConnections int
	// Password, if set, makes the server ask for a cleartext password
	// (AuthenticationCleartextPassword) and check it.
	Password string
	// DeadlockTimeout is deadlock_timeout; 0 means 1s.
	DeadlockTimeout time.Duration
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
	s := &Server{cfg: cfg, rt: rt, db: engine.NewDB(rt), nextPID: 4200}
	if cfg.DeadlockTimeout > 0 {
		s.db.DeadlockTimeout = cfg.DeadlockTimeout
	}
	s.mu = rt.NewMutex("postmaster")
	return s
}

// DB returns the server's database.
func (s *Server) DB() *engine.DB { return s.db }

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

// release uncounts a session.
func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
}
