package sqla

import (
	"fmt"
	"strings"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Kwarg is one keyword argument of create_engine.
type Kwarg struct {
	Name  string
	Value any
}

// K builds keyword arguments from name, value pairs:
// K("pool_size", 10, "max_overflow", 30, "pool_pre_ping", true).
func K(nameValues ...any) []Kwarg {
	var out []Kwarg
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, _ := nameValues[i].(string)
		out = append(out, Kwarg{Name: name, Value: nameValues[i+1]})
	}
	return out
}

// Setup is what create_engine finds in its environment rather than in its
// arguments: the world, the DB-API module the URL's driver names, and
// whether SQLAlchemy's C extensions are installed.
type Setup struct {
	World  *sim.World
	Driver driver.Driver
	// CExtensions says SQLAlchemy runs with its C extensions
	// (cresultproxy), as Debian's python3-sqlalchemy does: a row whose
	// width differs from the result's columns then raises RuntimeError
	// "number of values in row (%d) differ from number of column
	// processors (%d)" when it is built. Without them (a pure-Python
	// install, as in the incident) the row is cut to the shorter and
	// reading a missing column raises IndexError "tuple index out of
	// range".
	CExtensions bool
}

// Pool classes by create_engine's poolclass name.
const (
	QueuePoolClass           = "QueuePool"
	NullPoolClass            = "NullPool"
	StaticPoolClass          = "StaticPool"
	SingletonThreadPoolClass = "SingletonThreadPool"
	AssertionPoolClass       = "AssertionPool"
)

// PoolClass is a poolclass of one's own: create_engine(poolclass=f) with
// a callable that makes the pool from the creator and the options every
// pool takes, as a Pool subclass's __init__ would (it takes no other
// pool arguments).
type PoolClass func(w *sim.World, creator pool.Creator, o pool.Options) *pool.Pool

// poolKwargs are the keyword arguments each pool class's __init__ takes
// (util.get_cls_kwargs), with Pool's own.
var basePoolKwargs = []string{"creator", "recycle", "echo", "logging_name", "reset_on_return", "events", "dialect", "pre_ping", "_dispatch"}

func poolKwargs(class string) []string {
	switch class {
	case QueuePoolClass:
		return append([]string{"creator", "pool_size", "max_overflow", "timeout", "use_lifo"}, basePoolKwargs[1:]...)
	case SingletonThreadPoolClass:
		return append([]string{"creator", "pool_size"}, basePoolKwargs[1:]...)
	}
	return basePoolKwargs
}

// poolTranslate is create_engine's translation of pool arguments.
var poolTranslate = map[string]string{ // lookup only
	"logging_name": "pool_logging_name", "echo": "echo_pool", "timeout": "pool_timeout",
	"recycle": "pool_recycle", "events": "pool_events", "reset_on_return": "pool_reset_on_return",
	"pre_ping": "pool_pre_ping", "use_lifo": "pool_use_lifo",
}

// dialectKwargs are the psycopg2 dialect's arguments this model takes.
var dialectKwargs = []string{"isolation_level", "use_native_hstore", "use_native_uuid", "use_native_unicode"}

// engineKwargs are Engine.__init__'s arguments this model takes.
var engineKwargs = []string{"logging_name", "echo", "query_cache_size", "hide_parameters"}

// CreateEngine is create_engine(url, **kwargs) for the postgresql dialect
// over the Setup's driver: the dialect takes its arguments, the pool class
// (poolclass, default QueuePool) those its __init__ names (pool_size,
// max_overflow, pool_timeout, pool_recycle, pool_pre_ping, pool_use_lifo,
// pool_reset_on_return), the engine its own, and any argument left over
// is SQLAlchemy's TypeError "Invalid argument(s) ... sent to
// create_engine(), using configuration PGDialect_psycopg2/NullPool/Engine.
// ..." — so pool_size given with NullPool fails as it does in Python.
//
// The engine's pool runs the dialect's on_connect for every new
// connection and, once, the first-connect initialisation (unless
// _initialize=False, the flag SQLAlchemy's own tests use): on the wire,
// BEGIN, the hstore lookup (with use_native_hstore, the default),
// ROLLBACK, then BEGIN, select pg_catalog.version(), select
// current_schema(), show transaction isolation level, show
// standard_conforming_strings, ROLLBACK.
func CreateEngine(s Setup, rawURL string, kw ...Kwarg) (*Engine, error) {
	if s.Driver == nil {
		return nil, errNoDriver
	}
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Dialect != "postgresql" {
		name := u.Dialect
		if u.Driver != "" {
			name += "." + u.Driver
		}
		return nil, exc.Newf(exc.ArgumentError, "Can't load plugin: sqlalchemy.dialects:%s", name)
	}
	if u.Driver != "" && u.Driver != s.Driver.Name() {
		return nil, exc.Newf(exc.ArgumentError, "the URL names driver %s but the setup's driver is %s", u.Driver, s.Driver.Name())
	}
	args := append([]Kwarg(nil), kw...)
	pop := func(name string) (any, bool) {
		for i, a := range args {
			if a.Name == name {
				args = append(args[:i], args[i+1:]...)
				return a.Value, true
			}
		}
		return nil, false
	}
	d := NewDialect()
	for _, name := range dialectKwargs {
		v, ok := pop(name)
		if !ok {
			continue
		}
		switch name {
		case "isolation_level":
			d.IsolationLevel, err = asString(name, v)
		case "use_native_hstore":
			d.UseNativeHstore, err = asBool(name, v)
		}
		if err != nil {
			return nil, err
		}
	}
	class := QueuePoolClass
	var own PoolClass
	if v, ok := pop("poolclass"); ok {
		if own, ok = v.(PoolClass); ok {
			class = "PoolClass"
		} else if class, err = asString("poolclass", v); err != nil {
			return nil, err
		}
	}
	q := pool.DefaultQueueOptions()
	singletonSize := 5
	var o pool.Options
	storeTraceback := true
	for _, k := range poolKwargs(class) {
		tk := k
		if t, ok := poolTranslate[k]; ok {
			tk = t
		}
		v, ok := pop(tk)
		if !ok {
			continue
		}
		switch k {
		case "pool_size":
			n, err := asInt(tk, v)
			if err != nil {
				return nil, err
			}
			q.PoolSize, singletonSize = n, n
		case "max_overflow":
			if q.MaxOverflow, err = asInt(tk, v); err != nil {
				return nil, err
			}
		case "timeout":
			if q.Timeout, err = asSeconds(tk, v); err != nil {
				return nil, err
			}
		case "use_lifo":
			if q.UseLIFO, err = asBool(tk, v); err != nil {
				return nil, err
			}
		case "recycle":
			if o.Recycle, err = asSeconds(tk, v); err != nil {
				return nil, err
			}
		case "pre_ping":
			if o.PrePing, err = asBool(tk, v); err != nil {
				return nil, err
			}
		case "reset_on_return":
			if o.ResetOnReturn, err = asReset(tk, v); err != nil {
				return nil, err
			}
		case "echo", "logging_name":
			// logging: nothing to model
		default:
			return nil, exc.Newf(exc.ArgumentError, "create_engine argument %s is not modelled", tk)
		}
	}
	e := &Engine{w: s.World, url: u, dialect: d, drv: s.Driver, cext: s.CExtensions, cache: map[cacheKey]*compiled{}, cacheSize: 500}
	for _, name := range engineKwargs {
		v, ok := pop(name)
		if !ok {
			continue
		}
		switch name {
		case "hide_parameters":
			if d.HideParameters, err = asBool(name, v); err != nil {
				return nil, err
			}
		case "query_cache_size":
			if e.cacheSize, err = asInt(name, v); err != nil {
				return nil, err
			}
		}
	}
	initialize := true
	if v, ok := pop("_initialize"); ok {
		if initialize, err = asBool("_initialize", v); err != nil {
			return nil, err
		}
	}
	if len(args) > 0 {
		names := make([]string, len(args))
		for i, a := range args {
			names[i] = "'" + a.Name + "'"
		}
		return nil, exc.Newf(exc.TypeError, "Invalid argument(s) %s sent to create_engine(), using configuration %s/%s/Engine.  Please check that the keyword arguments are appropriate for this combination of components.",
			strings.Join(names, ","), d.Name(), class)
	}
	target := driver.Target{World: s.World, Addr: u.Addr(), Params: u.ConnectParams()}
	drv := s.Driver
	creator := func(*pool.Record) (driver.Conn, error) { return drv.Connect(target) }
	o.Dialect = d
	w := s.World
	switch class {
	case QueuePoolClass:
		e.pool = pool.NewQueuePool(w, creator, q, o)
	case NullPoolClass:
		e.pool = pool.NewNullPool(w, creator, o)
	case StaticPoolClass:
		e.pool = pool.NewStaticPool(w, creator, o)
	case SingletonThreadPoolClass:
		e.pool = pool.NewSingletonThreadPool(w, creator, singletonSize, o)
	case AssertionPoolClass:
		e.pool = pool.NewAssertionPool(w, creator, storeTraceback, o)
	case "PoolClass":
		e.pool = own(w, creator, o)
	default:
		return nil, exc.Newf(exc.ArgumentError, "unknown poolclass %q", class)
	}
	if initialize {
		if d.IsolationLevel != "" || d.UseNativeHstore {
			e.pool.ListenConnect(&onConnectHandler{d: d})
		}
		e.pool.ListenConnect(&firstConnectHandler{e: e})
	}
	return e, nil
}

func asString(name string, v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", argType(name, v, "a string")
}

func asBool(name string, v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, argType(name, v, "a boolean")
}

func asInt(name string, v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case float64:
		if x == float64(int(x)) {
			return int(x), nil
		}
	}
	return 0, argType(name, v, "an integer")
}

// asSeconds reads a number of seconds (int or float), or a Go duration.
func asSeconds(name string, v any) (time.Duration, error) {
	switch x := v.(type) {
	case time.Duration:
		return x, nil
	case int:
		return time.Duration(x) * time.Second, nil
	case int64:
		return time.Duration(x) * time.Second, nil
	case float64:
		return time.Duration(x * float64(time.Second)), nil
	}
	return 0, argType(name, v, "a number of seconds")
}

func asReset(name string, v any) (pool.Reset, error) {
	switch v {
	case "rollback", true:
		return pool.ResetRollback, nil
	case "commit":
		return pool.ResetCommit, nil
	case "none", nil, false:
		return pool.ResetNone, nil
	}
	return 0, exc.Newf(exc.ArgumentError, "Invalid value for 'reset_on_return': %s", pyRepr(v))
}

func argType(name string, v any, want string) error {
	return exc.Newf(exc.ArgumentError, "create_engine argument %s must be %s, not %s", name, want, fmt.Sprint(v))
}
