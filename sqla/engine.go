package sqla

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Engine is SQLAlchemy's Engine: a dialect, a pool, and the compiled
// statement cache. It stands for process memory: CopyInto copies it (with
// its pool, dialect and cache) for a forked child.
//
// Invariant: cache holds each statement's compiled form by cache key;
// cacheOrder lists the keys in insertion order.
type Engine struct {
	w       *sim.World
	url     *URL
	dialect *Dialect
	pool    *pool.Pool
	drv     driver.Driver
	cext    bool

	cache      map[cacheKey]*compiled // lookup only; copies follow cacheOrder
	cacheOrder []cacheKey
	cacheSize  int
}

// URL returns the engine's URL.
func (e *Engine) URL() *URL { return e.url }

// Dialect returns the engine's dialect.
func (e *Engine) Dialect() *Dialect { return e.dialect }

// Pool returns the engine's current pool.
func (e *Engine) Pool() *pool.Pool { return e.pool }

// World returns the engine's world.
func (e *Engine) World() *sim.World { return e.w }

// Connect checks a connection out of the pool (Engine.connect).
func (e *Engine) Connect() (*Connection, error) {
	f, err := e.rawConnection(nil)
	if err != nil {
		return nil, err
	}
	return &Connection{engine: e, fairy: f, canReconnect: true}, nil
}

// rawConnection is raw_connection through _wrap_pool_connect: a DB-API
// error of the checkout is wrapped (without a statement) when no
// Connection asks, and goes to the Connection's handler otherwise.
func (e *Engine) rawConnection(forConn *Connection) (*pool.Fairy, error) {
	f, err := e.pool.Connect()
	if err == nil {
		return f, nil
	}
	if isDBAPIError(err) && forConn == nil {
		return nil, wrapDBAPI("", false, nil, err, e.dialect.IsDisconnect(err, nil), e.dialect.HideParameters)
	}
	return nil, err
}

// Dispose replaces the engine's pool with a new one (Engine.dispose,
// whose close parameter 1.4.33 added and 1.4.46 has): with close, the old
// pool's checked-in connections are closed first (Terminate is sent);
// without, the old pool is dropped untouched — what a forked child should
// call, since closing would end the parent's sessions on the sockets the
// child shares. Connections checked out at the time (held by a session or
// a global) belong to the old pool either way and stay open.
//
// A dropped pool's connections are not closed by anything here. CPython
// would free a psycopg2 connection object once nothing refers to it, and
// psycopg2 closes it then only in the process that opened it; in the
// parent that eventually sends Terminate, which this model leaves out.
func (e *Engine) Dispose(close bool) {
	if close {
		e.pool.Dispose()
	}
	e.pool = e.pool.Recreate()
}

// compiledFor returns the statement's compiled form from the engine's
// compiled cache (LRU in SQLAlchemy, 500 entries by default; entries are
// kept here until the cache is full, then not added).
func (e *Engine) compiledFor(stmt Executable) *compiled {
	key := stmt.cacheKey()
	if c, ok := e.cache[key]; ok {
		return c
	}
	c := stmt.compile()
	if e.cacheSize > 0 && len(e.cache) < e.cacheSize {
		e.cache[key] = c
		e.cacheOrder = append(e.cacheOrder, key)
	}
	return c
}

// CopyInto returns the engine's copy for the fork c makes.
func (e *Engine) CopyInto(c *procmem.Copier) *Engine {
	return procmem.Copy(c, e, func() *Engine {
		n := &Engine{w: e.w, url: e.url, drv: e.drv, cext: e.cext, cacheSize: e.cacheSize}
		procmem.Register(c, e, n)
		n.dialect = e.dialect.ForkCopy(c).(*Dialect)
		n.pool = e.pool.CopyInto(c)
		n.cache = make(map[cacheKey]*compiled, len(e.cache))
		for _, k := range e.cacheOrder {
			comp := *e.cache[k]
			n.cache[k] = &comp
			n.cacheOrder = append(n.cacheOrder, k)
		}
		return n
	})
}

// onConnectHandler is the connect handler create_engine adds for the
// dialect's on_connect (the isolation level, the hstore lookup).
type onConnectHandler struct{ d *Dialect }

func (h *onConnectHandler) OnConnect(c driver.Conn, _ *pool.Record) error { return h.d.onConnect(c) }

func (h *onConnectHandler) ForkCopy(c *procmem.Copier) any {
	return procmem.Copy(c, h, func() *onConnectHandler {
		return &onConnectHandler{d: h.d.ForkCopy(c).(*Dialect)}
	})
}

// firstConnectHandler is create_engine's first_connect, run once unless it
// fails: dialect.initialize on a Connection over the new DB-API connection,
// then a rollback of what it began.
type firstConnectHandler struct {
	e    *Engine
	done bool // only_once has run it (and it did not fail)
}

func (h *firstConnectHandler) OnConnect(c driver.Conn, _ *pool.Record) error {
	if h.done {
		return nil
	}
	h.done = true
	conn := &Connection{engine: h.e, raw: c}
	err := h.e.dialect.initialize(conn)
	if !conn.Invalidated() && !conn.Closed() {
		if rerr := h.e.dialect.DoRollback(c); rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		h.done = false // retry_on_exception
	}
	return err
}

func (h *firstConnectHandler) ForkCopy(c *procmem.Copier) any {
	return procmem.Copy(c, h, func() *firstConnectHandler {
		return &firstConnectHandler{e: h.e.CopyInto(c), done: h.done}
	})
}

// errNoDriver is returned by CreateEngine without a driver.
var errNoDriver = exc.New(exc.ArgumentError, "create_engine needs a driver (Setup.Driver)")
