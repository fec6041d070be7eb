package app

import (
	"errors"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sqla"
)

// Flask is the application of a Flask + Flask-SQLAlchemy deployment as a
// server loads it: its engine (db.engine), its scoped session
// (db.session, one session per request thread, removed at request
// teardown), and, when configured, a module-level connection and
// background threads started at import. Its views run the workload's
// requests through the ORM. It stands for the memory of the process that
// imported it; a fork copies it with its engine, pool, sessions and the
// connections they hold.
type Flask struct {
	env    Env
	cfg    AppConfig
	engCfg EngineConfig
	setup  sqla.Setup
	url    string

	engine  *sqla.Engine
	session *sqla.ScopedSession
	global  *sqla.Connection // the module-level connection, or nil
}

// DatabaseURL is the URL the applications' engines connect to, for a
// driver and a role.
func DatabaseURL(driverName, user string) string {
	return "postgresql+" + driverName + "://" + user + "@" + DatabaseAddr + "/postgres"
}

// LoadFlask returns the loader of a Flask application over drv: importing
// it creates the engine, then does what cfg says at import.
func LoadFlask(env Env, cfg AppConfig, engCfg EngineConfig, drv driver.Driver, user string) Loader {
	return func() Application {
		f := &Flask{env: env, cfg: cfg, engCfg: engCfg, url: DatabaseURL(drv.Name(), user),
			setup: sqla.Setup{World: env.W, Driver: drv}}
		f.engine = f.createEngine(engCfg.Poolclass)
		f.session = sqla.NewScopedSession(env.W, func() *sqla.Engine { return f.engine })
		if f.engine == nil {
			return f
		}
		if cfg.TouchDBAtLoad {
			sess := f.session.Get()
			f.exec(-1, -1, ReadStatement(SettingsKey), false, sess.Execute, sessionConn(sess))
			if err := f.session.Remove(); err != nil {
				f.logException("import", err)
			}
		}
		if cfg.GlobalConnection {
			c, err := f.engine.Connect()
			if err != nil {
				f.logException("import", err)
			} else {
				f.global = c
			}
		}
		for range cfg.BackgroundThreads {
			env.W.Go("scheduler", f.background).Daemon()
		}
		return f
	}
}

// createEngine is create_engine(url, poolclass=..., **engine arguments);
// the pid-check design is a QueuePool with the recipe's event handlers, a
// registered design (RegisterPoolclass) its callable. QueuePool's and
// SingletonThreadPool's size arguments go to those classes only, as a
// configuration that names another class leaves them out.
func (f *Flask) createEngine(poolclass string) *sqla.Engine {
	c := f.engCfg
	var class any = poolclass
	if poolclass == "PIDCheck" {
		class = sqla.QueuePoolClass
	}
	if own, ok := ownPoolclasses[poolclass]; ok {
		class = own
	}
	kw := sqla.K("poolclass", class, "pool_pre_ping", c.PoolPrePing, "pool_recycle", c.PoolRecycle.D().Seconds(),
		"pool_reset_on_return", c.PoolResetOnReturn, "use_native_hstore", c.UseNativeHstore, "_initialize", c.Initialize)
	switch class {
	case sqla.QueuePoolClass:
		kw = append(kw, sqla.K("pool_size", c.PoolSize, "max_overflow", c.MaxOverflow,
			"pool_timeout", c.PoolTimeout.D().Seconds(), "pool_use_lifo", c.PoolUseLifo)...)
	case sqla.SingletonThreadPoolClass:
		kw = append(kw, sqla.K("pool_size", c.PoolSize)...)
	}
	e, err := sqla.CreateEngine(f.setup, f.url, kw...)
	if err != nil {
		f.logException("create_engine", err)
		return nil
	}
	if poolclass == "PIDCheck" {
		pool.PIDCheck(e.Pool())
	}
	return e
}

// Engine returns the application's current engine (db.engine).
func (f *Flask) Engine() *sqla.Engine { return f.engine }

// Hook runs a server hook's body on the application's engine.
func (f *Flask) Hook(h Hook) {
	if f.engine == nil {
		return
	}
	switch h.Kind {
	case HookDispose:
		f.engine.Dispose(false)
	case HookDisposeClose:
		f.engine.Dispose(true)
	case HookRecreate:
		if e := f.createEngine(h.Poolclass); e != nil {
			f.engine = e
		}
	}
}

// Serve is the view: the settings read through the module-level
// connection (if any), then the request's transactions through the
// scoped session, or its autocommit operation through a connection of its
// own; then the request's teardown removes the session. It returns the
// first exception raised.
func (f *Flask) Serve(r *Request) error {
	if f.engine == nil {
		return errNoEngine
	}
	var err error
	if f.global != nil {
		err = f.exec(r.ID, -1, ReadStatement(SettingsKey), true, f.global.Execute, f.globalConn)
	}
	switch {
	case err != nil:
	case r.Autocommit != nil:
		err = f.autocommit(r)
	default:
		for i, t := range r.Transactions {
			if err = f.transaction(r.ID, i, t); err != nil {
				break
			}
		}
	}
	if rerr := f.session.Remove(); err == nil {
		err = rerr
	}
	return err
}

// errNoEngine is what a view raises when create_engine failed at import.
var errNoEngine = errors.New("NameError: name 'engine' is not defined")

// logException writes the log of an exception raised at import: the
// traceback's last line.
func (f *Flask) logException(where string, err error) {
	text, class := ErrorText(err)
	f.env.Log.Printf(Error, "Exception in %s\nTraceback (most recent call last):\n%s: %s", where, class, text)
}

// transaction runs t through the thread's session: its statements, then
// commit or rollback; a failed statement rolls back, as the request's
// error handling would.
func (f *Flask) transaction(id, i int, t Transaction) error {
	sess := f.session.Get()
	for _, st := range t.Statements {
		if err := f.exec(id, i, st, false, sess.Execute, sessionConn(sess)); err != nil {
			f.end(id, i, OpRollback, sess.Rollback)
			return err
		}
	}
	if t.Rollback {
		return f.end(id, i, OpRollback, sess.Rollback)
	}
	return f.end(id, i, OpCommit, sess.Commit)
}

// autocommit runs r's autocommit operation on a connection checked out
// for it: SQLAlchemy 1.4 commits a DML statement by itself, and returning
// the connection rolls back what a SELECT began.
func (f *Flask) autocommit(r *Request) error {
	op := f.env.Rec.Call(r.ID, -1, *r.Autocommit, true)
	c, err := f.engine.Connect()
	if err != nil {
		f.env.Rec.Return(op, nil, -1, err)
		return err
	}
	rows, rc, err := f.run(c.Execute, *r.Autocommit)
	op.Backend = backendPID(c)
	f.env.Rec.Return(op, rows, rc, err)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// exec runs one statement through execute and records it, with the
// server pid of the connection conn returns afterwards (if not nil).
func (f *Flask) exec(id, txn int, st Statement, autocommit bool, execute executor, conn func() *sqla.Connection) error {
	op := f.env.Rec.Call(id, txn, st, autocommit)
	rows, rc, err := f.run(execute, st)
	if conn != nil {
		if c := conn(); c != nil {
			op.Backend = backendPID(c)
		}
	}
	f.env.Rec.Return(op, rows, rc, err)
	return err
}

// sessionConn returns the connection sess holds, without checking one
// out.
func sessionConn(sess *sqla.Session) func() *sqla.Connection {
	return func() *sqla.Connection {
		if !sess.Holds() {
			return nil
		}
		c, _ := sess.Connection()
		return c
	}
}

// globalConn returns the module-level connection.
func (f *Flask) globalConn() *sqla.Connection { return f.global }

// end records a commit or rollback.
func (f *Flask) end(id, txn int, kind OpKind, fn func() error) error {
	op := f.env.Rec.Call(id, txn, Statement{Kind: kind, SQL: kind.String()}, false)
	err := fn()
	f.env.Rec.Return(op, nil, -1, err)
	return err
}

// executor is Session.Execute or Connection.Execute.
type executor func(sqla.Executable, ...sqla.Param) (*sqla.Result, error)

// run executes st and reads its result as the ORM does: every labelled
// column of every row, by position (every column of a recorded
// statement's rows).
func (f *Flask) run(execute executor, st Statement) ([]driver.Row, int, error) {
	var stmt sqla.Executable
	var width int
	switch st.Kind {
	case OpRead:
		stmt, width = sqla.Select(st.SQL, "kv_k", "kv_v"), 2
	case OpSelect:
		labels := make([]string, len(activityColumns))
		for i, c := range activityColumns {
			labels[i] = "activity_1_" + c
		}
		stmt, width = sqla.Select(st.SQL, labels...), len(labels)
	case OpIncrement:
		stmt, width = sqla.Text(st.SQL), 1
	case OpStatement:
		stmt, width = sqla.Text(st.SQL), -1 // as many columns as the reply has
	default:
		stmt = sqla.Text(st.SQL)
	}
	res, err := execute(stmt)
	if err != nil {
		return nil, -1, err
	}
	// a view reads the rows it selected, whatever came back (a SELECT
	// handed a command's reply raises ResourceClosedError); a replayed
	// statement is read only when its result has rows, as a generic
	// replayer checks result.returns_rows
	if width == 0 || (width < 0 && !res.ReturnsRows()) {
		return nil, res.RowCount(), nil
	}
	if width < 0 {
		keys, err := res.Keys()
		if err != nil {
			return nil, res.RowCount(), err
		}
		width = len(keys)
	}
	got, err := res.All()
	if err != nil {
		return nil, res.RowCount(), err
	}
	rows := make([]driver.Row, 0, len(got))
	for _, row := range got {
		vals := make(driver.Row, width)
		for i := range width {
			v, err := row.Get(i)
			if err != nil {
				return rows, res.RowCount(), err
			}
			vals[i] = v
		}
		rows = append(rows, vals)
	}
	return rows, res.RowCount(), nil
}

// background is a scheduler thread started at import: every
// BackgroundInterval it runs its job (the slow statement of
// BackgroundJob, then an increment of the settings row) through the
// module-level connection if there is one (DML commits by itself), else
// through its own session.
func (f *Flask) background() {
	for {
		sts := []Statement{IncrementStatement(SettingsKey)}
		if d := f.cfg.BackgroundJob.D(); d > 0 {
			sts = append([]Statement{SleepStatement(d)}, sts...)
		}
		if f.global != nil {
			for _, st := range sts {
				if f.exec(-1, -1, st, true, f.global.Execute, f.globalConn) != nil {
					break
				}
			}
		} else {
			sess := f.session.Get()
			ok := true
			for _, st := range sts {
				if ok = f.exec(-1, 0, st, false, sess.Execute, sessionConn(sess)) == nil; !ok {
					break
				}
			}
			if ok {
				f.end(-1, 0, OpCommit, sess.Commit)
			}
			f.session.Remove()
		}
		f.env.W.Sleep(f.cfg.BackgroundInterval.D())
	}
}

// CopyInto copies the application for a forked child: engine, pool,
// scoped session with every thread's session, the module-level
// connection. The background threads do not survive the fork.
func (f *Flask) CopyInto(c *procmem.Copier) Application {
	return procmem.Copy(c, Application(f), func() Application {
		n := &Flask{env: f.env, cfg: f.cfg, engCfg: f.engCfg, setup: f.setup, url: f.url}
		procmem.Register(c, Application(f), Application(n))
		if f.engine != nil {
			n.engine = f.engine.CopyInto(c)
		}
		n.session = f.session.CopyInto(c, func() *sqla.Engine { return n.engine })
		if f.global != nil {
			n.global = f.global.CopyInto(c)
		}
		return n
	})
}

// backendPID is the server pid of the connection's DB-API connection.
func backendPID(c *sqla.Connection) int32 {
	if d := c.DBAPI(); d != nil {
		return d.BackendPID()
	}
	return 0
}
