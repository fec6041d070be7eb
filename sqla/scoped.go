package sqla

import (
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// ScopedSession is scoped_session(sessionmaker(bind=engine)) scoped per
// thread, as Flask-SQLAlchemy's db.session is per application context (one
// per request thread): Get returns the current task's session, making it
// at first use; Remove closes it (returning its connection) and forgets
// it, as Flask-SQLAlchemy's request teardown does. The session checks a
// connection out at its first statement and holds it until commit,
// rollback, close or Remove.
//
// It stands for process memory: a forked child's copy keeps every
// thread's session (with the connections they hold, on the sockets the
// child shares), but only the forking thread's is still a thread's in the
// child (see pool.ThreadLocal).
type ScopedSession struct {
	w        *sim.World
	engine   func() *Engine
	registry *pool.ThreadLocal[*Session]
}

// NewScopedSession returns a scoped session whose sessions bind to the
// engine engine returns when each is made (Flask-SQLAlchemy reads
// db.engine then).
func NewScopedSession(w *sim.World, engine func() *Engine) *ScopedSession {
	return &ScopedSession{w: w, engine: engine, registry: &pool.ThreadLocal[*Session]{}}
}

// Get returns the current thread's session (db.session()).
func (s *ScopedSession) Get() *Session {
	if sess, ok := s.registry.Get(s.w); ok {
		return sess
	}
	sess := NewSession(s.engine())
	s.registry.Set(s.w, sess)
	return sess
}

// Has reports whether the current thread has a session.
func (s *ScopedSession) Has() bool {
	_, ok := s.registry.Get(s.w)
	return ok
}

// Remove closes the current thread's session and forgets it
// (scoped_session.remove()).
func (s *ScopedSession) Remove() error {
	sess, ok := s.registry.Get(s.w)
	if !ok {
		return nil
	}
	err := sess.Close()
	s.registry.Delete(s.w)
	return err
}

// Sessions returns every session the process's memory holds: the threads'
// and those copied from threads that did not survive a fork.
func (s *ScopedSession) Sessions() []*Session { return s.registry.Values() }

// CopyInto returns the scoped session's copy for the fork c makes; engine
// is the child's way to the engine (the copy of the parent's, or one the
// child makes).
func (s *ScopedSession) CopyInto(c *procmem.Copier, engine func() *Engine) *ScopedSession {
	return procmem.Copy(c, s, func() *ScopedSession {
		return &ScopedSession{
			w:        s.w,
			engine:   engine,
			registry: s.registry.CopyInto(c, s.w, func(x *Session) *Session { return x.CopyInto(c) }),
		}
	})
}
